//! APIW-PROP-101: live response properties the documented schema does not declare, classified
//! and ranked by sensitivity.
//! Tests: `fires_undocumented_response_property`, `near_miss_undocumented_response_property` (below).

use crate::Scanner;
use crate::evidence::{at, response};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::{DataClass, KeyStrength, Sensitivity};
use apiward_rules::property_authorization::UNDOCUMENTED_RESPONSE_PROPERTY as RULE;
use apiward_spec::{SchemaId, Spec};
use serde_json::Value;
use std::collections::BTreeSet;

/// How an undocumented property is classified.
fn classify(name: &str) -> (Severity, &'static str) {
    let l = name.to_ascii_lowercase();
    if let Some(k) = apiward_detect::classify_key(name) {
        let t = k.data_type;
        if k.strength == KeyStrength::Strong || t.sensitivity() >= Sensitivity::High {
            return match (t.class(), t.sensitivity()) {
                (DataClass::Secret, _) => (Severity::High, "secret"),
                (DataClass::Pii, Sensitivity::Critical) => (Severity::High, "PII"),
                (DataClass::Pii, Sensitivity::High) => (Severity::Medium, "PII"),
                (DataClass::Pii, _) => (Severity::Medium, "PII"),
                (DataClass::Internal, _) => (Severity::Medium, "internal"),
            };
        }
    }
    if matches!(
        apiward_taxonomy::fields::privilege(name),
        Some((apiward_taxonomy::Privilege::Role, _))
    ) {
        return (Severity::Medium, "privilege");
    }
    if l.starts_with("internal") || l.starts_with('_') || l.ends_with("_internal") {
        return (Severity::Medium, "internal");
    }
    (Severity::Low, "undocumented")
}

/// Documented paths of a response schema, and whether some subtree is free-form.
fn documented(spec: &Spec, root: SchemaId) -> Option<(BTreeSet<String>, Vec<String>)> {
    let r = spec.schema(root);
    let free = |s: &apiward_spec::Schema| {
        s.properties.is_empty()
            && s.items.is_none()
            && s.all_of.is_empty()
            && s.any_of.is_empty()
            && s.one_of.is_empty()
            && (s.types.is_empty() || s.has_type("object"))
    };
    if free(r) {
        return None; // `{}`: nothing documented, nothing to compare with.
    }
    let paths = spec.flatten_properties(root, 10);
    let mut set = BTreeSet::new();
    let mut open = Vec::new();
    for p in &paths {
        set.insert(p.path.clone());
        let s = spec.schema(p.schema);
        if free(s) && !s.has_type("string") {
            open.push(p.path.clone());
        }
        if p.path.ends_with('*') {
            open.push(
                p.path
                    .trim_end_matches(".*")
                    .trim_end_matches('*')
                    .to_string(),
            );
        }
    }
    Some((set, open))
}

/// Live property paths, in the same notation (`items[].user.email`).
fn live_paths(v: &Value, prefix: &str, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 10 || out.len() > 2000 {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push((path.clone(), k.clone()));
                live_paths(val, &path, out, depth + 1);
            }
        }
        Value::Array(items) => {
            let p = format!("{prefix}[]");
            for it in items.iter().take(5) {
                live_paths(it, &p, out, depth + 1);
            }
        }
        _ => {}
    }
}

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = &s.spec else { return };
    let mut done = BTreeSet::new();
    for o in s.store.iter() {
        let (Some(op_i), Some(json)) = (o.op, &o.json) else {
            continue;
        };
        if !o.is_success() || done.contains(&op_i) {
            continue;
        }
        let op = &spec.operations[op_i];
        let status = o.status().to_string();
        let resp = op
            .responses
            .iter()
            .find(|r| r.status == status)
            .or_else(|| {
                op.responses
                    .iter()
                    .find(|r| r.status.eq_ignore_ascii_case("2XX"))
            })
            .or_else(|| op.responses.iter().find(|r| r.is_success()));
        let Some(root) = resp.and_then(|r| {
            r.content
                .iter()
                .find(|m| m.media_type.contains("json"))
                .or(r.content.first())
                .and_then(|m| m.schema)
        }) else {
            continue;
        };
        let Some((doc, open)) = documented(spec, root) else {
            continue;
        };
        let mut live = Vec::new();
        live_paths(json, "", &mut live, 0);
        let mut extra: Vec<(String, Severity, &'static str)> = Vec::new();
        let mut reported_prefixes: Vec<String> = Vec::new();
        for (path, name) in live {
            if doc.contains(&path)
                || open.iter().any(|p| {
                    p.is_empty()
                        || path.starts_with(&format!("{p}."))
                        || path.starts_with(&format!("{p}[]"))
                })
                || reported_prefixes.iter().any(|p| {
                    path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}[]"))
                })
            {
                continue;
            }
            let (sev, class) = classify(&name);
            reported_prefixes.push(path.clone());
            extra.push((path, sev, class));
        }
        if extra.is_empty() {
            continue;
        }
        done.insert(op_i);
        extra.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let worst = extra[0].1;
        let list: Vec<String> = extra
            .iter()
            .take(15)
            .map(|(p, _, c)| format!("`{p}` ({c})"))
            .collect();
        let mut e = response(
            o,
            format!(
                "{} undocumented propert{}",
                extra.len(),
                if extra.len() == 1 { "y" } else { "ies" }
            ),
            &[],
        );
        e.snippet = Some(list.join(", "));
        out.push(
            Finding::new(
                &RULE,
                FindingSource::Runtime,
                at(o),
                "",
                format!(
                    "{} returns properties its schema does not document",
                    o.label()
                ),
                format!(
                    "The live response of {} carries {} absent from the documented schema: {}.",
                    o.label(),
                    if extra.len() == 1 {
                        "a property"
                    } else {
                        "properties"
                    },
                    list.join(", ")
                ),
            )
            .severity(worst)
            .confidence(Confidence::Certain)
            .evidence(e),
        );
    }
}

#[cfg(test)]
mod tests {

    use apiward_core::Finding;

    use super::*;
    use crate::checks::testkit;
    use crate::store::Purpose;

    const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {"/users/{user_id}": {"get": {"responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"type": "object", "properties": {
          "user_id": {"type": "string"}, "display_name": {"type": "string"},
          "address": {"type": "object", "properties": {"city": {"type": "string"}}}}}}}}}}}}}"#;

    fn findings(body: &[u8]) -> Vec<Finding> {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let x = testkit::exchange(
            "GET",
            "/users/u1",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/users/{user_id}", None, x);
        let mut out = Vec::new();
        check(&s, &mut out);
        out
    }

    #[test]
    fn fires_undocumented_response_property() {
        let out = findings(
            br#"{"user_id": "u1", "display_name": "Alice", "address": {"city": "Oslo"}, "password_hash": "$2b$12$K1o2p3q4r5s6t7u8v9w0xOe", "is_admin": false}"#,
        );
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].rule_id, RULE.id);
        assert_eq!(out[0].severity, Severity::High);
    }

    #[test]
    fn near_miss_undocumented_response_property() {
        // Exactly the documented shape, with an optional property left out.
        let out = findings(br#"{"user_id": "u1", "display_name": "Alice"}"#);
        assert!(out.is_empty(), "{out:#?}");
    }
}
