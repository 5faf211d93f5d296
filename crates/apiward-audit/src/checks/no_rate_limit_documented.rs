//! APIW-RATE-003: no operation documents 429 or rate-limit headers.
//! Tests: `fires_no_rate_limit_documented`, `near_miss_no_rate_limit_documented`
//! (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Finding, Location};
use apiward_rules::rate_limiting::NO_RATE_LIMIT_DOCUMENTED as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut any_op = false;
    for op in ctx.operations() {
        any_op = true;
        for r in &op.responses {
            if r.status == "429"
                || r.headers.iter().any(|h| {
                    h.starts_with("ratelimit") || h.starts_with("x-ratelimit") || h == "retry-after"
                })
            {
                return;
            }
        }
    }
    if !any_op {
        return;
    }
    let loc = ctx.spec.info.loc.clone();
    out.push(ctx.finding(
        &RULE,
        Location {
            ..ctx.at_spec(&loc)
        },
        "",
        "No rate limiting documented",
        format!(
            "None of the {} operations documents a 429 response or rate-limit headers.",
            ctx.operations().count()
        ),
    ));
}
