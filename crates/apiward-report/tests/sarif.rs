//! SARIF output validates against the official SARIF 2.1.0 schema (vendored in `tests/fixtures/`)
//! and meets GitHub code scanning's location rules.

mod common;

use apiward_core::Severity;
use apiward_report::{Format, render};
use serde_json::Value;

// ---- A validator for the subset of JSON Schema draft-04 the SARIF schema uses. ----
// Unknown keywords are errors, so nothing in the schema is silently skipped.

const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "title",
    "id",
    "$schema",
    "definitions",
];

fn resolve<'a>(root: &'a Value, r: &str) -> &'a Value {
    let ptr = r.strip_prefix('#').expect("local $ref");
    root.pointer(ptr)
        .unwrap_or_else(|| panic!("unresolvable $ref {r}"))
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The patterns the SARIF schema uses, implemented by hand (JSON Schema patterns are unanchored).
fn pattern_ok(p: &str, s: &str) -> bool {
    match p {
        "[0-9]+(\\.[0-9]+){3}" => s
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .any(|w| w.split('.').filter(|x| all_digits(x)).count() >= 4),
        "[^/]+/.+" => s.find('/').is_some_and(|i| i > 0 && i + 1 < s.len()),
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$" =>
        {
            let parts: Vec<&str> = s.split('-').collect();
            parts.len() == 5
                && is_hex(parts[0], 8)
                && is_hex(parts[1], 4)
                && is_hex(parts[2], 4)
                && ('1'..='5').contains(&parts[2].chars().next().unwrap_or('x'))
                && is_hex(parts[3], 4)
                && "89abAB".contains(parts[3].chars().next().unwrap_or('x'))
                && is_hex(parts[4], 12)
        }
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$" => {
            let alpha2 = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_alphabetic());
            match s.split_once('-') {
                Some((a, b)) => alpha2(a) && alpha2(b),
                None => alpha2(s),
            }
        }
        other => panic!("pattern not implemented by the test validator: {other}"),
    }
}

fn format_ok(f: &str, s: &str) -> bool {
    match f {
        "uri" => {
            // scheme ":" rest, no spaces.
            let Some(i) = s.find(':') else { return false };
            i > 0
                && s[..i].starts_with(|c: char| c.is_ascii_alphabetic())
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.contains(char::is_whitespace)
        }
        "uri-reference" => !s.contains(char::is_whitespace) && !s.contains('\\'),
        "date-time" => {
            let b = s.as_bytes();
            b.len() >= 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':'
        }
        other => panic!("format not implemented: {other}"),
    }
}

fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        panic!("schema at {at} is not an object")
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return validate(root, resolve(root, r), v, at, errs);
    }
    for (k, kw) in obj {
        match k.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "type" => {
                let ok = match kw {
                    Value::String(t) => type_ok(t, v),
                    Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
                    _ => panic!("bad type keyword"),
                };
                if !ok {
                    errs.push(format!("{at}: expected type {kw}, got {v}"));
                }
            }
            "enum" => {
                if !kw.as_array().unwrap().contains(v) {
                    errs.push(format!("{at}: {v} not in enum {kw}"));
                }
            }
            "properties" | "additionalProperties" | "patternProperties" => {
                if k == "patternProperties" {
                    panic!("patternProperties not implemented");
                }
                let Some(o) = v.as_object() else { continue };
                if k == "properties" {
                    for (name, sub) in kw.as_object().unwrap() {
                        if let Some(x) = o.get(name) {
                            validate(root, sub, x, &format!("{at}/{name}"), errs);
                        }
                    }
                } else {
                    let declared = obj.get("properties").and_then(Value::as_object);
                    for (name, x) in o {
                        if declared.is_some_and(|d| d.contains_key(name)) {
                            continue;
                        }
                        match kw {
                            Value::Bool(false) => {
                                errs.push(format!("{at}: additional property `{name}`"))
                            }
                            Value::Bool(true) => {}
                            sub => validate(root, sub, x, &format!("{at}/{name}"), errs),
                        }
                    }
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for name in kw.as_array().unwrap() {
                        if !o.contains_key(name.as_str().unwrap()) {
                            errs.push(format!("{at}: missing required `{name}`"));
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    assert!(kw.is_object(), "tuple items not implemented");
                    for (i, x) in a.iter().enumerate() {
                        validate(root, kw, x, &format!("{at}/{i}"), errs);
                    }
                }
            }
            "minItems" => {
                if let Some(a) = v.as_array()
                    && (a.len() as u64) < kw.as_u64().unwrap()
                {
                    errs.push(format!("{at}: fewer than {kw} items"));
                }
            }
            "uniqueItems" => {
                if let Some(a) = v.as_array()
                    && kw.as_bool() == Some(true)
                {
                    for i in 0..a.len() {
                        for j in i + 1..a.len() {
                            if a[i] == a[j] {
                                errs.push(format!("{at}: duplicate items {i} and {j}"));
                            }
                        }
                    }
                }
            }
            "minimum" | "maximum" => {
                if let Some(n) = v.as_f64() {
                    let lim = kw.as_f64().unwrap();
                    if (k == "minimum" && n < lim) || (k == "maximum" && n > lim) {
                        errs.push(format!("{at}: {n} violates {k} {lim}"));
                    }
                }
            }
            "pattern" => {
                if let Some(s) = v.as_str()
                    && !pattern_ok(kw.as_str().unwrap(), s)
                {
                    errs.push(format!("{at}: `{s}` does not match {kw}"));
                }
            }
            "format" => {
                if let Some(s) = v.as_str()
                    && !format_ok(kw.as_str().unwrap(), s)
                {
                    errs.push(format!("{at}: `{s}` is not a valid {kw}"));
                }
            }
            "anyOf" | "oneOf" => {
                let n = kw
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| {
                        let mut e = Vec::new();
                        validate(root, s, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if (k == "anyOf" && n == 0) || (k == "oneOf" && n != 1) {
                    errs.push(format!("{at}: {n} branches of {k} match"));
                }
            }
            "allOf" => {
                for s in kw.as_array().unwrap() {
                    validate(root, s, v, at, errs);
                }
            }
            other => panic!("schema keyword not implemented by the test validator: {other}"),
        }
    }
}

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
