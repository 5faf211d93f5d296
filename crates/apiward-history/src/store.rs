//! The store: record scans, read them back, diff them, and keep schedules and webhooks.

use crate::{Cron, Error, Result};
use apiward_core::{Finding, Report, SeverityCounts};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

pub use crate::migrate::SCHEMA_VERSION;

/// RFC 3339 UTC text for Unix seconds.
pub fn rfc3339(unix: u64) -> String {
    apiward_core::time::rfc3339_from_unix(unix)
}

/// Read connections kept open at most; more concurrent readers open (and drop) their own.
const READER_POOL: usize = 8;
/// Largest report JSON accepted into the store (the engine's caps keep real ones far below).
const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// The history database.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// One API: a base URL that was scanned, or a spec that was audited.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ApiSummary {
    pub id: i64,
    pub name: String,
    pub scans: i64,
    pub open_findings: i64,
    /// The most recent scan, if any.
    pub latest: Option<ScanSummary>,
    /// Scores of the most recent scans, oldest first (at most 20).
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendPoint {
    pub scan_id: i64,
    pub started_at: String,
    pub score: i64,
    pub grade: String,
}

/// A scan without its report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScanSummary {
    pub id: i64,
    pub api_id: i64,
    pub api_name: String,
    pub started_at: String,
    pub recorded_at: String,
    /// `audit` or `scan`.
    pub mode: String,
    /// What started it: `cli`, `schedule`, `manual`.
    pub trigger: String,
    pub score: i64,
    pub grade: String,
    pub counts: SeverityCounts,
    /// Findings never seen before for this API.
    pub new: i64,
    /// Findings that had been fixed and are back.
    pub regressed: i64,
    /// Findings of the previous scan that are gone.
    pub fixed: i64,
}

/// A scan with its full report and the state of each finding (`new`, `regressed`, `unchanged`).
#[derive(Debug, Clone)]
pub struct ScanRecord {
    pub summary: ScanSummary,
    pub report: Report,
    /// Fingerprint → state in this scan, including `fixed` for findings gone in it.
    pub states: HashMap<String, String>,
}

/// One finding of one API, tracked across scans by fingerprint.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingRow {
    pub id: i64,
    pub api_id: i64,
    pub fingerprint: String,
    pub rule_id: String,
    pub title: String,
    pub severity: String,
    pub category: String,
    pub location: String,
    pub first_seen_scan: i64,
    pub first_seen_at: String,
    pub last_seen_scan: i64,
    pub last_seen_at: String,
    pub fixed_scan: Option<i64>,
    pub fixed_at: Option<String>,
    /// `open` or `fixed`.
    pub status: String,
}

/// A finding and what every scan of its API said about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingHistory {
    pub finding: FindingRow,
    pub api_name: String,
    pub events: Vec<FindingEvent>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingEvent {
    pub scan_id: i64,
    pub started_at: String,
    /// `new`, `regressed`, `unchanged` or `fixed`.
    pub state: String,
}

/// What recording a scan changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recorded {
    pub scan: ScanSummary,
    /// The API's scan before this one.
    pub previous: Option<ScanSummary>,
    pub new: Vec<FindingRow>,
    pub regressed: Vec<FindingRow>,
    pub fixed: Vec<FindingRow>,
}

impl Recorded {
    /// The grade moved since the previous scan.
    pub fn grade_changed(&self) -> bool {
        self.previous
            .as_ref()
            .is_some_and(|p| p.grade != self.scan.grade)
    }
}

/// The difference between two scans of one API.
#[derive(Debug, Clone, Serialize)]
pub struct ScanDiff {
    pub old: ScanSummary,
    pub new: ScanSummary,
    /// In the newer scan only, never seen before the older one.
    pub new_findings: Vec<Finding>,
    /// In the newer scan only, but seen in a scan before the older one (came back).
    pub regressed: Vec<Finding>,
    /// In the older scan only.
    pub fixed: Vec<Finding>,
    pub unchanged: usize,
}

/// How often a schedule runs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    IntervalSecs(u64),
    Cron(String),
}

/// Shortest interval a schedule may have.
pub const MIN_INTERVAL_SECS: u64 = 60;

impl Every {
    /// Check an interval or cron expression.
    pub fn validate(&self) -> Result<()> {
        match self {
            Every::IntervalSecs(s) if *s < MIN_INTERVAL_SECS || *s > 366 * 86_400 => {
                Err(Error::Invalid(format!(
                    "interval {s}s: expected {MIN_INTERVAL_SECS} seconds to a year"
                )))
            }
            Every::IntervalSecs(_) => Ok(()),
            Every::Cron(c) => Cron::parse(c).map(|_| ()).map_err(Error::Invalid),
        }
    }

    /// The next run after `now` (Unix seconds), without jitter.
    pub fn next_after(&self, now: u64) -> Option<u64> {
        match self {
            Every::IntervalSecs(s) => Some(now + s),
            Every::Cron(c) => Cron::parse(c).ok()?.next_after(now),
        }
    }
}

/// What a schedule scans with, besides its target and spec. Checked by the caller (the service
/// knows the scanner's syntax); the store only bounds sizes.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ScanSettings {
    /// `NAME=KIND:env:VAR` references, resolved from the environment at each run. Never a
    /// credential itself.
    pub identities: Vec<String>,
    /// Operation patterns (`METHOD /path/glob`) called although the risk model would skip them.
    pub include: Vec<String>,
    /// Operation patterns that get no request.
    pub exclude: Vec<String>,
}

/// At most this many identities, include and exclude patterns per schedule (each list).
pub const MAX_SETTINGS_ITEMS: usize = 64;
/// Longest identity reference or pattern.
pub const MAX_SETTINGS_ITEM_LEN: usize = 512;

impl ScanSettings {
    fn validate(&self) -> Result<()> {
        for (what, list) in [
            ("identities", &self.identities),
            ("include", &self.include),
            ("exclude", &self.exclude),
        ] {
            if list.len() > MAX_SETTINGS_ITEMS {
                return Err(Error::Invalid(format!(
                    "{what}: at most {MAX_SETTINGS_ITEMS} entries"
                )));
            }
            if list.iter().any(|i| i.len() > MAX_SETTINGS_ITEM_LEN) {
                return Err(Error::Invalid(format!(
                    "{what}: an entry is longer than {MAX_SETTINGS_ITEM_LEN} characters"
                )));
            }
        }
        Ok(())
    }
}

fn json_list(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// A stored JSON list; a column that is not one reads as empty rather than failing the row.
fn parse_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// A monitoring schedule: scan `target` (read-only unless the server runs with `--active`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Schedule {
    pub id: i64,
    pub target: String,
    pub spec: Option<String>,
    pub every: Every,
    /// Identity references, include and exclude patterns.
    #[serde(flatten)]
    pub settings: ScanSettings,
    pub enabled: bool,
    /// Unix seconds.
    pub next_run: u64,
    pub last_run: Option<u64>,
    /// `ok` or `error`.
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub last_scan_id: Option<i64>,
    pub created_at: String,
}

/// A webhook: events are POSTed to `url`, signed with `secret`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    /// Never serialised: shown once, when the webhook is created.
    #[serde(skip)]
    pub secret: String,
    /// Only this API's events; every API's when `None`.
    pub api_id: Option<i64>,
    pub enabled: bool,
    pub created_at: String,
}

/// One webhook delivery and how it went.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub scan_id: Option<i64>,
    pub event: String,
    pub attempts: i64,
    /// The receiver's last HTTP status.
    pub status: Option<i64>,
    pub error: Option<String>,
    pub delivered: bool,
    pub created_at: String,
    pub updated_at: String,
}

const SCAN_COLUMNS: &str = "s.id, s.api_id, a.name, s.started_at, s.recorded_at, s.mode, s.trigger, s.score, s.grade, s.critical, s.high, s.medium, s.low, s.info, s.new_count, s.regressed_count, s.fixed_count";

fn scan_summary(r: &Row<'_>) -> rusqlite::Result<ScanSummary> {
    let n = |i: usize| -> rusqlite::Result<usize> { Ok(r.get::<_, i64>(i)?.max(0) as usize) };
    Ok(ScanSummary {
        id: r.get(0)?,
        api_id: r.get(1)?,
        api_name: r.get(2)?,
        started_at: r.get(3)?,
        recorded_at: r.get(4)?,
        mode: r.get(5)?,
        trigger: r.get(6)?,
        score: r.get(7)?,
        grade: r.get(8)?,
        counts: SeverityCounts {
            critical: n(9)?,
            high: n(10)?,
            medium: n(11)?,
            low: n(12)?,
            info: n(13)?,
        },
        new: r.get(14)?,
        regressed: r.get(15)?,
        fixed: r.get(16)?,
    })
}

const FINDING_COLUMNS: &str = "id, api_id, fingerprint, rule_id, title, severity, category, location, first_seen_scan, first_seen_at, last_seen_scan, last_seen_at, fixed_scan, fixed_at";

fn finding_row(r: &Row<'_>) -> rusqlite::Result<FindingRow> {
    let fixed_scan: Option<i64> = r.get(12)?;
    Ok(FindingRow {
        id: r.get(0)?,
        api_id: r.get(1)?,
        fingerprint: r.get(2)?,
        rule_id: r.get(3)?,
        title: r.get(4)?,
        severity: r.get(5)?,
        category: r.get(6)?,
        location: r.get(7)?,
        first_seen_scan: r.get(8)?,
        first_seen_at: r.get(9)?,
        last_seen_scan: r.get(10)?,
        last_seen_at: r.get(11)?,
        fixed_scan,
        fixed_at: r.get(13)?,
        status: if fixed_scan.is_some() {
            "fixed"
        } else {
            "open"
        }
        .to_string(),
    })
}

const SCHEDULE_COLUMNS: &str = "id, target, spec, interval_secs, cron, enabled, next_run, last_run, last_status, last_error, last_scan_id, created_at, identities, include_ops, exclude_ops";

fn schedule_row(r: &Row<'_>) -> rusqlite::Result<Schedule> {
    let interval: Option<i64> = r.get(3)?;
    let cron: Option<String> = r.get(4)?;
    let every = match (interval, cron) {
        (_, Some(c)) => Every::Cron(c),
        (Some(s), None) => Every::IntervalSecs(s.max(0) as u64),
        (None, None) => Every::IntervalSecs(86_400),
    };
    Ok(Schedule {
        id: r.get(0)?,
        target: r.get(1)?,
        spec: r.get(2)?,
        every,
        settings: ScanSettings {
            identities: parse_list(&r.get::<_, String>(12)?),
            include: parse_list(&r.get::<_, String>(13)?),
            exclude: parse_list(&r.get::<_, String>(14)?),
        },
        enabled: r.get(5)?,
        next_run: r.get::<_, i64>(6)?.max(0) as u64,
        last_run: r.get::<_, Option<i64>>(7)?.map(|v| v.max(0) as u64),
        last_status: r.get(8)?,
        last_error: r.get(9)?,
        last_scan_id: r.get(10)?,
        created_at: r.get(11)?,
    })
}

fn webhook_row(r: &Row<'_>) -> rusqlite::Result<Webhook> {
    Ok(Webhook {
        id: r.get(0)?,
        url: r.get(1)?,
        secret: r.get(2)?,
        api_id: r.get(3)?,
        enabled: r.get(4)?,
        created_at: r.get(5)?,
    })
}

fn delivery_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: r.get(0)?,
        webhook_id: r.get(1)?,
        scan_id: r.get(2)?,
        event: r.get(3)?,
        attempts: r.get(4)?,
        status: r.get(5)?,
        error: r.get(6)?,
        delivered: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// The name an API is recorded under: its base URL for a scan, its spec source for an audit.
pub fn api_name(report: &Report) -> String {
    report
        .target
        .base_url
        .clone()
        .or_else(|| report.target.spec.clone())
        .unwrap_or_else(|| "(unnamed)".to_string())
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Invalid(format!("cannot create {}: {e}", dir.display())))?;
        }
        let fresh = !path.exists();
        let mut conn = Connection::open(path)?;
        if fresh {
            restrict_permissions(path);
        }
        configure(&conn)?;
        // WAL: readers never block the writer; FULL: a committed scan survives power loss too.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Invalid(format!(
                "{}: cannot switch the database to WAL mode (got {mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        crate::migrate::migrate(&mut conn)?;
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| Error::Invalid("history writer poisoned".into()))?;
        f(&mut conn)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().ok().and_then(|mut p| p.pop());
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut p) = self.readers.lock()
            && p.len() < READER_POOL
        {
            p.push(conn);
        }
        out
    }

    /// Record a finished report in one transaction and say what changed. Revealed evidence
    /// (`--show-evidence`) is never stored.
    pub fn record(&self, report: &Report, trigger: &str) -> Result<Recorded> {
        let mut report = report.clone();
        for f in &mut report.findings {
            f.baseline_state = None;
            for e in &mut f.evidence {
                for v in &mut e.values {
                    v.revealed = None;
                }
            }
        }
        report.fixed.clear();
        report.contains_sensitive_data = false;
        let json =
            serde_json::to_string(&report).map_err(|e| Error::Invalid(format!("report: {e}")))?;
        if json.len() > MAX_REPORT_BYTES {
            return Err(Error::Invalid(format!(
                "report of {} bytes is larger than the {MAX_REPORT_BYTES}-byte limit",
                json.len()
            )));
        }
        let name = api_name(&report);
        let now = apiward_core::time::now_rfc3339();
        self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT OR IGNORE INTO apis (name, created_at) VALUES (?1, ?2)",
                params![name, now],
            )?;
            let api_id: i64 =
                tx.query_row("SELECT id FROM apis WHERE name = ?1", [&name], |r| r.get(0))?;
            let previous = tx
                .query_row(
                    &format!(
                        "SELECT {SCAN_COLUMNS} FROM scans s JOIN apis a ON a.id = s.api_id WHERE s.api_id = ?1 ORDER BY s.id DESC LIMIT 1"
                    ),
                    [api_id],
                    scan_summary,
                )
                .optional()?;
            // fingerprint -> (id, currently fixed)
            let mut known: HashMap<String, (i64, bool)> = HashMap::new();
            {
                let mut st = tx.prepare(
                    "SELECT fingerprint, id, fixed_scan IS NOT NULL FROM findings WHERE api_id = ?1",
                )?;
                let rows = st.query_map([api_id], |r| {
                    Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))
                })?;
                for row in rows {
                    let (fp, v) = row?;
                    known.insert(fp, v);
                }
            }
            let mut present: Vec<&Finding> = Vec::new();
            let mut seen = HashSet::new();
            for f in &report.findings {
                if seen.insert(f.fingerprint.as_str()) {
                    present.push(f);
                }
            }
            let state_of = |f: &Finding| match known.get(&f.fingerprint) {
                None => "new",
                Some((_, true)) => "regressed",
                Some((_, false)) => "unchanged",
            };
            let gone: Vec<i64> = known
                .iter()
                .filter(|(fp, (_, fixed))| !fixed && !seen.contains(fp.as_str()))
                .map(|(_, (id, _))| *id)
                .collect();
            let count = |s: &str| present.iter().filter(|f| state_of(f) == s).count() as i64;
            let (new_count, regressed_count) = (count("new"), count("regressed"));
            let c = &report.summary;
            tx.execute(
                "INSERT INTO scans (api_id, started_at, recorded_at, mode, trigger, score, grade, critical, high, medium, low, info, new_count, regressed_count, fixed_count, report)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    api_id,
                    report.started_at,
                    now,
                    report.target.mode,
                    trigger,
                    i64::from(report.score.overall),
                    report.score.grade.letter(),
                    c.critical as i64,
                    c.high as i64,
                    c.medium as i64,
                    c.low as i64,
                    c.info as i64,
                    new_count,
                    regressed_count,
                    gone.len() as i64,
                    json
                ],
            )?;
            let scan_id = tx.last_insert_rowid();
            let mut ids = (Vec::new(), Vec::new());
            for f in &present {
                let state = state_of(f);
                let location = f.location.label();
                let id = match known.get(&f.fingerprint) {
                    None => {
                        tx.execute(
                            "INSERT INTO findings (api_id, fingerprint, rule_id, title, severity, category, location, first_seen_scan, first_seen_at, last_seen_scan, last_seen_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
                            params![api_id, f.fingerprint, f.rule_id, f.title, f.severity.id(), f.category.id(), location, scan_id, report.started_at],
                        )?;
                        tx.last_insert_rowid()
                    }
                    Some((id, _)) => {
                        tx.execute(
                            "UPDATE findings SET rule_id = ?2, title = ?3, severity = ?4, category = ?5, location = ?6, last_seen_scan = ?7, last_seen_at = ?8, fixed_scan = NULL, fixed_at = NULL WHERE id = ?1",
                            params![id, f.rule_id, f.title, f.severity.id(), f.category.id(), location, scan_id, report.started_at],
                        )?;
                        *id
                    }
                };
                tx.execute(
                    "INSERT INTO scan_findings (scan_id, finding_id, state) VALUES (?1, ?2, ?3)",
                    params![scan_id, id, state],
                )?;
                match state {
                    "new" => ids.0.push(id),
                    "regressed" => ids.1.push(id),
                    _ => {}
                }
            }
            for id in &gone {
                tx.execute(
                    "UPDATE findings SET fixed_scan = ?2, fixed_at = ?3 WHERE id = ?1",
                    params![id, scan_id, report.started_at],
                )?;
                tx.execute(
                    "INSERT INTO scan_findings (scan_id, finding_id, state) VALUES (?1, ?2, 'fixed')",
                    params![scan_id, id],
                )?;
            }
            let scan = tx.query_row(
                &format!("SELECT {SCAN_COLUMNS} FROM scans s JOIN apis a ON a.id = s.api_id WHERE s.id = ?1"),
                [scan_id],
                scan_summary,
            )?;
            let rows = |ids: &[i64]| -> Result<Vec<FindingRow>> {
                ids.iter()
                    .map(|id| {
                        tx.query_row(
                            &format!("SELECT {FINDING_COLUMNS} FROM findings WHERE id = ?1"),
                            [id],
                            finding_row,
                        )
                        .map_err(Error::from)
                    })
                    .collect()
            };
            let recorded = Recorded {
                scan,
                previous,
                new: rows(&ids.0)?,
                regressed: rows(&ids.1)?,
                fixed: rows(&gone)?,
            };
            tx.commit()?;
            Ok(recorded)
        })
    }

    /// Every API with its latest scan and trend, most recently scanned first.
    pub fn apis(&self) -> Result<Vec<ApiSummary>> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT a.id, a.name, (SELECT COUNT(*) FROM scans s WHERE s.api_id = a.id),
                        (SELECT COUNT(*) FROM findings f WHERE f.api_id = a.id AND f.fixed_scan IS NULL),
                        (SELECT MAX(s.id) FROM scans s WHERE s.api_id = a.id) AS latest
                 FROM apis a ORDER BY latest DESC NULLS LAST, a.id",
            )?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(id, name, scans, open_findings, latest)| {
                    Ok(ApiSummary {
                        id,
                        name,
                        scans,
                        open_findings,
                        latest: match latest {
                            Some(s) => scan_by_id(c, s)?,
                            None => None,
                        },
                        trend: trend(c, id, 20)?,
                    })
                })
                .collect()
        })
    }

    /// One API by id.
    pub fn api(&self, id: i64) -> Result<ApiSummary> {
        self.apis()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::NotFound(format!("API {id}")))
    }

    /// The API recorded under `name` (a base URL or spec source).
    pub fn api_by_name(&self, name: &str) -> Result<Option<ApiSummary>> {
        Ok(self.apis()?.into_iter().find(|a| a.name == name))
    }

    /// Scans, newest first: all of them, or one API's.
    pub fn scans(&self, api_id: Option<i64>, limit: usize) -> Result<Vec<ScanSummary>> {
        self.read(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {SCAN_COLUMNS} FROM scans s JOIN apis a ON a.id = s.api_id
                 WHERE ?1 IS NULL OR s.api_id = ?1 ORDER BY s.id DESC LIMIT ?2"
            ))?;
            let rows = st.query_map(params![api_id, limit.min(100_000) as i64], scan_summary)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// One scan with its report.
    pub fn scan(&self, id: i64) -> Result<ScanRecord> {
        self.read(|c| {
            let summary =
                scan_by_id(c, id)?.ok_or_else(|| Error::NotFound(format!("scan {id}")))?;
            let json: String =
                c.query_row("SELECT report FROM scans WHERE id = ?1", [id], |r| r.get(0))?;
            let report: Report = serde_json::from_str(&json)
                .map_err(|e| Error::Invalid(format!("scan {id}: stored report unreadable: {e}")))?;
            let mut st = c.prepare(
                "SELECT f.fingerprint, sf.state FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id WHERE sf.scan_id = ?1",
            )?;
            let states = st
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<HashMap<String, String>>>()?;
            Ok(ScanRecord {
                summary,
                report,
                states,
            })
        })
    }

    /// Compare two scans of one API (`old` need not be older; they are ordered by id).
    pub fn diff(&self, a: i64, b: i64) -> Result<ScanDiff> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let old = self.scan(a)?;
        let new = self.scan(b)?;
        if old.summary.api_id != new.summary.api_id {
            return Err(Error::Invalid(format!(
                "scans {a} and {b} are of different APIs"
            )));
        }
        let d = apiward_report::baseline::diff(&old.report, &new.report);
        let seen_before: HashSet<String> = self.read(|c| {
            let mut st = c.prepare(
                "SELECT DISTINCT f.fingerprint FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id
                 WHERE f.api_id = ?1 AND sf.scan_id < ?2 AND sf.state != 'fixed'",
            )?;
            let rows = st.query_map(params![old.summary.api_id, a], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<HashSet<String>>>()?)
        })?;
        let (regressed, new_findings) = d
            .new
            .into_iter()
            .partition(|f| seen_before.contains(&f.fingerprint));
        Ok(ScanDiff {
            old: old.summary,
            new: new.summary,
            new_findings,
            regressed,
            fixed: d.fixed,
            unchanged: d.unchanged,
        })
    }

    /// Findings of one API: `open`, `fixed` or all (`None`), most severe first.
    pub fn findings(&self, api_id: i64, status: Option<&str>) -> Result<Vec<FindingRow>> {
        self.read(|c| {
            let cond = match status {
                Some("open") => "AND fixed_scan IS NULL",
                Some("fixed") => "AND fixed_scan IS NOT NULL",
                None => "",
                Some(other) => {
                    return Err(Error::Invalid(format!(
                        "status `{other}`: expected open or fixed"
                    )));
                }
            };
            let mut st = c.prepare(&format!(
                "SELECT {FINDING_COLUMNS} FROM findings WHERE api_id = ?1 {cond}
                 ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, rule_id, location"
            ))?;
            let rows = st.query_map([api_id], finding_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// A finding (by its row id) and every scan's verdict on it.
    pub fn finding_history(&self, id: i64) -> Result<FindingHistory> {
        self.read(|c| {
            let finding = c
                .query_row(
                    &format!("SELECT {FINDING_COLUMNS} FROM findings WHERE id = ?1"),
                    [id],
                    finding_row,
                )
                .optional()?
                .ok_or_else(|| Error::NotFound(format!("finding {id}")))?;
            let api_name: String = c.query_row(
                "SELECT name FROM apis WHERE id = ?1",
                [finding.api_id],
                |r| r.get(0),
            )?;
            let mut st = c.prepare(
                "SELECT s.id, s.started_at, sf.state FROM scan_findings sf JOIN scans s ON s.id = sf.scan_id
                 WHERE sf.finding_id = ?1 ORDER BY s.id",
            )?;
            let events = st
                .query_map([id], |r| {
                    Ok(FindingEvent {
                        scan_id: r.get(0)?,
                        started_at: r.get(1)?,
                        state: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(FindingHistory {
                finding,
                api_name,
                events,
            })
        })
    }

    /// The finding row of an API by fingerprint.
    pub fn finding_id(&self, api_id: i64, fingerprint: &str) -> Result<Option<i64>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM findings WHERE api_id = ?1 AND fingerprint = ?2",
                params![api_id, fingerprint],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// The integrity check SQLite runs on the whole file (`ok` when sound).
    pub fn integrity_check(&self) -> Result<String> {
        self.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
    }

    // --- schedules ---

    /// Add a schedule; its first run is due at `first_run` (Unix seconds).
    pub fn add_schedule(
        &self,
        target: &str,
        spec: Option<&str>,
        every: &Every,
        first_run: u64,
    ) -> Result<Schedule> {
        self.add_schedule_with(
            target,
            spec,
            every,
            &ScanSettings::default(),
            true,
            first_run,
        )
    }

    /// Add a schedule with identities and include / exclude patterns, enabled or not.
    pub fn add_schedule_with(
        &self,
        target: &str,
        spec: Option<&str>,
        every: &Every,
        settings: &ScanSettings,
        enabled: bool,
        first_run: u64,
    ) -> Result<Schedule> {
        every.validate()?;
        settings.validate()?;
        let (interval, cron) = match every {
            Every::IntervalSecs(s) => (Some(*s as i64), None),
            Every::Cron(c) => (None, Some(c.trim().to_string())),
        };
        let id = self.write(|c| {
            c.execute(
                "INSERT INTO schedules (target, spec, interval_secs, cron, enabled, next_run, created_at, identities, include_ops, exclude_ops) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    target,
                    spec,
                    interval,
                    cron,
                    enabled,
                    first_run as i64,
                    apiward_core::time::now_rfc3339(),
                    json_list(&settings.identities),
                    json_list(&settings.include),
                    json_list(&settings.exclude),
                ],
            )?;
            Ok(c.last_insert_rowid())
        })?;
        self.schedule(id)
    }

    /// Turn a schedule on or off. An enabled schedule whose due time passed while it was off
    /// runs at the next check.
    pub fn set_schedule_enabled(&self, id: i64, enabled: bool) -> Result<Schedule> {
        self.write(|c| {
            match c.execute(
                "UPDATE schedules SET enabled = ?2 WHERE id = ?1",
                params![id, enabled],
            )? {
                0 => Err(Error::NotFound(format!("schedule {id}"))),
                _ => Ok(()),
            }
        })?;
        self.schedule(id)
    }

    /// Replace a schedule's identities and include / exclude patterns.
    pub fn set_schedule_settings(&self, id: i64, settings: &ScanSettings) -> Result<Schedule> {
        settings.validate()?;
        self.write(|c| {
            match c.execute(
                "UPDATE schedules SET identities = ?2, include_ops = ?3, exclude_ops = ?4 WHERE id = ?1",
                params![
                    id,
                    json_list(&settings.identities),
                    json_list(&settings.include),
                    json_list(&settings.exclude)
                ],
            )? {
                0 => Err(Error::NotFound(format!("schedule {id}"))),
                _ => Ok(()),
            }
        })?;
        self.schedule(id)
    }

    pub fn schedule(&self, id: i64) -> Result<Schedule> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE id = ?1"),
                [id],
                schedule_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("schedule {id}")))
        })
    }

    pub fn schedules(&self) -> Result<Vec<Schedule>> {
        self.read(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {SCHEDULE_COLUMNS} FROM schedules ORDER BY id"
            ))?;
            let rows = st.query_map([], schedule_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Enabled schedules due at `now`, and push each one's next run to `next(schedule)` in the
    /// same transaction, so a schedule is handed out once per due time.
    pub fn claim_due(&self, now: u64, next: impl Fn(&Schedule) -> u64) -> Result<Vec<Schedule>> {
        self.write(|c| {
            let tx = c.transaction()?;
            let due = {
                let mut st = tx.prepare(&format!(
                    "SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE enabled = 1 AND next_run <= ?1 ORDER BY next_run, id"
                ))?;
                let rows = st.query_map([now as i64], schedule_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            for s in &due {
                tx.execute(
                    "UPDATE schedules SET next_run = ?2, last_run = ?3 WHERE id = ?1",
                    params![s.id, next(s) as i64, now as i64],
                )?;
            }
            tx.commit()?;
            Ok(due)
        })
    }

    /// Store how a schedule's run ended.
    pub fn finish_schedule_run(
        &self,
        id: i64,
        scan_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        self.write(|c| {
            c.execute(
                "UPDATE schedules SET last_status = ?2, last_error = ?3, last_scan_id = COALESCE(?4, last_scan_id) WHERE id = ?1",
                params![id, if error.is_some() { "error" } else { "ok" }, error, scan_id],
            )?;
            Ok(())
        })
    }

    /// Make a schedule due now.
    pub fn run_schedule_now(&self, id: i64, now: u64) -> Result<()> {
        self.write(|c| {
            match c.execute(
                "UPDATE schedules SET next_run = ?2 WHERE id = ?1",
                params![id, now as i64],
            )? {
                0 => Err(Error::NotFound(format!("schedule {id}"))),
                _ => Ok(()),
            }
        })
    }

    pub fn delete_schedule(&self, id: i64) -> Result<()> {
        self.write(
            |c| match c.execute("DELETE FROM schedules WHERE id = ?1", [id])? {
                0 => Err(Error::NotFound(format!("schedule {id}"))),
                _ => Ok(()),
            },
        )
    }

    // --- webhooks ---

    pub fn add_webhook(&self, url: &str, secret: &str, api_id: Option<i64>) -> Result<Webhook> {
        if secret.len() < 16 {
            return Err(Error::Invalid(
                "a webhook secret needs at least 16 characters".into(),
            ));
        }
        let id = self.write(|c| {
            c.execute(
                "INSERT INTO webhooks (url, secret, api_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![url, secret, api_id, apiward_core::time::now_rfc3339()],
            )?;
            Ok(c.last_insert_rowid())
        })?;
        self.webhook(id)
    }

    pub fn webhook(&self, id: i64) -> Result<Webhook> {
        self.read(|c| {
            c.query_row(
                "SELECT id, url, secret, api_id, enabled, created_at FROM webhooks WHERE id = ?1",
                [id],
                webhook_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("webhook {id}")))
        })
    }

    pub fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT id, url, secret, api_id, enabled, created_at FROM webhooks ORDER BY id",
            )?;
            let rows = st.query_map([], webhook_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Enabled webhooks that want events of this API.
    pub fn webhooks_for(&self, api_id: i64) -> Result<Vec<Webhook>> {
        Ok(self
            .webhooks()?
            .into_iter()
            .filter(|w| w.enabled && w.api_id.is_none_or(|a| a == api_id))
            .collect())
    }

    pub fn delete_webhook(&self, id: i64) -> Result<()> {
        self.write(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM deliveries WHERE webhook_id = ?1", [id])?;
            let n = tx.execute("DELETE FROM webhooks WHERE id = ?1", [id])?;
            tx.commit()?;
            match n {
                0 => Err(Error::NotFound(format!("webhook {id}"))),
                _ => Ok(()),
            }
        })
    }

    /// Log a delivery about to be attempted.
    pub fn add_delivery(&self, webhook_id: i64, scan_id: Option<i64>, event: &str) -> Result<i64> {
        self.write(|c| {
            let now = apiward_core::time::now_rfc3339();
            c.execute(
                "INSERT INTO deliveries (webhook_id, scan_id, event, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![webhook_id, scan_id, event, now],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Record one attempt of a delivery.
    pub fn update_delivery(
        &self,
        id: i64,
        attempts: u32,
        status: Option<u16>,
        error: Option<&str>,
        delivered: bool,
    ) -> Result<()> {
        self.write(|c| {
            c.execute(
                "UPDATE deliveries SET attempts = ?2, status = ?3, error = ?4, delivered = ?5, updated_at = ?6 WHERE id = ?1",
                params![id, attempts, status, error, delivered, apiward_core::time::now_rfc3339()],
            )?;
            Ok(())
        })
    }

    /// The delivery log, newest first.
    pub fn deliveries(&self, webhook_id: Option<i64>, limit: usize) -> Result<Vec<Delivery>> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT id, webhook_id, scan_id, event, attempts, status, error, delivered, created_at, updated_at
                 FROM deliveries WHERE ?1 IS NULL OR webhook_id = ?1 ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = st.query_map(params![webhook_id, limit.min(100_000) as i64], delivery_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

fn scan_by_id(c: &Connection, id: i64) -> Result<Option<ScanSummary>> {
    Ok(c.query_row(
        &format!(
            "SELECT {SCAN_COLUMNS} FROM scans s JOIN apis a ON a.id = s.api_id WHERE s.id = ?1"
        ),
        [id],
        scan_summary,
    )
    .optional()?)
}

fn trend(c: &Connection, api_id: i64, n: usize) -> Result<Vec<TrendPoint>> {
    let mut st = c.prepare(
        "SELECT id, started_at, score, grade FROM scans WHERE api_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let mut points = st
        .query_map(params![api_id, n as i64], |r| {
            Ok(TrendPoint {
                scan_id: r.get(0)?,
                started_at: r.get(1)?,
                score: r.get(2)?,
                grade: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    points.reverse();
    Ok(points)
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // The file holds webhook secrets; best effort, the database still works without it.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) {}
