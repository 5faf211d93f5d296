//! Baselines: one flaw added, one removed between two runs.

mod common;

use apiward_core::Severity;
use apiward_report::baseline::{apply, diff, render_diff};
use apiward_report::{Format, render};

#[test]
fn one_new_one_fixed_rest_unchanged() {
    // The old run has flaw B (http server URL), the new one flaw A (API key in query) instead.
    let old = common::report_with("audit", common::findings(false, true));
    let new = common::report_with("audit", common::findings(true, false));

    let d = diff(&old, &new);
    assert_eq!(d.new.len(), 1);
    assert_eq!(
        d.new[0].rule_id,
        apiward_rules::rules::authentication::API_KEY_IN_QUERY.id
    );
    assert_eq!(d.fixed.len(), 1);
    assert_eq!(
        d.fixed[0].rule_id,
        apiward_rules::rules::encryption::HTTP_SERVER_URL.id
    );
    assert_eq!(d.unchanged, new.findings.len() - 1);
    let text = render_diff(&d);
    assert!(text.starts_with("1 new, 1 fixed,"), "{text}");
    assert!(!text.contains('\x1b'));

    let mut cur = new.clone();
    apply(&mut cur, &old);
    let states: Vec<_> = cur
        .findings
        .iter()
        .map(|f| f.baseline_state.clone().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| *s == "new").count(), 1);
    assert_eq!(
        states.iter().filter(|s| *s == "unchanged").count(),
        cur.findings.len() - 1
    );
    assert_eq!(cur.fixed.len(), 1);

    // --fail-on high considers only the new finding: the unchanged critical/high ones do not fail.
    let failing: Vec<_> = cur
        .findings
        .iter()
        .filter(|f| apiward_report::fails(f, Some(Severity::High)))
        .collect();
    assert_eq!(
        failing.len(),
        1,
        "{:?}",
        cur.findings
            .iter()
            .map(|f| (&f.rule_id, f.severity, &f.baseline_state))
            .collect::<Vec<_>>()
    );
    assert_eq!(failing[0].baseline_state.as_deref(), Some("new"));

    // JUnit follows: exactly one failure.
    let xml = render(&cur, Format::Junit, &common::opts());
    assert_eq!(xml.matches("<failure ").count(), 1);
    // Fixed findings show in the human formats.
    assert!(render(&cur, Format::Markdown, &common::opts()).contains("1 fixed"));
    assert!(render(&cur, Format::Terminal, &common::opts()).contains("1 fixed"));

    // Identical runs: nothing new, nothing fixed.
    let same = diff(&new, &new);
    assert!(same.new.is_empty() && same.fixed.is_empty());
    assert_eq!(same.unchanged, new.findings.len());
}

#[test]
fn duplicate_fingerprints_are_counted() {
    let old = common::report_with("scan", common::findings(true, false));
    let mut doubled = common::findings(true, false);
    doubled.push(doubled[0].clone());
    let new = common::report_with("scan", doubled);
    let d = diff(&old, &new);
    assert_eq!(d.new.len(), 1);
    assert!(d.fixed.is_empty());
}
