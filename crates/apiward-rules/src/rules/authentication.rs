//! authentication — API2:2023.

rule! {
    /// An operation has no security requirement while other operations of the same API have one.
    OPERATION_WITHOUT_SECURITY {
        id: "APIW-AUTH-001",
        name: "operation-without-security",
        category: Authentication,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [306],
        owasp: "API2:2023",
        summary: "An operation declares no security while the rest of the API requires authentication.",
        why: "Mixed security is how one forgotten route becomes the way in: when most operations require a token, the one that does not is rarely a deliberate choice, and it often returns the same objects.",
        example: "`GET /users/{user_id}` has no `security` and the document has no global `security`, while `PUT /users/{user_id}` requires `bearerAuth`.",
        fix: "Declare a security requirement on every operation (or globally) and mark the few public operations explicitly, then enforce it in code.",
        fastapi: Some("Add the dependency to the router so no route can forget it: `router = APIRouter(dependencies=[Depends(require_user)])`, and use `Security(HTTPBearer())` so the scheme appears in `/openapi.json`."),
    }
}

rule! {
    /// The spec models no authentication at all: one API-level fact.
    SECURITY_NOT_DECLARED {
        id: "APIW-AUTH-007",
        name: "security-not-declared",
        category: Authentication,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [306],
        owasp: "API2:2023",
        summary: "The spec declares no security requirement on any operation (or carries credentials only in ordinary parameters), so it cannot say which operations are protected.",
        why: "About one spec in four does not model authentication. That is a documentation gap, not proof that every operation is open: the spec audit then treats authentication as unknown and says so once, instead of reporting every operation as unauthenticated. Clients generated from the spec, gateways and scanners cannot tell which operations need credentials.",
        example: "`securitySchemes.bearer` is defined but no `security` list uses it; or every operation takes a required `Authorization` header parameter and `security` is absent.",
        fix: "Declare the scheme in `components.securitySchemes` and apply it globally with `security`, marking public operations with `security: []`.",
        fastapi: Some("Use `Security(HTTPBearer())` or `Depends(OAuth2PasswordBearer(...))` on the router instead of reading `Authorization` as a `Header()` parameter: FastAPI then documents the scheme in `/openapi.json`."),
    }
}

rule! {
    /// A security scheme is defined in components but no operation uses it.
    UNUSED_SECURITY_SCHEME {
        id: "APIW-AUTH-002",
        name: "unused-security-scheme",
        category: Authentication,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [306],
        owasp: "API2:2023",
        summary: "A security scheme is defined but never required by any operation.",
        why: "A defined but unused scheme usually means authentication was planned and never wired in: the document suggests protection that the operations do not ask for.",
        example: "`components.securitySchemes.bearerAuth` exists but neither the document nor any operation has a `security` entry naming it.",
        fix: "Reference the scheme from `security` (globally or per operation), or delete it if the API is meant to be public.",
        fastapi: Some("Declaring `HTTPBearer()` without using it as a dependency produces exactly this: add `Depends(bearer)` to the routes that need it."),
    }
}

rule! {
    /// `security: []` turns authentication off on an operation that handles sensitive data.
    SECURITY_DISABLED_ON_SENSITIVE_OPERATION {
        id: "APIW-AUTH-003",
        name: "security-disabled-on-sensitive-operation",
        category: Authentication,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [306],
        owasp: "API2:2023",
        summary: "An operation overrides the global security with `security: []` and returns or accepts sensitive data.",
        why: "An explicit empty security list disables authentication for that operation; on an operation that returns personal data or credentials it publishes them.",
        example: "The document requires `bearerAuth` globally, but `GET /users/{id}/export` sets `security: []` and returns `ssn`.",
        fix: "Remove the override or restrict the operation to data that is genuinely public.",
        fastapi: None,
    }
}

rule! {
    /// HTTP basic authentication offered over plain HTTP servers.
    BASIC_AUTH_OVER_HTTP {
        id: "APIW-AUTH-004",
        name: "basic-auth-over-http",
        category: Authentication,
        severity: High,
        level: Static,
        spec: true,
        cwe: [319, 522],
        owasp: "API2:2023",
        summary: "HTTP basic authentication is used with an `http://` server.",
        why: "Basic credentials are only base64-encoded: over plain HTTP anyone on the path reads the password itself, not a token that expires.",
        example: "`securitySchemes.basic: {type: http, scheme: basic}` with `servers: [{url: http://api.example.com}]`.",
        fix: "Serve the API over HTTPS only, and prefer short-lived tokens to passwords on every request.",
        fastapi: None,
    }
}

rule! {
    /// An API key is sent in the query string.
    API_KEY_IN_QUERY {
        id: "APIW-AUTH-005",
        name: "api-key-in-query",
        category: Authentication,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [598],
        owasp: "API2:2023",
        summary: "A security scheme puts the API key in the URL query string.",
        why: "URLs are written to access logs, proxy logs, browser history and `Referer` headers, so a key in the query string leaks to every system that sees the URL.",
        example: "`{type: apiKey, in: query, name: api_key}`.",
        fix: "Accept the key in a header (`X-API-Key` or `Authorization`) and reject it in the query string.",
        fastapi: Some("Use `APIKeyHeader(name=\"X-API-Key\")` instead of `APIKeyQuery`."),
    }
}

rule! {
    /// OAuth flows that are deprecated or use plain-HTTP endpoints.
    WEAK_OAUTH_FLOW {
        id: "APIW-AUTH-006",
        name: "weak-oauth-flow",
        category: Authentication,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [522, 319],
        owasp: "API2:2023",
        summary: "An OAuth 2 scheme uses the implicit flow or an `http://` authorization or token URL.",
        why: "The implicit flow returns tokens in the URL fragment and is deprecated by OAuth 2.1; token endpoints over plain HTTP expose client secrets and tokens in transit.",
        example: "`flows: {implicit: {authorizationUrl: http://auth.example.com/authorize}}`.",
        fix: "Use the authorization-code flow with PKCE and HTTPS endpoints.",
        fastapi: None,
    }
}

rule! {
    /// The spec requires authentication but the live operation answers without credentials.
    AUTH_NOT_ENFORCED {
        id: "APIW-AUTH-101",
        name: "auth-not-enforced",
        category: Authentication,
        severity: High,
        level: L0,
        spec: false,
        cwe: [306, 287],
        owasp: "API2:2023",
        summary: "An operation the spec secures answers 2xx with a body when called without credentials.",
        why: "The contract promises authentication that the code does not perform: every client of the documented API assumes protection that is not there. Severity rises with what came back.",
        example: "`GET /v2/accounts/{id}` declares `security: [{bearerAuth: []}]`; an unauthenticated GET returns 200 with the account.",
        fix: "Enforce the declared scheme in the handler or, better, in middleware that applies to every route, and add a test that calls each secured route without credentials.",
        fastapi: Some("Declaring `dependencies=[Security(scheme)]` only in `openapi_extra` documents the scheme; the route must depend on a function that validates the token: `def get_account(id: int, user: User = Depends(current_user))`."),
    }
}

rule! {
    /// Authentication differs between methods of the same path.
    INCONSISTENT_METHOD_AUTH {
        id: "APIW-AUTH-102",
        name: "inconsistent-method-auth",
        category: Authentication,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [287],
        owasp: "API2:2023",
        summary: "A path rejects unauthenticated GET but answers HEAD (or another method) without credentials, or the reverse.",
        why: "Authentication bolted onto individual methods leaves the others open; HEAD and OPTIONS are often routed around the auth middleware.",
        example: "`GET /v2/orders/7` → 401, `HEAD /v2/orders/7` → 200.",
        fix: "Apply authentication per path (or globally) rather than per method, and make HEAD follow GET.",
        fastapi: None,
    }
}

rule! {
    /// A tampered, unsigned or expired token is accepted.
    TAMPERED_TOKEN_ACCEPTED {
        id: "APIW-AUTH-103",
        name: "tampered-token-accepted",
        category: Authentication,
        severity: Critical,
        level: L1,
        spec: false,
        cwe: [347, 345, 287],
        owasp: "API2:2023",
        summary: "The API accepts a token whose signature was removed or altered, a token with `alg: none`, or an expired token.",
        why: "If the signature is not verified, anyone can mint a token for any user or role: authentication is decorative.",
        example: "The user's JWT re-encoded with `{\"alg\": \"none\"}` and no signature is accepted by `GET /v2/me`.",
        fix: "Verify signatures with an explicit algorithm allow-list, reject `none`, check `exp`, `nbf`, `iss` and `aud`.",
        fastapi: Some("`jwt.decode(token, key, algorithms=[\"HS256\"])` — never `options={\"verify_signature\": False}` and never `algorithms` taken from the token header."),
    }
}

rule! {
    /// A JWT seen anywhere has a weak header or claims set.
    JWT_WEAKNESS {
        id: "APIW-AUTH-104",
        name: "jwt-weakness",
        category: Authentication,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [347, 613],
        owasp: "API2:2023",
        summary: "A JWT issued or used by the API has `alg: none`, no `exp`, a lifetime over 24 hours, or risky `jku`/`x5u`/`kid` headers.",
        why: "Tokens without expiry stay valid forever once leaked; `jku`/`x5u` let an attacker point the verifier at their own keys; `kid` values are a common injection point.",
        example: "The login response carries a token `{\"alg\":\"HS256\"}` with `iat` but no `exp`.",
        fix: "Issue short-lived tokens (minutes to hours) with `exp`, sign with a fixed algorithm, and ignore key-location headers.",
        fastapi: None,
    }
}

rule! {
    /// An HS* JWT secret cracked against a list of weak secrets.
    JWT_WEAK_SECRET {
        id: "APIW-AUTH-105",
        name: "jwt-weak-secret",
        category: Authentication,
        severity: Critical,
        level: L0,
        spec: false,
        cwe: [521, 347],
        owasp: "API2:2023",
        summary: "The HMAC secret signing the API's JWTs is a common or default value (found offline, no requests).",
        why: "With the secret, anyone can sign tokens for any user or role.",
        example: "A token signed with HS256 and the secret `secret`.",
        fix: "Use a random secret of at least 256 bits from a secret store, rotate it, or switch to asymmetric signing.",
        fastapi: Some("Load the key from the environment or a secret manager (`SECRET_KEY = os.environ[\"JWT_SECRET\"]`), generated with `secrets.token_urlsafe(32)`."),
    }
}

rule! {
    /// Personal data or privileges carried in JWT claims.
    JWT_SENSITIVE_CLAIMS {
        id: "APIW-AUTH-106",
        name: "jwt-sensitive-claims",
        category: Authentication,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [312, 359],
        owasp: "API2:2023",
        summary: "A JWT carries personal data (email, SSN, phone) in its claims.",
        why: "JWT claims are only base64-encoded: every holder, log and browser storage that sees the token can read them.",
        example: "`{\"sub\": \"42\", \"email\": \"jane@…\", \"ssn\": \"…\"}`.",
        fix: "Keep claims to an opaque subject id, scopes and expiry; look the rest up server-side.",
        fastapi: None,
    }
}

rule! {
    /// 401 responses without `WWW-Authenticate`.
    MISSING_WWW_AUTHENTICATE {
        id: "APIW-AUTH-107",
        name: "missing-www-authenticate",
        category: Authentication,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [287],
        owasp: "API2:2023",
        summary: "A 401 response does not say how to authenticate (`WWW-Authenticate` is missing).",
        why: "RFC 9110 requires the header on 401; clients and gateways rely on it, and its absence often marks hand-rolled authentication.",
        example: "`HTTP/1.1 401` with body `{\"detail\": \"Not authenticated\"}` and no `WWW-Authenticate`.",
        fix: "Send `WWW-Authenticate: Bearer` (or the scheme in use) with every 401.",
        fastapi: Some("Raise `HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})`; `HTTPBearer` does this for you."),
    }
}

rule! {
    /// Security headers missing on API responses.
    MISSING_SECURITY_HEADERS {
        id: "APIW-AUTH-108",
        name: "missing-security-headers",
        category: Authentication,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [693, 525],
        owasp: "API8:2023",
        summary: "Responses lack `X-Content-Type-Options: nosniff`, framing protection, or `Cache-Control: no-store` on sensitive data.",
        why: "Without `no-store`, shared caches and browsers keep personal data; without `nosniff` and frame protection, API responses can be abused from a browser.",
        example: "`GET /users/1` returns an SSN with no `Cache-Control` header.",
        fix: "Add `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` or CSP `frame-ancestors 'none'`, and `Cache-Control: no-store` on authenticated or sensitive responses.",
        fastapi: Some("A small middleware: `@app.middleware(\"http\")` that sets the headers on every response."),
    }
}

rule! {
    /// Login or password-reset answers that tell an existing account from an unknown one.
    USER_ENUMERATION {
        id: "APIW-AUTH-109",
        name: "user-enumeration",
        category: Authentication,
        severity: Medium,
        level: Active,
        spec: false,
        cwe: [204, 203],
        owasp: "API2:2023",
        summary: "A login or password-reset request answers differently (status, body shape, message, or time) for an existing account than for an unknown one.",
        why: "An attacker learns which user names and e-mail addresses have accounts, then aims credential stuffing, password spraying and phishing at exactly those.",
        example: "`POST /sessions` with a wrong password answers `401 {\"error\": \"wrong password\"}` for `alice` and `404 {\"error\": \"no such user\"}` for an unknown name.",
        fix: "Answer every failed login with the same status, body and timing (verify a dummy hash when the user does not exist), and every reset request with the same \"if the account exists, we sent an e-mail\" message.",
        fastapi: Some("Raise one `HTTPException(401, \"Incorrect username or password\")` for both cases and call `pwd_context.verify(password, DUMMY_HASH)` when the `get_item` finds no user, so both paths take the same time."),
    }
}
