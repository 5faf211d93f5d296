//! APIW-UC-001 (runtime half, active): a webhook or callback registration that calls the canary URL
//! at once. Reported from the SSRF canary probe (`ssrf/url_input.rs`).
//! Tests: `fires_webhook_registration`, `near_miss_webhook_registration` (tests/rules_runtime.rs:
//! a registration that delivers a ping to the canary at once; one that refuses the URL beside a
//! fetcher that is an SSRF but no registration; `/v1/hooks` with an `endpoint`, a "Subscribe to
//! events" with a `notifyUrl`, and a webhook delivery retry that is never a registration).

use crate::Scanner;
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_rules::unsafe_consumption;
use apiward_spec::Operation;
use apiward_taxonomy::OperationFacts;
use apiward_taxonomy::callbacks::{Named, names_registration, registers_url};

/// The operation's words for the taxonomy's definition of a registration.
fn facts<'a>(op: &'a Operation, fields: Vec<&'a str>, typed: Vec<&'a str>) -> OperationFacts<'a> {
    OperationFacts {
        method: op.method.as_str(),
        path: &op.path,
        operation_id: op.operation_id.as_deref(),
        summary: op.summary.as_deref(),
        body_fields: fields,
        url_fields: typed,
        ..OperationFacts::default()
    }
}

/// Whether the words of `op` name a registration (the canary probe then puts its URL in the
/// field the taxonomy says carries the callback).
pub(crate) fn named(op: &Operation) -> Option<Named> {
    names_registration(&facts(op, Vec::new(), Vec::new()))
}

/// `op` registers a URL to call, given that the API called the canary URL put in `field`: the
/// taxonomy's definition, shared with the spec half, with the callback as proof that `field`
/// holds a URL (as a `format: uri` would say). An operation that declares OpenAPI `callbacks`
/// registers whatever URL it is given.
fn registers(op: &Operation, field: &str) -> bool {
    registers_url(&facts(op, vec![field], vec![field])).is_some()
        || !op.callbacks.is_empty() && !op.method.is_safe()
}

/// A registration (a write that stores the URL) that called the canary at once: the API consumes
/// endpoints its callers choose. `fields` are the request fields the canary URL went in; reported
/// beside the SSRF finding `f` it shares evidence with.
pub(crate) fn report(
    s: &Scanner,
    op: &Operation,
    fields: &[&str],
    witness: Option<usize>,
    f: &Finding,
    out: &mut Vec<Finding>,
) {
    let Some(field) = fields.iter().find(|x| registers(op, x)) else {
        return;
    };
    let mut u = Finding::new(
        &unsafe_consumption::WEBHOOK_REGISTRATION,
        FindingSource::Runtime,
        f.location.clone(),
        "registration",
        format!("{} delivers to caller-registered URLs", op.label()),
        format!(
            "Registering a canary URL in `{}` with {} made the API send it a request at once: it calls whatever endpoint a caller registers{}.",
            field,
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
