//! `apiward serve`: a small web service over the history database (`apiward-history`).
//!
//! - Pages (server-rendered, no external asset, strict CSP): APIs with latest grade and trend, a
//!   scan with its findings (the HTML report's look), the diff of two scans, a finding's history,
//!   schedules and webhooks.
//! - A JSON API under `/api/v1`, described by `/openapi.json`.
//! - Monitoring: schedules (interval or cron) run by the service itself, with jitter and a cap on
//!   concurrent scans; every run is recorded; read-only unless the service was started `active`.
//! - Webhooks on new / regressed findings and grade changes, HMAC-SHA256 signed, retried with
//!   backoff, each attempt logged; sent through `apiward-http`'s engine, so webhook URLs obey the
//!   same scope and metadata-address policy as scans.
//!
//! Safety of the service itself (`auth.rs`): loopback by default; any other address needs an
//! explicit opt-in and an access token, and then every request carries it. State-changing
//! requests need a same-origin proof (CSRF token in forms, JSON content type or a bearer token
//! for the API) and are refused when the browser says they come from another site.

mod api;
mod auth;
mod monitor;
mod openapi;
mod pages;
mod settings;
mod webhook;

use apiward_history::Store;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

pub use auth::check_bind;
pub use webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify};

/// How `apiward serve` runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on (default 127.0.0.1:8477).
    pub bind: SocketAddr,
    /// Access token: required on every request when set (and it must be set off loopback).
    pub token: Option<String>,
    /// Scheduled and manual scans may write (the scanner's `--active`). Only from the command line.
    pub active: bool,
    /// Scans run at once at most.
    pub max_concurrent_scans: usize,
    /// How often the scheduler looks for due schedules.
    pub tick: Duration,
    /// Largest random delay added to a schedule's next run (capped at a tenth of its period).
    pub max_jitter: Duration,
    /// Per-scan time budget and request cap.
    pub scan_budget: Duration,
    pub scan_max_requests: usize,
    /// Requests per second of each scan (`None`: unlimited).
    pub scan_rate: Option<f64>,
    /// Webhook delivery attempts, and the delay before the second one (doubled each time).
    pub webhook_attempts: u32,
    pub webhook_backoff: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8477)),
            token: None,
            active: false,
            max_concurrent_scans: 2,
            tick: Duration::from_secs(5),
            max_jitter: Duration::from_secs(60),
            scan_budget: Duration::from_secs(120),
            scan_max_requests: 5000,
            scan_rate: Some(150.0),
            webhook_attempts: 5,
            webhook_backoff: Duration::from_secs(2),
        }
    }
}

/// Shared state of the running service.
pub(crate) struct App {
    pub store: Arc<Store>,
    pub cfg: ServeConfig,
    /// Key for session ids and CSRF tokens; new at every start.
    pub key: [u8; 32],
    /// Live browser sessions (after the access token was entered), newest last, bounded.
    pub sessions: Mutex<Vec<String>>,
    pub scan_slots: Semaphore,
    /// Schedules whose scan is running now.
    pub running: Mutex<std::collections::HashSet<i64>>,
}

/// A running service.
pub struct Server {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    http: JoinHandle<()>,
    scheduler: JoinHandle<()>,
}

impl Server {
    /// `http://ADDR`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, stop scheduling, and wait for both loops to end (scans in flight are
    /// dropped; they were never recorded, so the history stays consistent).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.http.await;
        let _ = self.scheduler.await;
    }
}

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(b)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Bind and start serving on the current tokio runtime (the scheduler included).
pub async fn start(cfg: ServeConfig, store: Arc<Store>) -> Result<Server, String> {
    check_bind(cfg.bind, cfg.token.as_deref())?;
    let listener = tokio::net::TcpListener::bind(cfg.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.bind))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let app = Arc::new(App {
        store,
        scan_slots: Semaphore::new(cfg.max_concurrent_scans.max(1)),
        cfg,
        key: random_bytes()?,
        sessions: Mutex::new(Vec::new()),
        running: Mutex::new(Default::default()),
    });
    let (stop, stop_rx) = watch::channel(false);
    let router = api::router(Arc::clone(&app));
    let mut http_stop = stop_rx.clone();
    let http = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = http_stop.wait_for(|s| *s).await;
            })
            .await;
    });
    let scheduler = tokio::spawn(monitor::run(Arc::clone(&app), stop_rx));
    Ok(Server {
        addr,
        stop,
        http,
        scheduler,
    })
}
