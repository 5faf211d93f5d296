//! `apiward history` and `apiward trend`: the history database on the command line.

use crate::cli::{HistoryArgs, TrendArgs};
use apiward_core::sanitize_terminal as clean;
use apiward_history::{ApiSummary, ScanSummary, Store};
use std::path::{Path, PathBuf};

/// `--db`, else the default location.
pub fn db_path(given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(apiward_history::default_path)
}

/// Open an existing database (reading commands never create one).
fn open_existing(given: Option<&Path>) -> Result<Store, String> {
    let path = db_path(given);
    if !path.exists() {
        return Err(format!(
            "no history database at {} (record scans with `apiward scan URL --record`, or pass --db)",
            path.display()
        ));
    }
    Store::open(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// An API by id or by exact name.
fn find_api(store: &Store, key: &str) -> Result<ApiSummary, String> {
    let apis = store.apis().map_err(|e| e.to_string())?;
    if let Ok(id) = key.parse::<i64>()
        && let Some(a) = apis.iter().find(|a| a.id == id)
    {
        return Ok(a.clone());
    }
    let trimmed = key.trim_end_matches('/');
    apis.into_iter()
        .find(|a| a.name == key || a.name.trim_end_matches('/') == trimmed)
        .ok_or_else(|| format!("no API `{key}` in the history (`apiward history` lists them)"))
}

fn json_format(format: &str) -> Result<bool, String> {
    match format {
        "terminal" | "text" => Ok(false),
        "json" => Ok(true),
        other => Err(format!("--format {other}: expected terminal or json")),
    }
}

fn print_json(v: &impl serde::Serialize) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("apiward: error: {e}"),
    }
}

fn scan_line(s: &ScanSummary) -> String {
    format!(
        "#{:<5} {}  {:<6} {:<8}  {}  {:>3}/100  {} crit {} high {} med {} low  +{} new  ↺{} regressed  -{} fixed",
        s.id,
        clean(&s.started_at),
        clean(&s.mode),
        clean(&s.trigger),
        clean(&s.grade),
        s.score,
        s.counts.critical,
        s.counts.high,
        s.counts.medium,
        s.counts.low,
        s.new,
        s.regressed,
        s.fixed
    )
}

pub fn history(a: HistoryArgs) -> u8 {
    let run = || -> Result<(), String> {
        let json = json_format(&a.format)?;
        let store = open_existing(a.db.db.as_deref())?;
        match &a.api {
            None => {
                let apis = store.apis().map_err(|e| e.to_string())?;
                if json {
                    print_json(&serde_json::json!({ "apis": apis }));
                } else if apis.is_empty() {
                    println!("No scans recorded yet (apiward scan URL --record).");
                } else {
                    println!(
                        "{:<5} {:<5} {:>5} {:>6} {:>6}  API",
                        "id", "grade", "score", "scans", "open"
                    );
                    for api in &apis {
                        let (g, s) = api
                            .latest
                            .as_ref()
                            .map(|l| (l.grade.clone(), l.score.to_string()))
                            .unwrap_or(("–".into(), "–".into()));
                        println!(
                            "{:<5} {:<5} {:>5} {:>6} {:>6}  {}",
                            api.id,
                            clean(&g),
                            s,
                            api.scans,
                            api.open_findings,
                            clean(&api.name)
                        );
                    }
                }
            }
            Some(key) => {
                let api = find_api(&store, key)?;
                let scans = store
                    .scans(Some(api.id), a.limit.max(1))
                    .map_err(|e| e.to_string())?;
                if json {
                    print_json(&serde_json::json!({ "api": api, "scans": scans }));
                } else {
                    println!(
                        "{} (API {}): {} scans, {} open findings",
                        clean(&api.name),
                        api.id,
                        api.scans,
                        api.open_findings
                    );
                    for s in &scans {
                        println!("  {}", scan_line(s));
                    }
                }
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => crate::exit::OK,
        Err(e) => crate::fail(e),
    }
}

pub fn trend(a: TrendArgs) -> u8 {
    let run = || -> Result<(), String> {
        let json = json_format(&a.format)?;
        let store = open_existing(a.db.db.as_deref())?;
        let api = find_api(&store, &a.api)?;
        let mut scans = store
            .scans(Some(api.id), a.limit.max(1))
            .map_err(|e| e.to_string())?;
        scans.reverse();
        if json {
            print_json(&serde_json::json!({ "api": api.name, "api_id": api.id, "scans": scans }));
            return Ok(());
        }
        println!("{} — score per scan, oldest first", clean(&api.name));
        let mut previous: Option<&ScanSummary> = None;
        for s in &scans {
            let bar = "█".repeat((s.score.clamp(0, 100) / 4) as usize);
            let delta = match previous {
                Some(p) if p.score != s.score => format!(" ({:+})", s.score - p.score),
                _ => String::new(),
            };
            let grade_change = match previous {
                Some(p) if p.grade != s.grade => {
                    format!("  grade {} → {}", clean(&p.grade), clean(&s.grade))
                }
                _ => String::new(),
            };
            println!(
                "  #{:<5} {}  {} {:>3}{:<6} {:<25}  +{} new  ↺{} regressed  -{} fixed{}",
                s.id,
                clean(&s.started_at),
                clean(&s.grade),
                s.score,
                delta,
                bar,
                s.new,
                s.regressed,
                s.fixed,
                grade_change
            );
            previous = Some(s);
        }
        Ok(())
    };
    match run() {
        Ok(()) => crate::exit::OK,
        Err(e) => crate::fail(e),
    }
}
