//! APIW-AUTH-004: HTTP basic authentication with `http://` servers.
//! Tests: `fires_basic_auth_over_http`, `near_miss_basic_auth_over_http` (src/tests/rules.rs).

use crate::Ctx;
use crate::checks::used_by;
use crate::shape::is_local_url;
use apiward_core::Finding;
use apiward_rules::authentication::BASIC_AUTH_OVER_HTTP as RULE;
use apiward_spec::SchemeKind;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let plain: Vec<&str> = ctx
        .spec
        .servers
        .iter()
        .map(|s| s.url.as_str())
        .filter(|u| u.to_ascii_lowercase().starts_with("http://") && !is_local_url(u))
        .collect();
    if plain.is_empty() {
        return;
    }
    for scheme in &ctx.spec.security_schemes {
        if let SchemeKind::Http { scheme: s, .. } = &scheme.kind
            && s == "basic"
        {
            let users = ctx.scheme_users(&scheme.name);
            out.push(ctx.finding(
                    &RULE,
                    ctx.at_scheme(&users, &scheme.loc),
                    &scheme.name,
                    format!("Basic authentication `{}` over plain HTTP", scheme.name),
                    format!(
                        "Scheme `{}` sends passwords with every request, and the API is served from {}.{}",
                        scheme.name,
                        plain.join(", "),
                        used_by(&users)
                    ),
                ));
        }
    }
}
