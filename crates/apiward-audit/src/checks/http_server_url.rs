//! APIW-TLS-001: plain-HTTP servers.

use crate::Ctx;
use crate::shape::is_local_url;
use apiward_core::Finding;
use apiward_rules::encryption::HTTP_SERVER_URL as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for server in &ctx.spec.servers {
        let url = server.url.to_ascii_lowercase();
        if url.starts_with("http://") && !is_local_url(&url) {
            out.push(ctx.finding(
                &RULE,
                ctx.at_spec(&server.loc),
                &server.url,
                format!("Server `{}` uses plain HTTP", server.url),
                format!(
                    "The spec lists `{}`: clients built from it send credentials and data unencrypted.",
                    server.url
                ),
            ));
        }
    }
}
