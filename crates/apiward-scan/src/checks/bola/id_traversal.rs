//! APIW-BOLA-003 (active): an encoded `..` in an item id (`ID%2F..%2FNEIGHBOUR`) reaches another object.
//! Tests: `fires_id_traversal`, `near_miss_id_traversal` (tests/rules_runtime.rs).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_http::{Method, Request};
use apiward_rules::bola as rules;

use super::{adjacent, body_key, last_segment, replace_last_segment};

/// Active: `APIW-BOLA-003`. For item routes that answered, ask for `ID%2F..%2FNEIGHBOUR`: a router
/// or proxy that decodes and normalizes the path serves the neighbour's object under the permitted
/// id. Only encoded separators are sent (a literal `/../` is normalized away by URL parsers).
pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    let targets: Vec<(Option<usize>, String, String, Option<String>)> = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.is_success()
                && o.exchange.method == Method::GET
                && o.path.ends_with('}')
                && !o.exchange.body.is_empty()
        })
        .map(|o| {
            (
                o.op,
                o.path.clone(),
                o.exchange.url.clone(),
                o.identity.clone(),
            )
        })
        .take(20)
        .collect();
    let mut done = std::collections::BTreeSet::new();
    for (op, path, url, who) in targets {
        if !done.insert(path.clone()) {
            continue;
        }
        let id = last_segment(&url).to_string();
        let Some(next) = adjacent(&id).into_iter().next() else {
            continue;
        };
        let identity = who.and_then(|n| s.identities.iter().find(|i| i.name == n).cloned());
        let (Some(neighbour), Some(smuggled)) = (
            replace_last_segment(&url, &next),
            replace_last_segment(&url, &id)
                .map(|u| format!("{u}%2F..%2F{}", crate::plan::encode(&next))),
        ) else {
            continue;
        };
        let mk = |u: String| ScanRequest {
            purpose: Purpose::Probe,
            op,
            path: path.clone(),
            identity: identity.clone(),
            request: Request::get(u),
        };
        let got = s.send_all(vec![mk(neighbour), mk(smuggled)]).await;
        let (Some(n), Some(t)) = (got[0], got[1]) else {
            continue;
        };
        let (no, to) = (s.obs(n), s.obs(t));
        let original = s.store.iter().find(|o| o.exchange.url == url).map(body_key);
        // Either the neighbour is reachable directly and the smuggled id returns exactly it, or
        // direct access is refused and the smuggled id still returns another JSON object: the
        // case the rule is mainly about.
        let other_object = to.is_success()
            && to.json.as_ref().is_some_and(|j| j.is_object())
            && original.as_deref() != Some(body_key(to).as_str());
        let same_as_neighbour = no.is_success() && body_key(no) == body_key(to);
        let neighbour_refused = matches!(no.status(), 401 | 403 | 404);
        if other_object && (same_as_neighbour || neighbour_refused) {
            out.push(
                Finding::new(
                    &rules::ID_TRAVERSAL,
                    FindingSource::Runtime,
                    crate::evidence::at(to),
                    "",
                    format!("GET {path}: an encoded `..` in the id reaches another object"),
                    "Requesting the permitted id followed by `%2F..%2F` and a neighbouring id returned the neighbour's object.".to_string(),
                )
                .confidence(Confidence::Firm)
                .evidence(response(to, "encoded path traversal in the id served another object", &[])),
            );
        }
    }
}
