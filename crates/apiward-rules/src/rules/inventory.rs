//! inventory — improper inventory management, API9:2023.

rule! {
    /// Staging, development or internal servers in the spec.
    NON_PRODUCTION_SERVER {
        id: "APIW-INV-001",
        name: "non-production-server",
        category: Inventory,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [1059],
        owasp: "API9:2023",
        summary: "`servers` lists staging, development, test or internal hosts.",
        why: "Non-production environments are usually less protected and often hold copies of production data; publishing them invites attack.",
        example: "`servers: [{url: https://staging-api.example.com}]`.",
        fix: "Publish only production servers in the public spec.",
        fastapi: None,
    }
}

rule! {
    /// No `info.version`.
    MISSING_API_VERSION {
        id: "APIW-INV-002",
        name: "missing-api-version",
        category: Inventory,
        severity: Info,
        level: Static,
        spec: true,
        cwe: [1059],
        owasp: "API9:2023",
        summary: "The spec has no `info.version`.",
        why: "Without versions nobody can tell which contract is deployed where.",
        example: "`info: {title: Users API}`.",
        fix: "Version the API description and bump it with every change.",
        fastapi: Some("`FastAPI(version=\"2.3.0\")`."),
    }
}

rule! {
    /// Deprecated operations still present (and, at runtime, still answering).
    DEPRECATED_OPERATION_SERVED {
        id: "APIW-INV-003",
        name: "deprecated-operation-served",
        category: Inventory,
        severity: Info,
        level: L0,
        spec: true,
        cwe: [1059],
        owasp: "API9:2023",
        summary: "Operations marked `deprecated` are still in the spec; at runtime they still answer.",
        why: "Deprecated endpoints keep old, weaker behaviour alive and are rarely monitored.",
        example: "`GET /v1/users/{id}` is `deprecated: true` and still returns 200.",
        fix: "Set a removal date, monitor usage, then remove the route (410 Gone).",
        fastapi: Some("Remove the v1 router from `app.include_router(...)` once clients have moved; until then give it the same dependencies as v2."),
    }
}

rule! {
    /// Several API versions side by side.
    MULTIPLE_API_VERSIONS {
        id: "APIW-INV-004",
        name: "multiple-api-versions",
        category: Inventory,
        severity: Low,
        level: L0,
        spec: true,
        cwe: [1059],
        owasp: "API9:2023",
        summary: "Several API versions (`/v1`, `/v2`) are documented or live at once.",
        why: "Old versions miss the fixes made in new ones; attackers go for the oldest live version.",
        example: "`/v1/users/{id}` and `/v2/users/{id}` both answer.",
        fix: "Retire old versions on a schedule and apply the same security to every live version.",
        fastapi: None,
    }
}

rule! {
    /// API docs or specs served in production.
    DOCS_EXPOSED {
        id: "APIW-INV-101",
        name: "docs-exposed",
        category: Inventory,
        severity: Low,
        level: L0,
        spec: false,
        cwe: [1059, 200],
        owasp: "API9:2023",
        summary: "Interactive docs or the machine-readable spec are publicly served (`/docs`, `/redoc`, `/openapi.json`, `/swagger-ui`, …).",
        why: "A public spec is a complete map of the attack surface, including routes the UI never calls.",
        example: "`GET /openapi.json` → 200 with the full document.",
        fix: "Disable docs in production or put them behind authentication.",
        fastapi: Some("`FastAPI(docs_url=None, redoc_url=None, openapi_url=None)` in production (or serve them on an internal-only app)."),
    }
}

rule! {
    /// Undocumented endpoints that answer.
    SHADOW_ENDPOINT {
        id: "APIW-INV-102",
        name: "shadow-endpoint",
        category: Inventory,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [1059, 215],
        owasp: "API9:2023",
        summary: "A common debug or management path the spec does not document answers 2xx (`/debug`, `/admin`, `/actuator`, `/metrics`, `/.env`, `/config`, …).",
        why: "Shadow endpoints are unreviewed and unmonitored, and debug routes tend to print configuration and secrets.",
        example: "`GET /actuator/env` (not in the spec) → 200 with the process's environment variables.",
        fix: "Remove debug routes from production builds and serve management endpoints on an internal port.",
        fastapi: Some("Register debug routers only when `settings.debug` is true, and never deploy with it set."),
    }
}
