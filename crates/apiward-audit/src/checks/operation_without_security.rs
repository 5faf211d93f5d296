//! APIW-AUTH-001 and APIW-AUTH-007: operations without security in an API that otherwise requires
//! it (AUTH-001); an API that declares no security at all (AUTH-007, one API-level finding).
//!
//! Public-by-design operations (login, token, register, health, discovery, capability URLs,
//! incoming webhooks) and operations that document 401/403 are not reported: the first are open
//! on purpose, the second have authentication the spec forgot to name.
//!
//! Tests: `fires_operation_without_security_with_severity_from_what_it_returns`,
//! `near_miss_operation_without_security`, `fires_security_not_declared`,
//! `near_miss_security_not_declared` (src/tests.rs, src/tests/rules.rs).

use crate::{Auth, Ctx};
use apiward_core::{Evidence, EvidenceKind, Finding, Severity};
use apiward_rules::authentication::{OPERATION_WITHOUT_SECURITY as RULE, SECURITY_NOT_DECLARED};
use apiward_taxonomy::{OperationFacts, OperationRisk};

fn risk(op: &apiward_spec::Operation) -> OperationRisk {
    let facts = OperationFacts {
        method: op.method.as_str(),
        path: &op.path,
        operation_id: op.operation_id.as_deref(),
        summary: op.summary.as_deref(),
        ..OperationFacts::default()
    };
    apiward_taxonomy::assess(&facts).risk
}

/// Whether calling the operation changes state, by the operation risk model.
pub(crate) fn changes_state(op: &apiward_spec::Operation) -> bool {
    risk(op) >= OperationRisk::StateChanging
}

/// Whether calling the operation deletes, resets or changes credentials: what makes an open
/// operation a release blocker.
pub(crate) fn destroys_or_changes_credentials(op: &apiward_spec::Operation) -> bool {
    risk(op) >= OperationRisk::CredentialChanging
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.auth_unknown {
        api_level(ctx, out);
        return;
    }
    for op in ctx.operations() {
        if ctx.auth(op) != Auth::Open || op.security_override_empty {
            continue;
        }
        let sensitive = super::handles_sensitive_data(ctx, op);
        let writes = changes_state(op);
        // A destructive or credential-changing call with no authentication in an API that
        // otherwise requires it is what a reviewer stops a release for; other writes and
        // sensitive data by property name alone are strong hints, not proof.
        let severity = if destroys_or_changes_credentials(op) {
            Severity::High
        } else if writes || sensitive || !super::documents_response(ctx, op) {
            Severity::Medium
        } else {
            Severity::Low
        };
        let what = match (writes, sensitive) {
            (true, _) => " and changes state",
            (false, true) => " and handles sensitive data",
            _ => "",
        };
        out.push(
            ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "",
                format!("{} has no security requirement", op.label()),
                format!(
                    "Other operations of this API require authentication, but {} declares none and documents no 401/403{what}.",
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

/// The spec models no authentication: say so once, with what the spec does carry.
fn api_level(ctx: &Ctx, out: &mut Vec<Finding>) {
    let ops: Vec<_> = ctx.operations().collect();
    if ops.is_empty() {
        return;
    }
    let in_params = ops.iter().filter(|o| crate::carries_credentials(o)).count();
    let schemes: Vec<String> = ctx
        .spec
        .security_schemes
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    let mut notes = Vec::new();
    if !schemes.is_empty() {
        notes.push(format!(
            "it defines {} but no operation requires {}",
            schemes.join(", "),
            if schemes.len() == 1 { "it" } else { "them" }
        ));
    }
    if in_params > 0 {
        notes.push(format!(
            "{in_params} of {} operations take credentials in ordinary parameters (an `Authorization` header, an API-key query parameter)",
            ops.len()
        ));
    }
    let documented = ops
        .iter()
        .filter(|o| {
            o.responses
                .iter()
                .any(|r| r.status == "401" || r.status == "403")
        })
        .count();
    if documented > 0 {
        notes.push(format!("{documented} document 401/403 answers"));
    }
    let note = if notes.is_empty() {
        String::new()
    } else {
        format!(" The spec: {}.", notes.join("; "))
    };
    out.push(
        ctx.api_level(
            &SECURITY_NOT_DECLARED,
            &ops,
            "",
            "The spec declares no authentication",
            format!(
                "None of the {} operations has a security requirement, so the spec cannot say which are protected; per-operation checks treat authentication as unknown rather than absent.{note}",
                ops.len()
            ),
        )
        .severity(Severity::Low),
    );
}
