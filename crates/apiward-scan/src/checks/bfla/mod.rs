//! BFLA at runtime, one file per rule: APIW-BFLA-001 admin functions answering without
//! credentials, -002 to a low-privilege identity, -003 privilege fields in responses.
//!
//! Shared here: what an admin path looks like, and the admin pass ([`admin_functions`]) that finds
//! the admin routes once for the first two rules.

use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::Finding;
use apiward_http::Request;

pub(crate) mod admin_function_exposed;
pub(crate) mod admin_function_low_privilege;
pub(crate) mod privilege_fields_exposed;

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

/// The admin routes seen in the crawl plus the usual admin roots that answer; per route, the
/// anonymous rule first, and the low-privilege rule only when anonymous callers are refused.
pub async fn admin_functions(s: &mut Scanner, out: &mut Vec<Finding>) {
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
        if admin_function_exposed::report(s, op, &path, out) {
            continue;
        }
        admin_function_low_privilege::report(s, op, &path, &url, out).await;
    }
}
