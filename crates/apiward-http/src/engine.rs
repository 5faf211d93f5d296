//! The engine: one reqwest client behind the policy, the bounds and the log.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use apiward_core::{Diagnostic, DiagnosticLevel, RequestStats};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep, timeout_at};

use crate::body::{ACCEPT_ENCODING, Coding, read_body, until};
use crate::error::{HttpError, classify, classify_plain};
use crate::policy::Policy;
use crate::redact::{redact_headers, redact_url_with};
use crate::resolve::SafeResolver;
use crate::tls::TlsFacts;
use crate::{EngineConfig, Exchange, LogEntry, Request};

/// Diagnostics kept per code; further ones are counted and summarised.
const DIAGNOSTICS_PER_CODE: usize = 20;

/// The scan's HTTP engine. Cheap to clone; all clones share policy, bounds, log and statistics.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: EngineConfig,
    policy: Policy,
    client: reqwest::Client,
    /// For `http://` URLs when no proxy is configured: hyper-util's pooled client (the one reqwest
    /// wraps) with the same resolver, timeouts and pool settings, without reqwest's per-request
    /// layers. Everything around it (policy, redirects, bounds, decoding, log) is shared.
    plain: Option<PlainClient>,
    /// `User-Agent` for the plain client (reqwest sets its own from the same config).
    user_agent: Option<HeaderValue>,
    /// One per origin in scope: its serialized prefix, parsed, for cheap URL parsing (see
    /// [`Engine::parse_url`]) and the `Host` value hyper-util would compute for it.
    bases: Vec<Base>,
    budget_end: Instant,
    next_id: AtomicUsize,
    network_requests: AtomicUsize,
    semaphore: Semaphore,
    rate: Option<RateLimiter>,
    budget_reported: AtomicBool,
    limit_reported: AtomicBool,
    /// Hot counters, kept outside the state lock: network requests sent, per method.
    sent: SentCounters,
    state: Mutex<State>,
}

/// Methods the policy can let through (anything else is counted under the state lock).
const COUNTED_METHODS: [Method; 6] = [
    Method::GET,
    Method::HEAD,
    Method::OPTIONS,
    Method::POST,
    Method::PUT,
    Method::PATCH,
];

/// Lock-free request counters (the statistics are read rarely, written on every hop).
#[derive(Default)]
struct SentCounters {
    requests: AtomicUsize,
    by_method: [AtomicUsize; COUNTED_METHODS.len()],
    bytes_received: AtomicU64,
    errors: AtomicUsize,
}

/// A [`LogEntry`] as kept while the scan runs: the method and the error kind without an
/// allocation each (converted in [`Engine::log`]).
struct Recorded {
    id: usize,
    method: Method,
    url: String,
    request_headers: Vec<(String, String)>,
    status: Option<u16>,
    elapsed: Duration,
    bytes: u64,
    truncated: bool,
    sent: bool,
    error: Option<&'static str>,
    redirects: Vec<(u16, String)>,
}

impl Recorded {
    fn to_entry(&self) -> LogEntry {
        LogEntry {
            id: self.id,
            method: self.method.as_str().to_owned(),
            url: self.url.clone(),
            request_headers: self.request_headers.clone(),
            status: self.status,
            elapsed: self.elapsed,
            bytes: self.bytes,
            truncated: self.truncated,
            sent: self.sent,
            error: self.error.map(str::to_owned),
            redirects: self.redirects.clone(),
        }
    }
}

#[derive(Default)]
struct State {
    log: Vec<Recorded>,
    diagnostics: Vec<Diagnostic>,
    per_code: BTreeMap<String, usize>,
    stats: RequestStats,
}

/// A global pacing limiter: request slots are handed out `interval` apart (a token bucket of depth 1).
struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// The instant this caller may send at.
    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let slot = if *next > now { *next } else { now };
        *next = slot + self.interval;
        slot
    }
}

type PlainClient = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector<SafeResolver>,
    http_body_util::Full<bytes::Bytes>,
>;

fn plain_client(cfg: &EngineConfig) -> PlainClient {
    let mut connector =
        hyper_util::client::legacy::connect::HttpConnector::new_with_resolver(SafeResolver);
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(cfg.timeout));
    // http:// only; https goes through reqwest (rustls, certificate facts).
    connector.enforce_http(true);
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_timer(hyper_util::rt::TokioTimer::new())
        .pool_max_idle_per_host(cfg.concurrency)
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// An origin in scope, pre-parsed.
struct Base {
    /// `scheme://host[:port]` exactly as the url crate serializes it (no trailing slash).
    prefix: String,
    url: Url,
    /// What hyper-util puts in `Host` for a URI with this authority (host, and the port unless
    /// it is the scheme's default).
    host: Option<HeaderValue>,
}

impl Base {
    fn new(origin: &crate::Origin) -> Option<Base> {
        let url = Url::parse(&origin.to_string()).ok()?;
        let prefix = url.as_str().strip_suffix('/')?.to_string();
        let uri: http::Uri = prefix.parse().ok()?;
        let host = uri.host().and_then(|h| match uri.port_u16() {
            Some(p)
                if !matches!(
                    (uri.scheme_str(), p),
                    (Some("http"), 80) | (Some("https"), 443)
                ) =>
            {
                HeaderValue::from_str(&format!("{h}:{p}")).ok()
            }
            _ => HeaderValue::from_str(h).ok(),
        });
        Some(Base { prefix, url, host })
    }

    /// The rest of `s` after this prefix, when `s` is this origin followed by a path.
    fn rest<'a>(&self, s: &'a str) -> Option<&'a str> {
        let rest = s.strip_prefix(self.prefix.as_str())?;
        rest.starts_with('/').then_some(rest)
    }
}

/// What one hop produced.
struct Hop {
    response: crate::body::Response,
    status: u16,
    headers: Vec<(String, String)>,
}

impl Engine {
    pub fn new(cfg: EngineConfig) -> Result<Engine, String> {
        if cfg.origins.is_empty() {
            return Err("no origin in scope: give the target's base URL".to_string());
        }
        if cfg.concurrency == 0 {
            return Err("concurrency must be at least 1".to_string());
        }
        if cfg.timeout.is_zero() {
            return Err("timeout must be positive".to_string());
        }
        let rate = match cfg.rate {
            Some(r) if !r.is_finite() || r < 0.0 => {
                return Err(format!("rate must be a non-negative number, got {r}"));
            }
            Some(r) if r > 0.0 => Some(RateLimiter {
                interval: Duration::from_secs_f64(1.0 / r),
                next: Mutex::new(Instant::now()),
            }),
            _ => None,
        };
        // reqwest is built without a crypto provider: install ring once per process. An error only
        // means a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();

        let mut builder = reqwest::Client::builder()
            // Redirects are followed by the engine itself, so each hop passes the policy.
            .redirect(reqwest::redirect::Policy::none())
            // Never read HTTP_PROXY and friends from the environment.
            .no_proxy()
            .dns_resolver(Arc::new(SafeResolver))
            .connect_timeout(cfg.timeout)
            .user_agent(cfg.user_agent.clone())
            .referer(false)
            .tls_info(true)
            .tcp_nodelay(true)
            .pool_max_idle_per_host(cfg.concurrency)
            .pool_idle_timeout(Duration::from_secs(30));
        if let Some(p) = &cfg.proxy {
            let proxy = reqwest::Proxy::all(p.as_str())
                .map_err(|e| format!("invalid proxy `{}`: {e}", crate::redact_url(p)))?;
            builder = builder.proxy(proxy);
        }
        if cfg.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let plain = cfg.proxy.is_none().then(|| plain_client(&cfg));
        let now = Instant::now();
        Ok(Engine {
            inner: Arc::new(Inner {
                policy: Policy::new(cfg.origins.clone(), cfg.active).with_delete(cfg.allow_delete),
                client,
                plain,
                user_agent: HeaderValue::from_str(&cfg.user_agent).ok(),
                bases: cfg.origins.iter().filter_map(Base::new).collect(),
                budget_end: now + cfg.budget,
                next_id: AtomicUsize::new(0),
                network_requests: AtomicUsize::new(0),
                semaphore: Semaphore::new(cfg.concurrency),
                rate,
                budget_reported: AtomicBool::new(false),
                limit_reported: AtomicBool::new(false),
                sent: SentCounters::default(),
                state: Mutex::new(State::default()),
                cfg,
            }),
        })
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.cfg
    }

    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// Time left in the scan budget.
    pub fn remaining_budget(&self) -> Duration {
        self.inner
            .budget_end
            .saturating_duration_since(Instant::now())
    }

    /// Every call to [`Engine::send`] so far, by id, credentials redacted.
    pub fn log(&self) -> Vec<LogEntry> {
        let mut log: Vec<LogEntry> = self.state().log.iter().map(Recorded::to_entry).collect();
        // Ids are unique: an unstable sort gives the same order.
        log.sort_unstable_by_key(|e| e.id);
        log
    }

    pub fn stats(&self) -> RequestStats {
        let sent = &self.inner.sent;
        let mut stats = self.state().stats.clone();
        stats.requests += sent.requests.load(Ordering::Relaxed);
        stats.bytes_received += sent.bytes_received.load(Ordering::Relaxed);
        stats.errors += sent.errors.load(Ordering::Relaxed);
        for (m, n) in COUNTED_METHODS.iter().zip(&sent.by_method) {
            let n = n.load(Ordering::Relaxed);
            if n > 0 {
                *stats.by_method.entry(m.to_string()).or_insert(0) += n;
            }
        }
        stats
    }

    /// Count one network request (a hop) as sent.
    fn count_sent(&self, method: &Method) {
        let sent = &self.inner.sent;
        sent.requests.fetch_add(1, Ordering::Relaxed);
        match COUNTED_METHODS.iter().position(|m| m == method) {
            Some(i) => {
                sent.by_method[i].fetch_add(1, Ordering::Relaxed);
            }
            None => {
                *self
                    .state()
                    .stats
                    .by_method
                    .entry(method.to_string())
                    .or_insert(0) += 1;
            }
        }
    }

    /// Problems seen so far (at most 20 per code, plus a count of the rest).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let st = self.state();
        let mut out = st.diagnostics.clone();
        for (code, n) in &st.per_code {
            if *n > DIAGNOSTICS_PER_CODE {
                out.push(Diagnostic::new(
                    DiagnosticLevel::Note,
                    code,
                    format!(
                        "{} more `{code}` diagnostics not shown",
                        n - DIAGNOSTICS_PER_CODE
                    ),
                ));
            }
        }
        out
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn diag(&self, level: DiagnosticLevel, code: &str, message: String) {
        let mut st = self.state();
        let n = st.per_code.entry(code.to_string()).or_insert(0);
        *n += 1;
        if *n <= DIAGNOSTICS_PER_CODE {
            st.diagnostics.push(Diagnostic::new(level, code, message));
        }
    }

    fn diag_error(&self, method: &Method, url: &str, err: &HttpError) {
        if matches!(
            err,
            HttpError::TooManyRedirects(_)
                | HttpError::BudgetExhausted
                | HttpError::TooManyRequests
        ) {
            // Reported once, where they are detected.
            return;
        }
        let level = match err {
            HttpError::MethodNotAllowed(_) | HttpError::OutOfScope(_) => DiagnosticLevel::Note,
            _ => DiagnosticLevel::Warning,
        };
        let code = format!("http.{}", err.kind());
        let message = match err {
            // These carry the URL already.
            HttpError::MethodNotAllowed(_)
            | HttpError::OutOfScope(_)
            | HttpError::MetadataAddress(_) => err.to_string(),
            _ => format!("{method} {url}: {err}"),
        };
        self.diag(level, &code, message);
    }

    /// Send one request through the policy and the bounds.
    ///
    /// Refusals (method, scope, metadata, budget, request cap) come back as errors without any
    /// network activity. Body problems (cap, timeout, reset, bad chunking) keep the response and
    /// set `truncated` / `body_error`. A redirect that may not be followed returns the 3xx with
    /// `redirect_blocked` set.
    pub async fn send(&self, req: Request) -> Result<Exchange, HttpError> {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let extra = &req.sensitive_headers;
        let shown_url = redact_url_with(&req.url, extra);
        let mut entry = Recorded {
            id,
            method: req.method.clone(),
            // `shown_url`, moved in below.
            url: String::new(),
            request_headers: redact_headers(&req.headers, extra),
            status: None,
            elapsed: Duration::ZERO,
            bytes: 0,
            truncated: false,
            sent: false,
            error: None,
            redirects: Vec::new(),
        };
        let mut result = self.send_inner(&req, &shown_url, &mut entry, started).await;
        if let Ok(x) = &mut result {
            x.id = id;
        }
        match &result {
            Ok(x) => {
                // One clock read for both.
                entry.elapsed = x.elapsed;
                entry.status = Some(x.status);
                entry.bytes = x.body.len() as u64;
                entry.truncated = x.truncated;
                if let Some(e) = &x.body_error {
                    entry.error = Some(e.kind());
                }
            }
            Err(e) => {
                entry.elapsed = started.elapsed();
                entry.error = Some(e.kind());
                self.diag_error(&req.method, &shown_url, e);
            }
        }
        if result.is_err() && entry.sent {
            self.inner.sent.errors.fetch_add(1, Ordering::Relaxed);
        }
        self.inner
            .sent
            .bytes_received
            .fetch_add(entry.bytes, Ordering::Relaxed);
        entry.url = shown_url;
        self.state().log.push(entry);
        result
    }

    async fn send_inner(
        &self,
        req: &Request,
        shown_url: &str,
        entry: &mut Recorded,
        started: Instant,
    ) -> Result<Exchange, HttpError> {
        let inner = &*self.inner;
        let cfg = &inner.cfg;
        let mut url = self
            .parse_url(&req.url)
            .map_err(|e| HttpError::InvalidRequest(format!("{shown_url}: {e}")))?;
        let mut method = req.method.clone();
        inner.policy.check(&method, &url)?;
        // The headers of the next hop, moved into its request. Built again from `req` for a
        // redirect, minus what earlier hops dropped (credentials once the origin changed, the body
        // headers once the method changed).
        let (mut drop_credentials, mut drop_body_headers) = (false, false);
        let mut headers = hop_headers(req, drop_credentials, drop_body_headers)?;
        self.check_budget(started)?;

        // Concurrency cap, for the whole exchange (all hops and the body).
        // (A free permit is taken without arming a timer.)
        let _permit = match inner.semaphore.try_acquire() {
            Ok(p) => p,
            Err(_) => match timeout_at(inner.budget_end, inner.semaphore.acquire()).await {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => return Err(HttpError::BudgetExhausted),
                Err(_) => return Err(self.budget_error()),
            },
        };

        let mut body = req.body.clone();
        let mut hops: Vec<String> = Vec::new();
        // URLs already requested, for loop detection (filled on the first redirect).
        let mut seen: Vec<Url> = Vec::new();
        loop {
            let hop_start = self.pace().await?;
            let deadline = (hop_start + cfg.timeout).min(inner.budget_end);
            // One timer per hop, shared by the head and the body.
            let sleep = tokio::time::sleep_until(deadline);
            tokio::pin!(sleep);
            entry.sent = true;
            self.count_sent(&method);
            let hop = self
                .one_hop(
                    &method,
                    &url,
                    std::mem::take(&mut headers),
                    body.clone(),
                    deadline,
                    sleep.as_mut(),
                )
                .await?;

            let redirect = req.follow_redirects
                && matches!(hop.status, 301 | 302 | 303 | 307 | 308)
                && hop
                    .response
                    .headers()
                    .contains_key(reqwest::header::LOCATION);
            if !redirect {
                // The URL as requested, already redacted, when it is the final one.
                let shown = (hops.is_empty() && url.as_str() == req.url).then_some(shown_url);
                return self
                    .finish(
                        hop,
                        &method,
                        &url,
                        hops,
                        deadline,
                        sleep.as_mut(),
                        started,
                        None,
                        shown,
                        extra_of(req),
                    )
                    .await;
            }

            // Where does it point?
            let location = hop
                .response
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            let next = match url.join(location.trim()) {
                Ok(u) => u,
                Err(e) => {
                    let err = HttpError::Protocol(format!("bad redirect Location: {e}"));
                    self.diag(
                        DiagnosticLevel::Warning,
                        "http.bad-redirect",
                        format!(
                            "{method} {}: {err}",
                            redact_url_with(url.as_str(), extra_of(req))
                        ),
                    );
                    return self
                        .finish(
                            hop,
                            &method,
                            &url,
                            hops,
                            deadline,
                            sleep.as_mut(),
                            started,
                            Some(err),
                            None,
                            extra_of(req),
                        )
                        .await;
                }
            };
            let next_method = match hop.status {
                // 303 always becomes GET; 301/302 turn POST into GET as browsers do.
                303 => Method::GET,
                301 | 302 if method == Method::POST => Method::GET,
                _ => method.clone(),
            };
            let shown_next = redact_url_with(next.as_str(), extra_of(req));
            entry.redirects.push((hop.status, shown_next.clone()));

            // The same policy, for every hop.
            if let Err(err) = inner.policy.check(&next_method, &next) {
                let (code, what) = match &err {
                    HttpError::MetadataAddress(_) => {
                        ("http.redirect-metadata", "to a cloud metadata address")
                    }
                    HttpError::MethodNotAllowed(_) => {
                        ("http.redirect-method", "with a method that is not allowed")
                    }
                    _ => ("http.redirect-out-of-scope", "out of scope"),
                };
                self.diag(
                    DiagnosticLevel::Warning,
                    code,
                    format!(
                        "{method} {} redirects {what} ({}), not followed: {shown_next}",
                        redact_url_with(url.as_str(), extra_of(req)),
                        hop.status
                    ),
                );
                return self
                    .finish(
                        hop,
                        &method,
                        &url,
                        hops,
                        deadline,
                        sleep.as_mut(),
                        started,
                        Some(err),
                        None,
                        extra_of(req),
                    )
                    .await;
            }
            if hops.len() >= cfg.max_redirects {
                let looped = seen.contains(&next);
                let (code, what) = if looped {
                    ("http.redirect-loop", "redirect loop")
                } else {
                    ("http.too-many-redirects", "too many redirects")
                };
                self.diag(
                    DiagnosticLevel::Warning,
                    code,
                    format!(
                        "{method} {shown_url}: {what}, stopped after {} hops (limit {})",
                        hops.len(),
                        cfg.max_redirects
                    ),
                );
                // Reported above with its own code; the generic error diagnostic would repeat it.
                return Err(HttpError::TooManyRedirects(cfg.max_redirects));
            }
            drop(hop);

            let origin_changed = crate::Origin::of(&url) != crate::Origin::of(&next);
            if origin_changed {
                // Credentials stay with the origin they were given for.
                drop_credentials = true;
            }
            if next_method != method {
                body = None;
                drop_body_headers = true;
            }
            headers = hop_headers(req, drop_credentials, drop_body_headers)?;
            hops.push(redact_url_with(url.as_str(), extra_of(req)));
            if seen.is_empty() {
                seen.push(url.clone());
            }
            seen.push(next.clone());
            method = next_method;
            url = next;
        }
    }

    /// `Url::parse(s)`, cheaper for URLs on an origin in scope: the path is joined onto the
    /// pre-parsed origin (no host parsing), and the result is used only if it serializes back to
    /// exactly `s` — then it is the URL `Url::parse` gives (serialization round-trips), and what
    /// the policy checks is in any case what is sent (the request is built from `url.as_str()`).
    fn parse_url(&self, s: &str) -> Result<Url, url::ParseError> {
        if let Some((base, rest)) = self
            .inner
            .bases
            .iter()
            .find_map(|b| b.rest(s).map(|r| (b, r)))
            && let Ok(u) = base.url.join(rest)
            && u.as_str() == s
        {
            return Ok(u);
        }
        Url::parse(s)
    }

    /// The `Host` value hyper-util would set for this URL, when it is on an origin in scope.
    fn host_header(&self, url: &Url) -> Option<&HeaderValue> {
        let s = url.as_str();
        self.inner
            .bases
            .iter()
            .find(|b| b.rest(s).is_some())
            .and_then(|b| b.host.as_ref())
    }

    /// Fail fast once the budget is spent (at `now`, read by the caller).
    fn check_budget(&self, now: Instant) -> Result<(), HttpError> {
        if now >= self.inner.budget_end {
            return Err(self.budget_error());
        }
        Ok(())
    }

    fn budget_error(&self) -> HttpError {
        if !self.inner.budget_reported.swap(true, Ordering::Relaxed) {
            self.diag(
                DiagnosticLevel::Warning,
                "http.budget-exhausted",
                format!(
                    "scan time budget of {:?} exhausted; further requests were not sent",
                    self.inner.cfg.budget
                ),
            );
        }
        HttpError::BudgetExhausted
    }

    /// Take one network request from the request cap and wait for the rate limiter.
    async fn pace(&self) -> Result<Instant, HttpError> {
        let inner = &*self.inner;
        let n = inner.network_requests.fetch_add(1, Ordering::Relaxed);
        if n >= inner.cfg.max_requests {
            if !inner.limit_reported.swap(true, Ordering::Relaxed) {
                self.diag(
                    DiagnosticLevel::Warning,
                    "http.request-limit",
                    format!(
                        "request limit of {} reached; further requests were not sent",
                        inner.cfg.max_requests
                    ),
                );
            }
            return Err(HttpError::TooManyRequests);
        }
        if let Some(rate) = &inner.rate {
            let slot = rate.reserve();
            if slot >= inner.budget_end {
                return Err(self.budget_error());
            }
            tokio::time::sleep_until(slot).await;
        }
        let now = Instant::now();
        if now >= inner.budget_end {
            return Err(self.budget_error());
        }
        Ok(now)
    }

    async fn one_hop(
        &self,
        method: &Method,
        url: &Url,
        headers: reqwest::header::HeaderMap,
        body: Option<Vec<u8>>,
        deadline: Instant,
        sleep: Pin<&mut Sleep>,
    ) -> Result<Hop, HttpError> {
        let inner = &*self.inner;
        let response = match (&inner.plain, url.scheme()) {
            (Some(plain), "http") => {
                let req = self.plain_request(method, url, headers, body)?;
                match until(sleep, plain.request(req)).await {
                    None => return Err(self.deadline_error(deadline)),
                    Some(Err(e)) => return Err(classify_plain(&e)),
                    Some(Ok(r)) => crate::body::Response::Plain(r),
                }
            }
            _ => {
                let mut rb = inner
                    .client
                    .request(method.clone(), url.clone())
                    .headers(headers);
                if let Some(b) = body {
                    rb = rb.body(b);
                }
                match until(sleep, rb.send()).await {
                    None => return Err(self.deadline_error(deadline)),
                    Some(Err(e)) => return Err(classify(&e)),
                    Some(Ok(r)) => crate::body::Response::Reqwest(r),
                }
            }
        };
        let status = response.status().as_u16();
        let mut size = 0usize;
        let mut invalid_utf8 = Vec::new();
        let mut out = Vec::with_capacity(response.headers().len());
        for (name, value) in response.headers() {
            size += name.as_str().len() + value.len() + 4;
            let v = match std::str::from_utf8(value.as_bytes()) {
                Ok(s) => s.to_string(),
                Err(_) => {
                    invalid_utf8.push(name.as_str().to_string());
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                }
            };
            out.push((name.as_str().to_string(), v));
        }
        if size > inner.cfg.max_header_bytes {
            return Err(HttpError::HeadersTooLarge);
        }
        if !invalid_utf8.is_empty() {
            invalid_utf8.dedup();
            self.diag(
                DiagnosticLevel::Note,
                "http.header-invalid-utf8",
                format!(
                    "{method} {}: header value not valid UTF-8 (decoded lossily): {}",
                    crate::redact_url(url.as_str()),
                    invalid_utf8.join(", ")
                ),
            );
        }
        Ok(Hop {
            response,
            status,
            headers: out,
        })
    }

    /// The request for the hyper-util client, with the headers reqwest would add: `User-Agent`
    /// (from the config) and `Accept: */*` unless the request sets them. hyper-util adds `Host`.
    fn plain_request(
        &self,
        method: &Method,
        url: &Url,
        headers: reqwest::header::HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<http::Request<http_body_util::Full<bytes::Bytes>>, HttpError> {
        let uri: http::Uri = url.as_str().parse().map_err(|e| {
            HttpError::InvalidRequest(format!("{}: {e}", crate::redact_url(url.as_str())))
        })?;
        let mut req = http::Request::new(http_body_util::Full::new(
            body.map(bytes::Bytes::from).unwrap_or_default(),
        ));
        *req.method_mut() = method.clone();
        *req.uri_mut() = uri;
        let h = req.headers_mut();
        *h = headers;
        // hyper-util would format the same value from the URI for every request.
        if !h.contains_key(reqwest::header::HOST)
            && let Some(v) = self.host_header(url)
        {
            h.insert(reqwest::header::HOST, v.clone());
        }
        if !h.contains_key(reqwest::header::USER_AGENT)
            && let Some(v) = &self.inner.user_agent
        {
            h.insert(reqwest::header::USER_AGENT, v.clone());
        }
        if !h.contains_key(reqwest::header::ACCEPT) {
            h.insert(reqwest::header::ACCEPT, HeaderValue::from_static("*/*"));
        }
        Ok(req)
    }

    fn deadline_error(&self, deadline: Instant) -> HttpError {
        if deadline >= self.inner.budget_end && Instant::now() >= self.inner.budget_end {
            self.budget_error()
        } else {
            HttpError::Timeout
        }
    }

    /// Read the body of the final hop, within the deadline and the cap.
    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        hop: Hop,
        method: &Method,
        url: &Url,
        hops: Vec<String>,
        deadline: Instant,
        sleep: Pin<&mut Sleep>,
        started: Instant,
        redirect_blocked: Option<HttpError>,
        shown: Option<&str>,
        extra: &[String],
    ) -> Result<Exchange, HttpError> {
        let cfg = &self.inner.cfg;
        let shown = match shown {
            Some(s) => s.to_owned(),
            None => redact_url_with(url.as_str(), extra),
        };
        let http_version = match hop.response.version() {
            reqwest::Version::HTTP_09 => "HTTP/0.9".to_string(),
            reqwest::Version::HTTP_10 => "HTTP/1.0".to_string(),
            reqwest::Version::HTTP_11 => "HTTP/1.1".to_string(),
            reqwest::Version::HTTP_2 => "HTTP/2.0".to_string(),
            reqwest::Version::HTTP_3 => "HTTP/3.0".to_string(),
            v => format!("{v:?}"),
        };
        let tls = hop
            .response
            .tls_info()
            .map(|info| TlsFacts::from_info(info, !cfg.insecure));
        let no_body = *method == Method::HEAD || matches!(hop.status, 100..=199 | 204 | 304);
        let coding = if no_body {
            Coding::Identity
        } else {
            Coding::from_header(
                hop.headers
                    .iter()
                    .find(|(n, _)| n == "content-encoding")
                    .map(|(_, v)| v.as_str()),
            )
        };
        let outcome = read_body(hop.response, &coding, cfg.max_body, sleep).await;
        let body = outcome.body;
        let mut truncated = outcome.over_cap;
        let body_error = match outcome.error {
            Some(HttpError::Timeout) => Some(self.deadline_error(deadline)),
            other => other,
        };
        if truncated {
            let message = if coding.decodes() {
                format!(
                    "{method} {shown}: body larger than {} bytes after {} decompression ({} bytes on the wire; possible decompression bomb), truncated",
                    cfg.max_body,
                    coding.name(),
                    outcome.wire_bytes
                )
            } else {
                format!(
                    "{method} {shown}: body larger than {} bytes, truncated",
                    cfg.max_body
                )
            };
            self.diag(DiagnosticLevel::Warning, "http.body-too-large", message);
        }
        if let Some(err) = &body_error {
            truncated = true;
            let code = match err {
                HttpError::Protocol(m)
                    if m.starts_with("invalid ") && m.contains("encoded body") =>
                {
                    "http.bad-encoding".to_string()
                }
                HttpError::Protocol(m) if m.to_ascii_lowercase().contains("chunk") => {
                    "http.bad-chunking".to_string()
                }
                HttpError::Timeout => "http.body-timeout".to_string(),
                e => format!("http.body-{}", e.kind()),
            };
            self.diag(
                DiagnosticLevel::Warning,
                &code,
                format!(
                    "{method} {shown}: body incomplete after {} bytes: {err}",
                    body.len()
                ),
            );
        }
        let is_json = hop
            .headers
            .iter()
            .any(|(n, v)| n == "content-type" && contains_ignore_ascii_case(v, "json"))
            || body.first() == Some(&b'[')
            || body.first() == Some(&b'{');
        let json_too_deep = is_json && crate::json_depth_exceeds(&body, cfg.max_json_depth);
        if json_too_deep {
            self.diag(
                DiagnosticLevel::Warning,
                "http.json-too-deep",
                format!(
                    "{method} {shown}: JSON nested deeper than {} levels",
                    cfg.max_json_depth
                ),
            );
        }
        Ok(Exchange {
            id: 0,
            json_too_deep,
            wire_bytes: outcome.wire_bytes,
            method: method.clone(),
            url: shown,
            status: hop.status,
            headers: hop.headers,
            body,
            truncated,
            body_error,
            redirect_blocked,
            elapsed: started.elapsed(),
            redirects: hops,
            http_version,
            tls,
        })
    }
}

/// `haystack.to_ascii_lowercase().contains(needle)` for a lower-case `needle`, without allocating.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn extra_of(req: &Request) -> &[String] {
    &req.sensitive_headers
}

/// The request's headers for one hop: `Accept-Encoding` added unless set; credentials dropped
/// (`drop_credentials`, once a redirect left the origin) and `Content-Type` / `Content-Length`
/// dropped (`drop_body_headers`, once a redirect changed the method and dropped the body).
fn hop_headers(
    req: &Request,
    drop_credentials: bool,
    drop_body_headers: bool,
) -> Result<reqwest::header::HeaderMap, HttpError> {
    let mut headers = build_headers(&req.headers)?;
    if !headers.contains_key(reqwest::header::ACCEPT_ENCODING) {
        headers.insert(
            reqwest::header::ACCEPT_ENCODING,
            HeaderValue::from_static(ACCEPT_ENCODING),
        );
    }
    if drop_credentials {
        let drop_names: Vec<HeaderName> = headers
            .keys()
            .filter(|n| crate::redact::is_sensitive_header(n.as_str(), &req.sensitive_headers))
            .cloned()
            .collect();
        for n in drop_names {
            headers.remove(n);
        }
    }
    if drop_body_headers {
        headers.remove(reqwest::header::CONTENT_TYPE);
        headers.remove(reqwest::header::CONTENT_LENGTH);
    }
    Ok(headers)
}

fn build_headers(list: &[(String, String)]) -> Result<reqwest::header::HeaderMap, HttpError> {
    // Room for what the engine and hyper-util add (Accept-Encoding, User-Agent, Accept, Host).
    let mut map = reqwest::header::HeaderMap::with_capacity(list.len() + 4);
    for (n, v) in list {
        let name = HeaderName::from_bytes(n.as_bytes())
            .map_err(|_| HttpError::InvalidRequest(format!("invalid header name `{n}`")))?;
        let value = HeaderValue::from_str(v)
            .map_err(|_| HttpError::InvalidRequest(format!("invalid value for header `{n}`")))?;
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(origins: &[&str]) -> Engine {
        Engine::new(EngineConfig {
            origins: origins
                .iter()
                .map(|o| crate::Origin::parse(o).expect("origin"))
                .collect(),
            ..EngineConfig::default()
        })
        .expect("engine")
    }

    #[test]
    fn parse_url_is_url_parse() {
        let e = engine(&[
            "http://127.0.0.1:8080",
            "https://API.example.com",
            "http://[::1]:9",
        ]);
        for s in [
            "http://127.0.0.1:8080/health",
            "http://127.0.0.1:8080/a/../b?x=1&y=%zz#f",
            "http://127.0.0.1:8080//evil.example/x",
            "http://127.0.0.1:8080/\\evil.example/x",
            "http://127.0.0.1:8080/a b\tc",
            "http://127.0.0.1:8080/%2e%2e/x",
            "http://127.0.0.1:80800/x",
            "http://127.0.0.1:8080@evil.example/x",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080?q",
            "https://api.example.com/v1/users?id=1",
            "https://api.example.com:443/v1",
            "http://[::1]:9/x",
            "http://evil.example/x",
        ] {
            let fast = e.parse_url(s).map(|u| u.to_string());
            let slow = Url::parse(s).map(|u| u.to_string());
            assert_eq!(fast, slow, "{s}");
        }
    }

    #[test]
    fn host_header_is_hyper_utils() {
        let e = engine(&[
            "http://127.0.0.1:8080",
            "http://example.com",
            "http://[::1]:9",
        ]);
        let host = |s: &str| {
            e.host_header(&Url::parse(s).expect("url"))
                .map(|v| v.to_str().expect("ascii").to_string())
        };
        assert_eq!(
            host("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(host("http://example.com/x").as_deref(), Some("example.com"));
        assert_eq!(
            host("http://example.com:80/x").as_deref(),
            Some("example.com")
        );
        assert_eq!(host("http://[::1]:9/").as_deref(), Some("[::1]:9"));
        // Not an origin in scope: left to hyper-util.
        assert_eq!(host("http://127.0.0.1:8081/x"), None);
        assert_eq!(host("http://example.com.evil/x"), None);
    }

    #[test]
    fn json_content_type_match() {
        assert!(contains_ignore_ascii_case(
            "Application/JSON; charset=utf-8",
            "json"
        ));
        assert!(contains_ignore_ascii_case(
            "application/problem+json",
            "json"
        ));
        assert!(!contains_ignore_ascii_case("text/plain", "json"));
        assert!(!contains_ignore_ascii_case("js", "json"));
    }
}
