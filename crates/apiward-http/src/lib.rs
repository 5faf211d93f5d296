//! apiward-http
