//! Who may talk to the service, and proof that a state-changing request was meant.

use crate::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::SocketAddr;
use std::sync::Arc;

/// Shortest access token accepted.
pub const MIN_TOKEN_LEN: usize = 16;
/// Browser sessions kept at most (oldest dropped first).
const MAX_SESSIONS: usize = 256;
pub const SESSION_COOKIE: &str = "apiward_session";

/// Sent with every answer: nothing loads from anywhere but this origin, no inline script or
/// style, no framing, no referrer to other sites.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Refuse a bind address off loopback unless an access token of at least [`MIN_TOKEN_LEN`]
/// characters protects it. (The CLI also demands `--allow-remote` for such an address.)
pub fn check_bind(addr: SocketAddr, token: Option<&str>) -> Result<(), String> {
    if let Some(t) = token
        && t.len() < MIN_TOKEN_LEN
    {
        return Err(format!(
            "the access token needs at least {MIN_TOKEN_LEN} characters"
        ));
    }
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(format!(
            "refusing to listen on {addr} without an access token: anyone who can reach it could read your scan history and start scans"
        ));
    }
    Ok(())
}

fn eq_ct(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn mac(key: &[u8], msg: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg.as_bytes());
    crate::hex(&m.finalize().into_bytes())
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// How a request proved who it is.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No token configured: anyone on this machine.
    Local,
    /// `Authorization: Bearer <token>`: not something a browser adds by itself, so no CSRF risk.
    Bearer,
    /// A browser session cookie.
    Session(String),
}

impl Caller {
    /// The CSRF token forms of this caller must carry.
    pub fn csrf(&self, app: &App) -> String {
        let subject = match self {
            Caller::Session(s) => s.as_str(),
            _ => "local",
        };
        mac(&app.key, &format!("csrf:{subject}"))
    }
}

impl App {
    pub fn new_session(&self) -> Result<String, String> {
        let id = crate::hex(&crate::random_bytes::<32>()?);
        if let Ok(mut s) = self.sessions.lock() {
            if s.len() >= MAX_SESSIONS {
                s.remove(0);
            }
            s.push(id.clone());
        }
        Ok(id)
    }

    pub fn token_matches(&self, given: &str) -> bool {
        self.cfg
            .token
            .as_deref()
            .is_some_and(|t| eq_ct(t.as_bytes(), given.as_bytes()))
    }

    fn caller(&self, headers: &HeaderMap) -> Option<Caller> {
        if self.cfg.token.is_none() {
            return Some(Caller::Local);
        }
        if let Some(b) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            && self.token_matches(b.trim())
        {
            return Some(Caller::Bearer);
        }
        let sid = cookie(headers, SESSION_COOKIE)?;
        let sessions = self.sessions.lock().ok()?;
        sessions
            .iter()
            .any(|s| eq_ct(s.as_bytes(), sid.as_bytes()))
            .then(|| Caller::Session(sid.to_string()))
    }
}

/// A Host header naming this machine's loopback interface.
fn loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => host,
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "[::1]"
    )
}

/// Cross-site state changes are refused outright: `Sec-Fetch-Site` when the browser sends it,
/// else `Origin` against `Host`.
fn same_origin(headers: &HeaderMap) -> bool {
    // Browsers that send it are believed; `Origin` is the fallback for those that do not.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            origin
                .split_once("://")
                .is_some_and(|(_, h)| h.eq_ignore_ascii_case(host))
        }
    }
}

pub fn plain(status: StatusCode, msg: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        msg.to_string(),
    )
        .into_response()
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn json_error(status: StatusCode, msg: &str) -> Response {
    (status, axum::Json(serde_json::json!({"error": msg}))).into_response()
}

/// Every request passes here: host check, authentication, same-origin for state changes,
/// security headers on the answer.
pub async fn guard(State(app): State<Arc<App>>, mut req: Request<Body>, next: Next) -> Response {
    let headers = req.headers();
    let path = req.uri().path().to_string();
    let api = is_api(&path);
    let fail = |status: StatusCode, msg: &str| {
        if api {
            json_error(status, msg)
        } else {
            plain(status, msg)
        }
    };
    // Without a token the service trusts "this machine"; a page elsewhere could still reach it
    // through DNS rebinding, which only a loopback Host header rules out.
    if app.cfg.token.is_none() {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !loopback_host(host) {
            return secure(fail(
                StatusCode::MISDIRECTED_REQUEST,
                "this service answers only to 127.0.0.1, localhost or [::1]",
            ));
        }
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD);
    if unsafe_method && !same_origin(headers) {
        return secure(fail(StatusCode::FORBIDDEN, "cross-site request refused"));
    }
    let open = path == "/login" || path.starts_with("/static/");
    let caller = app.caller(headers);
    let caller = match (caller, open) {
        (Some(c), _) => c,
        (None, true) => Caller::Local,
        (None, false) => {
            if api || unsafe_method {
                let mut r = fail(
                    StatusCode::UNAUTHORIZED,
                    "an access token is required (Authorization: Bearer TOKEN)",
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return secure(r);
            }
            return secure(
                (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, "/login")],
                    String::new(),
                )
                    .into_response(),
            );
        }
    };
    // The JSON API's POSTs: a bearer token, or a JSON body (which no cross-site form can send
    // without a CORS preflight this service never answers). DELETE and PATCH always need that
    // preflight.
    if api && *req.method() == Method::POST && !matches!(caller, Caller::Bearer) {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return secure(fail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "state-changing API requests need Content-Type: application/json",
            ));
        }
    }
    req.extensions_mut().insert(caller);
    secure(next.run(req).await)
}

fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        // Not `no-referrer`: with it, browsers send `Origin: null` on same-origin form posts.
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

/// Check a form's CSRF token.
pub fn csrf_ok(app: &App, caller: &Caller, given: &str) -> bool {
    eq_ct(caller.csrf(app).as_bytes(), given.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds() {
        let lo: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let lo6: SocketAddr = "[::1]:0".parse().expect("addr");
        let any: SocketAddr = "0.0.0.0:0".parse().expect("addr");
        assert!(check_bind(lo, None).is_ok());
        assert!(check_bind(lo6, None).is_ok());
        assert!(check_bind(any, None).is_err());
        assert!(check_bind(any, Some("short")).is_err());
        assert!(check_bind(any, Some("a-long-enough-token")).is_ok());
    }

    #[test]
    fn hosts() {
        assert!(loopback_host("127.0.0.1:8477"));
        assert!(loopback_host("localhost"));
        assert!(loopback_host("[::1]:80"));
        assert!(!loopback_host("evil.example:8477"));
        assert!(!loopback_host("127.0.0.1.evil.example"));
    }
}
