//! Progress on stderr: one rewritten line, only on a terminal and never with `--quiet`.

use apiward_http::Engine;
use std::io::{IsTerminal, Write};
use std::time::Instant;

pub struct Progress {
    on: bool,
    started: Instant,
    last: Option<Instant>,
    /// What the scan is doing: `discovering`, `crawling 12/28 operations`, `checks: bola`.
    phase: String,
    findings: usize,
}

impl Progress {
    pub fn new(wanted: bool, started: Instant) -> Progress {
        Progress {
            on: wanted && std::io::stderr().is_terminal(),
            started,
            last: None,
            phase: "discovering".to_string(),
            findings: 0,
        }
    }

    /// A new phase (and the findings so far); redraws at once.
    pub fn phase(&mut self, engine: &Engine, phase: String, findings: usize) {
        self.phase = phase;
        self.findings = findings;
        self.last = None;
        self.update(engine, 0);
    }

    pub fn update(&mut self, engine: &Engine, _observations: usize) {
        if !self.on {
            return;
        }
        let now = Instant::now();
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
}
