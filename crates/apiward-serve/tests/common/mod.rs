//! A minimal HTTP/1.1 client and webhook receiver over loopback TCP for the tests (no client
//! library: what goes over the wire is exactly what the test wrote).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

type Headers = Vec<(String, String)>;

/// Split a raw HTTP message into (start line, headers, body), the body by Content-Length.
fn parse(raw: &[u8]) -> Option<(String, Headers, Vec<u8>)> {
    let end = find(raw, b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let start = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let body = raw.get(end + 4..end + 4 + len)?.to_vec();
    Some((start, headers, body))
}

/// One request on a fresh connection (`Connection: close`). `Host` is the server's address
/// unless given in `headers`.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes()).await.expect("write");
    s.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.expect("read");
    let (start, headers, body) = parse(&raw).expect("an HTTP answer");
    let status = start
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn get(addr: SocketAddr, path: &str) -> Answer {
    request(addr, "GET", path, &[], b"").await
}

pub async fn post_json(addr: SocketAddr, path: &str, body: &serde_json::Value) -> Answer {
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
    .await
}

/// One request a receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A webhook receiver on 127.0.0.1: answers with the statuses in `script` in turn (then 200),
/// and keeps every request.
pub async fn receiver(script: Vec<u16>) -> (SocketAddr, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let store = Arc::clone(&got);
    let script = Arc::new(Mutex::new(script.into_iter()));
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let store = Arc::clone(&store);
            let script = Arc::clone(&script);
            tokio::spawn(async move {
                let mut raw = Vec::new();
                let mut buf = [0u8; 8192];
                loop {
                    let n = match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    raw.extend_from_slice(&buf[..n]);
                    if let Some((_, headers, body)) = parse(&raw) {
                        store.lock().expect("lock").push(Received { headers, body });
                        let status = script.lock().expect("lock").next().unwrap_or(200);
                        let answer = format!(
                            "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                        let _ = s.write_all(answer.as_bytes()).await;
                        return;
                    }
                }
            });
        }
    });
    (addr, got)
}

pub fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "apiward-serve-{name}-{}-{}",
        std::process::id(),
        apiward_core::time::unix_now()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("history.db")
}

/// Audit the demo API's spec, without one path when given (a real document, really edited).
pub fn demo_audit(drop_path: Option<&str>) -> apiward_core::Report {
    let text = apiward_demo::openapi_json("http://127.0.0.1:9");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("demo spec");
    if let Some(p) = drop_path {
        doc["paths"].as_object_mut().expect("paths").remove(p);
    }
    let bytes = serde_json::to_vec(&doc).expect("json");
    let spec = apiward_spec::load_bytes(
        "demo-openapi.json",
        &bytes,
        None,
        &apiward_spec::LoadOptions::default(),
    )
    .expect("spec");
    apiward_run::audit_report(
        &spec,
        &apiward_run::AuditJob {
            source: "demo-openapi.json".into(),
            ..Default::default()
        },
    )
}
