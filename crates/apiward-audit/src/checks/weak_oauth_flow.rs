//! APIW-AUTH-006: implicit OAuth flows and `http://` OAuth endpoints.
//! Tests: `fires_weak_oauth_flow`, `near_miss_weak_oauth_flow` (src/tests/rules.rs).

use crate::Ctx;
use crate::shape::is_local_url;
use apiward_core::{Finding, Severity};
use apiward_rules::authentication::WEAK_OAUTH_FLOW as RULE;
use apiward_spec::SchemeKind;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for scheme in &ctx.spec.security_schemes {
        let SchemeKind::OAuth2 { flows } = &scheme.kind else {
            continue;
        };
        for flow in flows {
            let plain = [&flow.authorization_url, &flow.token_url]
                .into_iter()
                .flatten()
                .find(|u| u.to_ascii_lowercase().starts_with("http://") && !is_local_url(u));
            let implicit = flow.kind == "implicit";
            if !implicit && plain.is_none() {
                continue;
            }
            let mut why = Vec::new();
            if implicit {
                why.push("uses the deprecated implicit flow".to_string());
            }
            if let Some(u) = plain {
                why.push(format!("has a plain-HTTP endpoint `{u}`"));
            }
            out.push(
                ctx.finding(
                    &RULE,
                    ctx.at_spec(&scheme.loc),
                    &format!("{}:{}", scheme.name, flow.kind),
                    format!("OAuth scheme `{}` {}", scheme.name, why[0]),
                    format!(
                        "OAuth 2 scheme `{}` ({} flow) {}.",
                        scheme.name,
                        flow.kind,
                        why.join(" and ")
                    ),
                )
                .severity(if plain.is_some() {
                    Severity::High
                } else {
                    Severity::Medium
                }),
            );
        }
    }
}
