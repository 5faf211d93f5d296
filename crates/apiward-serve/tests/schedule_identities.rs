//! Scheduled scans with identities from environment variables, include / exclude patterns and
//! the enabled toggle, against a small API on loopback that answers only with its bearer token.
//!
//! One test function: it sets an environment variable before any thread starts (setting one
//! while other threads may read the environment is not sound).

mod common;

use apiward_history::Store;
use apiward_serve::{ServeConfig, start};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get as route_get;
use common::*;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN_VAR: &str = "APIWARD_SERVE_TEST_ALICE_TOKEN";
const MISSING_VAR: &str = "APIWARD_SERVE_TEST_NOT_SET_ANYWHERE";
const TOKEN: &str = "alice-7f3c9d2e8a41b6f0c5d9e2a7";

/// Every request the target saw: (path, whether it carried the right token, status sent).
type Seen = Arc<Mutex<Vec<(String, bool, u16)>>>;

fn spec() -> serde_json::Value {
    let op = |summary: &str| {
        json!({"get": {"summary": summary, "security": [{"bearer": []}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                          "401": {"description": "no token"}}}})
    };
    json!({
        "openapi": "3.0.3",
        "info": {"title": "token-only", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/me": op("the caller's account"),
            "/orders": op("the caller's orders"),
            "/private/keys": op("signing keys")
        }
    })
}

/// A tiny API: its spec is public, every other path needs `Authorization: Bearer TOKEN`. `/me`
/// leaks a password hash, which only an authenticated scan can see.
async fn target() -> (String, Seen) {
    async fn handle(State(seen): State<Seen>, uri: Uri, headers: HeaderMap) -> Response {
        let path = uri.path().to_string();
        if path == "/openapi.json" {
            return axum::Json(spec()).into_response();
        }
        let authed = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {TOKEN}"));
        let (status, body) = match (authed, path.as_str()) {
            (false, _) => (StatusCode::UNAUTHORIZED, json!({"error": "token required"})),
            (true, "/me") => (
                StatusCode::OK,
                json!({"id": 7, "email": "alice@example.com", "name": "Alice",
                       "password_hash": "$2b$12$KIXQJ0bS1uVdM8tqH3rOeuL1zq7Yw9cXo2h5mN4pR6sT8vU0wYa2C"}),
            ),
            (true, "/orders") => (StatusCode::OK, json!({"orders": [{"id": 1, "total": 12}]})),
            (true, "/private/keys") => (StatusCode::OK, json!({"keys": ["k1"]})),
            (true, _) => (StatusCode::NOT_FOUND, json!({"error": "no such path"})),
        };
        if let Ok(mut s) = seen.lock() {
            s.push((path, authed, status.as_u16()));
        }
        (status, axum::Json(body)).into_response()
    }
    let seen: Seen = Arc::default();
    let app = Router::new()
        .fallback(route_get(handle))
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen)
}

fn config() -> ServeConfig {
    ServeConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick: Duration::from_millis(100),
        max_jitter: Duration::ZERO,
        scan_budget: Duration::from_secs(60),
        scan_rate: None,
        ..ServeConfig::default()
    }
}

async fn request_json(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> Answer {
    request(
        addr,
        method,
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
    .await
}

/// Wait until the schedule's run is over and return it.
async fn finished(addr: SocketAddr, id: i64) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let s = get(addr, &format!("/api/v1/schedules/{id}")).await.json();
        if s["last_status"].is_string() && s["running"] == false {
            return s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "run never finished: {s}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn scheduled_scans_with_identities_patterns_and_toggle() {
    // SAFETY: no other thread exists yet in this test binary's only test.
    unsafe { std::env::set_var(TOKEN_VAR, TOKEN) };
    unsafe { std::env::remove_var(MISSING_VAR) };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(scenario());
}

async fn scenario() {
    let (base, seen) = target().await;
    let db = temp_db("identities");
    let store = Arc::new(Store::open(&db).expect("store"));
    let server = start(config(), Arc::clone(&store)).await.expect("start");
    let addr = server.addr;

    // Literal credentials are refused, and not echoed back.
    let literal = post_json(
        addr,
        "/api/v1/schedules",
        &json!({"target": base, "interval_secs": 3600, "identities": [format!("alice=bearer:{TOKEN}")]}),
    )
    .await;
    assert_eq!(literal.status, 400, "{}", literal.text());
    assert!(literal.text().contains("literal credentials are refused"));
    assert!(!literal.text().contains(TOKEN));
    // Bad patterns are refused with the reason.
    let bad = post_json(
        addr,
        "/api/v1/schedules",
        &json!({"target": base, "interval_secs": 3600, "exclude": ["FETCH /private/**"]}),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("exclude") && bad.text().contains("unknown method"));
    assert!(
        get(addr, "/api/v1/schedules").await.json()["schedules"]
            .as_array()
            .is_some_and(|l| l.is_empty())
    );

    // A disabled schedule: stored, never run, and "run now" is refused.
    let off = post_json(
        addr,
        "/api/v1/schedules",
        &json!({"target": base, "interval_secs": 3600, "enabled": false,
                "identities": [format!("alice=bearer:env:{TOKEN_VAR}")]}),
    )
    .await;
    assert_eq!(off.status, 201, "{}", off.text());
    let off_id = off.json()["id"].as_i64().expect("id");
    let run = request_json(
        addr,
        "POST",
        &format!("/api/v1/schedules/{off_id}/run"),
        &json!({}),
    )
    .await;
    assert_eq!(run.status, 409, "{}", run.text());

    // With the identity from the environment, /private excluded.
    let made = post_json(
        addr,
        "/api/v1/schedules",
        &json!({"target": base, "interval_secs": 3600,
                "identities": [format!("alice=bearer:env:{TOKEN_VAR}")],
                "exclude": ["/private/**"]}),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    assert_eq!(
        made["identities"][0],
        format!("alice=bearer:env:{TOKEN_VAR}")
    );
    assert_eq!(made["exclude"][0], "/private/**");
    let id = made["id"].as_i64().expect("id");
    let s = finished(addr, id).await;
    assert_eq!(s["last_status"], "ok", "{s}");
    let scan_id = s["last_scan_id"].as_i64().expect("scan");

    // The target saw authenticated requests succeed, and nothing under /private.
    let got = seen.lock().expect("lock").clone();
    assert!(
        got.iter()
            .any(|(p, authed, st)| p == "/me" && *authed && *st == 200),
        "no authenticated /me: {got:?}"
    );
    assert!(
        got.iter()
            .any(|(p, authed, st)| p == "/orders" && *authed && *st == 200),
        "no authenticated /orders: {got:?}"
    );
    assert!(
        !got.iter().any(|(p, _, _)| p.starts_with("/private")),
        "excluded path was called: {got:?}"
    );
    // The stored scan holds what only the token could see: the hash /me leaks.
    let scan = get(addr, &format!("/api/v1/scans/{scan_id}")).await.json();
    let findings = scan["report"]["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["location"]["path"] == "/me" && f["category"] == "data_exposure"),
        "no finding from the authenticated /me: {:#?}",
        findings
            .iter()
            .map(|f| format!("{} {} {}", f["rule_id"], f["location"]["path"], f["title"]))
            .collect::<Vec<_>>()
    );
    assert!(
        scan["report"]["safety"]["skipped_operations"]
            .as_array()
            .expect("skipped")
            .iter()
            .any(|o| o["path"] == "/private/keys"),
        "the exclusion is reported: {}",
        scan["report"]["safety"]
    );
    // Nothing secret was stored: the database file holds the variable name, not the token.
    let raw = std::fs::read(&db).expect("db");
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()));
    }

    // A variable that is not set: the run fails with a clear stored error, nothing is sent.
    let before = seen.lock().expect("lock").len();
    let missing = post_json(
        addr,
        "/api/v1/schedules",
        &json!({"target": base, "interval_secs": 3600,
                "identities": [format!("bob=bearer:env:{MISSING_VAR}")]}),
    )
    .await;
    assert_eq!(missing.status, 201, "{}", missing.text());
    let mid = missing.json()["id"].as_i64().expect("id");
    let s = finished(addr, mid).await;
    assert_eq!(s["last_status"], "error");
    let err = s["last_error"].as_str().expect("error");
    assert!(err.contains(MISSING_VAR) && err.contains("bob"), "{err}");
    assert!(
        s["last_scan_id"].is_null(),
        "no anonymous scan was recorded"
    );
    assert_eq!(seen.lock().expect("lock").len(), before, "no request sent");
    let page = get(addr, "/schedules").await.text();
    assert!(page.contains(MISSING_VAR), "the error is on the page");

    // The disabled schedule never ran; enabling it through PATCH makes it run.
    let s = get(addr, &format!("/api/v1/schedules/{off_id}"))
        .await
        .json();
    assert!(s["last_run"].is_null() && s["last_status"].is_null(), "{s}");
    assert_eq!(s["enabled"], false);
    let bad = request_json(
        addr,
        "PATCH",
        &format!("/api/v1/schedules/{off_id}"),
        &json!({"include": ["nope"]}),
    )
    .await;
    assert_eq!(bad.status, 400);
    let on = request_json(
        addr,
        "PATCH",
        &format!("/api/v1/schedules/{off_id}"),
        &json!({"enabled": true}),
    )
    .await;
    assert_eq!(on.status, 200, "{}", on.text());
    assert_eq!(on.json()["enabled"], true);
    let s = finished(addr, off_id).await;
    assert_eq!(s["last_status"], "ok", "{s}");
    // And off again: the page offers "Enable", and a run is refused.
    let off = request_json(
        addr,
        "PATCH",
        &format!("/api/v1/schedules/{off_id}"),
        &json!({"enabled": false}),
    )
    .await;
    assert_eq!(off.status, 200);
    let page = get(addr, "/schedules").await.text();
    assert!(page.contains(&format!("action=\"/schedules/{off_id}/enabled\"")));
    assert!(page.contains(">Enable</button>") && page.contains(">Disable</button>"));

    server.shutdown().await;
}
