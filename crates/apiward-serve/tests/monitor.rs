//! Monitoring end to end: a schedule scans the demo API (read-only), the run is recorded, and a
//! webhook receiver on loopback gets a signed delivery, verified the way a receiver would.

mod common;

use apiward_history::Store;
use apiward_serve::{ServeConfig, start};
use common::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A receiver's check, written from the documentation (not the service's own `verify`):
/// HMAC-SHA256 over `timestamp + "." + body`, hex, `sha256=` prefix, constant-time compare,
/// and at most five minutes of clock difference.
fn receiver_accepts(secret: &str, ts: &str, sig: &str, body: &[u8], now: u64) -> bool {
    let Ok(t) = ts.parse::<u64>() else {
        return false;
    };
    if now.abs_diff(t) > 300 {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    let Some(hex) = sig.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(bytes) = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or(())
        })
        .collect::<Result<Vec<u8>, ()>>()
    else {
        return false;
    };
    mac.verify_slice(&bytes).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_scans_records_and_sends_signed_webhook() {
    let demo = apiward_demo::start().await.expect("demo API");
    let target = demo.base_url();
    // The receiver fails the first attempt: the delivery must be retried.
    let (hook_addr, received) = receiver(vec![503]).await;
    let store = Arc::new(Store::open(&temp_db("monitor")).expect("store"));
    let cfg = ServeConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick: Duration::from_millis(100),
        max_jitter: Duration::ZERO,
        webhook_backoff: Duration::from_millis(50),
        scan_budget: Duration::from_secs(90),
        scan_rate: None,
        ..ServeConfig::default()
    };
    let server = start(cfg, Arc::clone(&store)).await.expect("start");
    let addr = server.addr;

    let hook = post_json(
        addr,
        "/api/v1/webhooks",
        &serde_json::json!({"url": format!("http://{hook_addr}/apiward")}),
    )
    .await;
    assert_eq!(hook.status, 201, "{}", hook.text());
    let hook = hook.json();
    let secret = hook["secret"]
        .as_str()
        .expect("secret shown once")
        .to_string();
    assert!(secret.starts_with("whsec_"));
    let listed = get(addr, "/api/v1/webhooks").await.text();
    assert!(!listed.contains(&secret), "secrets are never listed");

    let made = post_json(
        addr,
        "/api/v1/schedules",
        &serde_json::json!({"target": target, "interval_secs": 3600}),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let sid = made.json()["id"].as_i64().expect("id");

    // The first run is due now; wait for it to be recorded.
    let started = Instant::now();
    let schedule = loop {
        let s = get(addr, &format!("/api/v1/schedules/{sid}")).await.json();
        if s["last_status"].is_string() && s["running"] == false {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "scan never finished: {s}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(schedule["last_status"], "ok", "{schedule}");
    let scan_id = schedule["last_scan_id"].as_i64().expect("scan recorded");
    // Next run an hour later (no jitter configured).
    let next = schedule["next_run"].as_u64().expect("next");
    let last = schedule["last_run"].as_u64().expect("last");
    assert_eq!(next - last, 3600);

    let scan = get(addr, &format!("/api/v1/scans/{scan_id}")).await.json();
    assert_eq!(scan["scan"]["trigger"], "schedule");
    assert_eq!(scan["scan"]["mode"], "scan");
    assert_eq!(scan["report"]["safety"]["mode"], "read-only");
    assert!(
        scan["scan"]["new"].as_i64().is_some_and(|n| n > 0),
        "the leaky demo has findings"
    );
    let methods = scan["report"]["requests"]["by_method"]
        .as_object()
        .expect("methods");
    assert!(
        methods
            .keys()
            .all(|m| ["GET", "HEAD", "OPTIONS"].contains(&m.as_str())),
        "read-only scan sent {methods:?}"
    );

    // The delivery: retried after the 503, then accepted.
    let started = Instant::now();
    let deliveries = loop {
        let d = get(addr, "/api/v1/deliveries").await.json();
        if d["deliveries"][0]["delivered"] == true {
            break d;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no delivery: {d}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let d = &deliveries["deliveries"][0];
    assert_eq!(d["attempts"], 2);
    assert_eq!(d["status"], 200);
    assert_eq!(d["scan_id"], scan_id);
    let got = received.lock().expect("lock").clone();
    assert_eq!(got.len(), 2);
    let last = got.last().expect("delivery");
    let ts = last
        .header("x-apiward-timestamp")
        .expect("timestamp")
        .to_string();
    let sig = last
        .header("x-apiward-signature")
        .expect("signature")
        .to_string();
    assert_eq!(last.header("content-type"), Some("application/json"));
    let now = apiward_core::time::unix_now();
    assert!(receiver_accepts(&secret, &ts, &sig, &last.body, now));
    assert!(apiward_serve::verify(&secret, &ts, &sig, &last.body, now, 300).is_ok());
    // Altered body, wrong secret, replayed later: all refused.
    let mut altered = last.body.clone();
    let pos = altered
        .iter()
        .position(|b| b.is_ascii_digit())
        .expect("a digit");
    altered[pos] = if altered[pos] == b'9' {
        b'8'
    } else {
        altered[pos] + 1
    };
    assert!(!receiver_accepts(&secret, &ts, &sig, &altered, now));
    assert!(!receiver_accepts("whsec_wrong", &ts, &sig, &last.body, now));
    assert!(!receiver_accepts(
        &secret,
        &ts,
        &sig,
        &last.body,
        now + 3600
    ));
    assert!(apiward_serve::verify(&secret, &ts, &sig, &last.body, now + 3600, 300).is_err());
    // A replay with a fresh timestamp but the old signature fails too.
    let fresh = (now + 10).to_string();
    assert!(!receiver_accepts(
        &secret,
        &fresh,
        &sig,
        &last.body,
        now + 10
    ));

    let payload: serde_json::Value = serde_json::from_slice(&last.body).expect("JSON payload");
    assert_eq!(payload["event"], "scan.changed");
    assert_eq!(payload["scan"]["id"], scan_id);
    assert_eq!(payload["api"]["name"], target.as_str());
    assert!(
        payload["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .any(|r| r == "new_findings")
    );
    assert!(payload["counts"]["new"].as_u64().is_some_and(|n| n > 0));
    let masked = last
        .body
        .windows(b"revealed".len())
        .any(|w| w == b"revealed");
    assert!(!masked, "payloads carry no evidence values");

    // Pages show the run.
    let page = get(addr, "/schedules").await.text();
    assert!(page.contains(&format!("/scans/{scan_id}")));
    let page = get(addr, "/webhooks").await.text();
    assert!(page.contains("delivered"));
    assert!(!page.contains(&secret));

    server.shutdown().await;
    demo.shutdown().await;
}
