//! apiward-http: the only way an apiward check sends a request.
//!
//! An [`Engine`] owns one HTTP client and enforces, in one place ([`Policy::check`], called before
//! every request and every redirect hop), the scanner's safety rules: a method allow-list, exact
//! origin scope, and no cloud metadata / link-local addresses (by name, IP literal or DNS answer).
//! It bounds every exchange (per-request timeout over connect, headers and body; a total budget; a
//! request cap; a body cap counted after decompression; a header cap; a redirect cap; a global rate
//! and a concurrency cap), and records every request in a credential-free log, with diagnostics for
//! each problem seen.

mod body;
mod engine;
mod error;
mod policy;
mod redact;
mod resolve;
mod tls;

use std::time::Duration;

pub use engine::Engine;
pub use error::HttpError;
pub use policy::{Origin, Policy, is_forbidden_ip, is_metadata_host};
pub use redact::{REDACTED, redact_url};
pub use reqwest::Method;
pub use tls::TlsFacts;

/// Everything that bounds and scopes one scan's traffic.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Allowed scheme + host + port: the target's base URL origin plus servers the user confirmed.
    pub origins: Vec<Origin>,
    /// False: only GET, HEAD, OPTIONS. True: also POST, PUT, PATCH. DELETE/TRACE/CONNECT never.
    pub active: bool,
    /// With `active`: DELETE may be sent too. The live scan sets it so it can delete the objects
    /// it created itself (its guard refuses DELETE to anything else); nothing else should.
    pub allow_delete: bool,
    /// Per request (each redirect hop is a request): connect + headers + body.
    pub timeout: Duration,
    /// Total budget from [`Engine::new`]; afterwards requests fail fast with `BudgetExhausted`.
    pub budget: Duration,
    /// Network requests (redirect hops included) the engine sends at most.
    pub max_requests: usize,
    /// Body bytes kept, counted after decompression; larger bodies are truncated and flagged.
    pub max_body: usize,
    /// Total size of the response head (names + values); larger heads are an error.
    pub max_header_bytes: usize,
    /// JSON nesting depth beyond which a JSON response is flagged (`json_too_deep`): parsers
    /// should refuse it (serde_json's own recursion limit is 128).
    pub max_json_depth: usize,
    /// Redirect hops followed at most, when the request asks for redirects to be followed.
    pub max_redirects: usize,
    /// Global requests per second; `None` or `Some(0.0)` is unlimited.
    pub rate: Option<f64>,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// An explicit proxy URL (`--proxy`). Environment proxy variables are never read.
    pub proxy: Option<String>,
    /// Accept invalid certificates (the facts still say the connection was not verified).
    pub insecure: bool,
    pub user_agent: String,
}

impl EngineConfig {
    /// The defaults for a target base URL: read-only, 10 s per request, 120 s budget, 5000 requests,
    /// 8 MiB bodies, 64 KiB heads, 5 redirects, unlimited rate, 8 concurrent.
    pub fn for_target(base_url: &str) -> Result<EngineConfig, String> {
        Ok(EngineConfig {
            origins: vec![Origin::parse(base_url)?],
            ..EngineConfig::default()
        })
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            origins: Vec::new(),
            active: false,
            allow_delete: false,
            timeout: Duration::from_secs(10),
            budget: Duration::from_secs(120),
            max_requests: 5000,
            max_body: 8 * 1024 * 1024,
            max_header_bytes: 64 * 1024,
            max_json_depth: 128,
            max_redirects: 5,
            rate: None,
            concurrency: 8,
            proxy: None,
            insecure: false,
            user_agent: concat!("apiward/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// One request a check wants sent.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Header (and query parameter) names whose values are credentials, redacted in the log.
    /// `Authorization`, `Cookie`, `X-API-Key` and a few others are always redacted.
    pub sensitive_headers: Vec<String>,
    /// Follow in-scope redirects (up to `max_redirects`). Off: a 3xx is returned as is.
    pub follow_redirects: bool,
}

impl Request {
    /// A GET that follows redirects.
    pub fn get(url: impl Into<String>) -> Request {
        Request::new(Method::GET, url)
    }

    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            sensitive_headers: Vec::new(),
            follow_redirects: true,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A header whose value is a credential (redacted in the log).
    pub fn secret_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        let name = name.into();
        self.sensitive_headers.push(name.clone());
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = Some(body.into());
        self
    }

    pub fn no_redirects(mut self) -> Request {
        self.follow_redirects = false;
        self
    }
}

/// A response as the checks see it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Same id as the request's [`LogEntry`].
    pub id: usize,
    pub method: Method,
    /// The final URL (after redirects), credentials redacted.
    pub url: String,
    pub status: u16,
    /// Lower-case names, values decoded lossily as UTF-8, in wire order (as received: a decoded
    /// body keeps its `content-encoding` and `content-length` headers).
    pub headers: Vec<(String, String)>,
    /// Decoded body (gzip, deflate, br and zstd are decoded), at most `max_body` bytes.
    pub body: Vec<u8>,
    /// Body bytes as received, before decoding `content-encoding`.
    pub wire_bytes: u64,
    /// The body is incomplete: over the cap, or cut by `body_error`.
    pub truncated: bool,
    /// What ended the body early (timeout, reset, bad chunking...), if anything did.
    pub body_error: Option<HttpError>,
    /// The body is JSON nested deeper than `max_json_depth`.
    pub json_too_deep: bool,
    /// Why a redirect in this response was not followed (out of scope, metadata address...).
    pub redirect_blocked: Option<HttpError>,
    pub elapsed: Duration,
    /// URLs of the hops followed before the final one (credentials redacted).
    pub redirects: Vec<String>,
    /// `HTTP/1.1`, `HTTP/2`...
    pub http_version: String,
    pub tls: Option<TlsFacts>,
}

impl Exchange {
    /// The first header value with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text, lossily decoded.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// Whether JSON text nests arrays/objects deeper than `limit` (strings are skipped; the text need
/// not be valid or complete). Linear time, no allocation.
pub fn json_depth_exceeds(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_depth() {
        use super::json_depth_exceeds as d;
        assert!(!d(br#"{"a":[1,{"b":"[[[[["}]}"#, 3));
        assert!(d(b"[[[[", 3));
        assert!(!d(b"[[[]]]", 3));
        assert!(!d(br#"["\\\"[[[[["]"#, 1));
    }
}

/// One line of the request log: one call to [`Engine::send`].
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub id: usize,
    pub method: String,
    /// The URL as requested, credentials redacted.
    pub url: String,
    /// Request headers as sent, credentials redacted.
    pub request_headers: Vec<(String, String)>,
    /// Final status, if a response head arrived.
    pub status: Option<u16>,
    pub elapsed: Duration,
    /// Body bytes received for the final response (after decompression).
    pub bytes: u64,
    pub truncated: bool,
    /// False when the request was refused before any network activity (policy or bounds).
    pub sent: bool,
    /// [`HttpError::kind`] of the failure, or of the body problem when the response was kept.
    pub error: Option<String>,
    /// Redirect hops followed, as (status, next URL redacted).
    pub redirects: Vec<(u16, String)>,
}
