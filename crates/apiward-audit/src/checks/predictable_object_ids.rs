//! APIW-BOLA-001 (spec half): predictable object ids on unauthenticated operations.

use crate::Ctx;
use crate::shape::{is_id_name, url_params};
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::bola::PREDICTABLE_OBJECT_IDS as RULE;
use apiward_spec::ParamLocation;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if !op.is_unauthenticated() {
            continue;
        }
        for p in url_params(op) {
            if !is_id_name(&p.name) && p.location != ParamLocation::Path {
                continue;
            }
            let Some(sid) = p.schema else { continue };
            let s = ctx.spec.schema(sid);
            if s.enum_len > 0 || s.has_const {
                continue;
            }
            let integer = s.has_type("integer") || s.has_type("number");
            let constrained_string = s.has_type("string")
                && (s
                    .format
                    .as_deref()
                    .is_some_and(|f| f == "uuid" || f == "guid")
                    || s.pattern.is_some());
            if constrained_string {
                continue;
            }
            // Path parameters are identifiers by position; query ones only by name.
            if p.location == ParamLocation::Path && !integer && !is_id_name(&p.name) {
                continue;
            }
            let (severity, confidence, shape) = if integer {
                (Severity::Medium, Confidence::Firm, "an integer")
            } else {
                (
                    Severity::Low,
                    Confidence::Tentative,
                    "an unconstrained string",
                )
            };
            out.push(
                ctx.finding(
                    &RULE,
                    ctx.at(op, &p.loc),
                    &p.name,
                    format!("{} addresses objects by {shape} id without authentication", op.label()),
                    format!(
                        "Parameter `{}` ({} `{}`) is {shape} and the operation requires no authentication: neighbouring ids can be enumerated.",
                        p.name,
                        p.location.as_str(),
                        p.name
                    ),
                )
                .severity(severity)
                .confidence(confidence),
            );
        }
    }
}
