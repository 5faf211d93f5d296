//! APIW-LLM-001 (spec half): LLM front ends without authentication.
//! Tests: `fires_llm_endpoint_unauthenticated`, `near_miss_llm_endpoint_unauthenticated`
//! (src/tests/rules.rs).

use crate::Ctx;
use crate::shape::is_llm_operation;
use apiward_core::Finding;
use apiward_rules::llm_security::LLM_ENDPOINT_UNAUTHENTICATED as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if !is_llm_operation(ctx.spec, op) || ctx.auth(op) != crate::Auth::Open {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            ctx.at(op, &op.loc),
            "",
            format!("LLM endpoint {} has no authentication", op.label()),
            format!(
                "{} looks like an LLM front end (chat/prompt input) and requires no credentials.",
                op.label()
            ),
        ));
    }
}
