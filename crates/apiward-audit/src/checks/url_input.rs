//! APIW-SSRF-001 (spec half): inputs that take URLs — one finding per declaration.
//! Tests: `fires_url_input`, `near_miss_url_input` (src/tests/rules.rs).

use crate::{Auth, Ctx};
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::ssrf::URL_INPUT as RULE;
use apiward_spec::{Loc, Operation, ParamLocation};
use apiward_taxonomy::fields::{UrlRole, is_url};
use std::collections::BTreeMap;

fn uri_format(f: Option<&str>) -> bool {
    f.is_some_and(|f| matches!(f, "uri" | "url" | "iri" | "uri-reference"))
}

/// Redirect targets and display links are not fetched by the server, whatever their format.
fn not_a_link(name: &str) -> bool {
    !matches!(
        apiward_taxonomy::fields::url_role(name),
        Some(UrlRole::Redirect | UrlRole::Display)
    )
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // declaration → (name, loc, by format, operations, any open)
    type Group<'a> = (String, Loc, bool, Vec<&'a Operation>, bool);
    let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
    for op in ctx.operations() {
        let open = ctx.auth(op) == Auth::Open;
        let mut add = |name: &str, loc: &Loc, by_format: bool| {
            // Shared declarations are their own finding; inline ones group per operation.
            let key = if crate::is_component(&loc.pointer) {
                (loc.doc, loc.pointer.to_string())
            } else {
                (usize::MAX, op.label())
            };
            let g = groups
                .entry(key)
                .or_insert_with(|| (name.to_string(), loc.clone(), by_format, Vec::new(), false));
            if !g.3.iter().any(|o| std::ptr::eq(*o, op)) {
                g.3.push(op);
            }
            if !g.0.split(", ").any(|n| n == name) && !crate::is_component(&loc.pointer) {
                g.0 = format!("{}, {name}", g.0);
            }
            g.4 |= open;
        };
        // Deleting something the URL names does not fetch it.
        if op.method == apiward_spec::Method::Delete {
            continue;
        }
        for p in &op.parameters {
            // Path parameters address a resource of the API (`/deployments/{idOrUrl}`).
            if p.location != ParamLocation::Query {
                continue;
            }
            let by_format = uri_format(p.schema.and_then(|s| ctx.spec.schema(s).format.as_deref()))
                && not_a_link(&p.name);
            if by_format || is_url(&p.name) {
                add(&p.name, &p.loc, by_format);
            }
        }
        if let Some(body) = &op.request_body {
            for m in &body.content {
                let Some(root) = m.schema else { continue };
                for p in ctx.flatten(root, 4).iter() {
                    let s = ctx.spec.schema(p.schema);
                    // An object named `feed` or `link` holds fields, not a URL.
                    if s.read_only
                        || s.has_type("boolean")
                        || s.has_type("integer")
                        || s.has_type("object")
                        || !s.properties.is_empty()
                    {
                        continue;
                    }
                    let by_format = uri_format(s.format.as_deref()) && not_a_link(&p.name);
                    if by_format || is_url(&p.name) {
                        add(&p.path, &p.loc, by_format);
                    }
                }
            }
        }
    }
    for (name, loc, by_format, ops, open) in groups.into_values() {
        let listed: Vec<String> = name.split(", ").map(|n| format!("`{n}`")).collect();
        let listed = listed.join(", ");
        let title = match ops.as_slice() {
            [one] => format!("{} takes a URL", one.label()),
            _ => format!("{listed} takes a URL on {} operations", ops.len()),
        };
        out.push(
            ctx.declared(
                &RULE,
                &loc,
                &ops,
                if crate::is_component(&loc.pointer) {
                    &name
                } else {
                    ""
                },
                title,
                format!(
                    "{} {} URL input; if the server fetches it, it can be aimed at internal addresses.",
                    listed,
                    if name.contains(", ") { "are" } else { "is" }
                ),
            )
            // Whether the server fetches it is the code's business: the spec shows the surface.
            .severity(if open { Severity::Medium } else { Severity::Low })
            .confidence(if by_format {
                Confidence::Firm
            } else {
                Confidence::Tentative
            }),
        );
    }
}
