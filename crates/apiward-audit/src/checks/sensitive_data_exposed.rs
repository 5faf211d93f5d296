//! APIW-DATA-001 (spec half), the flagship: response schemas exposing personal data unmasked.
//!
//! Severity = sensitivity of the worst property (critical types → high, high → medium, medium →
//! low), raised once when the operation is *known* to need no authentication (the API secures
//! others; not when the spec models no authentication at all) and once when the response root is
//! a collection, lowered once for a single object to a caller who is not known to be anonymous;
//! capped at medium when the only evidence is property names. One finding per declaring schema,
//! listing the operations that return it.
//!
//! Tests: `fires_sensitive_data_exposed_sensitive_or_bulk_not_owner_contact_data`,
//! `near_miss_sensitive_data_exposed` (src/tests.rs, src/tests/rules.rs).

use crate::sensitive::{Basis, SensitiveProperty, ordinary_for_authenticated_caller};
use crate::shape::is_list_operation;
use crate::{Ctx, is_component};
use apiward_core::{Confidence, Evidence, EvidenceKind, Finding, Severity};
use apiward_detect::{DataClass, DataType, Sensitivity};
use apiward_rules::data_exposure::SENSITIVE_DATA_EXPOSED as RULE;
use apiward_spec::{Loc, Operation};
use std::collections::BTreeMap;

/// Base severity of exposing one value of this sensitivity to an authenticated caller.
pub fn base_severity(s: Sensitivity) -> Severity {
    match s {
        Sensitivity::Critical => Severity::High,
        Sensitivity::High => Severity::Medium,
        Sensitivity::Medium => Severity::Low,
        Sensitivity::Low => Severity::Info,
    }
}

/// The pointer of the schema that declares a property.
fn declaring_schema(loc: &Loc) -> String {
    match loc.pointer.rfind("/properties/") {
        Some(i) => loc.pointer[..i].to_string(),
        None => loc.pointer.to_string(),
    }
}

/// Properties of one declaring schema: (name, judgement, where).
type Hits = Vec<(String, SensitiveProperty, Loc)>;

struct Group<'a> {
    hits: Hits,
    ops: Vec<&'a Operation>,
    severity: Severity,
    open: bool,
    list: bool,
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
    for op in ctx.operations() {
        let open = ctx.auth(op).is_open();
        let list_op = is_list_operation(ctx.spec, op);
        // Per declaring schema: what this operation returns of it.
        let mut here: BTreeMap<(usize, String), (Hits, bool)> = BTreeMap::new();
        for resp in op.success_responses() {
            for m in &resp.content {
                let Some(root) = m.schema else { continue };
                for p in ctx.flatten(root, 6).iter() {
                    let Some(sp) = ctx.classify(&p.name, p.schema) else {
                        continue;
                    };
                    // Credentials are APIW-PROP-001's; this rule is about personal data.
                    if sp.masked || sp.data_type.class() != DataClass::Pii {
                        continue;
                    }
                    let e = here
                        .entry((p.loc.doc, declaring_schema(&p.loc)))
                        .or_default();
                    if e.0.iter().any(|h| h.2 == p.loc) {
                        continue;
                    }
                    // "As a list" means the response root is a collection of these objects.
                    e.1 |= list_op && p.in_array;
                    e.0.push((p.name.clone(), sp, p.loc.clone()));
                }
            }
        }
        for (key, (hits, list)) in here {
            let kinds: Vec<DataType> = hits.iter().map(|h| h.1.data_type).collect();
            if ordinary_for_authenticated_caller(&kinds, open, list) {
                continue;
            }
            let Some(worst) = hits.iter().map(|h| h.1.data_type.sensitivity()).max() else {
                continue;
            };
            let mut severity = base_severity(worst);
            if open {
                severity = severity.raised();
            }
            // Volume matters for records of people (a name with an e-mail, a date of birth), not
            // for a list of the caller's own settings that each hold one contact field.
            let person_records = {
                let mut kinds: Vec<DataType> = hits.iter().map(|h| h.1.data_type).collect();
                kinds.sort_by_key(|k| k.label());
                kinds.dedup();
                kinds.len() >= 2 || worst >= Sensitivity::High
            };
            let list = list && person_records;
            if list {
                severity = severity.raised();
            }
            // One object to a caller the API authenticates (or may): what the API is for,
            // unless the type is one that should never travel unmasked.
            if !open && !list {
                severity = severity.lowered();
            }
            // A name is a hint: only a format, a pattern or a validated example goes higher.
            if hits.iter().all(|h| h.1.basis == Basis::Name) {
                severity = severity.min(Severity::Medium);
            }
            let g = groups.entry(key).or_insert_with(|| Group {
                hits: Vec::new(),
                ops: Vec::new(),
                severity: Severity::Info,
                open: false,
                list: false,
            });
            for h in hits {
                if !g.hits.iter().any(|x| x.2 == h.2) {
                    g.hits.push(h);
                }
            }
            g.ops.push(op);
            g.severity = g.severity.max(severity);
            g.open |= open;
            g.list |= list;
        }
    }
    // One model served as several media types (`User-read`, `User.jsonld-read`) is one problem.
    let mut merged: Vec<((usize, String), Group)> = Vec::new();
    for (key, g) in groups {
        // The same properties declared again (inline per operation, or per media type) are the
        // same model: one finding listing every operation.
        let sig = |g: &Group| {
            let mut names: Vec<String> = g.hits.iter().map(|h| h.0.clone()).collect();
            names.sort();
            names
        };
        if let Some((_, m)) = merged.iter_mut().find(|(_, m)| sig(m) == sig(&g)) {
            m.severity = m.severity.max(g.severity);
            m.open |= g.open;
            m.list |= g.list;
            for o in g.ops {
                if !m.ops.iter().any(|x| std::ptr::eq(*x, o)) {
                    m.ops.push(o);
                }
            }
            continue;
        }
        merged.push((key, g));
    }
    for ((_, schema_ptr), mut g) in merged {
        g.hits
            .sort_by_key(|h| std::cmp::Reverse(h.1.data_type.sensitivity()));
        let Some(first) = g.hits.first() else {
            continue;
        };
        let names: Vec<String> = g
            .hits
            .iter()
            .map(|(name, sp, _)| format!("`{name}` ({})", sp.data_type.label()))
            .collect();
        let exposure = match (g.open, g.list) {
            (true, true) => "to anyone, as a list, with no authentication",
            (true, false) => "with no authentication while the rest of the API requires it",
            (false, true) => "as a list",
            (false, false) => "to callers of the operations listed",
        };
        let shared = is_component(&schema_ptr);
        let title = match (g.ops.as_slice(), shared) {
            ([one], false) => format!("{} returns personal data unmasked", one.label()),
            _ => format!(
                "Schema `{}` returns personal data unmasked on {} operation(s)",
                schema_ptr.rsplit('/').next().unwrap_or(&schema_ptr),
                g.ops.len()
            ),
        };
        let mut f = ctx
            .declared(
                &RULE,
                &first.2,
                &g.ops,
                "",
                title,
                format!(
                    "The response schema declares {} without a masking marker, {exposure}.",
                    names.join(", ")
                ),
            )
            .severity(g.severity)
            .confidence(if g.hits.iter().any(|h| h.1.basis > Basis::Name) {
                Confidence::Firm
            } else {
                Confidence::Tentative
            });
        if shared {
            f.fingerprint = apiward_core::fingerprint(RULE.id, None, None, &schema_ptr);
        }
        for (name, sp, loc) in &g.hits {
            let mut e = Evidence::new(
                EvidenceKind::Spec,
                format!(
                    "response property `{name}`: {} (by {})",
                    sp.data_type.label(),
                    sp.reason
                ),
            );
            e.snippet = Some(format!("{}:{}", ctx.spec.file_of(loc), loc.line));
            f.evidence.push(e);
        }
        out.push(f);
    }
}
