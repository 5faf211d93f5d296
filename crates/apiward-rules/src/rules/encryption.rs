//! encryption — transport and storage hygiene (CWE-319 family).

rule! {
    /// `http://` servers in the spec.
    HTTP_SERVER_URL {
        id: "APIW-TLS-001",
        name: "http-server-url",
        category: Encryption,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [319],
        owasp: "API8:2023",
        summary: "The spec lists an `http://` server (other than localhost) or Swagger `schemes: [http]`.",
        why: "Clients generated from the spec will send credentials and data in clear text.",
        example: "`servers: [{url: http://api.example.com/v1}]`.",
        fix: "List only `https://` servers.",
        fastapi: Some("`FastAPI(servers=[{\"url\": \"https://api.example.com\"}])`, or set `root_path` behind a TLS-terminating proxy."),
    }
}

rule! {
    /// The API answers over plain HTTP.
    PLAINTEXT_TRANSPORT {
        id: "APIW-TLS-101",
        name: "plaintext-transport",
        category: Encryption,
        severity: High,
        level: L0,
        spec: false,
        cwe: [319],
        owasp: "API8:2023",
        summary: "The API serves responses over plain HTTP instead of redirecting to HTTPS (low on loopback targets, where it is expected in development).",
        why: "Everything on the wire — tokens, cookies, personal data — can be read and changed by anyone on the path.",
        example: "`GET http://api.example.com/users/1` → 200 with data.",
        fix: "Serve HTTPS only; answer plain HTTP with a redirect (or not at all) and set HSTS.",
        fastapi: Some("Terminate TLS at the load balancer and add `HTTPSRedirectMiddleware`."),
    }
}

rule! {
    /// HSTS missing or weak on HTTPS.
    HSTS_MISSING {
        id: "APIW-TLS-102",
        name: "hsts-missing",
        category: Encryption,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [319, 523],
        owasp: "API8:2023",
        summary: "An HTTPS response lacks `Strict-Transport-Security`, or its `max-age` is under six months or without `includeSubDomains`.",
        why: "Without HSTS, the first request of a client can be downgraded to HTTP and intercepted.",
        example: "`Strict-Transport-Security: max-age=3600`.",
        fix: "`Strict-Transport-Security: max-age=31536000; includeSubDomains`.",
        fastapi: None,
    }
}

rule! {
    /// Cookies without Secure, HttpOnly or SameSite.
    INSECURE_COOKIE {
        id: "APIW-TLS-103",
        name: "insecure-cookie",
        category: Encryption,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [614, 1004, 1275],
        owasp: "API8:2023",
        summary: "`Set-Cookie` without `Secure`, `HttpOnly` or `SameSite`.",
        why: "Cookies without `Secure` travel over HTTP; without `HttpOnly` any XSS reads them; without `SameSite` they ride cross-site requests.",
        example: "`Set-Cookie: session=abc123; Path=/`.",
        fix: "`Set-Cookie: session=…; Secure; HttpOnly; SameSite=Lax`.",
        fastapi: Some("`response.set_cookie(\"session\", value, secure=True, httponly=True, samesite=\"lax\")`."),
    }
}

rule! {
    /// `http://` links inside HTTPS responses.
    MIXED_CONTENT {
        id: "APIW-TLS-104",
        name: "mixed-content",
        category: Encryption,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [319],
        owasp: "API8:2023",
        summary: "An HTTPS response contains absolute `http://` URLs to the API or its assets.",
        why: "Clients that follow them leave TLS.",
        example: "`\"next\": \"http://api.example.com/items?page=2\"` in an HTTPS response.",
        fix: "Generate links with the request's scheme or relative URLs.",
        fastapi: Some("Run uvicorn with `--proxy-headers` behind TLS termination so `request.url_for` builds `https://` links."),
    }
}

rule! {
    /// TLS certificate problems.
    CERTIFICATE_PROBLEM {
        id: "APIW-TLS-105",
        name: "certificate-problem",
        category: Encryption,
        severity: High,
        level: L0,
        spec: false,
        cwe: [295],
        owasp: "API8:2023",
        summary: "The HTTPS certificate is expired, self-signed, or does not match the host name.",
        why: "Clients either fail or are taught to disable verification, which invites interception.",
        example: "A certificate for `*.internal` presented by `api.example.com`.",
        fix: "Use a certificate from a trusted CA, renewed automatically.",
        fastapi: None,
    }
}
