//! Load: 50 concurrent clients read the JSON API while a scheduled scan of the demo API (at the
//! default 150 requests/s) runs and is recorded. Reports requests, latency percentiles
//! (p50/p95/p99/max) and anything lost (a request without a 200 answer, or a scan that was not
//! recorded).
//!
//!   cargo bench -p apiward-serve --bench load [-- CLIENTS]

#[path = "../tests/common/mod.rs"]
mod common;

use apiward_history::Store;
use apiward_serve::{ServeConfig, start};
use common::*;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let clients: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(50);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(clients));
}

async fn run(clients: usize) {
    let store = Arc::new(Store::open(&temp_db("load")).expect("store"));
    // Some history to read: ten audits of the demo spec.
    let report = demo_audit(None);
    for _ in 0..10 {
        store.record(&report, "cli").expect("seed");
    }
    let demo = apiward_demo::start().await.expect("demo");
    let cfg = ServeConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick: Duration::from_millis(100),
        max_jitter: Duration::ZERO,
        ..ServeConfig::default()
    };
    let server = start(cfg, Arc::clone(&store)).await.expect("serve");
    let addr = server.addr;
    let made = post_json(
        addr,
        "/api/v1/schedules",
        &serde_json::json!({"target": demo.base_url(), "interval_secs": 3600}),
    )
    .await;
    assert_eq!(made.status, 201);
    let sid = made.json()["id"].as_i64().expect("id");

    let stop = Arc::new(AtomicBool::new(false));
    let paths = [
        "/api/v1/apis".to_string(),
        "/api/v1/apis/1/scans?limit=20".to_string(),
        "/api/v1/scans/5".to_string(),
        "/api/v1/apis/1/findings?status=open".to_string(),
        "/api/v1/apis/1/diff".to_string(),
    ];
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let stop = Arc::clone(&stop);
        let paths = paths.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut failed = 0usize;
            let mut i = c;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let a = request(addr, "GET", &paths[i % paths.len()], &[], b"").await;
                lat.push(t.elapsed());
                if a.status != 200 {
                    failed += 1;
                }
                i += 1;
            }
            (lat, failed)
        }));
    }
    // Until the scheduled scan is recorded.
    let scan_id = loop {
        let s = request(addr, "GET", &format!("/api/v1/schedules/{sid}"), &[], b"")
            .await
            .json();
        if s["last_status"].is_string() && s["running"] == false {
            break s["last_scan_id"].as_i64();
        }
        if started.elapsed() > Duration::from_secs(300) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let scan_time = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await.expect("client");
        all.extend(l);
        failed += f;
    }
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    let recorded = scan_id.and_then(|id| store.scan(id).ok()).is_some();
    println!(
        "load: {clients} concurrent readers during a scheduled scan of the demo API ({:.1} s until recorded)",
        scan_time.as_secs_f64()
    );
    println!(
        "  {} requests ({:.0}/s), p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        all.len() as f64 / scan_time.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.95).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        all.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
    );
    println!(
        "  lost: {failed} requests without a 200 answer; scheduled scan recorded: {recorded}; database integrity: {}",
        store.integrity_check().unwrap_or_else(|e| e.to_string())
    );
    server.shutdown().await;
    demo.shutdown().await;
    if failed > 0 || !recorded {
        std::process::exit(1);
    }
}
