//! APIW-RATE-102: a bounded burst of reads is never throttled (429 or Retry-After).
//! Tests: `fires_burst_not_limited`, `near_miss_burst_not_limited` (tests/rules_runtime.rs; verdicts below).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::rate_limiting as rules;

use super::advertised_limit;

/// How much an unthrottled burst of `n` says: little when the server advertises a limit above `n`
/// (the burst could not reach it), else the rule's default.
fn burst_verdict(n: usize, advertised: Option<u64>) -> (Severity, Confidence, String) {
    match advertised {
        Some(limit) if limit >= n as u64 => (
            Severity::Info,
            Confidence::Tentative,
            format!(
                " The responses advertise a limit of {limit} per window, above the burst size."
            ),
        ),
        _ => (
            rules::BURST_NOT_LIMITED.default_severity,
            Confidence::Firm,
            String::new(),
        ),
    }
}

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    if s.cfg.burst == 0 {
        return;
    }
    // The cheapest anonymous GET that answered 2xx.
    let Some((op, path, url)) = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.anonymous()
                && o.is_success()
                && o.exchange.method == Method::GET
        })
        .min_by_key(|o| o.exchange.body.len())
        .map(|o| (o.op, o.path.clone(), o.exchange.url.clone()))
    else {
        return;
    };
    let n = s.cfg.burst;
    let sends: Vec<ScanRequest> = (0..n)
        .map(|_| ScanRequest {
            purpose: Purpose::Probe,
            op,
            path: path.clone(),
            identity: None,
            request: Request::get(url.clone()),
        })
        .collect();
    let got = s.send_all(sends).await;
    let idx: Vec<usize> = got.into_iter().flatten().collect();
    let throttled = idx.iter().any(|i| s.obs(*i).status() == 429);
    if throttled || idx.len() < n / 2 {
        return;
    }
    let o = s.obs(idx[0]);
    // A limit the server advertises (RateLimit-Limit / X-RateLimit-Limit) above the burst size:
    // the burst could not reach it, so its silence proves little.
    let advertised = idx.iter().filter_map(|i| advertised_limit(s.obs(*i))).max();
    let (severity, confidence, note) = burst_verdict(n, advertised);
    out.push(
        Finding::new(
            &rules::BURST_NOT_LIMITED,
            FindingSource::Runtime,
            Location::operation("GET", &path).with_url(&url),
            "",
            format!("A burst of {n} requests to GET {path} was never throttled"),
            format!(
                "{} of {n} back-to-back requests were answered, none with 429.{note}",
                idx.len()
            ),
        )
        .severity(severity)
        .confidence(confidence)
        .evidence(response(o, format!("{n} requests, no 429"), &[])),
    );
}

#[cfg(test)]
mod tests {
    use apiward_rules::rate_limiting as rules;

    use super::*;

    #[test]
    fn fires_burst_not_limited_verdict() {
        // No limit advertised (or one below the burst) keeps the rule's severity.
        assert_eq!(
            burst_verdict(20, None).0,
            rules::BURST_NOT_LIMITED.default_severity
        );
        assert_eq!(
            burst_verdict(20, Some(10)).0,
            rules::BURST_NOT_LIMITED.default_severity
        );
    }

    #[test]
    fn near_miss_burst_not_limited_below_an_advertised_limit_is_info() {
        // A limit of 50 the burst of 20 could not reach.
        let (sev, conf, note) = burst_verdict(20, Some(50));
        assert_eq!((sev, conf), (Severity::Info, Confidence::Tentative));
        assert!(note.contains("50"));
    }
}
