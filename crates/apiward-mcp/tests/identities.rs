//! Identities come from the server's environment: the scan uses them and the credential never
//! appears in an answer. Alone in its test binary because it sets an environment variable.

mod common;

use apiward_mcp::Options;
use common::connect;
use serde_json::json;

const TOKEN_VAR: &str = "APIWARD_MCP_TEST_ALICE_TOKEN";
const TOKEN: &str = "mcp-test-token-7f3a9c2e5b";

#[test]
fn identities_are_read_from_the_environment() {
    // SAFETY: set before any other thread of this test binary exists (one test, no runtime yet).
    unsafe { std::env::set_var(TOKEN_VAR, TOKEN) };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let demo = apiward_demo::start().await.expect("demo API");
        let url = demo.base_url();
        let s = connect(Options::default()).await;
        let scan = s
            .call(
                "scan_api",
                json!({
                    "base_url": url,
                    "gentle": true,
                    "identities": [
                        {"name": "alice", "auth": format!("bearer:env:{TOKEN_VAR}"), "role": "user"},
                        {"name": "bob", "auth": format!("header:env:{TOKEN_VAR}")},
                    ],
                }),
            )
            .await;
        // `header:` needs NAME:VALUE: the variable's value is not one, and the error says so
        // without echoing it.
        assert!(scan.is_error, "{}", scan.text);
        assert!(scan.text.contains("bob") && scan.text.contains("NAME:VALUE"), "{}", scan.text);
        assert!(!scan.wire.contains(TOKEN));

        let scan = s
            .call(
                "scan_api",
                json!({
                    "base_url": url,
                    "gentle": true,
                    "identities": [{"name": "alice", "auth": format!("bearer:env:{TOKEN_VAR}")}],
                }),
            )
            .await;
        assert!(!scan.is_error, "{}", scan.text);
        let id = scan.structured["id"].as_str().expect("id");
        let report = s.call("get_report", json!({"id": id})).await;
        let findings = report.structured["findings"].as_array().expect("findings");
        assert!(!findings.is_empty());
        // The identity was used: the scan reports how its requests fared.
        let used = report.structured["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| {
                d["code"] == "scan.identity-requests"
                    && d["message"].as_str().is_some_and(|m| m.contains("`alice`"))
            });
        assert!(used, "no request was sent as alice");
        assert!(!report.wire.contains(TOKEN) && !scan.wire.contains(TOKEN));
        demo.shutdown().await;
    });
}
