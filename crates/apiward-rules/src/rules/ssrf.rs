//! ssrf — server-side request forgery, API7:2023.

rule! {
    /// Inputs that take URLs the server may fetch.
    URL_INPUT {
        id: "APIW-SSRF-001",
        name: "url-input",
        category: Ssrf,
        severity: Low,
        level: Active,
        spec: true,
        cwe: [918],
        owasp: "API7:2023",
        summary: "A parameter or body property takes a URL (`format: uri` or a name like `url`, `callback`, `webhook`, `image_url`); in active mode the scanner hands it the address of its own loopback canary and confirms when the server fetches it.",
        why: "A server that fetches caller-supplied URLs can be pointed at internal services and cloud metadata endpoints (`169.254.169.254`), turning the API into a proxy into your network.",
        example: "`GET /v2/preview?url=…` fetches the URL and returns its content.",
        fix: "Allow-list destinations (scheme, host, port), resolve and block private, loopback and link-local addresses, disable redirects, and fetch through an egress proxy.",
        fastapi: Some("Validate with a Pydantic `HttpUrl` plus an allow-list of hosts, resolve the host and reject private ranges before `httpx.get(url, follow_redirects=False)`; on AWS, require IMDSv2 so metadata cannot be fetched by a simple GET."),
    }
}
