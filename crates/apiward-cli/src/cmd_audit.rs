//! `apiward audit SPEC`

use crate::cli::AuditArgs;
use crate::output;
use apiward_core::{Report, Target};
use apiward_spec::LoadOptions;
use std::time::Instant;

pub fn run(args: AuditArgs) -> u8 {
    let gates = match output::parse_gates(&args.out) {
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
    let findings = apiward_audit::audit(&spec);
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
        spec.diagnostics.clone(),
        &apiward_audit::applicable_categories(),
        gates.context,
    );
    report.started_at = started_at;
    report.duration_ms = started.elapsed().as_millis() as u64;
    output::emit(report, &args.out, &gates)
}

/// Load a spec from a path, stdin (`-`) or an http(s) URL.
pub fn load_spec(
    source: &str,
    allow_remote_refs: bool,
    mut opts: LoadOptions,
) -> Result<apiward_spec::Spec, String> {
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Err(format!(
            "{source}: loading a spec from a URL needs the live-scan engine; download it first or use `apiward scan --spec`"
        ));
    }
    if allow_remote_refs {
        return Err("--allow-remote-refs is not available in this build".to_string());
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
    opts.fetch_remote = None;
    apiward_spec::load_path(std::path::Path::new(source), &opts).map_err(|e| e.to_string())
}
