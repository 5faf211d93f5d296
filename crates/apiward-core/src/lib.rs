//! apiward's shared vocabulary.
//!
//! Every other crate speaks in these types: a [`Finding`] is what a check produces, a [`Report`] is what
//! renderers consume, and [`score`] turns findings into the 0–100 score and grade. Nothing here performs
//! I/O, so the types can be used by any front end.

mod category;
mod finding;
mod report;
pub mod score;
mod text;
pub mod time;

pub use category::{AccessLevel, Category, Confidence, Severity};
pub use finding::{
    Evidence, EvidenceKind, Finding, FindingSource, Location, MaskedValue, RuleMeta, SpecLocation,
    fingerprint,
};
pub use report::{
    CategorySummary, Diagnostic, DiagnosticLevel, REPORT_SCHEMA_VERSION, Report, RequestStats,
    ScanSafety, ScoreSummary, SeverityCounts, SkippedOperation, Target, Tool, WriteRecord,
};
pub use text::{sanitize_terminal, truncate_chars};
