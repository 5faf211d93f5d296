//! APIW-AUTH-002: security schemes that nothing requires.
//! Tests: `fires_unused_security_scheme`, `near_miss_unused_security_scheme` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::authentication::UNUSED_SECURITY_SCHEME as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let used = |name: &str| {
        let in_list = |reqs: &[apiward_spec::SecurityRequirement]| {
            reqs.iter()
                .any(|r| r.schemes.iter().any(|(n, _)| n == name))
        };
        ctx.spec.global_security.as_deref().is_some_and(in_list)
            || ctx.spec.operations.iter().any(|o| in_list(&o.security))
            || ctx.spec.webhooks.iter().any(|o| in_list(&o.security))
    };
    // When nothing is secured, APIW-AUTH-007 says so once and names the unused schemes.
    if ctx.auth_unknown {
        return;
    }
    for scheme in &ctx.spec.security_schemes {
        if used(&scheme.name) {
            continue;
        }
        let severity = Severity::Low;
        let why = "";
        out.push(
            ctx.finding(
                &RULE,
                ctx.at_spec(&scheme.loc),
                &scheme.name,
                format!("Security scheme `{}` is never required", scheme.name),
                format!(
                    "`{}` is defined but no `security` requirement uses it.{why}",
                    scheme.name
                ),
            )
            .severity(severity),
        );
    }
}
