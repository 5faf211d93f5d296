//! Identities, ownership and JWT depth on loopback APIs written unlike the testbed (issue 12).
//!
//! - **Shelf** (Flask/Django style): an OAuth2 password grant posted as a form to `/oauth/token`,
//!   the token handed back in a custom `X-Auth-Token` header and expected back there, books keyed
//!   by their title (`/shelf/books/{book_title}`, listed under `title`), a stale spec example.
//! - **Quill** (Express/RealWorld style): a JSON login whose token sits at `user.token`, drafts
//!   keyed by `slug`, HS256 tokens signed with a common password and carrying a `role` claim,
//!   a public `GET /api/articles` next to an authenticated `POST /api/articles`, and a login
//!   that answers differently for unknown users.
//!
//! Each flaw has a switch; the assertions read what the server recorded and answered.

#[path = "../../apiward-http/tests/common/mod.rs"]
mod common;
mod scan_common;

use apiward_core::{DiagnosticLevel, Finding, FindingSource};
use apiward_scan::checks::jwt;
use apiward_scan::{Auth, Identity};
use common::{Head, Reply, response, serve};
use serde_json::{Value, json};

fn reply(status: u16, headers: &str, v: &Value) -> Reply {
    Reply::Raw(response(
        status,
        &format!("content-type: application/json\r\n{headers}"),
        v.to_string().as_bytes(),
    ))
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%40", "@").replace('+', " ")))
        .collect()
}

fn runtime(fs: &[Finding], rule: &str) -> Vec<Finding> {
    assert!(apiward_rules::get(rule).is_some(), "unknown rule {rule}");
    fs.iter()
        .filter(|f| f.rule_name == rule && f.source != FindingSource::Spec)
        .cloned()
        .collect()
}

fn login_identity(name: &str, user: &str, password: &str) -> Identity {
    Identity {
        name: name.into(),
        auth: vec![Auth::Login {
            user: user.into(),
            password: password.into(),
        }],
    }
}

struct Run {
    seen: Vec<Head>,
    out: apiward_scan::ScanOutcome,
}

async fn scan<F>(spec: &str, app: F, ids: Vec<Identity>, active: bool) -> Run
where
    F: Fn(Head) -> Reply + Send + Sync + 'static,
{
    scan_with_roles(spec, app, ids, active, Vec::new()).await
}

async fn scan_with_roles<F>(
    spec: &str,
    app: F,
    ids: Vec<Identity>,
    active: bool,
    roles: Vec<(String, String)>,
) -> Run
where
    F: Fn(Head) -> Reply + Send + Sync + 'static,
{
    let server = serve(app).await;
    let mut cfg = scan_common::config(&server.base(), "spec.yaml", spec);
    cfg.engine.active = active;
    cfg.burst = 0;
    cfg.shadow_probe = false;
    cfg.identities = ids;
    cfg.roles = roles;
    let out = apiward_scan::scan(cfg).await.expect("scan");
    Run {
        seen: server.seen(),
        out,
    }
}

// ---------------------------------------------------------------------------------------------
// Shelf: form login, token in a custom header, title keys.

const SHELF: &str = r##"
openapi: 3.0.3
info: {title: Shelf, version: "1"}
components:
  securitySchemes:
    authToken: {type: apiKey, in: header, name: X-Auth-Token}
security: [{authToken: []}]
paths:
  /oauth/token:
    post:
      security: []
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties: {username: {type: string}, password: {type: string}, grant_type: {type: string}}
      responses: {"200": {description: ok}}
  /shelf/books:
    get:
      responses: {"200": {description: my books}}
  /shelf/stats:
    get:
      responses: {"200": {description: library statistics}, "403": {description: staff only}}
  /shelf/books/{book_title}:
    get:
      parameters: [{name: book_title, in: path, required: true, schema: {type: string}, example: "Stale Example"}]
      responses: {"200": {description: a book}, "404": {description: none}}
"##;

/// `owner_checks`: a book is served to its owner only (the near miss).
fn shelf(owner_checks: bool) -> impl Fn(Head) -> Reply + Send + Sync {
    move |h: Head| {
        let path = h.path.split('?').next().unwrap_or("").to_string();
        let books = [("Dune Messiah", "ann"), ("Bel Canto", "ben")];
        if h.method == "OPTIONS" {
            return Reply::Raw(response(204, "allow: GET, POST\r\n", b""));
        }
        if h.method == "POST" && path == "/oauth/token" {
            let f = form(&h.body);
            let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let ok = get("grant_type").as_deref() == Some("password")
                && matches!(
                    (get("username").as_deref(), get("password").as_deref()),
                    (Some("ann"), Some("ann-pw")) | (Some("ben"), Some("ben-pw"))
                );
            return if ok {
                let user = get("username").unwrap_or_default();
                reply(
                    200,
                    &format!("x-auth-token: opaque-{user}-7c1e2a\r\n"),
                    &json!({"status": "ok", "expires_in": 3600}),
                )
            } else {
                reply(400, "", &json!({"error": "invalid_grant"}))
            };
        }
        let me = match h.header("x-auth-token") {
            Some("opaque-ann-7c1e2a") => "ann",
            Some("opaque-ben-7c1e2a") => "ben",
            _ => {
                return reply(
                    401,
                    "www-authenticate: Token\r\n",
                    &json!({"error": "login"}),
                );
            }
        };
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match (h.method.as_str(), segs.as_slice()) {
            // Staff only, by behaviour: nothing in the path says so.
            ("GET" | "HEAD", ["shelf", "stats"]) if me == "ann" => {
                reply(200, "", &json!({"books": 2, "loans": 0}))
            }
            ("GET" | "HEAD", ["shelf", "stats"]) => reply(403, "", &json!({"error": "staff only"})),
            ("GET" | "HEAD", ["shelf", "books"]) => {
                let mine: Vec<Value> = books
                    .iter()
                    .filter(|(_, o)| *o == me)
                    .map(|(t, o)| json!({"title": t, "owner": {"login": o}, "pages": 4}))
                    .collect();
                reply(200, "", &json!({"results": mine}))
            }
            ("GET" | "HEAD", ["shelf", "books", t]) => {
                let t = t.replace("%20", " ");
                match books.iter().find(|(title, _)| *title == t) {
                    Some((title, o)) if !owner_checks || *o == me => reply(
                        200,
                        "",
                        &json!({"title": title, "owner": {"login": o}, "notes": format!("{o}'s private notes")}),
                    ),
                    _ => reply(404, "", &json!({"error": "no such book"})),
                }
            }
            _ => reply(404, "", &json!({"error": "not found"})),
        }
    }
}

fn shelf_ids() -> Vec<Identity> {
    vec![
        login_identity("ann", "ann", "ann-pw"),
        login_identity("ben", "ben", "ben-pw"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_form_login_custom_header_and_title_keys() {
    let r = scan(SHELF, shelf(true), shelf_ids(), false).await;
    // The only writes on the wire: one form login per identity, with the password grant.
    let writes: Vec<&Head> = r
        .seen
        .iter()
        .filter(|h| !matches!(h.method.as_str(), "GET" | "HEAD" | "OPTIONS"))
        .collect();
    assert_eq!(writes.len(), 2, "{writes:#?}");
    for w in &writes {
        assert_eq!(w.path, "/oauth/token");
        assert!(
            w.header("content-type")
                .is_some_and(|c| c.contains("x-www-form-urlencoded"))
        );
        assert!(form(&w.body).contains(&("grant_type".into(), "password".into())));
    }
    // Journaled as logins in a read-only scan.
    assert_eq!(r.out.safety.mode, "read-only");
    assert_eq!(r.out.safety.writes.len(), 2);
    assert!(r.out.safety.writes.iter().all(|w| w.kind == "login"));
    // The token came back in X-Auth-Token and went out in it: each identity read its own book,
    // named by the live title, never the stale example.
    for (token, title) in [
        ("opaque-ann-7c1e2a", "/shelf/books/Dune%20Messiah"),
        ("opaque-ben-7c1e2a", "/shelf/books/Bel%20Canto"),
    ] {
        assert!(
            r.seen
                .iter()
                .any(|h| h.path == title && h.header("x-auth-token") == Some(token)),
            "{title} with {token} not requested"
        );
    }
    assert!(
        !r.seen
            .iter()
            .any(|h| h.path.contains("Stale") && h.header("x-auth-token").is_some()),
        "the stale example was used by an identity"
    );
    // Per-identity success counts are in the report.
    let counts: Vec<&str> = r
        .out
        .diagnostics
        .iter()
        .filter(|d| d.code == "scan.identity-requests")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(
        counts
            .iter()
            .all(|m| !m.starts_with("identity `ann`: 0 of"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_login_is_loud_and_the_identity_is_not_used() {
    let ids = vec![
        login_identity("ann", "ann", "ann-pw"),
        login_identity("mallory", "mallory", "wrong"),
    ];
    let r = scan(SHELF, shelf(true), ids, false).await;
    let failed = r
        .out
        .diagnostics
        .iter()
        .find(|d| d.code == "scan.login-failed")
        .expect("a login-failed diagnostic");
    assert_eq!(failed.level, DiagnosticLevel::Warning);
    assert!(failed.message.contains("mallory") && failed.message.contains("400"));
    // Not one request went out as if mallory were authenticated: nothing after the login
    // carries a credential other than ann's.
    for h in &r.seen {
        if let Some(t) = h.header("x-auth-token") {
            assert!(
                t.starts_with("opaque-ann"),
                "{} {} sent {t}",
                h.method,
                h.path
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fires_cross_identity_access_on_title_keys() {
    let r = scan(SHELF, shelf(false), shelf_ids(), false).await;
    let f = runtime(&r.out.findings, "cross-identity-access");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].location.path.as_deref(),
        Some("/shelf/books/{book_title}")
    );
    // Both requests are the evidence; the server really served ann's book to ben (or the reverse).
    assert_eq!(f[0].evidence.len(), 2);
    let crossed = r.seen.iter().any(|h| {
        (h.path == "/shelf/books/Dune%20Messiah"
            && h.header("x-auth-token") == Some("opaque-ben-7c1e2a"))
            || (h.path == "/shelf/books/Bel%20Canto"
                && h.header("x-auth-token") == Some("opaque-ann-7c1e2a"))
    });
    assert!(crossed, "no identity asked for the other's book");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_miss_cross_identity_access_owner_checked() {
    // The same API checking ownership: the other identity asks and gets 404.
    let r = scan(SHELF, shelf(true), shelf_ids(), false).await;
    assert!(runtime(&r.out.findings, "cross-identity-access").is_empty());
    let asked = r.seen.iter().any(|h| {
        h.path == "/shelf/books/Dune%20Messiah"
            && h.header("x-auth-token") == Some("opaque-ben-7c1e2a")
    });
    assert!(
        asked,
        "ben never asked for ann's book: the check did not run"
    );
}

// ---------------------------------------------------------------------------------------------
// Quill: JSON login with a nested token, slugs, weak HS256 secret, role claim, method-aware auth.

const QUILL: &str = r##"
openapi: 3.0.3
info: {title: Quill, version: "2"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
paths:
  /api/users/login:
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {email: {type: string}, password: {type: string}}}
      responses: {"200": {description: ok}}
  /api/users/forgot-password:
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {email: {type: string, format: email}}}
      responses: {"202": {description: sent if the account exists}}
  /api/users/register:
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [email, password], properties: {email: {type: string, format: email}, password: {type: string}, bio: {type: string}}}
      responses: {"201": {description: registered}}
  /api/articles:
    get:
      security: []
      responses: {"200": {description: public articles}}
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {title: {type: string}}}
      responses: {"201": {description: created}}
  /api/drafts:
    get:
      responses: {"200": {description: my drafts}}
  /api/drafts/{slug}:
    get:
      parameters: [{name: slug, in: path, required: true, schema: {type: string}, example: old-draft}]
      responses: {"200": {description: a draft}}
"##;

/// `secret`: the HS256 key. `enumerates`: unknown users get a different answer.
#[derive(Clone, Copy)]
struct Quill {
    secret: &'static str,
    enumerates: bool,
    /// Verifies the signature but never looks at `exp`.
    ignores_exp: bool,
}

fn quill_token(secret: &str, email: &str) -> String {
    jwt::sign(
        "HS256",
        secret,
        json!({"sub": email, "role": "author", "iat": 1_700_000_000i64, "exp": 4_102_444_800i64}),
    )
}

fn quill(cfg: Quill) -> impl Fn(Head) -> Reply + Send + Sync {
    move |h: Head| {
        let path = h.path.split('?').next().unwrap_or("").to_string();
        if h.method == "OPTIONS" {
            return Reply::Raw(response(204, "allow: GET, POST\r\n", b""));
        }
        let users = [("ann@quill.test", "ann-pw"), ("ben@quill.test", "ben-pw")];
        if h.method == "POST" && path == "/api/users/login" {
            let b: Value = serde_json::from_slice(&h.body).unwrap_or(Value::Null);
            let email = b["email"].as_str().unwrap_or("");
            let pw = b["password"].as_str().unwrap_or("");
            return match users.iter().find(|(e, _)| *e == email) {
                Some((e, p)) if *p == pw => reply(
                    200,
                    "",
                    &json!({"user": {"email": e, "token": quill_token(cfg.secret, e), "bio": null}}),
                ),
                None if cfg.enumerates => {
                    reply(404, "", &json!({"errors": {"email": ["not found"]}}))
                }
                _ => reply(
                    401,
                    "",
                    &json!({"errors": {"credentials": ["are invalid"]}}),
                ),
            };
        }
        if h.method == "POST" && path == "/api/users/forgot-password" {
            let b: Value = serde_json::from_slice(&h.body).unwrap_or(Value::Null);
            let known = users.iter().any(|(e, _)| b["email"].as_str() == Some(e));
            return if known || !cfg.enumerates {
                reply(
                    202,
                    "",
                    &json!({"message": "If the account exists, an e-mail is on its way."}),
                )
            } else {
                reply(404, "", &json!({"error": "unknown e-mail address"}))
            };
        }
        if h.method == "POST" && path == "/api/users/register" {
            let b: Value = serde_json::from_slice(&h.body).unwrap_or(Value::Null);
            let known = users.iter().any(|(e, _)| b["email"].as_str() == Some(e));
            // The enumerating variant checks "taken" before it validates the rest.
            if known && cfg.enumerates {
                return reply(409, "", &json!({"error": "e-mail already registered"}));
            }
            if b["password"].as_str().is_none_or(str::is_empty) {
                return reply(422, "", &json!({"errors": {"password": ["is required"]}}));
            }
            if known {
                return reply(422, "", &json!({"errors": {"email": ["is invalid"]}}));
            }
            // A completed sign-up: a scan sends it only when `--include` names it.
            return reply(201, "", &json!({"user": {"email": b["email"]}}));
        }
        // A real verifier: HS256 with the secret, signature checked.
        let me = h
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .and_then(|t| {
                users.iter().find(|(e, _)| {
                    if cfg.ignores_exp {
                        // Signature checked (claims re-signed), expiry not.
                        jwt::parse(t).is_some_and(|j| {
                            j.claims.get("sub") == Some(&json!(e))
                                && jwt::sign("HS256", cfg.secret, Value::Object(j.claims.clone()))
                                    == t
                        })
                    } else {
                        quill_token(cfg.secret, e) == t
                    }
                })
            })
            .map(|(e, _)| *e);
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match (h.method.as_str(), segs.as_slice(), me) {
            ("GET" | "HEAD", ["api", "articles"], _) => reply(
                200,
                "",
                &json!({"articles": [{"slug": "public-1", "title": "Hello"}]}),
            ),
            (_, _, None) => reply(
                401,
                "www-authenticate: Bearer\r\n",
                &json!({"errors": {"auth": ["missing"]}}),
            ),
            ("POST", ["api", "articles"], Some(_)) => {
                reply(201, "", &json!({"article": {"slug": "new-1"}}))
            }
            ("GET" | "HEAD", ["api", "drafts"], Some(me)) => reply(
                200,
                "",
                &json!({"drafts": [{"slug": format!("{}-draft", &me[..3]), "title": "wip"}]}),
            ),
            ("GET" | "HEAD", ["api", "drafts", slug], Some(me)) if slug.starts_with(&me[..3]) => {
                reply(
                    200,
                    "",
                    &json!({"draft": {"slug": slug, "body": "secret plans"}}),
                )
            }
            _ => reply(404, "", &json!({"errors": {"draft": ["not found"]}})),
        }
    }
}

fn quill_ids() -> Vec<Identity> {
    vec![
        login_identity("ann", "ann@quill.test", "ann-pw"),
        login_identity("ben", "ben@quill.test", "ben-pw"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fires_jwt_weak_secret_from_the_big_list_on_a_nested_login_token() {
    // "sunshine" is a common password, not one of the hand-kept defaults.
    let cfg = Quill {
        secret: "sunshine",
        enumerates: false,
        ignores_exp: false,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), false).await;
    // Logged in from `user.token` (read-only: the login POSTs are the only writes).
    assert!(
        r.seen.iter().any(|h| h.path == "/api/drafts"
            && h.header("authorization")
                .is_some_and(|a| a.starts_with("Bearer eyJ"))),
        "the nested token was not used"
    );
    let f = runtime(&r.out.findings, "jwt-weak-secret");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        !format!("{f:?}").contains("sunshine"),
        "secret shown unmasked"
    );
    assert!(f[0].message.contains("role"), "{}", f[0].message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_up_to_six_digits_are_tried() {
    let cfg = Quill {
        secret: "270416",
        enumerates: false,
        ignores_exp: false,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), false).await;
    assert_eq!(runtime(&r.out.findings, "jwt-weak-secret").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_miss_tampered_token_accepted_public_get_beside_a_closed_post() {
    // Active: the anonymous POST /api/articles is refused, the GET is public. Tampered tokens
    // "accepted" on the public GET prove nothing; the verifier itself is sound.
    let cfg = Quill {
        secret: "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF",
        enumerates: false,
        ignores_exp: false,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), true).await;
    assert!(
        r.seen.iter().any(|h| h.method == "POST"
            && h.path == "/api/articles"
            && h.header("authorization").is_none()),
        "no anonymous POST was refused: the trap did not run"
    );
    assert!(runtime(&r.out.findings, "tampered-token-accepted").is_empty());
    assert!(runtime(&r.out.findings, "jwt-weak-secret").is_empty());
    // Tampered tokens went only to a route that refuses anonymous GETs.
    for h in &r.seen {
        if h.header("authorization").is_some_and(|a| a.ends_with('.')) {
            assert!(h.path.starts_with("/api/drafts"), "{} {}", h.method, h.path);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fires_user_enumeration() {
    let cfg = Quill {
        secret: "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF",
        enumerates: true,
        ignores_exp: false,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), true).await;
    let f = runtime(&r.out.findings, "user-enumeration");
    assert_eq!(f.len(), 3, "{f:#?}");
    let at = |p: &str| {
        f.iter()
            .find(|x| x.location.path.as_deref() == Some(p))
            .unwrap_or_else(|| panic!("no finding at {p}: {f:#?}"))
    };
    assert!(at("/api/users/login").message.contains("status 401 vs 404"));
    assert!(
        at("/api/users/forgot-password")
            .message
            .contains("status 202 vs 404")
    );
    // At most 3 failed logins for each account, all with a wrong password.
    let tries = |p: &str, needle: &str| {
        r.seen
            .iter()
            .filter(|h| h.path == p && String::from_utf8_lossy(&h.body).contains(needle))
            .count()
    };
    assert!((1..=3).contains(&tries("/api/users/login", "apiward-nobody")));
    let wrong = r
        .seen
        .iter()
        .filter(|h| {
            let b = String::from_utf8_lossy(&h.body);
            h.path == "/api/users/login"
                && b.contains("ann@quill.test")
                && b.contains("apiward-wrong")
        })
        .count();
    assert!((1..=3).contains(&wrong), "{wrong}");
    // Reset e-mail went only to the scanner's own address and a .invalid one, at most 3 each.
    let resets: Vec<Value> = r
        .seen
        .iter()
        .filter(|h| h.path == "/api/users/forgot-password")
        .map(|h| serde_json::from_slice(&h.body).unwrap_or(Value::Null))
        .collect();
    assert!(!resets.is_empty());
    for b in &resets {
        let e = b["email"].as_str().unwrap_or("");
        assert!(e == "ann@quill.test" || e.ends_with(".invalid"), "{b}");
    }
    assert!(
        resets
            .iter()
            .filter(|b| b["email"] == "ann@quill.test")
            .count()
            <= 3
    );
    assert!(resets.len() <= 6);
    assert!(
        r.out
            .safety
            .writes
            .iter()
            .any(|w| w.kind == "reset request")
    );
    // Registration: only the account named, never a password, own address or .invalid only.
    assert!(
        at("/api/users/register")
            .message
            .contains("status 409 vs 422")
    );
    let signups: Vec<Value> = r
        .seen
        .iter()
        .filter(|h| h.path == "/api/users/register")
        .map(|h| serde_json::from_slice(&h.body).unwrap_or(Value::Null))
        .collect();
    let probes: Vec<&Value> = signups
        .iter()
        .filter(|b| {
            b.as_object()
                .is_some_and(|m| m.len() == 1 && m.contains_key("email"))
        })
        .collect();
    assert!(!probes.is_empty() && probes.len() <= 6, "{signups:?}");
    for b in &probes {
        let e = b["email"].as_str().unwrap_or("");
        assert!(e == "ann@quill.test" || e.ends_with(".invalid"), "{b}");
    }
    // The sign-up itself is credential-issuing: no request ever carried a password (the active
    // scan's create phase skipped it), and it is listed as skipped with why.
    assert!(
        signups.iter().all(|b| b["password"].is_null()),
        "{signups:?}"
    );
    assert_eq!(probes.len(), signups.len(), "{signups:?}");
    assert!(
        r.out
            .safety
            .skipped_operations
            .iter()
            .any(|k| k.path == "/api/users/register" && k.reason.contains("credential-issuing")),
        "{:#?}",
        r.out.safety.skipped_operations
    );
    assert!(
        r.out
            .safety
            .writes
            .iter()
            .any(|w| w.kind == "registration probe")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_miss_user_enumeration() {
    let cfg = Quill {
        secret: "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF",
        enumerates: false,
        ignores_exp: false,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), true).await;
    assert!(runtime(&r.out.findings, "user-enumeration").is_empty());
    assert!(
        r.seen.iter().any(|h| h.path == "/api/users/login"
            && String::from_utf8_lossy(&h.body).contains("apiward-nobody")),
        "the comparison did not run"
    );
    assert!(
        r.seen.iter().any(|h| h.path == "/api/users/register"),
        "the registration comparison did not run"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_that_stops_working_logs_in_again_and_says_so() {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    // Tokens of generation 1 die after two uses (a short session); a new login issues generation
    // 2, which lives on.
    let uses: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let logins: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let inner = shelf(true);
    let (u2, l2) = (uses.clone(), logins.clone());
    let app = move |mut h: Head| {
        if h.method == "POST" && h.path == "/oauth/token" {
            let f = form(&h.body);
            let user = f
                .iter()
                .find(|(k, _)| k == "username")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let ok = f.contains(&("password".into(), format!("{user}-pw")));
            if !ok {
                return reply(400, "", &json!({"error": "invalid_grant"}));
            }
            let g = {
                let mut l = l2.lock().expect("lock");
                let g = l.entry(user.clone()).or_default();
                *g += 1;
                *g
            };
            return reply(
                200,
                &format!("x-auth-token: gen{g}-{user}\r\n"),
                &json!({"status": "ok"}),
            );
        }
        if let Some(t) = h.header("x-auth-token").map(str::to_string) {
            let n = {
                let mut u = u2.lock().expect("lock");
                let n = u.entry(t.clone()).or_default();
                *n += 1;
                *n
            };
            let (g, user) = t.split_once('-').unwrap_or(("", ""));
            if g == "gen1" && n > 2 {
                return reply(
                    401,
                    "www-authenticate: Token\r\n",
                    &json!({"error": "expired"}),
                );
            }
            // Hand the inner app the token it knows.
            for (n, v) in h.headers.iter_mut() {
                if n.eq_ignore_ascii_case("x-auth-token") {
                    *v = format!("opaque-{user}-7c1e2a");
                }
            }
        }
        inner(h)
    };
    let ids = vec![login_identity("ann", "ann", "ann-pw")];
    let r = scan(SHELF, app, ids, false).await;
    assert_eq!(
        logins.lock().expect("lock").get("ann"),
        Some(&2),
        "no re-login"
    );
    let w = r
        .out
        .diagnostics
        .iter()
        .find(|d| d.code == "scan.identity-expired")
        .expect("an identity-expired warning");
    assert_eq!(w.level, DiagnosticLevel::Warning);
    assert!(
        w.message.contains("logged in again and works"),
        "{}",
        w.message
    );
    // The last request went out with the new session and succeeded.
    let last = r
        .seen
        .iter()
        .rev()
        .find(|h| h.header("x-auth-token").is_some())
        .expect("a request");
    assert_eq!(last.header("x-auth-token"), Some("gen2-ann"));
    // Both logins are journaled; nothing else was written.
    assert_eq!(r.out.safety.writes.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_roles_and_function_access_by_behaviour() {
    let roles = vec![
        ("ann".to_string(), "librarian_admin".to_string()),
        ("ben".to_string(), "reader".to_string()),
    ];
    let r = scan_with_roles(SHELF, shelf(true), shelf_ids(), false, roles).await;
    let note = r
        .out
        .diagnostics
        .iter()
        .find(|d| d.code == "scan.function-access")
        .expect("a function-access note");
    assert!(
        note.message.contains("`ann` (librarian_admin, privileged)")
            && note.message.contains("`ben` (reader)"),
        "{}",
        note.message
    );
    assert!(
        note.message
            .contains("only privileged identities could call: GET /shelf/stats"),
        "{}",
        note.message
    );
    // The server did refuse ben and serve ann.
    assert!(
        r.seen
            .iter()
            .any(|h| h.path == "/shelf/stats"
                && h.header("x-auth-token") == Some("opaque-ben-7c1e2a"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fires_tampered_token_accepted_expired_token_signed_with_the_cracked_secret() {
    let cfg = Quill {
        secret: "sunshine",
        enumerates: false,
        ignores_exp: true,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), false).await;
    let f = runtime(&r.out.findings, "tampered-token-accepted");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].message.contains("expired"), "{}", f[0].message);
    // The server answered 200 to a token whose `exp` is in the past.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let sent_expired = r.seen.iter().any(|h| {
        h.header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .and_then(jwt::parse)
            .and_then(|j| j.claim_i64("exp"))
            .is_some_and(|exp| exp < now)
    });
    assert!(sent_expired, "no expired token was replayed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_miss_tampered_token_accepted_expiry_checked() {
    // The same weak secret, but the verifier compares the whole token (expiry included).
    let cfg = Quill {
        secret: "sunshine",
        enumerates: false,
        ignores_exp: false,
    };
    let r = scan(QUILL, quill(cfg), quill_ids(), false).await;
    assert!(runtime(&r.out.findings, "tampered-token-accepted").is_empty());
}
