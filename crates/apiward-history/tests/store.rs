//! The history store on real reports: audits of the demo API's OpenAPI document, edited between
//! runs the way an API changes (an operation removed, then put back).

use apiward_core::Report;
use apiward_history::{Every, ScanSettings, Store};
use std::collections::HashSet;
use std::path::PathBuf;

fn temp_db(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "apiward-history-{name}-{}-{}",
        std::process::id(),
        apiward_core::time::unix_now()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("history.db")
}

/// Audit the demo spec, without the operations under `drop_path` when given.
fn audit(drop_path: Option<&str>) -> Report {
    let text = apiward_demo::openapi_json("http://127.0.0.1:9");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("demo spec is JSON");
    if let Some(p) = drop_path {
        let paths = doc["paths"].as_object_mut().expect("paths");
        assert!(paths.remove(p).is_some(), "demo spec has {p}");
    }
    let bytes = serde_json::to_vec(&doc).expect("json");
    let spec = apiward_spec::load_bytes(
        "demo-openapi.json",
        &bytes,
        None,
        &apiward_spec::LoadOptions::default(),
    )
    .expect("spec loads");
    apiward_run::audit_report(
        &spec,
        &apiward_run::AuditJob {
            source: "demo-openapi.json".into(),
            ..Default::default()
        },
    )
}

/// A path of the demo spec with at least one finding of its own.
fn path_with_findings(report: &Report) -> String {
    report
        .findings
        .iter()
        .filter_map(|f| f.location.path.clone())
        .find(|p| p.contains('{'))
        .expect("a finding on an item path")
}

#[test]
fn tracks_new_fixed_and_regressed_findings_by_fingerprint() {
    let db = temp_db("states");
    let store = Store::open(&db).expect("open");
    let full = audit(None);
    let path = path_with_findings(&full);
    let without = audit(Some(&path));
    let at_path: HashSet<&str> = full
        .findings
        .iter()
        .filter(|f| f.location.path.as_deref() == Some(path.as_str()))
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert!(!at_path.is_empty());
    let unique: HashSet<&str> = full
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();

    let first = store.record(&full, "cli").expect("record 1");
    assert_eq!(first.new.len(), unique.len());
    assert!(first.previous.is_none() && first.fixed.is_empty() && first.regressed.is_empty());

    let second = store.record(&without, "cli").expect("record 2");
    let fixed: HashSet<&str> = second
        .fixed
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let still_there: HashSet<&str> = without
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let expected_fixed: HashSet<&str> = unique.difference(&still_there).copied().collect();
    assert_eq!(fixed, expected_fixed);
    assert!(at_path.iter().all(|fp| fixed.contains(fp)));
    assert_eq!(second.previous.as_ref().map(|p| p.id), Some(first.scan.id));

    let third = store.record(&full, "schedule").expect("record 3");
    let regressed: HashSet<&str> = third
        .regressed
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(regressed, expected_fixed);
    assert!(third.new.is_empty() && third.fixed.is_empty());
    assert_eq!(third.scan.regressed, regressed.len() as i64);
    assert_eq!(third.scan.trigger, "schedule");

    // The API list: one API, three scans, trend oldest first.
    let apis = store.apis().expect("apis");
    assert_eq!(apis.len(), 1);
    assert_eq!(apis[0].scans, 3);
    assert_eq!(apis[0].open_findings, unique.len() as i64);
    let trend: Vec<i64> = apis[0].trend.iter().map(|t| t.scan_id).collect();
    assert_eq!(trend, vec![first.scan.id, second.scan.id, third.scan.id]);
    assert_eq!(apis[0].latest.as_ref().map(|s| s.id), Some(third.scan.id));

    // Diffs: 2 → 3 has the findings back as regressed, 1 → 2 has them fixed, 1 → 3 nothing.
    let d = store.diff(second.scan.id, third.scan.id).expect("diff");
    let back: HashSet<&str> = d.regressed.iter().map(|f| f.fingerprint.as_str()).collect();
    assert_eq!(back, expected_fixed);
    assert!(d.new_findings.is_empty() && d.fixed.is_empty());
    let d = store.diff(first.scan.id, second.scan.id).expect("diff");
    assert_eq!(d.fixed.len(), full.findings.len() - without.findings.len());
    let d = store
        .diff(third.scan.id, first.scan.id)
        .expect("diff, either order");
    assert!(d.new_findings.is_empty() && d.regressed.is_empty() && d.fixed.is_empty());
    assert_eq!(d.unchanged, full.findings.len());

    // A finding's history: new, fixed, regressed.
    let fp = expected_fixed.iter().next().expect("one");
    let api_id = apis[0].id;
    let id = store.finding_id(api_id, fp).expect("query").expect("known");
    let h = store.finding_history(id).expect("history");
    let states: Vec<&str> = h.events.iter().map(|e| e.state.as_str()).collect();
    assert_eq!(states, vec!["new", "fixed", "regressed"]);
    assert_eq!(h.finding.status, "open");
    assert_eq!(h.finding.first_seen_scan, first.scan.id);
    assert_eq!(h.finding.last_seen_scan, third.scan.id);

    // The stored report reads back whole, with per-finding states.
    let rec = store.scan(third.scan.id).expect("scan");
    assert_eq!(rec.report.findings.len(), full.findings.len());
    assert_eq!(rec.states.get(*fp).map(String::as_str), Some("regressed"));
    assert_eq!(
        store.findings(api_id, Some("fixed")).expect("fixed").len(),
        0
    );
    assert!(store.findings(api_id, Some("bogus")).is_err());
    assert!(matches!(
        store.scan(9999),
        Err(apiward_history::Error::NotFound(_))
    ));
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

#[test]
fn revealed_evidence_is_never_stored() {
    let db = temp_db("reveal");
    let store = Store::open(&db).expect("open");
    let mut report = audit(None);
    let mut planted = false;
    for f in &mut report.findings {
        for e in &mut f.evidence {
            for v in &mut e.values {
                v.revealed = Some("alice@example.com".into());
                planted = true;
            }
        }
    }
    if !planted {
        // Give one finding a value to reveal.
        let mut e = apiward_core::Evidence::new(apiward_core::EvidenceKind::Response, "x");
        e.values.push(apiward_core::MaskedValue {
            data_type: "email".into(),
            masked: "a***@example.com".into(),
            hash: None,
            key_path: None,
            revealed: Some("alice@example.com".into()),
        });
        report.findings[0].evidence.push(e);
    }
    report.contains_sensitive_data = true;
    let r = store.record(&report, "cli").expect("record");
    let back = store.scan(r.scan.id).expect("scan");
    assert!(!back.report.contains_sensitive_data);
    let raw = std::fs::read(&db).expect("db file");
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    let hay = [raw, wal].concat();
    assert!(
        !hay.windows(17).any(|w| w == b"alice@example.com"),
        "a revealed value reached the database file"
    );
}

#[test]
fn schema_is_versioned_and_newer_databases_are_refused() {
    let db = temp_db("schema");
    drop(Store::open(&db).expect("create"));
    drop(Store::open(&db).expect("reopen is a no-op migration"));
    let conn = rusqlite_free_version(&db);
    assert_eq!(conn, apiward_history::SCHEMA_VERSION);
    // Pretend a newer apiward wrote it.
    let store = Store::open(&db).expect("open");
    drop(store);
    set_user_version(&db, apiward_history::SCHEMA_VERSION + 1);
    let err = Store::open(&db).err().expect("refused");
    assert!(err.to_string().contains("upgrade apiward"), "{err}");
}

// The user_version lives at byte offset 60 of the database header (big-endian u32).
fn rusqlite_free_version(db: &std::path::Path) -> i64 {
    let bytes = std::fs::read(db).expect("db");
    i64::from(u32::from_be_bytes([
        bytes[60], bytes[61], bytes[62], bytes[63],
    ]))
}

fn set_user_version(db: &std::path::Path, v: i64) {
    // Checkpointed by the close above; patch the header in place.
    let mut bytes = std::fs::read(db).expect("db");
    bytes[60..64].copy_from_slice(&(v as u32).to_be_bytes());
    std::fs::write(db, bytes).expect("write");
    let _ = std::fs::remove_file(db.with_extension("db-wal"));
    let _ = std::fs::remove_file(db.with_extension("db-shm"));
}

#[test]
fn schedules_are_claimed_once_per_due_time() {
    let db = temp_db("schedules");
    let store = Store::open(&db).expect("open");
    assert!(
        store
            .add_schedule("http://127.0.0.1:9", None, &Every::IntervalSecs(5), 0)
            .is_err(),
        "intervals under a minute are refused"
    );
    assert!(
        store
            .add_schedule(
                "http://127.0.0.1:9",
                None,
                &Every::Cron("61 * * * *".into()),
                0
            )
            .is_err()
    );
    let a = store
        .add_schedule("http://127.0.0.1:9", None, &Every::IntervalSecs(600), 1000)
        .expect("add");
    let b = store
        .add_schedule(
            "http://127.0.0.1:8",
            None,
            &Every::Cron("*/5 * * * *".into()),
            5000,
        )
        .expect("add");
    let due = store
        .claim_due(1000, |s| s.every.next_after(1000).unwrap_or(u64::MAX))
        .expect("claim");
    assert_eq!(due.iter().map(|s| s.id).collect::<Vec<_>>(), vec![a.id]);
    // Already claimed: not due again until its next run.
    assert!(store.claim_due(1000, |_| 0).expect("claim").is_empty());
    assert_eq!(store.schedule(a.id).expect("get").next_run, 1600);
    store.run_schedule_now(b.id, 1000).expect("now");
    let due = store.claim_due(1000, |_| 9999).expect("claim");
    assert_eq!(due.iter().map(|s| s.id).collect::<Vec<_>>(), vec![b.id]);
    store
        .finish_schedule_run(b.id, None, Some("target down"))
        .expect("finish");
    let b = store.schedule(b.id).expect("get");
    assert_eq!(b.last_status.as_deref(), Some("error"));
    assert_eq!(b.last_error.as_deref(), Some("target down"));
    store.delete_schedule(a.id).expect("delete");
    assert!(store.delete_schedule(a.id).is_err());
}

#[test]
fn schedule_settings_and_enabled_toggle() {
    let db = temp_db("settings");
    let store = Store::open(&db).expect("open");
    let settings = ScanSettings {
        identities: vec!["alice=bearer:env:ALICE_TOKEN".into()],
        include: vec!["POST /search".into()],
        exclude: vec!["/admin/**".into()],
    };
    let s = store
        .add_schedule_with(
            "http://127.0.0.1:9",
            None,
            &Every::IntervalSecs(600),
            &settings,
            false,
            1000,
        )
        .expect("add");
    assert!(!s.enabled);
    assert_eq!(s.settings, settings);
    // Disabled: never handed out, however overdue.
    assert!(
        store
            .claim_due(10_000, |_| 20_000)
            .expect("claim")
            .is_empty()
    );
    let s = store.set_schedule_enabled(s.id, true).expect("enable");
    assert!(s.enabled);
    let due = store.claim_due(10_000, |_| 20_000).expect("claim");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].settings, settings, "the run gets the settings");
    let s = store
        .set_schedule_settings(s.id, &ScanSettings::default())
        .expect("clear");
    assert!(s.settings.identities.is_empty() && s.settings.exclude.is_empty());
    assert!(store.set_schedule_enabled(9999, true).is_err());
    let too_many = ScanSettings {
        exclude: vec!["/x".into(); apiward_history::MAX_SETTINGS_ITEMS + 1],
        ..ScanSettings::default()
    };
    assert!(store.set_schedule_settings(s.id, &too_many).is_err());
    // Survives a reopen (stored, not cached).
    drop(store);
    let store = Store::open(&db).expect("reopen");
    assert!(store.schedule(s.id).expect("get").enabled);
}

const CHILD_DB: &str = "APIWARD_HISTORY_CHILD_DB";

/// Not a test of its own: the child process of `survives_kill_9_mid_write`, recording scans in a
/// loop until it is killed. Prints each committed scan id.
#[test]
#[ignore]
fn child_writer() {
    let Some(db) = std::env::var_os(CHILD_DB) else {
        return;
    };
    let store = Store::open(std::path::Path::new(&db)).expect("open");
    let full = audit(None);
    let path = path_with_findings(&full);
    let without = audit(Some(&path));
    use std::io::Write;
    for i in 0u64.. {
        let report = if i % 2 == 0 { &full } else { &without };
        let r = store.record(report, "cli").expect("record");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "committed {}", r.scan.id);
        let _ = out.flush();
    }
}

#[test]
fn survives_kill_9_mid_write() {
    use std::io::BufRead;
    let db = temp_db("kill");
    let exe = std::env::current_exe().expect("test binary");
    let mut committed: Vec<i64> = Vec::new();
    for round in 0..3 {
        let mut child = std::process::Command::new(&exe)
            .args([
                "--exact",
                "child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DB, &db)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut got = 0;
        while got < 4 + round {
            let line = lines.next().expect("child still writing").expect("line");
            if let Some(id) = line.strip_prefix("committed ") {
                committed.push(id.trim().parse().expect("id"));
                got += 1;
            }
        }
        // SIGKILL while the child is inside its next record() transaction.
        child.kill().expect("kill -9");
        let _ = child.wait();
        // Drain what it printed before dying: those were committed too.
        for line in lines.map_while(Result::ok) {
            if let Some(id) = line.strip_prefix("committed ") {
                committed.push(id.trim().parse().expect("id"));
            }
        }
    }
    let store = Store::open(&db).expect("reopen after kill -9");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let scans = store.scans(None, 1000).expect("scans");
    let ids: HashSet<i64> = scans.iter().map(|s| s.id).collect();
    for id in &committed {
        assert!(
            ids.contains(id),
            "scan {id} was reported committed but is gone"
        );
    }
    // Every stored scan is whole: its report reads back and has all its finding states.
    for s in &scans {
        let rec = store.scan(s.id).expect("whole scan");
        let present: HashSet<&str> = rec
            .report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let states = rec
            .states
            .values()
            .filter(|s| s.as_str() != "fixed")
            .count();
        assert_eq!(states, present.len(), "scan {} lost finding states", s.id);
        assert_eq!(
            rec.states
                .values()
                .filter(|s| s.as_str() == "fixed")
                .count() as i64,
            s.fixed
        );
    }
    // Recording still works after the crashes.
    store
        .record(&audit(None), "cli")
        .expect("record after crash");
}
