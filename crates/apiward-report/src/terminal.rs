//! The terminal summary. Every string from the target or the spec goes through
//! [`apiward_core::sanitize_terminal`]; the only escape sequences in the output are the renderer's own
//! colour codes, and only when `RenderOptions::color` is set.

use crate::RenderOptions;
use crate::escape::{sev_upper, spec_ref, value_text};
use apiward_core::score::Grade;
use apiward_core::{DiagnosticLevel, Report, Severity, sanitize_terminal, truncate_chars};
use std::fmt::Write;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BLUE: &str = "\x1b[34m";
const MAGENTA: &str = "\x1b[35m";
const CYAN: &str = "\x1b[36m";

struct Paint {
    on: bool,
}

impl Paint {
    fn p(&self, codes: &str, text: &str) -> String {
        if self.on {
            format!("{codes}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn sev(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Critical => "\x1b[1;35m",
            Severity::High => "\x1b[1;31m",
            Severity::Medium => YELLOW,
            Severity::Low => BLUE,
            Severity::Info => DIM,
        };
        self.p(code, text)
    }

    fn grade(&self, g: Grade, text: &str) -> String {
        let code = match g {
            Grade::A => "\x1b[1;32m",
            Grade::B => "\x1b[1;36m",
            Grade::C => "\x1b[1;33m",
            Grade::D => "\x1b[1;31m",
            Grade::F => "\x1b[1;35m",
        };
        self.p(code, text)
    }
}

/// Clean one untrusted string for the terminal and cap its length.
fn t(s: &str, max: usize) -> String {
    truncate_chars(&sanitize_terminal(s), max)
}

/// The human summary: headline with grade and score, a per-category table, the findings by severity
/// (at most `opts.max_terminal_findings`, 0 = all) and a line about diagnostics.
pub fn render_terminal(report: &Report, opts: &RenderOptions) -> String {
    let c = Paint { on: opts.color };
    let mut o = String::new();

    // Headline.
    let mode = if report.target.mode.is_empty() {
        "report"
    } else {
        report.target.mode.as_str()
    };
    let mut what = Vec::new();
    if let Some(title) = &report.target.api_title {
        let mut s = t(title, 80);
        if let Some(v) = &report.target.api_version {
            s.push(' ');
            s.push_str(&t(v, 30));
        }
        what.push(s);
    }
    if let Some(spec) = &report.target.spec {
        what.push(format!("spec {}", t(spec, 120)));
    }
    if let Some(url) = &report.target.base_url {
        what.push(format!("target {}", t(url, 120)));
    }
    let _ = writeln!(
        o,
        "{} {} {}",
        c.p(
            BOLD,
            &format!("{} {}", t(&report.tool.name, 40), t(mode, 20))
        ),
        c.p(DIM, "—"),
        what.join(", ")
    );
    let grade = report.score.grade;
    let _ = writeln!(
        o,
        "\n  Grade {}   score {}/100   {} operations   context {}",
        c.grade(grade, &format!(" {} ", grade.letter())),
        c.p(BOLD, &report.score.overall.to_string()),
        report.target.operations,
        t(&report.score.context, 20),
    );
    if let Some(cap) = &report.score.cap {
        let _ = writeln!(o, "  {}", c.p(DIM, &format!("({})", t(cap, 200))));
    }
    let counts = report.summary;
    let mut parts = Vec::new();
    for s in Severity::ALL {
        let n = counts.get(s);
        let label = format!("{n} {s}");
        parts.push(if n > 0 {
            c.sev(s, &label)
        } else {
            c.p(DIM, &label)
        });
    }
    let _ = writeln!(o, "  {} findings: {}", counts.total(), parts.join(", "));
    if report.contains_sensitive_data {
        let _ = writeln!(
            o,
            "  {}",
            c.p(
                "\x1b[1;31m",
                "WARNING: this report contains unmasked sensitive values (--show-evidence)"
            )
        );
    }
    let baselined = report.findings.iter().any(|f| f.baseline_state.is_some());
    if baselined || !report.fixed.is_empty() {
        let new = report
            .findings
            .iter()
            .filter(|f| f.baseline_state.as_deref() == Some("new"))
            .count();
        let unchanged = report
            .findings
            .iter()
            .filter(|f| f.baseline_state.as_deref() == Some("unchanged"))
            .count();
        let _ = writeln!(
            o,
            "  baseline: {} new, {} unchanged, {} fixed",
            c.p(if new > 0 { RED } else { GREEN }, &new.to_string()),
            unchanged,
            c.p(GREEN, &report.fixed.len().to_string())
        );
    }

    // Category table.
    let _ = writeln!(
        o,
        "\n  {:<44} {:>5}  {:>4} {:>4} {:>4} {:>4} {:>4}",
        "Category", "Score", "Crit", "High", "Med", "Low", "Info"
    );
    for cat in &report.categories {
        let score = match cat.score {
            Some(s) => s.to_string(),
            None => "n/a".to_string(),
        };
        let score_col = format!("{score:>5}");
        let score_col = match cat.score {
            Some(s) if s >= 90 => c.p(GREEN, &score_col),
            Some(s) if s >= 70 => c.p(YELLOW, &score_col),
            Some(_) => c.p(RED, &score_col),
            None => c.p(DIM, &score_col),
        };
        let mut cells = Vec::new();
        for s in Severity::ALL {
            let n = cat.findings.get(s);
            let cell = format!("{n:>4}");
            cells.push(if n > 0 {
                c.sev(s, &cell)
            } else {
                c.p(DIM, &cell)
            });
        }
        let _ = writeln!(
            o,
            "  {:<44} {}  {}",
            t(&cat.title, 44),
            score_col,
            cells.join(" ")
        );
    }

    // Findings.
    if !report.findings.is_empty() {
        let mut order: Vec<usize> = (0..report.findings.len()).collect();
        order.sort_by(|&a, &b| {
            report.findings[b]
                .severity
                .cmp(&report.findings[a].severity)
        });
        let limit = if opts.max_terminal_findings == 0 {
            order.len()
        } else {
            opts.max_terminal_findings.min(order.len())
        };
        let _ = writeln!(o, "\n  {}", c.p(BOLD, "Findings"));
        for (n, &i) in order.iter().take(limit).enumerate() {
            let f = &report.findings[i];
            let tag = match f.baseline_state.as_deref() {
                Some("new") => format!(" {}", c.p(RED, "[new]")),
                Some("unchanged") => format!(" {}", c.p(DIM, "[unchanged]")),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "\n  {:>3}. {} {} {}{}",
                n + 1,
                c.sev(f.severity, &format!("{:<8}", sev_upper(f.severity))),
                c.p(CYAN, &t(&f.rule_id, 40)),
                t(&f.location.label(), 120),
                tag
            );
            let _ = writeln!(o, "       {}", c.p(BOLD, &t(&f.title, 200)));
            let mut where_ = Vec::new();
            if let Some(s) = spec_ref(f) {
                where_.push(format!("spec {}", t(&s, 160)));
            }
            if let Some(u) = &f.location.url {
                where_.push(format!("url {}", t(u, 160)));
            }
            if !where_.is_empty() {
                let _ = writeln!(o, "       {}", c.p(DIM, &where_.join("   ")));
            }
            if !f.message.is_empty() && f.message != f.title {
                let _ = writeln!(o, "       {}", t(&f.message, 400));
            }
            for e in f.evidence.iter().take(5) {
                let mut line = t(&e.summary, 200);
                if let Some(st) = e.status {
                    line.push_str(&format!(" (HTTP {st})"));
                }
                let _ = writeln!(o, "       {} {}", c.p(MAGENTA, "evidence:"), line);
                for v in e.values.iter().take(5) {
                    let _ = writeln!(o, "         - {}", t(&value_text(v), 200));
                }
                if e.values.len() > 5 {
                    let _ = writeln!(o, "         - … {} more values", e.values.len() - 5);
                }
            }
            if f.evidence.len() > 5 {
                let _ = writeln!(
                    o,
                    "       … {} more pieces of evidence",
                    f.evidence.len() - 5
                );
            }
        }
        if limit < order.len() {
            let _ = writeln!(
                o,
                "\n  … {} more findings (write all with --output report.html or --format json)",
                order.len() - limit
            );
        }
    } else {
        let _ = writeln!(o, "\n  {}", c.p(GREEN, "No findings."));
    }

    if !report.fixed.is_empty() {
        let _ = writeln!(o, "\n  {}", c.p(BOLD, "Fixed since the baseline"));
        for f in report.fixed.iter().take(opts.max_terminal_findings.max(1)) {
            let _ = writeln!(
                o,
                "    {} {} {} {}",
                c.p(GREEN, "fixed"),
                t(&f.rule_id, 40),
                t(&f.location.label(), 120),
                t(&f.title, 160)
            );
        }
    }

    // Diagnostics.
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Warning)
        .count();
    if errors + warnings > 0 {
        let _ = writeln!(o, "\n  {errors} errors, {warnings} warnings while running:");
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.level != DiagnosticLevel::Note)
            .take(10)
        {
            let mut at = String::new();
            if let Some(file) = &d.file {
                at = format!(
                    " ({}{})",
                    t(file, 120),
                    d.line.map(|l| format!(":{l}")).unwrap_or_default()
                );
            }
            let level = match d.level {
                DiagnosticLevel::Error => c.p(RED, "error"),
                _ => c.p(YELLOW, "warning"),
            };
            let _ = writeln!(
                o,
                "    {level} [{}] {}{at}",
                t(&d.code, 60),
                t(&d.message, 300)
            );
        }
    }
    if let Some(safety) = &report.safety {
        render_safety(&mut o, &c, safety);
    }
    if let Some(r) = &report.requests {
        let _ = writeln!(
            o,
            "\n  {}",
            c.p(
                DIM,
                &format!(
                    "{} requests, {} bytes received, {} errors, {} ms",
                    r.requests, r.bytes_received, r.errors, report.duration_ms
                )
            )
        );
    }
    o
}

/// The scan's mode, what it did not call and what it wrote.
fn render_safety(o: &mut String, c: &Paint, safety: &apiward_core::ScanSafety) {
    let writes = safety.writes.len();
    let changed = safety
        .writes
        .iter()
        .filter(|w| w.reverted.is_some())
        .count();
    let line = if safety.mode == "active" {
        format!(
            "Mode: active — {writes} writes sent; {changed} changed something, {} of them reverted or deleted{}",
            safety.reverted(),
            match safety.not_reverted() {
                0 => String::new(),
                n =>
                    format!(", {n} NOT reverted (see the write journal in the JSON or HTML report)"),
            }
        )
    } else {
        "Mode: read-only — no write was sent (GET, HEAD and OPTIONS only)".to_string()
    };
    let _ = writeln!(o, "\n  {}", t(&line, 400));
    if safety.skipped_operations.is_empty() {
        return;
    }
    let risky: Vec<&apiward_core::SkippedOperation> = safety
        .skipped_operations
        .iter()
        .filter(|k| k.method == "GET" || k.method == "HEAD" || k.risk != "state-changing")
        .collect();
    let _ = writeln!(
        o,
        "  {} operations not called ({} of them state-changing reads or destructive/credential writes); `--include` calls one:",
        safety.skipped_operations.len(),
        risky.len()
    );
    for k in risky.iter().take(10) {
        let _ = writeln!(
            o,
            "    {} {}",
            c.p(DIM, &format!("{} {}", t(&k.method, 10), t(&k.path, 120))),
            t(&k.reason, 200)
        );
    }
    if risky.len() > 10 {
        let _ = writeln!(o, "    … and {} more in the report", risky.len() - 10);
    }
}
