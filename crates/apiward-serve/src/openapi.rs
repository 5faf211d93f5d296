//! The OpenAPI document of the JSON API, served at `/openapi.json`. A test audits it with
//! apiward itself (no high or critical finding allowed) and checks every path is routed.

pub const DOCUMENT: &str = include_str!("openapi.json");
