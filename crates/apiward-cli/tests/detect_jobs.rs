//! `apiward detect -j N`: the bytes printed do not depend on N (NDJSON batches, HAR entries and
//! whole files are scanned in parallel but written in input order).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// Tests run in parallel threads of one process: each call gets its own directory so one test
// never reads a file another is rewriting.
fn tmp(name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("apiward-detect-jobs-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

fn detect(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apiward"))
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .arg("detect")
        .args(args)
        .output()
        .expect("run apiward")
}

/// Inputs of every kind built from the detector's positive corpus: NDJSON (several batches long, with
/// blank and CRLF lines), a log, one JSON document and a HAR file.
fn inputs() -> Vec<String> {
    let corpus = repo_root().join("crates/apiward-detect/fixtures/positive.jsonl");
    let text = std::fs::read_to_string(corpus).expect("positive corpus");
    let (mut ndjson, mut log, mut entries) = (String::new(), String::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        let case: Value = serde_json::from_str(line).expect("case");
        let input = case["input"].as_str().unwrap_or_default();
        if case["fmt"].as_str() == Some("json") {
            ndjson.push_str(&input.replace('\n', " "));
            ndjson.push_str(if i % 7 == 0 { "\r\n\n" } else { "\n" });
            entries.push(serde_json::json!({
                "request": {"method": "GET", "url": format!("https://api.test/items/{i}?token=ghp_{:0>36}", i),
                            "headers": [{"name": "Authorization", "value": "Bearer abc"}]},
                "response": {"status": 200, "headers": [{"name": "Server", "value": "nginx/1.18.0"}],
                             "content": {"mimeType": "application/json", "text": input}}
            }));
        } else {
            log.push_str(input);
            log.push('\n');
        }
    }
    // about 3 MB: several 1 MB batches
    let big = ndjson.repeat((3_000_000 / ndjson.len().max(1)).max(2));
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": entries}});
    let files = [
        ("big.ndjson", big),
        ("app.log", log),
        (
            "one.json",
            format!(
                "[{}]",
                ndjson
                    .trim_end()
                    .replace("\r\n", "\n")
                    .replace("\n\n", "\n")
                    .replace('\n', ",")
            ),
        ),
        (
            "traffic.har",
            serde_json::to_string_pretty(&har).expect("har"),
        ),
    ];
    files
        .iter()
        .map(|(name, body)| {
            let p = tmp(name);
            std::fs::write(&p, body).expect("write input");
            p.to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    let files = inputs();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    for extra in [&["--format", "json"][..], &["--show-evidence"][..]] {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend_from_slice(&files);
        let one = detect(&[&["-j", "1"][..], &args].concat());
        assert_eq!(
            one.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
        assert!(one.stdout.len() > 100_000, "the inputs produced matches");
        for j in ["2", "3"] {
            let many = detect(&[&["-j", j][..], &args].concat());
            assert_eq!(many.status.code(), one.status.code());
            assert!(
                one.stdout == many.stdout,
                "-j {j} printed different bytes than -j 1"
            );
            assert_eq!(one.stderr, many.stderr);
        }
    }
}

#[test]
fn a_failing_file_stops_after_the_earlier_files_output() {
    let files = inputs();
    let missing = tmp("does-not-exist.ndjson");
    for j in ["1", "2"] {
        let out = detect(&[
            "-j",
            j,
            "--format",
            "json",
            &files[1],
            missing.to_str().expect("p"),
            &files[0],
        ]);
        assert_eq!(out.status.code(), Some(2));
        let only_log = detect(&["--format", "json", &files[1]]);
        assert!(
            out.stdout == only_log.stdout,
            "-j {j}: the log's matches, then the error"
        );
    }
}
