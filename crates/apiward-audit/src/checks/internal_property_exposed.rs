//! APIW-PROP-001: credential properties in response schemas.
//!
//! A secret is judged from the whole property name (`client_secret`, not `secret_scanning` or
//! `secretName`), on scalar values only, and not when the spec says it is never read back
//! (`writeOnly`, `format: password`, `x-ms-mutability` without `read`, "returned only once") or
//! when the operation hands credentials out by design (login, token) or creates them (a POST
//! answer is the recommended show-once moment). One finding per declaring schema.

use crate::sensitive::{Basis, never_returned, secret_type};
use crate::{Ctx, is_component};
use apiward_core::{Confidence, Evidence, EvidenceKind, Finding, Severity};
use apiward_rules::property_authorization::INTERNAL_PROPERTY_EXPOSED as RULE;
use apiward_spec::{Loc, Method, Operation};
use apiward_taxonomy::{Meaning, Strength};
use std::collections::BTreeMap;

/// The pointer of the schema that declares a property (`…/User/properties/email` → `…/User`).
fn declaring_schema(loc: &Loc) -> String {
    match loc.pointer.rfind("/properties/") {
        Some(i) => loc.pointer[..i].to_string(),
        None => loc.pointer.clone(),
    }
}

struct Hit {
    path: String,
    loc: Loc,
    severity: Severity,
    basis: Basis,
    what: String,
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // (doc, declaring schema pointer) → hits and operations
    let mut groups: BTreeMap<(usize, String), (Vec<Hit>, Vec<&Operation>)> = BTreeMap::new();
    for op in ctx.operations() {
        if op.method == Method::Post || crate::public_reason(op).is_some() {
            continue;
        }
        let mut seen_here = std::collections::BTreeSet::new();
        for resp in op.success_responses() {
            for m in &resp.content {
                let Some(root) = m.schema else { continue };
                for p in ctx.flatten(root, 6).iter() {
                    let schema = ctx.spec.schema(p.schema);
                    let scalar = schema.has_type("string")
                        || schema.types.is_empty()
                            && schema.properties.is_empty()
                            && schema.items.is_none();
                    if !scalar || schema.enum_len > 0 || schema.has_const {
                        continue;
                    }
                    if never_returned(ctx.spec, schema)
                        || schema
                            .description
                            .as_deref()
                            .is_some_and(apiward_taxonomy::lifecycle::meant_for_client)
                    {
                        continue;
                    }
                    let hit = match apiward_taxonomy::classify(&p.name) {
                        Some(c) if c.strength == Strength::Strong => match c.meaning {
                            Meaning::Secret(s) => {
                                let t = secret_type(s);
                                // A validated secret in the spec's own example is more than a name.
                                let example = ctx
                                    .classify(&p.name, p.schema)
                                    .is_some_and(|sp| sp.basis == Basis::Example);
                                let basis = if example { Basis::Example } else { Basis::Name };
                                let severity = if example {
                                    Severity::High
                                } else {
                                    Severity::Medium
                                };
                                Some((severity, basis, t.label().to_string()))
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some((severity, basis, what)) = hit else {
                        continue;
                    };
                    let key = (p.loc.doc, declaring_schema(&p.loc));
                    let g = groups.entry(key.clone()).or_default();
                    if !g.0.iter().any(|h| h.loc == p.loc) {
                        g.0.push(Hit {
                            path: p.name.clone(),
                            loc: p.loc.clone(),
                            severity,
                            basis,
                            what,
                        });
                    }
                    if seen_here.insert(key) {
                        g.1.push(op);
                    }
                }
            }
        }
    }
    // One model served as several media types (`User-read`, `User.jsonld-read`) is one problem.
    let mut merged: Vec<((usize, String), (Vec<Hit>, Vec<&Operation>))> = Vec::new();
    for (key, g) in groups {
        let sig = |g: &(Vec<Hit>, Vec<&Operation>)| {
            let mut names: Vec<String> = g.0.iter().map(|h| h.path.clone()).collect();
            names.sort();
            let mut ops: Vec<String> = g.1.iter().map(|o| o.label()).collect();
            ops.sort();
            (names, ops)
        };
        if merged.iter().any(|(_, m)| sig(m) == sig(&g)) {
            continue;
        }
        merged.push((key, g));
    }
    for ((_, schema_ptr), (hits, ops)) in merged {
        let Some(worst) = hits.iter().map(|h| h.severity).max() else {
            continue;
        };
        let Some(first) = hits.iter().find(|h| h.severity == worst) else {
            continue;
        };
        let names: Vec<String> = hits
            .iter()
            .map(|h| format!("`{}` ({})", h.path, h.what))
            .collect();
        let shared = is_component(&schema_ptr);
        let title = match (ops.as_slice(), shared) {
            ([one], false) => format!("{} returns credential properties", one.label()),
            _ => format!(
                "Schema `{}` returns credential properties",
                schema_ptr.rsplit('/').next().unwrap_or(&schema_ptr)
            ),
        };
        let mut f = ctx
            .declared(
                &RULE,
                &first.loc,
                &ops,
                "",
                title,
                format!(
                    "The response schema declares {} with no `writeOnly` or masking marker; every caller of the operations listed reads them back.",
                    names.join(", ")
                ),
            )
            .severity(worst)
            .confidence(if hits.iter().any(|h| h.basis == Basis::Example) {
                Confidence::Firm
            } else {
                Confidence::Tentative
            });
        if shared {
            // The declaration is the schema: adding a property or an operation keeps the print.
            f.fingerprint = apiward_core::fingerprint(RULE.id, None, None, &schema_ptr);
        }
        for h in &hits {
            let mut e = Evidence::new(
                EvidenceKind::Spec,
                format!(
                    "response property `{}`: {} (by {})",
                    h.path,
                    h.what,
                    h.basis.id()
                ),
            );
            e.snippet = Some(format!("{}:{}", ctx.spec.file_of(&h.loc), h.loc.line));
            f.evidence.push(e);
        }
        out.push(f);
    }
}
