//! A whole scan against a loopback server that misbehaves on every route it documents: the scan
//! finishes within its budget, reports each problem in its diagnostics, keeps peak memory under
//! 256 MB and does not panic (issue "Live scan engine", acceptance 2).

#[path = "../../apiward-http/tests/common/mod.rs"]
mod common;

use common::{Reply, custom, gzip_bomb, redirect, response, serve};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const ROUTES: &[&str] = &[
    "/bomb",
    "/endless",
    "/slow-headers",
    "/slow-body",
    "/loop",
    "/bad-chunking",
    "/cut-off",
    "/huge-header",
    "/json-300mb",
    "/deep-json",
    "/bad-utf8",
    "/offsite",
    "/metadata",
];

fn spec() -> Vec<u8> {
    let paths: Vec<String> = ROUTES
        .iter()
        .map(|p| {
            format!(r#""{p}": {{"get": {{"responses": {{"200": {{"description": "ok"}}}}}}}}"#)
        })
        .collect();
    format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "hostile", "version": "1"}}, "paths": {{{}}}}}"#,
        paths.join(",")
    )
    .into_bytes()
}

async fn drip(mut s: TcpStream, head: &[u8], byte: &[u8]) {
    if s.write_all(head).await.is_err() {
        return;
    }
    for _ in 0..200 {
        if s.write_all(byte).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The hostile server runs on its own runtime and threads, so the scanner's CPU work (decoding a
/// bomb, scanning 8 MiB bodies) cannot starve it into timeouts that would hide the real problem.
fn start_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let server = hostile().await;
            let _ = tx.send(server.base());
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("server started")
}

async fn hostile() -> common::TestServer {
    let bomb = std::sync::Arc::new(gzip_bomb(200 * 1024 * 1024));
    let spec = std::sync::Arc::new(spec());
    serve(move |h| {
        let bomb = bomb.clone();
        let spec = spec.clone();
        match h.path.split('?').next().unwrap_or("") {
            "/openapi.json" => Reply::Raw(response(200, "content-type: application/json\r\n", &spec)),
            "/bomb" => {
                let mut out = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                    bomb.len()
                )
                .into_bytes();
                out.extend_from_slice(&bomb);
                Reply::Raw(out)
            }
            "/endless" => custom(|mut s: TcpStream| async move {
                if s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").await.is_err() {
                    return;
                }
                let mut chunk = b"10000\r\n".to_vec();
                chunk.extend(std::iter::repeat_n(b'a', 0x10000));
                chunk.extend_from_slice(b"\r\n");
                for _ in 0..65536 {
                    if s.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            }),
            "/slow-headers" => custom(|s: TcpStream| drip(s, b"HTTP/1.1 200 OK\r\nx-drip: ", b"a")),
            "/slow-body" => custom(|s: TcpStream| {
                drip(s, b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n", b"x")
            }),
            "/loop" => redirect(302, "/loop"),
            "/offsite" => redirect(302, "http://evil.example/steal"),
            "/metadata" => redirect(302, "http://169.254.169.254/latest/meta-data/"),
            "/bad-chunking" => custom(|mut s: TcpStream| async move {
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\n")
                    .await;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }),
            "/cut-off" => custom(|mut s: TcpStream| async move {
                let mut out = b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n".to_vec();
                out.extend(std::iter::repeat_n(b'r', 1000));
                let _ = s.write_all(&out).await;
                let _ = s.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = s.set_zero_linger();
            }),
            "/huge-header" => {
                let mut out = b"HTTP/1.1 200 OK\r\nx-big: ".to_vec();
                out.extend(std::iter::repeat_n(b'h', 1024 * 1024));
                out.extend_from_slice(b"\r\ncontent-length: 0\r\n\r\n");
                Reply::Raw(out)
            }
            "/json-300mb" => custom(|mut s: TcpStream| async move {
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if s.write_all(head).await.is_err() {
                    return;
                }
                let item = br#"{"id":1234567,"name":"customer","email":"ann.lee@mailbox.org"},"#;
                let mut block = Vec::new();
                while block.len() < 60_000 {
                    block.extend_from_slice(item);
                }
                if s.write_all(format!("1\r\n[\r\n{:x}\r\n", block.len()).as_bytes()).await.is_err() {
                    return;
                }
                let mut sent = 0usize;
                while sent < 300 * 1024 * 1024 {
                    let mut c = block.clone();
                    c.extend_from_slice(format!("\r\n{:x}\r\n", block.len()).as_bytes());
                    if s.write_all(&c).await.is_err() {
                        return;
                    }
                    sent += block.len();
                }
            }),
            "/deep-json" => {
                let mut body = vec![b'['; 1_000_000];
                body.extend(std::iter::repeat_n(b']', 1_000_000));
                Reply::Raw(response(200, "content-type: application/json\r\n", &body))
            }
            "/bad-utf8" => Reply::Raw(
                b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\ncontent-type: application/json\r\nx-bad: caf\xe9 \xff\r\n\r\n{\"a\":\"\xff\xfe\"}"
                    .to_vec(),
            ),
            _ => Reply::Raw(response(404, "", b"{\"detail\":\"Not Found\"}")),
        }
    })
    .await
}

#[test]
fn scan_survives_hostile_server() {
    let base = start_server();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(scan_hostile(base));
}

async fn scan_hostile(base: String) {
    let mut cfg = apiward_scan::ScanConfig::new(&base).expect("config");
    cfg.engine.timeout = Duration::from_secs(3);
    cfg.engine.budget = Duration::from_secs(60);
    cfg.engine.rate = None;
    cfg.burst = 0;
    cfg.shadow_probe = false;
    let started = Instant::now();
    let outcome = apiward_scan::scan(cfg).await.expect("scan completes");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "scan took {took:?}");

    let codes: Vec<&str> = outcome
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    for want in [
        "http.body-too-large",        // gzip bomb, endless body, 300 MB array
        "http.timeout",               // slow drip of headers
        "http.body-timeout",          // slow drip of body
        "http.redirect-loop",         // redirect loop
        "http.bad-chunking",          // invalid chunking
        "http.body-connection-reset", // reset mid-body
        "http.headers-too-large",     // 1 MB header
        "http.json-too-deep",         // 1,000,000-deep JSON
        "http.header-invalid-utf8",   // invalid UTF-8 header
        "http.redirect-out-of-scope", // redirect to another origin: not followed
        "http.redirect-metadata",     // redirect to a metadata address: not followed
    ] {
        assert!(
            codes.contains(&want),
            "missing diagnostic {want}; got {codes:?}"
        );
    }
    // Nothing off the origin was requested: every logged URL is on the test server.
    for e in &outcome.log {
        assert!(e.url.starts_with(&base), "off-origin request {}", e.url);
        assert!(
            matches!(e.method.as_str(), "GET" | "HEAD" | "OPTIONS"),
            "{}",
            e.method
        );
    }
    // Every documented route was requested.
    for r in ROUTES {
        assert!(
            outcome
                .log
                .iter()
                .any(|e| e.url.ends_with(r) && e.method == "GET"),
            "{r} not requested"
        );
    }
    let hwm = vm_hwm_kib().expect("VmHWM");
    eprintln!(
        "hostile scan: {} requests in {took:?}, peak RSS {} MiB",
        outcome.log.len(),
        hwm / 1024
    );
    assert!(hwm < 256 * 1024, "peak RSS {hwm} KiB");
}
