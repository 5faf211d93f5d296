//! Precision of the spec audit on real specs, against a judged sample (issue 15).
//!
//! `precision/judged.tsv` holds findings of the audit on the shared corpus of public specs, each
//! judged by a reviewer: `tp` (real, at about its severity), `sev` (real, wrongly rated), `fp`
//! (wrong), `dup` (another finding already says it). This test audits the corpus again, re-matches
//! the judgements to today's findings (by fingerprint, else by spec, rule and title), prints
//! per-rule precision and fails when
//! - precision of the judged high/critical findings drops below 0.8, or
//! - a high or critical finding on the corpus has no judgement (judge it: `docs/precision.md`), or
//! - the corpus-wide volume targets are missed (≤ 0.5 findings per operation, ≤ 300 on GitHub).
//!
//! The corpus is not part of the repository: the directory comes from `APIWARD_CORPUS_DIR`
//! (default `../shared/corpus/openapi` next to the repository root) and the test is skipped, with a
//! note, when it is absent.

use apiward_core::{Finding, Severity};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const JUDGED: &str = include_str!("precision/judged.tsv");
const HIGH_CRITICAL_PRECISION: f64 = 0.8;
const MAX_FINDINGS_PER_OPERATION: f64 = 0.5;
const MAX_GITHUB_FINDINGS: usize = 300;

struct Judged {
    spec: String,
    rule: String,
    severity: Severity,
    verdict: String,
    fingerprint: String,
    title: String,
}

fn judged() -> Vec<Judged> {
    JUDGED
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            if c.len() < 8 {
                return None;
            }
            Some(Judged {
                spec: c[0].to_string(),
                rule: c[1].to_string(),
                severity: c[2].parse().ok()?,
                verdict: c[3].to_string(),
                fingerprint: c[4].to_string(),
                title: c[6].to_string(),
            })
        })
        .collect()
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("APIWARD_CORPUS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi"),
    }
}

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["public", "large"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension()
                .is_some_and(|x| x == "json" || x == "yaml" || x == "yml")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// (spec file name, operations, findings) for one file; `None` when it does not load.
fn audit_file(p: &Path) -> Option<(String, usize, Vec<Finding>)> {
    let name = p.file_name()?.to_str()?.to_string();
    let bytes = std::fs::read(p).ok()?;
    let spec = apiward_spec::load_bytes(&name, &bytes, None, &apiward_spec::LoadOptions::default())
        .ok()?;
    let ops = spec.operations.iter().filter(|o| !o.is_webhook).count();
    Some((name, ops, apiward_audit::audit(&spec)))
}

#[test]
fn precision_on_the_judged_corpus_sample() {
    let dir = corpus_dir();
    let files = spec_files(&dir);
    if files.is_empty() {
        println!(
            "precision: no corpus at {} (set APIWARD_CORPUS_DIR); skipped",
            dir.display()
        );
        return;
    }
    // Two workers: the machine has two cores and the large specs dominate.
    let results: Vec<(String, usize, Vec<Finding>)> = std::thread::scope(|s| {
        let halves: Vec<Vec<&PathBuf>> = (0..2)
            .map(|k| files.iter().skip(k).step_by(2).collect())
            .collect();
        let handles: Vec<_> = halves
            .into_iter()
            .map(|h| {
                s.spawn(move || {
                    h.into_iter()
                        .filter_map(|p| audit_file(p))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });

    let operations: usize = results.iter().map(|r| r.1).sum();
    let total: usize = results.iter().map(|r| r.2.len()).sum();
    let high: usize = results
        .iter()
        .flat_map(|r| r.2.iter())
        .filter(|f| f.severity >= Severity::High)
        .count();
    println!(
        "corpus: {} specs, {operations} operations, {total} findings ({:.2}/operation), {high} high/critical ({:.3}/operation)",
        results.len(),
        total as f64 / operations.max(1) as f64,
        high as f64 / operations.max(1) as f64
    );

    // Today's findings by (spec, fingerprint) and by (spec, rule, title).
    let mut by_print: HashMap<(&str, &str), &Finding> = HashMap::new();
    let mut by_title: HashMap<(&str, &str, &str), &Finding> = HashMap::new();
    for (spec, _, fs) in &results {
        for f in fs {
            by_print.insert((spec.as_str(), f.fingerprint.as_str()), f);
            by_title.insert((spec.as_str(), f.rule_id.as_str(), f.title.as_str()), f);
        }
    }
    let judged = judged();
    assert!(
        judged.len() >= 300,
        "the judged sample has {} rows",
        judged.len()
    );

    // rule → (n, tp, sev, fp, dup)
    let mut per_rule: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    let mut severe = [0usize; 2]; // judged high/critical: (n, tp)
    let mut medium_up = [0usize; 2];
    let mut matched: HashMap<(&str, &str), ()> = HashMap::new();
    let mut gone = 0;
    for j in &judged {
        let now = by_print
            .get(&(j.spec.as_str(), j.fingerprint.as_str()))
            .or_else(|| by_title.get(&(j.spec.as_str(), j.rule.as_str(), j.title.as_str())));
        let Some(f) = now else {
            gone += 1;
            continue;
        };
        // A finding rated higher than when it was judged needs a new judgement.
        if f.severity > j.severity && f.severity >= Severity::High {
            continue;
        }
        matched.insert((j.spec.as_str(), f.fingerprint.as_str()), ());
        let e = per_rule.entry(j.rule.clone()).or_default();
        e[0] += 1;
        let slot = match j.verdict.as_str() {
            "tp" => 1,
            "sev" => 2,
            "fp" => 3,
            _ => 4,
        };
        e[slot] += 1;
        let tp = usize::from(j.verdict == "tp");
        if f.severity >= Severity::High {
            severe[0] += 1;
            severe[1] += tp;
        }
        if f.severity >= Severity::Medium {
            medium_up[0] += 1;
            medium_up[1] += tp;
        }
    }

    println!(
        "\n{:<16} {:>4} {:>4} {:>4} {:>4} {:>4} {:>9}",
        "rule", "n", "tp", "sev", "fp", "dup", "precision"
    );
    let (mut n_all, mut tp_all) = (0, 0);
    for (rule, c) in &per_rule {
        n_all += c[0];
        tp_all += c[1];
        println!(
            "{rule:<16} {:>4} {:>4} {:>4} {:>4} {:>4} {:>9.2}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[1] as f64 / c[0].max(1) as f64
        );
    }
    let ratio = |x: [usize; 2]| x[1] as f64 / x[0].max(1) as f64;
    println!(
        "\njudged and still produced: {n_all} (precision {:.2}); no longer produced: {gone}",
        tp_all as f64 / n_all.max(1) as f64
    );
    println!(
        "medium and above: {} judged, precision {:.2}; high/critical: {} judged, precision {:.2}",
        medium_up[0],
        ratio(medium_up),
        severe[0],
        ratio(severe)
    );

    // Every high or critical finding the corpus produces must carry a judgement.
    let unjudged: Vec<String> = results
        .iter()
        .flat_map(|(spec, _, fs)| fs.iter().map(move |f| (spec, f)))
        .filter(|(spec, f)| {
            f.severity >= Severity::High
                && !matched.contains_key(&(spec.as_str(), f.fingerprint.as_str()))
        })
        .map(|(spec, f)| {
            format!(
                "{spec}\t{}\t{}\t{}\t{}",
                f.rule_id, f.severity, f.fingerprint, f.title
            )
        })
        .collect();
    assert!(
        unjudged.is_empty(),
        "{} high/critical finding(s) on the corpus have no judgement; judge them (docs/precision.md):\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    if severe[0] > 0 {
        assert!(
            ratio(severe) >= HIGH_CRITICAL_PRECISION,
            "high/critical precision {:.2} < {HIGH_CRITICAL_PRECISION}",
            ratio(severe)
        );
    } else {
        println!("no high/critical finding on the corpus: the 0.8 gate holds trivially");
    }
    let per_op = total as f64 / operations.max(1) as f64;
    assert!(
        per_op <= MAX_FINDINGS_PER_OPERATION,
        "{per_op:.2} findings per operation > {MAX_FINDINGS_PER_OPERATION}"
    );
    if let Some((_, ops, fs)) = results.iter().find(|r| r.0 == "api.github.com.json") {
        println!(
            "api.github.com.json: {} findings on {ops} operations",
            fs.len()
        );
        assert!(
            fs.len() <= MAX_GITHUB_FINDINGS,
            "GitHub spec: {} findings",
            fs.len()
        );
    }
}
