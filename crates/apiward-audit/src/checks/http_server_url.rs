//! APIW-TLS-001: plain-HTTP servers — one finding for the spec's list of servers.
//! Tests: `fires_http_server_url`, `near_miss_http_server_url` (src/tests/rules.rs).

use crate::Ctx;
use crate::shape::is_local_url;
use apiward_core::{Finding, Severity};
use apiward_rules::encryption::HTTP_SERVER_URL as RULE;

/// `http://api.example.com/v1` → `api.example.com/v1`: the server without its scheme.
fn without_scheme(url: &str) -> &str {
    url.split_once("://").map(|(_, r)| r).unwrap_or(url)
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let plain: Vec<&apiward_spec::Server> = ctx
        .spec
        .servers
        .iter()
        .filter(|s| {
            let url = s.url.to_ascii_lowercase();
            url.starts_with("http://") && !is_local_url(&url)
        })
        .collect();
    let Some(first) = plain.first() else {
        return;
    };
    // An `http://` twin of an `https://` server is an alternative clients may pick; a server
    // reachable only over plain HTTP is the API's transport.
    let only_plain = plain.iter().any(|p| {
        !ctx.spec.servers.iter().any(|s| {
            s.url.to_ascii_lowercase().starts_with("https://")
                && without_scheme(&s.url).eq_ignore_ascii_case(without_scheme(&p.url))
        })
    });
    let urls: Vec<String> = plain.iter().map(|s| format!("`{}`", s.url)).collect();
    let title = match plain.as_slice() {
        [one] => format!("Server `{}` uses plain HTTP", one.url),
        _ => format!("{} servers use plain HTTP", plain.len()),
    };
    out.push(
        ctx.finding(
            &RULE,
            ctx.at_spec(&first.loc),
            "",
            title,
            format!(
                "The spec lists {}: clients built from it send credentials and data unencrypted.{}",
                urls.join(", "),
                if only_plain {
                    ""
                } else {
                    " Each has an `https://` twin in the list."
                }
            ),
        )
        .severity(if only_plain {
            Severity::Medium
        } else {
            Severity::Low
        }),
    );
}
