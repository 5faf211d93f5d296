//! Where the server keeps the reports it made. In memory for the session by default; the trait
//! lets a persistent history (SQLite, `apiward serve`) take its place.

use apiward_core::Report;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// A stored report and the id tools refer to it by.
#[derive(Clone)]
pub struct StoredReport {
    /// `audit-3`, `scan-7`: unique for the store's lifetime.
    pub id: String,
    pub report: Arc<Report>,
}

/// Reports kept by the server. Implementations must be cheap to call from async code (no
/// long blocking) and bound what they keep.
pub trait ReportStore: Send + Sync {
    /// Keep a report; returns its id.
    fn put(&self, report: Arc<Report>) -> String;
    fn get(&self, id: &str) -> Option<StoredReport>;
    /// Newest first.
    fn list(&self) -> Vec<StoredReport>;
}

/// The session store: the newest `capacity` reports, the oldest dropped first.
pub struct MemoryStore {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    reports: VecDeque<StoredReport>,
}

impl MemoryStore {
    /// `capacity` is at least 1.
    pub fn new(capacity: usize) -> MemoryStore {
        MemoryStore {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (each update is one push/pop).
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl ReportStore for MemoryStore {
    fn put(&self, report: Arc<Report>) -> String {
        let mut inner = self.lock();
        inner.next += 1;
        let id = format!("{}-{}", report.target.mode, inner.next);
        inner.reports.push_back(StoredReport {
            id: id.clone(),
            report,
        });
        while inner.reports.len() > self.capacity {
            inner.reports.pop_front();
        }
        id
    }

    fn get(&self, id: &str) -> Option<StoredReport> {
        self.lock().reports.iter().find(|r| r.id == id).cloned()
    }

    fn list(&self) -> Vec<StoredReport> {
        self.lock().reports.iter().rev().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(mode: &str) -> Arc<Report> {
        let target = apiward_core::Target {
            mode: mode.to_string(),
            spec: None,
            base_url: None,
            api_title: None,
            api_version: None,
            spec_version: None,
            operations: 0,
        };
        Arc::new(Report::build(
            target,
            Vec::new(),
            Vec::new(),
            &[],
            Default::default(),
        ))
    }

    #[test]
    fn keeps_the_newest_reports_up_to_capacity() {
        let store = MemoryStore::new(2);
        let a = store.put(report("audit"));
        let b = store.put(report("scan"));
        let c = store.put(report("audit"));
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("audit-1", "scan-2", "audit-3")
        );
        assert!(store.get(&a).is_none(), "the oldest is dropped");
        let ids: Vec<String> = store.list().into_iter().map(|r| r.id).collect();
        assert_eq!(ids, ["audit-3", "scan-2"]);
        assert_eq!(
            store
                .get("scan-2")
                .map(|r| r.report.target.mode.clone())
                .as_deref(),
            Some("scan")
        );
    }
}
