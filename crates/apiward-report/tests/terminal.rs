//! The terminal summary and JSON output.

mod common;

use apiward_report::{Format, RenderOptions, render, render_terminal};

#[test]
fn no_escape_byte_from_the_data_survives() {
    let report = common::report("scan");
    let plain = render_terminal(
        &report,
        &RenderOptions {
            max_terminal_findings: 0,
            ..common::opts()
        },
    );
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(!plain.contains('\0') && !plain.contains('\x08'));
    assert!(plain.contains("\\u{1b}[31mred"), "escapes are made visible");
    // The headline, the grade, every category and every finding are there.
    assert!(plain.contains(&format!("score {}/100", report.score.overall)));
    for c in &report.categories {
        assert!(plain.contains(&c.title), "{}", c.title);
    }
    for f in &report.findings {
        assert!(plain.contains(&f.rule_id), "{}", f.rule_id);
    }
    assert!(plain.contains("testbed/openapi.yaml:42"));
    assert!(plain.contains("https://api.example.test/users/1"));
    assert!(plain.contains("***-**-6789") && plain.contains("j***@example.com"));

    let colored = render_terminal(
        &report,
        &RenderOptions {
            color: true,
            ..common::opts()
        },
    );
    // Every ESC is one of the renderer's SGR sequences, and the data's own sequence is not among them.
    for (i, _) in colored.match_indices('\x1b') {
        let rest = &colored[i + 1..];
        let end = rest.find('m').expect("SGR sequence");
        assert!(rest.starts_with('['));
        assert!(rest[1..end].chars().all(|c| c.is_ascii_digit() || c == ';'));
    }
    assert!(!colored.contains("\x1b[31mred"));
    assert!(colored.contains('\x1b'));
}

#[test]
fn findings_are_capped_and_sorted() {
    let report = common::report("audit");
    let out = render_terminal(
        &report,
        &RenderOptions {
            max_terminal_findings: 3,
            ..common::opts()
        },
    );
    let more = report.findings.len() - 3;
    assert!(out.contains(&format!("{more} more findings")), "{out}");
    let crit = out.find("CRITICAL").unwrap();
    assert!(out[crit..].contains("HIGH"), "{out}");
    assert!(!out.contains("INFO "));
}

#[test]
fn sensitive_banner_and_revealed_values() {
    let mut report = common::report("scan");
    assert!(!render_terminal(&report, &common::opts()).contains("unmasked"));
    report.contains_sensitive_data = true;
    report.findings[0].evidence[0].values[0].revealed = Some("123-45-6789".into());
    let out = render_terminal(&report, &common::opts());
    assert!(out.contains("unmasked sensitive values"));
    assert!(out.contains("123-45-6789"));
}

#[test]
fn json_round_trips() {
    let report = common::report("scan");
    let text = render(&report, Format::Json, &common::opts());
    let back: apiward_core::Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
}
