//! Run an audit or a live scan and build its scored report. Shared by every front end (CLI,
//! MCP server, `apiward serve`) so that a report means the same thing wherever it was made.

use apiward_core::{Diagnostic, DiagnosticLevel, Finding, Report, Target};
use apiward_scan::ScanConfig;
use apiward_spec::{LoadOptions, Spec};
use std::path::PathBuf;
use std::time::Instant;

/// A front end's last word on findings before scoring (rule selection, severity overrides,
/// suppressions). Returns notes for the report.
pub type Adjust<'a> = &'a (dyn Fn(&mut Vec<Finding>) -> Vec<Diagnostic> + Send + Sync);

/// What an audit needs besides the spec.
#[derive(Default)]
pub struct AuditJob<'a> {
    /// How the spec was named by the user (path or URL), for the report.
    pub source: String,
    /// Business context for scoring (`Report::build`).
    pub context: apiward_core::score::Context,
    pub adjust: Option<Adjust<'a>>,
}

/// What a scan needs besides its `ScanConfig`.
#[derive(Default)]
pub struct ScanJob<'a> {
    /// Write every request (NDJSON, secrets masked by the engine) to this file.
    pub request_log: Option<PathBuf>,
    pub context: apiward_core::score::Context,
    pub adjust: Option<Adjust<'a>>,
}

/// Audit a loaded spec.
pub fn audit_report(spec: &Spec, job: &AuditJob<'_>) -> Report {
    let started = Instant::now();
    let started_at = apiward_core::time::now_rfc3339();
    let mut findings = apiward_audit::audit(spec);
    let mut diagnostics = spec.diagnostics.clone();
    if let Some(adjust) = job.adjust {
        diagnostics.extend(adjust(&mut findings));
    }
    let target = Target {
        mode: "audit".to_string(),
        spec: Some(job.source.clone()),
        base_url: None,
        api_title: spec.info.title.clone(),
        api_version: spec.info.version.clone(),
        spec_version: Some(spec.version_text.clone()),
        operations: spec.operations.len(),
    };
    let mut report = Report::build(
        target,
        findings,
        diagnostics,
        &apiward_audit::applicable_categories(),
        job.context,
    );
    report.started_at = started_at;
    report.duration_ms = started.elapsed().as_millis() as u64;
    report
}

/// Run a live scan and build its report. Fails when the target answered nothing at all (down or
/// unreachable); a rejected certificate is a finding, not a failure.
pub async fn scan_report(cfg: ScanConfig, job: &ScanJob<'_>) -> Result<Report, String> {
    let started = Instant::now();
    let started_at = apiward_core::time::now_rfc3339();
    let target = cfg.target.clone();
    let outcome = apiward_scan::scan(cfg).await?;
    let certificate = outcome
        .diagnostics
        .iter()
        .any(|d| d.code == "http.certificate");
    if let Some(path) = &job.request_log {
        write_request_log(path, &outcome.log).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let stats = outcome.stats.clone();
    if !certificate
        && stats.requests > 0
        && outcome.log.iter().all(|l| !l.sent || l.status.is_none())
    {
        return Err(format!(
            "{target}: no request got an answer ({})",
            outcome
                .diagnostics
                .iter()
                .find(|d| d.code.starts_with("http"))
                .map(|d| d.message.clone())
                .unwrap_or_else(|| "is the API running?".to_string())
        ));
    }
    let mut diagnostics = outcome.diagnostics;
    let mut findings = outcome.findings;
    if let Some(adjust) = job.adjust {
        diagnostics.extend(adjust(&mut findings));
    }
    let c = &outcome.coverage;
    diagnostics.push(Diagnostic::new(
        DiagnosticLevel::Note,
        "scan.coverage",
        format!(
            "{} of {} operations exercised with their own method, {} write operations probed with OPTIONS only (use --active to send them), {} item operations used ids harvested from earlier responses; {} requests",
            c.exercised, c.operations, c.probed_only, c.with_harvested_ids, stats.requests
        ),
    ));
    let spec = outcome.spec.as_ref();
    let report_target = Target {
        mode: "scan".to_string(),
        spec: outcome.spec_name.clone(),
        base_url: Some(target),
        api_title: spec.and_then(|s| s.info.title.clone()),
        api_version: spec.and_then(|s| s.info.version.clone()),
        spec_version: spec.map(|s| s.version_text.clone()),
        operations: spec.map(|s| s.operations.len()).unwrap_or(0),
    };
    let mut report = Report::build(
        report_target,
        findings,
        diagnostics,
        &outcome.applicable,
        job.context,
    );
    report.requests = Some(stats);
    report.safety = Some(outcome.safety);
    report.started_at = started_at;
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

fn write_request_log(
    path: &std::path::Path,
    log: &[apiward_http::LogEntry],
) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    for e in log {
        let v = serde_json::json!({
            "id": e.id,
            "method": e.method,
            "url": e.url,
            "status": e.status,
            "elapsed_ms": e.elapsed.as_millis() as u64,
            "bytes": e.bytes,
            "truncated": e.truncated,
            "sent": e.sent,
            "error": e.error,
            "redirects": e.redirects.iter().map(|(s, u)| serde_json::json!({"status": s, "location": u})).collect::<Vec<_>>(),
            "request_headers": e.request_headers.iter().map(|(n, v)| serde_json::json!([n, v])).collect::<Vec<_>>(),
        });
        writeln!(f, "{v}")?;
    }
    f.flush()
}

/// Fetch a document over HTTP(S) through the safe engine (GET only, that URL's origin only, never
/// a metadata address, size-capped). Blocking: used from synchronous loading code, never from
/// inside an async runtime's worker thread.
pub fn fetch(url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
    let mut cfg = apiward_http::EngineConfig::for_target(url)?;
    cfg.max_body = max_bytes;
    cfg.budget = std::time::Duration::from_secs(60);
    let engine = apiward_http::Engine::new(cfg)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let x = rt
        .block_on(engine.send(apiward_http::Request::get(url)))
        .map_err(|e| format!("{url}: {e}"))?;
    if !(200..300).contains(&x.status) {
        return Err(format!("{url}: HTTP {}", x.status));
    }
    if x.truncated {
        return Err(format!("{url}: document larger than {max_bytes} bytes"));
    }
    Ok(x.body)
}

/// Load a spec from a path, stdin (`-`) or an http(s) URL. Remote `$ref`s are followed only with
/// `allow_remote_refs`.
pub fn load_spec(
    source: &str,
    allow_remote_refs: bool,
    mut opts: LoadOptions,
) -> Result<Spec, String> {
    if allow_remote_refs {
        let cap = opts.max_bytes;
        opts.fetch_remote = Some(Box::new(move |url: &str| fetch(url, cap)));
    }
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let bytes = fetch(source, opts.max_bytes)?;
        return apiward_spec::load_bytes(source, &bytes, None, &opts).map_err(|e| e.to_string());
    }
    if source == "-" {
        let mut bytes = Vec::new();
        use std::io::Read;
        std::io::stdin()
            .take(opts.max_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("stdin: {e}"))?;
        let cwd = std::env::current_dir().ok();
        return apiward_spec::load_bytes("<stdin>", &bytes, cwd.as_deref(), &opts)
            .map_err(|e| e.to_string());
    }
    apiward_spec::load_path(std::path::Path::new(source), &opts).map_err(|e| e.to_string())
}
