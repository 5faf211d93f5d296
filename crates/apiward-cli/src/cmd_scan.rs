//! `apiward scan TARGET` and `apiward demo`.

use crate::cli::{DemoArgs, LiveArgs, OutputArgs, ScanArgs};
use crate::config::Config;
use crate::output;
use apiward_core::Report;
use apiward_scan::{Auth, Identity, LlmTier, ScanConfig, SpecInput};
use std::time::Duration;

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn identities(a: &ScanArgs, file: Option<&Config>) -> Result<Vec<Identity>, String> {
    let mut default = Vec::new();
    if let Some(t) = &a.bearer {
        default.push(Auth::Bearer(apiward_scan::identity::resolve_env(t)?));
    }
    if let Some(b) = &a.basic {
        let b = apiward_scan::identity::resolve_env(b)?;
        let (user, password) = b.split_once(':').ok_or("--basic needs USER:PASSWORD")?;
        default.push(Auth::Basic {
            user: user.to_string(),
            password: password.to_string(),
        });
    }
    for h in &a.headers {
        let (n, v) = h.split_once(':').ok_or_else(|| {
            format!(
                "--header `{}`: expected `Name: value`",
                apiward_core::truncate_chars(h, 40)
            )
        })?;
        default.push(Auth::Header {
            name: n.trim().to_string(),
            value: apiward_scan::identity::resolve_env(v.trim())?,
        });
    }
    if let Some(c) = &a.cookie {
        default.push(Auth::Cookie(apiward_scan::identity::resolve_env(c)?));
    }
    if let Some(k) = &a.api_key {
        let (n, v) = k.split_once('=').ok_or("--api-key needs NAME=VALUE")?;
        default.push(Auth::ApiKey {
            name: n.trim().to_string(),
            value: apiward_scan::identity::resolve_env(v.trim())?,
        });
    }
    let mut out = Vec::new();
    if !default.is_empty() {
        out.push(Identity {
            name: "default".to_string(),
            auth: default,
        });
    }
    let from_file: Vec<String> = match file {
        Some(c) => c
            .identities
            .iter()
            .map(|i| i.to_auth_spec().map(|k| format!("{}={k}", i.name)))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    for spec in a.identities.iter().chain(&from_file) {
        let (name, kind) = spec
            .split_once('=')
            .ok_or("--identity needs NAME=KIND:VALUE")?;
        let auth = apiward_scan::parse_auth(kind).map_err(|e| format!("--identity {name}: {e}"))?;
        match out.iter_mut().find(|i: &&mut Identity| i.name == name) {
            Some(i) => i.auth.push(auth),
            None => out.push(Identity {
                name: name.to_string(),
                auth: vec![auth],
            }),
        }
    }
    Ok(out)
}

fn configure(
    target: &str,
    live: &LiveArgs,
    out: &OutputArgs,
    file: Option<&Config>,
) -> Result<ScanConfig, String> {
    let lower = target.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!(
            "target `{target}` must be an http:// or https:// URL"
        ));
    }
    let sec = file.map(|c| &c.scan);
    let mut cfg = ScanConfig::new(target)?;
    // Writes only from the command line: a config file (which a pull request can add) narrows
    // what a scan does but never switches writes on.
    cfg.engine.active = live.active;
    if sec.and_then(|s| s.active) == Some(true) && !live.active && !out.quiet {
        eprintln!(
            "apiward: `active = true` in the configuration file is ignored: writes are turned on only with --active on the command line"
        );
    }
    let patterns = |flag: &str, cli: &[String], file: Option<&Vec<String>>| {
        cli.iter()
            .chain(file.into_iter().flatten())
            .map(|p| apiward_scan::guard::OpPattern::parse(p).map_err(|e| format!("{flag} {e}")))
            .collect::<Result<Vec<_>, String>>()
    };
    cfg.include = patterns("--include", &live.include, sec.map(|s| &s.include))?;
    cfg.exclude = patterns("--exclude", &live.exclude, sec.map(|s| &s.exclude))?;
    cfg.canary = apiward_scan::canary::CanaryConfig {
        listen: live.canary_listen.clone(),
        url: live.canary_url.clone(),
    };
    cfg.canary.validate()?;
    let rate = live.rate.or(sec.and_then(|s| s.rate)).unwrap_or(150.0);
    cfg.engine.rate = (rate > 0.0).then_some(rate);
    cfg.engine.concurrency = live
        .concurrency
        .or(sec.and_then(|s| s.concurrency))
        .unwrap_or(8)
        .clamp(1, 256);
    cfg.engine.timeout = secs(
        live.timeout.or(sec.and_then(|s| s.timeout)).unwrap_or(10.0),
        "--timeout",
    )?;
    cfg.engine.budget = secs(
        live.budget.or(sec.and_then(|s| s.budget)).unwrap_or(120.0),
        "--budget",
    )?;
    cfg.engine.max_requests = live
        .max_requests
        .or(sec.and_then(|s| s.max_requests))
        .unwrap_or(5000);
    cfg.engine.max_body = live.max_body;
    let gentle = live.gentle || sec.and_then(|s| s.gentle).unwrap_or(false);
    cfg.burst = if gentle {
        0
    } else {
        live.burst.or(sec.and_then(|s| s.burst)).unwrap_or(20)
    };
    cfg.shadow_probe = !gentle;
    if let Some(c) = file {
        cfg.custom_types = crate::config::custom_types(c);
    }
    cfg.llm_tier = match live.llm_tier.as_str() {
        "quick" => LlmTier::Quick,
        "standard" => LlmTier::Standard,
        "deep" => LlmTier::Deep,
        other => {
            return Err(format!(
                "--llm-tier {other}: expected quick, standard or deep"
            ));
        }
    };
    cfg.progress = !out.quiet;
    Ok(cfg)
}

fn secs(v: f64, flag: &str) -> Result<Duration, String> {
    if v.is_finite() && v > 0.0 && v < 86_400.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(format!("{flag} {v}: expected a number of seconds above 0"))
    }
}

pub fn run(a: ScanArgs) -> u8 {
    let file = match crate::config::load(a.out.config.as_deref()) {
        Ok(c) => c.map(|(c, _)| c),
        Err(e) => return crate::fail(e),
    };
    let gates = match output::parse_gates(&a.out, file.as_ref()) {
        Ok(g) => g,
        Err(e) => return crate::fail(e),
    };
    let Some(target) = a
        .target
        .clone()
        .or_else(|| file.as_ref().and_then(|c| c.target.clone()))
    else {
        return crate::fail("no target: pass a base URL or set `target` in apiward.toml");
    };
    let mut cfg = match configure(&target, &a.live, &a.out, file.as_ref()) {
        Ok(c) => c,
        Err(e) => return crate::fail(e),
    };
    match identities(&a, file.as_ref()) {
        Ok(ids) => cfg.identities = ids,
        Err(e) => return crate::fail(e),
    }
    for r in &a.roles {
        let Some((name, role)) = r
            .split_once('=')
            .filter(|(n, r)| !n.is_empty() && !r.is_empty())
        else {
            return crate::fail(format!("--role {r}: expected NAME=ROLE"));
        };
        if !cfg.identities.iter().any(|i| i.name == name) {
            return crate::fail(format!("--role {r}: no identity named `{name}`"));
        }
        cfg.roles.push((name.to_string(), role.to_string()));
    }
    for o in &a.origins {
        match apiward_http::Origin::parse(o) {
            Ok(origin) => cfg.engine.origins.push(origin),
            Err(e) => return crate::fail(format!("--origin {o}: {e}")),
        }
    }
    cfg.engine.proxy = a.proxy.clone();
    cfg.engine.insecure = a.insecure;
    let spec_arg = a
        .spec
        .clone()
        .or_else(|| file.as_ref().and_then(|c| c.spec.clone()));
    if let Some(spec) = &spec_arg {
        let lower = spec.to_ascii_lowercase();
        cfg.spec = if lower.starts_with("http://") || lower.starts_with("https://") {
            SpecInput::Url(spec.clone())
        } else {
            match crate::cmd_audit::load_spec(spec, false, apiward_spec::LoadOptions::default()) {
                Ok(s) => SpecInput::Loaded(Box::new(s), spec.clone()),
                Err(e) => return crate::fail(e),
            }
        };
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return crate::fail(e),
    };
    apiward_scan::evidence::set_reveal(a.out.show_evidence);
    let request_log = a.live.request_log.clone();
    let result = rt.block_on(execute(cfg, request_log.as_deref(), &gates, file.as_ref()));
    match result {
        Ok(report) => output::emit(report, &a.out, &gates),
        Err(e) => crate::fail(e),
    }
}

/// Run a scan and build its report.
async fn execute(
    cfg: ScanConfig,
    request_log: Option<&std::path::Path>,
    gates: &output::Gates,
    file: Option<&Config>,
) -> Result<Report, String> {
    let adjust = |f: &mut Vec<apiward_core::Finding>| match file {
        Some(c) => crate::config::apply(c, f),
        None => Vec::new(),
    };
    let job = apiward_run::ScanJob {
        request_log: request_log.map(|p| p.to_path_buf()),
        context: gates.context,
        adjust: Some(&adjust),
    };
    apiward_run::scan_report(cfg, &job).await
}

pub fn demo(a: DemoArgs) -> u8 {
    let gates = match output::parse_gates(&a.out, None) {
        Ok(g) => g,
        Err(e) => return crate::fail(e),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return crate::fail(e),
    };
    let result: Result<Report, String> = rt.block_on(async {
        let server = apiward_demo::start()
            .await
            .map_err(|e| format!("cannot start the demo API: {e}"))?;
        let url = server.base_url();
        if !a.out.quiet {
            eprintln!("apiward demo: a deliberately leaky API is running at {url}; scanning it…");
        }
        let cfg = configure(&url, &a.live, &a.out, None)?;
        apiward_scan::evidence::set_reveal(a.out.show_evidence);
        let report = execute(cfg, a.live.request_log.as_deref(), &gates, None).await;
        if a.serve {
            eprintln!("apiward demo: serving {url} until Ctrl-C");
            let _ = tokio::signal::ctrl_c().await;
        }
        server.shutdown().await;
        report
    });
    match result {
        Ok(report) => output::emit(report, &a.out, &gates),
        Err(e) => crate::fail(e),
    }
}
