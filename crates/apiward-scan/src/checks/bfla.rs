//! bfla at runtime: APIW-BFLA-001 admin functions answering without credentials, -002 to a
//! low-privilege identity, -003 privilege fields in responses.

use crate::evidence::{at, count_summary, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::DataClass;
use apiward_http::Request;
use apiward_rules::bfla as rules;
use serde_json::Value;

/// Admin-looking area roots probed even when the spec does not list them (the inventory check's
/// general route list covers what lies below them).
const ADMIN_PATHS: &[&str] = &[
    "/admin",
    "/api/admin",
    "/internal",
    "/manage",
    "/management",
];

fn is_admin_path(path: &str) -> bool {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .any(|s| {
            let s = s.to_ascii_lowercase();
            matches!(
                s.as_str(),
                "admin"
                    | "admins"
                    | "internal"
                    | "manage"
                    | "management"
                    | "superuser"
                    | "staff"
                    | "backoffice"
            ) || s.starts_with("admin")
        })
}

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
pub fn passive(s: &Scanner, out: &mut Vec<Finding>) {
    for ((method, path), idxs) in super::by_operation(s) {
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

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    // Admin operations seen in the crawl.
    let mut targets: Vec<(Option<usize>, String, String)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose == Purpose::Crawl
            && o.exchange.method == apiward_http::Method::GET
            && is_admin_path(&o.path)
            && !targets.iter().any(|t| t.1 == o.path)
        {
            targets.push((o.op, o.path.clone(), o.exchange.url.clone()));
        }
    }
    // Built-in admin paths not in the spec.
    let documented: Vec<String> = s
        .spec
        .as_ref()
        .map(|sp| sp.operations.iter().map(|o| o.path.clone()).collect())
        .unwrap_or_default();
    let probes: Vec<ScanRequest> = ADMIN_PATHS
        .iter()
        .filter(|p| !documented.iter().any(|d| d == *p) && !targets.iter().any(|t| t.1 == **p))
        .map(|p| ScanRequest {
            purpose: Purpose::Probe,
            op: None,
            path: p.to_string(),
            identity: None,
            request: Request::get(s.root_url(p)),
        })
        .collect();
    let probe_idx = s.send_all(probes).await;
    let baseline_404 = crate::checks::inventory::catch_all_fingerprint(s).await;
    for i in probe_idx.into_iter().flatten() {
        let o = s.obs(i);
        if o.is_success()
            && !crate::checks::inventory::is_catch_all(o, &baseline_404)
            && o.json.is_some()
        {
            targets.push((None, o.path.clone(), o.exchange.url.clone()));
        }
    }

    for (op, path, url) in targets {
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
            continue;
        }
        // L1: a low-privilege identity gets in where anonymous callers do not.
        for id in s.identities.clone() {
            // Declared roles (`--role`) decide; without one, the identity's name.
            if s.is_privileged(&id.name) {
                continue;
            }
            let seen = s
                .store
                .iter()
                .position(|o| o.path == path && o.identity.as_deref() == Some(id.name.as_str()));
            let idx = match seen {
                Some(i) => Some(i),
                None => {
                    s.send(ScanRequest {
                        purpose: Purpose::Probe,
                        op,
                        path: path.clone(),
                        identity: Some(id.clone()),
                        request: Request::get(url.clone()),
                    })
                    .await
                }
            };
            let Some(i) = idx else { continue };
            let o = s.obs(i);
            if o.is_success() {
                let data: Vec<&apiward_detect::Match> = o
                    .body_matches
                    .iter()
                    .filter(|m| m.is_significant())
                    .collect();
                out.push(
                    Finding::new(
                        &rules::ADMIN_FUNCTION_LOW_PRIVILEGE,
                        FindingSource::Runtime,
                        at(o),
                        "",
                        format!("Admin function {} answers to `{}`", o.label(), id.name),
                        format!(
                            "Identity `{}` (not an administrator) got {} from {}, which refuses unauthenticated callers.",
                            id.name,
                            o.status(),
                            o.label()
                        ),
                    )
                    .confidence(Confidence::Firm)
                    .evidence(response(o, format!("status {} as {}", o.status(), id.name), &data)),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
        passive(&s, &mut out);
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
