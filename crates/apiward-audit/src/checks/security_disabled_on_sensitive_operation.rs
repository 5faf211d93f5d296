//! APIW-AUTH-003: `security: []` on operations that handle sensitive data or write.

use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::authentication::SECURITY_DISABLED_ON_SENSITIVE_OPERATION as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if !op.security_override_empty {
            continue;
        }
        let sensitive = super::handles_sensitive_data(ctx, op);
        if !sensitive && op.method.is_safe() {
            continue;
        }
        let severity = if sensitive {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "",
                format!("{} turns authentication off", op.label()),
                format!(
                    "{} sets `security: []`, overriding the API's authentication, and {}.",
                    op.label(),
                    if sensitive {
                        "returns or accepts sensitive data"
                    } else {
                        "changes state"
                    }
                ),
            )
            .severity(severity),
        );
    }
}
