//! APIW-PROP-003: write bodies whose object schema leaves additionalProperties open.

use crate::Ctx;
use apiward_core::{Confidence, Finding};
use apiward_rules::property_authorization::OPEN_WRITE_SCHEMA as RULE;
use apiward_spec::AdditionalProperties;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
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
        let open = body.content.iter().find_map(|m| {
            let id = m.schema?;
            let s = ctx.spec.schema(id);
            let is_object = s.has_type("object") || !s.properties.is_empty();
            let open = matches!(
                s.additional_properties,
                AdditionalProperties::Unspecified | AdditionalProperties::Bool(true)
            ) && s.all_of.is_empty()
                && s.one_of.is_empty()
                && s.any_of.is_empty();
            (is_object && open && !s.properties.is_empty()).then(|| s.loc.clone())
        });
        if let Some(loc) = open {
            out.push(
                ctx.finding(
                    &RULE,
                    ctx.at(op, &loc),
                    "",
                    format!("{} accepts undeclared properties", op.label()),
                    format!(
                        "The request body schema of {} does not set `additionalProperties: false`.",
                        op.label()
                    ),
                )
                .confidence(Confidence::Tentative),
            );
        }
    }
}
