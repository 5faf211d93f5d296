//! APIW-INV-002: no `info.version`.
//! Tests: `fires_missing_api_version`, `near_miss_missing_api_version` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::Finding;
use apiward_rules::inventory::MISSING_API_VERSION as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx
        .spec
        .info
        .version
        .as_deref()
        .is_some_and(|v| !v.trim().is_empty())
    {
        return;
    }
    out.push(ctx.finding(
        &RULE,
        ctx.at_spec(&ctx.spec.info.loc),
        "",
        "The API has no version",
        "`info.version` is missing or empty.",
    ));
}
