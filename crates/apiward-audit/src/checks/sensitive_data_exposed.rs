//! APIW-DATA-001 (spec half), the flagship: response schemas exposing personal data unmasked.
//!
//! Severity = sensitivity of the worst property, raised once when the operation needs no
//! authentication and once when it returns a list (volume).

use crate::Ctx;
use crate::sensitive::ordinary_for_authenticated_caller;
use apiward_core::{Confidence, Evidence, EvidenceKind, Finding, Severity};
use apiward_detect::{DataClass, DataType, Sensitivity};
use apiward_rules::data_exposure::SENSITIVE_DATA_EXPOSED as RULE;

/// Base severity of exposing one value of this sensitivity to an authenticated caller.
pub fn base_severity(s: Sensitivity) -> Severity {
    match s {
        Sensitivity::Critical => Severity::High,
        Sensitivity::High => Severity::Medium,
        Sensitivity::Medium => Severity::Low,
        Sensitivity::Low => Severity::Info,
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        let mut hits = Vec::new();
        let mut list = false;
        for resp in op.success_responses() {
            for m in &resp.content {
                let Some(root) = m.schema else { continue };
                let root_is_list = ctx.spec.is_list_response(root);
                for p in ctx.flatten(root, 6).iter() {
                    let Some(sp) = ctx.classify(&p.name, p.schema) else {
                        continue;
                    };
                    // Credentials are APIW-PROP-001's; this rule is about personal data.
                    if sp.masked || sp.data_type.class() != DataClass::Pii {
                        continue;
                    }
                    if hits
                        .iter()
                        .any(|(path, _, _): &(String, _, _)| path == &p.path)
                    {
                        continue;
                    }
                    list |= root_is_list || p.in_array;
                    hits.push((p.path.clone(), sp, p.loc.clone()));
                }
            }
        }
        if hits.is_empty() {
            continue;
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.1.data_type.sensitivity()));
        let worst = hits[0].1.data_type.sensitivity();
        let unauth = op.is_unauthenticated();
        let kinds: Vec<DataType> = hits.iter().map(|h| h.1.data_type).collect();
        if ordinary_for_authenticated_caller(&kinds, unauth, list) {
            continue;
        }
        let mut severity = base_severity(worst);
        if unauth {
            severity = severity.raised();
        }
        if list {
            severity = severity.raised();
        }
        let names: Vec<String> = hits
            .iter()
            .map(|(path, sp, _)| format!("`{path}` ({})", sp.data_type.label()))
            .collect();
        let exposure = match (unauth, list) {
            (true, true) => "to anyone, as a list, with no authentication",
            (true, false) => "with no authentication",
            (false, true) => "as a list",
            (false, false) => "to authenticated callers",
        };
        let mut f = ctx
            .finding(
                &RULE,
                ctx.at(op, &hits[0].2),
                "",
                format!("{} returns personal data unmasked", op.label()),
                format!(
                    "The success response of {} declares {} without a masking marker, {exposure}.",
                    op.label(),
                    names.join(", ")
                ),
            )
            .severity(severity)
            .confidence(if hits.iter().any(|h| h.1.reason == "name") {
                Confidence::Firm
            } else {
                Confidence::Tentative
            });
        for (path, sp, loc) in &hits {
            let mut e = Evidence::new(
                EvidenceKind::Spec,
                format!(
                    "response property `{path}`: {} (by {})",
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
