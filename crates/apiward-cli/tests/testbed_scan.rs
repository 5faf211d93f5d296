//! Issue 6 / issue 5 acceptance against the FastAPI + DynamoDB testbed, with the real binary:
//! plant by plant from `expected.json` at L0, L1, L2 and `--active`; the hardened twin (no
//! data_exposure, nothing high, only allowed residuals); grades; no seeded value in any output; the
//! default scan's request log (read-only methods, target origin only, every operation exercised,
//! item routes fed with harvested ids).
//!
//! One testbed instance per run (started here in a private `TESTBED_RUN_DIR`, stopped by a `Drop`
//! guard even when an assertion fails). The scenarios run sequentially in one test, the `--active`
//! scan last because it writes (PATCH /v2/me is_admin, webhook registrations). All failures are
//! collected and reported together at the end.
//!
//! Needs `bash testbed/fastapi-dynamodb/setup.sh`; without it the test fails, unless
//! `APIWARD_SKIP_TESTBED=1`.

mod common;

use common::{Availability, Testbed, check_installed, http_get, read_log};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

const LEVELS: [&str; 4] = ["L0", "L1", "L2", "active"];

fn level_rank(l: &str) -> usize {
    LEVELS
        .iter()
        .position(|x| *x == l)
        .unwrap_or_else(|| panic!("unknown level {l}"))
}

fn severity_rank(s: &str) -> usize {
    ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or_else(|| panic!("unknown severity {s}"))
}

/// The rule-id prefix of a category (`APIW-AUTH-…` is authentication).
fn rule_prefix(category: &str) -> &'static str {
    match category {
        "authentication" => "APIW-AUTH-",
        "bola" => "APIW-BOLA-",
        "bfla" => "APIW-BFLA-",
        "property_authorization" => "APIW-PROP-",
        "input_validation" => "APIW-INPUT-",
        "rate_limiting" => "APIW-RATE-",
        "data_exposure" => "APIW-DATA-",
        "encryption" => "APIW-TLS-",
        "ssrf" => "APIW-SSRF-",
        "inventory" => "APIW-INV-",
        "unsafe_consumption" => "APIW-UC-",
        "llm_security" => "APIW-LLM-",
        other => panic!("unknown category {other}"),
    }
}

/// Plants where a finding under one of the plant's `also` categories is accepted instead of the
/// primary category (judged: the primary category is only reachable through the spec half). Empty:
/// every plant must be found under its own category.
const ALSO_ACCEPTED: &[&str] = &[];

#[derive(Debug, Clone)]
struct Plant {
    id: String,
    category: String,
    also: Vec<String>,
    method: String,
    path: String,
    level: String,
    confirm_level: Option<String>,
    rules: Vec<String>,
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn plants(expected: &Value) -> Vec<Plant> {
    expected["plants"]
        .as_array()
        .expect("plants")
        .iter()
        .map(|p| Plant {
            id: p["id"].as_str().unwrap().to_string(),
            category: p["category"].as_str().unwrap().to_string(),
            also: strs(&p["also"]),
            method: p["method"].as_str().unwrap().to_string(),
            path: p["path"].as_str().unwrap().to_string(),
            level: p["level"].as_str().unwrap().to_string(),
            confirm_level: p["confirm_level"].as_str().map(str::to_string),
            rules: strs(&p["rules"]),
        })
        .collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or("")
}

/// Whether `f` reports `p` under `category`: same category and, for a located plant, the same
/// method and path template. App-wide plants (`*`) accept any finding of the category, but when
/// the plant names rules of that category, one of those (the app-wide problem is a specific one:
/// "CORS reflects", "no rate-limit headers", not any finding of the category).
fn reports(p: &Plant, f: &Value, category: &str) -> bool {
    if s(f, "category") != category {
        return false;
    }
    let loc = &f["location"];
    if p.path == "*" {
        let hinted: Vec<&String> = p
            .rules
            .iter()
            .filter(|r| r.starts_with(rule_prefix(category)))
            .collect();
        let method = s(loc, "method");
        let method_ok =
            p.method == "*" || method.is_empty() || method.eq_ignore_ascii_case(&p.method);
        return method_ok && (hinted.is_empty() || hinted.iter().any(|r| *r == s(f, "rule_id")));
    }
    s(loc, "path") == p.path
        && (p.method == "*" || s(loc, "method").eq_ignore_ascii_case(&p.method))
        // A finding about a shared declaration lists every operation it affects (issue 15).
        || loc["operations"].as_array().is_some_and(|ops| {
            ops.iter().filter_map(Value::as_str).any(|label| {
                label.split_once(' ').is_some_and(|(m, path)| {
                    path == p.path && (p.method == "*" || m.eq_ignore_ascii_case(&p.method))
                })
            })
        })
}

/// Rule ids (with their source) of the findings that report `p`; `None` when it is missed.
fn match_plant(p: &Plant, findings: &[Value], need_runtime: bool) -> Option<(String, Vec<String>)> {
    let mut cats = vec![p.category.clone()];
    if ALSO_ACCEPTED.contains(&p.id.as_str()) {
        cats.extend(p.also.iter().cloned());
    }
    for cat in cats {
        let mut hits: Vec<String> = findings
            .iter()
            .filter(|f| reports(p, f, &cat))
            .filter(|f| !need_runtime || s(f, "source") != "spec")
            .map(|f| format!("{}({})", s(f, "rule_id"), s(f, "source")))
            .collect();
        hits.sort();
        hits.dedup();
        if !hits.is_empty() {
            return Some((cat, hits));
        }
    }
    None
}

/// Check every plant up to `max_level` in one report; print the table; record misses.
fn check_plants(
    label: &str,
    report: &Value,
    all: &[Plant],
    max_level: &str,
    failures: &mut Vec<String>,
    table: &mut BTreeMap<String, Vec<String>>,
) {
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let max = level_rank(max_level);
    println!("\n== {label}: plants up to {max_level} ==");
    for p in all.iter().filter(|p| level_rank(&p.level) <= max) {
        // A plant whose runtime confirmation needs --active must carry runtime evidence there.
        let need_runtime = max_level == "active"
            && (p.level == "active" || p.confirm_level.as_deref() == Some("active"));
        let m = match_plant(p, &findings, need_runtime);
        let cell = match &m {
            Some((cat, hits)) if *cat == p.category => format!("found {}", hits.join(" ")),
            Some((cat, hits)) => format!("found as {cat}: {}", hits.join(" ")),
            None => {
                let near: Vec<String> = findings
                    .iter()
                    .filter(|f| {
                        let path = s(&f["location"], "path");
                        p.path != "*" && path == p.path
                            || p.rules.iter().any(|r| r == s(f, "rule_id"))
                                && (path.is_empty() || p.path == "*")
                    })
                    .map(|f| {
                        format!(
                            "{}[{} {} {} {}]",
                            s(f, "rule_id"),
                            s(f, "category"),
                            s(&f["location"], "method"),
                            s(&f["location"], "path"),
                            s(f, "source")
                        )
                    })
                    .collect();
                failures.push(format!(
                    "{label}: plant `{}` ({} {} {}, level {}{}) not reported{} (hint rules {:?}; related findings: {})",
                    p.id,
                    p.category,
                    p.method,
                    p.path,
                    p.level,
                    p.confirm_level
                        .as_deref()
                        .map(|c| format!(", confirm {c}"))
                        .unwrap_or_default(),
                    if need_runtime { " with runtime evidence" } else { "" },
                    p.rules,
                    if near.is_empty() { "none".to_string() } else { near.join(", ") }
                ));
                "MISSED".to_string()
            }
        };
        println!(
            "  {:<32} {:<6} {:<22} {:<7} {:<40} {}",
            p.id, p.level, p.category, p.method, p.path, cell
        );
        table
            .entry(p.id.clone())
            .or_default()
            .push(format!("{label}: {cell}"));
    }
}

fn print_scores(label: &str, report: &Value) {
    let score = &report["score"];
    println!(
        "\n== {label}: overall {} grade {}{} ==",
        score["overall"],
        s(score, "grade"),
        score["cap"]
            .as_str()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default()
    );
    for c in report["categories"].as_array().into_iter().flatten() {
        println!(
            "  {:<24} {:>4} {}",
            s(c, "id"),
            if c["applicable"].as_bool() == Some(false) {
                "n/a".to_string()
            } else {
                c["score"].to_string()
            },
            c["findings"]
        );
    }
}

fn grade(report: &Value) -> String {
    s(&report["score"], "grade").to_string()
}

/// `/v2/orders/{order_id}` matches `/v2/orders/5010`.
fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

fn url_path(url: &str, origin: &str) -> String {
    let rest = url.strip_prefix(origin).unwrap_or(url);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    if rest.is_empty() {
        "/".to_string()
    } else {
        rest.to_string()
    }
}

/// Whether a JSON body carries `id` as a value (`"u1035"` or the number 5010).
fn body_has_id(body: &str, id: &str) -> bool {
    if body.contains(&format!("\"{id}\"")) {
        return true;
    }
    if id.bytes().all(|b| b.is_ascii_digit()) {
        let b = body.as_bytes();
        let mut from = 0;
        while let Some(i) = body[from..].find(id) {
            let start = from + i;
            let end = start + id.len();
            let before = start.checked_sub(1).map(|j| b[j]);
            let after = b.get(end).copied();
            let edge = |c: Option<u8>| c.is_none_or(|c| !c.is_ascii_alphanumeric() && c != b'.');
            if edge(before) && edge(after) && before != Some(b'"') {
                return true;
            }
            from = end;
        }
    }
    false
}

/// Whether a JSON body carries `id` inside an array (a list response, not a single object).
fn in_list(body: &str, id: &str) -> bool {
    fn walk(v: &Value, id: &str, in_array: bool) -> bool {
        match v {
            Value::Array(a) => a.iter().any(|x| walk(x, id, true)),
            Value::Object(o) => o.values().any(|x| walk(x, id, in_array)),
            Value::String(s) => in_array && s == id,
            Value::Number(n) => in_array && n.to_string() == id,
            _ => false,
        }
    }
    serde_json::from_str::<Value>(body).is_ok_and(|v| body_has_id(body, id) && walk(&v, id, false))
}

/// Issue 5: the default scan's request log.
fn check_request_log(tb: &Testbed, log_path: &std::path::Path, failures: &mut Vec<String>) {
    let origin = tb.get("VULN_URL").trim_end_matches('/').to_string();
    let log = read_log(log_path);
    if log.is_empty() {
        failures.push("request log: empty".to_string());
        return;
    }
    let mut by_method: BTreeMap<String, usize> = BTreeMap::new();
    for (i, l) in log.iter().enumerate() {
        let m = s(l, "method").to_string();
        *by_method.entry(m.clone()).or_default() += 1;
        if !["GET", "HEAD", "OPTIONS"].contains(&m.as_str()) {
            failures.push(format!(
                "request log line {i}: method {m} in a default scan: {l}"
            ));
        }
        let url = s(l, "url");
        if !(url == origin
            || url.starts_with(&format!("{origin}/"))
            || url.starts_with(&format!("{origin}?")))
        {
            failures.push(format!(
                "request log line {i}: URL off the target origin: {url}"
            ));
        }
        for (_, loc) in l["redirects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| ((), s(r, "location").to_string()))
        {
            if loc.starts_with("http") && !loc.starts_with(&origin) {
                failures.push(format!(
                    "request log line {i}: redirect off origin to {loc}"
                ));
            }
        }
    }
    println!(
        "\n== request log (default scan): {} requests {:?} ==",
        log.len(),
        by_method
    );

    // Every operation of the spec exercised.
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(tb.get("VULN_SPEC")).expect("read VULN_SPEC"),
    )
    .expect("VULN_SPEC is JSON");
    let mut ops: Vec<(String, String)> = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for m in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(m).is_some() {
                ops.push((m.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    let mut exercised = 0;
    for (method, template) in &ops {
        let write = !["GET", "HEAD", "OPTIONS"].contains(&method.as_str());
        let hit = log.iter().position(|l| {
            let m = s(l, "method");
            l["sent"].as_bool() == Some(true)
                && (m == method || write && m == "OPTIONS")
                && template_matches(template, &url_path(s(l, "url"), &origin))
        });
        match hit {
            Some(_) => exercised += 1,
            None => failures.push(format!(
                "request log: operation {method} {template} never exercised ({})",
                if write {
                    "nor probed with OPTIONS"
                } else {
                    "no request with its method"
                }
            )),
        }
    }
    println!("  {exercised} of {} spec operations exercised", ops.len());

    // Item routes requested with ids from earlier list responses.
    let mut bodies: HashMap<String, Option<String>> = HashMap::new();
    for template in ["/v2/orders/{order_id}", "/v2/users/{user_id}"] {
        let uses: Vec<(usize, String)> = log
            .iter()
            .enumerate()
            .filter(|(_, l)| s(l, "method") == "GET")
            .filter_map(|(i, l)| {
                let p = url_path(s(l, "url"), &origin);
                template_matches(template, &p)
                    .then(|| (i, p.rsplit('/').next().unwrap_or("").to_string()))
            })
            .collect();
        if uses.is_empty() {
            failures.push(format!(
                "request log: item route {template} never requested"
            ));
            continue;
        }
        let mut proof: Option<String> = None;
        'uses: for (i, id) in &uses {
            for earlier in log[..*i].iter().rev() {
                if s(earlier, "method") != "GET" || earlier["status"].as_u64() != Some(200) {
                    continue;
                }
                let url = s(earlier, "url").to_string();
                if template_matches(template, &url_path(&url, &origin)) || url.contains("openapi") {
                    continue;
                }
                let body = bodies.entry(url.clone()).or_insert_with(|| http_get(&url));
                if body.as_deref().is_some_and(|b| in_list(b, id)) {
                    proof = Some(format!(
                        "{template} requested with `{id}` (log line {i}), an id from the earlier list response of GET {}",
                        url_path(&url, &origin)
                    ));
                    break 'uses;
                }
            }
        }
        match proof {
            Some(p) => println!("  {p}"),
            None => failures.push(format!(
                "request log: {template} was requested with {:?}, none of them from an earlier list response",
                uses.iter().map(|u| &u.1).collect::<Vec<_>>()
            )),
        }
    }
}

/// Remove separators between digits ("4111 1111-1111" → "411111111111").
fn squeeze_digits(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, ch) in c.iter().enumerate() {
        let sep = matches!(ch, ' ' | '-' | '.');
        let between =
            i > 0 && c[i - 1].is_ascii_digit() && c.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if !(sep && between) {
            out.push(*ch);
        }
    }
    out
}

/// No full seeded value in any of `files` (name, text).
fn check_no_leaks(seeded: &Value, files: &[(String, String)], failures: &mut Vec<String>) {
    let values = strs(&seeded["all"]);
    assert!(!values.is_empty(), "SEEDED_VALUES has no `all` list");
    let mut checked = 0;
    for (name, text) in files {
        let squeezed = squeeze_digits(text);
        let mut leaked = Vec::new();
        for v in &values {
            if v.chars().count() < 6 {
                continue;
            }
            checked += 1;
            let numeric_like = v
                .chars()
                .all(|c| c.is_ascii_digit() || " -.+()/".contains(c))
                && v.chars().filter(char::is_ascii_digit).count() >= 8;
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            let hit = text.contains(v.as_str())
                || squeezed.contains(&squeeze_digits(v))
                || numeric_like && squeezed.contains(&digits);
            if hit {
                let shown: String = v.chars().take(3).collect();
                leaked.push(format!("{shown}… ({} chars)", v.chars().count()));
            }
        }
        if !leaked.is_empty() {
            failures.push(format!(
                "no-leak: {name} contains {} seeded value(s): {}",
                leaked.len(),
                leaked.join(", ")
            ));
        }
    }
    println!(
        "\n== no-leak: {} files × {} seeded values checked ({} comparisons) ==",
        files.len(),
        values.iter().filter(|v| v.chars().count() >= 6).count(),
        checked
    );
    for (name, text) in files {
        println!("  {name}: {} bytes", text.len());
    }
}

/// Twin: no data_exposure, nothing high or critical, every finding an allowed residual.
fn check_twin(report: &Value, expected: &Value, failures: &mut Vec<String>) {
    let residual = expected["twin_residual"].as_array().expect("twin_residual");
    println!("\n== twin findings ==");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    for f in &findings {
        let sev = s(f, "severity");
        let cat = s(f, "category");
        println!(
            "  {:<14} {:<8} {:<22} {:<7} {:<36} {}",
            s(f, "rule_id"),
            sev,
            cat,
            s(&f["location"], "method"),
            s(&f["location"], "path"),
            s(f, "title")
        );
        if cat == "data_exposure" {
            failures.push(format!(
                "twin: data_exposure finding {}: {}",
                s(f, "rule_id"),
                s(f, "title")
            ));
        }
        if severity_rank(sev) >= severity_rank("high") {
            failures.push(format!(
                "twin: {sev} finding {}: {}",
                s(f, "rule_id"),
                s(f, "title")
            ));
        }
        let covered = residual.iter().any(|r| {
            s(r, "category") == cat && severity_rank(sev) <= severity_rank(s(r, "max_severity"))
        });
        if !covered {
            failures.push(format!(
                "twin: finding not covered by twin_residual: {} {} {} {} {}: {}",
                s(f, "rule_id"),
                sev,
                cat,
                s(&f["location"], "method"),
                s(&f["location"], "path"),
                s(f, "title")
            ));
        }
    }
    if findings.is_empty() {
        println!("  (none)");
    }
}

fn report_file(tb: &Testbed, name: &str) -> Value {
    let text = std::fs::read_to_string(tb.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

#[test]
fn testbed_scan_acceptance() {
    if let Availability::Skip = check_installed() {
        return;
    }
    let t0 = Instant::now();
    let tb = Testbed::start("testbed-scan", &[]);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(tb.get("EXPECTED")).expect("read expected.json"),
    )
    .expect("expected.json");
    let all = plants(&expected);
    let vuln = tb.get("VULN_URL").to_string();
    let twin = tb.get("TWIN_URL").to_string();
    let twin_spec = tb.get("TWIN_SPEC").to_string();
    let mut failures: Vec<String> = Vec::new();
    let mut table: BTreeMap<String, Vec<String>> = BTreeMap::new();

    // L0: the default scan, with its request log.
    let l0 = tb.apiward(&[
        "scan",
        &vuln,
        "--format",
        "json",
        "--quiet",
        "--request-log",
        "l0-requests.jsonl",
    ]);
    let l0_report = l0.json();
    println!(
        "\n== L0 default scan: {} requests in {:.2}s wall ({} ms in the report) ==",
        l0_report["requests"]["requests"],
        l0.elapsed.as_secs_f64(),
        l0_report["duration_ms"]
    );
    check_plants("L0", &l0_report, &all, "L0", &mut failures, &mut table);
    check_request_log(&tb, &tb.path("l0-requests.jsonl"), &mut failures);
    print_scores("vulnerable app (L0)", &l0_report);
    if grade(&l0_report) != "F" {
        failures.push(format!(
            "vulnerable app graded {} at L0, expected F",
            grade(&l0_report)
        ));
    }

    // L1: one identity.
    let l1 = tb.apiward(&[
        "scan",
        &vuln,
        "--format",
        "json",
        "--quiet",
        "--identity",
        "alice=bearer:env:ALICE_TOKEN",
    ]);
    println!("\n== L1 scan: {:.2}s wall ==", l1.elapsed.as_secs_f64());
    check_plants("L1", &l1.json(), &all, "L1", &mut failures, &mut table);

    // L2: two identities, every output format, and the no-leak check over all of them (without
    // `--show-evidence`, which reveals full values on purpose).
    let l2 = tb.apiward(&[
        "scan",
        &vuln,
        "--identity",
        "alice=bearer:env:ALICE_TOKEN",
        "--identity",
        "bob=bearer:env:BOB_TOKEN",
        "--request-log",
        "l2-requests.jsonl",
        "--output",
        "r.json",
        "--output",
        "r.sarif",
        "--output",
        "r.xml",
        "--output",
        "r.md",
        "--output",
        "r.html",
    ]);
    println!(
        "\n== L2 scan (5 output files): {:.2}s wall ==",
        l2.elapsed.as_secs_f64()
    );
    let l2_report = report_file(&tb, "r.json");
    check_plants("L2", &l2_report, &all, "L2", &mut failures, &mut table);
    print_scores("vulnerable app (L2)", &l2_report);
    if grade(&l2_report) != "F" {
        failures.push(format!(
            "vulnerable app graded {} at L2, expected F",
            grade(&l2_report)
        ));
    }
    let seeded: Value = serde_json::from_str(
        &std::fs::read_to_string(tb.get("SEEDED_VALUES")).expect("read SEEDED_VALUES"),
    )
    .expect("SEEDED_VALUES is JSON");
    let mut files: Vec<(String, String)> = [
        "r.json",
        "r.sarif",
        "r.xml",
        "r.md",
        "r.html",
        "l2-requests.jsonl",
    ]
    .iter()
    .map(|n| {
        let text = std::fs::read_to_string(tb.path(n))
            .unwrap_or_else(|e| panic!("L2 scan did not write {n}: {e}\nstderr: {}", l2.stderr()));
        (n.to_string(), text)
    })
    .collect();
    files.push(("terminal stdout".to_string(), l2.stdout()));
    files.push(("terminal stderr".to_string(), l2.stderr()));
    files.push(("L0 report (stdout)".to_string(), l0.stdout()));
    files.push((
        "L0 request log".to_string(),
        std::fs::read_to_string(tb.path("l0-requests.jsonl")).unwrap_or_default(),
    ));
    check_no_leaks(&seeded, &files, &mut failures);

    // The hardened twin (no served spec: --spec), with its own identities.
    let tw = tb.apiward(&[
        "scan",
        &twin,
        "--spec",
        &twin_spec,
        "--format",
        "json",
        "--quiet",
        "--identity",
        "alice=bearer:env:TWIN_ALICE_TOKEN",
        "--identity",
        "bob=bearer:env:TWIN_BOB_TOKEN",
    ]);
    println!("\n== twin scan: {:.2}s wall ==", tw.elapsed.as_secs_f64());
    let twin_report = tw.json();
    check_twin(&twin_report, &expected, &mut failures);
    print_scores("hardened twin", &twin_report);
    if !["A", "B"].contains(&grade(&twin_report).as_str()) {
        failures.push(format!(
            "twin graded {}, expected A or B",
            grade(&twin_report)
        ));
    }

    // --active last: it writes to the vulnerable app. Alice logs in with her (documented, test-only)
    // password, so the login response and its token are observed, not inferred.
    let act = tb.apiward(&[
        "scan",
        &vuln,
        "--format",
        "json",
        "--quiet",
        "--active",
        "--identity",
        "alice=login:alice:Wonderland-2024!",
        "--identity",
        "bob=bearer:env:BOB_TOKEN",
    ]);
    println!(
        "\n== active scan: {:.2}s wall ==",
        act.elapsed.as_secs_f64()
    );
    let t_stop = Instant::now();
    check_plants(
        "active",
        &act.json(),
        &all,
        "active",
        &mut failures,
        &mut table,
    );

    drop(tb);
    println!("testbed stopped in {:.1}s", t_stop.elapsed().as_secs_f64());
    println!("\n== plant → matched rules, per scan ==");
    for p in &all {
        println!(
            "  {} ({} {} {} {})",
            p.id, p.level, p.category, p.method, p.path
        );
        for cell in table.get(&p.id).into_iter().flatten() {
            println!("      {cell}");
        }
    }
    println!(
        "\ntestbed scenarios took {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        panic!(
            "{} testbed acceptance failure(s):\n  - {}",
            failures.len(),
            failures.join("\n  - ")
        );
    }
}
