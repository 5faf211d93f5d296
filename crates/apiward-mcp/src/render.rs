//! What tools return: structured JSON plus a short text summary. Every value shown is the masked
//! form the detector produced; full values never leave the server ([`strip_revealed`]).

use apiward_core::{Category, Finding, Report, Severity, sanitize_terminal, truncate_chars};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Findings shown in a summary; the rest are one `list_findings` call away.
const TOP_FINDINGS: usize = 10;

/// Defence in depth: the server never turns on `--show-evidence`, and drops any full value a
/// check might have kept anyway, before a report is stored or shown.
pub fn strip_revealed(report: &mut Report) {
    for f in report.findings.iter_mut().chain(report.fixed.iter_mut()) {
        for e in &mut f.evidence {
            for v in &mut e.values {
                v.revealed = None;
            }
        }
    }
    report.contains_sensitive_data = false;
}

/// One line of target-controlled text, safe for a terminal or a chat transcript.
fn clean(s: &str, max: usize) -> String {
    truncate_chars(&sanitize_terminal(s).replace(['\n', '\r'], " "), max)
}

fn target_label(r: &Report) -> String {
    let t = &r.target;
    let what = t
        .base_url
        .as_deref()
        .or(t.spec.as_deref())
        .unwrap_or("(inline spec)");
    clean(what, 200)
}

/// Severity counts, highest first, zeros left out: `2 critical, 5 high`.
fn counts_text(r: &Report) -> String {
    let s = &r.summary;
    let parts: Vec<String> = [
        (s.critical, "critical"),
        (s.high, "high"),
        (s.medium, "medium"),
        (s.low, "low"),
        (s.info, "info"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, name)| format!("{n} {name}"))
    .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    }
}

/// `GET /users/{id}` or the best label the finding has.
pub fn operation_label(f: &Finding) -> String {
    f.location.label()
}

/// A finding in a few fields, with masked evidence values (`email j***@example.com`).
pub fn compact_finding(f: &Finding) -> Value {
    let values: Vec<Value> = f
        .evidence
        .iter()
        .flat_map(|e| &e.values)
        .take(5)
        .map(|v| json!({"data_type": v.data_type, "masked": v.masked, "key_path": v.key_path}))
        .collect();
    json!({
        "rule_id": f.rule_id,
        "severity": f.severity.id(),
        "category": f.category.id(),
        "title": f.title,
        "operation": operation_label(f),
        "fingerprint": f.fingerprint,
        "masked_values": values,
    })
}

fn finding_line(f: &Finding) -> String {
    let mut line = format!(
        "[{}] {} {} — {}",
        f.severity.id(),
        f.rule_id,
        clean(&operation_label(f), 120),
        clean(&f.title, 160)
    );
    let values: Vec<String> = f
        .evidence
        .iter()
        .flat_map(|e| &e.values)
        .take(3)
        .map(|v| format!("{} {}", v.data_type, clean(&v.masked, 60)))
        .collect();
    if !values.is_empty() {
        let _ = write!(line, " (masked: {})", values.join(", "));
    }
    line
}

/// The structured summary of a stored report.
pub fn summary(id: &str, r: &Report) -> Value {
    json!({
        "id": id,
        "mode": r.target.mode,
        "target": target_label(r),
        "api_title": r.target.api_title,
        "started_at": r.started_at,
        "duration_ms": r.duration_ms,
        "score": r.score.overall,
        "grade": r.score.grade,
        "severity_counts": r.summary,
        "findings": r.findings.len(),
        "requests": r.requests.as_ref().map(|s| s.requests),
        "safety_mode": r.safety.as_ref().map(|s| s.mode.clone()),
        "writes_sent": r.safety.as_ref().map(|s| s.writes.len()),
        "top_findings": r.findings.iter().take(TOP_FINDINGS).map(compact_finding).collect::<Vec<_>>(),
    })
}

/// One line per report, for `list_reports`.
pub fn summary_line(id: &str, r: &Report) -> String {
    format!(
        "{id}: {} {} — grade {:?} ({}/100), {}",
        r.target.mode,
        target_label(r),
        r.score.grade,
        r.score.overall,
        counts_text(r)
    )
}

/// The text shown with an audit or scan result.
pub fn summary_text(id: &str, r: &Report) -> String {
    let mut o = summary_line(id, r);
    if let Some(s) = &r.safety {
        let _ = write!(
            o,
            "\nmode {}: {} writes sent, {} operations not called, {} requests",
            s.mode,
            s.writes.len(),
            s.skipped_operations.len(),
            r.requests.as_ref().map(|q| q.requests).unwrap_or(0)
        );
    }
    for f in r.findings.iter().take(TOP_FINDINGS) {
        let _ = write!(o, "\n  {}", finding_line(f));
    }
    if r.findings.len() > TOP_FINDINGS {
        let _ = write!(
            o,
            "\n  … {} more: list_findings with id `{id}`",
            r.findings.len() - TOP_FINDINGS
        );
    }
    o
}

/// Filters of `list_findings`; every given one must match.
#[derive(Default)]
pub struct FindingFilter {
    /// At or above this severity.
    pub min_severity: Option<Severity>,
    pub category: Option<Category>,
    /// Rule id or name, any case.
    pub rule: Option<String>,
    /// Substring of the operation (`GET /users`, `/users/{id}`), any case.
    pub operation: Option<String>,
}

impl FindingFilter {
    pub fn matches(&self, f: &Finding) -> bool {
        self.min_severity.is_none_or(|s| f.severity >= s)
            && self.category.is_none_or(|c| f.category == c)
            && self.rule.as_deref().is_none_or(|r| {
                f.rule_id.eq_ignore_ascii_case(r) || f.rule_name.eq_ignore_ascii_case(r)
            })
            && self.operation.as_deref().is_none_or(|op| {
                let op = op.to_ascii_lowercase();
                let label = operation_label(f).to_ascii_lowercase();
                label.contains(&op)
                    || f.location
                        .operations
                        .iter()
                        .any(|o| o.to_ascii_lowercase().contains(&op))
            })
    }
}

/// Text for a page of findings.
pub fn findings_text(id: &str, matched: usize, offset: usize, page: &[&Finding]) -> String {
    let mut o = format!(
        "{id}: {matched} matching findings, showing {} from {}",
        page.len(),
        offset
    );
    for f in page {
        let _ = write!(o, "\n  {}", finding_line(f));
    }
    o
}

/// A rule as JSON (the same fields as `apiward rules --format json`).
pub fn rule_json(r: &apiward_core::RuleMeta) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "category": r.category.id(),
        "default_severity": r.default_severity.id(),
        "cwe": r.cwe,
        "owasp": r.owasp,
        "level": r.level.id(),
        "spec_check": r.spec_check,
        "summary": r.summary,
        "why": r.why,
        "example": r.example,
        "fix": r.fix,
        "fastapi_fix": r.fastapi_fix,
    })
}
