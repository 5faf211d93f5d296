//! APIW-BFLA-001 (runtime half): an admin function (seen in the crawl, or one of the usual admin
//! roots) answers without credentials. Reported from the admin pass in `mod.rs`.
//! Tests: `fires_admin_function_exposed`, `near_miss_admin_function_exposed` (tests/rules_runtime.rs).

use crate::Scanner;
use crate::evidence::{at, count_summary, response};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::DataClass;
use apiward_rules::bfla as rules;

/// Report `path` if its unauthenticated GET answered 2xx; true when reported (the admin pass then
/// skips the identities for it).
pub(super) fn report(s: &Scanner, op: Option<usize>, path: &str, out: &mut Vec<Finding>) -> bool {
    // Unauthenticated answer (from the crawl, or the probe).
    let anon = s.store.iter().find(|o| {
        o.path == path && o.anonymous() && o.exchange.method == apiward_http::Method::GET
    });
    if let Some(o) = anon.filter(|o| o.is_success()) {
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant() && m.data_type.class() != DataClass::Internal)
            .collect();
        let severity = if data.is_empty() {
            Severity::High
        } else {
            Severity::Critical
        };
        let what = if data.is_empty() {
            String::new()
        } else {
            format!(" with {}", count_summary(&data))
        };
        let mut f = Finding::new(
            &rules::ADMIN_FUNCTION_EXPOSED,
            FindingSource::Runtime,
            at(o),
            "",
            format!("Admin function {} answers without credentials", o.label()),
            format!(
                "An unauthenticated GET {} returned {}{what}.",
                o.path,
                o.status()
            ),
        )
        .severity(severity)
        .confidence(Confidence::Certain)
        .evidence(response(o, format!("status {}{what}", o.status()), &data));
        f.undocumented = op.is_none();
        out.push(f);
        return true;
    }
    false
}
