//! Hostile servers: every request ends within its timeout, yields a diagnostic naming the problem,
//! and the whole suite stays under 256 MB peak RSS. One test, so VmHWM is read after all cases.

mod common;

use std::time::{Duration, Instant};

use apiward_http::{Engine, EngineConfig, Exchange, HttpError, Request};
use common::{Reply, custom, gzip_bomb, redirect, response, serve};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_millis(1500);
const MAX_BODY: usize = 8 * 1024 * 1024;

async fn write_slowly(mut s: TcpStream, head: &[u8], drip: &[u8]) {
    if s.write_all(head).await.is_err() {
        return;
    }
    for byte in drip.iter().cycle().take(300) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if s.write_all(&[*byte]).await.is_err() {
            return;
        }
    }
}

fn check_time(name: &str, started: Instant) {
    let took = started.elapsed();
    assert!(
        took < TIMEOUT + Duration::from_millis(1500),
        "{name} took {took:?}"
    );
}

fn codes(engine: &Engine) -> Vec<String> {
    engine.diagnostics().into_iter().map(|d| d.code).collect()
}

fn expect_diag(engine: &Engine, name: &str, code: &str) {
    let c = codes(engine);
    assert!(c.iter().any(|x| x == code), "{name}: no {code} in {c:?}");
}

fn expect_truncated(name: &str, r: Result<Exchange, HttpError>) -> Exchange {
    let x = r.unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(x.truncated, "{name}: not truncated");
    x
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_servers() {
    let bomb = std::sync::Arc::new(gzip_bomb(200 * 1024 * 1024));
    assert!(bomb.len() < 2 * 1024 * 1024, "bomb is {} bytes", bomb.len());

    let server = serve(move |h| {
        let bomb = bomb.clone();
        match h.path.as_str() {
            "/bomb" => {
                let mut out = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                    bomb.len()
                )
                .into_bytes();
                out.extend_from_slice(&bomb);
                Reply::Raw(out)
            }
            "/endless" => custom(|mut s: TcpStream| async move {
                let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                if s.write_all(head).await.is_err() {
                    return;
                }
                let mut chunk = b"10000\r\n".to_vec();
                chunk.extend(std::iter::repeat_n(b'a', 0x10000));
                chunk.extend_from_slice(b"\r\n");
                // Bounded: at most 4 GiB, but the client hangs up long before.
                for _ in 0..65536 {
                    if s.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            }),
            "/slow-headers" => custom(|s: TcpStream| async move {
                write_slowly(s, b"HTTP/1.1 200 OK\r\nx-drip: ", b"abcdef").await;
            }),
            "/slow-body" => custom(|s: TcpStream| async move {
                write_slowly(s, b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n", b"x").await;
            }),
            "/loop" => redirect(302, "/loop"),
            "/bad-chunking" => custom(|mut s: TcpStream| async move {
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\nmore\r\n")
                    .await;
                let _ = s.flush().await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }),
            "/reset" => custom(|mut s: TcpStream| async move {
                let mut out = b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n".to_vec();
                out.extend(std::iter::repeat_n(b'r', 1000));
                let _ = s.write_all(&out).await;
                let _ = s.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                // SO_LINGER 0: closing sends RST.
                let _ = s.set_zero_linger();
                drop(s);
            }),
            "/huge-header" => {
                let mut out = b"HTTP/1.1 200 OK\r\nx-big: ".to_vec();
                out.extend(std::iter::repeat_n(b'h', 1024 * 1024));
                out.extend_from_slice(b"\r\ncontent-length: 0\r\n\r\n");
                Reply::Raw(out)
            }
            "/big-header" => {
                let big = "b".repeat(100 * 1024);
                Reply::Raw(response(200, &format!("x-big: {big}\r\n"), b"ok"))
            }
            "/json-300mb" => custom(|mut s: TcpStream| async move {
                let head =
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if s.write_all(head).await.is_err() {
                    return;
                }
                let item = br#"{"id":1234567,"name":"customer","email":"a@example.com"},"#;
                let mut block = Vec::new();
                while block.len() < 60_000 {
                    block.extend_from_slice(item);
                }
                let mut sent = 0usize;
                let first = format!("1\r\n[\r\n{:x}\r\n", block.len());
                if s.write_all(first.as_bytes()).await.is_err() {
                    return;
                }
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
            "/bad-utf8" => {
                let mut out = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-bad: caf\xe9 \xff\xfe\r\n\r\nok".to_vec();
                out.shrink_to_fit();
                Reply::Raw(out)
            }
            _ => Reply::Raw(response(404, "", b"")),
        }
    })
    .await;

    let engine = Engine::new(EngineConfig {
        timeout: TIMEOUT,
        max_body: MAX_BODY,
        ..common::config(&[&server.base()])
    })
    .expect("engine");
    let get = |p: &str| engine.send(Request::get(server.url(p)));

    // Gzip bomb: 200 MiB of zeros, stopped at the cap.
    let t = Instant::now();
    let x = expect_truncated("bomb", get("/bomb").await);
    assert_eq!(x.body.len(), MAX_BODY);
    assert!(x.body.iter().all(|b| *b == 0));
    check_time("bomb", t);
    expect_diag(&engine, "bomb", "http.body-too-large");
    assert!(
        engine
            .diagnostics()
            .iter()
            .any(|d| d.message.contains("decompression bomb"))
    );

    // Endless chunked body.
    let t = Instant::now();
    let x = expect_truncated("endless", get("/endless").await);
    assert_eq!(x.body.len(), MAX_BODY);
    check_time("endless", t);

    // Slow drip of headers: the timeout covers the head.
    let t = Instant::now();
    let r = get("/slow-headers").await;
    assert!(matches!(r, Err(HttpError::Timeout)), "slow headers: {r:?}");
    check_time("slow headers", t);
    expect_diag(&engine, "slow headers", "http.timeout");

    // Slow drip of the body: the timeout covers the body too.
    let t = Instant::now();
    let x = expect_truncated("slow body", get("/slow-body").await);
    assert_eq!(x.body_error, Some(HttpError::Timeout));
    assert!(x.body.len() < 20, "{} bytes", x.body.len());
    check_time("slow body", t);
    expect_diag(&engine, "slow body", "http.body-timeout");

    // Redirect loop.
    let t = Instant::now();
    let r = get("/loop").await;
    assert!(
        matches!(r, Err(HttpError::TooManyRedirects(5))),
        "loop: {r:?}"
    );
    check_time("loop", t);
    expect_diag(&engine, "loop", "http.redirect-loop");

    // Invalid chunking.
    let t = Instant::now();
    let x = expect_truncated("bad chunking", get("/bad-chunking").await);
    assert!(
        matches!(x.body_error, Some(HttpError::Protocol(_))),
        "{:?}",
        x.body_error
    );
    check_time("bad chunking", t);
    expect_diag(&engine, "bad chunking", "http.bad-chunking");

    // Connection reset mid-body.
    let t = Instant::now();
    let x = expect_truncated("reset", get("/reset").await);
    assert_eq!(x.body_error, Some(HttpError::ConnectionReset));
    check_time("reset", t);
    expect_diag(&engine, "reset", "http.body-connection-reset");

    // 1 MB header (over the transport's limit) and a 100 KiB one (over max_header_bytes).
    for p in ["/huge-header", "/big-header"] {
        let t = Instant::now();
        let r = get(p).await;
        assert!(matches!(r, Err(HttpError::HeadersTooLarge)), "{p}: {r:?}");
        check_time(p, t);
    }
    expect_diag(&engine, "huge header", "http.headers-too-large");

    // 300 MB JSON array, streamed: truncated at the cap.
    let t = Instant::now();
    let x = expect_truncated("json", get("/json-300mb").await);
    assert_eq!(x.body.len(), MAX_BODY);
    check_time("json", t);

    // 1,000,000-deep JSON: received (2 MB) and flagged.
    let x = get("/deep-json").await.expect("deep json");
    assert!(x.json_too_deep);
    expect_diag(&engine, "deep json", "http.json-too-deep");

    // Invalid UTF-8 header value: decoded lossily, noted.
    let x = get("/bad-utf8").await.expect("bad utf8");
    let v = x.header("x-bad").expect("header kept");
    assert!(v.contains('\u{fffd}'), "{v}");
    expect_diag(&engine, "bad utf8", "http.header-invalid-utf8");

    for d in engine.diagnostics() {
        eprintln!("{:?} {} {}", d.level, d.code, d.message);
    }
    // All in the log, with bytes.
    let log = engine.log();
    assert_eq!(log.len(), 12);
    assert!(log.iter().all(|e| e.sent && e.method == "GET"));
    assert_eq!(log[0].bytes, MAX_BODY as u64);
    assert!(log[0].truncated);

    let hwm = vm_hwm_kib().expect("VmHWM");
    eprintln!("peak RSS (VmHWM): {} MiB", hwm / 1024);
    assert!(hwm < 256 * 1024, "peak RSS {hwm} KiB");
}
