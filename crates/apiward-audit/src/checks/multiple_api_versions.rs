//! APIW-INV-004 (spec half): several API versions in one spec.
//! Tests: `fires_multiple_api_versions`, `near_miss_multiple_api_versions` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Finding, Location};
use apiward_rules::inventory::MULTIPLE_API_VERSIONS as RULE;
use std::collections::BTreeSet;

/// `v1`, `v2`, `v2.1` path segments.
pub fn version_segment(path: &str) -> Option<&str> {
    path.split('/').find(|s| {
        let b = s.as_bytes();
        b.len() >= 2
            && (b[0] == b'v' || b[0] == b'V')
            && b[1].is_ascii_digit()
            && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'.')
    })
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let versions: BTreeSet<String> = ctx
        .operations()
        .filter_map(|o| version_segment(&o.path).map(str::to_ascii_lowercase))
        .collect();
    if versions.len() < 2 {
        return;
    }
    let list: Vec<String> = versions.iter().map(|v| format!("`/{v}`")).collect();
    out.push(ctx.finding(
        &RULE,
        Location::default(),
        "",
        format!("{} API versions are published side by side", versions.len()),
        format!("The spec documents operations under {}.", list.join(", ")),
    ));
}
