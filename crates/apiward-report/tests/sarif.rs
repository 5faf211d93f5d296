//! SARIF output validates against the official SARIF 2.1.0 schema (vendored in `tests/fixtures/`)
//! and meets GitHub code scanning's location rules.

mod common;

use apiward_core::Severity;
use apiward_report::{Format, render};
use serde_json::Value;

mod schema_validator;
use schema_validator::validate;

fn schema() -> Value {
    serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json")).unwrap()
}

fn check(sarif: &Value) {
    let schema = schema();
    let mut errs = Vec::new();
    validate(&schema, &schema, sarif, "", &mut errs);
    assert!(
        errs.is_empty(),
        "SARIF schema violations:\n{}",
        errs.join("\n")
    );
}

#[test]
fn validator_rejects_broken_logs() {
    let schema = schema();
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}},
        "results": [{"message": {"text": "x"}, "level": "fatal", "ruleIndex": -2, "bogus": 1,
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b"}}}]}]}]});
    let mut errs = Vec::new();
    validate(&schema, &schema, &bad, "", &mut errs);
    assert!(
        errs.iter()
            .any(|e| e.contains("missing required `\"name\"`")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.contains("enum")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("minimum")), "{errs:?}");
    assert!(
        errs.iter()
            .any(|e| e.contains("additional property `bogus`")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.contains("uri-reference")), "{errs:?}");
}

fn sarif_of(mode: &str) -> (apiward_core::Report, Value) {
    let report = common::report(mode);
    let text = render(&report, Format::Sarif, &common::opts());
    (report, serde_json::from_str(&text).expect("SARIF is JSON"))
}

#[test]
fn audit_and_scan_sarif_validate_against_the_schema() {
    for mode in ["audit", "scan"] {
        let (_, sarif) = sarif_of(mode);
        check(&sarif);
    }
    // An empty report and a baselined one validate too.
    let empty = common::report_with("audit", Vec::new());
    check(&serde_json::from_str(&render(&empty, Format::Sarif, &common::opts())).unwrap());
    let mut cur = common::report_with("scan", common::findings(true, false));
    let old = common::report_with("scan", common::findings(false, true));
    apiward_report::baseline::apply(&mut cur, &old);
    let v: Value = serde_json::from_str(&render(&cur, Format::Sarif, &common::opts())).unwrap();
    check(&v);
    let states: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 1);
}

#[test]
fn every_registry_rule_is_listed_with_help_and_taxa() {
    let (report, sarif) = sarif_of("scan");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in apiward_rules::all() {
        let d = rules
            .iter()
            .find(|x| x["id"] == r.id)
            .unwrap_or_else(|| panic!("rule {} missing", r.id));
        assert_eq!(d["name"], r.name);
        assert!(d["help"]["text"].as_str().unwrap().contains(r.fix));
        assert!(d["help"]["markdown"].as_str().unwrap().contains(r.why));
        let tags = d["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")));
        assert!(tags.contains(&Value::from(r.category.id())));
        let sev = d["properties"]["security-severity"].as_str().unwrap();
        let want = match r.default_severity {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        };
        assert_eq!(sev, want);
        // Every relationship points at an existing taxon.
        for rel in d["relationships"].as_array().unwrap() {
            let tc = rel["target"]["toolComponent"]["index"].as_u64().unwrap() as usize;
            let i = rel["target"]["index"].as_u64().unwrap() as usize;
            assert_eq!(run["taxonomies"][tc]["taxa"][i]["id"], rel["target"]["id"]);
        }
        for c in r.cwe {
            let id = format!("CWE-{c}");
            assert!(
                d["relationships"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["target"]["id"] == id.as_str()),
                "{} lacks {id}",
                r.id
            );
        }
    }
    // ruleIndex points at the rule with the result's ruleId.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
        assert!(
            res["partialFingerprints"]["apiwardFingerprint/v1"]
                .as_str()
                .is_some_and(|s| s.len() == 32)
        );
    }
    // Taxonomies: CWE, OWASP API 2023 (all ten), OWASP LLM.
    let tax = run["taxonomies"].as_array().unwrap();
    assert_eq!(tax[0]["name"], "CWE");
    assert!(
        tax[0]["taxa"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "CWE-200")
    );
    assert_eq!(tax[1]["taxa"].as_array().unwrap().len(), 10);
    assert!(
        tax[2]["taxa"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "LLM01:2025")
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn locations_are_repository_relative() {
    let (report, sarif) = sarif_of("scan");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    for (f, res) in report.findings.iter().zip(results) {
        let loc = &res["locations"][0];
        let phys = &loc["physicalLocation"];
        let in_repo = f
            .location
            .spec
            .as_ref()
            .is_none_or(|s| !s.file.contains("://") && !s.file.starts_with("/elsewhere"));
        if in_repo {
            // Given a spec file inside the repo (or the report's spec for runtime-only findings).
            let uri = phys["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_else(|| panic!("{} has no physical location: {res}", f.rule_id));
            assert_eq!(uri, "testbed/openapi.yaml");
            assert!(!uri.starts_with('/') && !uri.contains("..") && !uri.contains(':'));
            assert!(!uri.contains('\\'));
            let want_line = f.location.spec.as_ref().and_then(|s| s.line).unwrap_or(1);
            assert_eq!(phys["region"]["startLine"], want_line);
        } else {
            assert!(
                phys.is_null(),
                "URL or outside spec must not be physical: {res}"
            );
            assert_eq!(
                loc["logicalLocations"][0]["name"],
                f.location.label().as_str()
            );
        }
        if let Some(u) = &f.location.url {
            assert_eq!(res["properties"]["url"], u.as_str());
        }
        if let Some(m) = &f.location.method {
            assert_eq!(res["properties"]["method"], m.as_str());
        }
    }
    // Levels follow severity.
    for (f, res) in report.findings.iter().zip(results) {
        assert_eq!(res["level"], apiward_report::sarif::level(f.severity));
    }
}

#[test]
fn sarif_holds_no_unmasked_value() {
    let (_, sarif) = sarif_of("scan");
    let text = sarif.to_string();
    for s in common::SECRETS {
        assert!(!text.contains(s), "{s} leaked");
    }
    assert!(text.contains("***-**-6789"));
}

/// The JSON report contract (`schemas/report.schema.json`, docs/report-format.md) describes what
/// `--format json` writes, with the same validator.
#[test]
fn json_report_validates_against_the_contract_schema() {
    let schema: Value = serde_json::from_str(include_str!("../../../schemas/report.schema.json"))
        .expect("report schema");
    for mode in ["audit", "scan"] {
        let mut report = common::report(mode);
        report.requests = Some(apiward_core::RequestStats {
            requests: 3,
            bytes_received: 10,
            errors: 0,
            by_method: [("GET".to_string(), 3usize)].into_iter().collect(),
        });
        let old = common::report_with(mode, common::findings(false, true));
        apiward_report::baseline::apply(&mut report, &old);
        let v: Value =
            serde_json::from_str(&render(&report, Format::Json, &common::opts())).unwrap();
        let mut errs = Vec::new();
        validate(&schema, &schema, &v, "", &mut errs);
        assert!(
            errs.is_empty(),
            "report schema violations:\n{}",
            errs.join("\n")
        );
    }
    // A broken report is rejected (the validator is not vacuous).
    let mut bad: Value = serde_json::from_str(&render(
        &common::report("audit"),
        Format::Json,
        &common::opts(),
    ))
    .unwrap();
    bad["score"]["grade"] = Value::String("Z".into());
    let mut errs = Vec::new();
    validate(&schema, &schema, &bad, "", &mut errs);
    assert!(!errs.is_empty());
}
