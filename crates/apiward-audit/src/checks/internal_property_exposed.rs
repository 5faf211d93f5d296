//! APIW-PROP-001: credential and internal properties in response schemas.

use crate::Ctx;
use apiward_core::{Evidence, EvidenceKind, Finding, Severity};
use apiward_detect::{DataClass, DataType};
use apiward_rules::property_authorization::INTERNAL_PROPERTY_EXPOSED as RULE;

/// Internal or privilege names not covered by the data-type taxonomy.
fn is_internal_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("internal_")
        || n.starts_with("_internal")
        || matches!(
            n.as_str(),
            "is_admin"
                | "isadmin"
                | "is_superuser"
                | "issuperuser"
                | "is_staff"
                | "isstaff"
                | "admin"
        )
}

fn is_token_endpoint(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    [
        "login",
        "token",
        "oauth",
        "auth",
        "session",
        "signin",
        "keys",
        "credentials",
    ]
    .iter()
    .any(|w| p.contains(w))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        let token_endpoint = is_token_endpoint(&op.path);
        let mut hits: Vec<(String, apiward_spec::Loc, Severity)> = Vec::new();
        for resp in op.success_responses() {
            for m in &resp.content {
                let Some(root) = m.schema else { continue };
                for p in ctx.flatten(root, 6).iter() {
                    let schema = ctx.spec.schema(p.schema);
                    if crate::sensitive::is_masked(schema) {
                        continue;
                    }
                    let class = ctx
                        .key_class(&p.name)
                        .filter(|k| k.strength == apiward_detect::KeyStrength::Strong)
                        .map(|k| k.data_type);
                    let severity = match class {
                        Some(DataType::Password | DataType::PasswordHash) => Some(Severity::High),
                        Some(t) if t.class() == DataClass::Secret && !token_endpoint => {
                            Some(Severity::High)
                        }
                        _ if is_internal_name(&p.name) => Some(Severity::Medium),
                        _ => None,
                    };
                    if let Some(sev) = severity
                        && !hits.iter().any(|(n, _, _)| n == &p.path)
                    {
                        hits.push((p.path.clone(), p.loc.clone(), sev));
                    }
                }
            }
        }
        let Some(worst) = hits.iter().map(|h| h.2).max() else {
            continue;
        };
        let first = hits
            .iter()
            .find(|h| h.2 == worst)
            .map(|h| h.1.clone())
            .unwrap_or_default();
        let names: Vec<String> = hits.iter().map(|h| format!("`{}`", h.0)).collect();
        let mut f = ctx
            .finding(
                &RULE,
                ctx.at(op, &first),
                "",
                format!("{} returns internal properties", op.label()),
                format!(
                    "The response schema of {} exposes {}.",
                    op.label(),
                    names.join(", ")
                ),
            )
            .severity(worst);
        for (path, loc, _) in &hits {
            let mut e = Evidence::new(EvidenceKind::Spec, format!("response property `{path}`"));
            e.snippet = Some(format!("{}:{}", ctx.spec.file_of(loc), loc.line));
            f.evidence.push(e);
        }
        out.push(f);
    }
}
