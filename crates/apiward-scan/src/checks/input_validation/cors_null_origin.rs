//! APIW-INPUT-102: CORS that trusts the `null` origin. Reported from the CORS probes in `mod.rs`,
//! once per scan.
//! Tests: `fires_cors_null_origin`, `near_miss_cors_null_origin` (tests/rules_runtime.rs).

use crate::evidence::response;
use crate::store::Observation;
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_rules::input_validation as rules;

/// An answer to `Origin: null` that trusts it: true when reported.
pub(super) fn report(o: &Observation, out: &mut Vec<Finding>) -> bool {
    let (acao, creds) = super::cors_answer(o);
    if acao != "null" {
        return false;
    }
    out.push(
        Finding::new(
            &rules::CORS_NULL_ORIGIN,
            FindingSource::Runtime,
            Location::default().with_url(&o.exchange.url),
            "",
            "CORS trusts the `null` origin",
            format!(
                "`Origin: null` got `Access-Control-Allow-Origin: null`{}.",
                if creds { " with credentials" } else { "" }
            ),
        )
        .severity(if creds {
            Severity::Medium
        } else {
            Severity::Low
        })
        .confidence(Confidence::Certain)
        .evidence(response(o, "Origin: null accepted", &[])),
    );
    true
}
