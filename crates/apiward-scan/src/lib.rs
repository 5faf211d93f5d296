//! apiward-scan
