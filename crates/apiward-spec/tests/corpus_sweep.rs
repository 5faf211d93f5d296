//! Corpus sweep: load every `.json` / `.yaml` / `.yml` file under `$APIWARD_CORPUS`
//! (default `../../../shared/corpus/openapi` relative to this crate) and report counts.
//! Skipped, with a note, when the folder is absent. Every document must load or be rejected
//! with a message: a panic fails the sweep. `scripts/sweep-corpus.sh [DIR]` runs it.

use apiward_spec::{LoadOptions, load_path};
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) {
            out.push(p);
        }
    }
}

#[test]
fn corpus_sweep() {
    let dir = std::env::var_os("APIWARD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi")
        });
    if !dir.is_dir() {
        println!(
            "corpus sweep skipped: {} not found (set APIWARD_CORPUS)",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    collect(&dir, &mut files);
    let opts = LoadOptions::default();
    let (mut clean, mut with_diags, mut rejected, mut panicked) = (0, 0, Vec::new(), Vec::new());
    let mut ops = 0usize;
    let mut diag_codes: std::collections::BTreeMap<String, usize> = Default::default();
    let t = std::time::Instant::now();
    for f in &files {
        let shown = f.strip_prefix(&dir).unwrap_or(f).display().to_string();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load_path(f, &opts))) {
            Ok(Ok(spec)) => {
                ops += spec.operations.len() + spec.webhooks.len();
                if spec.diagnostics.is_empty() {
                    clean += 1;
                } else {
                    with_diags += 1;
                    for d in &spec.diagnostics {
                        *diag_codes.entry(d.code.clone()).or_default() += 1;
                    }
                }
            }
            Ok(Err(e)) => rejected.push(format!("{shown}: {e}")),
            Err(_) => panicked.push(shown),
        }
    }
    println!(
        "corpus sweep of {} ({} files, {:?})",
        dir.display(),
        files.len(),
        t.elapsed()
    );
    println!("  loaded:                  {}", clean + with_diags);
    println!("  loaded with diagnostics: {with_diags}");
    println!("  rejected:                {}", rejected.len());
    println!("  operations:              {ops}");
    for (code, n) in &diag_codes {
        println!("  diagnostic {code}: {n}");
    }
    for r in &rejected {
        println!("  REJECTED {r}");
    }
    for p in &panicked {
        println!("  PANIC {p}");
    }
    assert!(panicked.is_empty(), "panics on: {panicked:?}");
}
