//! APIW-UC-001 (runtime half, active): a webhook or callback registration that calls the canary URL
//! at once. Reported from the SSRF canary probe (`ssrf/url_input.rs`).
//! Tests: `fires_webhook_registration`, `near_miss_webhook_registration` (tests/rules_runtime.rs:
//! a registration that delivers a ping to the canary at once; one that refuses the URL beside a
//! fetcher that is an SSRF but no registration).

use crate::Scanner;
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_rules::unsafe_consumption;
use apiward_spec::Operation;

/// A registration (a write that stores the URL) that called the canary at once: the API consumes
/// endpoints its callers choose. Reported beside the SSRF finding `f` it shares evidence with.
pub(crate) fn report(
    s: &Scanner,
    op: &Operation,
    witness: Option<usize>,
    f: &Finding,
    out: &mut Vec<Finding>,
) {
    if !is_registration(op) {
        return;
    }
    let mut u = Finding::new(
        &unsafe_consumption::WEBHOOK_REGISTRATION,
        FindingSource::Runtime,
        f.location.clone(),
        "registration",
        format!("{} delivers to caller-registered URLs", op.label()),
        format!(
            "Registering a canary URL with {} made the API send it a request at once: it calls whatever endpoint a caller registers{}.",
            op.label(),
            if witness.is_some_and(|w| s.obs(w).anonymous()) {
                ", and registration needs no credentials"
            } else {
                ""
            }
        ),
    )
    .severity(Severity::Medium)
    .confidence(Confidence::Certain);
    u.evidence = f.evidence.clone();
    out.push(u);
}

/// A write whose path names webhooks, callbacks or subscriptions: it registers the URL it is given.
fn is_registration(op: &Operation) -> bool {
    !op.method.is_safe()
        && apiward_audit::shape::segments(&op.path)
            .any(|s| s.contains("webhook") || s.contains("callback") || s.contains("subscription"))
}
