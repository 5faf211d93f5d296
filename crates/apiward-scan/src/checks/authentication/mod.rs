//! Authentication at runtime, one file per rule: APIW-AUTH-101 declared security not enforced,
//! -102 methods that differ, -103 tampered tokens accepted (L1), -104/-105/-106 JWT analysis, -107
//! 401 without a challenge, -108 missing security headers, -109 user enumeration (active).
//!
//! Shared here: what the spec declares, and the offline JWT pass ([`jwt_tokens`]) whose three rules
//! (weakness, weak secret, sensitive claims) each report from their own file.

use crate::Scanner;
use crate::evidence::at;
use apiward_core::{Evidence, EvidenceKind, Finding, Location, Severity};
use apiward_detect::{DataClass, DataType};

pub mod jwt;

pub(crate) mod auth_not_enforced;
pub(crate) mod inconsistent_method_auth;
pub(crate) mod jwt_sensitive_claims;
pub(crate) mod jwt_weak_secret;
pub(crate) mod jwt_weakness;
pub(crate) mod missing_security_headers;
pub(crate) mod missing_www_authenticate;
pub(crate) mod tampered_token_accepted;
pub(crate) mod user_enumeration;

fn declared_secure(s: &Scanner, op: Option<usize>) -> bool {
    match (&s.spec, op) {
        (Some(spec), Some(i)) => !spec.operations[i].is_unauthenticated(),
        _ => false,
    }
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
pub(crate) type IssuerMemo = Vec<((String, String, String), Option<String>)>;

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
/// several login responses) make one finding that names them all; per place, the weak-secret,
/// weakness and sensitive-claims rules report in that order. Returns the secrets found per issuer
/// for the tampered-token rule.
pub fn jwt_tokens(s: &Scanner, out: &mut Vec<Finding>) -> IssuerMemo {
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
        jwt_weak_secret::report(&loc, &group, out);
        jwt_weakness::report(&loc, &group, out);
        jwt_sensitive_claims::report(&loc, &group, out);
    }
    memo
}

/// The evidence of a JWT finding: what each token of the group carries.
fn token_analysis(members: &[&TokenReport], summary: String) -> Evidence {
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
}

/// Where the tokens of a group came from, once each.
fn token_sources(members: &[&TokenReport]) -> String {
    let mut v: Vec<&str> = members.iter().map(|r| r.from.as_str()).collect();
    v.dedup();
    v.join("; ")
}

#[cfg(test)]
mod tests {
    use apiward_rules::authentication as rules;

    use apiward_core::Finding;

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
        jwt_tokens(&s, &mut out);
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
        jwt_tokens(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::Scanner;
    use crate::checks::testkit;
    use crate::store::Purpose;
    use apiward_core::Finding;

    pub const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
      "paths": {"/me": {"get": {"security": [{"bearer": []}], "responses": {"200": {"description": "ok"}}}},
                "/products": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;

    pub const JSON: (&str, &str) = ("content-type", "application/json");

    /// A scanner with one anonymous crawl of `/me` (op 0) answering `status`.
    pub fn me(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Scanner {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        let x = testkit::exchange("GET", "/me", status, headers, body);
        testkit::push(&mut s, Purpose::Crawl, Some(0), "/me", None, x);
        s
    }

    pub fn ids(out: &[Finding]) -> Vec<&str> {
        out.iter().map(|f| f.rule_id.as_str()).collect()
    }

    // JWT analysis: the grouped tests in `tests` above cover all three rules at once; these name
    // each rule's firing case and near miss.
    pub fn analysed(claims: serde_json::Value, secret: &str) -> Vec<Finding> {
        let token = jwt::sign("HS256", secret, claims);
        let s = testkit::scanner(
            Some(SPEC),
            vec![crate::Identity {
                name: "alice".into(),
                auth: vec![crate::Auth::Bearer(token)],
            }],
        );
        let mut out = Vec::new();
        jwt_tokens(&s, &mut out);
        out
    }

    pub const STRONG: &str = "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF";

    pub fn short_lived() -> serde_json::Value {
        serde_json::json!({"sub": "u1", "iat": 1700000000, "exp": 1700000900})
    }
}
