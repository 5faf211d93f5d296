//! SSRF at runtime: APIW-SSRF-001 confirmed by the out-of-band canary (active).

pub(crate) mod url_input;
