//! input_validation — API8:2023 (security misconfiguration) and input hygiene.

rule! {
    /// String inputs without any constraint.
    UNBOUNDED_STRING_INPUT {
        id: "APIW-INPUT-001",
        name: "unbounded-string-input",
        category: InputValidation,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [20, 1284],
        owasp: "API8:2023",
        summary: "String parameters have no `maxLength`, `pattern`, `enum` or `format`.",
        why: "Unconstrained strings reach queries, logs and downstream services at any size and shape; constraints in the contract are also what generated validators enforce.",
        example: "`GET /search?q=` with `q: {type: string}`.",
        fix: "Give every string input a `maxLength` and, where possible, a `pattern`, `enum` or `format`.",
        fastapi: Some("`q: str = Query(max_length=100, pattern=\"^[\\\\w -]+$\")` — FastAPI enforces and documents it."),
    }
}

rule! {
    /// Numeric inputs without bounds.
    UNBOUNDED_NUMERIC_INPUT {
        id: "APIW-INPUT-002",
        name: "unbounded-numeric-input",
        category: InputValidation,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [20, 1284],
        owasp: "API8:2023",
        summary: "Integer or number parameters have no `minimum`/`maximum`.",
        why: "Negative, zero or huge numbers hit code paths nobody tested: negative quantities, page sizes of a billion, integer overflow in downstream systems.",
        example: "`quantity: {type: integer}` on `POST /orders`.",
        fix: "State `minimum` and `maximum` for every numeric input.",
        fastapi: Some("`quantity: int = Field(ge=1, le=100)`."),
    }
}

rule! {
    /// Array inputs without `maxItems`.
    UNBOUNDED_ARRAY_INPUT {
        id: "APIW-INPUT-003",
        name: "unbounded-array-input",
        category: InputValidation,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [20, 770],
        owasp: "API4:2023",
        summary: "Array inputs (parameters or request properties) have no `maxItems`.",
        why: "A single request with a million ids can turn into a million database reads.",
        example: "`ids: {type: array, items: {type: string}}` on `POST /users/batch`.",
        fix: "Set `maxItems` on every array input.",
        fastapi: Some("`ids: list[str] = Field(max_length=100)`; DynamoDB `BatchGetItem` takes at most 100 keys anyway."),
    }
}

rule! {
    /// CORS reflects arbitrary origins.
    CORS_ORIGIN_REFLECTED {
        id: "APIW-INPUT-101",
        name: "cors-origin-reflected",
        category: InputValidation,
        severity: High,
        level: L0,
        spec: false,
        cwe: [942],
        owasp: "API8:2023",
        summary: "The API reflects any `Origin` in `Access-Control-Allow-Origin` (or sends `*`) together with `Access-Control-Allow-Credentials: true`.",
        why: "Any web page the victim visits can then call the API with the victim's cookies and read the answers.",
        example: "A request with `Origin: https://evil.example` gets `Access-Control-Allow-Origin: https://evil.example` and `Access-Control-Allow-Credentials: true`.",
        fix: "Allow an explicit list of trusted origins; never combine credentials with reflection or `*`.",
        fastapi: Some("`CORSMiddleware(allow_origins=[\"https://app.example.com\"], allow_credentials=True)` — never `allow_origin_regex=\".*\"` with credentials."),
    }
}

rule! {
    /// CORS trusts the `null` origin.
    CORS_NULL_ORIGIN {
        id: "APIW-INPUT-102",
        name: "cors-null-origin",
        category: InputValidation,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [942],
        owasp: "API8:2023",
        summary: "`Origin: null` is allowed by CORS.",
        why: "Sandboxed iframes and local files send `Origin: null`, so trusting it lets any attacker page in a sandboxed iframe read responses.",
        example: "`Access-Control-Allow-Origin: null`.",
        fix: "Never put `null` in the CORS allow-list.",
        fastapi: None,
    }
}

rule! {
    /// Dangerous HTTP methods advertised.
    DANGEROUS_METHODS {
        id: "APIW-INPUT-103",
        name: "dangerous-methods",
        category: InputValidation,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [650],
        owasp: "API8:2023",
        summary: "`OPTIONS` or `Allow` advertises TRACE, or PUT/DELETE where the spec documents none.",
        why: "TRACE reflects requests (cross-site tracing); undocumented write methods are untested attack surface.",
        example: "`Allow: GET, PUT, DELETE, TRACE` on `/v1/users/1` whose spec documents only GET.",
        fix: "Disable TRACE and route only documented methods.",
        fastapi: None,
    }
}

rule! {
    /// Validation errors that echo the submitted input.
    VALIDATION_ERROR_ECHOES_INPUT {
        id: "APIW-INPUT-104",
        name: "validation-error-echoes-input",
        category: InputValidation,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [209, 532],
        owasp: "API8:2023",
        summary: "Framework validation errors echo the submitted input back (Pydantic's `input` field), including secrets and personal data.",
        why: "Echoed input ends up in logs, error trackers and browser consoles; when the input is a password or card number, the error response is a leak.",
        example: "A 422 from `POST /login` contains `\"input\": {\"username\": \"a\", \"password\": \"hunter2\"}`.",
        fix: "Replace the default validation handler with one that returns field locations and messages only.",
        fastapi: Some("`@app.exception_handler(RequestValidationError)` returning `[{\"loc\": e[\"loc\"], \"msg\": e[\"msg\"]} for e in exc.errors()]` — drop `input` and `ctx`."),
    }
}

rule! {
    /// A quote or expression syntax turns a normal answer into a database or query error.
    PROBABLE_INJECTION {
        id: "APIW-INPUT-105",
        name: "probable-injection",
        category: InputValidation,
        severity: High,
        level: L0,
        spec: false,
        cwe: [89, 943],
        owasp: "API8:2023",
        summary: "Appending a quote (or DynamoDB/NoSQL expression syntax) to a parameter's normal value turns a normal answer into a database or query-syntax error, while other malformed values of the same parameter do not: the value is spliced into a query or expression. Firm when a balanced pair of quotes answers normally again. apiward sends these probes only to GET/HEAD operations its risk model calls read-only: at most 8 values per parameter plus one confirmation (3 with `--gentle`), 6 parameters per operation, 300 requests per scan (40 with `--gentle`).",
        why: "A value that breaks the query's syntax can usually also change its meaning: read other users' rows, bypass filters, or (for SQL) reach other tables. This is the classic injection signal, found with read-only requests.",
        example: "`GET /books/abc` → 200; `GET /books/abc'` → 500 `unterminated quoted string at or near \"'abc''\"`; `GET /books/abc''` → 404.",
        fix: "Never build queries or expressions from input text: use bound parameters (SQL placeholders, DynamoDB `ExpressionAttributeValues` and `ExpressionAttributeNames`), and validate identifiers against an allow-list.",
        fastapi: Some("Build DynamoDB conditions with `boto3.dynamodb.conditions` (`Attr(field).contains(value)`) or placeholders (`FilterExpression=\"contains(#f, :v)\"` with `ExpressionAttributeNames`/`ExpressionAttributeValues`), map user-chosen field names through a fixed dict, and use SQLAlchemy bound parameters instead of f-strings."),
    }
}

rule! {
    /// Malformed input answered with a server error instead of a 4xx.
    UNHANDLED_MALFORMED_INPUT {
        id: "APIW-INPUT-106",
        name: "unhandled-malformed-input",
        category: InputValidation,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [20, 754],
        owasp: "API8:2023",
        summary: "A malformed parameter value (wrong type, array, empty, overlong, negative or huge number, control characters, expression syntax) makes an operation answer 5xx where its normal value answers below 500: the input reaches code that was not written for it. apiward sends these probes only to GET/HEAD operations its risk model calls read-only: at most 8 values per parameter plus one confirmation (3 with `--gentle`), 6 parameters per operation, 300 requests per scan (40 with `--gentle`).",
        why: "Unvalidated input that crashes a handler is a reliability problem (cheap denial of service) and the usual path to error leaks and injection; the client also gets no usable error.",
        example: "`GET /orders?limit=-1` → 500, `GET /orders?limit=10` → 200.",
        fix: "Declare and enforce types, bounds and lengths for every parameter, and answer 400/422 for values outside them.",
        fastapi: Some("Type every parameter and bound it (`Query(ge=1, le=100)`, `Path(max_length=64)`): FastAPI then answers 422 before your handler runs. DynamoDB rejects key values over 2048 bytes and numbers over 38 digits with a `ValidationException`: bound keys and numbers before calling it."),
    }
}
