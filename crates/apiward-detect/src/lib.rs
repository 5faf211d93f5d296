//! Sensitive-data detection (see README.md).
