//! APIW-INPUT-103: `OPTIONS` or `Allow` advertises TRACE, or PUT/DELETE where the spec documents none.
//! Tests: `fires_dangerous_methods`, `near_miss_dangerous_methods` (tests/rules_runtime.rs).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::input_validation as rules;

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    // One OPTIONS per concrete path already requested (crawl), up to a bound.
    let mut picks: Vec<(Option<usize>, String, String)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose == Purpose::Crawl && !picks.iter().any(|p| p.2 == o.exchange.url) {
            picks.push((o.op, o.path.clone(), o.exchange.url.clone()));
        }
        if picks.len() >= 40 {
            break;
        }
    }
    let sends: Vec<ScanRequest> = picks
        .iter()
        .map(|(op, path, url)| ScanRequest {
            purpose: Purpose::Probe,
            op: *op,
            path: path.clone(),
            identity: None,
            request: Request::new(Method::OPTIONS, url.clone()),
        })
        .collect();
    let got = s.send_all(sends).await;
    let mut reported = false;
    for i in got.into_iter().flatten() {
        if reported {
            break;
        }
        let o = s.obs(i);
        let allow = o
            .exchange
            .header("allow")
            .or_else(|| o.exchange.header("access-control-allow-methods"))
            .unwrap_or("")
            .to_ascii_uppercase();
        if allow.is_empty() {
            continue;
        }
        let advertised: Vec<&str> = allow.split(',').map(str::trim).collect();
        let documented: Vec<String> = match &s.spec {
            Some(spec) => spec
                .operations
                .iter()
                .filter(|op| op.path == o.path)
                .map(|op| op.method.as_str().to_string())
                .collect(),
            None => Vec::new(),
        };
        let mut bad: Vec<String> = Vec::new();
        if advertised.contains(&"TRACE") {
            bad.push("TRACE".to_string());
        }
        if s.spec.is_some() {
            for m in ["PUT", "DELETE", "PATCH"] {
                if advertised.contains(&m) && !documented.iter().any(|d| d == m) {
                    bad.push(m.to_string());
                }
            }
        }
        if bad.is_empty() {
            continue;
        }
        reported = true;
        let severity = if bad.iter().any(|b| b == "TRACE" || b == "DELETE") {
            Severity::Low
        } else {
            Severity::Info
        };
        out.push(
            Finding::new(
                &rules::DANGEROUS_METHODS,
                FindingSource::Runtime,
                Location::operation("OPTIONS", &o.path).with_url(&o.exchange.url),
                "",
                format!("{} advertises {}", o.path, bad.join(", ")),
                format!(
                    "OPTIONS {} answers `Allow: {}`; {} {} not documented or dangerous.",
                    o.path,
                    apiward_core::truncate_chars(&allow, 100),
                    bad.join(", "),
                    if bad.len() == 1 { "is" } else { "are" }
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("Allow: {}", apiward_core::truncate_chars(&allow, 100)),
                &[],
            )),
        );
    }
}
