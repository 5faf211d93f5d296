//! Progress: one rewritten line on stderr (only on a terminal and never with `--quiet`), and
//! updates for a caller-supplied [`ProgressSink`] (the MCP server's progress notifications).

use apiward_http::Engine;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where a scan is, for front ends that show progress elsewhere than on a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressUpdate {
    /// What the scan is doing: `discovering`, `crawling 12/28 operations`, `checks: bola`, `done`.
    pub phase: String,
    /// Requests sent so far (never decreases).
    pub requests: usize,
    pub findings: usize,
    pub elapsed: Duration,
}

/// Called from the scan's task on every phase change and at most once a second in between;
/// it must return quickly (hand the update to a channel).
pub type ProgressSink = Arc<dyn Fn(&ProgressUpdate) + Send + Sync>;

/// Updates to a sink within one phase are at most this frequent.
const SINK_INTERVAL: Duration = Duration::from_secs(1);

pub struct Progress {
    on: bool,
    started: Instant,
    last: Option<Instant>,
    sink: Option<ProgressSink>,
    sink_last: Option<Instant>,
    /// What the scan is doing: `discovering`, `crawling 12/28 operations`, `checks: bola`.
    phase: String,
    findings: usize,
}

impl Progress {
    pub fn new(wanted: bool, started: Instant, sink: Option<ProgressSink>) -> Progress {
        Progress {
            on: wanted && std::io::stderr().is_terminal(),
            started,
            last: None,
            sink,
            sink_last: None,
            phase: "discovering".to_string(),
            findings: 0,
        }
    }

    /// A new phase (and the findings so far); redraws at once.
    pub fn phase(&mut self, engine: &Engine, phase: String, findings: usize) {
        self.phase = phase;
        self.findings = findings;
        self.last = None;
        self.sink_last = None;
        self.update(engine, 0);
    }

    pub fn update(&mut self, engine: &Engine, _observations: usize) {
        let now = Instant::now();
        if self.sink.is_some()
            && self
                .sink_last
                .is_none_or(|l| now.duration_since(l) >= SINK_INTERVAL)
        {
            self.sink_last = Some(now);
            self.notify(engine, None);
        }
        if !self.on {
            return;
        }
        if self
            .last
            .is_some_and(|l| now.duration_since(l).as_millis() < 100)
        {
            return;
        }
        self.last = Some(now);
        let stats = engine.stats();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kapiward: {} · {} requests · {} findings so far · {:.1}s",
            self.phase,
            stats.requests,
            self.findings,
            self.started.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }

    pub fn finish(&mut self, engine: &Engine, findings: usize) {
        self.notify(engine, Some(findings));
        if !self.on {
            return;
        }
        let stats = engine.stats();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "\r\x1b[2Kscanned: {} requests, {} findings, {:.1}s",
            stats.requests,
            findings,
            self.started.elapsed().as_secs_f64()
        );
    }

    /// Tell the sink where the scan is; `done` carries the final finding count.
    fn notify(&self, engine: &Engine, done: Option<usize>) {
        let Some(sink) = &self.sink else { return };
        sink(&ProgressUpdate {
            phase: if done.is_some() {
                "done".to_string()
            } else {
                self.phase.clone()
            },
            requests: engine.stats().requests,
            findings: done.unwrap_or(self.findings),
            elapsed: self.started.elapsed(),
        });
    }
}
