//! Versioned schema migrations. Each entry moves the schema from version `i` to `i + 1`
//! (`PRAGMA user_version`); never edit a shipped one, append a new one.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE apis (
    id INTEGER PRIMARY KEY,
    -- The base URL of a scanned API, or the spec source of an audit.
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    api_id INTEGER NOT NULL REFERENCES apis(id),
    started_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    mode TEXT NOT NULL,
    trigger TEXT NOT NULL,
    score INTEGER NOT NULL,
    grade TEXT NOT NULL,
    critical INTEGER NOT NULL,
    high INTEGER NOT NULL,
    medium INTEGER NOT NULL,
    low INTEGER NOT NULL,
    info INTEGER NOT NULL,
    new_count INTEGER NOT NULL,
    regressed_count INTEGER NOT NULL,
    fixed_count INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX scans_by_api ON scans(api_id, id);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    api_id INTEGER NOT NULL REFERENCES apis(id),
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    category TEXT NOT NULL,
    location TEXT NOT NULL,
    first_seen_scan INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_scan INTEGER NOT NULL,
    last_seen_at TEXT NOT NULL,
    -- Set while the finding is absent from the API's latest scan.
    fixed_scan INTEGER,
    fixed_at TEXT,
    UNIQUE (api_id, fingerprint)
);
-- What each scan said about each finding: new, regressed, unchanged (present) or fixed (gone).
CREATE TABLE scan_findings (
    scan_id INTEGER NOT NULL REFERENCES scans(id),
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    state TEXT NOT NULL,
    PRIMARY KEY (scan_id, finding_id)
);
CREATE INDEX scan_findings_by_finding ON scan_findings(finding_id, scan_id);
CREATE TABLE schedules (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    spec TEXT,
    interval_secs INTEGER,
    cron TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    next_run INTEGER NOT NULL,
    last_run INTEGER,
    last_status TEXT,
    last_error TEXT,
    last_scan_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- Only this API's events, or every API's when NULL.
    api_id INTEGER REFERENCES apis(id),
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
    scan_id INTEGER REFERENCES scans(id),
    event TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    status INTEGER,
    error TEXT,
    delivered INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deliveries_by_webhook ON deliveries(webhook_id, id);
"#,
    // 2: what a schedule scans with. JSON arrays of strings. Identities are references only
    // (`NAME=KIND:env:VAR`): the credential stays in the service's environment, never here.
    r#"
ALTER TABLE schedules ADD COLUMN identities TEXT NOT NULL DEFAULT '[]';
ALTER TABLE schedules ADD COLUMN include_ops TEXT NOT NULL DEFAULT '[]';
ALTER TABLE schedules ADD COLUMN exclude_ops TEXT NOT NULL DEFAULT '[]';
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring the schema up to date; refuse a database written by a newer apiward.
pub fn migrate(conn: &mut Connection) -> crate::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(crate::Error::Invalid(format!(
            "the history database has schema version {current}; this apiward knows up to {SCHEMA_VERSION} (upgrade apiward)"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_schedules_gain_empty_settings() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(MIGRATIONS[0]).expect("v1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute(
            "INSERT INTO schedules (target, interval_secs, next_run, created_at) VALUES ('http://127.0.0.1:9', 600, 0, 'now')",
            [],
        )
        .expect("v1 row");
        migrate(&mut conn).expect("migrate");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let (ids, inc, exc, enabled): (String, String, String, bool) = conn
            .query_row(
                "SELECT identities, include_ops, exclude_ops, enabled FROM schedules",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("row kept");
        assert_eq!(
            (ids.as_str(), inc.as_str(), exc.as_str()),
            ("[]", "[]", "[]")
        );
        assert!(enabled);
    }
}
