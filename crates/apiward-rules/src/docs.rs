//! Markdown documentation generated from the registry (`docs/rules/`).

use apiward_core::{Category, RuleMeta};
use std::fmt::Write;

/// One rule's page.
pub fn render_markdown(r: &RuleMeta) -> String {
    render_page(r, &[])
}

/// One rule's page for `docs/rules/`, with the files that implement it (both halves, as
/// [`crate::sources::files_of`] finds them).
pub fn render_page(r: &RuleMeta, sources: &[&crate::sources::RuleFile]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} `{}`\n", r.id, r.name);
    let _ = writeln!(s, "{}\n", r.summary);
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(
        s,
        "| Category | `{}` ({}) |",
        r.category.id(),
        r.category.title()
    );
    let _ = writeln!(s, "| Default severity | {} |", r.default_severity);
    let cwe: Vec<String> = r.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    let _ = writeln!(s, "| CWE | {} |", cwe.join(", "));
    let _ = writeln!(s, "| OWASP | {} |", r.owasp);
    let _ = writeln!(s, "| Checks | {} |", checks_label(r));
    if !sources.is_empty() {
        let files: Vec<String> = sources
            .iter()
            .map(|f| format!("{}: [`{}`](../../{})", f.half.label(), f.path, f.path))
            .collect();
        let _ = writeln!(s, "| Source | {} |", files.join("<br>"));
    }
    let _ = writeln!(s, "\n## Why it matters\n\n{}\n", r.why);
    if let Some(c) = crate::severity::criteria(r.id) {
        let _ = writeln!(s, "## Severity\n\n{c}\n");
    }
    let _ = writeln!(s, "## Example\n\n{}\n", r.example);
    let _ = writeln!(s, "## How to fix\n\n{}", r.fix);
    if let Some(f) = r.fastapi_fix {
        let _ = writeln!(s, "\n### FastAPI + DynamoDB\n\n{f}");
    }
    s
}

/// What the rule reads: the spec, live traffic at some access level, or both.
pub fn checks_label(r: &RuleMeta) -> String {
    use apiward_core::AccessLevel::*;
    let runtime = match r.level {
        Static => None,
        L0 => Some("live scan (L0: no credentials)"),
        L1 => Some("live scan (L1: one identity)"),
        L2 => Some("live scan (L2: two identities)"),
        Active => Some("live scan with `--active`"),
    };
    match (r.spec_check, runtime) {
        (true, Some(rt)) => format!("spec audit and {rt}"),
        (true, None) => "spec audit".to_string(),
        (false, Some(rt)) => rt.to_string(),
        (false, None) => "none".to_string(),
    }
}

/// `docs/rules/README.md`: every rule, by category.
pub fn render_index(rules: &[RuleMeta]) -> String {
    let mut s = String::from(
        "# apiward rules\n\nGenerated from the rule registry (`crates/apiward-rules`); do not edit by hand.\n\
         Regenerate with `APIWARD_UPDATE_DOCS=1 cargo test -p apiward-rules --test docs_sync`.\n",
    );
    for c in Category::ALL {
        let _ = writeln!(s, "\n## {} — {}\n", c.id(), c.title());
        let _ = writeln!(
            s,
            "| Rule | Name | Severity | Checks | Summary |\n|---|---|---|---|---|"
        );
        for r in rules.iter().filter(|r| r.category == c) {
            let _ = writeln!(
                s,
                "| [{}]({}.md) | `{}` | {} | {} | {} |",
                r.id,
                r.id,
                r.name,
                r.default_severity,
                checks_label(r),
                r.summary.replace('|', "\\|")
            );
        }
    }
    s
}
