//! APIW-INPUT-001, APIW-INPUT-002 and APIW-INPUT-003: inputs without constraints (strings,
//! numbers, arrays) — hygiene, one API-level finding per rule.
//!
//! Tests: `fires_unbounded_string_input`, `near_miss_unbounded_string_input`,
//! `fires_unbounded_numeric_input`, `near_miss_unbounded_numeric_input`,
//! `fires_unbounded_array_input`, `near_miss_unbounded_array_input` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::input_validation::{
    UNBOUNDED_ARRAY_INPUT, UNBOUNDED_NUMERIC_INPUT, UNBOUNDED_STRING_INPUT,
};
use apiward_spec::{Loc, Operation, ParamLocation, Schema};

fn string_unbounded(s: &Schema) -> bool {
    s.has_type("string")
        && s.limits().max_length.is_none()
        && s.limits().pattern.is_none()
        && s.enum_len == 0
        && !s.has_const
        && s.format.is_none()
}

fn number_unbounded(s: &Schema) -> bool {
    (s.has_type("integer") || s.has_type("number"))
        && s.enum_len == 0
        && !s.has_const
        && (s.limits().minimum.is_none() || s.limits().maximum.is_none())
}

fn array_unbounded(s: &Schema) -> bool {
    s.has_type("array") && s.limits().max_items.is_none()
}

/// Inputs of one kind across the API: hygiene, so one API-level finding per rule listing the
/// operations, never one per operation.
struct Acc<'a> {
    ops: Vec<&'a Operation>,
    examples: Vec<String>,
    severity: Severity,
}

impl<'a> Acc<'a> {
    fn new() -> Self {
        Acc {
            ops: Vec::new(),
            examples: Vec::new(),
            severity: Severity::Info,
        }
    }

    fn add(&mut self, op: &'a Operation, rule: &apiward_core::RuleMeta, names: &[(String, Loc)]) {
        let Some((first, _)) = names.first() else {
            return;
        };
        // Writes reach storage; reads with a free-text string reach queries. Either is worth a
        // look, neither more than low on the spec alone.
        let severity = if op.method.is_safe() && rule.id != UNBOUNDED_STRING_INPUT.id {
            Severity::Info
        } else {
            rule.default_severity.min(Severity::Low)
        };
        self.severity = self.severity.max(severity);
        self.ops.push(op);
        if self.examples.len() < 3 {
            self.examples.push(format!("`{first}` on {}", op.label()));
        }
    }

    fn emit(self, ctx: &Ctx, out: &mut Vec<Finding>, rule: &apiward_core::RuleMeta, what: &str) {
        if self.ops.is_empty() {
            return;
        }
        let n = self.ops.len();
        out.push(
            ctx.api_level(
                rule,
                &self.ops,
                "",
                format!("{n} operation(s) take {what}"),
                format!(
                    "{n} operation(s) take {what}, for example {}.",
                    self.examples.join(", ")
                ),
            )
            .severity(self.severity),
        );
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let (mut strings_acc, mut numbers_acc, mut arrays_acc) = (Acc::new(), Acc::new(), Acc::new());
    for op in ctx.operations() {
        let (mut strings, mut numbers, mut arrays) = (Vec::new(), Vec::new(), Vec::new());
        for p in &op.parameters {
            if !matches!(p.location, ParamLocation::Query | ParamLocation::Path) {
                continue;
            }
            let Some(id) = p.schema else { continue };
            let s = ctx.spec.schema(id);
            if string_unbounded(s) {
                strings.push((p.name.clone(), p.loc.clone()));
            } else if number_unbounded(s) {
                numbers.push((p.name.clone(), p.loc.clone()));
            } else if array_unbounded(s) {
                arrays.push((p.name.clone(), p.loc.clone()));
            }
        }
        if let Some(body) = &op.request_body {
            for m in &body.content {
                let Some(root) = m.schema else { continue };
                if array_unbounded(ctx.spec.schema(root)) {
                    arrays.push(("(body)".to_string(), ctx.spec.schema(root).loc.clone()));
                }
                for p in ctx.flatten(root, 3).iter() {
                    if array_unbounded(ctx.spec.schema(p.schema))
                        && !arrays.iter().any(|a| a.0 == p.path)
                    {
                        arrays.push((p.path.clone(), p.loc.clone()));
                    }
                }
            }
        }
        strings_acc.add(op, &UNBOUNDED_STRING_INPUT, &strings);
        numbers_acc.add(op, &UNBOUNDED_NUMERIC_INPUT, &numbers);
        arrays_acc.add(op, &UNBOUNDED_ARRAY_INPUT, &arrays);
    }
    strings_acc.emit(
        ctx,
        out,
        &UNBOUNDED_STRING_INPUT,
        "unconstrained string input",
    );
    numbers_acc.emit(
        ctx,
        out,
        &UNBOUNDED_NUMERIC_INPUT,
        "numeric input without bounds",
    );
    arrays_acc.emit(
        ctx,
        out,
        &UNBOUNDED_ARRAY_INPUT,
        "array input without maxItems",
    );
}
