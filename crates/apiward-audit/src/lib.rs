//! apiward-audit
