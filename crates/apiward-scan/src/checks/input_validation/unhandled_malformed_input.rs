//! APIW-INPUT-106: a malformed parameter value brings a 5xx where the normal value got a normal
//! answer (reported only when neither injection nor disclosure explains it). Judged from the
//! malformed-input probes (`malformed_input.rs`).
//! Tests: `fires_unhandled_malformed_input`, `near_miss_unhandled_malformed_input` (tests/probing.rs).

use crate::checks::input_validation::malformed_input::{Judged, evidence_for};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_rules::input_validation;

/// Reports an unhandled malformed value for one parameter.
pub(crate) fn report(j: &Judged, out: &mut Vec<Finding>) {
    let (p, b) = (j.p, j.b);
    let answered = &j.answered;
    let (label, disc) = (&j.label, &j.disc);
    // Unhandled: a 5xx where the normal value got a normal answer.
    if b.status() < 500
        && let Some((x, o)) = answered.iter().find(|(_, o)| o.status() >= 500)
    {
        let kinds: Vec<&str> = answered
            .iter()
            .filter(|(_, o)| o.status() >= 500)
            .map(|(x, _)| x.kind.describe())
            .collect();
        out.push(
            Finding::new(
                &input_validation::UNHANDLED_MALFORMED_INPUT,
                FindingSource::Runtime,
                j.location(o),
                disc,
                format!(
                    "{label} fails with {} on a malformed {} `{}`",
                    o.status(),
                    p.location.as_str(),
                    p.name
                ),
                format!(
                    "{label} answered {} to {} of {} malformed values of {} parameter `{}` ({}); its normal answer was {}.",
                    o.status(),
                    kinds.len(),
                    answered.len(),
                    p.location.as_str(),
                    p.name,
                    kinds.join("; "),
                    b.status()
                ),
            )
            .severity(Severity::Low)
            .confidence(Confidence::Certain)
            .evidence(evidence_for(o, p, x.kind, format!("{} instead of {}", o.status(), b.status()), &[])),
        );
    }
}
