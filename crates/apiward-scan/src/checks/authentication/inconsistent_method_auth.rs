//! APIW-AUTH-102: methods on one path that differ in authentication (HEAD/OPTIONS answering where GET refuses).
//! Tests: `fires_inconsistent_method_auth`, `near_miss_inconsistent_method_auth` (tests/rules_runtime.rs).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_http::{Method, Request};
use apiward_rules::authentication as rules;

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    let closed: Vec<(Option<usize>, String, String)> = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.anonymous()
                && o.exchange.method == Method::GET
                && matches!(o.status(), 401 | 403)
        })
        .map(|o| (o.op, o.path.clone(), o.exchange.url.clone()))
        .take(30)
        .collect();
    let sends: Vec<ScanRequest> = closed
        .iter()
        .map(|(op, path, url)| ScanRequest {
            purpose: Purpose::Probe,
            op: *op,
            path: path.clone(),
            identity: None,
            request: Request::new(Method::HEAD, url.clone()),
        })
        .collect();
    let got = s.send_all(sends).await;
    for i in got.into_iter().flatten() {
        let o = s.obs(i);
        if o.is_success() {
            out.push(
                Finding::new(
                    &rules::INCONSISTENT_METHOD_AUTH,
                    FindingSource::Runtime,
                    Location::operation("GET", &o.path).with_url(&o.exchange.url),
                    "HEAD",
                    format!("HEAD {} bypasses the authentication GET enforces", o.path),
                    format!(
                        "GET {} refuses unauthenticated callers, but HEAD answers {}.",
                        o.path,
                        o.status()
                    ),
                )
                .confidence(Confidence::Certain)
                .evidence(response(
                    o,
                    format!("HEAD without credentials: {}", o.status()),
                    &[],
                )),
            );
        }
    }
}
