//! APIW-BFLA-001 (spec half): admin operations with no stricter security than user operations.
//! Tests: `fires_admin_function_exposed_health_probe_tagged_ops_does_not`,
//! `near_miss_admin_function_exposed` (src/tests.rs, src/tests/rules.rs).

use crate::shape::is_admin_operation;
use crate::{Auth, Ctx};
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::bfla::ADMIN_FUNCTION_EXPOSED as RULE;
use std::collections::BTreeSet;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // Scopes and schemes ordinary operations use: an admin operation must ask for something more.
    let mut user_requirements: BTreeSet<String> = BTreeSet::new();
    for op in ctx.operations().filter(|o| !is_admin_operation(o)) {
        for r in &op.security {
            for (name, scopes) in &r.schemes {
                user_requirements.insert(name.clone());
                for s in scopes {
                    user_requirements.insert(format!("{name}:{s}"));
                }
            }
        }
    }
    for op in ctx.operations().filter(|o| is_admin_operation(o)) {
        match ctx.auth(op) {
            // Known open while the rest of the API is secured: a destructive or credential-changing
            // call is a release blocker; otherwise "administrative" is read from path words, a
            // hint that stays medium.
            Auth::Open => {
                let writes = super::operation_without_security::destroys_or_changes_credentials(op);
                out.push(
                    ctx.finding(
                        &RULE,
                        ctx.at(op, &op.loc),
                        "",
                        format!("Admin operation {} has no authentication", op.label()),
                        format!(
                            "{} looks administrative and requires no credentials, while other operations of the API do.",
                            op.label()
                        ),
                    )
                    .severity(if writes { Severity::High } else { Severity::Medium }),
                );
                continue;
            }
            // Unknown authentication is APIW-AUTH-007's, public-by-design is not a function.
            Auth::Unknown | Auth::Public(_) => continue,
            Auth::Required => {}
        }
        if op.is_unauthenticated() {
            // Documented 401/403 without a scheme: nothing to compare scopes with.
            continue;
        }
        let stricter = op.security.iter().all(|r| {
            r.schemes.iter().any(|(name, scopes)| {
                !user_requirements.contains(name)
                    || scopes
                        .iter()
                        .any(|s| !user_requirements.contains(&format!("{name}:{s}")))
            })
        });
        if !stricter {
            out.push(
                ctx.finding(
                    &RULE,
                    ctx.at(op, &op.loc),
                    "",
                    format!("Admin operation {} is secured like user operations", op.label()),
                    format!(
                        "{} looks administrative but requires no scheme or scope that ordinary operations lack; any user may reach it unless the code checks roles.",
                        op.label()
                    ),
                )
                // OpenAPI cannot express roles: the spec alone cannot tell whether the handler
                // checks one. Low until the runtime half (APIW-BFLA-002) shows a user getting in.
                .severity(Severity::Low)
                .confidence(Confidence::Tentative),
            );
        }
    }
}
