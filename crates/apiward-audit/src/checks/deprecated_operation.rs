//! APIW-INV-003 (spec half): deprecated operations still in the contract.

use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::inventory::DEPRECATED_OPERATION_SERVED as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations().filter(|o| o.deprecated) {
        out.push(
            ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "",
                format!("Deprecated operation {} is still published", op.label()),
                format!(
                    "{} is marked deprecated but remains in the spec{}.",
                    op.label(),
                    if op.is_unauthenticated() {
                        ", without authentication"
                    } else {
                        ""
                    }
                ),
            )
            .severity(Severity::Info),
        );
    }
}
