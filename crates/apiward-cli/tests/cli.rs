//! End-to-end tests of the `apiward` binary: audit, exit codes, hostile input, outputs, baselines,
//! the demo, and the GitHub Action's flags.

#[path = "../../apiward-report/tests/schema_validator/mod.rs"]
mod schema_validator;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apiward"));
    c.current_dir(repo_root());
    c.env("NO_COLOR", "1");
    c
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> String {
    format!("crates/apiward-cli/tests/fixtures/{name}")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run apiward")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("apiward-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

/// Parse a SARIF file and check it against the official SARIF 2.1.0 schema.
fn valid_sarif(path: &Path) -> Value {
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("sarif")).expect("json");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo_root().join("crates/apiward-report/tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .expect("schema"),
    )
    .expect("schema json");
    let mut errs = Vec::new();
    schema_validator::validate(&schema, &schema, &log, "", &mut errs);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    log
}

#[test]
fn flagship_fastapi_spec_reports_data_exposure_at_operation_and_schema_line() {
    let spec = fixture("fastapi-users.json");
    let out = run(&["audit", &spec, "--format", "json", "--quiet"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out);
    let f = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "APIW-DATA-001")
        .expect("a data_exposure finding");
    assert_eq!(f["category"], "data_exposure");
    assert_eq!(f["location"]["method"], "GET");
    assert_eq!(f["location"]["path"], "/users/{user_id}");
    // The spec declares no security at all: authentication is unknown (one APIW-AUTH-007), not
    // "unauthenticated"; an SSN judged by its property name alone stays below high (issue 15).
    assert_eq!(f["severity"], "medium");
    assert!(
        report["findings"]
            .as_array()
            .is_some_and(|fs| fs.iter().any(|f| f["rule_id"] == "APIW-AUTH-007")),
        "one API-level finding says authentication is not modelled"
    );
    // Located at the most sensitive property's line in the file.
    let text = std::fs::read_to_string(repo_root().join(&spec)).expect("fixture");
    let ssn_line = text
        .lines()
        .position(|l| l.contains("\"ssn\""))
        .map(|i| i as u64 + 1)
        .expect("ssn in fixture");
    assert_eq!(f["location"]["spec"]["line"].as_u64(), Some(ssn_line));
    assert!(
        f["location"]["spec"]["file"]
            .as_str()
            .unwrap_or("")
            .ends_with("fastapi-users.json")
    );
    let msg = f["message"].as_str().unwrap_or("");
    for p in ["ssn", "email", "phone"] {
        assert!(msg.contains(p), "message names `{p}`: {msg}");
    }
    assert_eq!(report["schema_version"], "1.0");
    // bola, bfla, ssrf and llm_security are not assessed by an audit: no free 100.
    let bola = report["categories"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "bola"))
        .expect("bola");
    assert_eq!(bola["score"], Value::Null);
    assert!(
        bola["assess_with"]
            .as_str()
            .unwrap_or("")
            .contains("two identities")
    );
}

#[test]
fn json_output_validates_against_the_report_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/report.schema.json")).expect("schema"),
    )
    .expect("schema json");
    let out = run(&["audit", &fixture("fastapi-users.json"), "--format", "json"]);
    let report = json_of(&out);
    let mut errs = Vec::new();
    schema_validator::validate(&schema, &schema, &report, "", &mut errs);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn exit_codes_distinguish_gate_from_could_not_run() {
    let spec = fixture("fastapi-users.json");
    assert_eq!(run(&["audit", &spec, "--quiet"]).status.code(), Some(0));
    assert_eq!(
        run(&["audit", &spec, "--quiet", "--fail-on", "medium"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["audit", &spec, "--quiet", "--threshold", "100"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["audit", &spec, "--quiet", "--fail-on", "severe"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["audit", &spec, "--quiet", "--threshold", "101"])
            .status
            .code(),
        Some(2)
    );
    let missing = run(&["audit", "no/such/spec.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/spec.yaml"));
    assert_eq!(run(&["explain", "APIW-NOPE-999"]).status.code(), Some(2));
}

#[test]
fn hostile_inputs_get_a_clear_error_naming_the_file() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.json", Vec::new()),
        ("binary.json", (0u8..=255).cycle().take(4096).collect()),
        ("utf16.json", {
            let mut v = vec![0xFF, 0xFE];
            for u in "{\"openapi\": \"3.0.0\"}".encode_utf16() {
                v.extend_from_slice(&u.to_le_bytes());
            }
            v
        }),
        ("deep.json", {
            let mut v = "[".repeat(10_000).into_bytes();
            v.extend("]".repeat(10_000).into_bytes());
            v
        }),
        ("bomb.yaml", b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n".to_vec()),
        ("not-a-spec.json", b"{\"hello\": \"world\"}".to_vec()),
    ];
    for (name, bytes) in cases {
        let path = tmp(name);
        std::fs::write(&path, &bytes).expect("write");
        let started = std::time::Instant::now();
        let out = run(&["audit", path.to_str().expect("path")]);
        assert!(started.elapsed().as_secs() < 10, "{name} took too long");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(name),
            "{name}: error names the file: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn strings_from_the_spec_never_reach_the_terminal_raw() {
    let out = run(&["audit", &fixture("terminal-escapes.json")]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = out.stdout;
    assert!(!stdout.contains(&0x1b), "raw ESC in terminal output");
    assert!(!stdout.contains(&0x07), "raw BEL in terminal output");
    assert!(String::from_utf8_lossy(&stdout).contains("Evil"));
}

#[test]
fn baseline_marks_one_new_and_one_fixed_and_gates_only_on_new() {
    let old = tmp("baseline-old.json");
    let out = run(&[
        "audit",
        &fixture("baseline-v1.yaml"),
        "--quiet",
        "--output",
        old.to_str().expect("p"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let new_json = tmp("baseline-new.json");
    let out = run(&[
        "audit",
        &fixture("baseline-v2.yaml"),
        "--quiet",
        "--baseline",
        old.to_str().expect("p"),
        "--output",
        new_json.to_str().expect("p"),
        "--fail-on",
        "medium",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the new medium finding (a password hash by name: never above medium) fails the gate"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&new_json).expect("report")).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let new: Vec<&Value> = findings
        .iter()
        .filter(|f| f["baseline_state"] == "new")
        .collect();
    assert_eq!(new.len(), 1, "{findings:#?}");
    assert_eq!(new[0]["rule_id"], "APIW-PROP-001");
    let fixed = report["fixed"].as_array().expect("fixed");
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["rule_id"], "APIW-DATA-001");
    // Against itself as baseline nothing is new, so the same gate passes.
    let out = run(&[
        "audit",
        &fixture("baseline-v2.yaml"),
        "--quiet",
        "--baseline",
        new_json.to_str().expect("p"),
        "--fail-on",
        "medium",
    ]);
    assert_eq!(out.status.code(), Some(0));
    // `apiward diff` says the same.
    let d = run(&[
        "diff",
        old.to_str().expect("p"),
        new_json.to_str().expect("p"),
        "--format",
        "json",
    ]);
    let d = json_of(&d);
    assert_eq!(d["new"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["fixed"].as_array().map(Vec::len), Some(1));
}

#[test]
fn several_outputs_in_one_run_and_sarif_points_at_the_spec_file() {
    let sarif = tmp("audit.sarif");
    let html = tmp("audit.html");
    let md = tmp("audit.md");
    let junit = tmp("audit.xml");
    let out = run(&[
        "audit",
        &fixture("fastapi-users.json"),
        "--quiet",
        "-o",
        sarif.to_str().expect("p"),
        "-o",
        html.to_str().expect("p"),
        "-o",
        md.to_str().expect("p"),
        "-o",
        junit.to_str().expect("p"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = valid_sarif(&sarif);
    for r in log["runs"][0]["results"].as_array().expect("results") {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("every result has a physical location");
        assert_eq!(uri, "crates/apiward-cli/tests/fixtures/fastapi-users.json");
    }
    assert!(
        std::fs::read_to_string(&html)
            .expect("html")
            .contains("<svg")
    );
    assert!(std::fs::read_to_string(&md).expect("md").contains('|'));
    assert!(
        std::fs::read_to_string(&junit)
            .expect("xml")
            .contains("<testsuite")
    );
}

#[test]
fn rules_and_explain_come_from_the_registry() {
    let out = run(&["rules", "--format", "json"]);
    let rules = json_of(&out);
    assert_eq!(
        rules.as_array().map(Vec::len),
        Some(apiward_rules::all().len())
    );
    let out = run(&["explain", "sensitive-data-exposed"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("APIW-DATA-001") && text.contains("FastAPI + DynamoDB"));
}

#[test]
fn config_file_disables_rules_and_suppressions_need_reasons() {
    let cfg = tmp("apiward.toml");
    std::fs::write(&cfg, "[rules]\ndisable = [\"APIW-DATA-001\"]\n").expect("write");
    let out = run(&[
        "audit",
        &fixture("fastapi-users.json"),
        "--format",
        "json",
        "--config",
        cfg.to_str().expect("p"),
    ]);
    let report = json_of(&out);
    assert!(
        report["findings"]
            .as_array()
            .expect("f")
            .iter()
            .all(|f| f["rule_id"] != "APIW-DATA-001")
    );
    std::fs::write(
        &cfg,
        "[[suppress]]\nrule = \"APIW-DATA-001\"\nreason = \"\"\n",
    )
    .expect("write");
    let out = run(&[
        "audit",
        &fixture("fastapi-users.json"),
        "--config",
        cfg.to_str().expect("p"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(
        &cfg,
        "[[identities]]\nname = \"a\"\nkind = \"bearer\"\nenv = \"X\"\ntoken = \"inline-secret\"\n",
    )
    .expect("write");
    let out = run(&[
        "audit",
        &fixture("fastapi-users.json"),
        "--config",
        cfg.to_str().expect("p"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "inline secrets in the config are refused"
    );
}

#[test]
fn demo_scan_finds_problems_in_several_categories() {
    let sarif = tmp("demo.sarif");
    let out = run(&[
        "demo",
        "--format",
        "json",
        "--quiet",
        "-o",
        sarif.to_str().expect("p"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out);
    let cats: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["category"].as_str())
        .collect();
    assert!(cats.len() >= 8, "categories: {cats:?}");
    for c in ["data_exposure", "authentication", "bola", "inventory"] {
        assert!(cats.contains(c), "{c} missing: {cats:?}");
    }
    assert_eq!(report["score"]["grade"], "F");
    assert_eq!(report["target"]["mode"], "scan");
    // The scan's SARIF validates too.
    valid_sarif(&sarif);
}

#[test]
fn every_flag_the_github_action_passes_exists() {
    let action = std::fs::read_to_string(repo_root().join("action.yml")).expect("action.yml");
    let help = |cmd: &str| String::from_utf8_lossy(&run(&[cmd, "--help"]).stdout).into_owned();
    let (audit, scan) = (help("audit"), help("scan"));
    let mut flags: Vec<String> = Vec::new();
    for line in action.lines() {
        for word in
            line.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == '\'')
        {
            if let Some(f) = word.strip_prefix("--") {
                let f: String = f
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                if !f.is_empty() && !flags.contains(&f) {
                    flags.push(f);
                }
            }
        }
    }
    // Flags of other tools on the same lines (cargo install).
    let foreign = ["locked", "path", "root", "force"];
    let ours: Vec<&String> = flags
        .iter()
        .filter(|f| !foreign.contains(&f.as_str()))
        .collect();
    assert!(!ours.is_empty(), "no flags found in action.yml");
    for f in ours {
        let needle = format!("--{f}");
        assert!(
            audit.contains(&needle) || scan.contains(&needle),
            "action.yml passes {needle}, which the CLI does not accept"
        );
    }
}

#[test]
fn full_values_only_with_show_evidence() {
    let masked = run(&["demo", "--format", "json", "--quiet", "--gentle"]);
    let text = String::from_utf8_lossy(&masked.stdout);
    assert!(
        !text.contains("\"revealed\""),
        "values revealed without --show-evidence"
    );
    assert!(json_of(&masked)["contains_sensitive_data"] == false);
    let shown = run(&[
        "demo",
        "--format",
        "json",
        "--quiet",
        "--gentle",
        "--show-evidence",
    ]);
    let report = json_of(&shown);
    assert_eq!(report["contains_sensitive_data"], true);
    let revealed = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["evidence"].as_array().cloned().unwrap_or_default())
        .flat_map(|e| e["values"].as_array().cloned().unwrap_or_default())
        .filter(|v| v["revealed"].is_string())
        .count();
    assert!(revealed > 0);
}

/// `apiward detect` over the detector's whole positive corpus, in both output formats: no full
/// sensitive value appears anywhere in what it prints (issue "Sensitive-data detection engine").
#[test]
fn detect_output_never_holds_a_full_sensitive_value() {
    let corpus = repo_root().join("crates/apiward-detect/fixtures/positive.jsonl");
    let text = std::fs::read_to_string(&corpus).expect("positive corpus");
    let (mut ndjson, mut log, mut expected) = (String::new(), String::new(), Vec::new());
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).expect("case");
        let input = case["input"].as_str().unwrap_or_default();
        match case["fmt"].as_str() {
            Some("json") => {
                ndjson.push_str(&input.replace('\n', " "));
                ndjson.push('\n');
            }
            Some("headers") => {
                for h in case["headers"].as_array().cloned().unwrap_or_default() {
                    log.push_str(&format!(
                        "{}: {}\n",
                        h[0].as_str().unwrap_or(""),
                        h[1].as_str().unwrap_or("")
                    ));
                }
                log.push_str(input);
                log.push('\n');
            }
            _ => {
                log.push_str(input);
                log.push('\n');
            }
        }
        for e in case["expect"].as_array().cloned().unwrap_or_default() {
            let t = e["type"].as_str().unwrap_or("").to_string();
            let v = e["value"].as_str().unwrap_or("").to_string();
            expected.push((t, v));
        }
    }
    let (nd, lg) = (tmp("positive.ndjson"), tmp("positive.log"));
    std::fs::write(&nd, ndjson).expect("write");
    std::fs::write(&lg, log).expect("write");
    // Descriptors (exception names, versions, markers) and already-masked cards are not secrets.
    let not_secret = [
        "masked_payment_card",
        "stack_trace",
        "sql_error",
        "dynamodb_exception",
        "dynamodb_attribute_value",
        "dynamodb_paging_key",
        "dynamodb_consumed_capacity",
        "aws_response_metadata",
        "server_version",
        "pydantic_input_echo",
        "env_dump",
        "botocore_error",
        "ip_public",
    ];
    let mut printed = String::new();
    for fmt in ["terminal", "json"] {
        let out = run(&[
            "detect",
            "--format",
            fmt,
            nd.to_str().expect("p"),
            lg.to_str().expect("p"),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed.push_str(&String::from_utf8_lossy(&out.stdout));
        printed.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(printed.lines().count() > 500, "the corpus produced matches");
    let mut checked = 0;
    for (t, v) in &expected {
        // A PEM key is labelled by its marker line, which is not the secret.
        if v.len() < 6 || not_secret.contains(&t.as_str()) || v.starts_with("-----BEGIN") {
            continue;
        }
        checked += 1;
        assert!(
            !printed.contains(v.as_str()),
            "`apiward detect` printed a full {t} value"
        );
    }
    assert!(checked > 500, "only {checked} values checked");
}

/// `apiward mcp` speaks JSON-RPC on stdout and nothing else, and ends cleanly when stdin closes.
#[test]
fn mcp_serves_on_stdio_until_stdin_closes() {
    use std::io::Write;
    let mut child = bin()
        .arg("mcp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn apiward mcp");
    let requests = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "cli-test", "version": "0"}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "audit_spec", "arguments": {"spec": fixture("fastapi-users.json")}}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "scan_api", "arguments": {"base_url": "http://127.0.0.1:1", "active": true}}}),
    ];
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for r in &requests {
            writeln!(stdin, "{r}").expect("write request");
        }
        // Answers come before EOF is seen: wait for them by reading, then close stdin.
        let stdout = child.stdout.take().expect("stdout");
        let mut answers = std::collections::BTreeMap::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let line = line.expect("stdout line");
            let v: Value = serde_json::from_str(&line).expect("every stdout line is JSON-RPC");
            if let Some(id) = v["id"].as_u64() {
                answers.insert(id, v);
            }
            if answers.len() == 3 {
                break;
            }
        }
        assert_eq!(answers[&1]["result"]["serverInfo"]["name"], "apiward");
        assert_eq!(answers[&2]["result"]["isError"], false);
        assert!(
            answers[&2]["result"]["structuredContent"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("audit-"))
        );
        assert_eq!(answers[&3]["result"]["isError"], true, "writes refused");
        drop(stdin);
    }
    let out = child.wait_with_output().expect("exit");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
}
