//! Shared helpers for the testbed integration tests: start/stop the FastAPI + DynamoDB testbed in a
//! private run directory, run the `apiward` binary, read reports and request logs.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

pub fn testbed_dir() -> PathBuf {
    repo_root().join("testbed/fastapi-dynamodb")
}

/// A running testbed (vulnerable app + hardened twin); `Drop` runs `stop.sh`, so the processes are
/// stopped even when an assertion fails.
pub struct Testbed {
    pub run_dir: PathBuf,
    pub env: BTreeMap<String, String>,
}

/// What to do when the testbed is not installed.
pub enum Availability {
    Ready,
    /// `APIWARD_SKIP_TESTBED=1`: the caller returns after printing a loud note.
    Skip,
}

/// Fail (or, with `APIWARD_SKIP_TESTBED=1`, skip loudly) when `setup.sh` has not been run.
pub fn check_installed() -> Availability {
    let dir = testbed_dir();
    let installed = dir.join(".venv").is_dir() && dir.join("node_modules").is_dir();
    if installed {
        return Availability::Ready;
    }
    if std::env::var("APIWARD_SKIP_TESTBED").as_deref() == Ok("1") {
        eprintln!(
            "\n################################################################\n\
             ## SKIPPED: the testbed is not installed and APIWARD_SKIP_TESTBED=1.\n\
             ## The testbed scan tests did NOT run. Install it with\n\
             ##   bash testbed/fastapi-dynamodb/setup.sh\n\
             ################################################################\n"
        );
        return Availability::Skip;
    }
    panic!(
        "the testbed is not installed ({} has no .venv or node_modules): run \
         `bash testbed/fastapi-dynamodb/setup.sh` first (or set APIWARD_SKIP_TESTBED=1 to skip \
         these tests)",
        dir.display()
    );
}

/// A fresh temporary directory (no extra crates).
pub fn temp_dir(tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("apiward-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

impl Testbed {
    /// Start a private instance. `extra_env` is passed to `start.sh` (e.g. `TWIN_RATE_LIMIT`).
    pub fn start(tag: &str, extra_env: &[(&str, &str)]) -> Testbed {
        let run_dir = temp_dir(tag);
        let t0 = Instant::now();
        let mut cmd = Command::new("bash");
        cmd.arg(testbed_dir().join("start.sh"))
            .env("TESTBED_RUN_DIR", &run_dir);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run start.sh");
        // From here on Drop stops whatever did start.
        let mut tb = Testbed {
            run_dir,
            env: BTreeMap::new(),
        };
        if !out.status.success() {
            panic!(
                "testbed start.sh failed ({}):\n{}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let env_json =
            std::fs::read_to_string(tb.run_dir.join("env.json")).expect("start.sh wrote env.json");
        let v: Value = serde_json::from_str(&env_json).expect("env.json is JSON");
        for (k, v) in v.as_object().expect("env.json object") {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            tb.env.insert(k.clone(), s);
        }
        eprintln!(
            "testbed `{tag}` up in {:.1}s: VULN_URL={} TWIN_URL={} (run dir {})",
            t0.elapsed().as_secs_f64(),
            tb.get("VULN_URL"),
            tb.get("TWIN_URL"),
            tb.run_dir.display()
        );
        tb
    }

    pub fn get(&self, key: &str) -> &str {
        self.env
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("testbed env has no {key}"))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.run_dir.join(name)
    }

    /// Run `apiward` with the testbed's env (tokens are handed via `bearer:env:VAR`).
    pub fn apiward(&self, args: &[&str]) -> Scan {
        let mut c = Command::new(env!("CARGO_BIN_EXE_apiward"));
        c.current_dir(&self.run_dir).env("NO_COLOR", "1");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.args(args);
        let t0 = Instant::now();
        let out = c.output().expect("run apiward");
        Scan {
            args: args.iter().map(|s| s.to_string()).collect(),
            elapsed: t0.elapsed(),
            out,
        }
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        let out = Command::new("bash")
            .arg(testbed_dir().join("stop.sh"))
            .env("TESTBED_RUN_DIR", &self.run_dir)
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!(
                "WARNING: testbed stop.sh failed ({}): {}{}",
                o.status,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => eprintln!("WARNING: cannot run stop.sh: {e}"),
        }
    }
}

/// One finished `apiward` run.
pub struct Scan {
    pub args: Vec<String>,
    pub elapsed: Duration,
    pub out: Output,
}

impl Scan {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// The JSON report on stdout; panics with stderr when there is none.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.out.stdout).unwrap_or_else(|e| {
            panic!(
                "apiward {:?} did not print a JSON report ({e}; exit {}):\nstdout: {}\nstderr: {}",
                self.args,
                self.out.status,
                crate::common::truncate(&self.stdout(), 2000),
                crate::common::truncate(&self.stderr(), 4000)
            )
        })
    }
}

pub fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_string();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// The lines of a JSON-lines request log.
pub fn read_log(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("request log {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("log line not JSON ({e}): {l}")))
        .collect()
}

/// A plain HTTP/1.1 GET over loopback (for re-reading list responses the scanner saw).
pub fn http_get(url: &str) -> Option<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: application/json\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        Some(dechunk(body))
    } else {
        Some(body.to_string())
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
