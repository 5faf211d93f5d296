//! Politeness bounds: global rate, concurrency, and environment proxies ignored.

mod common;

use std::time::{Duration, Instant};

use apiward_http::{Engine, EngineConfig, HttpError, Request};
use common::{Reply, config, ok, response, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_cap_is_global() {
    let server = serve(|_| ok("r")).await;
    let engine = Engine::new(EngineConfig {
        rate: Some(10.0),
        concurrency: 8,
        ..config(&[&server.base()])
    })
    .expect("engine");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let e = engine.clone();
        let url = server.url(&format!("/{i}"));
        tasks.push(tokio::spawn(async move { e.send(Request::get(url)).await }));
    }
    for t in tasks {
        t.await.expect("task").expect("request");
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1800),
        "20 requests at 10/s took {took:?}"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(server.seen().len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_cap_is_honoured() {
    let server = serve(|_| {
        Reply::Delayed(
            Duration::from_millis(200),
            response(200, "", b"slow but fine"),
        )
    })
    .await;
    let engine = Engine::new(EngineConfig {
        concurrency: 3,
        ..config(&[&server.base()])
    })
    .expect("engine");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let e = engine.clone();
        let url = server.url(&format!("/{i}"));
        tasks.push(tokio::spawn(async move { e.send(Request::get(url)).await }));
    }
    for t in tasks {
        t.await.expect("task").expect("request");
    }
    let max = server
        .max_in_flight
        .load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(max, 3, "max in flight");
    assert!(server.accepted() <= 3, "{} connections", server.accepted());
    assert!(started.elapsed() >= Duration::from_millis(800));
}

#[tokio::test]
async fn rate_wait_respects_budget() {
    let server = serve(|_| ok("r")).await;
    let engine = Engine::new(EngineConfig {
        rate: Some(2.0),
        budget: Duration::from_millis(1200),
        ..config(&[&server.base()])
    })
    .expect("engine");
    let started = Instant::now();
    let mut budget_errors = 0;
    for _ in 0..6 {
        match engine.send(Request::get(server.url("/"))).await {
            Ok(_) => {}
            Err(HttpError::BudgetExhausted) => budget_errors += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(budget_errors >= 3, "{budget_errors}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert!(
        engine
            .diagnostics()
            .iter()
            .any(|d| d.code == "http.budget-exhausted")
    );
}

#[tokio::test]
async fn decodes_gzip_and_keeps_headers() {
    // "hello" gzip-compressed (RFC 1952 with stored deflate block).
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gz.extend_from_slice(&[0x01, 0x05, 0x00, 0xfa, 0xff]);
    gz.extend_from_slice(b"hello");
    gz.extend_from_slice(&0x3610a686u32.to_le_bytes()); // CRC32("hello")
    gz.extend_from_slice(&5u32.to_le_bytes());
    let server = serve(move |h| {
        assert!(
            h.header("accept-encoding")
                .is_some_and(|v| v.contains("gzip"))
        );
        Reply::Raw(response(200, "content-encoding: gzip\r\n", &gz))
    })
    .await;
    let engine = Engine::new(config(&[&server.base()])).expect("engine");
    let x = engine
        .send(Request::get(server.url("/")))
        .await
        .expect("ok");
    assert_eq!(x.text(), "hello");
    assert_eq!(x.header("content-encoding"), Some("gzip"));
    assert_eq!(x.wire_bytes, 28);
    assert!(!x.truncated && x.body_error.is_none());
    assert!(
        engine.diagnostics().is_empty(),
        "{:?}",
        engine.diagnostics()
    );
}

#[tokio::test]
async fn environment_proxy_is_ignored_explicit_proxy_used() {
    let target = serve(|_| ok("direct")).await;
    let proxy = serve(|_| ok("via proxy")).await;
    // SAFETY: only this test reads or writes these variables (the engine never reads them).
    unsafe {
        std::env::set_var("HTTP_PROXY", proxy.base());
        std::env::set_var("http_proxy", proxy.base());
        std::env::set_var("ALL_PROXY", proxy.base());
    }
    let engine = Engine::new(config(&[&target.base()])).expect("engine");
    let x = engine
        .send(Request::get(target.url("/")))
        .await
        .expect("direct");
    assert_eq!(x.text(), "direct");
    assert_eq!(proxy.accepted(), 0);

    let engine = Engine::new(EngineConfig {
        proxy: Some(proxy.base()),
        ..config(&[&target.base()])
    })
    .expect("engine");
    let x = engine
        .send(Request::get(target.url("/")))
        .await
        .expect("proxied");
    assert_eq!(x.text(), "via proxy");
    assert_eq!(proxy.accepted(), 1);
}

/// Plain http:// goes through the hyper-util client: the request head carries what reqwest would
/// send (Host, User-Agent, Accept, the engine's Accept-Encoding, the caller's headers), a POST body
/// arrives intact, and connections are reused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_request_head_and_keep_alive() {
    let server = serve(|_| ok("fine")).await;
    let engine = Engine::new(EngineConfig {
        active: true,
        ..config(&[&server.base()])
    })
    .expect("engine");
    for _ in 0..5 {
        let x = engine
            .send(Request::get(server.url("/a?q=1")).header("X-Trace", "t1"))
            .await
            .expect("get");
        assert_eq!(x.status, 200);
        assert_eq!(x.text(), "fine");
        assert_eq!(x.http_version, "HTTP/1.1");
    }
    let x = engine
        .send(
            Request::new(apiward_http::Method::POST, server.url("/p"))
                .header("Content-Type", "application/json")
                .body(br#"{"a":1}"#.to_vec()),
        )
        .await
        .expect("post");
    assert_eq!(x.status, 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 6);
    let head = &seen[0];
    assert_eq!(head.method, "GET");
    assert_eq!(head.path, "/a?q=1");
    let host = server.base().trim_start_matches("http://").to_string();
    assert_eq!(head.header("host"), Some(host.as_str()));
    assert!(
        head.header("user-agent")
            .unwrap_or("")
            .starts_with("apiward/")
    );
    assert_eq!(head.header("accept"), Some("*/*"));
    assert_eq!(
        head.header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
    assert_eq!(head.header("x-trace"), Some("t1"));
    let post = &seen[5];
    assert_eq!(post.method, "POST");
    assert_eq!(post.body, br#"{"a":1}"#);
    assert_eq!(post.header("content-length"), Some("7"));
    // Sequential requests reuse keep-alive connections. The pool gets a connection back
    // asynchronously, so on a loaded machine a request may occasionally open a second one; without
    // keep-alive every request would open its own.
    assert!(
        server.accepted() <= 2,
        "{} connections for 6 sequential requests",
        server.accepted()
    );
    let stats = engine.stats();
    assert_eq!(stats.requests, 6);
    assert_eq!(stats.by_method.get("GET"), Some(&5));
    assert_eq!(stats.by_method.get("POST"), Some(&1));
    assert_eq!(engine.log().len(), 6);
}
