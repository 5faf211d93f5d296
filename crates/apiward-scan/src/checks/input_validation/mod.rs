//! Input validation at runtime, one file per rule: APIW-INPUT-101/-102 CORS, -103 dangerous
//! methods, -104 validation errors echoing input; -105 probable injection and -106 unhandled malformed
//! input from the malformed-input probes (`malformed_input.rs`, shared with APIW-DATA-106).
//!
//! Shared here: the CORS probes ([`cors`]) both CORS rules read.

use crate::store::Observation;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::Finding;
use apiward_http::{Method, Request};

pub(crate) mod cors_null_origin;
pub(crate) mod cors_origin_reflected;
pub(crate) mod dangerous_methods;
pub(crate) mod malformed_input;
pub(crate) mod probable_injection;
pub(crate) mod unhandled_malformed_input;
pub(crate) mod validation_error_echoes_input;

const EVIL_ORIGIN: &str = "https://evil.example";

/// A few GETs that answered, sent again with a hostile `Origin` and with `null`; each CORS rule
/// reports at most once, from the first answer that shows it.
pub async fn cors(s: &mut Scanner, out: &mut Vec<Finding>) {
    let mut picks: Vec<(Option<usize>, String, String)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose == Purpose::Crawl
            && o.anonymous()
            && o.exchange.method == Method::GET
            && o.status() < 500
        {
            if !picks.iter().any(|p| p.1 == o.path) {
                picks.push((o.op, o.path.clone(), o.exchange.url.clone()));
            }
            if picks.len() >= 3 {
                break;
            }
        }
    }
    if picks.is_empty() {
        picks.push((None, "/".to_string(), s.root_url("/")));
    }
    let mut sends = Vec::new();
    for (op, path, url) in &picks {
        for origin in [EVIL_ORIGIN, "null"] {
            sends.push(ScanRequest {
                purpose: Purpose::Probe,
                op: *op,
                path: path.clone(),
                identity: None,
                request: Request::get(url.clone()).header("origin", origin),
            });
        }
    }
    let got = s.send_all(sends).await;
    let (mut reflected, mut null) = (false, false);
    for (n, i) in got.into_iter().enumerate() {
        let Some(i) = i else { continue };
        let o = s.obs(i);
        let asked_null = n % 2 == 1;
        if !asked_null && !reflected {
            reflected = cors_origin_reflected::report(o, out);
        }
        if asked_null && !null {
            null = cors_null_origin::report(o, out);
        }
    }
}

/// `Access-Control-Allow-Origin` (trimmed) and whether credentials are allowed.
fn cors_answer(o: &Observation) -> (String, bool) {
    let acao = o
        .exchange
        .header("access-control-allow-origin")
        .unwrap_or("")
        .trim()
        .to_string();
    let creds = o
        .exchange
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    (acao, creds)
}
