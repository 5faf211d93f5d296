//! APIW-INV-001: staging, development and internal servers.
//! Tests: `fires_non_production_server`, `near_miss_non_production_server` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::Finding;
use apiward_rules::inventory::NON_PRODUCTION_SERVER as RULE;

const WORDS: &[&str] = &[
    "staging",
    "stage",
    "stg",
    "dev",
    "develop",
    "development",
    "test",
    "testing",
    "qa",
    "uat",
    "sandbox",
    "internal",
    "intranet",
    "preprod",
    "pre-prod",
    "local",
    "corp",
];

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
    rest.split(['/', ':']).next().unwrap_or("")
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for server in &ctx.spec.servers {
        // `https://vtex.local`, `http://HOSTNAME`: placeholders of self-hosted products, not a
        // published environment.
        if crate::shape::is_local_url(&server.url) {
            continue;
        }
        let host = host_of(&server.url).to_ascii_lowercase();
        let word = host
            .split(['.', '-'])
            .find(|part| WORDS.contains(part))
            .map(str::to_string);
        if let Some(word) = word {
            out.push(ctx.finding(
                &RULE,
                ctx.at_spec(&server.loc),
                &server.url,
                format!("Non-production server `{}` is published", server.url),
                format!(
                    "The spec lists `{}`, which looks like a `{word}` environment.",
                    server.url
                ),
            ));
        }
    }
}
