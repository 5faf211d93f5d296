//! data_exposure at runtime: the detector's results over every response, error bodies included.
//! APIW-DATA-001 (personal data), -101 (secrets), -102 (stack traces), -103 (cloud internals),
//! -104 (server versions), -105 (internal addresses).
//!
//! Values the spec itself documents (its examples, served in `/openapi.json`) and documentation
//! pages are not leaks; the same leaked value (same salted hash) on several operations is one
//! finding listing them.

use super::{by_operation, exposure_severity};
use crate::Scanner;
use crate::evidence::{at, count_summary, response};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::{DataClass, DataType, Match, Sensitivity};
use apiward_rules::data_exposure as rules;
use serde_json::Value;
use std::collections::HashSet;

/// Which data types a rule reports.
type TypeFilter = fn(DataType) -> bool;

fn is_cloud_internal(t: DataType) -> bool {
    matches!(
        t,
        DataType::BotocoreError
            | DataType::DynamodbException
            | DataType::AwsArn
            | DataType::AwsAccountId
            | DataType::DynamodbAttributeValue
            | DataType::DynamodbPagingKey
            | DataType::DynamodbConsumedCapacity
            | DataType::AwsResponseMetadata
    )
}

fn is_trace(t: DataType) -> bool {
    matches!(t, DataType::StackTrace | DataType::SqlError)
}

fn is_secret(t: DataType) -> bool {
    t.class() == DataClass::Secret && t != DataType::Jwt || t == DataType::EnvDump
}

/// The operations (method, path) the first pass looked at.
pub type Seen = std::collections::BTreeSet<(String, String)>;

/// First pass, over the crawl and the probes made so far; also the server-version finding.
pub fn run(s: &Scanner, out: &mut Vec<Finding>) -> Seen {
    let seen = operations(s, out, &Seen::new(), false);
    server_versions(s, out);
    seen
}

/// Second pass, after the other checks: undocumented routes their probes reached (shadow
/// endpoints such as `/debug/config`) that the first pass has not seen. Documented operations are
/// not looked at again: their later probes (adjacent ids, active writes) belong to the checks that
/// sent them.
pub fn run_late(s: &Scanner, out: &mut Vec<Finding>, seen: &Seen) {
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

        // Personal data, minus the spec's own examples.
        let mut pii: Vec<(&crate::store::Observation, &Match)> = Vec::new();
        for o in &obs {
            for m in &o.body_matches {
                if m.data_type.class() == DataClass::Pii
                    && m.data_type != DataType::MaskedPaymentCard
                    && !matches!(m.data_type, DataType::IpInternal)
                    && !documented.covers(o, m)
                {
                    pii.push((o, m));
                }
            }
        }
        if !pii.is_empty() {
            let significant: Vec<&Match> = pii
                .iter()
                .filter(|(_, m)| m.is_significant())
                .map(|(_, m)| *m)
                .collect();
            let anonymous = pii.iter().any(|(o, m)| o.anonymous() && m.is_significant());
            let distinct: std::collections::HashSet<&str> =
                significant.iter().map(|m| m.hash.as_str()).collect();
            let list = obs.iter().any(|o| root_is_collection(o));
            let volume = list && distinct.len() > 1 || distinct.len() >= 10;
            let worst = significant
                .iter()
                .map(|m| m.data_type.sensitivity())
                .max()
                .unwrap_or(Sensitivity::Low);
            let kinds: Vec<DataType> = significant.iter().map(|m| m.data_type).collect();
            // Contact data in one object, or names alone, to an authenticated caller is what the
            // API is for (the spec half judges the same way); unconfirmed matches to an
            // authenticated caller are not worth a finding either.
            let ordinary = !anonymous
                && (significant.is_empty()
                    || apiward_audit::sensitive::ordinary_for_authenticated_caller(
                        &kinds, false, volume,
                    ));
            let severity = if significant.is_empty() {
                Severity::Info
            } else {
                exposure_severity(worst, anonymous, volume)
            };
            let shown: Vec<&Match> = if significant.is_empty() {
                pii.iter().map(|(_, m)| *m).collect()
            } else {
                significant.clone()
            };
            let witness = pii
                .iter()
                .find(|(o, m)| o.anonymous() && m.is_significant())
                .or(pii.first())
                .map(|(o, _)| *o)
                .unwrap_or(first);
            let summary = count_summary(&shown);
            let who = if anonymous {
                "without credentials"
            } else {
                "to an authenticated caller"
            };
            let hashes: HashSet<String> = significant.iter().map(|m| m.hash.clone()).collect();
            if !ordinary
                && !fold_into_earlier(out, &mut reported, &hashes, &method, &path, severity)
            {
                if !hashes.is_empty() {
                    reported.push((hashes, out.len()));
                }
                out.push(
                    Finding::new(
                        &rules::SENSITIVE_DATA_EXPOSED,
                        FindingSource::Runtime,
                        at(witness),
                        "",
                        format!("{method} {path} returns personal data {who}"),
                        format!("Live responses of {method} {path} contained {summary} {who}."),
                    )
                    .severity(severity)
                    .confidence(if significant.is_empty() {
                        Confidence::Tentative
                    } else {
                        Confidence::Certain
                    })
                    .evidence(response(
                        witness,
                        format!("{summary} in the response"),
                        &shown,
                    )),
                );
            }
        }

        // Secrets, traces, cloud internals, internal addresses: one finding per rule and operation.
        let groups: [(&apiward_core::RuleMeta, TypeFilter); 4] = [
            (&rules::SECRET_IN_RESPONSE, is_secret),
            (&rules::STACK_TRACE_EXPOSED, is_trace),
            (&rules::CLOUD_INTERNALS_EXPOSED, is_cloud_internal),
            (&rules::INTERNAL_ADDRESS_EXPOSED, |t| {
                matches!(t, DataType::IpInternal | DataType::InternalHostname)
            }),
        ];
        for (rule, pred) in groups {
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
            } else if rule.id == rules::SECRET_IN_RESPONSE.id {
                match worst {
                    Sensitivity::Critical => Severity::Critical,
                    Sensitivity::High => Severity::High,
                    _ => Severity::Medium,
                }
            } else if rule.id == rules::CLOUD_INTERNALS_EXPOSED.id {
                let loud = matches.iter().any(|m| {
                    matches!(
                        m.data_type,
                        DataType::BotocoreError | DataType::AwsArn | DataType::AwsAccountId
                    )
                });
                if loud {
                    Severity::Medium
                } else {
                    Severity::Low
                }
            } else {
                rule.default_severity
            };
            let mut details: Vec<String> =
                matches.iter().filter_map(|m| m.detail.clone()).collect();
            details.sort();
            details.dedup();
            details.truncate(5);
            if rule.id == rules::SECRET_IN_RESPONSE.id {
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

/// Server versions: one finding for the API, from headers.
fn server_versions(s: &Scanner, out: &mut Vec<Finding>) {
    let mut versions: Vec<(&crate::store::Observation, &Match)> = Vec::new();
    for o in s.store.iter() {
        for m in &o.header_matches {
            if m.data_type == DataType::ServerVersion {
                versions.push((o, m));
            }
        }
    }
    if let Some((o, _)) = versions.first() {
        let ms: Vec<&Match> = versions.iter().map(|(_, m)| *m).collect();
        let mut shown: Vec<String> = ms.iter().map(|m| m.masked.clone()).collect();
        shown.sort();
        shown.dedup();
        out.push(
            Finding::new(
                &rules::SERVER_VERSION_DISCLOSED,
                FindingSource::Runtime,
                apiward_core::Location::default().with_url(&o.exchange.url),
                "",
                "Response headers disclose server software versions",
                format!("Headers reveal: {}.", shown.join(", ")),
            )
            .confidence(Confidence::Certain)
            .evidence(response(o, "version-revealing header", &ms)),
        );
    }
}

#[cfg(test)]
mod tests {
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
        run(&s, &mut out);
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
        run(&s, &mut out);
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
        run(&s, &mut out);
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
        run(&s, &mut out);
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
        run(&s, &mut out);
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
        run(&s, &mut out);
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
        let seen = run(&s, &mut Vec::new());
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
        run_late(&s, &mut out, &seen);
        let secrets: Vec<_> = out
            .iter()
            .filter(|f| f.rule_id == rules::SECRET_IN_RESPONSE.id)
            .map(|f| f.location.path.clone())
            .collect();
        assert_eq!(secrets, vec![Some("/debug/config".to_string())], "{out:#?}");
        // And the first pass does not report it again.
        let mut again = Vec::new();
        let seen2 = run(&s, &mut again);
        let mut late = Vec::new();
        run_late(&s, &mut late, &seen2);
        assert!(late.is_empty(), "{late:#?}");
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;
    use crate::checks::testkit;
    use crate::store::Purpose;

    fn findings(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<Finding> {
        let mut s = testkit::scanner(None, vec![]);
        let x = testkit::exchange("GET", "/orders", status, headers, body);
        testkit::push(&mut s, Purpose::Crawl, None, "/orders", None, x);
        let mut out = Vec::new();
        run(&s, &mut out);
        out
    }

    fn has(out: &[Finding], rule: &apiward_core::RuleMeta) -> bool {
        out.iter().any(|f| f.rule_id == rule.id)
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn fires_sensitive_data_exposed() {
        let out = findings(200, &[JSON], br#"{"user_id": "u1", "ssn": "512-48-3391"}"#);
        assert!(has(&out, &rules::SENSITIVE_DATA_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_sensitive_data_exposed() {
        let out = findings(
            200,
            &[JSON],
            br#"{"order_id": 5001, "status": "shipped", "total": 42.5}"#,
        );
        assert!(!has(&out, &rules::SENSITIVE_DATA_EXPOSED), "{out:#?}");
    }

    #[test]
    fn fires_secret_in_response() {
        let out = findings(
            200,
            &[JSON],
            br#"{"stripe_key": "sk_live_51Hx9Qk2eZvKYlo2C8nM4pR7tW1yB3dF6gJ0"}"#,
        );
        assert!(has(&out, &rules::SECRET_IN_RESPONSE), "{out:#?}");
    }

    #[test]
    fn near_miss_secret_in_response() {
        // Token metadata, not a token.
        let out = findings(
            200,
            &[JSON],
            br#"{"token_type": "bearer", "expires_in": 3600, "scope": "orders:read"}"#,
        );
        assert!(!has(&out, &rules::SECRET_IN_RESPONSE), "{out:#?}");
    }

    #[test]
    fn fires_stack_trace_exposed() {
        let out = findings(
            500,
            &[("content-type", "text/plain")],
            b"Traceback (most recent call last):\n  File \"/app/main.py\", line 42, in get_orders\n    rows = table.query(**kwargs)\nKeyError: 'user_id'\n",
        );
        assert!(has(&out, &rules::STACK_TRACE_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_stack_trace_exposed() {
        let out = findings(500, &[JSON], br#"{"detail": "Internal Server Error"}"#);
        assert!(!has(&out, &rules::STACK_TRACE_EXPOSED), "{out:#?}");
    }

    #[test]
    fn fires_cloud_internals_exposed() {
        let out = findings(
            500,
            &[JSON],
            br#"{"error": "An error occurred (ValidationException) when calling the Query operation: Invalid KeyConditionExpression", "table": "arn:aws:dynamodb:us-east-1:483920175561:table/Orders"}"#,
        );
        assert!(has(&out, &rules::CLOUD_INTERNALS_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_cloud_internals_exposed() {
        // An opaque cursor instead of a raw LastEvaluatedKey.
        let out = findings(
            200,
            &[JSON],
            br#"{"items": [], "next_cursor": "b3JkZXJzOjUwMDE"}"#,
        );
        assert!(!has(&out, &rules::CLOUD_INTERNALS_EXPOSED), "{out:#?}");
    }

    #[test]
    fn fires_server_version_disclosed() {
        let out = findings(200, &[JSON, ("server", "nginx/1.18.0")], b"{}");
        assert!(has(&out, &rules::SERVER_VERSION_DISCLOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_server_version_disclosed() {
        let out = findings(200, &[JSON, ("server", "nginx")], b"{}");
        assert!(!has(&out, &rules::SERVER_VERSION_DISCLOSED), "{out:#?}");
    }

    #[test]
    fn fires_internal_address_exposed() {
        let out = findings(
            502,
            &[JSON],
            br#"{"detail": "upstream 10.0.3.17:8080 refused the connection"}"#,
        );
        assert!(has(&out, &rules::INTERNAL_ADDRESS_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_internal_address_exposed() {
        // A version number and a public address are not internal addresses.
        let out = findings(
            200,
            &[JSON],
            br#"{"api_version": "10.0.3", "egress_ip": "203.0.113.7"}"#,
        );
        assert!(!has(&out, &rules::INTERNAL_ADDRESS_EXPOSED), "{out:#?}");
    }
}
