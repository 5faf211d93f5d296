//! APIW-INV-101: documentation pages, spec documents and GraphQL introspection served to anonymous
//! callers (a catch-all page that answers every path is not documentation).
//! Tests: `fires_docs_exposed`, `near_miss_docs_exposed` (tests/rules_runtime.rs, tests/probing.rs).

use crate::evidence::response;
use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_http::Request;
use apiward_rules::inventory as rules;

use super::*;

pub(super) fn looks_like_docs(o: &Observation) -> bool {
    let body = String::from_utf8_lossy(&o.exchange.body[..o.exchange.body.len().min(64 * 1024)])
        .to_lowercase();
    body.contains("swagger")
        || body.contains("redoc")
        || body.contains("\"openapi\"")
        || body.contains("openapi:")
        || body.contains("\"swagger\"")
        || body.contains("graphiql")
        || body.contains("__schema")
}

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>, fp: &CatchAll) {
    let already: Vec<String> = s
        .store
        .iter()
        .filter(|o| o.purpose == Purpose::Discovery)
        .map(|o| o.path.clone())
        .collect();
    let sends: Vec<ScanRequest> = DOCS_PATHS
        .iter()
        .filter(|p| !already.iter().any(|a| a == *p))
        .map(|p| {
            let q = if p.contains("graph") {
                INTROSPECTION
            } else {
                ""
            };
            ScanRequest {
                purpose: Purpose::Probe,
                op: None,
                path: p.to_string(),
                identity: None,
                request: Request::get(s.root_url(&format!("{p}{q}"))),
            }
        })
        .collect();
    s.send_all(sends).await;
    let exposed: Vec<&Observation> = s
        .store
        .iter()
        .filter(|o| {
            o.anonymous()
                && o.is_success()
                && DOCS_PATHS.contains(&o.path.as_str())
                && !is_catch_all(o, fp)
                && looks_like_docs(o)
        })
        .collect();
    let mut paths: Vec<String> = exposed.iter().map(|o| o.path.clone()).collect();
    paths.sort();
    paths.dedup();
    // Located at the human-facing docs page when there is one (the page people open and the one to
    // switch off), else at the first spec document found.
    let rank = |o: &&&Observation| {
        DOCS_PATHS
            .iter()
            .position(|p| *p == o.path)
            .unwrap_or(usize::MAX)
    };
    if let Some(o) = exposed.iter().min_by_key(rank) {
        out.push(
            Finding::new(
                &rules::DOCS_EXPOSED,
                FindingSource::Runtime,
                Location::operation("GET", &o.path).with_url(&o.exchange.url),
                "",
                format!("API documentation is public ({})", paths.join(", ")),
                format!(
                    "Unauthenticated requests get the API docs or spec at {}.",
                    paths.join(", ")
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("documentation served at {}", paths.join(", ")),
                &[],
            )),
        );
    }
}
