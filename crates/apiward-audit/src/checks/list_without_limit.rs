//! APIW-RATE-001 and APIW-RATE-002: list operations without a bounded page size.
//!
//! Lists without a page-size parameter are one API-level finding (the pattern repeats across the
//! API); a page-size parameter without a maximum is one finding per parameter name.
//!
//! Tests: `fires_list_without_limit_on_lists_not_item_routes_or_carts`,
//! `near_miss_list_without_limit`,
//! `fires_limit_without_maximum_even_with_an_undocumented_response`,
//! `near_miss_limit_without_maximum` (src/tests.rs, src/tests/rules.rs).

use crate::shape::{is_list_operation, is_page_size_name};
use crate::{Auth, Ctx};
use apiward_core::{Finding, Severity};
use apiward_rules::rate_limiting::{LIMIT_WITHOUT_MAXIMUM, LIST_WITHOUT_LIMIT};
use apiward_spec::{Loc, Operation, ParamLocation};
use std::collections::BTreeMap;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut unbounded: Vec<&Operation> = Vec::new();
    let mut no_max: BTreeMap<String, (Loc, Vec<&Operation>)> = BTreeMap::new();
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
            None => {
                // A per-user collection behind authentication is bounded by what one user owns;
                // an open one is the whole table.
                unbounded.push(op);
            }
            Some(p) => {
                if p.schema
                    .and_then(|s| ctx.spec.schema(s).limits().maximum)
                    .is_none()
                {
                    no_max
                        .entry(p.name.clone())
                        .or_insert_with(|| (p.loc.clone(), Vec::new()))
                        .1
                        .push(op);
                }
            }
        }
    }
    // Open lists (the whole table to anyone) and per-user lists behind authentication are two
    // different problems; each is one finding for the API.
    let (open, closed): (Vec<&Operation>, Vec<&Operation>) = unbounded
        .into_iter()
        .partition(|o| ctx.auth(o) == Auth::Open);
    for (ops, severity, discriminator) in [
        (open, Severity::Medium, "open"),
        (closed, Severity::Low, ""),
    ] {
        let f = match ops.as_slice() {
            [] => continue,
            [op] => ctx.finding(
                &LIST_WITHOUT_LIMIT,
                ctx.at(op, &op.loc),
                "",
                format!("{} returns a list without a page-size parameter", op.label()),
                format!(
                    "{} returns a list and has no `limit`-style query parameter: one request can return the whole collection.",
                    op.label()
                ),
            ),
            ops => {
                let shown: Vec<String> = ops.iter().take(3).map(|o| o.label()).collect();
                ctx.api_level(
                    &LIST_WITHOUT_LIMIT,
                    ops,
                    discriminator,
                    format!("{} list operations have no page-size parameter", ops.len()),
                    format!(
                        "{} operations return lists with no `limit`-style query parameter ({}{}): one request can return a whole collection.",
                        ops.len(),
                        shown.join(", "),
                        if ops.len() > 3 { ", …" } else { "" }
                    ),
                )
            }
        };
        out.push(f.severity(severity));
    }
    for (name, (loc, ops)) in no_max {
        let title = match ops.as_slice() {
            [one] => format!("`{name}` of {} has no maximum", one.label()),
            _ => format!(
                "Page-size parameter `{name}` has no maximum on {} operations",
                ops.len()
            ),
        };
        let mut f = ctx
            .declared(
                &LIMIT_WITHOUT_MAXIMUM,
                &loc,
                &ops,
                &name,
                title,
                format!("The page-size parameter `{name}` states no `maximum`."),
            )
            .severity(Severity::Low);
        if ops.len() > 1 {
            // One finding per parameter name across the API: its print follows the name.
            f.fingerprint = apiward_core::fingerprint(LIMIT_WITHOUT_MAXIMUM.id, None, None, &name);
            f.location.method = None;
            f.location.path = None;
        }
        out.push(f);
    }
}
