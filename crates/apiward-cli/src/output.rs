//! Shared tail of `audit` and `scan`: baseline, rendering to stdout and files, exit code.

use crate::cli::OutputArgs;
use crate::config::Config;
use crate::exit;
use apiward_core::{Report, Severity};
use apiward_report::{Format, RenderOptions};
use std::io::{IsTerminal, Write};

/// Parsed gates, validated before any work starts so a typo fails fast.
pub struct Gates {
    pub fail_on: Option<Severity>,
    pub threshold: Option<u8>,
    pub context: apiward_core::score::Context,
    pub stdout_format: Format,
}

/// Gates from the flags, falling back to the config file.
pub fn parse_gates(out: &OutputArgs, cfg: Option<&Config>) -> Result<Gates, String> {
    let fail_on = out
        .fail_on
        .as_deref()
        .or(cfg.and_then(|c| c.fail_on.as_deref()))
        .map(str::parse)
        .transpose()?;
    let threshold = out.threshold.or(cfg.and_then(|c| c.threshold));
    if let Some(t) = threshold
        && t > 100
    {
        return Err(format!("--threshold {t} is not between 0 and 100"));
    }
    let context = out
        .context
        .as_deref()
        .or(cfg.and_then(|c| c.context.as_deref()))
        .unwrap_or("public")
        .parse()?;
    let stdout_format = match out.format.as_deref() {
        None => Format::Terminal,
        Some(name) => Format::from_name(name).ok_or_else(|| {
            format!("unknown format `{name}` (terminal, json, sarif, junit, markdown, html)")
        })?,
    };
    for path in &out.outputs {
        if Format::from_path(path).is_none() && out.format.is_none() {
            return Err(format!(
                "cannot tell the format of `{}` from its extension; use .json, .sarif, .xml, .md or .html, or --format",
                path.display()
            ));
        }
    }
    match out.color.as_str() {
        "auto" | "always" | "never" => {}
        other => return Err(format!("--color {other}: expected auto, always or never")),
    }
    Ok(Gates {
        fail_on,
        threshold,
        context,
        stdout_format,
    })
}

/// Load `--baseline` (a JSON report of an earlier run).
pub fn load_report(path: &std::path::Path) -> Result<Report, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not an apiward JSON report: {e}", path.display()))
}

/// Write every requested output, print the stdout rendering, and compute the exit code.
pub fn emit(mut report: Report, out: &OutputArgs, gates: &Gates) -> u8 {
    if !out.show_evidence {
        // Defence in depth: no check should have set `revealed` without the flag.
        for f in &mut report.findings {
            for e in &mut f.evidence {
                for v in &mut e.values {
                    v.revealed = None;
                }
            }
        }
    }
    report.contains_sensitive_data = out.show_evidence;
    if let Some(path) = &out.baseline {
        match load_report(path) {
            Ok(base) => apiward_report::baseline::apply(&mut report, &base),
            Err(e) => return crate::fail(e),
        }
    }

    let stdout_is_tty = std::io::stdout().is_terminal();
    let color = match out.color.as_str() {
        "always" => true,
        "never" => false,
        _ => stdout_is_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    let opts = RenderOptions {
        color,
        fail_on: gates.fail_on,
        repo_root: std::env::current_dir().ok(),
        ..RenderOptions::default()
    };
    for path in &out.outputs {
        let format = Format::from_path(path)
            .or_else(|| out.format.as_deref().and_then(Format::from_name))
            .unwrap_or(Format::Json);
        let file_opts = RenderOptions {
            color: false,
            ..opts.clone()
        };
        let text = apiward_report::render(&report, format, &file_opts);
        if let Err(e) = write_file(path, &text) {
            return crate::fail(format!("cannot write {}: {e}", path.display()));
        }
    }
    let print_stdout = !out.quiet || out.format.is_some();
    if print_stdout {
        let text = apiward_report::render(&report, gates.stdout_format, &opts);
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = stdout.write_all(b"\n");
        }
    }

    // The same rule JUnit uses: at or above `--fail-on`, and new when a baseline was given.
    let gate_severity = gates.fail_on.is_some()
        && report
            .findings
            .iter()
            .any(|f| apiward_report::fails(f, gates.fail_on));
    let gate_score = gates.threshold.is_some_and(|t| report.score.overall < t);
    if let Some(db) = &out.record
        && let Err(e) = record(&report, db, out.quiet)
    {
        return crate::fail(e);
    }
    if gate_severity || gate_score {
        if !out.quiet {
            let why = if gate_severity {
                format!(
                    "a finding at or above `{}`",
                    gates.fail_on.map(|s| s.id()).unwrap_or("")
                )
            } else {
                format!(
                    "score {} below threshold {}",
                    report.score.overall,
                    gates.threshold.unwrap_or(0)
                )
            };
            eprintln!("apiward: gate failed: {why}");
        }
        exit::GATE_FAILED
    } else {
        exit::OK
    }
}

/// `--record[=DB]`: store the report in the history database.
fn record(report: &Report, db: &str, quiet: bool) -> Result<(), String> {
    let path = crate::cmd_history::db_path(if db.is_empty() {
        None
    } else {
        Some(std::path::Path::new(db))
    });
    let store =
        apiward_history::Store::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let r = store
        .record(report, "cli")
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if !quiet {
        eprintln!(
            "apiward: recorded scan #{} of {} in {}: {} new, {} regressed, {} fixed",
            r.scan.id,
            apiward_core::sanitize_terminal(&r.scan.api_name),
            path.display(),
            r.new.len(),
            r.regressed.len(),
            r.fixed.len()
        );
    }
    Ok(())
}

fn write_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// Current UTC time as RFC 3339.
pub fn now_rfc3339() -> String {
    apiward_core::time::now_rfc3339()
}
