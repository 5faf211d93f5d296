//! property_authorization — object property level authorization, API3:2023.

rule! {
    /// Response schemas exposing internal or credential properties.
    INTERNAL_PROPERTY_EXPOSED {
        id: "APIW-PROP-001",
        name: "internal-property-exposed",
        category: PropertyAuthorization,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [213],
        owasp: "API3:2023",
        summary: "A response schema exposes credential or internal properties (`password`, `password_hash`, `api_key`, `secret`, `internal_*`, `is_admin`).",
        why: "A response model that contains a password hash or an internal flag means every client receives it: hashes get cracked offline, internal flags guide attacks.",
        example: "`UserOut` has `password_hash: string` and is the 200 response of `GET /users/{id}`.",
        fix: "Split internal and public models: the response model lists only what clients need.",
        fastapi: Some("Define `class UserPublic(BaseModel)` without the hash and use `response_model=UserPublic`; read with `ProjectionExpression` so the hash never leaves DynamoDB."),
    }
}

rule! {
    /// Request schemas accepting privileged properties.
    MASS_ASSIGNMENT_SURFACE {
        id: "APIW-PROP-002",
        name: "mass-assignment-surface",
        category: PropertyAuthorization,
        severity: Medium,
        level: Static,
        spec: true,
        cwe: [915],
        owasp: "API3:2023",
        summary: "A write operation accepts privileged properties (`role`, `is_admin`, `balance`, `owner_id`, `verified`) or `readOnly` ones.",
        why: "If the server binds the body straight into the stored object, a caller promotes themselves or re-assigns ownership by adding a field.",
        example: "`PATCH /users/{id}` accepts `{\"is_admin\": true}`.",
        fix: "Use a dedicated input model with only user-editable fields; set privileged fields server-side.",
        fastapi: Some("`class UserUpdate(BaseModel): model_config = ConfigDict(extra=\"forbid\")` with only editable fields, and build the DynamoDB `UpdateExpression` from that model, never from `request.json()`."),
    }
}

rule! {
    /// Write schemas that accept arbitrary extra properties.
    OPEN_WRITE_SCHEMA {
        id: "APIW-PROP-003",
        name: "open-write-schema",
        category: PropertyAuthorization,
        severity: Low,
        level: Static,
        spec: true,
        cwe: [915],
        owasp: "API3:2023",
        summary: "A request body schema of a write operation leaves `additionalProperties` open.",
        why: "Open write schemas allow undeclared fields through validation, which is the precondition for mass assignment.",
        example: "`POST /users` body schema is an object without `additionalProperties: false`.",
        fix: "Close write schemas (`additionalProperties: false`) and reject unknown fields.",
        fastapi: Some("`model_config = ConfigDict(extra=\"forbid\")` on request models makes FastAPI reject unknown fields and documents `additionalProperties: false`."),
    }
}

rule! {
    /// Live responses carry properties the documented schema does not declare.
    UNDOCUMENTED_RESPONSE_PROPERTY {
        id: "APIW-PROP-101",
        name: "undocumented-response-property",
        category: PropertyAuthorization,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [213],
        owasp: "API3:2023",
        summary: "A live response contains properties absent from the documented response schema; each is classified (PII, secret, internal, privilege) and ranked.",
        why: "Fields nobody documented are fields nobody reviewed: this is how password hashes and internal flags leak behind a clean-looking contract.",
        example: "The spec's `User` has `id` and `name`; the live `GET /users/1` also returns `password_hash` and `is_admin`.",
        fix: "Return exactly the documented model: serialize through an explicit response model or sanitizer and read only the needed attributes.",
        fastapi: Some("Returning `item` from `table.get_item(...)[\"Item\"]` in a `JSONResponse` bypasses `response_model` filtering: return the Pydantic model (`return UserPublic(**item)`) and add `ProjectionExpression=\"user_id, #n\"` to the read."),
    }
}

rule! {
    /// A privileged property written by the scanner was accepted and reflected.
    MASS_ASSIGNMENT_CONFIRMED {
        id: "APIW-PROP-102",
        name: "mass-assignment-confirmed",
        category: PropertyAuthorization,
        severity: High,
        level: Active,
        spec: false,
        cwe: [915],
        owasp: "API3:2023",
        summary: "A harmless write that added a privileged property (`is_admin`, `role`) had it reflected back.",
        why: "The server binds client input to privileged attributes: privilege escalation by request body.",
        example: "`POST /v2/profile` with `{\"name\": \"x\", \"is_admin\": true}` returns `\"is_admin\": true`.",
        fix: "Bind only allow-listed fields from input models.",
        fastapi: Some("Use `extra=\"forbid\"` input models and build `put_item` items from the model's fields only."),
    }
}
