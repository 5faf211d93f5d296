//! APIW-SSRF-001 (spec half): inputs that take URLs.

use crate::Ctx;
use crate::shape::is_url_name;
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::ssrf::URL_INPUT as RULE;
use apiward_spec::{Loc, ParamLocation};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        let mut hits: Vec<(String, Loc, bool)> = Vec::new();
        for p in &op.parameters {
            if p.location == ParamLocation::Header || p.location == ParamLocation::Cookie {
                continue;
            }
            let uri_format = p
                .schema
                .and_then(|s| ctx.spec.schema(s).format.as_deref())
                .is_some_and(|f| matches!(f, "uri" | "url" | "iri" | "uri-reference"));
            if uri_format || is_url_name(&p.name) {
                hits.push((p.name.clone(), p.loc.clone(), uri_format));
            }
        }
        if let Some(body) = &op.request_body {
            for m in &body.content {
                let Some(root) = m.schema else { continue };
                for p in ctx.flatten(root, 4).iter() {
                    let s = ctx.spec.schema(p.schema);
                    if s.read_only || s.has_type("boolean") || s.has_type("integer") {
                        continue;
                    }
                    let uri_format = s
                        .format
                        .as_deref()
                        .is_some_and(|f| matches!(f, "uri" | "url" | "iri" | "uri-reference"));
                    if (uri_format || is_url_name(&p.name)) && !hits.iter().any(|h| h.0 == p.path) {
                        hits.push((p.path.clone(), p.loc.clone(), uri_format));
                    }
                }
            }
        }
        let Some((_, first, _)) = hits.first() else {
            continue;
        };
        let names: Vec<String> = hits.iter().map(|h| format!("`{}`", h.0)).collect();
        let severity = if op.is_unauthenticated() {
            Severity::Medium
        } else {
            Severity::Low
        };
        out.push(
            ctx.finding(
                &RULE,
                ctx.at(op, first),
                "",
                format!("{} takes a URL", op.label()),
                format!(
                    "{} accepts {} as URL input; if the server fetches it, it can be aimed at internal addresses.",
                    op.label(),
                    names.join(", ")
                ),
            )
            .severity(severity)
            .confidence(if hits.iter().any(|h| h.2) {
                Confidence::Firm
            } else {
                Confidence::Tentative
            }),
        );
    }
}
