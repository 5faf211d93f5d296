//! APIW-RATE-104: a `limit` parameter that is ignored or accepts any size.
//! Tests: `fires_limit_not_enforced`, `near_miss_limit_not_enforced` (tests/rules_runtime.rs; verdicts below).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::Request;
use apiward_rules::rate_limiting as rules;

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

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
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
