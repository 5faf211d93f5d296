//! APIW-INPUT-001/002/003: inputs without constraints, one finding per operation and rule.

use crate::Ctx;
use apiward_core::{Finding, Severity};
use apiward_rules::input_validation::{
    UNBOUNDED_ARRAY_INPUT, UNBOUNDED_NUMERIC_INPUT, UNBOUNDED_STRING_INPUT,
};
use apiward_spec::{Loc, Operation, ParamLocation, Schema};

fn string_unbounded(s: &Schema) -> bool {
    s.has_type("string")
        && s.max_length.is_none()
        && s.pattern.is_none()
        && s.enum_len == 0
        && !s.has_const
        && s.format.is_none()
}

fn number_unbounded(s: &Schema) -> bool {
    (s.has_type("integer") || s.has_type("number"))
        && s.enum_len == 0
        && !s.has_const
        && (s.minimum.is_none() || s.maximum.is_none())
}

fn array_unbounded(s: &Schema) -> bool {
    s.has_type("array") && s.max_items.is_none()
}

fn report(
    ctx: &Ctx,
    out: &mut Vec<Finding>,
    op: &Operation,
    rule: &apiward_core::RuleMeta,
    names: &[(String, Loc)],
    what: &str,
) {
    let Some((_, loc)) = names.first() else {
        return;
    };
    let list: Vec<String> = names.iter().map(|(n, _)| format!("`{n}`")).collect();
    // Writes reach storage; reads with a free-text string reach queries. Either is worth a look.
    let severity = if op.method.is_safe() && rule.id != UNBOUNDED_STRING_INPUT.id {
        Severity::Info
    } else {
        rule.default_severity
    };
    out.push(
        ctx.finding(
            rule,
            ctx.at(op, loc),
            "",
            format!("{} takes {what}", op.label()),
            format!("{} takes {what}: {}.", op.label(), list.join(", ")),
        )
        .severity(severity),
    );
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
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
        report(
            ctx,
            out,
            op,
            &UNBOUNDED_STRING_INPUT,
            &strings,
            "unconstrained string input",
        );
        report(
            ctx,
            out,
            op,
            &UNBOUNDED_NUMERIC_INPUT,
            &numbers,
            "numeric input without bounds",
        );
        report(
            ctx,
            out,
            op,
            &UNBOUNDED_ARRAY_INPUT,
            &arrays,
            "array input without maxItems",
        );
    }
}
