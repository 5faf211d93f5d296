//! What an endpoint is for, from its path and name: public by design (login, token, register,
//! password-reset request, health, discovery documents, capability URLs, incoming webhooks), and
//! which parameters carry credentials although the spec does not model them as security.

use crate::words::words;

/// Why an operation is public by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublicReason {
    /// Login, token, refresh, authenticate, OAuth authorize/callback: it hands out credentials.
    Login,
    /// Sign-up, registration, password-reset or verification request: callers have no account yet.
    Onboarding,
    /// Health, status, ping, version: probes called by load balancers.
    Probe,
    /// Discovery documents: `/.well-known/…`, `/openapi.json`, `/docs`, JWKS.
    Discovery,
    /// A capability URL: a `{token}`, `{secret}` or `{signature}` path parameter is the credential.
    Capability,
    /// An incoming webhook: the sender authenticates by signature, not by the API's scheme.
    IncomingWebhook,
}

impl PublicReason {
    pub fn label(self) -> &'static str {
        match self {
            PublicReason::Login => "a login or token endpoint",
            PublicReason::Onboarding => "a sign-up or password-reset request",
            PublicReason::Probe => "a health or status probe",
            PublicReason::Discovery => "a discovery document",
            PublicReason::Capability => "a capability URL (the path carries the credential)",
            PublicReason::IncomingWebhook => "an incoming webhook",
        }
    }
}

/// What the taxonomy reads about an endpoint.
#[derive(Debug, Clone, Copy, Default)]
pub struct Endpoint<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// Path template.
    pub path: &'a str,
    pub operation_id: Option<&'a str>,
}

fn static_segments(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect()
}

const LOGIN_WORDS: &[&str] = &[
    "login",
    "signin",
    "logon",
    "token",
    "tokens",
    "authenticate",
    "authentication",
    "authorize",
    "oauth",
    "oauth2",
    "sso",
    "saml",
    "refresh",
    "session",
    "sessions",
];

const ONBOARDING_WORDS: &[&str] = &[
    "register",
    "registration",
    "signup",
    "forgot",
    "recover",
    "recovery",
    "confirm",
    "activate",
    "activation",
];

const PROBE_WORDS: &[&str] = &[
    "health",
    "healthz",
    "healthcheck",
    "livez",
    "readyz",
    "liveness",
    "readiness",
    "ping",
    "status",
    "version",
    "heartbeat",
    "alive",
];

/// Path parameters that are the credential of a capability URL.
const CAPABILITY_PARAMS: &[&str] = &[
    "token",
    "secret",
    "signature",
    "sig",
    "hash",
    "code",
    "key",
    "nonce",
    "otp",
    "invite",
    "invitation",
];

/// Why `e` is public by design, if it is.
pub fn public_by_design(e: &Endpoint) -> Option<PublicReason> {
    let segs = static_segments(e.path);
    let last = segs
        .last()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    let last_words = words(&last);
    let lower_path = e.path.to_ascii_lowercase();
    // Discovery documents.
    if lower_path.contains("/.well-known/")
        || matches!(
            last.as_str(),
            "openapi.json"
                | "openapi.yaml"
                | "swagger.json"
                | "swagger.yaml"
                | "api-docs"
                | "jwks"
                | "jwks.json"
                | "docs"
                | "redoc"
        )
    {
        return Some(PublicReason::Discovery);
    }
    let params: Vec<String> = e
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}').map(str::to_string))
        .collect();
    // Probes: the last segment is a probe word of the service itself (`/health`, `/v2/ping`),
    // not the status of one object (`/orders/{id}/status`).
    if PROBE_WORDS.contains(&last.as_str())
        && e.method.eq_ignore_ascii_case("GET")
        && params.is_empty()
    {
        return Some(PublicReason::Probe);
    }
    // Capability URLs: a path parameter is the credential.
    if params.iter().any(|p| {
        let w = words(p);
        w.last()
            .is_some_and(|h| CAPABILITY_PARAMS.contains(&h.as_str()))
            && !w.iter().any(|x| x == "id" || x == "api")
    }) {
        return Some(PublicReason::Capability);
    }
    let op_words = e.operation_id.map(words).unwrap_or_default();
    // Login and token endpoints: the last segment (or the operationId's verb) says so. Listing a
    // user's tokens (`GET /user/tokens`) is not one: token endpoints are POSTed to.
    let login_last = last_words.iter().any(|w| LOGIN_WORDS.contains(&w.as_str()));
    let login_op = op_words.first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "login" | "signin" | "authenticate" | "authorize" | "refresh"
        )
    });
    let post_like = matches!(e.method.to_ascii_uppercase().as_str(), "POST" | "PUT");
    let is_get = e.method.eq_ignore_ascii_case("GET");
    if (login_last || login_op)
        && (post_like
            || is_get
                && last_words.iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "login" | "authorize" | "signin" | "sso" | "saml" | "oauth" | "callback"
                    )
                }))
    {
        return Some(PublicReason::Login);
    }
    if is_get
        && (last == "callback" || last_words.iter().any(|w| w == "callback"))
        && segs.iter().any(|s| {
            words(s).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "oauth" | "oauth2" | "auth" | "sso" | "saml" | "login"
                )
            })
        })
    {
        return Some(PublicReason::Login);
    }
    // Onboarding: sign-up, registration, password-reset *requests*.
    let onboarding_last = last_words
        .iter()
        .any(|w| ONBOARDING_WORDS.contains(&w.as_str()))
        || last_words
            .windows(2)
            .any(|p| p[0] == "sign" && p[1] == "up")
        || last_words
            .windows(2)
            .any(|p| p[0] == "sign" && p[1] == "in");
    let reset_request = last_words
        .iter()
        .any(|w| matches!(w.as_str(), "reset" | "forgot" | "forgotten"))
        && segs
            .iter()
            .any(|s| words(s).iter().any(|w| w == "password" || w == "passwords"));
    // Verification links are GETs from an e-mail: `/registration/verify`, `/email/confirm`.
    let verify_link = last_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "verify" | "verification" | "confirm" | "activate"
        )
    }) && segs.len() >= 2;
    let under_signup = segs.iter().any(|s| {
        let w = words(s);
        w.iter()
            .any(|x| matches!(x.as_str(), "register" | "registration" | "signup"))
            || w.windows(2).any(|p| p[0] == "sign" && p[1] == "up")
    });
    if (is_get || post_like) && (verify_link || under_signup) && params.is_empty() {
        return Some(PublicReason::Onboarding);
    }
    if post_like && (onboarding_last || reset_request) {
        if last_words
            .windows(2)
            .any(|p| p[0] == "sign" && p[1] == "in")
        {
            return Some(PublicReason::Login);
        }
        return Some(PublicReason::Onboarding);
    }
    // Incoming webhooks: a POST to `/webhooks/<provider>`, `/hooks/…`, `/callbacks/…` with no
    // path parameter (registering a webhook posts to the collection and carries a URL).
    if e.method.eq_ignore_ascii_case("POST")
        && params.is_empty()
        && segs.len() >= 2
        && segs[..segs.len() - 1].iter().any(|s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "webhook" | "webhooks" | "hooks" | "incoming" | "inbound"
            )
        })
    {
        return Some(PublicReason::IncomingWebhook);
    }
    None
}

/// A login, token or session-creating endpoint: public by design and the place credentials are
/// handed out (a secret in its answer is the point, not a leak).
pub fn is_login(e: &Endpoint) -> bool {
    public_by_design(e) == Some(PublicReason::Login)
}

/// An operation that issues credentials (`GetSessionToken`, `AssumeRole`,
/// `create-installation-access-token`, `regenerateKey`, `POST /oauth/token`): a secret in its
/// answer is its purpose.
pub fn issues_credentials(e: &Endpoint) -> bool {
    if is_login(e) {
        return true;
    }
    // The verb phrase is the last part of an id (`StorageAccounts_RegenerateKey`,
    // `apps/create-installation-access-token`).
    let mut w: Vec<String> = e
        .operation_id
        .and_then(|id| id.rsplit(['_', '/', '.']).find(|p| !p.is_empty()))
        .map(words)
        .unwrap_or_default();
    if w.is_empty() {
        // AWS query-style paths carry the action: `/#Action=AssumeRole`.
        if let Some(action) = e.path.split("Action=").nth(1) {
            w = words(action);
        }
    }
    let Some(first) = w.first() else {
        return false;
    };
    let verb = matches!(
        first.as_str(),
        "get"
            | "create"
            | "generate"
            | "issue"
            | "assume"
            | "exchange"
            | "request"
            | "new"
            | "rotate"
            | "regenerate"
            | "reset"
            | "mint"
            | "refresh"
    );
    let thing = w.iter().skip(1).any(|x| {
        matches!(
            x.as_str(),
            "token"
                | "tokens"
                | "credential"
                | "credentials"
                | "key"
                | "keys"
                | "secret"
                | "secrets"
                | "role"
                | "password"
        )
    });
    verb && thing && !(first == "get" && w.iter().any(|x| x == "role"))
}

/// Where a parameter sits, for [`credential_parameter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamPlace {
    Header,
    Query,
    Cookie,
    Path,
    Body,
}

/// A parameter that carries a credential although the spec declares it as an ordinary parameter
/// (a required `Authorization` header, `X-Api-Token`, `X-…-Service-Token`, `api_key`/`key`/
/// `api_secret`/`access_token` in the query).
pub fn credential_parameter(name: &str, place: ParamPlace) -> bool {
    let w = words(name);
    let joined = w.join("_");
    let head = w.last().map(String::as_str).unwrap_or("");
    match place {
        ParamPlace::Header | ParamPlace::Cookie => {
            matches!(
                joined.as_str(),
                "authorization"
                    | "proxy_authorization"
                    | "cookie"
                    | "x_api_key"
                    | "api_key"
                    | "apikey"
            ) || matches!(
                head,
                "token" | "key" | "secret" | "apikey" | "authorization"
            ) && !w.iter().any(|x| {
                matches!(
                    x.as_str(),
                    "idempotency"
                        | "csrf"
                        | "xsrf"
                        | "continuation"
                        | "page"
                        | "next"
                        | "public"
                        | "sync"
                        | "request"
                        | "correlation"
                        | "trace"
                )
            })
        }
        ParamPlace::Query => matches!(
            joined.as_str(),
            "key"
                | "api_key"
                | "apikey"
                | "api_secret"
                | "access_token"
                | "oauth_token"
                | "auth_token"
                | "token"
                | "apitoken"
                | "api_token"
                | "secret"
                | "client_secret"
                | "password"
                | "signature"
                | "sig"
                | "auth"
                | "authorization"
        ),
        ParamPlace::Path | ParamPlace::Body => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e<'a>(method: &'a str, path: &'a str, id: Option<&'a str>) -> Endpoint<'a> {
        Endpoint {
            method,
            path,
            operation_id: id,
        }
    }

    /// Endpoints from the shared corpus and the testbed: public by design or not.
    #[test]
    fn public_endpoints_from_real_specs() {
        use PublicReason::*;
        let table: &[(&str, &str, Option<&str>, Option<PublicReason>)] = &[
            ("POST", "/v2/auth/login", None, Some(Login)),
            ("POST", "/oauth/token", None, Some(Login)),
            ("POST", "/api/v1/auth/refresh", None, Some(Login)),
            ("POST", "/token", None, Some(Login)),
            ("POST", "/users/authenticate", None, Some(Login)),
            ("GET", "/oauth/authorize", None, Some(Login)),
            ("GET", "/auth/oauth2/callback", None, Some(Login)),
            ("POST", "/users/sign_in", None, Some(Login)),
            ("POST", "/register", None, Some(Onboarding)),
            ("POST", "/users/signup", None, Some(Onboarding)),
            ("POST", "/password/reset", None, Some(Onboarding)),
            ("GET", "/registration/verify", None, Some(Onboarding)),
            ("POST", "/auth/forgot-password", None, Some(Onboarding)),
            ("GET", "/v2/health", None, Some(Probe)),
            ("GET", "/healthz", None, Some(Probe)),
            ("GET", "/status", None, Some(Probe)),
            (
                "GET",
                "/.well-known/openid-configuration",
                None,
                Some(Discovery),
            ),
            ("GET", "/openapi.json", None, Some(Discovery)),
            ("GET", "/invitations/{invite_token}", None, Some(Capability)),
            ("GET", "/files/{signature}/download", None, Some(Capability)),
            ("POST", "/webhooks/stripe", None, Some(IncomingWebhook)),
            // Not public: a user's token list, a registration of webhooks, ordinary resources.
            ("GET", "/user/tokens", None, None),
            ("GET", "/authorizations", None, None),
            ("POST", "/v2/webhooks", None, None),
            ("GET", "/users/{user_id}", None, None),
            ("GET", "/repos/{owner}/{repo}/keys/{key_id}", None, None),
            ("GET", "/orders/{order_id}/status", None, None),
            ("DELETE", "/sessions/{session_id}", None, None),
            ("GET", "/v2/customers/{customer_id}/statement", None, None),
            ("PUT", "/api/keys/{id}", None, None),
        ];
        for (m, p, id, want) in table {
            assert_eq!(public_by_design(&e(m, p, *id)), *want, "{m} {p}");
        }
        assert!(is_login(&e("POST", "/v2/auth/login", None)));
        assert!(!is_login(&e("GET", "/v2/health", None)));
    }

    #[test]
    fn credential_issuing_operations() {
        // Operation ids from the corpus (AWS STS, GitHub, Azure).
        for (path, id) in [
            ("/#Action=AssumeRoleWithWebIdentity", None),
            ("/#Action=GetSessionToken", None),
            (
                "/app/installations/{installation_id}/access_tokens",
                Some("apps/create-installation-access-token"),
            ),
            ("/keys/regenerate", Some("StorageAccounts_RegenerateKey")),
        ] {
            assert!(issues_credentials(&e("POST", path, id)), "{path}");
        }
        for (path, id) in [
            (
                "/user/keys",
                Some("users/list-public-ssh-keys-for-authenticated-user"),
            ),
            ("/#Action=GetRole", None),
            ("/orgs/{org}/members", Some("orgs/list-members")),
        ] {
            assert!(!issues_credentials(&e("GET", path, id)), "{path}");
        }
    }

    #[test]
    fn credential_parameters() {
        use ParamPlace::*;
        assert!(credential_parameter("Authorization", Header));
        assert!(credential_parameter("X-Api-Token", Header));
        assert!(credential_parameter("X-Octopus-Service-Token", Header));
        assert!(credential_parameter("X-API-Key", Header));
        assert!(credential_parameter("api_key", Query));
        assert!(credential_parameter("key", Query));
        assert!(credential_parameter("access_token", Query));
        assert!(!credential_parameter("Idempotency-Key", Header));
        assert!(!credential_parameter("X-Request-Id", Header));
        assert!(!credential_parameter("page_token", Query));
        assert!(!credential_parameter("Accept", Header));
        assert!(!credential_parameter("key", Path));
    }
}
