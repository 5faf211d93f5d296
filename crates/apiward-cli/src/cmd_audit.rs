//! `apiward audit SPEC`

use crate::cli::AuditArgs;
use crate::output;
use apiward_core::{Report, Target};
use apiward_spec::LoadOptions;
use std::time::Instant;

pub fn run(args: AuditArgs) -> u8 {
    let cfg = match crate::config::load(args.out.config.as_deref()) {
        Ok(c) => c.map(|(c, _)| c),
        Err(e) => return crate::fail(e),
    };
    let gates = match output::parse_gates(&args.out, cfg.as_ref()) {
        Ok(g) => g,
        Err(e) => return crate::fail(e),
    };
    let started = Instant::now();
    let started_at = output::now_rfc3339();
    let opts = LoadOptions {
        allow_outside_root: args.allow_outside_root,
        ..LoadOptions::default()
    };
    let spec = match load_spec(&args.spec, args.allow_remote_refs, opts) {
        Ok(s) => s,
        Err(e) => return crate::fail(e),
    };
    let mut findings = apiward_audit::audit(&spec);
    let mut diagnostics = spec.diagnostics.clone();
    if let Some(cfg) = &cfg {
        diagnostics.extend(crate::config::apply(cfg, &mut findings));
    }
    let target = Target {
        mode: "audit".to_string(),
        spec: Some(args.spec.clone()),
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
        gates.context,
    );
    report.started_at = started_at;
    report.duration_ms = started.elapsed().as_millis() as u64;
    output::emit(report, &args.out, &gates)
}

/// Fetch a document over HTTP(S) through the safe engine (GET only, that URL's origin only, never
/// a metadata address, size-capped). Blocking: used from synchronous loading code.
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
) -> Result<apiward_spec::Spec, String> {
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
