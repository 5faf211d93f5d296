//! Report renderers for apiward.
//!
//! Every renderer consumes an [`apiward_core::Report`] and returns a `String`:
//!
//! | format | function | for |
//! |---|---|---|
//! | terminal | [`render_terminal`] | people at a console (colour only when asked) |
//! | JSON | [`render_json`] | the report contract, baselines, tooling |
//! | SARIF 2.1.0 | [`sarif::render`] | GitHub code scanning and other SARIF viewers |
//! | JUnit XML | [`junit::render`] | CI test dashboards |
//! | Markdown | [`markdown::render`] | pull-request comments, job summaries |
//! | HTML | [`html::render`] | one self-contained page (no external requests) |
//!
//! **Masking guarantee**: renderers print sensitive values only through [`apiward_core::MaskedValue`]:
//! `masked` always, `revealed` only when the report carries it (it is set only under
//! `--show-evidence`, which also sets `Report::contains_sensitive_data`). Every string that comes from
//! the target or the spec is escaped for the output format: terminal control sequences are made
//! visible, XML/HTML special characters are escaped, Markdown table cells cannot be broken.
//!
//! Baselines ([`baseline`]) mark findings as new or unchanged by fingerprint and list fixed ones.

use apiward_core::{Report, Severity};
use std::path::{Path, PathBuf};

pub mod baseline;
mod escape;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod sarif;
mod terminal;

pub use terminal::render_terminal;

/// Escape text for HTML content and attribute values (what every HTML renderer here uses).
pub fn escape_html(s: &str) -> String {
    escape::html(s)
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Terminal,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Terminal,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    /// The format an output file's extension implies: `.json`, `.sarif`, `.sarif.json`, `.xml`,
    /// `.junit.xml`, `.md`, `.markdown`, `.html`, `.htm`, `.txt` (case-insensitive).
    pub fn from_path(p: &Path) -> Option<Format> {
        let name = p.file_name()?.to_str()?.to_ascii_lowercase();
        let ends = |suffix: &str| name.len() > suffix.len() && name.ends_with(suffix);
        if ends(".sarif.json") || ends(".sarif") {
            Some(Format::Sarif)
        } else if ends(".json") {
            Some(Format::Json)
        } else if ends(".junit.xml") || ends(".xml") {
            Some(Format::Junit)
        } else if ends(".md") || ends(".markdown") {
            Some(Format::Markdown)
        } else if ends(".html") || ends(".htm") {
            Some(Format::Html)
        } else if ends(".txt") {
            Some(Format::Terminal)
        } else {
            None
        }
    }

    /// The format named on the command line (`--format`), case-insensitive: `terminal` (or `text`),
    /// `json`, `sarif`, `junit` (or `xml`), `markdown` (or `md`), `html`.
    pub fn from_name(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "terminal" | "text" | "txt" | "console" => Some(Format::Terminal),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "junit" | "xml" => Some(Format::Junit),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The canonical name, as accepted by [`Format::from_name`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// Options shared by the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour in the terminal summary. Ignored by every other format.
    pub color: bool,
    /// The fail threshold (`--fail-on`): JUnit failures are findings at or above it (default: high).
    pub fail_on: Option<Severity>,
    /// The repository root SARIF paths are made relative to (default: the working directory).
    pub repo_root: Option<PathBuf>,
    /// How many findings the terminal summary lists in full (0: all of them).
    pub max_terminal_findings: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            fail_on: None,
            repo_root: None,
            max_terminal_findings: 25,
        }
    }
}

/// Render a report in a format.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Terminal => render_terminal(report, opts),
        Format::Json => render_json(report),
        Format::Sarif => sarif::render(report, opts),
        Format::Junit => junit::render(report, opts),
        Format::Markdown => markdown::render(report, opts),
        Format::Html => html::render(report, opts),
    }
}

/// The JSON report contract: `serde_json::to_string_pretty(report)` plus a final newline.
pub fn render_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serialising plain data cannot fail; keep the output well-formed if it ever does.
        format!(
            "{{\"error\": {}}}",
            serde_json::Value::String(e.to_string())
        )
    });
    s.push('\n');
    s
}

/// Findings at or above this severity fail (JUnit failures; the CLI's exit code uses the same rule).
/// Findings a baseline marked `unchanged` never fail.
pub fn fails(f: &apiward_core::Finding, fail_on: Option<Severity>) -> bool {
    f.severity >= fail_on.unwrap_or(Severity::High)
        && f.baseline_state.as_deref() != Some("unchanged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_paths_and_names() {
        let p = |s: &str| Format::from_path(Path::new(s));
        assert_eq!(p("out/apiward.sarif"), Some(Format::Sarif));
        assert_eq!(p("apiward.SARIF.json"), Some(Format::Sarif));
        assert_eq!(p("report.json"), Some(Format::Json));
        assert_eq!(p("report.junit.xml"), Some(Format::Junit));
        assert_eq!(p("report.xml"), Some(Format::Junit));
        assert_eq!(p("report.md"), Some(Format::Markdown));
        assert_eq!(p("report.html"), Some(Format::Html));
        assert_eq!(p("report.htm"), Some(Format::Html));
        assert_eq!(p("report"), None);
        assert_eq!(p(".json"), None);
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name("SARIF"), Some(Format::Sarif));
        assert_eq!(Format::from_name("pdf"), None);
    }
}
