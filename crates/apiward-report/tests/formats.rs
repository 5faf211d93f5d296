//! JUnit, Markdown and HTML output; masking over every format.

mod common;

use apiward_core::Severity;
use apiward_report::{Format, RenderOptions, render};

// ---------- JUnit ----------

#[test]
fn junit_parses_with_suites_cases_and_failures() {
    let report = common::report("scan");
    let xml = render(&report, Format::Junit, &common::opts());
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 12, "one suite per category");

    let mut cases = 0;
    let mut failures = 0;
    for s in &suites {
        let declared_tests: usize = s.attribute("tests").unwrap().parse().unwrap();
        let declared_failures: usize = s.attribute("failures").unwrap().parse().unwrap();
        let cs: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cs.len(), declared_tests);
        let f = cs
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .count();
        assert_eq!(f, declared_failures);
        assert!(!s.descendants().any(|n| n.has_tag_name("skipped")));
        cases += cs.len();
        failures += f;
    }
    assert_eq!(root.attribute("tests").unwrap(), cases.to_string());
    assert_eq!(root.attribute("failures").unwrap(), failures.to_string());

    // One case per rule x operation, named RULEID METHOD PATH.
    let want_cases: std::collections::BTreeSet<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.rule_id,
                f.location.method.as_deref().unwrap_or(""),
                f.location.path.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(cases, want_cases.len());
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert!(
        names.contains(&"APIW-DATA-001 GET /users/{user_id}"),
        "{names:?}"
    );
    // Failures are the findings at or above high (the default threshold).
    let high_or_more = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .count();
    assert_eq!(failures, high_or_more);
    // Hostile text survives as text, illegal characters are gone.
    assert!(!xml.contains('\0') && !xml.contains('\x08') && !xml.contains('\x1b'));
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(text.contains("]]>"));

    // A lower threshold fails more cases.
    let low = render(
        &report,
        Format::Junit,
        &RenderOptions {
            fail_on: Some(Severity::Low),
            ..common::opts()
        },
    );
    let doc = roxmltree::Document::parse(&low).unwrap();
    let n = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(
        n,
        report
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Low)
            .count()
    );
}

// ---------- Markdown ----------

fn table_rows(md: &str, header_start: &str) -> Vec<String> {
    let mut lines = md.lines().skip_while(|l| !l.starts_with(header_start));
    let mut rows = Vec::new();
    for l in lines.by_ref() {
        if !l.starts_with('|') {
            break;
        }
        rows.push(l.to_string());
    }
    rows
}

/// Cells of a GFM table row: split on `|` not preceded by a backslash.
fn cells(row: &str) -> usize {
    let b = row.as_bytes();
    let mut n = 0;
    for i in 0..b.len() {
        if b[i] == b'|' && (i == 0 || b[i - 1] != b'\\') {
            n += 1;
        }
    }
    n - 1
}

#[test]
fn markdown_tables_keep_their_shape() {
    let report = common::report("scan");
    let md = render(&report, Format::Markdown, &common::opts());
    for header in ["| Category |", "| Severity |"] {
        let rows = table_rows(&md, header);
        assert!(rows.len() > 2, "table {header} missing:\n{md}");
        let want = cells(&rows[0]);
        for r in &rows {
            assert_eq!(cells(r), want, "row breaks the table: {r}");
            assert!(!r.contains('`'), "raw backtick in a cell: {r}");
        }
    }
    assert_eq!(
        table_rows(&md, "| Category |").len(),
        2 + report.categories.len()
    );
    // The headline, masked values, details, and no raw HTML from the data.
    assert!(md.contains(&format!("grade **{}**", report.score.grade)));
    assert!(md.contains("<details>") && md.contains("</details>"));
    assert!(
        md.contains("&#42;&#42;&#42;-&#42;&#42;-6789"),
        "masked SSN shown (escaped)"
    );
    assert!(!md.contains("<script>"));
    assert!(!md.contains('\x1b'));
    // Every finding is in the details.
    for f in &report.findings {
        assert!(md.contains(&f.rule_id.replace('_', "&#95;")));
    }
}

// ---------- HTML ----------

#[test]
fn html_is_self_contained_and_escaped() {
    let report = common::report("scan");
    let html = render(&report, Format::Html, &common::opts());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<script>alert(1)"),
        "unescaped script from the data"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Only two script elements: the JSON data block and our own code.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=", "href=", "@import", "url(", "<link", "<img", "<iframe",
    ] {
        assert!(!lower.contains(bad), "external reference `{bad}` in HTML");
    }
    for scheme in ["http://", "https://"] {
        for (i, _) in lower.match_indices(scheme) {
            // Only inside escaped text or code, never in an attribute.
            let before = &lower[i.saturating_sub(6)..i];
            assert!(
                !before.ends_with("=\"") && !before.ends_with("='"),
                "{scheme} in an attribute"
            );
        }
    }
    // The CSP forbids everything but the page's own style and script.
    assert!(html.contains("default-src 'none'"));
    // Embedded JSON: `<` escaped.
    let start = html.find("id=\"apiward-report\">").unwrap();
    let end = start + html[start..].find("</script>").unwrap();
    let data = &html[start + "id=\"apiward-report\">".len()..end];
    assert!(!data.contains('<'));
    let back: apiward_core::Report = serde_json::from_str(data).unwrap();
    assert_eq!(back, report);
    // Grade, chart, filters, every finding.
    assert!(html.contains("<svg"));
    assert!(html.contains("id=\"cat-filter\""));
    assert_eq!(
        html.matches("<article class=\"finding").count(),
        report.findings.len()
    );
    assert!(!html.contains("unmasked sensitive values"));
    assert!(!html.contains('\x1b') && !html.contains('\0'));
}

#[test]
fn html_banner_when_sensitive() {
    let mut report = common::report("scan");
    report.contains_sensitive_data = true;
    let html = render(&report, Format::Html, &common::opts());
    assert!(html.contains("This report contains unmasked sensitive values"));
}

// ---------- Masking over every format ----------

#[test]
fn no_seeded_value_in_any_format_without_show_evidence() {
    for mode in ["audit", "scan"] {
        let report = common::report(mode);
        for f in apiward_report::Format::ALL {
            let out = render(&report, f, &common::opts());
            assert!(!out.is_empty(), "{f:?} empty");
            for s in common::SECRETS {
                assert!(!out.contains(s), "{s} leaked in {f:?}");
            }
        }
    }
    // With --show-evidence the revealed value is shown (and only then).
    let mut report = common::report("scan");
    report.contains_sensitive_data = true;
    report.findings[0].evidence[0].values[0].revealed = Some("123-45-6789".to_string());
    for f in [Format::Terminal, Format::Html, Format::Json, Format::Junit] {
        assert!(
            render(&report, f, &common::opts()).contains("123-45-6789"),
            "{f:?}"
        );
    }
}

#[test]
fn empty_and_odd_reports_render() {
    let mut report = common::report_with("", Vec::new());
    report.tool.name.clear();
    report.tool.version.clear();
    report.target = Default::default();
    report.started_at = "not a date".into();
    for f in apiward_report::Format::ALL {
        let out = render(&report, f, &RenderOptions::default());
        assert!(!out.is_empty());
    }
    let xml = render(&report, Format::Junit, &RenderOptions::default());
    roxmltree::Document::parse(&xml).unwrap();
}

/// `APIWARD_REPORT_SAMPLES=DIR cargo test -p apiward-report --test formats write_samples` writes a
/// sample report in every format (used by `scripts/html-screenshot.sh`).
#[test]
fn write_samples() {
    let Some(dir) = std::env::var_os("APIWARD_REPORT_SAMPLES") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut report = common::report("scan");
    let old = common::report_with("scan", common::findings(false, true));
    apiward_report::baseline::apply(&mut report, &old);
    for (f, name) in [
        (Format::Terminal, "sample.txt"),
        (Format::Json, "sample.json"),
        (Format::Sarif, "sample.sarif"),
        (Format::Junit, "sample.junit.xml"),
        (Format::Markdown, "sample.md"),
        (Format::Html, "sample.html"),
    ] {
        std::fs::write(dir.join(name), render(&report, f, &common::opts())).unwrap();
    }
}
