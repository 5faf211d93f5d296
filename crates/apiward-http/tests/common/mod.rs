//! A raw TCP HTTP/1.1 test server on 127.0.0.1: it can send anything, including malformed traffic.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A parsed request head (and body).
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub type Custom = Box<dyn FnOnce(TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

pub enum Reply {
    /// Write these bytes; the connection stays open for more requests.
    Raw(Vec<u8>),
    /// Wait, then write; counted as in flight meanwhile.
    Delayed(Duration, Vec<u8>),
    /// Take over the connection (it is closed afterwards).
    Custom(Custom),
}

pub fn custom<F, Fut>(f: F) -> Reply
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Reply::Custom(Box::new(move |s| Box::pin(f(s))))
}

/// A complete response with a body.
pub fn response(status: u16, extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn ok(body: &str) -> Reply {
    Reply::Raw(response(
        200,
        "content-type: text/plain\r\n",
        body.as_bytes(),
    ))
}

pub fn redirect(status: u16, location: &str) -> Reply {
    Reply::Raw(response(status, &format!("location: {location}\r\n"), b""))
}

type Handler = dyn Fn(Head) -> Reply + Send + Sync;

#[derive(Clone)]
pub struct TestServer {
    pub addr: SocketAddr,
    pub accepts: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<Head>>>,
    pub in_flight: Arc<AtomicUsize>,
    pub max_in_flight: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn accepted(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Head> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

pub async fn serve<F>(handler: F) -> TestServer
where
    F: Fn(Head) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let server = TestServer {
        addr,
        accepts: Arc::new(AtomicUsize::new(0)),
        requests: Arc::new(Mutex::new(Vec::new())),
        in_flight: Arc::new(AtomicUsize::new(0)),
        max_in_flight: Arc::new(AtomicUsize::new(0)),
    };
    let handler: Arc<Handler> = Arc::new(handler);
    let s = server.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            s.accepts.fetch_add(1, Ordering::SeqCst);
            let h = handler.clone();
            let s2 = s.clone();
            tokio::spawn(async move {
                let _ = connection(stream, h, s2).await;
            });
        }
    });
    server
}

async fn connection(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    server: TestServer,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        // Read a head.
        let end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head_text = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end + 4);
        let mut lines = head_text.split("\r\n");
        let first = lines.next().unwrap_or_default();
        let mut parts = first.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < len {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body: Vec<u8> = buf.drain(..len).collect();
        let head = Head {
            method,
            path,
            headers,
            body,
        };
        if let Ok(mut r) = server.requests.lock() {
            r.push(head.clone());
        }
        let now = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        server.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let reply = handler(head);
        match reply {
            Reply::Raw(bytes) => {
                server.in_flight.fetch_sub(1, Ordering::SeqCst);
                stream.write_all(&bytes).await?;
            }
            Reply::Delayed(d, bytes) => {
                tokio::time::sleep(d).await;
                server.in_flight.fetch_sub(1, Ordering::SeqCst);
                stream.write_all(&bytes).await?;
            }
            Reply::Custom(f) => {
                server.in_flight.fetch_sub(1, Ordering::SeqCst);
                f(stream).await;
                return Ok(());
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A test engine config: short timeouts, scoped to the given origins.
pub fn config(bases: &[&str]) -> apiward_http::EngineConfig {
    apiward_http::EngineConfig {
        origins: bases
            .iter()
            .map(|b| apiward_http::Origin::parse(b).expect("origin"))
            .collect(),
        timeout: Duration::from_secs(2),
        budget: Duration::from_secs(30),
        ..apiward_http::EngineConfig::default()
    }
}

pub fn has_diag(engine: &apiward_http::Engine, code: &str) -> bool {
    engine.diagnostics().iter().any(|d| d.code == code)
}

/// LSB-first bit writer for a hand-made DEFLATE stream.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Huffman codes go most significant bit first.
    fn huff(&mut self, code: u64, len: u32) {
        let mut rev = 0u64;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(rev, len);
    }
}

/// A gzip stream that inflates to `size` zero bytes: one fixed-Huffman block of a literal 0 and
/// length-258/distance-1 matches (13 bits per 258 bytes, so 200 MiB packs into ~1.3 MB).
pub fn gzip_bomb(size: usize) -> Vec<u8> {
    let mut b = Bits {
        out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // BFINAL
    b.put(1, 2); // fixed Huffman
    b.huff(0x30, 8); // literal 0
    for _ in 0..(size - 1) / 258 {
        b.huff(0b1100_0101, 8); // length code 285 = 258
        b.huff(0, 5); // distance code 0 = 1
    }
    b.huff(0, 7); // end of block
    b.put(0, 7); // flush
    b.out.extend_from_slice(&[0, 0, 0, 0]); // CRC (never reached: the cap stops first)
    b.out.extend_from_slice(&((size as u32).to_le_bytes()));
    b.out
}
