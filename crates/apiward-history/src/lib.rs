//! apiward's history: one SQLite file holding the APIs scanned, every scan (its full JSON report),
//! every finding by fingerprint with first-seen / last-seen / fixed, monitoring schedules, webhooks
//! and their delivery log.
//!
//! Durability: the database runs in WAL mode with `synchronous=FULL`; a scan is recorded in one
//! transaction (its row, its findings, the finding states), so a process killed mid-scan leaves
//! either the whole scan or nothing. Migrations are versioned with `PRAGMA user_version`.
//!
//! Thread use: [`Store`] is `Send + Sync`; writes go through one connection behind a mutex, reads
//! use a small pool of read connections (WAL lets them run while a write is in progress). Every
//! call blocks: async callers run them on a blocking thread.

mod cron;
mod migrate;
mod store;

pub use cron::Cron;
pub use store::*;

/// Anything that went wrong with the history database.
#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    /// A row or argument that does not make sense (unknown id, bad schedule, corrupt report JSON).
    Invalid(String),
    NotFound(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Sqlite(e) => write!(f, "history database: {e}"),
            Error::Invalid(m) => f.write_str(m),
            Error::NotFound(m) => write!(f, "not found: {m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The database file used when none is given: `$APIWARD_DB`, else
/// `$XDG_DATA_HOME/apiward/history.db`, else `~/.local/share/apiward/history.db`, else
/// `./apiward-history.db`.
pub fn default_path() -> std::path::PathBuf {
    use std::path::PathBuf;
    if let Some(p) = std::env::var_os("APIWARD_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|p| !p.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        });
    match base {
        Some(b) => b.join("apiward").join("history.db"),
        None => PathBuf::from("apiward-history.db"),
    }
}
