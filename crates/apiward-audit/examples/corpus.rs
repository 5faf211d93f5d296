//! Audit every spec under the given folders and print one line per finding (tab-separated: spec
//! file name, rule, severity, location, title, message, fingerprint) followed by totals on stderr. Used to measure
//! findings per operation and to draw the judged precision sample (`docs/precision.md`).
//!
//! `cargo run --release -p apiward-audit --example corpus -- DIR...`

use std::path::{Path, PathBuf};

fn specs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            specs(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "json" || x == "yaml" || x == "yml")
        {
            out.push(p);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for d in std::env::args().skip(1) {
        specs(Path::new(&d), &mut files);
    }
    let (mut ops, mut total, mut high) = (0usize, 0usize, 0usize);
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Ok(spec) =
            apiward_spec::load_bytes(name, &bytes, None, &apiward_spec::LoadOptions::default())
        else {
            continue;
        };
        let n_ops = spec.operations.iter().filter(|o| !o.is_webhook).count();
        if n_ops == 0 {
            continue;
        }
        ops += n_ops;
        let findings = apiward_audit::audit(&spec);
        for x in &findings {
            total += 1;
            if x.severity >= apiward_core::Severity::High {
                high += 1;
            }
            let oneline = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            println!(
                "{name}\t{}\t{}\t{}\t{}\t{}\t{}",
                x.rule_id,
                x.severity.id(),
                oneline(&x.location.label()),
                oneline(&x.title),
                oneline(&x.message),
                x.fingerprint
            );
        }
        eprintln!("spec\t{name}\t{n_ops}\t{}", findings.len());
    }
    eprintln!(
        "total\tspecs {}\toperations {ops}\tfindings {total} ({:.2}/op)\thigh+critical {high} ({:.3}/op)",
        files.len(),
        total as f64 / ops.max(1) as f64,
        high as f64 / ops.max(1) as f64
    );
}
