//! rate_limiting at runtime: APIW-RATE-101 no rate-limit headers, -102 a bounded burst never
//! throttled, -103 oversized list responses, -104 `limit` ignored or unbounded.

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::rate_limiting as rules;

fn has_rate_headers(o: &crate::store::Observation) -> bool {
    o.exchange.headers.iter().any(|(n, _)| {
        n.starts_with("ratelimit")
            || n.starts_with("x-ratelimit")
            || n == "retry-after"
            || n.starts_with("x-rate-limit")
    })
}

/// The request quota a response advertises: `RateLimit-Limit: 50`, `X-RateLimit-Limit: 50`, or
/// the first number of a structured `RateLimit-Limit: 50, 50;w=10`.
fn advertised_limit(o: &crate::store::Observation) -> Option<u64> {
    o.exchange.headers.iter().find_map(|(n, v)| {
        let n = n.to_ascii_lowercase();
        if n != "ratelimit-limit" && n != "x-ratelimit-limit" && n != "x-rate-limit-limit" {
            return None;
        }
        let digits: String = v
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    })
}

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

/// APIW-RATE-104's verdict from the item counts of `name=1` and `name=100000` (2xx only) and the
/// spec's `maximum` for the parameter. No problems: no finding.
fn limit_problems(
    name: &str,
    one: Option<usize>,
    many: Option<usize>,
    documented_max: Option<f64>,
) -> (Vec<String>, Severity, Confidence) {
    let mut problems = Vec::new();
    let mut severity = Severity::Low;
    let mut confidence = Confidence::Certain;
    if let Some(n) = one.filter(|n| *n > 1) {
        problems.push(format!("`{name}=1` returned {n} items"));
        severity = Severity::Medium;
    }
    if let Some(n) = many.filter(|n| *n > 100) {
        problems.push(format!("`{name}=100000` was honoured ({n} items)"));
    } else if let Some(n) = many
        && documented_max.is_none()
    {
        // Accepted without complaint and no maximum documented: nothing bounds the page; the
        // collection may just be small (a silent clamp cannot be told apart), hence tentative.
        problems.push(format!(
            "`{name}=100000` was accepted ({n} items, the whole collection seen) and the spec states no maximum"
        ));
        if problems.len() == 1 {
            confidence = Confidence::Tentative;
        }
    }
    (problems, severity, confidence)
}

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    let answered: Vec<usize> = (0..s.store.observations.len())
        .filter(|i| s.obs(*i).exchange.status < 500)
        .collect();
    if !answered.is_empty() && !answered.iter().any(|i| has_rate_headers(s.obs(*i))) {
        let o = s.obs(answered[0]);
        out.push(
            Finding::new(
                &rules::NO_RATE_LIMIT_HEADERS,
                FindingSource::Runtime,
                Location::default().with_url(&o.exchange.url),
                "",
                "No rate-limit headers on any response",
                format!(
                    "None of {} responses carried RateLimit-*, X-RateLimit-* or Retry-After headers.",
                    answered.len()
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(o, "no rate-limit headers", &[])),
        );
    }
    burst(s, out).await;
    oversized(s, out);
    limits(s, out).await;
}

async fn burst(s: &mut Scanner, out: &mut Vec<Finding>) {
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

fn oversized(s: &Scanner, out: &mut Vec<Finding>) {
    let mut done = std::collections::BTreeSet::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl || !o.is_success() || done.contains(&o.path) {
            continue;
        }
        let items = o.item_count().unwrap_or(0);
        let bytes = o.exchange.body.len();
        if items <= s.cfg.max_items && bytes <= s.cfg.max_response_bytes && !o.exchange.truncated {
            continue;
        }
        done.insert(o.path.clone());
        out.push(
            Finding::new(
                &rules::OVERSIZED_RESPONSE,
                FindingSource::Runtime,
                crate::evidence::at(o),
                "",
                format!("{} returns {items} items ({bytes} bytes) in one response", o.label()),
                format!(
                    "One response of {} carried {items} items and {bytes} bytes (thresholds: {} items, {} bytes).",
                    o.label(),
                    s.cfg.max_items,
                    s.cfg.max_response_bytes
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(o, format!("{items} items, {bytes} bytes"), &[])),
        );
    }
}

async fn limits(s: &mut Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = &s.spec else { return };
    // List operations with a page-size parameter that answered the crawl.
    let mut targets = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        if op.method != apiward_spec::Method::Get || op.path.contains('{') {
            continue;
        }
        let Some(p) = op.parameters.iter().find(|p| {
            p.location == apiward_spec::ParamLocation::Query
                && apiward_audit::shape::is_page_size_name(&p.name)
        }) else {
            continue;
        };
        let documented_max = p.schema.and_then(|id| spec.schema(id).limits().maximum);
        let answered = s
            .store
            .for_op(i)
            .find(|o| o.anonymous() && o.is_success() && o.item_count().is_some());
        if let Some(o) = answered {
            targets.push((
                i,
                op.path.clone(),
                o.exchange.url.clone(),
                p.name.clone(),
                documented_max,
            ));
        }
    }
    for (op, path, url, name, documented_max) in targets.into_iter().take(20) {
        let sep = if url.contains('?') { '&' } else { '?' };
        let small = format!("{url}{sep}{name}=1");
        let huge = format!("{url}{sep}{name}=100000");
        let got = s
            .send_all(vec![
                ScanRequest {
                    purpose: Purpose::Probe,
                    op: Some(op),
                    path: path.clone(),
                    identity: None,
                    request: Request::get(small),
                },
                ScanRequest {
                    purpose: Purpose::Probe,
                    op: Some(op),
                    path: path.clone(),
                    identity: None,
                    request: Request::get(huge),
                },
            ])
            .await;
        let count = |i: Option<usize>| {
            i.and_then(|i| {
                let o = s.obs(i);
                o.is_success().then(|| o.item_count()).flatten()
            })
        };
        let (one, many) = (count(got[0]), count(got[1]));
        let (problems, severity, confidence) = limit_problems(&name, one, many, documented_max);
        if problems.is_empty() {
            continue;
        }
        let witness = got.iter().flatten().next().copied();
        let Some(w) = witness else { continue };
        let o = s.obs(w);
        out.push(
            Finding::new(
                &rules::LIMIT_NOT_ENFORCED,
                FindingSource::Runtime,
                Location::operation("GET", &path).with_url(&o.exchange.url),
                "",
                format!("GET {path} does not enforce `{name}`"),
                format!("{}.", problems.join("; ")),
            )
            .severity(severity)
            .confidence(confidence)
            .evidence(response(o, problems.join("; "), &[])),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;

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

    #[test]
    fn advertised_limit_headers() {
        let x = |h: &[(&str, &str)]| {
            let o = testkit::obs(None, testkit::exchange("GET", "/x", 200, h, b"{}"));
            advertised_limit(&o)
        };
        assert_eq!(x(&[("ratelimit-limit", "50")]), Some(50));
        assert_eq!(x(&[("x-ratelimit-limit", "100, 100;w=60")]), Some(100));
        assert_eq!(x(&[("ratelimit-remaining", "49")]), None);
    }

    #[test]
    fn fires_limit_not_enforced_verdicts() {
        // Fires: limit=1 ignored; limit=100000 honoured beyond 100 items.
        let (p, sev, _) = limit_problems("limit", Some(60), Some(60), Some(100.0));
        assert_eq!((p.len(), sev), (1, Severity::Medium));
        assert_eq!(
            limit_problems("limit", Some(1), Some(500), Some(100.0))
                .0
                .len(),
            1
        );
        // Fires: a small collection, limit=100000 accepted, no documented maximum (tentative).
        let (p, _, conf) = limit_problems("limit", Some(1), Some(60), None);
        assert_eq!((p.len(), conf), (1, Confidence::Tentative));
    }

    #[test]
    fn near_miss_limit_not_enforced_verdicts() {
        // Limit honoured, a documented maximum, or 100000 refused.
        assert!(
            limit_problems("limit", Some(1), Some(60), Some(50.0))
                .0
                .is_empty()
        );
        assert!(limit_problems("limit", Some(1), None, None).0.is_empty());
    }
}
