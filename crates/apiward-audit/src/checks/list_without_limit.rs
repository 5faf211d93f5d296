//! APIW-RATE-001 and APIW-RATE-002: list operations without a bounded page size.

use crate::Ctx;
use crate::shape::{is_list_operation, is_page_size_name};
use apiward_core::Finding;
use apiward_rules::rate_limiting::{LIMIT_WITHOUT_MAXIMUM, LIST_WITHOUT_LIMIT};
use apiward_spec::ParamLocation;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if !is_list_operation(ctx.spec, op) {
            continue;
        }
        let limit = op
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Query && is_page_size_name(&p.name));
        match limit {
            None => out.push(ctx.finding(
                &LIST_WITHOUT_LIMIT,
                ctx.at(op, &op.loc),
                "",
                format!("{} returns a list without a page-size parameter", op.label()),
                format!(
                    "{} returns a list and has no `limit`-style query parameter: one request can return the whole collection.",
                    op.label()
                ),
            )),
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
