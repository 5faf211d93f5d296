//! APIW-INPUT-105: a quote or expression syntax in a read-only parameter brings a database or
//! query error that other malformed values do not (confirmed when a balanced pair of quotes
//! answers normally again). Judged from the malformed-input probes (`malformed_input.rs`).
//! Tests: `fires_probable_injection`, `near_miss_probable_injection` (tests/probing.rs).

use crate::checks::input_validation::malformed_input::{
    Judged, Leak, Probe, db_errors, db_names, evidence_for,
};
use crate::store::Observation;
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_rules::input_validation;

/// Reports a probable injection for one parameter; true when reported.
pub(crate) fn report(j: &Judged, confirm: Option<&Probe>, out: &mut Vec<Finding>) -> bool {
    let (s, p, b) = (j.s, j.p, j.b);
    let (answered, leaks) = (&j.answered, &j.leaks);
    let (label, disc) = (&j.label, &j.disc);
    // Syntax breaks the query while other malformed values do not.
    let syntax: Vec<(&Probe, &Observation, &Leak)> = answered
        .iter()
        .zip(leaks)
        .filter(|((x, _), l)| x.kind.is_syntax() && l.db())
        .map(|((x, o), l)| (*x, *o, l))
        .collect();
    let others: Vec<&Leak> = answered
        .iter()
        .zip(leaks)
        .filter(|((x, _), _)| !x.kind.is_syntax())
        .map(|(_, l)| l)
        .collect();
    let generic = !others.is_empty() && others.iter().all(|l| l.db());
    if let Some((x, o, l)) = syntax.first()
        && b.status() < 500
        && !generic
    {
        let balanced = confirm
            .and_then(|c| c.obs)
            .map(|i| s.obs(i))
            .filter(|c| c.status() < 500 && db_errors(c, b).is_empty());
        let errors = db_names(l).join(", ");
        let mut f = Finding::new(
            &input_validation::PROBABLE_INJECTION,
            FindingSource::Runtime,
            j.location(o),
            disc,
            format!("{label}: {} `{}` looks injectable", p.location.as_str(), p.name),
            format!(
                "With {} in {} parameter `{}`, {label} answered {} with a database or query error ({errors}); \
                 its normal answer was {}{}.",
                x.kind.describe(),
                p.location.as_str(),
                p.name,
                o.status(),
                b.status(),
                if balanced.is_some() {
                    ", and a balanced pair of quotes answered normally again"
                } else {
                    ""
                }
            ),
        )
        .confidence(if balanced.is_some() {
            Confidence::Firm
        } else {
            Confidence::Tentative
        })
        .evidence(evidence_for(o, p, x.kind, errors.clone(), &[]));
        if let Some(c) = balanced {
            f = f.evidence(evidence_for(
                c,
                p,
                x.kind,
                "balanced quotes answer without the error".to_string(),
                &[],
            ));
        }
        out.push(f);
        return true;
    }
    false
}
