//! APIW-RATE-001 and APIW-RATE-002: list operations without a bounded page size.

use crate::Ctx;
use crate::shape::{is_list_operation, is_page_size_name};
use apiward_core::Finding;
use apiward_rules::rate_limiting::{LIMIT_WITHOUT_MAXIMUM, LIST_WITHOUT_LIMIT};
use apiward_spec::ParamLocation;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        let limit = op
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Query && is_page_size_name(&p.name));
        // A GET with a page-size parameter is a list even when its response is undocumented.
        let paged_get = limit.is_some()
            && op.method == apiward_spec::Method::Get
            && !crate::shape::is_item_route(&op.path);
        if !is_list_operation(ctx.spec, op) && !paged_get {
            continue;
        }
        match limit {
            // A per-user collection behind authentication is bounded by what one user owns;
            // an open one is the whole table.
            None => out.push(ctx.finding(
                &LIST_WITHOUT_LIMIT,
                ctx.at(op, &op.loc),
                "",
                format!("{} returns a list without a page-size parameter", op.label()),
                format!(
                    "{} returns a list and has no `limit`-style query parameter: one request can return the whole collection.",
                    op.label()
                ),
            ).severity(if op.is_unauthenticated() {
                LIST_WITHOUT_LIMIT.default_severity
            } else {
                apiward_core::Severity::Low
            })),
            Some(p) => {
                let max = p.schema.and_then(|s| ctx.spec.schema(s).maximum);
                if max.is_none() {
                    out.push(ctx.finding(
                        &LIMIT_WITHOUT_MAXIMUM,
                        ctx.at(op, &p.loc),
                        &p.name,
                        format!("`{}` of {} has no maximum", p.name, op.label()),
                        format!(
                            "The page-size parameter `{}` of {} states no `maximum`.",
                            p.name,
                            op.label()
                        ),
                    ));
                }
            }
        }
    }
}
