//! APIW-PROP-003: write bodies whose object schema leaves additionalProperties open.
//!
//! Almost no real spec closes its request schemas: this is API-wide hygiene, reported once with
//! the operations it affects.
//!
//! Tests: `fires_open_write_schema`, `near_miss_open_write_schema` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::property_authorization::OPEN_WRITE_SCHEMA as RULE;
use apiward_spec::AdditionalProperties;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut ops = Vec::new();
    let mut examples = Vec::new();
    for op in ctx.operations() {
        if !matches!(
            op.method,
            apiward_spec::Method::Post | apiward_spec::Method::Put | apiward_spec::Method::Patch
        ) {
            continue;
        }
        let Some(body) = &op.request_body else {
            continue;
        };
        let open = body.content.iter().any(|m| {
            let Some(id) = m.schema else { return false };
            let s = ctx.spec.schema(id);
            let is_object = s.has_type("object") || !s.properties.is_empty();
            let open = matches!(
                s.additional_properties,
                AdditionalProperties::Unspecified | AdditionalProperties::Bool(true)
            ) && s.all_of.is_empty()
                && s.one_of.is_empty()
                && s.any_of.is_empty();
            is_object && open && !s.properties.is_empty()
        });
        if open {
            if examples.len() < 3 {
                examples.push(op.label());
            }
            ops.push(op);
        }
    }
    if ops.is_empty() {
        return;
    }
    let n = ops.len();
    out.push(
        ctx.api_level(
            &RULE,
            &ops,
            "",
            format!("{n} write operation(s) accept undeclared properties"),
            format!(
                "The request body schemas of {n} write operation(s) do not set `additionalProperties: false` (e.g. {}).",
                examples.join(", ")
            ),
        )
        .severity(Severity::Low)
        .confidence(Confidence::Tentative),
    );
}
