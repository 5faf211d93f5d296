//! What makes each rule critical, high, medium or low: one paragraph per rule, rendered into
//! `docs/rules/` and kept in step with the checks (a test fails when a rule has none).
//!
//! The principle (issue 15): high and critical are for what a reviewer would stop a release for. A
//! property or parameter *name* alone is a hint and never reaches high; "the spec declares no
//! security" is one API-level fact (APIW-AUTH-007), never a reason to raise a per-operation finding;
//! hygiene (bounds, open schemas, undocumented limits) is low or info and reported once per API.

/// The severity criteria of a rule, by id.
pub fn criteria(id: &str) -> Option<&'static str> {
    Some(match id {
        // authentication
        "APIW-AUTH-001" => {
            "Only for operations the spec leaves open while securing others (not public-by-design operations — login, token, register, health, discovery, capability URLs, incoming webhooks — and not operations that document 401/403). **High**: the operation deletes, resets or changes credentials (operation risk model). **Medium**: another write, a response with personal data by name, or an undocumented response. **Low**: a documented read with nothing sensitive."
        }
        "APIW-AUTH-007" => {
            "**Low**, once per API: the spec declares no security requirement anywhere (with or without schemes, or with credentials in ordinary parameters). It is a documentation gap; per-operation rules then treat authentication as unknown and do not escalate on it."
        }
        "APIW-AUTH-002" => {
            "**Low**: a scheme no requirement uses, in an API that secures other operations. When nothing is secured, APIW-AUTH-007 names the unused schemes instead."
        }
        "APIW-AUTH-003" => {
            "`security: []` is a deliberate choice; public-by-design operations are skipped. **High**: the operation deletes, resets or changes credentials. **Medium**: another write, or sensitive data judged by property names. Not reported for reads with nothing sensitive."
        }
        "APIW-AUTH-004" => {
            "**High**: HTTP basic with a non-local `http://` server (passwords in clear on every request). Local and placeholder hosts (`localhost`, `*.local`, `HOSTNAME`) are not reported."
        }
        "APIW-AUTH-005" => "**Medium**: an API-key scheme reads the key from the query string.",
        "APIW-AUTH-006" => {
            "**High**: an OAuth flow with a non-local `http://` authorization or token URL. **Medium**: the implicit flow."
        }
        "APIW-AUTH-101" => {
            "**Critical**: a secured operation answers an unauthenticated request with high-sensitivity data. **High**: it answers 2xx with a body otherwise."
        }
        "APIW-AUTH-102" => {
            "**Medium** (default): some methods of a path are open while others are closed."
        }
        "APIW-AUTH-103" => {
            "**Critical** (default): a tampered, unsigned or expired token is accepted."
        }
        "APIW-AUTH-104" => {
            "**High**: `alg: none` or an unsigned token. **Medium**: no `exp`, a lifetime over 24 h, `jku`/`x5u`, a `kid` with path or SQL characters. **Low**: other weaknesses."
        }
        "APIW-AUTH-105" => {
            "**Critical** (default): the HMAC secret of a JWT cracks against the built-in candidates."
        }
        "APIW-AUTH-106" => {
            "**High**: critical personal data (SSN, card, national id) in claims. **Medium**: other personal data or role/permission sets."
        }
        "APIW-AUTH-107" => "**Low**: 401 answers without `WWW-Authenticate`, one finding listing every operation that gave one.",
        "APIW-AUTH-108" => "**Low** (default): security headers missing.",
        "APIW-AUTH-109" => {
            "**Medium** (default, firm): login or password-reset answers differ in status, body shape or message for an existing account and an unknown one. **Low** (tentative): only the median time differs (3x and 50 ms or more)."
        }
        // bfla
        "APIW-BFLA-001" => {
            "Administrative by path, tag or a true `x-internal`/`x-admin`. **High**: known open (the API secures other operations) and destructive or credential-changing. **Medium**: known open otherwise. **Low** (tentative): secured like ordinary operations (OpenAPI cannot express roles). Not reported when the spec models no authentication. Runtime half (L0): an admin path answers without credentials — **Critical** with personal data or secrets, **High** otherwise."
        }
        "APIW-BFLA-002" => {
            "**Critical**: an ordinary identity reaches an admin function that returns personal data or secrets. **High**: it reaches it otherwise."
        }
        "APIW-BFLA-003" => {
            "Only fields of account records (a sibling names the account — `username`, `email`, `user_id` —, the object sits under an account key, or is an item of an account collection such as `/users`); a map of flags on any other object (`permissions: {push: true}` on a repository) is what the caller may do there and is not reported. One finding per set of fields, listing every operation returning it. **Medium**: returned to unauthenticated callers. **Low**: to an authenticated caller about others. **Info**: the caller's own role on a `/me` route."
        }
        // bola
        "APIW-BOLA-001" => {
            "Spec half, only on operations the spec leaves open while securing others, one finding per parameter declaration: **Medium** (firm) for an integer id, **Low** (tentative) for an unconstrained string id. Runtime half (L0): adjacent ids reach other objects without credentials — **High** when they hold personal data, **Medium** otherwise."
        }
        "APIW-BOLA-002" => "**Critical** (default): identity B reads identity A's object.",
        "APIW-BOLA-003" => "**High** (default): an id variant reaches another object.",
        "APIW-BOLA-004" => {
            "**Critical** (default): a write by identity B to an object that is identity A's as a fact (A created it in the scan, or only A's responses carried its key, such as A's account record) is accepted. The write sent A's own current values (nothing changed), so the evidence is the acceptance itself."
        }
        // data exposure
        "APIW-DATA-001" => {
            "Spec half: the worst property's sensitivity sets the base (SSN/card/passport/national id → high, IBAN/bank account/date of birth → medium, contact data → low), raised once when the operation is known to be open (not when authentication is unknown), raised once when the response root is a collection, lowered once for one object to a caller not known to be anonymous; capped at **Medium** when only property names support it (a `format` or a validated example value is needed for **High**). Contact data in one object, or names alone, to an authenticated caller are not reported. Runtime half: the sensitivity of validated values, raised for anonymous callers and for volume; the spec's own example values and documentation pages are not counted."
        }
        "APIW-DATA-002" => {
            "By name: **Medium** for credentials in query or path parameters (one finding per API) and for critical identifiers (SSN, card, passport); **Low** for contact data (an e-mail used as a lookup key)."
        }
        "APIW-DATA-101" => {
            "**Critical**: a live secret of critical sensitivity (cloud keys, private keys, passwords). **High**: a high-sensitivity one. **Medium**: others. **Low**: only known example values. The same value on several operations is one finding."
        }
        "APIW-DATA-102" => {
            "**Medium** (default): a stack trace or SQL error in a response; **Low** when only example values matched."
        }
        "APIW-DATA-103" => {
            "**Medium**: botocore errors, ARNs or account ids. **Low**: other DynamoDB shapes."
        }
        "APIW-DATA-104" => "**Low** (default): server or framework versions in headers.",
        "APIW-DATA-105" => "**Low** (default): internal addresses or host names in responses.",
        "APIW-DATA-106" => {
            "**High**: the error answer to a malformed value carries secrets, an environment dump or a connection string. **Medium** (default): a stack trace, a database/ORM/DynamoDB error, a query or expression echoed, table names or ARNs. **Low**: only weak signs (an exception name, a source path)."
        }
        // encryption
        "APIW-TLS-001" => {
            "One finding for the spec's servers. **Medium**: a non-local server reachable only over `http://`. **Low**: each `http://` server has an `https://` twin."
        }
        "APIW-TLS-101" => "**High**: the target answers over plain HTTP. **Low**: on loopback.",
        "APIW-TLS-102" => "**Medium** (default): HSTS missing or short.",
        "APIW-TLS-103" => {
            "One finding per cookie name, listing every operation that sets it. **Medium**: a session-like cookie (a whole word of its name: session, sid, token, auth, jwt, login) missing two or more of Secure/HttpOnly/SameSite. **Low**: otherwise."
        }
        "APIW-TLS-104" => "**Low** (default): `http://` URLs inside HTTPS responses.",
        "APIW-TLS-105" => "**High** (default): an expired, mismatched or self-signed certificate.",
        // input validation
        "APIW-INPUT-001" => {
            "**Low**, one finding per API listing the operations: string inputs without `maxLength`, `pattern`, `enum` or `format`."
        }
        "APIW-INPUT-002" => {
            "**Low** when a write takes unbounded numbers, **Info** when only reads do; one finding per API."
        }
        "APIW-INPUT-003" => {
            "**Low** when a write takes arrays without `maxItems`, **Info** when only reads do; one finding per API."
        }
        "APIW-INPUT-101" => {
            "**High**: an arbitrary Origin is reflected with credentials allowed. **Medium**: without credentials."
        }
        "APIW-INPUT-102" => "**Medium**: the `null` origin with credentials. **Low**: without.",
        "APIW-INPUT-103" => {
            "**Low**: TRACE or an undocumented DELETE advertised. **Info**: other undocumented methods."
        }
        "APIW-INPUT-104" => {
            "**High**: the echoed input holds a secret. **Medium**: other sensitive data. **Low**: nothing sensitive."
        }
        "APIW-INPUT-105" => {
            "**High** (default): a quote turns a normal answer into a database or query-syntax error while other malformed values do not. Tentative by default; firm when a balanced pair of quotes answers normally again."
        }
        "APIW-INPUT-106" => {
            "**Low** (default): a malformed value makes the operation answer 5xx where its normal value does not, and nothing more specific (error disclosure, injection) was found for that parameter."
        }
        // inventory
        "APIW-INV-001" => {
            "**Low** (default): a staging, development or internal server in the spec."
        }
        "APIW-INV-002" => "**Info** (default): no `info.version`.",
        "APIW-INV-003" => {
            "Spec half: **Info**, one finding for all deprecated operations. Runtime half: a deprecated operation still answers — **Medium** with personal data, **Low** otherwise."
        }
        "APIW-INV-004" => "**Low** (default): several versions published side by side.",
        "APIW-INV-101" => "**Low** (default): documentation served in production.",
        "APIW-INV-102" => {
            "**High**: an undocumented route returns secrets. **Medium**: it returns sensitive data. **Low**: it answers with nothing sensitive."
        }
        // llm
        "APIW-LLM-001" => {
            "**Medium** (default), only for LLM front ends the spec leaves open while securing other operations."
        }
        "APIW-LLM-002" => "**High**: system-prompt text with secrets. **Medium**: without.",
        "APIW-LLM-003" => {
            "**High** (default): a probe extracted instructions or made the model follow injected ones."
        }
        // property authorization
        "APIW-PROP-001" => {
            "Secrets by the whole property name, scalar values only, in answers of operations that neither hand out credentials (login, token) nor create them (POST). Not reported when the spec says the value is never read back (`writeOnly`, `format: password`, `x-ms-secret`, `x-ms-mutability` without `read`, \"returned only once\") or meant for the client. **Medium** by name; **High** only when the spec's own example validates as a real secret. One finding per declaring schema."
        }
        "APIW-PROP-002" => {
            "Top-level request-body fields only, not on endpoints whose job is to grant roles or memberships, login or sign-up. **Medium**: roles, admin flags, permissions, balances. **Low**: ownership or status fields (`owner_id`, `verified`, `plan`) on updates of a user or account object. One finding per declaring schema."
        }
        "APIW-PROP-003" => {
            "**Low** (tentative), one finding per API listing the write operations whose body schema leaves `additionalProperties` open."
        }
        "APIW-PROP-101" => {
            "**High**: an undocumented property named as a secret or critical personal data. **Medium**: other personal data, privilege or internal names. **Low**: anything else."
        }
        "APIW-PROP-102" => {
            "**High** (default): a privileged property written by the scan was stored."
        }
        // rate limiting
        "APIW-RATE-001" => {
            "One finding for the open list operations (**Medium**: the whole collection to anyone) and one for the rest (**Low**: per-user lists behind authentication)."
        }
        "APIW-RATE-002" => "**Low**, one finding per page-size parameter name.",
        "APIW-RATE-003" => "**Info**, once per API.",
        "APIW-RATE-101" => "**Low** (default): no rate-limit headers on any response.",
        "APIW-RATE-102" => {
            "**Medium** (default): a bounded burst never saw 429; lower when the API advertises a limit the burst did not reach."
        }
        "APIW-RATE-103" => "**Medium** (default): a list answer over the size or item caps.",
        "APIW-RATE-104" => "**Medium** (default): `limit` ignored or a huge `limit` honoured.",
        // ssrf, unsafe consumption
        "APIW-SSRF-001" => {
            "Spec half: URL inputs the server may fetch (not redirect targets or display links), one finding per declaration. **Medium**: on an operation known to be open. **Low** otherwise. Runtime half (`--active`): **High** (certain) when the server fetched the canary."
        }
        "APIW-UC-001" => {
            "**Low** (default): webhook or callback registration; the API will call caller-supplied URLs."
        }
        "APIW-UC-002" => "**Medium** (default): a `$ref` fetched over plain HTTP.",
        "APIW-UC-101" => "**Low** (default): third-party content relayed or redirected to.",
        _ => return None,
    })
}
