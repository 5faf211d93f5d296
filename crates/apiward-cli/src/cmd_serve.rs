//! `apiward serve`: start the web service over the history database.

use crate::cli::ServeArgs;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub fn run(a: ServeArgs) -> u8 {
    match serve(a) {
        Ok(()) => crate::exit::OK,
        Err(e) => crate::fail(e),
    }
}

fn serve(a: ServeArgs) -> Result<(), String> {
    let bind: SocketAddr = a
        .bind
        .parse()
        .map_err(|_| format!("--bind {}: expected IP:PORT, e.g. 127.0.0.1:8477", a.bind))?;
    let token = a
        .token
        .as_deref()
        .map(apiward_scan::identity::resolve_env)
        .transpose()?;
    if !bind.ip().is_loopback() && !a.allow_remote {
        return Err(format!(
            "--bind {bind} is not a loopback address: add --allow-remote (and --token) if you really want the service reachable from other machines"
        ));
    }
    apiward_serve::check_bind(bind, token.as_deref())?;
    if a.max_concurrent_scans == 0 {
        return Err("--max-concurrent-scans must be at least 1".into());
    }
    if !a.scan_rate.is_finite() || a.scan_rate < 0.0 {
        return Err(format!(
            "--scan-rate {}: expected a number >= 0",
            a.scan_rate
        ));
    }
    let path = crate::cmd_history::db_path(a.db.db.as_deref());
    let store =
        apiward_history::Store::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let cfg = apiward_serve::ServeConfig {
        bind,
        token,
        active: a.active,
        max_concurrent_scans: a.max_concurrent_scans,
        scan_budget: Duration::from_secs(a.scan_budget.clamp(1, 86_400)),
        scan_rate: (a.scan_rate > 0.0).then_some(a.scan_rate),
        ..apiward_serve::ServeConfig::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(async {
        let active = cfg.active;
        let server = apiward_serve::start(cfg, Arc::new(store)).await?;
        eprintln!(
            "apiward serve: {} (history {}; scheduled scans {}); stop with Ctrl-C",
            server.base_url(),
            path.display(),
            if active {
                "may write (--active)"
            } else {
                "read-only"
            }
        );
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("apiward serve: stopping");
        server.shutdown().await;
        Ok(())
    })
}
