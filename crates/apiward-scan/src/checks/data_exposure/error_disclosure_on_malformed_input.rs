//! APIW-DATA-106: a malformed parameter value brings an answer that shows internals (stack traces,
//! database or cloud errors, secrets) the normal answer does not. Judged from the malformed-input
//! probes (`input_validation/malformed_input.rs`), the answer that shows the most.
//! Tests: `fires_error_disclosure_on_malformed_input`, `near_miss_error_disclosure_on_malformed_input`
//! (tests/probing.rs).

use crate::checks::input_validation::malformed_input::{Judged, evidence_for, reflects};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::{DataClass, DataType};
use apiward_rules::data_exposure;

/// Reports the answer that discloses the most for one parameter; true when reported.
pub(crate) fn report(j: &Judged, out: &mut Vec<Finding>) -> bool {
    let (p, b) = (j.p, j.b);
    let (answered, leaks) = (&j.answered, &j.leaks);
    let (label, disc) = (&j.label, &j.disc);
    // Error disclosure: the answer that shows the most.
    let best = answered
        .iter()
        .zip(leaks)
        .map(|((x, o), l)| (x, o, l))
        .filter(|(_, _, l)| !l.is_empty())
        .max_by_key(|(_, _, l)| (l.strong(), l.matches.len() + l.sigs.len()));
    if let Some((x, o, l)) = best {
        let secret = l.matches.iter().any(|m| {
            m.data_type.class() == DataClass::Secret
                || matches!(m.data_type, DataType::EnvDump | DataType::DatabaseUrl)
        });
        let severity = if secret {
            Severity::High
        } else if l.strong() {
            Severity::Medium
        } else {
            Severity::Low
        };
        let certain = l
            .matches
            .iter()
            .any(|m| m.confidence == apiward_detect::Confidence::Certain);
        let names = l.names();
        out.push(
            Finding::new(
                &data_exposure::ERROR_DISCLOSURE_ON_MALFORMED_INPUT,
                FindingSource::Runtime,
                j.location(o),
                disc,
                format!(
                    "{label} leaks internals on a malformed {} `{}`",
                    p.location.as_str(),
                    p.name
                ),
                format!(
                    "With {} in {} parameter `{}`, {label} answered {} with {names}, which its normal answer ({}) does not show{}.",
                    x.kind.describe(),
                    p.location.as_str(),
                    p.name,
                    o.status(),
                    b.status(),
                    if reflects(o, p, x.kind) {
                        "; the error also echoes the submitted value"
                    } else {
                        ""
                    }
                ),
            )
            .severity(severity)
            .confidence(if certain || l.sigs.iter().any(|s| s.strong) {
                Confidence::Certain
            } else {
                Confidence::Firm
            })
            .evidence(evidence_for(o, p, x.kind, names, &l.matches)),
        );
        return true;
    }
    false
}
