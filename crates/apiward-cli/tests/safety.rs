//! Safety from the command line (issue 11): writes only with `--active` on the command line (never
//! from a config file), clear errors for bad `--include`/`--exclude` patterns, no panic on a spec
//! whose server has no scheme, and a panic (a bug) still ends with exit code 2 and one line.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apiward"));
    c.env("NO_COLOR", "1");
    c
}

fn tmp_dir(name: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("apiward-safety-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

/// A loopback API that serves `spec` at `/openapi.json`, answers `{}` to everything else and
/// records every request line.
fn serve(spec: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = log.clone();
            let spec = spec.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(match stream.try_clone() {
                    Ok(s) => s,
                    Err(_) => return,
                });
                let mut stream = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 {
                            return;
                        }
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        if let Some((n, v)) = h.split_once(':')
                            && n.eq_ignore_ascii_case("content-length")
                        {
                            len = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0u8; len.min(1 << 20)];
                    let _ = reader.read_exact(&mut body);
                    let request_line = line.trim_end().to_string();
                    if let Ok(mut l) = log.lock() {
                        l.push(request_line.clone());
                    }
                    let out = if request_line.starts_with("GET /openapi.json ") {
                        spec.clone()
                    } else {
                        "{}".to_string()
                    };
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{out}",
                        out.len()
                    );
                    if stream.write_all(resp.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

const SPEC: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},
  "servers":[{"url":"localhost:8000"}],
  "paths":{
    "/items":{"get":{"responses":{"200":{"description":"ok"}}},
              "post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"name":{"type":"string"}}}}}},
                      "responses":{"201":{"description":"created"}}}},
    "/maintenance/reset-cache":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;

fn scan(base: &str, dir: &PathBuf, extra: &[&str]) -> Output {
    let mut args = vec![
        "scan", base, "--format", "json", "--quiet", "--gentle", "--rate", "0",
    ];
    args.extend_from_slice(extra);
    bin()
        .current_dir(dir)
        .args(&args)
        .output()
        .expect("run apiward")
}

#[test]
fn a_config_file_cannot_turn_writes_on() {
    let (base, seen) = serve(SPEC.to_string());
    let dir = tmp_dir("config");
    std::fs::write(dir.join("apiward.toml"), "[scan]\nactive = true\n").expect("write config");
    let out = scan(&base, &dir, &[]);
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let writes: Vec<&String> = seen
        .iter()
        .filter(|l| !(l.starts_with("GET ") || l.starts_with("HEAD ") || l.starts_with("OPTIONS ")))
        .collect();
    assert!(writes.is_empty(), "writes sent: {writes:?}");
    // The state-changing GET was not called either, and the report says why.
    assert!(
        !seen.iter().any(|l| l.contains("/maintenance/reset-cache")),
        "{seen:?}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["safety"]["mode"], "read-only");
    let skipped = report["safety"]["skipped_operations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        skipped
            .iter()
            .any(|k| k["path"] == "/maintenance/reset-cache" && k["risk"] == "destructive"),
        "{skipped:?}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty()
            || !String::from_utf8_lossy(&out.stderr).contains("panicked")
    );
}

#[test]
fn include_calls_a_skipped_operation_once_and_exclude_sends_nothing() {
    let (base, seen) = serve(SPEC.to_string());
    let dir = tmp_dir("include");
    let out = scan(
        &base,
        &dir,
        &["--include", "GET /maintenance/*", "--exclude", "/items"],
    );
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 1));
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let resets = seen
        .iter()
        .filter(|l| l.contains("/maintenance/reset-cache") && !l.starts_with("OPTIONS "))
        .count();
    assert_eq!(resets, 1, "{seen:?}");
    assert!(
        !seen
            .iter()
            .any(|l| l.contains(" /items ") || l.contains(" /items?")),
        "{seen:?}"
    );
}

#[test]
fn bad_patterns_are_clear_errors() {
    let dir = tmp_dir("patterns");
    for (flag, pattern, says) in [
        ("--include", "FETCH /x", "unknown method"),
        ("--exclude", "admin/**", "must start with `/`"),
        ("--exclude", "GET /a/{b", "unbalanced"),
    ] {
        let out = scan("http://127.0.0.1:9", &dir, &[flag, pattern]);
        assert_eq!(out.status.code(), Some(2), "{flag} {pattern}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag) && err.contains(says), "{err}");
    }
}

#[test]
fn a_panic_is_exit_code_two_with_one_line() {
    let out = bin()
        .env("APIWARD_INTERNAL_PANIC_TEST", "1")
        .args(["rules"])
        .output()
        .expect("run apiward");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("internal error"), "{err}");
}
