//! `apiward audit SPEC`

use crate::cli::AuditArgs;
use crate::output;
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
    let adjust = |f: &mut Vec<apiward_core::Finding>| match &cfg {
        Some(c) => crate::config::apply(c, f),
        None => Vec::new(),
    };
    let job = apiward_run::AuditJob {
        source: args.spec.clone(),
        context: gates.context,
        adjust: Some(&adjust),
    };
    let mut report = apiward_run::audit_report(&spec, &job);
    // The report's clock includes loading the spec.
    report.started_at = started_at;
    report.duration_ms = started.elapsed().as_millis() as u64;
    output::emit(report, &args.out, &gates)
}

pub use apiward_run::load_spec;
