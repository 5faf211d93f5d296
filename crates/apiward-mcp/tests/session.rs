//! End to end over a real MCP session: initialize, list the tools, call every tool against the
//! demo API on loopback and a real spec; safety (masked evidence, writes refused) and bad input.

mod common;

use apiward_mcp::{Options, WRITES_OFF};
use common::{connect, demo_secrets, fixture};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const TOOLS: [&str; 7] = [
    "audit_spec",
    "diff_reports",
    "explain_rule",
    "get_report",
    "list_findings",
    "list_reports",
    "scan_api",
];

fn rule_ids(findings: &Value) -> BTreeSet<String> {
    findings
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_over_a_real_session() {
    let demo = apiward_demo::start().await.expect("demo API");
    let url = demo.base_url();
    let s = connect(Options::default()).await;

    // The handshake told the client who we are and that there are tools.
    let info = s.client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("apiward")
    );
    assert!(info.capabilities.tools.is_some());

    let tools = s.client.list_all_tools().await.expect("tools/list");
    let names: BTreeSet<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, TOOLS.into_iter().collect());
    for t in &tools {
        assert_eq!(
            t.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            t.name
        );
        let read_only = t.annotations.as_ref().and_then(|a| a.read_only_hint);
        assert_eq!(read_only, Some(true), "{} on a read-only server", t.name);
    }

    // Audit: a file, the same document inline, and by URL through the engine.
    let file = s
        .call("audit_spec", json!({"spec": fixture("fastapi-users.json")}))
        .await;
    assert!(!file.is_error, "{}", file.text);
    let file_id = file.structured["id"].as_str().expect("id").to_string();
    assert!(file_id.starts_with("audit-"));
    assert!(rule_ids(&file.structured["top_findings"]).contains("APIW-DATA-001"));
    assert!(file.text.contains(&file_id) && file.text.contains("grade"));

    let spec_text = apiward_demo::openapi_json(&url);
    let inline = s.call("audit_spec", json!({"text": spec_text})).await;
    assert!(!inline.is_error, "{}", inline.text);
    let by_url = s
        .call(
            "audit_spec",
            json!({"spec": format!("{url}/openapi.json"), "context": "financial"}),
        )
        .await;
    assert!(!by_url.is_error, "{}", by_url.text);
    assert!(inline.structured["findings"].as_u64() > Some(5));
    assert_eq!(inline.structured["findings"], by_url.structured["findings"]);
    assert_eq!(
        inline.structured["api_title"],
        by_url.structured["api_title"]
    );

    // Scan the demo API, read-only, with progress.
    let scan = s
        .call(
            "scan_api",
            json!({"base_url": url, "gentle": true, "context": "financial"}),
        )
        .await;
    assert!(!scan.is_error, "{}", scan.text);
    let scan_id = scan.structured["id"].as_str().expect("id").to_string();
    assert!(scan_id.starts_with("scan-"));
    assert_eq!(scan.structured["safety_mode"], "read-only");
    assert_eq!(scan.structured["writes_sent"], 0);
    assert!(scan.structured["requests"].as_u64() > Some(20));
    assert_eq!(scan.structured["grade"], "F");
    let progress = s.progress_for(&scan.progress_token);
    assert!(
        !progress.is_empty(),
        "no progress notification for the scan"
    );
    assert!(
        progress.windows(2).all(|w| w[0] < w[1]),
        "progress must increase: {progress:?}"
    );
    // The top findings carry masked values, and no full value is anywhere in the answer.
    let masked: Vec<&str> = scan.structured["top_findings"]
        .as_array()
        .expect("top findings")
        .iter()
        .flat_map(|f| f["masked_values"].as_array().into_iter().flatten())
        .filter_map(|v| v["masked"].as_str())
        .collect();
    assert!(masked.iter().any(|m| m.contains('*')), "{masked:?}");

    let report = s.call("get_report", json!({"id": scan_id})).await;
    assert!(!report.is_error, "{}", report.text);
    assert_eq!(report.structured["target"]["mode"], "scan");
    assert_eq!(report.structured["contains_sensitive_data"], false);
    let findings = report.structured["findings"].as_array().expect("findings");
    let categories: BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| f["category"].as_str())
        .collect();
    for c in ["data_exposure", "authentication", "bola", "inventory"] {
        assert!(categories.contains(c), "{c} missing: {categories:?}");
    }
    assert!(!report.wire.contains("\"revealed\""));
    let secrets = demo_secrets();
    assert!(secrets.len() >= 100);
    for answer in [&scan, &report] {
        for secret in &secrets {
            assert!(
                !answer.wire.contains(secret.as_str()),
                "a full value reached the client"
            );
        }
    }

    // Findings with filters.
    let high = s
        .call(
            "list_findings",
            json!({"id": scan_id, "severity": "high", "category": "data_exposure"}),
        )
        .await;
    assert!(!high.is_error, "{}", high.text);
    let page = high.structured["findings"].as_array().expect("findings");
    assert!(!page.is_empty());
    assert!(page.iter().all(|f| f["category"] == "data_exposure"
        && (f["severity"] == "high" || f["severity"] == "critical")));
    assert!(high.structured["matched"].as_u64() < high.structured["total"].as_u64());
    let by_op = s
        .call(
            "list_findings",
            json!({"id": scan_id, "operation": "get /v2/customers/{customer_id}", "limit": 3}),
        )
        .await;
    let page = by_op.structured["findings"].as_array().expect("findings");
    assert!(!page.is_empty() && page.len() <= 3, "{}", by_op.text);
    for f in page {
        let label = format!(
            "{} {}",
            f["location"]["method"].as_str().unwrap_or(""),
            f["location"]["path"].as_str().unwrap_or("")
        );
        let ops = f["location"]["operations"].to_string();
        assert!(
            label.contains("/v2/customers/{customer_id}")
                || ops.contains("/v2/customers/{customer_id}"),
            "{label}"
        );
    }
    let by_rule = s
        .call(
            "list_findings",
            json!({"id": scan_id, "rule": "apiw-data-001"}),
        )
        .await;
    let page = by_rule.structured["findings"].as_array().expect("findings");
    assert!(!page.is_empty());
    assert!(page.iter().all(|f| f["rule_id"] == "APIW-DATA-001"));

    // Explain a rule.
    let rule = s
        .call("explain_rule", json!({"rule": "APIW-DATA-001"}))
        .await;
    assert!(!rule.is_error, "{}", rule.text);
    assert_eq!(rule.structured["id"], "APIW-DATA-001");
    assert!(rule.text.contains("APIW-DATA-001") && rule.text.len() > 200);

    // Diff: the spec audit against the scan of the same API, and a report against itself.
    let inline_id = inline.structured["id"].as_str().expect("id");
    let diff = s
        .call(
            "diff_reports",
            json!({"old_id": inline_id, "new_id": scan_id}),
        )
        .await;
    assert!(!diff.is_error, "{}", diff.text);
    assert!(!diff.structured["new"].as_array().expect("new").is_empty());
    let same = s
        .call(
            "diff_reports",
            json!({"old_id": scan_id, "new_id": scan_id}),
        )
        .await;
    assert_eq!(same.structured["new"], json!([]));
    assert_eq!(same.structured["fixed"], json!([]));
    assert_eq!(
        same.structured["unchanged"].as_u64(),
        Some(findings.len() as u64)
    );

    // Everything made in the session, newest first.
    let list = s.call("list_reports", json!({})).await;
    let ids: Vec<&str> = list.structured["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids.first(), Some(&scan_id.as_str()));
    assert_eq!(ids.last(), Some(&file_id.as_str()));

    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_refused_on_a_read_only_server() {
    let demo = apiward_demo::start().await.expect("demo API");
    let url = demo.base_url();
    let s = connect(Options::default()).await;
    let text = s
        .refused("scan_api", json!({"base_url": url, "active": true}))
        .await;
    assert_eq!(text, WRITES_OFF);
    // No other argument turns writes on: unknown ones are refused, not ignored.
    let text = s
        .refused("scan_api", json!({"base_url": url, "allow_writes": true}))
        .await;
    assert!(text.contains("unknown field"), "{text}");
    assert_eq!(
        s.call("list_reports", json!({})).await.structured["reports"],
        json!([])
    );
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_active_server_runs_active_scans_only_when_asked() {
    let demo = apiward_demo::start().await.expect("demo API");
    let url = demo.base_url();
    let s = connect(Options {
        allow_writes: true,
        ..Options::default()
    })
    .await;
    let tools = s.client.list_all_tools().await.expect("tools/list");
    let scan_tool = tools
        .iter()
        .find(|t| t.name == "scan_api")
        .expect("scan_api");
    assert_eq!(
        scan_tool
            .annotations
            .as_ref()
            .and_then(|a| a.read_only_hint),
        Some(false)
    );
    let plain = s
        .call(
            "scan_api",
            json!({"base_url": url, "gentle": true, "max_requests": 400}),
        )
        .await;
    assert!(!plain.is_error, "{}", plain.text);
    assert_eq!(plain.structured["safety_mode"], "read-only");
    assert_eq!(plain.structured["writes_sent"], 0);
    let active = s
        .call(
            "scan_api",
            json!({"base_url": url, "gentle": true, "active": true, "max_requests": 400}),
        )
        .await;
    assert!(!active.is_error, "{}", active.text);
    assert_eq!(active.structured["safety_mode"], "active");
    assert!(active.structured["writes_sent"].as_u64() > Some(0));
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_tool_error_and_the_server_keeps_serving() {
    let s = connect(Options::default()).await;
    let too_big = "x".repeat(apiward_mcp::MAX_INLINE_SPEC_BYTES + 1);
    let cases = [
        ("audit_spec", json!({}), "either"),
        (
            "audit_spec",
            json!({"spec": "a.json", "text": "{}"}),
            "either",
        ),
        ("audit_spec", json!({"spec": "-"}), "file path"),
        (
            "audit_spec",
            json!({"spec": "/nonexistent/apiward/spec.json"}),
            "nonexistent",
        ),
        ("audit_spec", json!({"text": "not: [a spec"}), ""),
        ("audit_spec", json!({"text": too_big}), "limit"),
        ("audit_spec", json!({"spec": 42}), "invalid arguments"),
        (
            "audit_spec",
            json!({"text": "{}", "context": "galactic"}),
            "context",
        ),
        ("scan_api", json!({"base_url": "ftp://127.0.0.1/"}), "http"),
        (
            "scan_api",
            json!({"base_url": "http://127.0.0.1:1", "budget_seconds": 0}),
            "budget",
        ),
        (
            "scan_api",
            json!({"base_url": "http://127.0.0.1:1", "max_requests": 1_000_000}),
            "max_requests",
        ),
        (
            "scan_api",
            json!({"base_url": "http://127.0.0.1:1", "include": ["GET"]}),
            "include",
        ),
        (
            "scan_api",
            json!({"base_url": "http://127.0.0.1:1", "identities": [{"name": "alice", "auth": "bearer:literal-token-value"}]}),
            "environment variable",
        ),
        (
            "scan_api",
            json!({"base_url": "http://127.0.0.1:1", "identities": [{"name": "alice", "auth": "bearer:env:APIWARD_MCP_TEST_SURELY_UNSET"}]}),
            "is not set",
        ),
        ("get_report", json!({"id": "scan-999"}), "no report"),
        (
            "list_findings",
            json!({"id": "scan-1", "severity": "urgent"}),
            "no report",
        ),
        ("explain_rule", json!({"rule": "APIW-NOPE-999"}), "no rule"),
        (
            "diff_reports",
            json!({"old_id": "audit-1", "new_id": "audit-2"}),
            "no report",
        ),
        ("list_reports", json!({"extra": 1}), "unknown field"),
    ];
    for (tool, args, needle) in cases {
        let text = s.refused(tool, args.clone()).await;
        assert!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "{tool} {args}: {text}"
        );
        assert!(
            !text.contains("literal-token-value"),
            "a refused credential was echoed"
        );
    }
    // A target that does not answer is a tool error too.
    let down = s
        .refused(
            "scan_api",
            json!({"base_url": "http://127.0.0.1:1", "gentle": true}),
        )
        .await;
    assert!(
        down.contains("no request got an answer") || down.contains("127.0.0.1:1"),
        "{down}"
    );
    // Filters of list_findings are checked against a real report.
    let audit = s
        .call("audit_spec", json!({"spec": fixture("fastapi-users.json")}))
        .await;
    let id = audit.structured["id"].as_str().expect("id");
    let text = s
        .refused("list_findings", json!({"id": id, "severity": "urgent"}))
        .await;
    assert!(text.contains("severity"), "{text}");
    let text = s
        .refused("list_findings", json!({"id": id, "category": "nonsense"}))
        .await;
    assert!(text.contains("category"), "{text}");
    // An unknown tool is a protocol error; the session stays up.
    let unknown = s
        .client
        .call_tool(rmcp::model::CallToolRequestParams::new("drop_tables"))
        .await;
    assert!(unknown.is_err());
    let list = s.call("list_reports", json!({})).await;
    assert!(!list.is_error);
    assert_eq!(list.structured["reports"].as_array().map(Vec::len), Some(1));
}
