//! bola — object-level authorization, API1:2023.

rule! {
    /// Objects addressed by predictable ids, reachable without authentication.
    PREDICTABLE_OBJECT_IDS {
        id: "APIW-BOLA-001",
        name: "predictable-object-ids",
        category: Bola,
        severity: Medium,
        level: L0,
        spec: true,
        cwe: [639, 284],
        owasp: "API1:2023",
        summary: "Objects are addressed by predictable identifiers (sequential integers, unconstrained strings) on operations without authentication; at runtime, neighbouring ids return other objects.",
        why: "With sequential ids and no per-object check, walking `n+1, n+2, …` enumerates every object. The scanner reports how many distinct objects it reached, never the objects.",
        example: "`GET /orders/{order_id}` with `order_id: integer` and no security; `/orders/1001`, `/orders/1002` and `/orders/1003` each return a different order unauthenticated.",
        fix: "Authorize every object access against the caller (owner or tenant check), and use non-guessable ids (UUIDv4) as defence in depth.",
        fastapi: Some("Check ownership in the handler: `item = table.get_item(Key={\"pk\": f\"USER#{user.id}\", \"sk\": f\"ORDER#{order_id}\"})` — put the caller's id in the partition key so another user's object cannot be addressed, and restrict the IAM role with the `dynamodb:LeadingKeys` condition."),
    }
}

rule! {
    /// Another identity's object is readable.
    CROSS_IDENTITY_ACCESS {
        id: "APIW-BOLA-002",
        name: "cross-identity-access",
        category: Bola,
        severity: Critical,
        level: L2,
        spec: false,
        cwe: [639],
        owasp: "API1:2023",
        summary: "An object fetched with identity A is returned to identity B (confirmed broken object-level authorization).",
        why: "This is the most common and most damaging API flaw: any user reads any other user's data.",
        example: "alice's `GET /v2/accounts/17` is returned to bob's token with status 200 and the same body.",
        fix: "Enforce ownership on every object access, centrally (a data-access layer that always filters by the caller).",
        fastapi: Some("Derive the key from the authenticated user (`Key={\"user_id\": user.id, ...}`), never from the path alone; add `dynamodb:LeadingKeys` to the role so the database enforces it too."),
    }
}

rule! {
    /// Path-traversal-style id variants reach other objects.
    ID_TRAVERSAL {
        id: "APIW-BOLA-003",
        name: "id-traversal",
        category: Bola,
        severity: High,
        level: Active,
        spec: false,
        cwe: [639, 22],
        owasp: "API1:2023",
        summary: "Identifier variants such as `1/../2` or encoded slashes reach objects the caller should not see.",
        why: "Routers and proxies that normalise paths differently let a permitted id smuggle a forbidden one.",
        example: "`GET /files/1%2F..%2F2` returns object 2.",
        fix: "Validate ids strictly (type and pattern) before use and reject encoded separators.",
        fastapi: Some("Type the path parameter (`order_id: int` or a constrained `str` with `pattern=`) so FastAPI rejects anything else with 422."),
    }
}

rule! {
    /// Another identity's object accepts a write.
    CROSS_IDENTITY_WRITE {
        id: "APIW-BOLA-004",
        name: "cross-identity-write",
        category: Bola,
        severity: Critical,
        level: Active,
        spec: false,
        cwe: [639, 284],
        owasp: "API1:2023",
        summary: "A write by identity B to an object identity A created in the same scan was accepted (2xx). The write sent back exactly A's current values, so nothing changed — but the API should have refused it.",
        why: "If B can write A's objects, B can change A's data: prices, addresses, e-mails, ownership. Reads that are refused while writes are accepted are common when authorization lives only in the read handlers.",
        example: "alice creates `/v2/notes/71`; bob's `PATCH /v2/notes/71` with alice's own title and body answers 200.",
        fix: "Authorize every write against the caller (owner or tenant) in the same place as reads, ideally in a data-access layer that filters by the caller.",
        fastapi: Some("Make the owner part of the key and the condition: `table.update_item(Key={\"pk\": f\"USER#{user.id}\", \"sk\": f\"NOTE#{note_id}\"}, ConditionExpression=\"attribute_exists(pk)\", ...)` so another user's note cannot be addressed."),
    }
}
