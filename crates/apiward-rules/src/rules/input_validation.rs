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
