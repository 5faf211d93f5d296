//! APIW-INV-003 (spec half): deprecated operations still in the contract — one API-level finding.
//! Tests: `fires_deprecated_operation_served`, `near_miss_deprecated_operation_served`
//! (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::inventory::DEPRECATED_OPERATION_SERVED as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let ops: Vec<_> = ctx.operations().filter(|o| o.deprecated).collect();
    match ops.as_slice() {
        [] => {}
        [op] => out.push(
            ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "",
                format!("Deprecated operation {} is still published", op.label()),
                format!(
                    "{} is marked deprecated but remains in the spec.",
                    op.label()
                ),
            )
            .severity(Severity::Info),
        ),
        _ => {
            let shown: Vec<String> = ops.iter().take(3).map(|o| o.label()).collect();
            out.push(
                ctx.api_level(
                    &RULE,
                    &ops,
                    "",
                    format!("{} deprecated operations are still published", ops.len()),
                    format!(
                        "{} operations are marked deprecated but remain in the spec ({}{}).",
                        ops.len(),
                        shown.join(", "),
                        if ops.len() > 3 { ", …" } else { "" }
                    ),
                )
                .severity(Severity::Info),
            );
        }
    }
}
