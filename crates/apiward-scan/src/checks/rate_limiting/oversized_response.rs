//! APIW-RATE-103: list responses far larger than a page should be.
//! Tests: `fires_oversized_response`, `near_miss_oversized_response` (tests/rules_runtime.rs).

use crate::Scanner;
use crate::evidence::response;
use crate::store::Purpose;
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_rules::rate_limiting as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
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
