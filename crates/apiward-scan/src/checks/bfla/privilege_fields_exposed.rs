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

/// Whether `obj` is a person's account record: a sibling names the account (`username`, `email`,
/// `user_id`), the object sits under an account key (`"user": {…}`), or it is a top-level item of
/// an account collection (`/users`).
fn is_account_record(
    obj: &serde_json::Map<String, Value>,
    parent_key: Option<&str>,
    account_collection: bool,
) -> bool {
    account_collection
        || parent_key.is_some_and(|k| {
            apiward_taxonomy::words(k)
                .last()
                .is_some_and(|w| apiward_taxonomy::accounts::is_account_word(w))
        })
        || obj
            .keys()
            .any(|k| apiward_taxonomy::accounts::identifies_account(k))
}

/// Privilege fields of account records in `v`. A field whose value is an object of flags
/// (`"permissions": {"push": true}`) on a record that is not an account describes what the caller
/// may do with that object, not someone's role: it is not collected.
fn privilege_keys(
    v: &Value,
    parent_key: Option<&str>,
    top: bool,
    account_path: bool,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 6 || out.len() > 10 {
        return;
    }
    match v {
        Value::Object(m) => {
            let account = is_account_record(m, parent_key, top && account_path);
            for (k, val) in m {
                if account && is_privilege_key(k) && !val.is_null() && !out.contains(k) {
                    out.push(k.clone());
                }
                privilege_keys(val, Some(k), false, account_path, out, depth + 1);
            }
        }
        Value::Array(a) => {
            for it in a.iter().take(5) {
                privilege_keys(it, parent_key, top, account_path, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// APIW-BFLA-003 over the store: one finding per set of privilege fields, listing every operation
/// that returns it (one root cause: the account representation).
pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    // Privilege field names → (first observation, operations, anonymous anywhere, own only).
    let mut groups: Vec<(Vec<String>, usize, Vec<String>, bool, bool)> = Vec::new();
    for ((method, path), idxs) in crate::checks::by_operation(s) {
        let account_path = apiward_taxonomy::accounts::is_account_collection(&path);
        let Some((i, keys)) = idxs.iter().find_map(|i| {
            let o = s.obs(*i);
            if !o.is_success() {
                return None;
            }
            let mut keys = Vec::new();
            privilege_keys(o.json.as_ref()?, None, true, account_path, &mut keys, 0);
            keys.sort();
            (!keys.is_empty()).then_some((*i, keys))
        }) else {
            continue;
        };
        let o = s.obs(i);
        // The caller's own role on a `/me`-style route is expected.
        let own = o.identity.is_some() && (path.ends_with("/me") || path.contains("/me/"));
        let label = format!("{method} {path}");
        match groups.iter_mut().find(|g| g.0 == keys) {
            Some(g) => {
                g.2.push(label);
                g.3 |= o.anonymous();
                g.4 &= own;
            }
            None => groups.push((keys, i, vec![label], o.anonymous(), own)),
        }
    }
    for (keys, first, operations, anonymous, own) in groups {
        let o = s.obs(first);
        let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        // A single operation is the location itself, not a list.
        let listed = if operations.len() > 1 {
            operations.clone()
        } else {
            Vec::new()
        };
        let title = match operations.as_slice() {
            [one] => format!("{one} reveals users' privilege fields"),
            many => format!("{} operations reveal users' privilege fields", many.len()),
        };
        out.push(
            Finding::new(
                &rules::PRIVILEGE_FIELDS_EXPOSED,
                FindingSource::Runtime,
                at(o).with_operations(listed),
                &keys.join(","),
                title,
                format!(
                    "Account records returned by {} carry {}{}.",
                    operations.join(", "),
                    names.join(", "),
                    if anonymous {
                        " to unauthenticated callers"
                    } else {
                        ""
                    }
                ),
            )
            .severity(if own {
                Severity::Info
            } else if anonymous {
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
    fn privilege_fields_of_one_representation_are_one_finding() {
        let mut s = testkit::scanner(None, vec![]);
        for path in ["/accounts", "/teams/{id}/people", "/search"] {
            let body = br#"[{"accountId": "a1", "role": "owner"}]"#;
            let x = testkit::exchange(
                "GET",
                path,
                200,
                &[("content-type", "application/json")],
                body,
            );
            testkit::push(&mut s, Purpose::Crawl, None, path, None, x);
        }
        let mut out = Vec::new();
        check(&s, &mut out);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].location.operations.len(), 3);
    }

    #[test]
    fn near_miss_caller_permission_maps() {
        // GitHub-style: what the caller may do with a repository or an installation, not a
        // user's role.
        let out = privilege_findings(
            "/user/repos",
            br#"[{"id": 1, "full_name": "octo/hello", "permissions": {"admin": false, "push": true, "pull": true}, "owner": {"login": "octo", "id": 7, "site_admin": false}}]"#,
        );
        assert!(out.is_empty(), "{out:#?}");
        let out = privilege_findings(
            "/app/installations",
            br#"[{"id": 1, "app_slug": "ci", "permissions": {"checks": "write", "metadata": "read"}}]"#,
        );
        assert!(out.is_empty(), "{out:#?}");
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
