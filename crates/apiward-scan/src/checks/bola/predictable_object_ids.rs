//! APIW-BOLA-001 (runtime half, L0): anonymous item routes whose neighbouring ids (`1001` → 1000,
//! 1002, …) also answer with other objects. Evidence is counts of distinct objects, never the objects.
//! Tests: `fires_predictable_object_ids`, `near_miss_predictable_object_ids` (tests/rules_runtime.rs).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::bola as rules;

use super::{adjacent, body_key, last_segment, replace_last_segment};

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    // Anonymous 2xx item routes ending in a path parameter.
    let targets: Vec<(Option<usize>, String, String, String)> = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.anonymous()
                && o.is_success()
                && o.exchange.method == Method::GET
                && o.path.ends_with('}')
                && !o.exchange.body.is_empty()
        })
        .map(|o| (o.op, o.path.clone(), o.exchange.url.clone(), body_key(o)))
        .take(40)
        .collect();
    for (op, path, url, original) in targets {
        let id = last_segment(&url).to_string();
        let sends: Vec<ScanRequest> = adjacent(&id)
            .into_iter()
            .filter_map(|n| replace_last_segment(&url, &n))
            .map(|u| ScanRequest {
                purpose: Purpose::Probe,
                op,
                path: path.clone(),
                identity: None,
                request: Request::get(u),
            })
            .collect();
        if sends.is_empty() {
            continue;
        }
        let tried = sends.len();
        let got = s.send_all(sends).await;
        let mut distinct = std::collections::BTreeSet::new();
        let mut with_data = 0;
        let mut witness = None;
        for i in got.into_iter().flatten() {
            let o = s.obs(i);
            if o.is_success() && !o.exchange.body.is_empty() {
                let k = body_key(o);
                if k != original && distinct.insert(k) {
                    if o.body_matches.iter().any(|m| m.is_significant()) {
                        with_data += 1;
                    }
                    witness.get_or_insert(i);
                }
            }
        }
        let Some(w) = witness else { continue };
        let o = s.obs(w);
        let reached = distinct.len();
        let severity = if with_data > 0 {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                &rules::PREDICTABLE_OBJECT_IDS,
                FindingSource::Runtime,
                Location::operation("GET", &path).with_url(&url),
                "",
                format!("GET {path}: neighbouring ids return other objects without credentials"),
                format!(
                    "Probing {tried} ids next to a harvested one reached {reached} other object(s) without credentials ({with_data} with personal data)."
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("{reached} distinct objects reached out of {tried} adjacent ids"),
                &[],
            )),
        );
    }
}
