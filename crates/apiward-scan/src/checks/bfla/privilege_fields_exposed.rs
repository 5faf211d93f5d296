//! APIW-BFLA-003: responses that reveal role or permission fields (`role`, `is_admin`, `scopes`, …),
//! over the store.
//! Tests: `fires_privilege_fields_exposed`, `near_miss_privilege_fields_exposed` (below).

use crate::Scanner;
use crate::evidence::{at, response};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_rules::bfla as rules;
use serde_json::Value;

/// A key that states a role or permission set (the taxonomy's privileged fields of kind role:
/// `role`, `is_admin`, `permissions`, `scopes`, …).
fn is_privilege_key(k: &str) -> bool {
    matches!(
        apiward_taxonomy::fields::privilege(k),
        Some((apiward_taxonomy::Privilege::Role, _))
    )
}

fn privilege_keys(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 6 || out.len() > 10 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                if is_privilege_key(k) && !out.contains(k) {
                    out.push(k.clone());
                }
                privilege_keys(val, out, depth + 1);
            }
        }
        Value::Array(a) => {
            for it in a.iter().take(5) {
                privilege_keys(it, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// APIW-BFLA-003 over the store.
pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    for ((method, path), idxs) in crate::checks::by_operation(s) {
        let Some((o, keys)) = idxs.iter().map(|i| s.obs(*i)).find_map(|o| {
            if !o.is_success() {
                return None;
            }
            let mut keys = Vec::new();
            privilege_keys(o.json.as_ref()?, &mut keys, 0);
            (!keys.is_empty()).then_some((o, keys))
        }) else {
            continue;
        };
        // The caller's own role on a `/me`-style route is expected.
        let own = o.identity.is_some() && (path.ends_with("/me") || path.contains("/me/"));
        let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        out.push(
            Finding::new(
                &rules::PRIVILEGE_FIELDS_EXPOSED,
                FindingSource::Runtime,
                at(o),
                "",
                format!("{method} {path} reveals privilege fields"),
                format!(
                    "Responses of {method} {path} carry {}{}.",
                    names.join(", "),
                    if o.anonymous() {
                        " to unauthenticated callers"
                    } else {
                        ""
                    }
                ),
            )
            .severity(if own {
                Severity::Info
            } else if o.anonymous() {
                Severity::Medium
            } else {
                Severity::Low
            })
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("privilege fields {}", names.join(", ")),
                &[],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Purpose;
    use apiward_core::Finding;
    use apiward_rules::bfla as rules;

    use super::*;
    use crate::checks::testkit;

    fn privilege_findings(path: &str, body: &[u8]) -> Vec<Finding> {
        let mut s = testkit::scanner(None, vec![]);
        let x = testkit::exchange(
            "GET",
            path,
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, None, path, None, x);
        let mut out = Vec::new();
        check(&s, &mut out);
        out
    }

    #[test]
    fn fires_privilege_fields_exposed() {
        let out = privilege_findings(
            "/users",
            br#"[{"user_id": "u1", "display_name": "Alice", "role": "admin", "is_admin": true}]"#,
        );
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].rule_id, rules::PRIVILEGE_FIELDS_EXPOSED.id);
        assert_eq!(out[0].severity, Severity::Medium);
    }

    #[test]
    fn near_miss_privilege_fields_exposed() {
        // `roles_count`, `administrator_contact`: names that only contain privilege words.
        let out = privilege_findings(
            "/users",
            br#"[{"user_id": "u1", "display_name": "Alice", "roles_count": 2, "administrator_contact": "it@example.com"}]"#,
        );
        assert!(out.is_empty(), "{out:#?}");
    }
}
