//! Monitoring: find due schedules, run their scans (at most `max_concurrent_scans` at once),
//! record each run, and send webhooks for what changed.

use crate::App;
use apiward_history::{Every, Recorded, ScanSettings, Schedule};
use apiward_scan::{ScanConfig, SpecInput};
use std::sync::Arc;
use tokio::sync::watch;

/// A random number in `0..=max`.
fn random_upto(max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let r = crate::random_bytes::<8>()
        .map(u64::from_le_bytes)
        .unwrap_or(0);
    r % (max + 1)
}

/// The next run of a schedule after `now`, with jitter of up to a tenth of its period (and at
/// most `max_jitter`) so that schedules made together do not fire together.
pub fn next_run(every: &Every, now: u64, max_jitter: u64) -> u64 {
    let Some(next) = every.next_after(now) else {
        return u64::MAX / 2;
    };
    let period = match every {
        Every::IntervalSecs(s) => *s,
        Every::Cron(_) => every
            .next_after(next)
            .map(|n| n.saturating_sub(next))
            .unwrap_or(3600),
    };
    next + random_upto((period / 10).min(max_jitter))
}

/// The scheduler loop; ends when `stop` turns true.
pub async fn run(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(app.cfg.tick) => {}
        }
        let now = apiward_core::time::unix_now();
        let jitter = app.cfg.max_jitter.as_secs();
        let store = Arc::clone(&app.store);
        let due = tokio::task::spawn_blocking(move || {
            store.claim_due(now, |s| next_run(&s.every, now, jitter))
        })
        .await;
        let Ok(Ok(due)) = due else { continue };
        for schedule in due {
            let fresh = app
                .running
                .lock()
                .map(|mut r| r.insert(schedule.id))
                .unwrap_or(false);
            if !fresh {
                // Still running from its last due time: skip this one.
                continue;
            }
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                let id = schedule.id;
                run_schedule(&app, schedule).await;
                if let Ok(mut r) = app.running.lock() {
                    r.remove(&id);
                }
            });
        }
    }
}

async fn run_schedule(app: &Arc<App>, schedule: Schedule) {
    let result = scan_and_record(
        app,
        &schedule.target,
        schedule.spec.as_deref(),
        &schedule.settings,
        "schedule",
    )
    .await;
    let store = Arc::clone(&app.store);
    let id = schedule.id;
    let (scan_id, error) = match &result {
        Ok(r) => (Some(r.scan.id), None),
        Err(e) => (None, Some(e.clone())),
    };
    let _ = tokio::task::spawn_blocking(move || {
        store.finish_schedule_run(id, scan_id, error.as_deref())
    })
    .await;
}

/// Scan a target (waiting for a free scan slot), record the report, send webhooks.
pub async fn scan_and_record(
    app: &Arc<App>,
    target: &str,
    spec: Option<&str>,
    settings: &ScanSettings,
    trigger: &str,
) -> Result<Recorded, String> {
    let mut cfg = ScanConfig::new(target)?;
    // Credentials are read now, before waiting for a slot: a missing one fails at once.
    crate::settings::apply(settings, &mut cfg)?;
    let _slot = app
        .scan_slots
        .acquire()
        .await
        .map_err(|_| "the service is stopping".to_string())?;
    // Writes only when the service itself was started with --active.
    cfg.engine.active = app.cfg.active;
    cfg.engine.budget = app.cfg.scan_budget;
    cfg.engine.max_requests = app.cfg.scan_max_requests;
    cfg.engine.rate = app.cfg.scan_rate;
    cfg.progress = false;
    if let Some(spec) = spec {
        let lower = spec.to_ascii_lowercase();
        cfg.spec = if lower.starts_with("http://") || lower.starts_with("https://") {
            SpecInput::Url(spec.to_string())
        } else {
            let path = spec.to_string();
            let loaded = tokio::task::spawn_blocking(move || {
                apiward_run::load_spec(&path, false, apiward_spec::LoadOptions::default())
            })
            .await
            .map_err(|e| format!("spec loader stopped: {e}"))??;
            SpecInput::Loaded(Box::new(loaded), spec.to_string())
        };
    }
    let report = apiward_run::scan_report(cfg, &apiward_run::ScanJob::default()).await?;
    let store = Arc::clone(&app.store);
    let trigger = trigger.to_string();
    let recorded = tokio::task::spawn_blocking(move || store.record(&report, &trigger))
        .await
        .map_err(|e| format!("recording stopped: {e}"))?
        .map_err(|e| e.to_string())?;
    crate::webhook::notify(app, &recorded).await;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_tenth_of_the_period() {
        for _ in 0..200 {
            let n = next_run(&Every::IntervalSecs(600), 1000, 3600);
            assert!((1600..=1660).contains(&n), "{n}");
            let n = next_run(&Every::IntervalSecs(600), 1000, 5);
            assert!((1600..=1605).contains(&n), "{n}");
        }
        // Every 5 minutes from 2026-01-01T00:00:00Z: 00:05, plus at most 30 s.
        let n = next_run(&Every::Cron("*/5 * * * *".into()), 1_767_225_600, 3600);
        assert!((1_767_225_900..=1_767_225_930).contains(&n), "{n}");
    }
}
