//! The live scan.
//!
//! Data flows one way: [`discover`] finds (or is handed) the spec → [`plan`] turns operations into
//! concrete requests, harvesting ids from list responses for item routes → every exchange goes
//! through the one HTTP engine (`apiward-http`, which owns safety) into the evidence [`store`], with
//! the detector run once per response → the runtime [`checks`] turn evidence into findings →
//! [`join`] merges them with the spec audit's findings so one problem is one finding.

use apiward_core::{Category, Diagnostic, DiagnosticLevel, Finding, RequestStats};
use apiward_detect::Detector;
use apiward_http::{Engine, EngineConfig, Exchange, Request};
use apiward_spec::Spec;
use std::sync::Arc;
use std::time::Instant;

pub mod canary;
pub mod checks;
pub mod discover;
pub mod evidence;
pub mod guard;
pub mod identity;
pub mod join;
mod login;
pub mod ownership;
pub mod plan;
mod progress;
mod sample;
pub mod store;
pub mod writes;

pub use identity::{Auth, Identity, parse_auth};
pub use progress::{ProgressSink, ProgressUpdate};
use store::{Observation, Purpose, Store};

/// Where the spec comes from.
pub enum SpecInput {
    /// Loaded by the caller (a file): the spec and its display name.
    Loaded(Box<Spec>, String),
    /// A URL to fetch through the engine (must be in scope).
    Url(String),
    /// Look for it on the target.
    Discover,
}

/// LLM probe depth in active mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmTier {
    Quick,
    Standard,
    Deep,
}

pub struct ScanConfig {
    /// The target's base URL.
    pub target: String,
    pub spec: SpecInput,
    pub identities: Vec<Identity>,
    pub engine: EngineConfig,
    /// Requests in the rate-limit burst probe; 0 turns it off ("gentle").
    pub burst: usize,
    /// A list response larger than this many items is oversized.
    pub max_items: usize,
    /// A response larger than this many bytes is oversized.
    pub max_response_bytes: usize,
    /// Probe the built-in list of shadow/debug paths.
    pub shadow_probe: bool,
    pub llm_tier: LlmTier,
    /// Progress on stderr (only when it is a terminal).
    pub progress: bool,
    /// Progress for another front end (the MCP server's notifications).
    pub progress_sink: Option<ProgressSink>,
    /// User-defined data types for the detector (from `apiward.toml`).
    pub custom_types: Vec<apiward_detect::CustomType>,
    /// `--include`: operations called even though the risk model says they change state (once).
    pub include: Vec<guard::OpPattern>,
    /// `--exclude`: operations that receive nothing.
    pub exclude: Vec<guard::OpPattern>,
    /// Where the out-of-band canary listens and what URL targets are given.
    pub canary: canary::CanaryConfig,
    /// `--role NAME=ROLE`: declared roles of named identities.
    pub roles: Vec<(String, String)>,
}

impl ScanConfig {
    pub fn new(target: &str) -> Result<ScanConfig, String> {
        Ok(ScanConfig {
            target: target.trim_end_matches('/').to_string(),
            spec: SpecInput::Discover,
            identities: Vec::new(),
            engine: EngineConfig::for_target(target)?,
            burst: 20,
            max_items: 500,
            max_response_bytes: 1024 * 1024,
            shadow_probe: true,
            llm_tier: LlmTier::Quick,
            progress: false,
            progress_sink: None,
            custom_types: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            canary: canary::CanaryConfig::default(),
            roles: Vec::new(),
        })
    }
}

/// How much of the spec the scan exercised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub operations: usize,
    /// Operations sent with their own method.
    pub exercised: usize,
    /// Write operations only probed with OPTIONS (no `--active`).
    pub probed_only: usize,
    /// Item operations whose path ids came from earlier responses.
    pub with_harvested_ids: usize,
}

/// What a scan produced.
pub struct ScanOutcome {
    pub spec: Option<Arc<Spec>>,
    pub spec_name: Option<String>,
    /// Runtime findings merged with the spec audit's (when there is a spec).
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: RequestStats,
    pub log: Vec<apiward_http::LogEntry>,
    pub applicable: Vec<Category>,
    pub coverage: Coverage,
    /// The mode, the operations not called and every write sent.
    pub safety: apiward_core::ScanSafety,
}

/// The state of a running scan: what checks read and how they send.
pub struct Scanner {
    pub engine: Engine,
    pub detector: Arc<Detector>,
    /// Scheme + host + port of the target.
    pub origin: String,
    /// Origin + the API's path prefix, no trailing slash.
    pub base: String,
    pub spec: Option<Arc<Spec>>,
    pub spec_name: Option<String>,
    /// The path on the target where the spec was found (discovery), if any.
    pub spec_served_at: Option<String>,
    pub identities: Vec<Identity>,
    pub active: bool,
    pub cfg: ScanSettings,
    pub store: Store,
    pub harvest: plan::Harvest,
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
    /// Decides, before the engine, whether each request may be sent (risk, ownership, caps).
    pub guard: guard::Guard,
    progress: progress::Progress,
    /// `login:` identities: the login operation, re-login credentials, the read-only login engine.
    pub(crate) logins: login::Logins,
    /// Declared roles (`--role NAME=ROLE`).
    pub roles: Vec<(String, String)>,
}

/// The parts of [`ScanConfig`] checks read.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub burst: usize,
    pub max_items: usize,
    pub max_response_bytes: usize,
    pub shadow_probe: bool,
    pub llm_tier: LlmTier,
    pub canary: canary::CanaryConfig,
}

/// A request a check wants sent, with what to record about it.
pub struct ScanRequest {
    pub purpose: Purpose,
    pub op: Option<usize>,
    pub path: String,
    pub identity: Option<Identity>,
    pub request: Request,
}

impl Scanner {
    /// Absolute URL for a path (and query) under the API prefix.
    pub fn url(&self, path_and_query: &str) -> String {
        if path_and_query.starts_with('/') {
            format!("{}{}", self.base, path_and_query)
        } else {
            format!("{}/{}", self.base, path_and_query)
        }
    }

    /// Absolute URL for a path at the origin root (docs, shadow paths).
    pub fn root_url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }

    /// Send requests concurrently (the engine applies the rate and concurrency caps) and store
    /// each answer. Returns, in input order, the store index of each response (`None` when the
    /// request failed; the engine records why in its diagnostics).
    pub async fn send_all(&mut self, sends: Vec<ScanRequest>) -> Vec<Option<usize>> {
        let mut set = tokio::task::JoinSet::new();
        let n = sends.len();
        let mut tickets: Vec<Option<guard::Ticket>> = (0..n).map(|_| None).collect();
        for (i, s) in sends.into_iter().enumerate() {
            // The guard decides first: risk of the operation, ownership of writes, caps.
            let admitted = self.guard.admit(&guard::Outgoing {
                method: &s.request.method,
                url: &s.request.url,
                op: s.op,
                identity: s.identity.as_ref().map(|id| id.name.as_str()),
                body: s.request.body.as_deref(),
            });
            match admitted {
                Ok(t) => tickets[i] = Some(t),
                Err(_) => continue,
            }
            let engine = self.engine.clone();
            let detector = self.detector.clone();
            set.spawn(async move {
                let req = match &s.identity {
                    Some(id) => id.apply(s.request),
                    None => s.request,
                };
                // A pooled keep-alive connection the server closed meanwhile (servers often close
                // after a 500) resets the next request on it: retry an idempotent request once.
                let idempotent = [
                    apiward_http::Method::GET,
                    apiward_http::Method::HEAD,
                    apiward_http::Method::OPTIONS,
                ]
                .contains(&req.method);
                let retry = idempotent.then(|| req.clone());
                let mut result: Result<Exchange, _> = engine.send(req).await;
                if let (Err(apiward_http::HttpError::ConnectionReset), Some(again)) =
                    (&result, retry)
                {
                    result = engine.send(again).await;
                }
                let Ok(x) = result else {
                    return (i, None);
                };
                // The detector and the JSON parse are CPU work (bodies up to the cap): keep them
                // off the async workers so slow or hostile responses elsewhere keep moving.
                let obs = tokio::task::spawn_blocking(move || {
                    Observation::new(
                        &detector,
                        s.purpose,
                        s.op,
                        s.path,
                        s.identity.map(|i| i.name),
                        x,
                    )
                })
                .await
                .ok();
                (i, obs)
            });
        }
        let mut results: Vec<Option<Observation>> = (0..n).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, obs)) = joined
                && let Some(slot) = results.get_mut(i)
            {
                *slot = obs;
            }
        }
        let mut out = Vec::with_capacity(n);
        for (obs, ticket) in results.into_iter().zip(tickets) {
            if let Some(t) = ticket {
                self.guard.record(t, obs.as_ref());
            }
            out.push(obs.map(|o| self.store.push(o)));
        }
        self.progress
            .update(&self.engine, self.store.observations.len());
        out
    }

    /// Tell the progress line what the scan is doing now.
    pub fn phase(&mut self, phase: impl Into<String>, findings: usize) {
        self.progress.phase(&self.engine, phase.into(), findings);
    }

    /// Send one request.
    pub async fn send(&mut self, s: ScanRequest) -> Option<usize> {
        self.send_all(vec![s]).await.pop().flatten()
    }

    pub fn obs(&self, i: usize) -> &Observation {
        &self.store.observations[i]
    }

    /// An unauthenticated GET of a path under the API prefix, recorded as a probe.
    pub fn probe_get(
        &self,
        op: Option<usize>,
        label_path: &str,
        path_and_query: &str,
    ) -> ScanRequest {
        ScanRequest {
            purpose: Purpose::Probe,
            op,
            path: label_path.to_string(),
            identity: None,
            request: Request::get(self.url(path_and_query)),
        }
    }

    /// The declared role of identity `name` (`--role`).
    pub fn role_of(&self, name: &str) -> Option<&str> {
        self.roles
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| r.as_str())
    }

    /// Whether identity `name` is privileged: by its declared role when there is one
    /// ([`identity::privileged_role`]), else by the words of its name (`admin`, `root`).
    pub fn is_privileged(&self, name: &str) -> bool {
        match self.role_of(name) {
            Some(role) => identity::privileged_role(role),
            None => identity::privileged_role(name),
        }
    }

    pub fn note(&mut self, level: DiagnosticLevel, code: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(level, code, message));
    }
}

/// Run a whole scan.
pub async fn scan(cfg: ScanConfig) -> Result<ScanOutcome, String> {
    let started = Instant::now();
    let active = cfg.engine.active;
    let mut engine_cfg = cfg.engine;
    // Deletes of the objects the scan created (its guard refuses every other DELETE).
    engine_cfg.allow_delete = active;
    let engine = Engine::new(engine_cfg)?;
    let origin = apiward_http::Origin::parse(&cfg.target)?;
    let origin_text = origin_string(&cfg.target);
    let guard = guard::Guard::new(active, cfg.include, cfg.exclude, &cfg.target);
    let detector = if cfg.custom_types.is_empty() {
        Detector::new()
    } else {
        Detector::with_custom(cfg.custom_types)?
    };
    let mut s = Scanner {
        engine,
        detector: Arc::new(detector),
        origin: origin_text.clone(),
        base: cfg.target.clone(),
        spec: None,
        spec_name: None,
        spec_served_at: None,
        identities: cfg.identities,
        active,
        cfg: ScanSettings {
            burst: cfg.burst,
            max_items: cfg.max_items,
            max_response_bytes: cfg.max_response_bytes,
            shadow_probe: cfg.shadow_probe,
            llm_tier: cfg.llm_tier,
            canary: cfg.canary,
        },
        store: Store::default(),
        harvest: plan::Harvest::default(),
        diagnostics: Vec::new(),
        coverage: Coverage::default(),
        guard,
        progress: progress::Progress::new(cfg.progress, started, cfg.progress_sink),
        logins: login::Logins::default(),
        roles: cfg.roles,
    };
    let _ = origin;

    discover::run(&mut s, cfg.spec).await;
    if let Some(spec) = &s.spec {
        s.guard.load_spec(spec);
    }
    login::run(&mut s).await;
    discover::crawl(&mut s).await;
    let mut runtime = Vec::new();
    checks::run_all(&mut s, &mut runtime).await;
    login::health(&mut s).await;
    if s.active {
        writes::cleanup(&mut s).await;
    }
    for f in &mut runtime {
        if let (Some(spec), Some(path)) = (&s.spec, &f.location.path) {
            f.undocumented =
                !spec.operations.iter().any(|o| &o.path == path) && f.location.method.is_some();
        }
    }

    if s.store.bodies_dropped > 0 {
        let n = s.store.bodies_dropped;
        s.note(
            DiagnosticLevel::Warning,
            "scan.bodies-dropped",
            format!(
                "{n} response bodies were not kept after detection: the scan keeps at most {} MiB of bodies",
                store::MAX_BODY_BYTES >> 20
            ),
        );
    }
    let static_findings = s
        .spec
        .as_ref()
        .map(|spec| apiward_audit::audit(spec))
        .unwrap_or_default();
    let (identity_count, is_active) = (s.identities.len(), s.active);
    let findings = join::merge(static_findings, runtime);
    s.progress.finish(&s.engine, findings.len());

    let mut diagnostics = s
        .spec
        .as_ref()
        .map(|sp| sp.diagnostics.clone())
        .unwrap_or_default();
    diagnostics.extend(s.diagnostics);
    diagnostics.extend(s.engine.diagnostics());
    let mut stats = s.engine.stats();
    let mut log = s.engine.log();
    // A read-only scan's login requests went through their own engine: count and log them too.
    if let Some(e) = &s.logins.engine {
        let l = e.stats();
        stats.requests += l.requests;
        stats.bytes_received += l.bytes_received;
        stats.errors += l.errors;
        for (m, n) in l.by_method {
            *stats.by_method.entry(m).or_default() += n;
        }
        log.extend(e.log());
        diagnostics.extend(e.diagnostics());
    }
    Ok(ScanOutcome {
        // Categories whose checks can reach a verdict at this access level (issue 15).
        applicable: apiward_core::score::assessed_categories(apiward_core::score::Access {
            live: true,
            identities: identity_count,
            active: is_active,
        }),
        stats,
        log,
        spec: s.spec,
        spec_name: s.spec_name,
        findings,
        diagnostics,
        coverage: s.coverage,
        safety: s.guard.safety(),
    })
}

/// `scheme://host[:port]` of a URL.
pub fn origin_string(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{host}")
}

/// Whether the target is this machine (plain HTTP there is development, not exposure).
pub fn is_loopback_target(url: &str) -> bool {
    let origin = origin_string(url);
    let host = origin
        .split_once("://")
        .map(|(_, h)| h)
        .unwrap_or("")
        .trim_start_matches('[');
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    let host = host.trim_end_matches(']');
    host == "localhost" || host.starts_with("127.") || host == "::1"
}
