//! Data exposure at runtime, one file per rule: the detector's results over every response, error
//! bodies included. APIW-DATA-001 (personal data), -101 (secrets), -102 (stack traces), -103 (cloud
//! internals), -104 (server versions), -105 (internal addresses); -106 (error disclosure on
//! malformed input) reports from the malformed-input probes.
//!
//! Shared here: the response pass ([`responses`], [`late_responses`]) that walks each operation's
//! answers once and lets each rule report from its own file. Values the spec itself documents (its
//! examples, served in `/openapi.json`) and documentation pages are not leaks; the same leaked value
//! (same salted hash) on several operations is one finding listing them.

use crate::Scanner;
use crate::checks::by_operation;
use crate::evidence::{at, count_summary, response};
use apiward_core::RuleMeta;
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::{DataType, Match, Sensitivity};
use serde_json::Value;
use std::collections::HashSet;

pub(crate) mod cloud_internals_exposed;
pub(crate) mod error_disclosure_on_malformed_input;
pub(crate) mod internal_address_exposed;
pub(crate) mod secret_in_response;
pub(crate) mod sensitive_data_exposed;
pub(crate) mod server_version_disclosed;
pub(crate) mod stack_trace_exposed;

/// Which data types a rule reports.
type TypeFilter = fn(DataType) -> bool;

/// A rule over typed matches (secrets, traces, cloud internals, internal addresses): one finding
/// per rule and operation.
pub(super) struct TypedRule {
    pub rule: &'static RuleMeta,
    /// The data types it reports.
    pub reports: TypeFilter,
    /// The severity of real (non-example) matches, given the worst sensitivity among them; the
    /// rule's default when `None`.
    pub severity: Option<fn(&[&Match], Sensitivity) -> Severity>,
    /// Fold the same values seen on another operation into the finding that reported them first.
    pub fold: bool,
}

/// The order in which the typed rules report per operation.
const TYPED: [TypedRule; 4] = [
    secret_in_response::TYPED,
    stack_trace_exposed::TYPED,
    cloud_internals_exposed::TYPED,
    internal_address_exposed::TYPED,
];

/// Hashes already reported (PII and secrets) and the index of the finding that reported them.
pub(super) type Reported = Vec<(HashSet<String>, usize)>;

/// The operations (method, path) the first pass looked at.
pub type Seen = std::collections::BTreeSet<(String, String)>;

/// First pass, over the crawl and the probes made so far.
pub fn responses(s: &Scanner, out: &mut Vec<Finding>) -> Seen {
    operations(s, out, &Seen::new(), false)
}

/// Second pass, after the other checks: undocumented routes their probes reached (shadow
/// endpoints such as `/debug/config`) that the first pass has not seen. Documented operations are
/// not looked at again: their later probes (adjacent ids, active writes) belong to the checks that
/// sent them.
pub fn late_responses(s: &Scanner, out: &mut Vec<Finding>, seen: &Seen) {
    operations(s, out, seen, true);
}

/// Salted hashes of every sensitive-looking value the spec itself carries (schema examples and
/// defaults, parameter and media-type examples): a response that serves them back shows the
/// documentation, not a leak.
fn spec_example_hashes(s: &Scanner) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some(spec) = &s.spec else {
        return out;
    };
    let mut scan = |text: &str| {
        let mut found = Vec::new();
        s.detector.scan_text(text.as_bytes(), &mut found);
        out.extend(found.into_iter().map(|m| m.hash));
    };
    // Every scalar string of every example, whole (media-type examples are capped renderings).
    for ex in &spec.example_values {
        scan(ex);
    }
    for schema in &spec.schemas {
        for ex in schema.examples() {
            scan(ex);
        }
    }
    for op in spec.operations.iter().chain(spec.webhooks.iter()) {
        for p in &op.parameters {
            if let Some(ex) = &p.example {
                scan(ex);
            }
        }
        let media = op
            .request_body
            .iter()
            .flat_map(|b| b.content.iter())
            .chain(op.responses.iter().flat_map(|r| r.content.iter()));
        for m in media {
            if let Some(ex) = &m.example {
                scan(ex);
            }
        }
    }
    out
}

/// What the spec documents as examples: detector hashes of example values, and the example
/// strings themselves (a token or a name is only recognised with its JSON key, so its hash cannot
/// be computed from the bare example; the matched text is compared instead).
struct Documented<'a> {
    hashes: HashSet<String>,
    values: HashSet<&'a str>,
}

impl Documented<'_> {
    fn covers(&self, o: &crate::store::Observation, m: &Match) -> bool {
        self.hashes.contains(&m.hash)
            || o.exchange
                .body
                .get(m.span.clone())
                .and_then(|b| std::str::from_utf8(b).ok())
                .is_some_and(|t| self.values.contains(t.trim_matches('"')))
    }
}

/// Documentation pages (`/openapi.json`, `/docs`, `/redoc`, `/.well-known/…`) serve the spec's
/// examples: what they contain is not data of the API's users.
fn is_documentation(path: &str) -> bool {
    let p = path.trim_end_matches('/').to_ascii_lowercase();
    matches!(
        apiward_taxonomy::public_by_design(&apiward_taxonomy::Endpoint {
            method: "GET",
            path: &p,
            operation_id: None,
        }),
        Some(apiward_taxonomy::PublicReason::Discovery)
    ) || p.ends_with("/swagger-ui")
        || p.ends_with("/swagger-ui.html")
        || p.ends_with("/v3/api-docs")
}

/// "As a list": the response root is a collection — a top-level array, or a page object whose
/// members are arrays of objects and paging metadata only (an order with line items is one object).
fn root_is_collection(o: &crate::store::Observation) -> bool {
    match o.json.as_ref() {
        Some(Value::Array(a)) => a.len() > 1,
        Some(Value::Object(m)) => {
            let mut arrays = m.iter().filter_map(|(_, v)| v.as_array());
            let big = arrays.any(|a| a.len() > 1 && a.iter().all(Value::is_object));
            big && m.iter().all(|(k, v)| {
                v.is_array() || apiward_audit::shape::is_paging_name(k) || v.is_null()
            })
        }
        _ => false,
    }
}

fn operations(s: &Scanner, out: &mut Vec<Finding>, skip: &Seen, undocumented_only: bool) -> Seen {
    let mut seen = Seen::new();
    let documented = Documented {
        hashes: spec_example_hashes(s),
        values: s
            .spec
            .as_ref()
            .map(|sp| sp.example_values.iter().map(String::as_str).collect())
            .unwrap_or_default(),
    };
    // Hashes already reported (PII and secrets): the same value on another operation joins the
    // finding that reported it first.
    let mut reported: Vec<(HashSet<String>, usize)> = Vec::new();
    let before = out.len();
    for ((method, path), idxs) in by_operation(s) {
        let key = (method.clone(), path.clone());
        if skip.contains(&key) {
            continue;
        }
        seen.insert(key);
        if is_documentation(&path) {
            continue;
        }
        let obs: Vec<_> = idxs.iter().map(|i| s.obs(*i)).collect();
        if undocumented_only && obs.iter().any(|o| o.op.is_some()) {
            continue;
        }
        let Some(first) = obs.first() else { continue };

        sensitive_data_exposed::report(
            &obs,
            first,
            &method,
            &path,
            &documented,
            &mut reported,
            out,
        );

        // Secrets, traces, cloud internals, internal addresses: one finding per rule and operation.
        for typed in &TYPED {
            let (rule, pred) = (typed.rule, typed.reports);
            let hits: Vec<(&crate::store::Observation, &Match)> = obs
                .iter()
                .flat_map(|o| o.body_matches.iter().map(move |m| (*o, m)))
                .filter(|(o, m)| pred(m.data_type) && !documented.covers(o, m))
                .collect();
            if hits.is_empty() {
                continue;
            }
            let matches: Vec<&Match> = hits.iter().map(|(_, m)| *m).collect();
            let all_examples = matches.iter().all(|m| m.example);
            let witness = hits.iter().find(|(_, m)| !m.example).unwrap_or(&hits[0]).0;
            let worst = matches
                .iter()
                .filter(|m| !m.example)
                .map(|m| m.data_type.sensitivity())
                .max()
                .unwrap_or(Sensitivity::Low);
            let severity = if all_examples {
                Severity::Low
            } else if let Some(judge) = typed.severity {
                judge(&matches, worst)
            } else {
                rule.default_severity
            };
            let mut details: Vec<String> =
                matches.iter().filter_map(|m| m.detail.clone()).collect();
            details.sort();
            details.dedup();
            details.truncate(5);
            if typed.fold {
                let hashes: HashSet<String> = matches
                    .iter()
                    .filter(|m| !m.example)
                    .map(|m| m.hash.clone())
                    .collect();
                if fold_into_earlier(out, &mut reported, &hashes, &method, &path, severity) {
                    continue;
                }
                if !hashes.is_empty() {
                    reported.push((hashes, out.len()));
                }
            }
            let summary = count_summary(&matches);
            let mut e = response(witness, format!("{summary} in the response"), &matches);
            if !details.is_empty() {
                e.snippet = Some(details.join("; "));
            }
            out.push(
                Finding::new(
                    rule,
                    FindingSource::Runtime,
                    at(witness),
                    "",
                    format!(
                        "{method} {path}: {}",
                        rule.summary.split(':').next().unwrap_or(rule.name)
                    ),
                    format!("Live responses of {method} {path} contained {summary}."),
                )
                .severity(severity)
                .confidence(if all_examples {
                    Confidence::Tentative
                } else {
                    Confidence::Certain
                })
                .evidence(e),
            );
        }
    }

    // A finding that gathered several operations lists them all.
    for f in out.iter_mut().skip(before) {
        if f.location.operations.len() == 1 {
            f.location.operations.clear();
        }
    }
    seen
}

/// When every value behind a new finding was already reported on another operation, add this
/// operation to that finding instead of reporting the same values again.
fn fold_into_earlier(
    out: &mut [Finding],
    reported: &mut [(HashSet<String>, usize)],
    hashes: &HashSet<String>,
    method: &str,
    path: &str,
    severity: Severity,
) -> bool {
    if hashes.is_empty() {
        return false;
    }
    let Some((_, idx)) = reported.iter().find(|(h, _)| hashes.is_subset(h)) else {
        return false;
    };
    let Some(f) = out.get_mut(*idx) else {
        return false;
    };
    let label = format!("{method} {path}");
    if f.location.operations.is_empty()
        && let (Some(m), Some(p)) = (&f.location.method, &f.location.path)
    {
        f.location.operations.push(format!("{m} {p}"));
    }
    if !f.location.operations.contains(&label) {
        f.location.operations.push(label);
    }
    f.severity = f.severity.max(severity);
    true
}

#[cfg(test)]
mod tests {
    use apiward_core::Finding;
    use apiward_rules::data_exposure as rules;

    use super::*;
    use crate::checks::testkit;
    use crate::store::Purpose;

    const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {"/me": {"get": {"responses": {"200": {"description": "ok"}}}},
                "/users": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;

    fn pii_findings(out: &[Finding]) -> Vec<&Finding> {
        out.iter()
            .filter(|f| f.rule_id == rules::SENSITIVE_DATA_EXPOSED.id)
            .collect()
    }

    #[test]
    fn anonymous_ssn_is_reported() {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let body = br#"{"user_id": "u1", "name": "Alice Lindqvist", "email": "alice.lindqvist@yahoo.com", "ssn": "512-48-3391"}"#;
        let x = testkit::exchange(
            "GET",
            "/me",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", None, x);
        let mut out = Vec::new();
        responses(&s, &mut out);
        let f = pii_findings(&out);
        assert_eq!(f.len(), 1, "{out:#?}");
        assert!(f[0].severity >= Severity::High);
    }

    #[test]
    fn own_contact_data_to_an_authenticated_caller_is_not_a_finding() {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let body = br#"{"user_id": "u1", "display_name": "Alice Lindqvist", "email": "alice.lindqvist@yahoo.com"}"#;
        let x = testkit::exchange(
            "GET",
            "/me",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", Some("alice"), x);
        let mut out = Vec::new();
        responses(&s, &mut out);
        assert!(pii_findings(&out).is_empty(), "{out:#?}");
    }

    #[test]
    fn contact_data_in_bulk_to_an_authenticated_caller_is_reported() {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let body = br#"{"users": [{"email": "alice.lindqvist@yahoo.com"}, {"email": "robert.okonkwo@gmail.com"}, {"email": "dana.whitaker@icloud.com"}]}"#;
        let x = testkit::exchange(
            "GET",
            "/users",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, Some(1), "/users", Some("alice"), x);
        let mut out = Vec::new();
        responses(&s, &mut out);
        assert_eq!(pii_findings(&out).len(), 1, "{out:#?}");
    }

    #[test]
    fn the_specs_own_examples_are_not_leaks() {
        // The SSN is the spec's example (served in /openapi.json): not a user's data.
        let spec = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {"/me": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"ssn": {"type": "string", "example": "512-48-3391"}}}}}}}}}}}"#;
        let mut s = testkit::scanner(Some(spec), vec![]);
        let body = br#"{"user_id": "u1", "ssn": "512-48-3391"}"#;
        let x = testkit::exchange(
            "GET",
            "/me",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", None, x);
        // A documentation page serving examples is not an operation of the API's users either.
        let doc = br#"{"example": {"email": "robert.okonkwo@gmail.com", "ssn": "219-09-9999"}}"#;
        let x = testkit::exchange(
            "GET",
            "/openapi.json",
            200,
            &[("content-type", "application/json")],
            doc,
        );
        testkit::push(&mut s, Purpose::Probe, None, "/openapi.json", None, x);
        let mut out = Vec::new();
        responses(&s, &mut out);
        assert!(pii_findings(&out).is_empty(), "{out:#?}");
    }

    #[test]
    fn values_of_referenced_examples_are_not_leaks_either() {
        // GitHub-style: the example lives in components/examples, reached through `$ref`; a mock
        // serves it whole, token and committer e-mail included.
        let spec = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "components": {"examples": {"repo": {"value": {"temp_clone_token": "ABTLWHOULUVAXGTRYU7OC2876QJ2O", "committer": {"name": "Monalisa Octocat", "email": "mona.octocat@github.com"}}}}},
          "paths": {"/me": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
            "examples": {"default": {"$ref": "#/components/examples/repo"}}}}}}}}}}"##;
        let mut s = testkit::scanner(Some(spec), vec![]);
        let body = br#"[{"temp_clone_token": "ABTLWHOULUVAXGTRYU7OC2876QJ2O", "committer": {"name": "Monalisa Octocat", "email": "mona.octocat@github.com"}}, {"committer": {"email": "mona.octocat@github.com"}}]"#;
        let x = testkit::exchange(
            "GET",
            "/me",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", None, x);
        let mut out = Vec::new();
        responses(&s, &mut out);
        let leaks: Vec<_> = out
            .iter()
            .filter(|f| {
                f.rule_id == rules::SENSITIVE_DATA_EXPOSED.id
                    || f.rule_id == rules::SECRET_IN_RESPONSE.id
            })
            .collect();
        assert!(leaks.is_empty(), "{leaks:#?}");
    }

    #[test]
    fn the_same_value_on_several_operations_is_one_finding() {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let body = br#"{"user_id": "u1", "ssn": "512-48-3391"}"#;
        for (i, path) in [(0, "/me"), (1, "/users")] {
            let x = testkit::exchange(
                "GET",
                path,
                200,
                &[("content-type", "application/json")],
                body,
            );
            testkit::push(&mut s, Purpose::Crawl, Some(i), path, None, x);
        }
        let mut out = Vec::new();
        responses(&s, &mut out);
        let f = pii_findings(&out);
        assert_eq!(f.len(), 1, "{out:#?}");
        assert_eq!(f[0].location.operations, vec!["GET /me", "GET /users"]);
    }

    #[test]
    fn a_single_object_with_an_array_is_not_a_list() {
        let one = |body: &[u8]| {
            let x = testkit::exchange(
                "GET",
                "/me",
                200,
                &[("content-type", "application/json")],
                body,
            );
            let mut s = testkit::scanner(Some(SPEC), vec![]);
            testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", None, x);
            root_is_collection(s.obs(0))
        };
        assert!(!one(
            br#"{"order_id": 1, "customer": {"id": 2}, "items": [{"sku": "a"}, {"sku": "b"}]}"#
        ));
        assert!(one(
            br#"{"items": [{"id": 1}, {"id": 2}], "next_cursor": "x"}"#
        ));
        assert!(one(br#"[{"id": 1}, {"id": 2}]"#));
    }

    #[test]
    fn late_pass_reports_secrets_on_undocumented_routes_only() {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let seen = responses(&s, &mut Vec::new());
        let secret = br#"{"env": {"AWS_ACCESS_KEY_ID": "AKIAZ7Q3LMN4RT5VWX2Y", "AWS_SECRET_ACCESS_KEY": "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", "STRIPE_SECRET_KEY": "sk_live_51Hx9Qk2eZvKYlo2C8nM4pR7tW1yB3dF6gJ0"}}"#;
        // An undocumented shadow route probed after the first pass: reported.
        let x = testkit::exchange(
            "GET",
            "/debug/config",
            200,
            &[("content-type", "application/json")],
            secret,
        );
        testkit::push(&mut s, Purpose::Probe, None, "/debug/config", None, x);
        // A documented operation probed late (e.g. adjacent ids): left to the check that probed.
        let x = testkit::exchange(
            "GET",
            "/me",
            200,
            &[("content-type", "application/json")],
            secret,
        );
        testkit::push(&mut s, Purpose::Probe, Some(0), "/me", None, x);
        let mut out = Vec::new();
        late_responses(&s, &mut out, &seen);
        let secrets: Vec<_> = out
            .iter()
            .filter(|f| f.rule_id == rules::SECRET_IN_RESPONSE.id)
            .map(|f| f.location.path.clone())
            .collect();
        assert_eq!(secrets, vec![Some("/debug/config".to_string())], "{out:#?}");
        // And the first pass does not report it again.
        let mut again = Vec::new();
        let seen2 = responses(&s, &mut again);
        let mut late = Vec::new();
        late_responses(&s, &mut late, &seen2);
        assert!(late.is_empty(), "{late:#?}");
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use apiward_core::Finding;

    use super::*;
    use crate::checks::testkit;
    use crate::store::Purpose;

    /// Findings of the response pass and the server-version rule over one GET /orders answer.
    pub fn findings(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<Finding> {
        let mut s = testkit::scanner(None, vec![]);
        let x = testkit::exchange("GET", "/orders", status, headers, body);
        testkit::push(&mut s, Purpose::Crawl, None, "/orders", None, x);
        let mut out = Vec::new();
        responses(&s, &mut out);
        server_version_disclosed::check(&s, &mut out);
        out
    }

    pub fn has(out: &[Finding], rule: &apiward_core::RuleMeta) -> bool {
        out.iter().any(|f| f.rule_id == rule.id)
    }

    pub const JSON: (&str, &str) = ("content-type", "application/json");
}
