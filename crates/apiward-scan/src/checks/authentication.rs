//! authentication at runtime: APIW-AUTH-101 declared security not enforced, -102 methods that
//! differ, -103 tampered tokens accepted (L1), -104/-105/-106 JWT analysis, -107 401 without a
//! challenge, -108 missing security headers.

use super::jwt;
use crate::evidence::{at, count_summary, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{
    Confidence, Evidence, EvidenceKind, Finding, FindingSource, Location, Severity,
};
use apiward_detect::{DataClass, DataType};
use apiward_http::{Method, Request};
use apiward_rules::authentication as rules;

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    not_enforced(s, out);
    inconsistent_methods(s, out).await;
    missing_challenge(s, out);
    security_headers(s, out);
    let memo = jwts(s, out);
    tampered_tokens(s, out, &memo).await;
    if s.active {
        user_enumeration(s, out).await;
    }
}

/// Tries per account in the enumeration comparison (each a failed login or a reset request).
const ENUM_TRIES: usize = 3;

/// What a group of answers says, normalized so that echoes of the user name, numbers and ids do
/// not count as differences.
struct Answers {
    statuses: Vec<u16>,
    shape: Option<Vec<String>>,
    message: Option<String>,
    median_ms: u128,
}

fn shape_of(v: &serde_json::Value, at: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 6 || out.len() > 200 {
        return;
    }
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}.{k}");
                out.push(here.clone());
                shape_of(x, &here, out, depth + 1);
            }
        }
        serde_json::Value::Array(a) => {
            if let Some(x) = a.first() {
                shape_of(x, &format!("{at}[]"), out, depth + 1);
            }
        }
        _ => {}
    }
}

fn normalized_text(body: &[u8], users: &[&str]) -> String {
    let mut t = String::from_utf8_lossy(body).to_ascii_lowercase();
    for u in users {
        t = t.replace(&u.to_ascii_lowercase(), "<user>");
    }
    // Numbers (timestamps, request ids) are noise.
    t.chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn summarize(s: &Scanner, idx: &[usize], users: &[&str]) -> Option<Answers> {
    if idx.is_empty() {
        return None;
    }
    let obs: Vec<&crate::store::Observation> = idx.iter().map(|i| s.obs(*i)).collect();
    let statuses: Vec<u16> = obs.iter().map(|o| o.status()).collect();
    let shapes: Vec<Option<Vec<String>>> = obs
        .iter()
        .map(|o| {
            o.json.as_ref().map(|j| {
                let mut v = Vec::new();
                shape_of(j, "", &mut v, 0);
                v.sort();
                v
            })
        })
        .collect();
    let texts: Vec<String> = obs
        .iter()
        .map(|o| normalized_text(&o.exchange.body, users))
        .collect();
    let mut times: Vec<u128> = obs.iter().map(|o| o.exchange.elapsed.as_millis()).collect();
    times.sort_unstable();
    // A group that does not agree with itself says nothing about the other.
    let shape = shapes
        .windows(2)
        .all(|w| w[0] == w[1])
        .then(|| shapes[0].clone())
        .flatten();
    let message = texts
        .windows(2)
        .all(|w| w[0] == w[1])
        .then(|| texts[0].clone());
    Some(Answers {
        statuses,
        shape,
        message,
        median_ms: times[times.len() / 2],
    })
}

/// Active: `APIW-AUTH-109`. The login operation is asked about a scanner identity's own account
/// and a made-up one, [`ENUM_TRIES`] times each, always with a wrong password; a password-reset
/// *request* operation likewise, for the identity's own address and a made-up `.invalid` one
/// only (the guard admits exactly those bodies). The answers are compared.
async fn user_enumeration(s: &mut Scanner, out: &mut Vec<Finding>) {
    let Some(login) = s.logins.op.clone() else {
        return;
    };
    let Some((_, user, password)) = s.logins.credentials.first().cloned() else {
        return;
    };
    let unknown = if user.contains('@') {
        "apiward-nobody-4f2c9@example.invalid".to_string()
    } else {
        "apiward_nobody_4f2c9".to_string()
    };
    // A wrong password that is not the real one.
    let wrong = format!("{password}-apiward-wrong");
    let mut known_idx = Vec::new();
    let mut unknown_idx = Vec::new();
    for _ in 0..ENUM_TRIES {
        for (who, into) in [(&user, &mut known_idx), (&unknown, &mut unknown_idx)] {
            if let Ok(i) = crate::login::send_login(s, &login, "enumeration", who, &wrong).await {
                into.push(i);
            }
        }
    }
    let what = format!("POST {}", login.path);
    compare_accounts(
        s,
        out,
        &what,
        "login",
        &known_idx,
        &unknown_idx,
        [&user, &unknown],
    );
    // Password-reset request: only to the identity's own address and a made-up one.
    if !user.contains('@') {
        return;
    }
    let Some((op, path, field)) = reset_request_op(s) else {
        return;
    };
    let unknown = "apiward-nobody-4f2c9@example.invalid".to_string();
    s.guard
        .allow_reset_requests(op, vec![user.clone(), unknown.clone()], ENUM_TRIES);
    let mut known_idx = Vec::new();
    let mut unknown_idx = Vec::new();
    for _ in 0..ENUM_TRIES {
        for (who, into) in [(&user, &mut known_idx), (&unknown, &mut unknown_idx)] {
            let body = serde_json::json!({ field.clone(): who }).to_string();
            let send = ScanRequest {
                purpose: Purpose::Probe,
                op: Some(op),
                path: path.clone(),
                identity: None,
                request: Request::new(Method::POST, s.url(&path))
                    .header("content-type", "application/json")
                    .body(body.into_bytes()),
            };
            if let Some(i) = s.send(send).await {
                into.push(i);
            }
        }
    }
    let what = format!("POST {path}");
    compare_accounts(
        s,
        out,
        &what,
        "reset",
        &known_idx,
        &unknown_idx,
        [&user, &unknown],
    );
}

/// A password-reset *request* (not its confirmation): a POST without path parameters whose path
/// says forgot/reset/recover, with one e-mail field and nothing that sets a password or carries
/// a reset token. `(op, path, email field)`.
fn reset_request_op(s: &Scanner) -> Option<(usize, String, String)> {
    let spec = s.spec.as_ref()?;
    spec.operations.iter().enumerate().find_map(|(i, op)| {
        if op.method != apiward_spec::Method::Post || op.path.contains('{') {
            return None;
        }
        let w = apiward_taxonomy::words(&op.path);
        let has = |x: &str| w.iter().any(|y| y == x);
        if !(has("forgot") || has("reset") || has("recover")) {
            return None;
        }
        let root = op
            .request_body
            .as_ref()?
            .content
            .iter()
            .find_map(|m| m.schema)?;
        let names: Vec<String> = spec
            .flatten_properties(root, 1)
            .into_iter()
            .map(|p| p.name)
            .collect();
        let sets_secret = names.iter().any(|n| {
            apiward_taxonomy::words(n).iter().any(|x| {
                matches!(
                    x.as_str(),
                    "password" | "pass" | "pwd" | "token" | "code" | "otp" | "secret"
                )
            })
        });
        let email = names.iter().find(|n| {
            apiward_taxonomy::words(n)
                .iter()
                .any(|x| x == "email" || x == "mail")
        })?;
        (!sets_secret && names.len() <= 2).then(|| (i, op.path.clone(), email.clone()))
    })
}

/// Compare the answers for an existing account and an unknown one; one finding when they differ.
#[allow(clippy::too_many_arguments)]
fn compare_accounts(
    s: &Scanner,
    out: &mut Vec<Finding>,
    what: &str,
    label: &str,
    known_idx: &[usize],
    unknown_idx: &[usize],
    users: [&str; 2],
) {
    let (Some(k), Some(u)) = (
        summarize(s, known_idx, &users),
        summarize(s, unknown_idx, &users),
    ) else {
        return;
    };
    // A successful login with a wrong password is another problem, not enumeration.
    if label == "login"
        && k.statuses
            .iter()
            .chain(&u.statuses)
            .any(|c| (200..300).contains(c))
    {
        return;
    }
    let mut differs = Vec::new();
    let modal = |v: &[u16]| {
        let mut best = (0, 0);
        for c in v {
            let n = v.iter().filter(|x| *x == c).count();
            if n > best.1 {
                best = (*c, n);
            }
        }
        best.0
    };
    let (ks, us) = (modal(&k.statuses), modal(&u.statuses));
    if ks != us && k.statuses.iter().all(|c| *c == ks) && u.statuses.iter().all(|c| *c == us) {
        differs.push(format!("status {ks} vs {us}"));
    }
    if let (Some(a), Some(b)) = (&k.shape, &u.shape)
        && a != b
    {
        differs.push("a different body shape".to_string());
    }
    if let (Some(a), Some(b)) = (&k.message, &u.message)
        && a != b
        && differs.is_empty()
    {
        differs.push("a different message".to_string());
    }
    let timing =
        k.median_ms >= 3 * u.median_ms.max(1) + 50 || u.median_ms >= 3 * k.median_ms.max(1) + 50;
    if timing {
        differs.push(format!(
            "median time {} ms vs {} ms",
            k.median_ms, u.median_ms
        ));
    }
    if differs.is_empty() {
        return;
    }
    let only_timing = differs.len() == 1 && timing;
    let (Some(&ki), Some(&ui)) = (known_idx.first(), unknown_idx.first()) else {
        return;
    };
    let (ko, uo) = (s.obs(ki), s.obs(ui));
    let how = if label == "login" {
        "A failed login (wrong password)"
    } else {
        "A password-reset request"
    };
    out.push(
        Finding::new(
            &rules::USER_ENUMERATION,
            FindingSource::Runtime,
            at(ko),
            label,
            format!("{what} tells existing accounts from unknown ones"),
            format!(
                "{how} for a scanner identity's own account and for a made-up account ({} tries each) differ: {}.",
                known_idx.len().min(unknown_idx.len()),
                differs.join(", ")
            ),
        )
        .severity(if only_timing {
            Severity::Low
        } else {
            Severity::Medium
        })
        .confidence(if only_timing {
            Confidence::Tentative
        } else {
            Confidence::Firm
        })
        .evidence(response(ko, "existing account", &[]))
        .evidence(response(uo, "unknown account", &[])),
    );
}

fn declared_secure(s: &Scanner, op: Option<usize>) -> bool {
    match (&s.spec, op) {
        (Some(spec), Some(i)) => !spec.operations[i].is_unauthenticated(),
        _ => false,
    }
}

fn not_enforced(s: &Scanner, out: &mut Vec<Finding>) {
    let mut done = std::collections::BTreeSet::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl
            || !o.anonymous()
            || !o.is_success()
            || !declared_secure(s, o.op)
        {
            continue;
        }
        // A read needs a body to show anything; an accepted write is the problem by itself.
        let write = !matches!(
            o.exchange.method,
            Method::GET | Method::HEAD | Method::OPTIONS
        );
        if (o.exchange.body.is_empty() && !write)
            || o.exchange.method == Method::OPTIONS
            || !done.insert(o.op)
        {
            continue;
        }
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant() && m.data_type.class() != DataClass::Internal)
            .collect();
        let severity = if data
            .iter()
            .any(|m| m.data_type.sensitivity() >= apiward_detect::Sensitivity::High)
        {
            Severity::Critical
        } else {
            Severity::High
        };
        let what = if data.is_empty() {
            format!("{} bytes", o.exchange.body.len())
        } else {
            count_summary(&data)
        };
        out.push(
            Finding::new(
                &rules::AUTH_NOT_ENFORCED,
                FindingSource::Runtime,
                at(o),
                "",
                format!(
                    "{} answers without the credentials its spec requires",
                    o.label()
                ),
                format!(
                    "The spec secures {}, but an unauthenticated request got {} with {what}.",
                    o.label(),
                    o.status()
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("{} without credentials: {what}", o.status()),
                &data,
            )),
        );
    }
}

async fn inconsistent_methods(s: &mut Scanner, out: &mut Vec<Finding>) {
    let closed: Vec<(Option<usize>, String, String)> = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.anonymous()
                && o.exchange.method == Method::GET
                && matches!(o.status(), 401 | 403)
        })
        .map(|o| (o.op, o.path.clone(), o.exchange.url.clone()))
        .take(30)
        .collect();
    let sends: Vec<ScanRequest> = closed
        .iter()
        .map(|(op, path, url)| ScanRequest {
            purpose: Purpose::Probe,
            op: *op,
            path: path.clone(),
            identity: None,
            request: Request::new(Method::HEAD, url.clone()),
        })
        .collect();
    let got = s.send_all(sends).await;
    for i in got.into_iter().flatten() {
        let o = s.obs(i);
        if o.is_success() {
            out.push(
                Finding::new(
                    &rules::INCONSISTENT_METHOD_AUTH,
                    FindingSource::Runtime,
                    Location::operation("GET", &o.path).with_url(&o.exchange.url),
                    "HEAD",
                    format!("HEAD {} bypasses the authentication GET enforces", o.path),
                    format!(
                        "GET {} refuses unauthenticated callers, but HEAD answers {}.",
                        o.path,
                        o.status()
                    ),
                )
                .confidence(Confidence::Certain)
                .evidence(response(
                    o,
                    format!("HEAD without credentials: {}", o.status()),
                    &[],
                )),
            );
        }
    }
}

fn missing_challenge(s: &Scanner, out: &mut Vec<Finding>) {
    if let Some(o) = s
        .store
        .iter()
        .find(|o| o.status() == 401 && o.exchange.header("www-authenticate").is_none())
    {
        out.push(
            Finding::new(
                &rules::MISSING_WWW_AUTHENTICATE,
                FindingSource::Runtime,
                at(o),
                "",
                "401 responses do not say how to authenticate",
                format!(
                    "{} answered 401 without a WWW-Authenticate header.",
                    o.label()
                ),
            )
            .severity(Severity::Low)
            .confidence(Confidence::Certain)
            .evidence(response(o, "401 without WWW-Authenticate", &[])),
        );
    }
}

fn security_headers(s: &Scanner, out: &mut Vec<Finding>) {
    let ok: Vec<_> = s
        .store
        .iter()
        .filter(|o| o.is_success() && o.purpose != Purpose::Discovery)
        .collect();
    if ok.is_empty() {
        return;
    }
    let mut missing = Vec::new();
    let lacks = |name: &str| ok.iter().any(|o| o.exchange.header(name).is_none());
    if lacks("x-content-type-options") {
        missing.push("X-Content-Type-Options: nosniff".to_string());
    }
    let framing = ok.iter().any(|o| {
        o.exchange.header("x-frame-options").is_none()
            && !o
                .exchange
                .header("content-security-policy")
                .is_some_and(|c| c.contains("frame-ancestors"))
    });
    if framing {
        missing.push("X-Frame-Options or CSP frame-ancestors".to_string());
    }
    let sensitive_cached = ok.iter().find(|o| {
        o.body_matches.iter().any(|m| {
            m.is_significant()
                && m.data_type.class() != DataClass::Internal
                && m.data_type != DataType::MaskedPaymentCard
        }) && !o
            .exchange
            .header("cache-control")
            .is_some_and(|c| c.to_ascii_lowercase().contains("no-store"))
    });
    if let Some(o) = sensitive_cached {
        missing.push(format!("Cache-Control: no-store (e.g. on {})", o.label()));
    }
    if missing.is_empty() {
        return;
    }
    let witness = sensitive_cached.copied().unwrap_or(ok[0]);
    out.push(
        Finding::new(
            &rules::MISSING_SECURITY_HEADERS,
            FindingSource::Runtime,
            Location::default().with_url(&witness.exchange.url),
            "",
            "Security headers are missing",
            format!("Responses lack {}.", missing.join("; ")),
        )
        .confidence(Confidence::Certain)
        .evidence(response(
            witness,
            format!("missing: {}", missing.join("; ")),
            &[],
        )),
    );
}

/// Every distinct token: from bodies, cookies, and the identities' own.
fn collect_tokens(s: &Scanner) -> Vec<(String, String, Option<usize>)> {
    let mut tokens: Vec<(String, String, Option<usize>)> = Vec::new();
    let mut push = |t: String, from: String, obs: Option<usize>| {
        if !tokens.iter().any(|(x, _, _)| *x == t) && tokens.len() < 20 {
            tokens.push((t, from, obs));
        }
    };
    for (i, o) in s.store.observations.iter().enumerate() {
        for m in &o.body_matches {
            if m.data_type == DataType::Jwt {
                let raw = String::from_utf8_lossy(o.raw(m)).into_owned();
                push(raw, format!("response of {}", o.label()), Some(i));
            }
        }
        for (n, v) in &o.exchange.headers {
            if n == "set-cookie" {
                let val = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .split_once('=')
                    .map(|(_, v)| v)
                    .unwrap_or("");
                if val.matches('.').count() == 2 && val.starts_with("eyJ") {
                    push(
                        val.to_string(),
                        format!("cookie set by {}", o.label()),
                        Some(i),
                    );
                }
            }
        }
    }
    for id in &s.identities {
        if let Some(t) = id.bearer() {
            push(t.to_string(), format!("identity `{}`", id.name), None);
        }
    }
    tokens
}

/// The spec's token endpoint: an unauthenticated POST whose last static path segment names a
/// login or token exchange (`/auth/login`, `/oauth/token`, `/sessions`). The tokens the user hands
/// the scanner are most likely its output, so findings about them belong there.
fn token_issuer(s: &Scanner) -> Option<String> {
    const NAMES: &[&str] = &[
        "login",
        "signin",
        "sign-in",
        "sign_in",
        "token",
        "tokens",
        "session",
        "sessions",
        "authenticate",
    ];
    let spec = s.spec.as_ref()?;
    spec.operations
        .iter()
        .filter(|op| op.method == apiward_spec::Method::Post && !op.is_webhook)
        .filter(|op| op.is_unauthenticated())
        .find(|op| {
            apiward_audit::shape::segments(&op.path)
                .last()
                .is_some_and(|seg| NAMES.contains(&seg.as_str()))
        })
        .map(|op| op.path.clone())
}

/// What the offline analysis found in one token.
struct TokenReport {
    /// `identity `alice``, `response of GET /x`.
    from: String,
    loc: Location,
    /// Header parameter names (`kid`, `jku`, `x5u` are noted here even when harmless).
    header: Vec<String>,
    /// Claims that grant roles or scopes: what a forged token would change.
    roles: Vec<String>,
    alg: String,
    claims: Vec<String>,
    cracked: Option<String>,
    weak: Vec<String>,
    weak_severity: Severity,
    pii: Vec<String>,
    pii_critical: bool,
}

/// Secrets found (or not) per issuer — `(alg, iss, kid)` — so tokens of one issuer are searched
/// once: the others are only verified against the secret found.
type IssuerMemo = Vec<((String, String, String), Option<String>)>;

/// The secret of `t`, searching only for the first token of each issuer.
fn crack_once(t: &jwt::Jwt, memo: &mut IssuerMemo) -> Option<String> {
    let text = |v: Option<&serde_json::Value>| v.map(|v| v.to_string()).unwrap_or_default();
    let key = (
        t.alg().to_ascii_uppercase(),
        text(t.claims.get("iss")),
        text(t.header.get("kid")),
    );
    match memo.iter().find(|(k, _)| *k == key) {
        Some((_, Some(secret))) if t.verifies_with(secret) => Some(secret.clone()),
        Some((_, _)) => None,
        None => {
            let found = t.crack();
            memo.push((key, found.clone()));
            found
        }
    }
}

fn analyse(raw: &str, from: String, loc: Location, memo: &mut IssuerMemo) -> Option<TokenReport> {
    let t = jwt::parse(raw)?;
    let alg = t.alg();
    let cracked = if alg.to_ascii_uppercase().starts_with("HS") {
        crack_once(&t, memo).map(|s| jwt::mask_secret(&s))
    } else {
        None
    };
    // Header and lifetime weaknesses.
    let mut weak = Vec::new();
    let mut severity = Severity::Low;
    let roles = t.role_claims();
    let mut header: Vec<String> = t.header.keys().cloned().collect();
    header.sort();
    if alg.eq_ignore_ascii_case("none") || t.signature.is_empty() {
        weak.push("`alg: none` / unsigned".to_string());
        severity = Severity::High;
    }
    match (t.claim_i64("exp"), t.claim_i64("iat")) {
        (None, _) => {
            weak.push("no `exp` (never expires)".to_string());
            severity = severity.max(Severity::Medium);
        }
        (Some(exp), Some(iat)) if exp - iat > 86_400 => {
            weak.push(format!("lifetime {} h", (exp - iat) / 3600));
            severity = severity.max(Severity::Medium);
        }
        _ => {}
    }
    for h in ["jku", "x5u"] {
        if t.header.contains_key(h) {
            weak.push(format!("`{h}` header (key location chosen by the token)"));
            severity = severity.max(Severity::Medium);
        }
    }
    if let Some(kid) = t.header.get("kid").and_then(|v| v.as_str())
        && (kid.contains('/') || kid.contains("..") || kid.contains('\'') || kid.contains(';'))
    {
        weak.push("`kid` with path or SQL characters".to_string());
        severity = severity.max(Severity::Medium);
    }
    // Personal data in claims.
    let pii: Vec<String> = t
        .claims
        .keys()
        .filter(|k| {
            apiward_detect::classify_key(k).is_some_and(|c| {
                c.data_type.class() == DataClass::Pii
                    && c.strength == apiward_detect::KeyStrength::Strong
            })
        })
        .cloned()
        .collect();
    let pii_critical = pii.iter().any(|k| {
        apiward_detect::classify_key(k)
            .is_some_and(|c| c.data_type.sensitivity() >= apiward_detect::Sensitivity::Critical)
    });
    Some(TokenReport {
        from,
        loc,
        header,
        roles,
        alg,
        claims: t.claims.keys().cloned().collect(),
        cracked,
        weak,
        weak_severity: severity,
        pii,
        pii_critical,
    })
}

/// JWT analysis, offline. Tokens with the same weakness at the same place (the identities' tokens,
/// several login responses) make one finding that names them all.
fn jwts(s: &Scanner, out: &mut Vec<Finding>) -> IssuerMemo {
    let issuer = token_issuer(s);
    let mut reports = Vec::new();
    let mut memo = IssuerMemo::new();
    for (raw, from, obs) in collect_tokens(s) {
        let loc = match (obs, &issuer) {
            (Some(i), _) => at(s.obs(i)),
            (None, Some(path)) => Location::operation("POST", path),
            (None, None) => Location::default().with_url(&s.origin),
        };
        let from = match (obs, &issuer) {
            (None, Some(path)) => format!("{from}, presumably issued by POST {path}"),
            _ => from,
        };
        if let Some(r) = analyse(&raw, from, loc, &mut memo) {
            reports.push(r);
        }
    }
    // Group by location (method + path, else URL).
    let key = |l: &Location| {
        (
            l.method.clone(),
            l.path.clone(),
            l.path.is_none().then(|| l.url.clone()).flatten(),
        )
    };
    let mut groups: Vec<(Location, Vec<&TokenReport>)> = Vec::new();
    for r in &reports {
        match groups.iter_mut().find(|(l, _)| key(l) == key(&r.loc)) {
            Some((_, v)) => v.push(r),
            None => groups.push((r.loc.clone(), vec![r])),
        }
    }
    for (loc, group) in groups {
        let analysis = |members: &[&TokenReport], summary: String| {
            let mut e = Evidence::new(EvidenceKind::Analysis, summary);
            e.snippet = Some(
                members
                    .iter()
                    .map(|r| {
                        format!(
                            "JWT from {}: alg={}, header [{}], claims [{}]{}",
                            r.from,
                            r.alg,
                            r.header.join(", "),
                            r.claims.join(", "),
                            if r.roles.is_empty() {
                                String::new()
                            } else {
                                format!(", role/scope claims [{}]", r.roles.join(", "))
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            e
        };
        let sources = |members: &[&TokenReport]| {
            let mut v: Vec<&str> = members.iter().map(|r| r.from.as_str()).collect();
            v.dedup();
            v.join("; ")
        };
        // Weak HMAC secret.
        let cracked: Vec<&TokenReport> = group
            .iter()
            .copied()
            .filter(|r| r.cracked.is_some())
            .collect();
        if let Some(first) = cracked.first() {
            let from = sources(&cracked);
            let secret = first.cracked.clone().unwrap_or_default();
            out.push(
                Finding::new(
                    &rules::JWT_WEAK_SECRET,
                    FindingSource::Runtime,
                    loc.clone(),
                    "",
                    format!("JWT signing secret is a common value ({from})"),
                    format!(
                        "The {} token(s) from {from} verify with a secret from the built-in weak list ({secret}): anyone can forge tokens{}.",
                        first.alg,
                        if first.roles.is_empty() {
                            String::new()
                        } else {
                            format!(", including their role claims ({})", first.roles.join(", "))
                        }
                    ),
                )
                .confidence(Confidence::Certain)
                .evidence(analysis(
                    &cracked,
                    format!("HMAC verified offline with a listed weak secret ({secret})"),
                )),
            );
        }
        let weak: Vec<&TokenReport> = group
            .iter()
            .copied()
            .filter(|r| !r.weak.is_empty())
            .collect();
        if !weak.is_empty() {
            let from = sources(&weak);
            let mut what: Vec<String> = weak.iter().flat_map(|r| r.weak.clone()).collect();
            what.sort();
            what.dedup();
            let severity = weak
                .iter()
                .map(|r| r.weak_severity)
                .max()
                .unwrap_or(Severity::Low);
            out.push(
                Finding::new(
                    &rules::JWT_WEAKNESS,
                    FindingSource::Runtime,
                    loc.clone(),
                    "",
                    format!("Weak JWT ({from})"),
                    format!("The token(s) from {from} have {}.", what.join(", ")),
                )
                .severity(severity)
                .confidence(Confidence::Certain)
                .evidence(analysis(&weak, what.join(", "))),
            );
        }
        let pii: Vec<&TokenReport> = group
            .iter()
            .copied()
            .filter(|r| !r.pii.is_empty())
            .collect();
        if !pii.is_empty() {
            let from = sources(&pii);
            let mut keys: Vec<String> = pii.iter().flat_map(|r| r.pii.clone()).collect();
            keys.sort();
            keys.dedup();
            out.push(
                Finding::new(
                    &rules::JWT_SENSITIVE_CLAIMS,
                    FindingSource::Runtime,
                    loc.clone(),
                    "",
                    format!("JWT carries personal data in its claims ({from})"),
                    format!(
                        "The token(s) from {from} carry {} in readable claims.",
                        keys.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .severity(if pii.iter().any(|r| r.pii_critical) {
                    Severity::High
                } else {
                    Severity::Medium
                })
                .confidence(Confidence::Certain)
                .evidence(analysis(&pii, format!("claims {}", keys.join(", ")))),
            );
        }
    }
    memo
}

/// L1: the identity's own token, tampered, must be refused where the untampered one is accepted.
async fn tampered_tokens(s: &mut Scanner, out: &mut Vec<Finding>, memo: &IssuerMemo) {
    let mut found: Vec<Finding> = Vec::new();
    tampered_per_identity(s, &mut found, memo.clone()).await;
    // Several identities accepted with tampered tokens at one operation: one problem.
    for f in found {
        match out.iter_mut().find(|o| {
            o.rule_id == f.rule_id
                && o.location.method == f.location.method
                && o.location.path == f.location.path
        }) {
            Some(o) => {
                o.message = format!("{} {}", o.message, f.message);
                o.evidence.extend(f.evidence);
            }
            None => out.push(f),
        }
    }
}

async fn tampered_per_identity(s: &mut Scanner, out: &mut Vec<Finding>, mut memo: IssuerMemo) {
    for id in s.identities.clone() {
        let Some(token) = id.bearer().map(str::to_string) else {
            continue;
        };
        let Some(t) = jwt::parse(&token) else {
            continue;
        };
        // A protected GET: 2xx with the identity, 401/403 without.
        let target = s
            .store
            .observations
            .iter()
            .enumerate()
            .find_map(|(idx, o)| {
                if o.purpose != Purpose::Crawl
                    || o.exchange.method != Method::GET
                    || o.identity.as_deref() != Some(id.name.as_str())
                    || !o.is_success()
                {
                    return None;
                }
                // Refused to anonymous callers with the same method: an anonymous POST refused on
                // the same path says nothing about the GET.
                let closed = s.store.iter().any(|a| {
                    a.anonymous()
                        && a.path == o.path
                        && a.exchange.method == o.exchange.method
                        && a.exchange.url == o.exchange.url
                        && matches!(a.status(), 401 | 403)
                });
                closed.then(|| (idx, o.op, o.path.clone(), o.exchange.url.clone()))
            });
        let Some((own, op, path, url)) = target else {
            continue;
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let mut variants = t.tampered();
        // With the secret found offline, an honestly signed but expired token: it must be refused.
        if let Some(secret) = crack_once(&t, &mut memo)
            && let Some(expired) = t.expired_with(&secret, now)
        {
            variants.push(("expired", expired));
        }
        let kinds: Vec<&str> = variants.iter().map(|(k, _)| *k).collect();
        let sends: Vec<ScanRequest> = variants
            .into_iter()
            .map(|(_, tok)| ScanRequest {
                purpose: Purpose::Probe,
                op,
                path: path.clone(),
                identity: Some(id.with_bearer(tok)),
                request: Request::get(url.clone()),
            })
            .collect();
        let got = s.send_all(sends).await;
        let mut accepted: Vec<(usize, &str)> = got
            .into_iter()
            .zip(kinds)
            .filter_map(|(i, k)| i.filter(|i| s.obs(*i).is_success()).map(|i| (i, k)))
            .collect();
        // The identity's own token had already expired, and the protected GET still answered.
        if t.claim_i64("exp").is_some_and(|exp| exp < now) {
            accepted.push((own, "expired (the identity's own token)"));
        }
        if let Some((i, _)) = accepted.first() {
            let o = s.obs(*i);
            let mut kinds: Vec<&str> = accepted.iter().map(|(_, k)| *k).collect();
            kinds.dedup();
            out.push(
                Finding::new(
                    &rules::TAMPERED_TOKEN_ACCEPTED,
                    FindingSource::Runtime,
                    at(o),
                    "",
                    format!("{} accepts tampered tokens", o.label()),
                    format!(
                        "{} refuses unauthenticated callers but accepted `{}`'s token with: {}.",
                        o.label(),
                        id.name,
                        kinds.join(", ")
                    ),
                )
                .confidence(Confidence::Certain)
                .evidence(response(
                    o,
                    format!("tampered token ({}) accepted", kinds.join(", ")),
                    &[],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::identity::{Auth, Identity};

    const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {
        "/auth/login": {"post": {"requestBody": {"content": {"application/json": {"schema":
          {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
          "responses": {"200": {"description": "ok"}}}},
        "/me": {"get": {"security": [{"bearer": []}], "responses": {"200": {"description": "ok"}}}}},
      "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}"#;

    fn id(name: &str, token: String) -> Identity {
        Identity {
            name: name.to_string(),
            auth: vec![Auth::Bearer(token)],
        }
    }

    fn rules_at(out: &[Finding], rule: &str) -> Vec<(Option<String>, Option<String>)> {
        out.iter()
            .filter(|f| f.rule_id == rule)
            .map(|f| (f.location.method.clone(), f.location.path.clone()))
            .collect()
    }

    #[test]
    fn identity_tokens_weak_secret_no_exp_pii_one_finding_each_at_the_token_endpoint() {
        let claims = |sub: &str| serde_json::json!({"sub": sub, "email": format!("{sub}@example.org"), "phone": "+14155550123", "iat": 1700000000});
        let s = testkit::scanner(
            Some(SPEC),
            vec![
                id("alice", jwt::sign("HS256", "changeme", claims("u1"))),
                id("bob", jwt::sign("HS256", "changeme", claims("u2"))),
            ],
        );
        let mut out = Vec::new();
        jwts(&s, &mut out);
        let at_login = vec![(Some("POST".to_string()), Some("/auth/login".to_string()))];
        for rule in [
            rules::JWT_WEAK_SECRET.id,
            rules::JWT_WEAKNESS.id,
            rules::JWT_SENSITIVE_CLAIMS.id,
        ] {
            assert_eq!(rules_at(&out, rule), at_login, "{rule}: {out:#?}");
        }
        let weak = out
            .iter()
            .find(|f| f.rule_id == rules::JWT_WEAK_SECRET.id)
            .unwrap();
        assert!(weak.title.contains("alice") && weak.title.contains("bob"));
        assert!(
            !format!("{out:?}").contains("changeme"),
            "secret shown unmasked"
        );
    }

    #[test]
    fn strong_short_lived_token_without_pii_is_quiet() {
        let token = jwt::sign(
            "HS256",
            "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF",
            serde_json::json!({"sub": "u1", "iat": 1700000000, "exp": 1700000900}),
        );
        let s = testkit::scanner(Some(SPEC), vec![id("alice", token)]);
        let mut out = Vec::new();
        jwts(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;
    use crate::checks::testkit;

    const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
      "paths": {"/me": {"get": {"security": [{"bearer": []}], "responses": {"200": {"description": "ok"}}}},
                "/products": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;

    const JSON: (&str, &str) = ("content-type", "application/json");

    /// A scanner with one anonymous crawl of `/me` (op 0) answering `status`.
    fn me(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Scanner {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let x = testkit::exchange("GET", "/me", status, headers, body);
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", None, x);
        s
    }

    fn ids(out: &[Finding]) -> Vec<&str> {
        out.iter().map(|f| f.rule_id.as_str()).collect()
    }

    #[test]
    fn fires_auth_not_enforced() {
        let s = me(
            200,
            &[JSON],
            br#"{"user_id": "u1", "email": "alice.lindqvist@yahoo.com"}"#,
        );
        let mut out = Vec::new();
        not_enforced(&s, &mut out);
        assert_eq!(ids(&out), vec![rules::AUTH_NOT_ENFORCED.id], "{out:#?}");
    }

    #[test]
    fn near_miss_auth_not_enforced() {
        // Refused without credentials; and a public operation answering is not a finding.
        let mut s = me(401, &[JSON], br#"{"detail": "Not authenticated"}"#);
        let x = testkit::exchange("GET", "/products", 200, &[JSON], br#"[{"sku": "A1"}]"#);
        testkit::push(&mut s, Purpose::Crawl, Some(1), "/products", None, x);
        let mut out = Vec::new();
        not_enforced(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }

    #[test]
    fn fires_missing_www_authenticate() {
        let s = me(401, &[JSON], br#"{"detail": "Not authenticated"}"#);
        let mut out = Vec::new();
        missing_challenge(&s, &mut out);
        assert_eq!(ids(&out), vec![rules::MISSING_WWW_AUTHENTICATE.id]);
    }

    #[test]
    fn near_miss_missing_www_authenticate() {
        // A 401 with a challenge, and a 403 (which needs none).
        let mut s = me(
            401,
            &[JSON, ("www-authenticate", "Bearer")],
            br#"{"detail": "Not authenticated"}"#,
        );
        let x = testkit::exchange("GET", "/products", 403, &[JSON], br#"{"detail": "no"}"#);
        testkit::push(&mut s, Purpose::Crawl, Some(1), "/products", None, x);
        let mut out = Vec::new();
        missing_challenge(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }

    #[test]
    fn fires_missing_security_headers() {
        let s = me(200, &[JSON], br#"{"user_id": "u1"}"#);
        let mut out = Vec::new();
        security_headers(&s, &mut out);
        assert_eq!(ids(&out), vec![rules::MISSING_SECURITY_HEADERS.id]);
    }

    #[test]
    fn near_miss_missing_security_headers() {
        let s = me(
            200,
            &[
                JSON,
                ("x-content-type-options", "nosniff"),
                (
                    "content-security-policy",
                    "default-src 'none'; frame-ancestors 'none'",
                ),
                ("cache-control", "no-store"),
            ],
            br#"{"user_id": "u1", "email": "alice.lindqvist@yahoo.com"}"#,
        );
        let mut out = Vec::new();
        security_headers(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }

    // JWT analysis: the grouped tests in `tests` above cover all three rules at once; these name
    // each rule's firing case and near miss.
    fn analysed(claims: serde_json::Value, secret: &str) -> Vec<Finding> {
        let token = jwt::sign("HS256", secret, claims);
        let s = testkit::scanner(
            Some(SPEC),
            vec![crate::Identity {
                name: "alice".into(),
                auth: vec![crate::Auth::Bearer(token)],
            }],
        );
        let mut out = Vec::new();
        jwts(&s, &mut out);
        out
    }

    const STRONG: &str = "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF";

    fn short_lived() -> serde_json::Value {
        serde_json::json!({"sub": "u1", "iat": 1700000000, "exp": 1700000900})
    }

    #[test]
    fn fires_jwt_weakness() {
        let out = analysed(serde_json::json!({"sub": "u1", "iat": 1700000000}), STRONG);
        assert_eq!(ids(&out), vec![rules::JWT_WEAKNESS.id], "{out:#?}");
    }

    #[test]
    fn near_miss_jwt_weakness() {
        // A 15-minute token with a strong secret.
        assert!(analysed(short_lived(), STRONG).is_empty());
    }

    #[test]
    fn fires_jwt_weak_secret() {
        let out = analysed(short_lived(), "secret");
        assert_eq!(ids(&out), vec![rules::JWT_WEAK_SECRET.id], "{out:#?}");
    }

    #[test]
    fn near_miss_jwt_weak_secret() {
        assert!(analysed(short_lived(), STRONG).is_empty());
    }

    #[test]
    fn fires_jwt_sensitive_claims() {
        let out = analysed(
            serde_json::json!({"sub": "u1", "iat": 1700000000, "exp": 1700000900, "ssn": "512-48-3391"}),
            STRONG,
        );
        assert_eq!(ids(&out), vec![rules::JWT_SENSITIVE_CLAIMS.id], "{out:#?}");
    }

    #[test]
    fn near_miss_jwt_sensitive_claims() {
        // Opaque subject and scopes only.
        let out = analysed(
            serde_json::json!({"sub": "8f14e45f", "scope": "orders:read", "iat": 1700000000, "exp": 1700000900}),
            STRONG,
        );
        assert!(out.is_empty(), "{out:#?}");
    }
}
