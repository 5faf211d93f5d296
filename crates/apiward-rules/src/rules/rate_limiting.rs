//! rate_limiting — unrestricted resource consumption, API4:2023.

rule! {
    /// List operations without a page-size parameter.
    LIST_WITHOUT_LIMIT {
        id: "APIW-RATE-001",
        name: "list-without-limit",
        category: RateLimiting,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [770],
        owasp: "API4:2023",
        summary: "A list operation has no `limit`/`page_size`-style parameter.",
        why: "Without paging, one request returns the whole collection: slow for the server, a bulk export for an attacker.",
        example: "`GET /customers` returns `array` with no query parameters.",
        fix: "Add a page-size parameter with a default and a maximum, and a cursor for the next page.",
        fastapi: Some("`limit: int = Query(50, ge=1, le=100)` and pass it as `Limit=limit` to `query`/`scan`; return an opaque cursor instead of `LastEvaluatedKey`."),
    }
}

rule! {
    /// Page-size parameters without a maximum.
    LIMIT_WITHOUT_MAXIMUM {
        id: "APIW-RATE-002",
        name: "limit-without-maximum",
        category: RateLimiting,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [770],
        owasp: "API4:2023",
        summary: "A page-size parameter (`limit`, `per_page`, `page_size`, `size`, `count`) has no `maximum`.",
        why: "`?limit=1000000` turns paging back into a full dump.",
        example: "`limit: {type: integer}`.",
        fix: "Give page-size parameters a `maximum` and enforce it.",
        fastapi: Some("`limit: int = Query(50, le=100)`."),
    }
}

rule! {
    /// Nothing in the spec says the API is rate limited.
    NO_RATE_LIMIT_DOCUMENTED {
        id: "APIW-RATE-003",
        name: "no-rate-limit-documented",
        category: RateLimiting,
        severity: Info,
        level: Static,
        spec: true,
        cwe: [770],
        owasp: "API4:2023",
        summary: "No operation documents a 429 response or rate-limit headers.",
        why: "Clients cannot back off from limits they do not know, and an undocumented limit is often an absent one.",
        example: "No `429` in any `responses` and no `RateLimit-*` / `X-RateLimit-*` response headers.",
        fix: "Document 429 with `Retry-After` and the rate-limit headers your gateway sends.",
        fastapi: None,
    }
}

rule! {
    /// No rate-limit headers on any response.
    NO_RATE_LIMIT_HEADERS {
        id: "APIW-RATE-101",
        name: "no-rate-limit-headers",
        category: RateLimiting,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [770],
        owasp: "API4:2023",
        summary: "No response carries `RateLimit-*`, `X-RateLimit-*` or `Retry-After` headers.",
        why: "Rate limiting that clients can see is the norm for public APIs; its complete absence suggests no limit at all.",
        example: "Two hundred responses, none with a rate-limit header.",
        fix: "Rate-limit at the gateway or in middleware and send `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`.",
        fastapi: Some("A limiter middleware (or API Gateway usage plans in front of the service) that sets the headers and answers 429 with `Retry-After`."),
    }
}

rule! {
    /// A burst of requests is never throttled.
    BURST_NOT_LIMITED {
        id: "APIW-RATE-102",
        name: "burst-not-limited",
        category: RateLimiting,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [770, 799],
        owasp: "API4:2023",
        summary: "A small, bounded burst of identical requests never yields 429.",
        why: "Without throttling, credential stuffing, enumeration and scraping run at full speed.",
        example: "40 GETs of `/users/1` in under a second, all 200.",
        fix: "Throttle per client and per credential; answer 429 with `Retry-After`.",
        fastapi: None,
    }
}

rule! {
    /// Responses that are too large.
    OVERSIZED_RESPONSE {
        id: "APIW-RATE-103",
        name: "oversized-response",
        category: RateLimiting,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [770, 400],
        owasp: "API4:2023",
        summary: "A list response returns more than the item or byte threshold in one response.",
        why: "Huge responses exhaust memory and bandwidth and turn a list endpoint into a bulk export.",
        example: "`GET /customers` returns 5,000 items (2 MB) in one response.",
        fix: "Page every list with a bounded default.",
        fastapi: Some("`table.scan(Limit=limit, ExclusiveStartKey=decode(cursor))` with `limit` capped at 100."),
    }
}

rule! {
    /// The page-size parameter is ignored or unbounded.
    LIMIT_NOT_ENFORCED {
        id: "APIW-RATE-104",
        name: "limit-not-enforced",
        category: RateLimiting,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [770],
        owasp: "API4:2023",
        summary: "`limit=1` is ignored (more items come back) or `limit=100000` is honoured.",
        why: "A page-size parameter that does not bound the response gives a false sense of safety.",
        example: "`GET /orders?limit=1` returns 250 orders.",
        fix: "Enforce the page size server-side and clamp it to a maximum.",
        fastapi: Some("Pass the validated `limit` to DynamoDB (`Limit=`) rather than slicing after a full `scan`."),
    }
}
