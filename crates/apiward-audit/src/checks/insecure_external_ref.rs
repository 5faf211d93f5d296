//! APIW-UC-002: `$ref`s to documents over plain HTTP.
//! Tests: `fires_insecure_external_ref`, `near_miss_insecure_external_ref` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::Finding;
use apiward_rules::unsafe_consumption::INSECURE_EXTERNAL_REF as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut seen = std::collections::BTreeSet::new();
    for (url, loc) in &ctx.spec.external_refs {
        if !url.to_ascii_lowercase().starts_with("http://") {
            continue;
        }
        let doc = url.split('#').next().unwrap_or(url);
        if !seen.insert(doc.to_string()) {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            ctx.at_spec(loc),
            doc,
            format!("Schema pulled over plain HTTP from `{doc}`"),
            format!("A `$ref` points at `{doc}`: whoever can intercept or control it changes the contract."),
        ));
    }
}
