//! Markdown for pull-request comments and job summaries (GitHub-flavoured).
//!
//! Grade and score headline, one table with a row per category (score, counts by severity), the top
//! findings as a table, and every finding in a collapsed `<details>` block. Every string from the
//! target or the spec goes through [`crate::escape::md`], so nothing in a finding can end a table
//! cell, open a code span, inject HTML or mention a user.

use crate::RenderOptions;
use crate::escape::{md, md_code, sev_upper, spec_ref, value_text};
use apiward_core::{Finding, Report, Severity};
use std::fmt::Write;

/// How many findings the top table shows.
pub const TOP_FINDINGS: usize = 10;

fn sev_badge(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟣 critical",
        Severity::High => "🔴 high",
        Severity::Medium => "🟠 medium",
        Severity::Low => "🔵 low",
        Severity::Info => "⚪ info",
    }
}

fn location_cell(f: &Finding) -> String {
    let mut s = md_code(&f.location.label());
    if let Some(r) = spec_ref(f) {
        s.push_str("<br>");
        s.push_str(&md(&r));
    }
    s
}

/// Render the Markdown summary.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let _ = opts;
    let mut o = String::new();
    let mode = if report.target.mode.is_empty() {
        "report"
    } else {
        &report.target.mode
    };
    let _ = writeln!(
        o,
        "## apiward {}: grade **{}** — score {}/100\n",
        md(mode),
        report.score.grade.letter(),
        report.score.overall
    );
    let mut about = Vec::new();
    if let Some(t) = &report.target.api_title {
        let mut s = md(t);
        if let Some(v) = &report.target.api_version {
            s.push(' ');
            s.push_str(&md(v));
        }
        about.push(s);
    }
    if let Some(s) = &report.target.spec {
        about.push(format!("spec {}", md_code(s)));
    }
    if let Some(u) = &report.target.base_url {
        about.push(format!("target {}", md_code(u)));
    }
    about.push(format!("{} operations", report.target.operations));
    let _ = writeln!(o, "{}\n", about.join(" · "));
    if report.contains_sensitive_data {
        let _ = writeln!(
            o,
            "> [!WARNING]\n> This report contains unmasked sensitive values (`--show-evidence`). Do not share it.\n"
        );
    }
    if let Some(cap) = &report.score.cap {
        let _ = writeln!(o, "_{}_\n", md(cap));
    }
    let counts = report.summary;
    let parts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| format!("{} {}", counts.get(*s), s))
        .collect();
    let _ = writeln!(o, "**{} findings**: {}", counts.total(), parts.join(", "));
    let baselined = report.findings.iter().any(|f| f.baseline_state.is_some());
    if baselined || !report.fixed.is_empty() {
        let n = |s: &str| {
            report
                .findings
                .iter()
                .filter(|f| f.baseline_state.as_deref() == Some(s))
                .count()
        };
        let _ = writeln!(
            o,
            "\n**Baseline**: {} new, {} unchanged, {} fixed",
            n("new"),
            n("unchanged"),
            report.fixed.len()
        );
    }

    // Category table.
    o.push_str("\n| Category | Score | Critical | High | Medium | Low | Info |\n");
    o.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for c in &report.categories {
        let score = c
            .score
            .map(|s| s.to_string())
            .unwrap_or_else(|| "n/a".into());
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&c.title),
            score,
            c.findings.critical,
            c.findings.high,
            c.findings.medium,
            c.findings.low,
            c.findings.info
        );
    }

    if report.findings.is_empty() {
        o.push_str("\nNo findings. ✅\n");
    } else {
        let mut order: Vec<&Finding> = report.findings.iter().collect();
        order.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let _ = writeln!(
            o,
            "\n### Top findings\n\n| Severity | Rule | Location | Finding |\n|---|---|---|---|"
        );
        for f in order.iter().take(TOP_FINDINGS) {
            let mut title = md(&f.title);
            if f.baseline_state.as_deref() == Some("new") {
                title.push_str(" **(new)**");
            }
            let _ = writeln!(
                o,
                "| {} | {}<br>{} | {} | {} |",
                sev_badge(f.severity),
                md(&f.rule_id),
                md_code(&f.rule_name),
                location_cell(f),
                title
            );
        }
        if order.len() > TOP_FINDINGS {
            let _ = writeln!(o, "\n…and {} more.", order.len() - TOP_FINDINGS);
        }

        let _ = writeln!(
            o,
            "\n<details>\n<summary>All {} findings</summary>\n",
            order.len()
        );
        for (i, f) in order.iter().enumerate() {
            let _ = writeln!(
                o,
                "#### {}. {} {} {} — {}\n",
                i + 1,
                sev_upper(f.severity),
                md(&f.rule_id),
                md_code(&f.rule_name),
                md(&f.title)
            );
            let _ = writeln!(o, "- **Location**: {}", md_code(&f.location.label()));
            if let Some(r) = spec_ref(f) {
                let _ = writeln!(o, "- **Spec**: {}", md_code(&r));
            }
            if let Some(u) = &f.location.url {
                let _ = writeln!(o, "- **URL**: {}", md_code(u));
            }
            let cwe: Vec<String> = f.cwe.iter().map(|c| format!("CWE-{c}")).collect();
            let _ = writeln!(
                o,
                "- **Category**: {} · {} · {} · confidence {}",
                md(f.category.title()),
                md(&f.owasp),
                cwe.join(", "),
                f.confidence
            );
            if let Some(b) = &f.baseline_state {
                let _ = writeln!(o, "- **Baseline**: {}", md(b));
            }
            if !f.message.is_empty() {
                let _ = writeln!(o, "\n{}", md(&f.message));
            }
            if !f.evidence.is_empty() {
                o.push_str("\n**Evidence**\n\n");
                for e in &f.evidence {
                    let mut line = md(&e.summary);
                    if let Some(st) = e.status {
                        let _ = write!(line, " (HTTP {st})");
                    }
                    let _ = writeln!(o, "- {line}");
                    for v in &e.values {
                        let _ = writeln!(o, "  - {}", md_code(&value_text(v)));
                    }
                    if let Some(s) = &e.snippet {
                        let _ = writeln!(o, "  - excerpt: {}", md_code(s));
                    }
                }
            }
            if !f.remediation.is_empty() {
                let _ = writeln!(o, "\n**Remediation**: {}", md(&f.remediation));
            }
            if let Some(fx) = &f.fastapi_fix {
                let _ = writeln!(o, "\n**FastAPI + DynamoDB**: {}", md(fx));
            }
            o.push('\n');
        }
        o.push_str("</details>\n");
    }

    if !report.fixed.is_empty() {
        let _ = writeln!(
            o,
            "\n<details>\n<summary>{} fixed since the baseline</summary>\n",
            report.fixed.len()
        );
        for f in &report.fixed {
            let _ = writeln!(
                o,
                "- {} {} {} — {}",
                sev_upper(f.severity),
                md(&f.rule_id),
                md_code(&f.location.label()),
                md(&f.title)
            );
        }
        o.push_str("\n</details>\n");
    }
    let _ = writeln!(
        o,
        "\n<sub>apiward {} · masked evidence only{}</sub>",
        md(&report.tool.version),
        if report.contains_sensitive_data {
            " — except where revealed with --show-evidence"
        } else {
            ""
        }
    );
    o
}
