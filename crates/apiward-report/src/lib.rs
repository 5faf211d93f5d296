//! apiward-report
