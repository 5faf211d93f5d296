//! APIW-AUTH-103 (L1): an identity's own token, tampered (or expired and re-signed with the cracked
//! secret), accepted where the untampered token is required.
//! Tests: `fires_tampered_token_accepted`, `near_miss_tampered_token_accepted` (tests/rules_runtime.rs,
//! tests/identities.rs).

use super::jwt;
use crate::evidence::{at, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_http::{Method, Request};
use apiward_rules::authentication as rules;

use super::{IssuerMemo, crack_once};

/// L1: the identity's own token, tampered, must be refused where the untampered one is accepted.
pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>, memo: &IssuerMemo) {
    let mut found: Vec<Finding> = Vec::new();
    tampered_per_identity(s, &mut found, memo.clone()).await;
    // Several identities accepted with tampered tokens at one operation: one problem.
    for f in found {
        match out.iter_mut().find(|o| {
            o.rule_id == f.rule_id
                && o.location.method == f.location.method
                && o.location.path == f.location.path
        }) {
            Some(o) => {
                o.message = format!("{} {}", o.message, f.message);
                o.evidence.extend(f.evidence);
            }
            None => out.push(f),
        }
    }
}

async fn tampered_per_identity(s: &mut Scanner, out: &mut Vec<Finding>, mut memo: IssuerMemo) {
    for id in s.identities.clone() {
        let Some(token) = id.bearer().map(str::to_string) else {
            continue;
        };
        let Some(t) = jwt::parse(&token) else {
            continue;
        };
        // A protected GET: 2xx with the identity, 401/403 without.
        let target = s
            .store
            .observations
            .iter()
            .enumerate()
            .find_map(|(idx, o)| {
                if o.purpose != Purpose::Crawl
                    || o.exchange.method != Method::GET
                    || o.identity.as_deref() != Some(id.name.as_str())
                    || !o.is_success()
                {
                    return None;
                }
                // Refused to anonymous callers with the same method: an anonymous POST refused on
                // the same path says nothing about the GET.
                let closed = s.store.iter().any(|a| {
                    a.anonymous()
                        && a.path == o.path
                        && a.exchange.method == o.exchange.method
                        && a.exchange.url == o.exchange.url
                        && matches!(a.status(), 401 | 403)
                });
                closed.then(|| (idx, o.op, o.path.clone(), o.exchange.url.clone()))
            });
        let Some((own, op, path, url)) = target else {
            continue;
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let mut variants = t.tampered();
        // With the secret found offline, an honestly signed but expired token: it must be refused.
        if let Some(secret) = crack_once(&t, &mut memo)
            && let Some(expired) = t.expired_with(&secret, now)
        {
            variants.push(("expired", expired));
        }
        let kinds: Vec<&str> = variants.iter().map(|(k, _)| *k).collect();
        let sends: Vec<ScanRequest> = variants
            .into_iter()
            .map(|(_, tok)| ScanRequest {
                purpose: Purpose::Probe,
                op,
                path: path.clone(),
                identity: Some(id.with_bearer(tok)),
                request: Request::get(url.clone()),
            })
            .collect();
        let got = s.send_all(sends).await;
        let mut accepted: Vec<(usize, &str)> = got
            .into_iter()
            .zip(kinds)
            .filter_map(|(i, k)| i.filter(|i| s.obs(*i).is_success()).map(|i| (i, k)))
            .collect();
        // The identity's own token had already expired, and the protected GET still answered.
        if t.claim_i64("exp").is_some_and(|exp| exp < now) {
            accepted.push((own, "expired (the identity's own token)"));
        }
        if let Some((i, _)) = accepted.first() {
            let o = s.obs(*i);
            let mut kinds: Vec<&str> = accepted.iter().map(|(_, k)| *k).collect();
            kinds.dedup();
            out.push(
                Finding::new(
                    &rules::TAMPERED_TOKEN_ACCEPTED,
                    FindingSource::Runtime,
                    at(o),
                    "",
                    format!("{} accepts tampered tokens", o.label()),
                    format!(
                        "{} refuses unauthenticated callers but accepted `{}`'s token with: {}.",
                        o.label(),
                        id.name,
                        kinds.join(", ")
                    ),
                )
                .confidence(Confidence::Certain)
                .evidence(response(
                    o,
                    format!("tampered token ({}) accepted", kinds.join(", ")),
                    &[],
                )),
            );
        }
    }
}
