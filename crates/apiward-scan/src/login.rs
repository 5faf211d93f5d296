//! `login:USER:PASSWORD` identities: POST the credentials to the spec's login operation (JSON, or
//! a form for OAuth2 password grants) and use whatever credential comes back — a token under any
//! key or nesting, a JWT-shaped value, an `Authorization` or custom response header, or the
//! session cookies. The login response goes into the store like any other, so the token itself
//! is analysed (claims, lifetime, weak secret).
//!
//! Read-only scans log in too: the login request is the one write they send, admitted by
//! [`crate::guard::Guard::admit_login`] (a login operation, at most twice per identity,
//! journaled) and sent through a separate engine that exists only for it. A login that fails is
//! a warning on the terminal and in the report, and the identity is dropped — never used as if
//! it were authenticated. After the checks, each identity's health is checked again with a
//! request that worked earlier (re-login once on 401), and the report says how many of each
//! identity's requests succeeded.

use crate::identity::{Auth, Identity};
use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_core::DiagnosticLevel;
use apiward_http::{Method, Request};
use serde_json::{Value, json};

/// What the scan keeps about logins: the operation, the credentials for a re-login, and the
/// read-only scan's login engine.
#[derive(Default)]
pub(crate) struct Logins {
    pub op: Option<LoginOp>,
    /// `(identity, user, password)` of identities that logged in.
    pub credentials: Vec<(String, String, String)>,
    pub engine: Option<apiward_http::Engine>,
}

/// The login operation and how to fill it.
#[derive(Debug, Clone)]
pub(crate) struct LoginOp {
    pub op: usize,
    pub path: String,
    pub user_field: String,
    pub pass_field: String,
    /// `application/x-www-form-urlencoded` (OAuth2 password grant style).
    pub form: bool,
    /// Send `grant_type=password` (a form to a token endpoint, or a body that declares it).
    pub grant_type: bool,
}

fn has_word(name: &str, set: &[&str]) -> bool {
    apiward_taxonomy::words(name)
        .iter()
        .any(|w| set.contains(&w.as_str()))
}

/// The login operation: a POST without path parameters that the risk model (or its path) calls a
/// login/token/session operation, whose body takes a user name (or e-mail) and a password.
pub(crate) fn find_login(s: &Scanner) -> Option<LoginOp> {
    let spec = s.spec.as_ref()?;
    let mut best: Option<(u8, LoginOp)> = None;
    for (i, op) in spec.operations.iter().enumerate() {
        if op.method != apiward_spec::Method::Post || op.path.contains('{') || op.is_webhook {
            continue;
        }
        const NOT_LOGIN: &[&str] = &[
            "register", "signup", "refresh", "reset", "forgot", "change", "logout", "verify",
            "recover", "revoke",
        ];
        if has_word(&op.path, NOT_LOGIN) {
            continue;
        }
        let taxonomy = s.guard.is_login(i);
        let named = has_word(
            &op.path,
            &[
                "login",
                "token",
                "signin",
                "session",
                "sessions",
                "auth",
                "authenticate",
                "oauth",
            ],
        ) || op.path.to_ascii_lowercase().contains("sign-in");
        if !taxonomy && !named {
            continue;
        }
        let Some(body) = op.request_body.as_ref() else {
            continue;
        };
        let form = !body.content.is_empty()
            && body.content.iter().all(|m| {
                m.media_type.contains("x-www-form-urlencoded") || m.media_type.contains("form-data")
            });
        let Some(root) = body.content.iter().find_map(|m| m.schema) else {
            continue;
        };
        let names: Vec<String> = spec
            .flatten_properties(root, 1)
            .into_iter()
            .map(|p| p.name)
            .collect();
        let Some(pass) = names
            .iter()
            .find(|n| has_word(n, &["password", "passwd", "pass", "pwd", "secret"]))
        else {
            continue;
        };
        let user = names
            .iter()
            .filter(|n| *n != pass)
            .find(|n| has_word(n, &["username", "user", "login", "email", "mail"]))
            .or_else(|| {
                names
                    .iter()
                    .filter(|n| *n != pass)
                    .find(|n| has_word(n, &["name", "identifier", "account", "handle", "id"]))
            });
        let Some(user) = user else { continue };
        let grant_type =
            names.iter().any(|n| n == "grant_type") || (form && has_word(&op.path, &["token"]));
        let score = u8::from(taxonomy) * 2 + u8::from(has_word(&op.path, &["login", "signin"]));
        let cand = LoginOp {
            op: i,
            path: op.path.clone(),
            user_field: user.clone(),
            pass_field: pass.clone(),
            form,
            grant_type,
        };
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, l)| l)
}

/// Looks like a JWT: three base64url parts, the first a JSON object.
pub(crate) fn jwt_shaped(v: &str) -> bool {
    v.starts_with("eyJ")
        && v.matches('.').count() == 2
        && v.len() < 16 * 1024
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// A plausible opaque credential: no spaces, at least 8 characters.
fn token_shaped(v: &str) -> bool {
    v.len() >= 8 && v.len() < 16 * 1024 && !v.contains(char::is_whitespace)
}

/// The token in a login answer's JSON: under a token-like key at any depth (access tokens before
/// ID tokens before anything else that says token; never refresh tokens or token types), else
/// the first JWT-shaped string anywhere.
pub(crate) fn token_in_json(v: &Value) -> Option<String> {
    let mut best: Option<(u8, String)> = None;
    let mut jwt_anywhere: Option<String> = None;
    let mut queue = std::collections::VecDeque::from([(v, 0usize)]);
    let mut budget = 2000usize;
    while let Some((v, depth)) = queue.pop_front() {
        if budget == 0 || depth > 8 {
            break;
        }
        budget -= 1;
        match v {
            Value::Object(map) => {
                for (k, val) in map {
                    if let Value::String(s) = val {
                        let w = apiward_taxonomy::words(k);
                        let has = |x: &str| w.iter().any(|y| y == x);
                        let rank = if has("refresh")
                            || has("type")
                            || has("expires")
                            || has("expiry")
                            || has("scope")
                        {
                            0
                        } else if has("access") && has("token") {
                            5
                        } else if k.eq_ignore_ascii_case("token") || has("jwt") {
                            4
                        } else if has("token") && !has("id") {
                            3
                        } else if has("token") || has("bearer") {
                            2
                        } else if (has("session") || has("auth")) && token_shaped(s) {
                            1
                        } else {
                            0
                        };
                        if rank > 0
                            && token_shaped(s)
                            && best.as_ref().is_none_or(|(r, _)| rank > *r)
                        {
                            best = Some((rank, s.clone()));
                        }
                        if jwt_anywhere.is_none() && jwt_shaped(s) && !has("refresh") {
                            jwt_anywhere = Some(s.clone());
                        }
                    } else {
                        queue.push_back((val, depth + 1));
                    }
                }
            }
            Value::Array(items) => {
                for i in items.iter().take(20) {
                    queue.push_back((i, depth + 1));
                }
            }
            Value::String(s) if depth == 0 && token_shaped(s) => {
                // The whole answer is the token (`"eyJ…"`).
                best = Some((1, s.clone()));
            }
            _ => {}
        }
    }
    best.map(|(_, t)| t).or(jwt_anywhere)
}

/// The credential a login answer carries, and where it was found (for the report).
pub(crate) fn credential_in(
    o: &Observation,
    scheme_header: Option<&str>,
) -> Option<(Auth, String)> {
    let as_auth = |t: String| match scheme_header {
        Some(h) => Auth::Header {
            name: h.to_string(),
            value: t,
        },
        None => Auth::Bearer(t),
    };
    if let Some(t) = o.json.as_ref().and_then(token_in_json) {
        return Some((as_auth(t), "the response body".into()));
    }
    // A text body that is just a token.
    if o.json.is_none() {
        let text = String::from_utf8_lossy(&o.exchange.body);
        let text = text.trim().trim_matches('"');
        if jwt_shaped(text) {
            return Some((as_auth(text.to_string()), "the response body".into()));
        }
    }
    for (n, v) in &o.exchange.headers {
        let v = v.trim();
        if n == "authorization" {
            let t = v
                .strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .unwrap_or(v);
            if token_shaped(t) {
                return Some((as_auth(t.to_string()), "the Authorization header".into()));
            }
        }
    }
    for (n, v) in &o.exchange.headers {
        let v = v.trim();
        if n == "set-cookie" || n == "authorization" {
            continue;
        }
        if has_word(n, &["token", "jwt", "auth", "session"])
            && !has_word(n, &["refresh", "csrf", "xsrf"])
            && token_shaped(v)
        {
            // A custom header is sent back under its own name unless it is a bearer token.
            let t = v.strip_prefix("Bearer ").unwrap_or(v).to_string();
            return Some((
                Auth::Header {
                    name: n.clone(),
                    value: if v.starts_with("Bearer ") {
                        v.to_string()
                    } else {
                        t
                    },
                },
                format!("the `{n}` response header"),
            ));
        }
    }
    let cookies: Vec<String> = o
        .exchange
        .headers
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .filter_map(|(_, v)| v.split(';').next())
        .map(str::trim)
        .filter(|c| {
            c.split_once('=')
                .is_some_and(|(k, v)| !k.is_empty() && !v.is_empty())
        })
        .map(str::to_string)
        .collect();
    if !cookies.is_empty() {
        return Some((Auth::Cookie(cookies.join("; ")), "Set-Cookie".into()));
    }
    None
}

/// A header the spec's API-key scheme names, when the API uses API keys and no bearer scheme
/// (a login token then goes back in that header).
fn scheme_header(s: &Scanner) -> Option<String> {
    let spec = s.spec.as_ref()?;
    let mut header = None;
    for sc in &spec.security_schemes {
        match &sc.kind {
            apiward_spec::SchemeKind::Http { scheme, .. } if scheme == "bearer" => return None,
            apiward_spec::SchemeKind::OAuth2 { .. }
            | apiward_spec::SchemeKind::OpenIdConnect { .. } => {
                return None;
            }
            apiward_spec::SchemeKind::ApiKey {
                location: apiward_spec::ApiKeyLocation::Header,
                param_name,
            } => header = header.or(Some(param_name.clone())),
            _ => {}
        }
    }
    header
}

fn login_of(id: &Identity) -> Option<(String, String)> {
    id.auth.iter().find_map(|a| match a {
        Auth::Login { user, password } => Some((user.clone(), password.clone())),
        _ => None,
    })
}

/// The body of a login request.
pub(crate) fn login_body(l: &LoginOp, user: &str, password: &str) -> (&'static str, Vec<u8>) {
    if l.form {
        let mut body = format!(
            "{}={}&{}={}",
            crate::plan::encode(&l.user_field),
            crate::plan::encode(user),
            crate::plan::encode(&l.pass_field),
            crate::plan::encode(password)
        );
        if l.grant_type {
            body.push_str("&grant_type=password");
        }
        ("application/x-www-form-urlencoded", body.into_bytes())
    } else {
        let mut v = json!({ l.user_field.clone(): user, l.pass_field.clone(): password });
        if l.grant_type {
            v["grant_type"] = json!("password");
        }
        ("application/json", v.to_string().into_bytes())
    }
}

/// Send one login request: through the scan (active mode), or — read-only — admitted by the
/// guard's login allowance and sent through the login engine.
pub(crate) async fn send_login(
    s: &mut Scanner,
    l: &LoginOp,
    who: &str,
    user: &str,
    password: &str,
) -> Result<usize, String> {
    let (ct, body) = login_body(l, user, password);
    let request = Request::new(Method::POST, s.url(&l.path))
        .header("content-type", ct)
        .body(body);
    if s.active {
        let send = ScanRequest {
            purpose: Purpose::Probe,
            op: Some(l.op),
            path: l.path.clone(),
            identity: None,
            request,
        };
        return s
            .send(send)
            .await
            .ok_or_else(|| "no answer (refused by the guard or the network)".to_string());
    }
    let ticket = s.guard.admit_login(&request.url, l.op, who)?;
    if s.logins.engine.is_none() {
        // Its own engine: the scan's stays read-only. Same scope and bounds, writes allowed,
        // and a request cap that only the guard's login allowance can use.
        let mut cfg = s.engine.config().clone();
        cfg.active = true;
        cfg.allow_delete = false;
        cfg.max_requests = (s.identities.len() * crate::guard::READ_ONLY_LOGIN_CAP).max(1);
        s.logins.engine = Some(apiward_http::Engine::new(cfg)?);
    }
    let Some(engine) = s.logins.engine.clone() else {
        return Err("no login engine".into());
    };
    let x = engine.send(request).await;
    let obs = x.ok().map(|x| {
        Observation::new(
            &s.detector,
            Purpose::Probe,
            Some(l.op),
            l.path.clone(),
            None,
            x,
        )
    });
    s.guard.record(ticket, obs.as_ref());
    match obs {
        Some(o) => Ok(s.store.push(o)),
        None => Err("no answer".into()),
    }
}

/// Warn on the terminal now and in the report.
fn loud(s: &mut Scanner, code: &str, message: String) {
    eprintln!("apiward: warning: {message}");
    s.note(DiagnosticLevel::Warning, code, message);
}

/// Log one identity in: `Ok(where the credential was found)` with the identity's credentials
/// replaced, or `Err(why)`.
async fn log_in(s: &mut Scanner, l: &LoginOp, i: usize) -> Result<String, String> {
    let id = s.identities[i].clone();
    let Some((user, password)) = login_of(&id).or_else(|| {
        s.logins
            .credentials
            .iter()
            .find(|(n, _, _)| *n == id.name)
            .map(|(_, u, p)| (u.clone(), p.clone()))
    }) else {
        return Err("no login credentials".into());
    };
    let idx = send_login(s, l, &id.name, &user, &password).await?;
    let o = s.obs(idx);
    if !o.is_success() {
        return Err(format!("POST {} answered {}", l.path, o.status()));
    }
    let header = scheme_header(s);
    let Some((auth, found)) = credential_in(s.obs(idx), header.as_deref()) else {
        let keys: Vec<String> = match &s.obs(idx).json {
            Some(Value::Object(m)) => m.keys().take(12).cloned().collect(),
            _ => Vec::new(),
        };
        return Err(format!(
            "POST {} answered {} but no token, credential header or cookie was found (keys: {})",
            l.path,
            s.obs(idx).status(),
            if keys.is_empty() {
                "none".to_string()
            } else {
                keys.join(", ")
            }
        ));
    };
    if !s.logins.credentials.iter().any(|(n, _, _)| *n == id.name) {
        s.logins.credentials.push((id.name.clone(), user, password));
    }
    let ident = &mut s.identities[i];
    ident.auth.retain(|a| {
        !matches!(
            a,
            Auth::Login { .. } | Auth::Bearer(_) | Auth::Cookie(_) | Auth::Header { .. }
        )
    });
    ident.auth.push(auth);
    Ok(found)
}

pub async fn run(s: &mut Scanner) {
    let wants: Vec<usize> = s
        .identities
        .iter()
        .enumerate()
        .filter(|(_, id)| id.auth.iter().any(|a| matches!(a, Auth::Login { .. })))
        .map(|(i, _)| i)
        .collect();
    if wants.is_empty() {
        return;
    }
    let names: Vec<String> = wants
        .iter()
        .map(|i| s.identities[*i].name.clone())
        .collect();
    let Some(l) = find_login(s) else {
        loud(
            s,
            "scan.login-unavailable",
            format!(
                "no login operation (a POST to a login/token path taking a user name and a password) in the spec: identities {} are NOT used",
                names.join(", ")
            ),
        );
        s.identities.retain(|id| !names.contains(&id.name));
        return;
    };
    if !s.active {
        s.note(
            DiagnosticLevel::Note,
            "scan.login-read-only",
            format!(
                "read-only scan: the login request(s) of {} (POST {}) are the only writes sent; they are journaled",
                names.join(", "),
                l.path
            ),
        );
    }
    s.logins.op = Some(l.clone());
    let mut failed = Vec::new();
    for (i, name) in wants.into_iter().zip(names) {
        match log_in(s, &l, i).await {
            Ok(found) => s.note(
                DiagnosticLevel::Note,
                "scan.login",
                format!(
                    "identity `{name}` logged in at POST {} (credential from {found})",
                    l.path
                ),
            ),
            Err(why) => {
                loud(
                    s,
                    "scan.login-failed",
                    format!("login of identity `{name}` failed: {why}; the identity is NOT used"),
                );
                failed.push(name);
            }
        }
    }
    s.identities.retain(|id| !failed.contains(&id.name));
}

/// After the checks: each identity's health (a GET that worked for it, asked again: a 401/403
/// now means its credentials stopped working — re-login once for `login:` identities, else a
/// warning) and how many of its requests succeeded.
pub async fn health(s: &mut Scanner) {
    function_access(s);
    for i in 0..s.identities.len() {
        let name = s.identities[i].name.clone();
        let mine: Vec<&Observation> = s
            .store
            .iter()
            .filter(|o| o.identity.as_deref() == Some(name.as_str()))
            .collect();
        let total = mine.len();
        let ok = mine.iter().filter(|o| o.is_success()).count();
        let refused = mine
            .iter()
            .filter(|o| matches!(o.status(), 401 | 403))
            .count();
        // A GET the identity got 2xx on while anonymous callers were refused: it proves the
        // credentials work.
        let probe = mine
            .iter()
            .filter(|o| {
                o.purpose == Purpose::Crawl && o.exchange.method == Method::GET && o.is_success()
            })
            .find(|o| {
                s.store.iter().any(|a| {
                    a.anonymous()
                        && a.exchange.method == Method::GET
                        && a.exchange.url == o.exchange.url
                        && matches!(a.status(), 401 | 403)
                })
            })
            .map(|o| (o.op, o.path.clone(), o.exchange.url.clone()));
        let level = if total > 0 && ok == 0 {
            DiagnosticLevel::Warning
        } else {
            DiagnosticLevel::Note
        };
        let msg = format!(
            "identity `{name}`: {ok} of {total} requests succeeded (2xx), {refused} refused (401/403)"
        );
        if level == DiagnosticLevel::Warning {
            loud(
                s,
                "scan.identity-requests",
                format!("{msg}: its credentials may not work"),
            );
        } else {
            s.note(level, "scan.identity-requests", msg);
        }
        let Some((op, path, url)) = probe else {
            continue;
        };
        let again = |id: Identity| ScanRequest {
            purpose: Purpose::Probe,
            op,
            path: path.clone(),
            identity: Some(id),
            request: Request::get(url.clone()),
        };
        let id = s.identities[i].clone();
        let Some(idx) = s.send(again(id)).await else {
            continue;
        };
        let status = s.obs(idx).status();
        if !matches!(status, 401 | 403) {
            continue;
        }
        let relogin = s.logins.credentials.iter().any(|(n, _, _)| *n == name);
        let l = s.logins.op.clone();
        if let (true, Some(l)) = (relogin, l) {
            let back = match log_in(s, &l, i).await {
                Ok(_) => {
                    let id = s.identities[i].clone();
                    match s.send(again(id)).await {
                        Some(j) if s.obs(j).is_success() => Ok(()),
                        Some(j) => Err(format!(
                            "still {} after logging in again",
                            s.obs(j).status()
                        )),
                        None => Err("no answer after logging in again".into()),
                    }
                }
                Err(e) => Err(e),
            };
            match back {
                Ok(()) => loud(
                    s,
                    "scan.identity-expired",
                    format!(
                        "identity `{name}` was refused ({status}) on GET {path} late in the scan, where it had succeeded; it logged in again and works: findings after the refusal may be incomplete"
                    ),
                ),
                Err(e) => loud(
                    s,
                    "scan.identity-expired",
                    format!(
                        "identity `{name}` stopped working: GET {path} answered {status} where it had succeeded, and logging in again failed ({e}); findings that need it are incomplete"
                    ),
                ),
            }
        } else {
            loud(
                s,
                "scan.identity-expired",
                format!(
                    "identity `{name}` stopped working: GET {path} answered {status} late in the scan where it had succeeded earlier; findings that need it are incomplete"
                ),
            );
        }
    }
}

/// Function-level access by behaviour: which operations each identity could call (2xx) and which
/// it was refused (401/403), by declared role (`--role`) or, without one, by name. Operations
/// that only privileged identities could call are the API's admin functions as it behaves.
fn function_access(s: &mut Scanner) {
    if s.identities.len() < 2 {
        return;
    }
    use std::collections::{BTreeMap, BTreeSet};
    // operation → identity → (any 2xx, any refusal)
    let mut seen: BTreeMap<String, BTreeMap<String, (bool, bool)>> = BTreeMap::new();
    for o in s.store.iter() {
        let (Some(who), Some(_)) = (&o.identity, o.op) else {
            continue;
        };
        if who.contains(" (tampered)") || o.exchange.method == Method::OPTIONS {
            continue;
        }
        let e = seen
            .entry(format!("{} {}", o.exchange.method, o.path))
            .or_default()
            .entry(who.clone())
            .or_default();
        e.0 |= o.is_success();
        e.1 |= matches!(o.status(), 401 | 403);
    }
    let mut privileged_only = BTreeSet::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (op, by) in &seen {
        for (who, (ok, _)) in by {
            if *ok {
                *counts.entry(who.clone()).or_default() += 1;
            }
        }
        let privileged_ok = by.iter().any(|(w, (ok, _))| *ok && s.is_privileged(w));
        let others_refused = by
            .iter()
            .filter(|(w, _)| !s.is_privileged(w))
            .all(|(_, (ok, refused))| !ok && *refused)
            && by.keys().any(|w| !s.is_privileged(w));
        if privileged_ok && others_refused {
            privileged_only.insert(op.clone());
        }
    }
    let who: Vec<String> = s
        .identities
        .iter()
        .map(|i| {
            format!(
                "`{}` ({}{}): {} operation(s)",
                i.name,
                s.role_of(&i.name).unwrap_or("no declared role"),
                if s.is_privileged(&i.name) {
                    ", privileged"
                } else {
                    ""
                },
                counts.get(&i.name).copied().unwrap_or(0)
            )
        })
        .collect();
    let only: Vec<String> = privileged_only.into_iter().take(20).collect();
    s.note(
        DiagnosticLevel::Note,
        "scan.function-access",
        format!(
            "operations each identity could call: {}; only privileged identities could call: {}",
            who.join(", "),
            if only.is_empty() {
                "none".to_string()
            } else {
                only.join(", ")
            }
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_anywhere_in_json() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        for (body, want) in [
            (
                json!({"access_token": "abcdefgh12", "token_type": "bearer"}),
                "abcdefgh12",
            ),
            (
                json!({"data": {"session": {"authToken": "tok-123456789"}}}),
                "tok-123456789",
            ),
            (json!({"result": {"jwt": jwt}}), jwt),
            (
                json!({"refresh_token": "r-123456789", "result": {"x": jwt}}),
                jwt,
            ),
            (
                json!({"auth": {"idToken": "id-123456789", "accessToken": "ac-123456789"}}),
                "ac-123456789",
            ),
            (json!([{"credentials": {"value": jwt}}]), jwt),
            (json!(jwt), jwt),
        ] {
            assert_eq!(token_in_json(&body).as_deref(), Some(want), "{body}");
        }
        assert_eq!(
            token_in_json(&json!({"token_type": "bearer", "ok": true})),
            None
        );
        assert_eq!(
            token_in_json(&json!({"refresh_token": "r-123456789"})),
            None
        );
    }

    #[test]
    fn credentials_in_headers_and_cookies() {
        use crate::checks::testkit;
        let ok = |headers: &[(&str, &str)], body: &[u8]| {
            testkit::obs(
                None,
                testkit::exchange("POST", "/login", 200, headers, body),
            )
        };
        let o = ok(&[("authorization", "Bearer abc.def-123456")], b"");
        assert!(
            matches!(credential_in(&o, None), Some((Auth::Bearer(t), _)) if t == "abc.def-123456")
        );
        let o = ok(
            &[("x-access-token", "opaque-0123456789")],
            b"{\"ok\": true}",
        );
        assert!(
            matches!(credential_in(&o, None), Some((Auth::Header { name, value }, _)) if name == "x-access-token" && value == "opaque-0123456789")
        );
        let o = ok(
            &[
                ("set-cookie", "sid=s%3Aabc123; Path=/; HttpOnly"),
                ("set-cookie", "theme=dark"),
            ],
            b"",
        );
        assert!(
            matches!(credential_in(&o, None), Some((Auth::Cookie(c), _)) if c == "sid=s%3Aabc123; theme=dark")
        );
        // A body token goes back in the spec's API-key header when that is the scheme.
        let o = ok(&[], b"{\"data\": {\"apiToken\": \"k-0123456789\"}}");
        assert!(
            matches!(credential_in(&o, Some("X-Api-Key")), Some((Auth::Header { name, value }, _)) if name == "X-Api-Key" && value == "k-0123456789")
        );
        assert!(credential_in(&ok(&[], b"{\"ok\": true}"), None).is_none());
    }
}
