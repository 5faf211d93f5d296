//! Baselines: compare a run with an earlier report by finding fingerprint.
//!
//! [`apply`] marks each current finding `new` or `unchanged` and lists the baseline findings that are
//! gone in `Report::fixed`; [`diff`] compares two reports without changing them. Fingerprints are
//! matched as a multiset: if a baseline holds a fingerprint once and the current run twice, one of the
//! two is new.

use apiward_core::{Finding, Report, sanitize_terminal, truncate_chars};
use std::collections::HashMap;
use std::fmt::Write;

fn counts(findings: &[Finding]) -> HashMap<&str, usize> {
    let mut m: HashMap<&str, usize> = HashMap::new();
    for f in findings {
        *m.entry(f.fingerprint.as_str()).or_default() += 1;
    }
    m
}

/// Mark each finding of `current` as `new` or `unchanged` (by fingerprint) and put the findings of
/// `baseline` that are gone into `current.fixed` (with `baseline_state = "fixed"`).
pub fn apply(current: &mut Report, baseline: &Report) {
    let mut remaining = counts(&baseline.findings);
    for f in &mut current.findings {
        let state = match remaining.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                "unchanged"
            }
            _ => "new",
        };
        f.baseline_state = Some(state.to_string());
    }
    let mut present = counts(&current.findings);
    current.fixed = baseline
        .findings
        .iter()
        .filter(|f| match present.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .map(|f| {
            let mut f = f.clone();
            f.baseline_state = Some("fixed".to_string());
            f
        })
        .collect();
}

/// What changed between two reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// Findings of `new` whose fingerprint `old` does not have.
    pub new: Vec<Finding>,
    /// Findings of `old` that are gone from `new`.
    pub fixed: Vec<Finding>,
    /// Findings present in both.
    pub unchanged: usize,
}

/// Compare two reports by fingerprint.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let mut current = new.clone();
    apply(&mut current, old);
    let unchanged = current
        .findings
        .iter()
        .filter(|f| f.baseline_state.as_deref() == Some("unchanged"))
        .count();
    let new_findings = current
        .findings
        .into_iter()
        .filter(|f| f.baseline_state.as_deref() == Some("new"))
        .collect();
    Diff {
        new: new_findings,
        fixed: current.fixed,
        unchanged,
    }
}

fn line(f: &Finding) -> String {
    let mut s = format!(
        "[{}] {} {} — {}",
        f.severity,
        sanitize_terminal(&f.rule_id),
        sanitize_terminal(&f.location.label()),
        sanitize_terminal(&f.title)
    );
    if let Some(spec) = crate::escape::spec_ref(f) {
        s.push_str(&format!(" ({})", sanitize_terminal(&spec)));
    }
    truncate_chars(&s, 300)
}

/// The diff as plain text for the terminal (every string from the reports sanitised).
pub fn render_diff(d: &Diff) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} new, {} fixed, {} unchanged",
        d.new.len(),
        d.fixed.len(),
        d.unchanged
    );
    if !d.new.is_empty() {
        let _ = writeln!(o, "\nNew:");
        for f in &d.new {
            let _ = writeln!(o, "  + {}", line(f));
        }
    }
    if !d.fixed.is_empty() {
        let _ = writeln!(o, "\nFixed:");
        for f in &d.fixed {
            let _ = writeln!(o, "  - {}", line(f));
        }
    }
    o
}
