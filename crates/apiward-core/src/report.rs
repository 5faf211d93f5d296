use crate::score::{Grade, Score};
use crate::{Category, Finding, Severity};
use serde::{Deserialize, Serialize};

/// Version of the JSON report contract (`docs/report-format.md`, `schemas/report.schema.json`).
/// Bumped on any incompatible change.
pub const REPORT_SCHEMA_VERSION: &str = "1.0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "apiward".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// What was examined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// `audit` or `scan`.
    pub mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_version: Option<String>,
    pub operations: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Error,
    Warning,
    Note,
}

/// Something about the input or the run that is not a finding: a spec violation tolerated, a
/// request that timed out, a check skipped for want of access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    /// Stable short code, e.g. `spec.duplicate-key`, `http.body-too-large`, `check.skipped`.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Diagnostic {
    pub fn new(level: DiagnosticLevel, code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            code: code.to_string(),
            message: message.into(),
            file: None,
            line: None,
            pointer: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategorySummary {
    pub id: Category,
    pub title: String,
    /// 0–100, or `null` when the category was not applicable.
    pub score: Option<u8>,
    pub applicable: bool,
    /// For a category that was not assessed: what would assess it (a second identity, `--active`,
    /// a live scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assess_with: Option<String>,
    pub weight: f64,
    pub findings: SeverityCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSummary {
    pub overall: u8,
    pub grade: Grade,
    /// The scoring profile (`--context`).
    pub context: String,
    /// Why the grade is lower than the score alone would give, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<String>,
}

/// Counts from the HTTP engine, for scans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    pub requests: usize,
    pub bytes_received: u64,
    pub errors: usize,
    /// Requests by method, e.g. {"GET": 120, "OPTIONS": 4}.
    pub by_method: std::collections::BTreeMap<String, usize>,
}

/// An operation the scan did not call, and why (a state-changing GET, a write in a read-only
/// scan, an `--exclude` pattern, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedOperation {
    pub method: String,
    pub path: String,
    /// `read-only`, `state-changing`, `credential-changing` or `destructive`.
    pub risk: String,
    pub reason: String,
}

/// One request that could change state (anything but GET, HEAD and OPTIONS), as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteRecord {
    pub method: String,
    /// The concrete URL path (no query string).
    pub path: String,
    /// The spec operation it exercised (`PATCH /users/{id}`), when documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The identity that sent it; absent for an unauthenticated request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The answer's status; absent when no answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why the write was allowed: `create`, `no-op write-back`, `own account`, `own object`,
    /// `login`, `cleanup`, `revert`, `included`.
    pub kind: String,
    /// The object written to or created (its URL path), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// For writes that changed something: whether it was undone afterwards (reverted, or the
    /// created object deleted). Absent for writes that changed nothing (no-op write-backs,
    /// refused answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverted: Option<bool>,
}

/// What a live scan did to stay safe: its mode, what it did not call, and every write it sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSafety {
    /// `read-only` (the default) or `active` (`--active` on the command line).
    pub mode: String,
    #[serde(default)]
    pub skipped_operations: Vec<SkippedOperation>,
    #[serde(default)]
    pub writes: Vec<WriteRecord>,
    /// Requests the scan's guard refused to send (risk, scope of writes, per-operation caps).
    #[serde(default)]
    pub refused_requests: usize,
}

impl ScanSafety {
    /// Writes that changed something and were undone.
    pub fn reverted(&self) -> usize {
        self.writes
            .iter()
            .filter(|w| w.reverted == Some(true))
            .count()
    }

    /// Writes that changed something and were not undone.
    pub fn not_reverted(&self) -> usize {
        self.writes
            .iter()
            .filter(|w| w.reverted == Some(false))
            .count()
    }
}

/// The whole result of a run: what every renderer consumes and what `--format json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub tool: Tool,
    pub target: Target,
    /// RFC 3339 UTC start time.
    pub started_at: String,
    pub duration_ms: u64,
    pub score: ScoreSummary,
    pub categories: Vec<CategorySummary>,
    pub summary: SeverityCounts,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestStats>,
    /// True only under `--show-evidence`: the report then holds full sensitive values.
    pub contains_sensitive_data: bool,
    /// Findings of the baseline that are gone, when a baseline was given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<Finding>,
    /// Live scans: the mode, skipped operations and the write journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<ScanSafety>,
}

impl Report {
    /// Build a report from findings: sorts them (severity, then category, then location), computes
    /// the per-category summary and the score.
    pub fn build(
        target: Target,
        mut findings: Vec<Finding>,
        diagnostics: Vec<Diagnostic>,
        applicable: &[Category],
        context: crate::score::Context,
    ) -> Report {
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.category.cmp(&b.category))
                .then(a.location.path.cmp(&b.location.path))
                .then(a.location.method.cmp(&b.location.method))
                .then(a.rule_id.cmp(&b.rule_id))
                .then(a.fingerprint.cmp(&b.fingerprint))
        });
        let Score {
            overall,
            grade,
            cap,
            categories,
        } = crate::score::score(&findings, applicable, context);
        let mut summary = SeverityCounts::default();
        for f in &findings {
            summary.add(f.severity);
        }
        let categories = categories
            .into_iter()
            .map(|c| {
                let mut counts = SeverityCounts::default();
                for f in findings.iter().filter(|f| f.category == c.category) {
                    counts.add(f.severity);
                }
                CategorySummary {
                    id: c.category,
                    title: c.category.title().to_string(),
                    score: c.score,
                    applicable: c.score.is_some(),
                    assess_with: c
                        .score
                        .is_none()
                        .then(|| crate::score::assess_with(c.category).to_string()),
                    weight: c.weight,
                    findings: counts,
                }
            })
            .collect();
        Report {
            schema_version: REPORT_SCHEMA_VERSION.to_string(),
            tool: Tool::default(),
            target,
            started_at: String::new(),
            duration_ms: 0,
            score: ScoreSummary {
                overall,
                grade,
                context: context.id().to_string(),
                cap,
            },
            categories,
            summary,
            findings,
            diagnostics,
            requests: None,
            contains_sensitive_data: false,
            fixed: Vec::new(),
            safety: None,
        }
    }

    /// The highest severity among the findings, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
