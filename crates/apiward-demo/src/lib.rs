//! The built-in demo target of `apiward demo`: a deliberately leaky imitation
//! of a FastAPI + DynamoDB service ("Acme Customer API") served by a small
//! HTTP/1.1 server on a random loopback port.
//!
//! Everything is fake and deterministic (fixed seed). The server never makes
//! an outbound connection. See the crate README for the list of planted flaws.
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! let server = apiward_demo::start().await?;
//! println!("demo API at {}", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod app;
pub mod data;
mod http;
mod jwt;
mod spec;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use app::SYSTEM_PROMPT;
pub use http::{MAX_BODY_BYTES, MAX_HEADER_BYTES};
pub use jwt::{base64url, hmac_sha256};

/// Idle time allowed between requests on a keep-alive connection, and for a
/// request to arrive completely once started.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A running demo server. Dropping it stops accepting and closes connections.
pub struct DemoServer {
    pub addr: SocketAddr,
    stop: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, tell every connection to close, and wait for the
    /// accept loop to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// The OpenAPI 3.1.0 document the demo serves at `/openapi.json`.
pub fn openapi_json(base_url: &str) -> String {
    spec::openapi_json(base_url)
}

/// Bind `127.0.0.1:0` and serve the demo API on the current tokio runtime.
pub async fn start() -> std::io::Result<DemoServer> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let mut app = app::App::new();
    app.set_base_url(&format!("http://{addr}"));
    let app = Arc::new(app);
    let (stop_tx, stop_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, app, stop_rx));
    Ok(DemoServer {
        addr,
        stop: Some(stop_tx),
        task: Some(task),
    })
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    // Resolves when `true` is sent or the sender is gone.
    let _ = rx.wait_for(|&s| s).await;
}

async fn accept_loop(listener: TcpListener, app: Arc<app::App>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            biased;
            _ = stopped(&mut stop) => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let app = Arc::clone(&app);
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        let _ = serve_connection(stream, app, stop).await;
                    });
                }
                // Out of file descriptors and the like: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    app: Arc<app::App>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    let mut sent_continue = false;
    loop {
        // Answer every complete request already buffered (pipelining).
        let mut start = 0;
        let mut close = false;
        while start < buf.len() {
            match http::parse(&buf[start..]) {
                http::Parse::Complete(req, used) => {
                    start += used;
                    sent_continue = false;
                    let resp = app.handle(&req);
                    let origin = req.header("origin");
                    close = !req.keep_alive;
                    let conn = if close {
                        http::ConnHeader::Close
                    } else if req.http10 {
                        http::ConnHeader::KeepAlive
                    } else {
                        http::ConnHeader::None
                    };
                    http::write_response(&mut out, &resp, req.method == "HEAD", conn, origin);
                    if close {
                        break;
                    }
                }
                http::Parse::Partial { expect_continue } => {
                    if expect_continue && !sent_continue {
                        out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                        sent_continue = true;
                    }
                    break;
                }
                http::Parse::Error(status) => {
                    let body = match status {
                        431 => &br#"{"detail":"Request Header Fields Too Large"}"#[..],
                        413 => &br#"{"detail":"Request Entity Too Large"}"#[..],
                        _ => &br#"{"detail":"Invalid HTTP request received."}"#[..],
                    };
                    let resp = http::Response::json(status, body);
                    http::write_response(&mut out, &resp, false, http::ConnHeader::Close, None);
                    close = true;
                    break;
                }
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if close {
            let _ = stream.shutdown().await;
            return Ok(());
        }
        if start > 0 {
            buf.drain(..start);
        }
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(4096);
        }
        let read = tokio::select! {
            biased;
            r = stream.read_buf(&mut buf) => r?,
            _ = stopped(&mut stop) => return Ok(()),
            _ = tokio::time::sleep(IDLE_TIMEOUT) => return Ok(()),
        };
        if read == 0 {
            return Ok(());
        }
    }
}
