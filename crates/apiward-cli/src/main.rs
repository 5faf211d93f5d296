//! `apiward`: a thin command line over the library crates. Parsing flags, reading files, choosing
//! output formats and exit codes happen here; everything else lives in the crates.

mod cli;
mod cmd_audit;
mod cmd_detect;
mod cmd_diff;
mod cmd_mcp;
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

/// Any panic left is a bug; it still ends as a documented exit code with one line on stderr,
/// never Rust's exit 101 and a backtrace dump over a CI log.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "apiward: internal error: {}{at} (this is a bug in apiward; no report was written — please report it)",
            apiward_core::sanitize_terminal(&what).replace('\n', " ")
        );
        std::process::exit(i32::from(exit::COULD_NOT_RUN));
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    // Lets the tests check the hook end to end.
    if std::env::var_os("APIWARD_INTERNAL_PANIC_TEST").is_some() {
        panic!("panic requested by APIWARD_INTERNAL_PANIC_TEST");
    }
    let args = cli::Cli::parse();
    let code = match args.command {
        cli::Command::Audit(a) => cmd_audit::run(*a),
        cli::Command::Scan(a) => cmd_scan::run(*a),
        cli::Command::Demo(a) => cmd_scan::demo(*a),
        cli::Command::Rules(a) => cmd_rules::list(a),
        cli::Command::Explain(a) => cmd_rules::explain(a),
        cli::Command::Detect(a) => cmd_detect::run(a),
        cli::Command::Diff(a) => cmd_diff::run(a),
        cli::Command::Mcp(a) => cmd_mcp::run(a),
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
