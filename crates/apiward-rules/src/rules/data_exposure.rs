//! data_exposure — sensitive data in responses, API3:2023.

rule! {
    /// Personal data in responses: the spec declares it unmasked, or a live response returns it.
    SENSITIVE_DATA_EXPOSED {
        id: "APIW-DATA-001",
        name: "sensitive-data-exposed",
        category: DataExposure,
        severity: Medium,
        level: L0,
        spec: true,
        cwe: [359, 200],
        owasp: "API3:2023",
        summary: "A response exposes personal data (email, phone, SSN, date of birth, address, card number, bank account): declared in the response schema without a masking marker, or seen in the live response. Severity weighs sensitivity, volume (lists) and exposure (no authentication).",
        why: "This is the breach: an API that returns whole records hands personal data to whoever calls it. An unauthenticated list of SSNs is critical; one email on an authenticated profile is low.",
        example: "FastAPI's `GET /users/{user_id}` returns the full DynamoDB item, `email`, `phone` and `ssn` included, with no security.",
        fix: "Return only what the client needs, masked where it must be shown (`***-**-6789`), behind authentication and per-object authorization; mark masked fields (`x-redacted: true`, `format: password`, `writeOnly`).",
        fastapi: Some("Read only public attributes: `table.get_item(Key=..., ProjectionExpression=\"user_id, display_name\")`, return a Pydantic `response_model` without PII (or with masking validators), and require `Depends(current_user)` plus an ownership check."),
    }
}

rule! {
    /// Sensitive values in URLs.
    SENSITIVE_DATA_IN_URL {
        id: "APIW-DATA-002",
        name: "sensitive-data-in-url",
        category: DataExposure,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [598, 532],
        owasp: "API3:2023",
        summary: "Query or path parameters carry sensitive data (passwords, tokens, SSNs, emails, card numbers).",
        why: "URLs are logged by servers, proxies and browsers and sent in `Referer`; anything in them is effectively published to the logs.",
        example: "`GET /users/lookup?ssn=...` or `GET /reset?token=...&email=...`.",
        fix: "Send sensitive values in the request body (POST) or headers, never in the URL.",
        fastapi: Some("Move the field into a Pydantic body model on a POST route; `Query()` parameters end up in uvicorn's access log."),
    }
}

rule! {
    /// Credentials and keys in responses.
    SECRET_IN_RESPONSE {
        id: "APIW-DATA-101",
        name: "secret-in-response",
        category: DataExposure,
        severity: Critical,
        level: L0,
        spec: false,
        cwe: [200, 522, 312],
        owasp: "API3:2023",
        summary: "A response contains credentials: cloud keys, payment-provider keys, tokens, private keys, passwords or password hashes, connection strings.",
        why: "A leaked live key is a breach of everything the key can reach, usually far beyond this API.",
        example: "`GET /settings/integrations` returns `AWS_SECRET_ACCESS_KEY` and a `sk_live_` Stripe key.",
        fix: "Remove the route or field, rotate the exposed credentials now, and keep secrets in a secret manager the API never echoes.",
        fastapi: Some("Never return `os.environ` or settings objects; expose configuration through a model that lists safe fields only. Rotate the IAM keys and use the task/instance role instead of static keys."),
    }
}

rule! {
    /// Stack traces, framework debug pages and database errors.
    STACK_TRACE_EXPOSED {
        id: "APIW-DATA-102",
        name: "stack-trace-exposed",
        category: DataExposure,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [209, 215],
        owasp: "API8:2023",
        summary: "An error response contains a stack trace, a framework debug page or a database error.",
        why: "Traces reveal file paths, library versions, queries and sometimes local variables with data: a map for the next attack.",
        example: "A 500 whose body starts with `Traceback (most recent call last):`.",
        fix: "Return a generic error with a correlation id; log the detail server-side.",
        fastapi: Some("Never run with `debug=True`; add `@app.exception_handler(Exception)` returning `{\"detail\": \"internal error\", \"request_id\": ...}` and log the exception."),
    }
}

rule! {
    /// AWS and DynamoDB internals in responses.
    CLOUD_INTERNALS_EXPOSED {
        id: "APIW-DATA-103",
        name: "cloud-internals-exposed",
        category: DataExposure,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [209, 200],
        owasp: "API3:2023",
        summary: "Responses leak AWS/DynamoDB internals: botocore `ClientError` text, exception names, table ARNs and account ids, typed AttributeValues, `LastEvaluatedKey`, `ConsumedCapacity`, `ResponseMetadata`.",
        why: "Table names, key schemas, account ids and role names are what an attacker needs to aim IAM and injection attacks; raw `LastEvaluatedKey` also exposes key values and lets clients steer scans.",
        example: "`An error occurred (AccessDeniedException) when calling the GetItem operation: User: arn:aws:sts::123456789012:assumed-role/api/… is not authorized … on resource: arn:aws:dynamodb:us-east-1:123456789012:table/users`.",
        fix: "Map cloud errors to generic API errors and convert raw client output to your own models.",
        fastapi: Some("Catch `botocore.exceptions.ClientError` in an exception handler and return a generic 500/404; use `boto3.resource(...).Table` (plain types) or `TypeDeserializer` and a response model instead of returning `client.get_item()` output; encode `LastEvaluatedKey` as an opaque, signed cursor."),
    }
}

rule! {
    /// Server and framework versions in headers.
    SERVER_VERSION_DISCLOSED {
        id: "APIW-DATA-104",
        name: "server-version-disclosed",
        category: DataExposure,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [200],
        owasp: "API8:2023",
        summary: "`Server`, `X-Powered-By` or similar headers reveal software versions.",
        why: "Exact versions let an attacker pick known exploits without probing.",
        example: "`Server: uvicorn/0.30.1`, `X-Powered-By: Express 4.17.1`.",
        fix: "Remove version details from response headers.",
        fastapi: Some("Run uvicorn with `--no-server-header` (or `server_header=False`)."),
    }
}

rule! {
    /// Private addresses and internal hostnames in responses.
    INTERNAL_ADDRESS_EXPOSED {
        id: "APIW-DATA-105",
        name: "internal-address-exposed",
        category: DataExposure,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [200],
        owasp: "API3:2023",
        summary: "Responses contain private IP addresses, cloud metadata addresses or internal hostnames.",
        why: "Internal topology helps SSRF and lateral movement.",
        example: "`\"db_host\": \"10.0.3.17\"` or `internal.corp.local` in an error.",
        fix: "Strip infrastructure details from responses.",
        fastapi: None,
    }
}

rule! {
    /// Internals leaked when a parameter is malformed (the live scan's malformed-input probes).
    ERROR_DISCLOSURE_ON_MALFORMED_INPUT {
        id: "APIW-DATA-106",
        name: "error-disclosure-on-malformed-input",
        category: DataExposure,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [209, 215],
        owasp: "API8:2023",
        summary: "A malformed value in one parameter (a quote, a wrong type, an array, an empty, overlong or control-character value, expression syntax) makes the API answer with internals its normal answer does not show: a stack trace or framework debug page, a database, ORM, NoSQL or DynamoDB/botocore error, the query or expression it ran, table names, ARNs, file paths, secrets. apiward sends these probes only to GET/HEAD operations its risk model calls read-only: at most 8 values per parameter plus one confirmation (3 with `--gentle`), 6 parameters per operation, 300 requests per scan (40 with `--gentle`).",
        why: "No credentials are needed: anyone can send a quote. The error text maps the stack (framework, driver, table and key names, account ids, source paths) and often shows how input reaches the database, which is the first step of an injection.",
        example: "`GET /items/abc'` answers 500 with `psycopg2.errors.SyntaxError: unterminated quoted string` and the SQL statement; the normal `GET /items/abc` answers 200.",
        fix: "Validate every parameter against its declared type and bounds before use, and return a generic error body with a correlation id from one exception handler; log the detail server-side.",
        fastapi: Some("Type and bound every parameter (`Path(..., max_length=64, pattern=...)`, `Query(ge=1, le=100)`), run without `debug=True`, and add `@app.exception_handler(Exception)` and a `botocore.exceptions.ClientError` handler that return `{\"detail\": \"internal error\", \"request_id\": ...}`."),
    }
}
