//! APIW-RATE-101: no answer of the scan carried RateLimit-*, X-RateLimit-* or Retry-After headers.
//! Tests: `fires_no_rate_limit_headers`, `near_miss_no_rate_limit_headers` (tests/rules_runtime.rs).

use crate::Scanner;
use crate::evidence::response;
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_rules::rate_limiting as rules;

use super::has_rate_headers;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
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
}
