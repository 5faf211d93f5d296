//! APIW-BFLA-002 (L1): an admin function refused to anonymous callers answers 2xx to an identity
//! that is not privileged. Reported from the admin pass in `mod.rs`.
//! Tests: `fires_admin_function_low_privilege`, `near_miss_admin_function_low_privilege`
//! (tests/rules_runtime.rs).

use crate::evidence::{at, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_http::Request;
use apiward_rules::bfla as rules;

/// L1: a low-privilege identity gets in where anonymous callers do not (the first such identity).
pub(super) async fn report(
    s: &mut Scanner,
    op: Option<usize>,
    path: &str,
    url: &str,
    out: &mut Vec<Finding>,
) {
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
                    path: path.to_string(),
                    identity: Some(id.clone()),
                    request: Request::get(url.to_string()),
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
