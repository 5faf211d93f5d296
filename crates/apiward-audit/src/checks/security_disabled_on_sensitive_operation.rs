//! APIW-AUTH-003: `security: []` on operations that handle sensitive data or change state.
//!
//! Public-by-design operations (login, register, health, …) turn security off on purpose.
//!
//! Tests: `fires_security_disabled_on_sensitive_operation`,
//! `near_miss_security_disabled_on_sensitive_operation` (src/tests/rules.rs).

use super::operation_without_security::{changes_state, destroys_or_changes_credentials};
use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::authentication::SECURITY_DISABLED_ON_SENSITIVE_OPERATION as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if !op.security_override_empty || crate::public_reason(op).is_some() {
            continue;
        }
        let sensitive = super::handles_sensitive_data(ctx, op);
        let writes = changes_state(op);
        if !sensitive && !writes {
            continue;
        }
        // `security: []` is a deliberate choice: high only when the call destroys or changes
        // credentials; other writes and sensitive data judged by names stay medium.
        let severity = if destroys_or_changes_credentials(op) {
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
                    if writes {
                        "changes state"
                    } else {
                        "returns or accepts sensitive data"
                    }
                ),
            )
            .severity(severity),
        );
    }
}
