//! APIW-AUTH-005: API keys in the query string.
//! Tests: `fires_api_key_in_query`, `near_miss_api_key_in_query` (src/tests/rules.rs).

use crate::Ctx;
use crate::checks::used_by;
use apiward_core::Finding;
use apiward_rules::authentication::API_KEY_IN_QUERY as RULE;
use apiward_spec::{ApiKeyLocation, SchemeKind};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for scheme in &ctx.spec.security_schemes {
        if let SchemeKind::ApiKey {
            location: ApiKeyLocation::Query,
            param_name,
        } = &scheme.kind
        {
            let users = ctx.scheme_users(&scheme.name);
            out.push(ctx.finding(
                &RULE,
                ctx.at_scheme(&users, &scheme.loc),
                &scheme.name,
                format!("API key `{param_name}` travels in the URL"),
                format!(
                    "Security scheme `{}` reads the key from the query parameter `{param_name}`; URLs are logged and sent in Referer headers.{}",
                    scheme.name,
                    used_by(&users)
                ),
            ));
        }
    }
}
