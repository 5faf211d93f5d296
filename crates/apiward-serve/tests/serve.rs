//! `apiward serve` on a loopback port: pages, the JSON API, authentication and CSRF, the OpenAPI
//! document (audited by apiward itself), monitoring with signed webhooks.

mod common;

use apiward_history::Store;
use apiward_serve::{ServeConfig, start};
use common::*;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

fn config() -> ServeConfig {
    ServeConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick: Duration::from_millis(100),
        max_jitter: Duration::ZERO,
        webhook_backoff: Duration::from_millis(50),
        scan_budget: Duration::from_secs(60),
        ..ServeConfig::default()
    }
}

/// A store with three audits of the demo spec: full, one path removed, full again.
fn seeded(name: &str) -> (Arc<Store>, String) {
    let store = Store::open(&temp_db(name)).expect("store");
    let full = demo_audit(None);
    let path = full
        .findings
        .iter()
        .filter_map(|f| f.location.path.clone())
        .find(|p| p.contains('{'))
        .expect("an item path with findings");
    store.record(&full, "cli").expect("record");
    store
        .record(&demo_audit(Some(&path)), "cli")
        .expect("record");
    store.record(&full, "cli").expect("record");
    (Arc::new(store), path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_json_api() {
    let (store, path) = seeded("pages");
    let server = start(config(), Arc::clone(&store)).await.expect("start");
    let addr = server.addr;

    let index = get(addr, "/").await;
    assert_eq!(index.status, 200);
    let csp = index.header("content-security-policy").expect("CSP");
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(index.header("x-frame-options"), Some("DENY"));
    let html = index.text();
    assert!(html.contains("demo-openapi.json"));
    assert!(html.contains("id=\"api-filter\""));
    assert!(!html.contains("<script>"), "no inline script");

    let apis = get(addr, "/api/v1/apis").await.json();
    let api = &apis["apis"][0];
    assert_eq!(api["scans"], 3);
    let api_id = api["id"].as_i64().expect("id");
    let latest = api["latest"]["id"].as_i64().expect("latest");
    assert_eq!(api["trend"].as_array().map(|t| t.len()), Some(3));

    // The default diff compares the latest two scans: the removed path's findings regressed.
    let diff = get(addr, &format!("/api/v1/apis/{api_id}/diff")).await;
    assert_eq!(diff.status, 200);
    let diff = diff.json();
    let regressed = diff["regressed"].as_array().expect("regressed");
    assert!(!regressed.is_empty());
    assert!(
        regressed
            .iter()
            .any(|f| f["location"]["path"].as_str() == Some(path.as_str())),
        "the findings of the removed and restored path came back"
    );
    assert!(diff["new_findings"].as_array().expect("new").is_empty());
    let page = get(addr, &format!("/apis/{api_id}/diff")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains(&format!("{} regressed", regressed.len()))
    );

    // A scan: the report's look, states from the history.
    let scan = get(addr, &format!("/scans/{latest}")).await;
    assert_eq!(scan.status, 200);
    let html = scan.text();
    assert!(html.contains("class=\"finding "));
    assert!(html.contains("regressed"));
    assert!(html.contains("/static/report.js"));
    let scan_json = get(addr, &format!("/api/v1/scans/{latest}")).await.json();
    assert_eq!(scan_json["scan"]["id"], latest);
    assert!(
        scan_json["report"]["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );

    // A finding's history: new, fixed, regressed.
    let fp = regressed[0]["fingerprint"].as_str().expect("fp");
    let findings = get(addr, &format!("/api/v1/apis/{api_id}/findings?status=open"))
        .await
        .json();
    let row = findings["findings"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|f| f["fingerprint"] == fp)
        .expect("tracked");
    let fid = row["id"].as_i64().expect("id");
    let hist = get(addr, &format!("/api/v1/findings/{fid}")).await.json();
    let states: Vec<&str> = hist["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["state"].as_str())
        .collect();
    assert_eq!(states, ["new", "fixed", "regressed"]);
    let page = get(addr, &format!("/findings/{fid}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("state regressed"));
    assert_eq!(get(addr, &format!("/apis/{api_id}")).await.status, 200);

    // Errors are clear, in the right format.
    let missing = get(addr, "/api/v1/scans/99999").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("scan 99999"))
    );
    assert_eq!(get(addr, "/scans/99999").await.status, 404);
    assert_eq!(get(addr, "/nowhere").await.status, 404);
    assert_eq!(
        get(
            addr,
            &format!("/api/v1/apis/{api_id}/findings?status=bogus")
        )
        .await
        .status,
        400
    );

    // Every GET path of the OpenAPI document is routed.
    let doc: serde_json::Value =
        serde_json::from_str(&get(addr, "/openapi.json").await.text()).expect("openapi");
    for (p, item) in doc["paths"].as_object().expect("paths") {
        if item.get("get").is_none() {
            continue;
        }
        let concrete = p
            .replace("{apiId}", &api_id.to_string())
            .replace("{scanId}", &latest.to_string())
            .replace("{findingId}", &fid.to_string())
            .replace("{scheduleId}", "1");
        let a = get(addr, &concrete).await;
        assert!(
            a.status == 200 || (p.contains("scheduleId") && a.status == 404),
            "{p}: {}",
            a.status
        );
        assert!(
            a.header("content-type")
                .is_some_and(|t| t.starts_with("application/json"))
        );
    }
    server.shutdown().await;
}

#[test]
fn openapi_document_audits_without_high_or_critical_findings() {
    let spec = apiward_spec::load_bytes(
        "openapi.json",
        include_bytes!("../src/openapi.json"),
        None,
        &apiward_spec::LoadOptions::default(),
    )
    .expect("the service's OpenAPI document loads");
    assert!(spec.operations.len() >= 16);
    let report = apiward_run::audit_report(
        &spec,
        &apiward_run::AuditJob {
            source: "openapi.json".into(),
            ..Default::default()
        },
    );
    let bad: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity >= apiward_core::Severity::High)
        .map(|f| format!("{} {} {}", f.rule_id, f.location.label(), f.title))
        .collect();
    assert!(bad.is_empty(), "high/critical findings: {bad:#?}");
    assert_eq!(report.score.grade, apiward_core::score::Grade::A);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_csrf_and_cross_site_checks() {
    let store = Arc::new(Store::open(&temp_db("csrf")).expect("store"));
    let server = start(config(), store).await.expect("start");
    let addr = server.addr;
    // DNS rebinding: a foreign Host is refused on a token-less loopback service.
    let a = request(
        addr,
        "GET",
        "/api/v1/apis",
        &[("Host", "evil.example")],
        b"",
    )
    .await;
    assert_eq!(a.status, 421);
    // JSON API writes need a JSON body and no cross-site origin.
    let body = br#"{"target":"http://127.0.0.1:9"}"#;
    let form = request(
        addr,
        "POST",
        "/api/v1/schedules",
        &[("Content-Type", "text/plain")],
        body,
    )
    .await;
    assert_eq!(form.status, 415);
    let cross = request(
        addr,
        "POST",
        "/api/v1/schedules",
        &[
            ("Content-Type", "application/json"),
            ("Origin", "http://evil.example"),
        ],
        body,
    )
    .await;
    assert_eq!(cross.status, 403);
    let cross = request(
        addr,
        "POST",
        "/api/v1/schedules",
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        body,
    )
    .await;
    assert_eq!(cross.status, 403);
    // Forms need the page's CSRF token.
    let page = get(addr, "/schedules").await.text();
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf field")
        .to_string();
    let form_ct = [("Content-Type", "application/x-www-form-urlencoded")];
    let bad = request(
        addr,
        "POST",
        "/schedules",
        &form_ct,
        b"csrf=forged&target=http%3A%2F%2F127.0.0.1%3A9&every_minutes=60",
    )
    .await;
    assert_eq!(bad.status, 403);
    let ok = request(
        addr,
        "POST",
        "/schedules",
        &form_ct,
        format!("csrf={token}&target=http%3A%2F%2F127.0.0.1%3A9&every_minutes=60&spec=&cron=")
            .as_bytes(),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.text());
    let list = get(addr, "/api/v1/schedules").await.json();
    assert_eq!(list["schedules"].as_array().map(|l| l.len()), Some(1));
    // DELETE needs no JSON body (browsers cannot send it cross-site without a preflight), but a
    // cross-site one is still refused.
    let id = list["schedules"][0]["id"].as_i64().expect("id");
    let path = format!("/api/v1/schedules/{id}");
    let cross = request(
        addr,
        "DELETE",
        &path,
        &[("Sec-Fetch-Site", "cross-site")],
        b"",
    )
    .await;
    assert_eq!(cross.status, 403);
    assert_eq!(request(addr, "DELETE", &path, &[], b"").await.status, 204);
    assert_eq!(request(addr, "DELETE", &path, &[], b"").await.status, 404);
    // A metadata address is refused as a scan target and as a webhook.
    let meta = post_json(
        addr,
        "/api/v1/schedules",
        &serde_json::json!({"target": "http://169.254.169.254", "interval_secs": 600}),
    )
    .await;
    assert_eq!(meta.status, 400, "{}", meta.text());
    let meta = post_json(
        addr,
        "/api/v1/webhooks",
        &serde_json::json!({"url": "http://169.254.169.254/hook"}),
    )
    .await;
    assert_eq!(meta.status, 400, "{}", meta.text());
    let both = post_json(addr, "/api/v1/schedules", &serde_json::json!({"target": "http://127.0.0.1:9", "interval_secs": 600, "cron": "* * * * *"})).await;
    assert_eq!(both.status, 400);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_token_guards_every_request() {
    let store = Arc::new(Store::open(&temp_db("token")).expect("store"));
    // Off loopback without a token: refused before binding.
    let open = ServeConfig {
        bind: SocketAddr::from(([0, 0, 0, 0], 0)),
        ..config()
    };
    assert!(start(open, Arc::clone(&store)).await.is_err());
    let token = "correct-horse-battery-staple";
    let cfg = ServeConfig {
        token: Some(token.into()),
        ..config()
    };
    let server = start(cfg, store).await.expect("start");
    let addr = server.addr;
    assert_eq!(get(addr, "/api/v1/apis").await.status, 401);
    let bearer = format!("Bearer {token}");
    let ok = request(
        addr,
        "GET",
        "/api/v1/apis",
        &[("Authorization", &bearer)],
        b"",
    )
    .await;
    assert_eq!(ok.status, 200);
    let wrong = request(
        addr,
        "GET",
        "/api/v1/apis",
        &[("Authorization", "Bearer nope-nope-nope-nope")],
        b"",
    )
    .await;
    assert_eq!(wrong.status, 401);
    // A browser is sent to the login page, and gets a session cookie for the right token.
    let page = get(addr, "/").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/login"));
    let login = get(addr, "/login").await.text();
    let csrf = login
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf")
        .to_string();
    let form_ct = [("Content-Type", "application/x-www-form-urlencoded")];
    let bad = request(
        addr,
        "POST",
        "/login",
        &form_ct,
        format!("csrf={csrf}&token=guess").as_bytes(),
    )
    .await;
    assert_eq!(bad.status, 401);
    let good = request(
        addr,
        "POST",
        "/login",
        &form_ct,
        format!("csrf={csrf}&token={token}").as_bytes(),
    )
    .await;
    assert_eq!(good.status, 303);
    let cookie = good.header("set-cookie").expect("cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().expect("pair").to_string();
    let home = request(addr, "GET", "/", &[("Cookie", &cookie)], b"").await;
    assert_eq!(home.status, 200);
    // A bearer caller writes without CSRF ceremony; other hosts are fine with a token.
    let made = request(
        addr,
        "POST",
        "/api/v1/schedules",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
            ("Host", "scanner.internal:8477"),
        ],
        br#"{"target":"http://127.0.0.1:9","cron":"0 3 * * *"}"#,
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.text());
    server.shutdown().await;
}
