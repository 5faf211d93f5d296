//! bfla — function-level authorization, API5:2023.

rule! {
    /// Administrative functions reachable without stricter authorization.
    ADMIN_FUNCTION_EXPOSED {
        id: "APIW-BFLA-001",
        name: "admin-function-exposed",
        category: Bfla,
        severity: Medium,
        level: L0,
        spec: true,
        cwe: [285, 862],
        owasp: "API5:2023",
        summary: "Admin, internal or management operations have no stricter security than user operations; at runtime they answer unauthenticated.",
        why: "Administrative functions change or reveal everything; when they are protected like (or less than) ordinary routes, any caller can use them.",
        example: "`GET /manage/accounts` has no security and returns 200 with every account.",
        fix: "Require an admin role or scope on every administrative operation, enforced server-side, and keep internal endpoints off the public listener.",
        fastapi: Some("Mount admin routes on their own router with `dependencies=[Depends(require_role(\"admin\"))]`, or do not include that router in the public app at all."),
    }
}

rule! {
    /// A low-privilege identity reaches an admin function.
    ADMIN_FUNCTION_LOW_PRIVILEGE {
        id: "APIW-BFLA-002",
        name: "admin-function-low-privilege",
        category: Bfla,
        severity: High,
        level: L1,
        spec: false,
        cwe: [285],
        owasp: "API5:2023",
        summary: "An admin-looking operation answers 2xx to an ordinary user's credentials.",
        why: "Authentication without role checks lets every user act as an administrator.",
        example: "A token with role `user` gets 200 from `GET /internal/tenants`, which the spec reserves for operators.",
        fix: "Check roles or scopes per function, deny by default.",
        fastapi: Some("`Depends(require_role(\"admin\"))` on the router, reading the role from the server's record of the user, not from a client-supplied claim or header."),
    }
}

rule! {
    /// Privilege fields returned to clients.
    PRIVILEGE_FIELDS_EXPOSED {
        id: "APIW-BFLA-003",
        name: "privilege-fields-exposed",
        category: Bfla,
        severity: Medium,
        level: L0,
        spec: false,
        cwe: [213],
        owasp: "API5:2023",
        summary: "Responses reveal authorization state (`role`, `is_admin`, `permissions`, `scopes`) of users.",
        why: "Privilege fields tell an attacker which accounts to target and often mirror fields that can be written back (mass assignment).",
        example: "`GET /users/3` returns `\"is_admin\": true`.",
        fix: "Return privilege information only to administrators, and only where a client needs it.",
        fastapi: Some("Use a public response model without `role`/`is_admin` (`response_model=UserPublic`) and project only the public attributes in DynamoDB (`ProjectionExpression`)."),
    }
}
