//! APIW-PROP-001: credential properties in response schemas.
//!
//! A secret is judged from the whole property name (`client_secret`, not `secret_scanning` or
//! `secretName`), on scalar values only, and not when the spec says it is never read back
//! (`writeOnly`, `format: password`, `x-ms-mutability` without `read`, "returned only once") or
//! when the operation hands credentials out by design (login, token) or creates them (a POST
//! answer is the recommended show-once moment). One finding per declaring schema.
//!
//! Tests: `fires_internal_property_exposed`, `near_miss_internal_property_exposed`
//! (src/tests/rules.rs).

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
        None => loc.pointer.to_string(),
    }
}

/// A declaring schema: (document, pointer).
type DeclKey = (usize, String);

struct Hit {
    path: String,
    loc: Loc,
    severity: Severity,
    basis: Basis,
    what: String,
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // (doc, declaring schema pointer) → hits and operations
    let mut groups: BTreeMap<DeclKey, (Vec<Hit>, Vec<&Operation>)> = BTreeMap::new();
    // Schemas that are also request bodies: a credential there is as likely the write path, and
    // the spec does not say whether it is read back.
    let mut request_schemas = std::collections::BTreeSet::new();
    for op in ctx.operations() {
        for m in op.request_body.iter().flat_map(|b| b.content.iter()) {
            let Some(root) = m.schema else { continue };
            for p in ctx.flatten(root, 6).iter() {
                request_schemas.insert((p.loc.doc, declaring_schema(&p.loc)));
            }
        }
    }
    for op in ctx.operations() {
        let issues = apiward_taxonomy::issues_credentials(&apiward_taxonomy::Endpoint {
            method: op.method.as_str(),
            path: &op.path,
            operation_id: op.operation_id.as_deref(),
        });
        if op.method == Method::Post || crate::public_reason(op).is_some() || issues {
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
                                let shared_with_request = request_schemas
                                    .contains(&(p.loc.doc, declaring_schema(&p.loc)));
                                let severity = if example {
                                    Severity::High
                                } else if shared_with_request {
                                    Severity::Low
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
    // Returning credentials readable is one design decision of the API (every integration's
    // secret served back the same way): one finding, listing the schemas, unless only one schema
    // does it. The same model served as several media types counts once.
    let mut merged: Vec<(String, Vec<Hit>, Vec<&Operation>)> = Vec::new();
    for ((_, schema_ptr), (hits, ops)) in groups {
        let names = |h: &[Hit]| {
            let mut n: Vec<String> = h.iter().map(|x| x.path.clone()).collect();
            n.sort();
            n
        };
        let mut labels: Vec<String> = ops.iter().map(|o| o.label()).collect();
        labels.sort();
        let same = merged.iter().any(|(_, mh, mo)| {
            let mut ml: Vec<String> = mo.iter().map(|o| o.label()).collect();
            ml.sort();
            names(mh) == names(&hits) && ml == labels
        });
        if !same {
            merged.push((schema_ptr, hits, ops));
        }
    }
    match merged.len() {
        0 => {}
        1 => {
            if let Some((schema_ptr, hits, ops)) = merged.pop() {
                out.extend(one_schema(ctx, &schema_ptr, &hits, &ops));
            }
        }
        n => {
            let worst = merged
                .iter()
                .flat_map(|m| m.1.iter().map(|h| h.severity))
                .max()
                .unwrap_or(Severity::Medium);
            let mut ops: Vec<&Operation> = Vec::new();
            for (_, _, mo) in &merged {
                for o in mo {
                    if !ops.iter().any(|x| std::ptr::eq(*x, *o)) {
                        ops.push(o);
                    }
                }
            }
            let mut listed: Vec<String> = merged
                .iter()
                .map(|(ptr, hits, _)| {
                    let props: Vec<String> = hits.iter().map(|h| format!("`{}`", h.path)).collect();
                    format!("{} ({})", schema_label(ptr), props.join(", "))
                })
                .collect();
            listed.dedup();
            let more = listed.len() > 6;
            listed.truncate(6);
            let mut f = ctx
                .api_level(
                    &RULE,
                    &ops,
                    "",
                    format!("{n} response schemas return credentials readable back"),
                    format!(
                        "{n} response schemas declare credentials with no `writeOnly` or masking marker: {}{}. Every caller of the operations listed reads them back.",
                        listed.join("; "),
                        if more { "; …" } else { "" }
                    ),
                )
                .severity(worst)
                .confidence(Confidence::Tentative);
            for (_, hits, _) in &merged {
                for h in hits {
                    f.evidence.push(evidence(ctx, h));
                }
            }
            out.push(f);
        }
    }
}

fn schema_label(ptr: &str) -> String {
    format!("`{}`", ptr.rsplit('/').next().unwrap_or(ptr))
}

fn evidence(ctx: &Ctx, h: &Hit) -> Evidence {
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
    e
}

/// The finding for one schema that returns credentials.
fn one_schema(ctx: &Ctx, schema_ptr: &str, hits: &[Hit], ops: &[&Operation]) -> Option<Finding> {
    let worst = hits.iter().map(|h| h.severity).max()?;
    let first = hits.iter().find(|h| h.severity == worst)?;
    let names: Vec<String> = hits
        .iter()
        .map(|h| format!("`{}` ({})", h.path, h.what))
        .collect();
    let shared = is_component(schema_ptr);
    let title = match (ops, shared) {
        ([one], false) => format!("{} returns credential properties", one.label()),
        _ => format!(
            "Schema {} returns credential properties",
            schema_label(schema_ptr)
        ),
    };
    let mut f = ctx
        .declared(
            &RULE,
            &first.loc,
            ops,
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
        f.fingerprint = apiward_core::fingerprint(RULE.id, None, None, schema_ptr);
    }
    for h in hits {
        f.evidence.push(evidence(ctx, h));
    }
    Some(f)
}
