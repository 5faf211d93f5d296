//! Load-speed benchmark (no framework): wall time, operations per second and peak RSS for the
//! three `large/` specs and the whole `public/` folder of the corpus.
//!
//! `APIWARD_CORPUS=/path/to/corpus/openapi cargo bench -p apiward-spec --bench load`
//! (default `../../../shared/corpus/openapi` relative to this crate). Peak RSS is `VmHWM` from
//! `/proc/self/status`, reset between measurements through `/proc/self/clear_refs` where allowed.

use apiward_spec::{LoadOptions, load_path};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        )
    });
    v.sort();
    v
}

fn measure(label: &str, files: &[PathBuf], runs: usize) {
    let opts = LoadOptions::default();
    let reset = reset_peak();
    let mut best = f64::MAX;
    let mut ops = 0usize;
    let mut bytes = 0u64;
    let mut failed = 0usize;
    for _ in 0..runs {
        let t = Instant::now();
        ops = 0;
        failed = 0;
        for f in files {
            match load_path(f, &opts) {
                Ok(spec) => ops += spec.operations.len() + spec.webhooks.len(),
                Err(_) => failed += 1,
            }
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    for f in files {
        bytes += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
    }
    let peak = status_kb("VmHWM:").unwrap_or(0);
    println!(
        "{label:<28} {:>4} file(s) {:>7.1} MB  {:>6} ops  best of {runs}: {:>8.1} ms  {:>9.0} ops/s  {:>6.1} MB/s  peak RSS {:>6.1} MB{}{}",
        files.len(),
        bytes as f64 / 1e6,
        ops,
        best * 1e3,
        ops as f64 / best,
        bytes as f64 / 1e6 / best,
        peak as f64 / 1024.0,
        if reset { "" } else { " (process peak)" },
        if failed > 0 {
            format!("  {failed} rejected")
        } else {
            String::new()
        }
    );
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let dir = std::env::var_os("APIWARD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi")
        });
    if !dir.is_dir() {
        println!(
            "bench skipped: {} not found (set APIWARD_CORPUS)",
            dir.display()
        );
        return;
    }
    println!("apiward-spec load benchmark, corpus {}", dir.display());
    let runs: usize = std::env::var("APIWARD_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    for name in [
        "api.github.com.json",
        "stripe.com.json",
        "kubernetes.io.json",
    ] {
        let p = dir.join("large").join(name);
        if p.is_file() {
            measure(&format!("large/{name}"), &[p], runs);
        }
    }
    let public = files_in(&dir.join("public"));
    if !public.is_empty() {
        measure("public/ (all)", &public, runs);
    }
}
