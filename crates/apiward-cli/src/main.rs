//! `apiward`: a thin command line over the library crates. Parsing flags, reading files, choosing
//! output formats and exit codes happen here; everything else lives in the crates.

mod cli;
mod cmd_audit;
mod cmd_detect;
mod cmd_diff;
mod cmd_rules;
mod cmd_scan;
mod config;
mod output;

use clap::Parser;
use std::process::ExitCode;

/// Exit codes (documented in README.md and docs/cli.md).
pub mod exit {
    /// The run completed; no finding reached `--fail-on` and the score met `--threshold`.
    pub const OK: u8 = 0;
    /// The run completed and a gate failed: a finding at or above `--fail-on`, or a score below
    /// `--threshold`.
    pub const GATE_FAILED: u8 = 1;
    /// The run could not be completed: bad input, unreadable file, unreachable target, bad flags.
    pub const COULD_NOT_RUN: u8 = 2;
}

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let code = match args.command {
        cli::Command::Audit(a) => cmd_audit::run(*a),
        cli::Command::Scan(a) => cmd_scan::run(*a),
        cli::Command::Demo(a) => cmd_scan::demo(*a),
        cli::Command::Rules(a) => cmd_rules::list(a),
        cli::Command::Explain(a) => cmd_rules::explain(a),
        cli::Command::Detect(a) => cmd_detect::run(a),
        cli::Command::Diff(a) => cmd_diff::run(a),
    };
    ExitCode::from(code)
}

/// Print an error for a run that could not complete and return the matching exit code.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!(
        "apiward: error: {}",
        apiward_core::sanitize_terminal(&message.to_string())
    );
    exit::COULD_NOT_RUN
}
