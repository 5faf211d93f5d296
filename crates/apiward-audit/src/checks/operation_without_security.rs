//! APIW-AUTH-001: operations without security in an API that otherwise requires it.

use crate::Ctx;
use apiward_core::{Evidence, EvidenceKind, Finding, Severity};
use apiward_rules::authentication::OPERATION_WITHOUT_SECURITY as RULE;

const PUBLIC_HINTS: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "signup",
    "sign-up",
    "register",
    "health",
    "healthz",
    "status",
    "ping",
    "token",
    "oauth",
    "auth",
    "public",
    "version",
    "openapi.json",
    "docs",
    "well-known",
    "forgot",
    "reset",
    "verify",
];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if !ctx.any_secured {
        return;
    }
    for op in ctx.operations() {
        if !op.is_unauthenticated() || op.security_override_empty {
            continue;
        }
        let lower = op.path.to_ascii_lowercase();
        if PUBLIC_HINTS.iter().any(|h| lower.contains(h)) {
            continue;
        }
        let sensitive = super::handles_sensitive_data(ctx, op);
        // A read whose documented response holds nothing sensitive is most likely public by
        // design (a catalogue, a cart); an undocumented response could hold anything.
        let documented = super::documents_response(ctx, op);
        let severity = if sensitive || !op.method.is_safe() {
            Severity::High
        } else if documented {
            Severity::Low
        } else {
            Severity::Medium
        };
        let what = if sensitive {
            " and handles sensitive data"
        } else {
            ""
        };
        out.push(
            ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "",
                format!("{} has no security requirement", op.label()),
                format!(
                    "Other operations of this API require authentication, but {} declares none{what}.",
                    op.label()
                ),
            )
            .severity(severity)
            .evidence(Evidence::new(
                EvidenceKind::Spec,
                "no `security` on the operation and no global `security`",
            )),
        );
    }
}
