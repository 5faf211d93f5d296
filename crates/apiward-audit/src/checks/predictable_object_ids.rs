//! APIW-BOLA-001 (spec half): predictable object ids on operations known to be unauthenticated.
//!
//! Only operations the spec leaves open while securing others count: a spec that models no
//! authentication says nothing about who may read which object (APIW-AUTH-007 says so once), and
//! public-by-design operations are meant to be open. One finding per parameter declaration.
//!
//! Tests: `fires_predictable_object_ids`, `near_miss_predictable_object_ids` (src/tests/rules.rs).

use crate::shape::url_params;
use crate::{Auth, Ctx};
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::bola::PREDICTABLE_OBJECT_IDS as RULE;
use apiward_spec::{Loc, Operation, ParamLocation};
use apiward_taxonomy::fields::is_id;
use std::collections::BTreeMap;

/// A parameter declaration: name, location, where, integer-typed, and the operations using it.
type Group<'a> = (String, ParamLocation, Loc, bool, Vec<&'a Operation>);

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // (declaration) → (name, location, integer, operations)
    let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
    for op in ctx.operations() {
        if ctx.auth(op) != Auth::Open {
            continue;
        }
        for p in url_params(op) {
            if !is_id(&p.name) && p.location != ParamLocation::Path {
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
                    || s.limits().pattern.is_some());
            if constrained_string {
                continue;
            }
            // Path parameters are identifiers by position; query ones only by name.
            if p.location == ParamLocation::Path && !integer && !is_id(&p.name) {
                continue;
            }
            groups
                .entry((p.loc.doc, p.loc.pointer.to_string()))
                .or_insert_with(|| {
                    (
                        p.name.clone(),
                        p.location,
                        p.loc.clone(),
                        integer,
                        Vec::new(),
                    )
                })
                .4
                .push(op);
        }
    }
    for (name, location, loc, integer, ops) in groups.into_values() {
        let (severity, confidence, shape) = if integer {
            (Severity::Medium, Confidence::Firm, "an integer")
        } else {
            (
                Severity::Low,
                Confidence::Tentative,
                "an unconstrained string",
            )
        };
        let title = match ops.as_slice() {
            [one] => format!(
                "{} addresses objects by {shape} id without authentication",
                one.label()
            ),
            _ => format!(
                "`{name}` addresses objects by {shape} id on {} unauthenticated operations",
                ops.len()
            ),
        };
        out.push(
            ctx.declared(
                &RULE,
                &loc,
                &ops,
                &name,
                title,
                format!(
                    "Parameter `{name}` ({} `{name}`) is {shape} and the operations using it require no authentication while the rest of the API does: neighbouring ids can be enumerated.",
                    location.as_str(),
                ),
            )
            .severity(severity)
            .confidence(confidence),
        );
    }
}
