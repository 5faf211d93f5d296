//! APIW-INPUT-101: CORS that reflects any origin (or `*` with credentials). Reported from the CORS
//! probes in `mod.rs`, once per scan.
//! Tests: `fires_cors_origin_reflected`, `near_miss_cors_origin_reflected` (tests/rules_runtime.rs).

use super::EVIL_ORIGIN;
use crate::evidence::response;
use crate::store::Observation;
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_rules::input_validation as rules;

/// An answer to the hostile origin that reflects it (or `*` with credentials): true when reported.
pub(super) fn report(o: &Observation, out: &mut Vec<Finding>) -> bool {
    let (acao, creds) = super::cors_answer(o);
    if !(acao == EVIL_ORIGIN || (acao == "*" && creds)) {
        return false;
    }
    let how = if acao == "*" {
        "`*`"
    } else {
        "the attacker's origin"
    };
    out.push(
        Finding::new(
            &rules::CORS_ORIGIN_REFLECTED,
            FindingSource::Runtime,
            Location::default().with_url(&o.exchange.url),
            "",
            if creds {
                "CORS reflects any origin and allows credentials".to_string()
            } else {
                "CORS reflects any origin".to_string()
            },
            format!(
                "A request with `Origin: {EVIL_ORIGIN}` got `Access-Control-Allow-Origin` = {how}{}.",
                if creds { " with `Access-Control-Allow-Credentials: true`" } else { "" }
            ),
        )
        .severity(if creds { Severity::High } else { Severity::Medium })
        .confidence(Confidence::Certain)
        .evidence(response(o, format!("Origin: {EVIL_ORIGIN} reflected"), &[])),
    );
    true
}
