//! JUnit XML: one `<testsuite>` per category, one `<testcase>` per rule × operation (named
//! `RULEID METHOD PATH`), a `<failure>` when the case has a finding at or above the fail threshold
//! (`fail_on`, default high; findings a baseline marked unchanged never fail). Written by hand; every
//! string is XML-escaped and characters illegal in XML 1.0 are replaced.

use crate::RenderOptions;
use crate::escape::{sev_upper, spec_ref, value_text, xml, xml_attr};
use apiward_core::{Category, Finding, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

struct Case<'a> {
    name: String,
    rule_id: &'a str,
    findings: Vec<&'a Finding>,
}

fn case_name(f: &Finding) -> String {
    match (&f.location.method, &f.location.path) {
        (Some(m), Some(p)) => format!("{} {m} {p}", f.rule_id),
        _ => format!("{} {}", f.rule_id, f.location.label()),
    }
}

fn finding_text(f: &Finding) -> String {
    let mut s = format!(
        "[{}] {} {}: {}\n{}\nlocation: {}",
        sev_upper(f.severity),
        f.rule_id,
        f.rule_name,
        f.title,
        f.message,
        f.location.label()
    );
    if let Some(r) = spec_ref(f) {
        let _ = write!(s, "\nspec: {r}");
    }
    if let Some(u) = &f.location.url {
        let _ = write!(s, "\nurl: {u}");
    }
    for e in &f.evidence {
        let _ = write!(s, "\nevidence: {}", e.summary);
        if let Some(st) = e.status {
            let _ = write!(s, " (HTTP {st})");
        }
        for v in &e.values {
            let _ = write!(s, "\n  - {}", value_text(v));
        }
    }
    if !f.remediation.is_empty() {
        let _ = write!(s, "\nremediation: {}", f.remediation);
    }
    if let Some(b) = &f.baseline_state {
        let _ = write!(s, "\nbaseline: {b}");
    }
    let _ = write!(s, "\nfingerprint: {}", f.fingerprint);
    s
}

/// Render the JUnit XML document.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut suites: BTreeMap<Category, BTreeMap<String, Case>> = BTreeMap::new();
    for f in &report.findings {
        let name = case_name(f);
        suites
            .entry(f.category)
            .or_default()
            .entry(name.clone())
            .or_insert_with(|| Case {
                name,
                rule_id: &f.rule_id,
                findings: Vec::new(),
            })
            .findings
            .push(f);
    }

    let mut body = String::new();
    let (mut total_tests, mut total_failures) = (0usize, 0usize);
    let time = format!("{:.3}", report.duration_ms as f64 / 1000.0);
    for cat in Category::ALL {
        let cases = suites.remove(&cat).unwrap_or_default();
        let failures = cases
            .values()
            .filter(|c| c.findings.iter().any(|f| crate::fails(f, opts.fail_on)))
            .count();
        total_tests += cases.len();
        total_failures += failures;
        let summary = report.categories.iter().find(|c| c.id == cat);
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
            xml_attr(cat.id()),
            cases.len()
        );
        let _ = writeln!(body, "    <properties>");
        let _ = writeln!(
            body,
            "      <property name=\"title\" value=\"{}\"/>",
            xml_attr(cat.title())
        );
        if let Some(s) = summary {
            let score = s
                .score
                .map(|x| x.to_string())
                .unwrap_or_else(|| "n/a".into());
            let _ = writeln!(
                body,
                "      <property name=\"score\" value=\"{score}\"/>\n      <property name=\"applicable\" value=\"{}\"/>",
                s.applicable
            );
        }
        let _ = writeln!(body, "    </properties>");
        for case in cases.values() {
            let _ = write!(
                body,
                "    <testcase name=\"{}\" classname=\"apiward.{}\" time=\"0\"",
                xml_attr(&case.name),
                xml_attr(cat.id())
            );
            let failing: Vec<&&Finding> = case
                .findings
                .iter()
                .filter(|f| crate::fails(f, opts.fail_on))
                .collect();
            let passing: Vec<&&Finding> = case
                .findings
                .iter()
                .filter(|f| !crate::fails(f, opts.fail_on))
                .collect();
            body.push_str(">\n");
            if let Some(worst) = failing.iter().max_by_key(|f| f.severity) {
                let text: Vec<String> = failing.iter().map(|f| finding_text(f)).collect();
                let _ = writeln!(
                    body,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml_attr(&format!(
                        "{}: {}",
                        sev_upper(worst.severity),
                        if worst.title.is_empty() {
                            &worst.message
                        } else {
                            &worst.title
                        }
                    )),
                    xml_attr(case.rule_id),
                    xml(&text.join("\n\n"))
                );
            }
            if !passing.is_empty() {
                let text: Vec<String> = passing.iter().map(|f| finding_text(f)).collect();
                let _ = writeln!(
                    body,
                    "      <system-out>Below the fail threshold:\n{}</system-out>",
                    xml(&text.join("\n\n"))
                );
            }
            body.push_str("    </testcase>\n");
        }
        body.push_str("  </testsuite>\n");
    }

    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let name = match (&report.target.api_title, report.target.mode.as_str()) {
        (Some(t), m) => format!("apiward {m} {t}"),
        (None, m) => format!("apiward {m}"),
    };
    let _ = writeln!(
        o,
        "<testsuites name=\"{}\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\" time=\"{time}\">",
        xml_attr(name.trim())
    );
    o.push_str(&body);
    o.push_str("</testsuites>\n");
    o
}
