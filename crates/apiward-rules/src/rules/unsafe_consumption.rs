//! unsafe_consumption — unsafe consumption of APIs, API10:2023.

rule! {
    /// Webhook or callback registration.
    WEBHOOK_REGISTRATION {
        id: "APIW-UC-001",
        name: "webhook-registration",
        category: UnsafeConsumption,
        severity: Low,
        level: Active,
        spec: true,
        cwe: [20, 829],
        owasp: "API10:2023",
        summary: "The API registers caller-supplied webhook or callback URLs (`callbacks`, `webhooks`, or a registration operation: a write to hooks, subscriptions, notification endpoints or event destinations whose body carries the URL) that it later calls or whose responses it consumes.",
        why: "Data coming back from a third party is input like any other; and the registration itself is a stored SSRF vector.",
        example: "`POST /webhooks` with `{\"url\": \"…\"}` and a `callbacks` object.",
        fix: "Validate and allow-list webhook destinations, sign outgoing calls, treat responses as untrusted (validate, bound size and time).",
        fastapi: Some("Validate the URL with `HttpUrl` and an allow-list; call it with `httpx` with `timeout=` and `follow_redirects=False`, and validate what comes back with a Pydantic model."),
    }
}

rule! {
    /// `$ref`s to external documents over plain HTTP.
    INSECURE_EXTERNAL_REF {
        id: "APIW-UC-002",
        name: "insecure-external-ref",
        category: UnsafeConsumption,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [829, 319],
        owasp: "API10:2023",
        summary: "The spec pulls schemas from `http://` (or third-party) URLs.",
        why: "Whoever controls or intercepts that URL changes your contract, and with it generated validators and clients.",
        example: "`$ref: http://schemas.example.org/user.json`.",
        fix: "Vendor external schemas into the repository or fetch them over HTTPS from a pinned location.",
        fastapi: None,
    }
}

rule! {
    /// Responses relaying third-party content or links.
    THIRD_PARTY_CONTENT {
        id: "APIW-UC-101",
        name: "third-party-content",
        category: UnsafeConsumption,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [20, 829],
        owasp: "API10:2023",
        summary: "Responses redirect to third-party hosts or relay third-party `http://` URLs.",
        why: "The API vouches for content it does not control; plain-HTTP third-party links can be rewritten in transit.",
        example: "`GET /v2/avatar/3` → 302 to `http://cdn.other.example/…`.",
        fix: "Validate third-party URLs before storing or relaying them, require HTTPS, and prefer proxying through a vetted allow-list.",
        fastapi: None,
    }
}
