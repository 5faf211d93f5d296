//! `--record`, `apiward history`, `apiward trend` and `apiward serve`'s bind rules, end to end.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apiward"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("APIWARD_DB")
        .output()
        .expect("run apiward")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn record_then_history_and_trend() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("apiward-cli-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("h.db");
    let db_flag = format!("--record={}", db.display());
    let spec = dir.join("api.yaml");
    let spec_s = spec.to_str().expect("utf-8 path");
    // The same spec file, edited between two audits.
    std::fs::copy(fixture("baseline-v1.yaml"), &spec).expect("copy");
    let r1 = dir.join("r1.json");
    let out = run(&[
        "audit",
        spec_s,
        &db_flag,
        "-q",
        "-o",
        r1.to_str().expect("p"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::copy(fixture("baseline-v2.yaml"), &spec).expect("copy");
    let r2 = dir.join("r2.json");
    let out = run(&["audit", spec_s, &db_flag, "-o", r2.to_str().expect("p")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("recorded scan #2"), "{stderr}");

    // What `apiward diff` says about the two reports is what the history says.
    let diff = json(&run(&[
        "diff",
        r1.to_str().expect("p"),
        r2.to_str().expect("p"),
        "-f",
        "json",
    ]));
    let new = diff["new"].as_array().map(|a| a.len()).expect("new");
    let fixed = diff["fixed"].as_array().map(|a| a.len()).expect("fixed");
    assert!(new + fixed > 0, "the fixtures differ");

    let db_s = db.to_str().expect("p");
    let list = json(&run(&["history", "--db", db_s, "-f", "json"]));
    assert_eq!(list["apis"].as_array().map(|a| a.len()), Some(1));
    assert_eq!(list["apis"][0]["scans"], 2);
    let trend = json(&run(&["trend", spec_s, "--db", db_s, "-f", "json"]));
    let scans = trend["scans"].as_array().expect("scans");
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[1]["new"].as_u64(), Some(new as u64));
    assert_eq!(scans[1]["fixed"].as_u64(), Some(fixed as u64));
    let r2_report: Value =
        serde_json::from_str(&std::fs::read_to_string(&r2).expect("r2")).expect("json");
    assert_eq!(scans[1]["score"], r2_report["score"]["overall"]);

    let text = run(&["trend", "1", "--db", db_s]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("+{new} new")), "{text}");
    let text = run(&["history", "1", "--db", db_s]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("2 scans"));

    // Clear errors: unknown API, missing database, bad format.
    let out = run(&["trend", "http://nowhere", "--db", db_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no API"));
    let out = run(&[
        "history",
        "--db",
        dir.join("missing.db").to_str().expect("p"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !dir.join("missing.db").exists(),
        "reading never creates a database"
    );
    assert_eq!(
        run(&["history", "--db", db_s, "-f", "xml"]).status.code(),
        Some(2)
    );
}

#[test]
fn serve_refuses_remote_binds_without_opt_in_and_token() {
    let out = run(&["serve", "--bind", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
    let out = run(&["serve", "--bind", "0.0.0.0:0", "--allow-remote"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("access token"));
    let out = run(&[
        "serve",
        "--bind",
        "0.0.0.0:0",
        "--allow-remote",
        "--token",
        "short",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("16 characters"));
}
