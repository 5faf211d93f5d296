//! APIW-INV-004 (runtime half): several API versions answer side by side.
//! Tests: `fires_multiple_api_versions`, `near_miss_multiple_api_versions` (below).

use crate::Scanner;
use crate::evidence::response;
use crate::store::{Observation, Purpose};
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_http::Method;
use apiward_rules::inventory as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let mut live: Vec<(String, &Observation)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl || !o.is_success() || o.exchange.method == Method::OPTIONS {
            continue;
        }
        let Some(v) = o.path.split('/').find(|seg| {
            let b = seg.as_bytes();
            b.len() >= 2
                && (b[0] == b'v' || b[0] == b'V')
                && b[1..].iter().all(|c| c.is_ascii_digit())
        }) else {
            continue;
        };
        let v = v.to_ascii_lowercase();
        if !live.iter().any(|(x, _)| *x == v) {
            live.push((v, o));
        }
    }
    if live.len() < 2 {
        return;
    }
    live.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<String> = live.iter().map(|(v, _)| format!("/{v}")).collect();
    let o = live[0].1;
    out.push(
        Finding::new(
            &rules::MULTIPLE_API_VERSIONS,
            FindingSource::Runtime,
            Location::default(),
            "",
            format!("{} API versions answer side by side", live.len()),
            format!("Operations under {} all answered.", names.join(", ")),
        )
        .confidence(Confidence::Certain)
        .evidence(response(
            o,
            format!("live versions: {}", names.join(", ")),
            &[],
        )),
    );
}

#[cfg(test)]
mod tests {
    use apiward_rules::inventory as rules;

    use super::*;
    use crate::checks::inventory::testing::*;

    #[test]
    fn fires_multiple_api_versions() {
        let mut out = Vec::new();
        check(&crawled(200), &mut out);
        assert_eq!(rule_ids(&out), vec![rules::MULTIPLE_API_VERSIONS.id]);
    }

    #[test]
    fn near_miss_multiple_api_versions() {
        // Documented side by side, but only /v2 still answers.
        let mut out = Vec::new();
        check(&crawled(410), &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}
