//! Static rules touched for the testbed acceptance: each fires on a minimal spec and stays quiet on
//! a near miss. Specs are JSON text (this crate has no JSON serializer of its own).

use apiward_core::{Finding, Severity};

mod rules;

fn audit(doc: &str) -> Vec<Finding> {
    let spec = apiward_spec::load_bytes(
        "spec.json",
        doc.as_bytes(),
        None,
        &apiward_spec::LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("spec loads: {e:?}\n{doc}"));
    crate::audit(&spec)
}

const SCHEMES: &str = r#""components": {"securitySchemes": {
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "key": {"type": "apiKey", "in": "query", "name": "api_key"},
    "header_key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
  "servers": [{"url": "http://staging.example.test"}]"#;

/// A document with `paths` (the members of the paths object) and the schemes above, where
/// `GET /me` is secured so that the API "otherwise requires" authentication.
fn api(paths: &str) -> String {
    format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, {SCHEMES},
          "paths": {{"/me": {{"get": {{"security": [{{"bearer": []}}], "responses": {}}}}}, {paths}}}}}"#,
        ok(r#"{"type": "object", "properties": {"user_id": {"type": "string"}}}"#)
    )
}

/// A 200 response with this JSON schema.
fn ok(schema: &str) -> String {
    format!(
        r#"{{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {schema}}}}}}}}}"#
    )
}

fn op(method: &str, security: &str, extra: &str, responses: &str) -> String {
    let sec = if security.is_empty() {
        String::new()
    } else {
        format!(r#""security": [{{"{security}": []}}], "#)
    };
    format!(r#"{{"{method}": {{{sec}{extra}"responses": {responses}}}}}"#)
}

const UNDOCUMENTED: &str = r#"{"200": {"description": "ok"}}"#;
const OBJ: &str = r#"{"type": "object"}"#;

fn of<'a>(fs: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.rule_id == rule).collect()
}

fn paths_of(fs: &[Finding], rule: &str) -> Vec<(String, Severity)> {
    of(fs, rule).into_iter().flat_map(affected_paths).collect()
}

/// A finding's path with its severity, or one entry per operation it lists.
fn affected_paths(f: &Finding) -> Vec<(String, Severity)> {
    if f.location.operations.is_empty() {
        return vec![(f.location.path.clone().unwrap_or_default(), f.severity)];
    }
    f.location
        .operations
        .iter()
        .map(|l| {
            let path = l.split_once(' ').map(|(_, p)| p).unwrap_or(l);
            (path.to_string(), f.severity)
        })
        .collect()
}

#[test]
fn auth_004_and_005_sit_at_the_operations_using_the_scheme() {
    let fs = audit(&api(&format!(
        r#""/reports/daily": {}, "/partners/orders": {}"#,
        op("get", "basic", "", &ok(OBJ)),
        op("get", "key", "", &ok(OBJ))
    )));
    let basic = of(&fs, "APIW-AUTH-004");
    assert_eq!(basic.len(), 1, "{fs:#?}");
    assert_eq!(basic[0].location.method.as_deref(), Some("GET"));
    assert_eq!(basic[0].location.path.as_deref(), Some("/reports/daily"));
    let key = of(&fs, "APIW-AUTH-005");
    assert_eq!(key.len(), 1);
    assert_eq!(key[0].location.path.as_deref(), Some("/partners/orders"));
}

#[test]
fn auth_005_near_misses_unused_query_key_and_header_key() {
    // The query key protects nothing: still reported, at the scheme, not at an operation.
    let fs = audit(&api(&format!(
        r#""/x": {}"#,
        op("get", "header_key", "", &ok(OBJ))
    )));
    let key = of(&fs, "APIW-AUTH-005");
    assert_eq!(key.len(), 1);
    assert_eq!(key[0].location.path, None);
    // Only a header key: nothing.
    let doc = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}},
          "components": {{"securitySchemes": {{"h": {{"type": "apiKey", "in": "header", "name": "X-API-Key"}}}}}},
          "paths": {{"/x": {}}}}}"#,
        op("get", "h", "", &ok(OBJ))
    );
    assert!(of(&audit(&doc), "APIW-AUTH-005").is_empty());
}

#[test]
fn fires_operation_without_security_with_severity_from_what_it_returns() {
    let fs = audit(&api(&format!(
        r#""/catalogue": {}, "/orders": {}, "/customers/{{id}}": {}"#,
        op(
            "get",
            "",
            "",
            &ok(
                r#"{"type": "object", "properties": {"sku": {"type": "string"}, "price": {"type": "number"}}}"#
            )
        ),
        op("get", "", "", UNDOCUMENTED),
        op(
            "get",
            "",
            r#""parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "#,
            &ok(r#"{"type": "object", "properties": {"ssn": {"type": "string"}}}"#)
        )
    )));
    let got = paths_of(&fs, "APIW-AUTH-001");
    // Sensitive by property name: a strong hint, not proof — medium, never high.
    assert!(
        got.contains(&("/customers/{id}".into(), Severity::Medium)),
        "{got:?}"
    );
    assert!(
        got.contains(&("/orders".into(), Severity::Medium)),
        "{got:?}"
    );
    // Near miss of the higher severities: a documented, non-sensitive public read.
    assert!(
        got.contains(&("/catalogue".into(), Severity::Low)),
        "{got:?}"
    );
}

#[test]
fn fires_admin_function_exposed_health_probe_tagged_ops_does_not() {
    let fs = audit(&api(&format!(
        r#""/health": {}, "/admin/users": {}, "/internal/export": {}"#,
        op(
            "get",
            "",
            r#""tags": ["ops"], "#,
            &ok(r#"{"type": "object", "properties": {"status": {"type": "string"}}}"#)
        ),
        op("get", "", "", &ok(OBJ)),
        op("get", "bearer", "", &ok(OBJ))
    )));
    let got = paths_of(&fs, "APIW-BFLA-001");
    // A read judged administrative by its path: medium; a destructive one would be high.
    assert!(
        got.contains(&("/admin/users".into(), Severity::Medium)),
        "{got:?}"
    );
    // Secured like user operations: the spec alone cannot show a missing role check → low.
    assert!(
        got.contains(&("/internal/export".into(), Severity::Low)),
        "{got:?}"
    );
    assert!(!got.iter().any(|(p, _)| p == "/health"), "{got:?}");
}

#[test]
fn fires_mass_assignment_surface_privileged_role_not_chat_message_role() {
    let body = |props: &str| {
        format!(
            r#""requestBody": {{"content": {{"application/json": {{"schema": {{"type": "object", "properties": {props}}}}}}}}}, "#
        )
    };
    let fs = audit(&api(&format!(
        r#""/profile": {}, "/chat": {}"#,
        op(
            "patch",
            "bearer",
            &body(r#"{"display_name": {"type": "string"}, "role": {"type": "string"}}"#),
            &ok(OBJ)
        ),
        op(
            "post",
            "bearer",
            &body(
                r#"{"messages": {"type": "array", "items": {"type": "object", "properties": {"role": {"type": "string", "enum": ["user", "assistant"]}, "content": {"type": "string"}}}}}"#
            ),
            &ok(OBJ)
        )
    )));
    let got: Vec<String> = paths_of(&fs, "APIW-PROP-002")
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(got, vec!["/profile".to_string()]);
}

#[test]
fn fires_list_without_limit_on_lists_not_item_routes_or_carts() {
    let order = r#"{"type": "object", "properties": {"order_id": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "number"}}}"#;
    let fs = audit(&api(&format!(
        r#""/orders": {}, "/me/cards": {}, "/orders/{{id}}": {}, "/cart": {}"#,
        op(
            "get",
            "",
            "",
            &ok(&format!(
                r#"{{"type": "object", "properties": {{"items": {{"type": "array", "items": {order}}}, "next_cursor": {{"type": "string"}}}}}}"#
            ))
        ),
        op(
            "get",
            "bearer",
            "",
            &ok(r#"{"type": "array", "items": {"type": "object"}}"#)
        ),
        op(
            "get",
            "",
            r#""parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "#,
            &ok(order)
        ),
        op(
            "get",
            "",
            "",
            &ok(
                r#"{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}, "currency": {"type": "string"}}}"#
            )
        )
    )));
    let got = paths_of(&fs, "APIW-RATE-001");
    assert!(
        got.contains(&("/orders".into(), Severity::Medium)),
        "{got:?}"
    );
    assert!(
        got.contains(&("/me/cards".into(), Severity::Low)),
        "per-user list: {got:?}"
    );
    assert!(
        !got.iter().any(|(p, _)| p == "/orders/{id}" || p == "/cart"),
        "{got:?}"
    );
}

#[test]
fn fires_limit_without_maximum_even_with_an_undocumented_response() {
    let limit = |schema: &str| {
        format!(r#""parameters": [{{"name": "limit", "in": "query", "schema": {schema}}}], "#)
    };
    let fs = audit(&api(&format!(
        r#""/orders": {}, "/products": {}"#,
        op("get", "", &limit(r#"{"type": "integer"}"#), UNDOCUMENTED),
        op(
            "get",
            "",
            &limit(r#"{"type": "integer", "maximum": 100}"#),
            UNDOCUMENTED
        )
    )));
    let got: Vec<String> = paths_of(&fs, "APIW-RATE-002")
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(got, vec!["/orders".to_string()]);
}

#[test]
fn fires_sensitive_data_exposed_sensitive_or_bulk_not_owner_contact_data() {
    let me = r#"{"type": "object", "properties": {"user_id": {"type": "string"}, "display_name": {"type": "string"}, "email": {"type": "string"}}}"#;
    let fs = audit(&api(&format!(
        r#""/account": {}, "/directory": {}, "/contacts": {}, "/tax": {}, "/public-profile": {}"#,
        op("get", "bearer", "", &ok(me)),
        op(
            "get",
            "bearer",
            "",
            &ok(
                r#"{"type": "object", "properties": {"users": {"type": "array", "items": {"type": "object", "properties": {"display_name": {"type": "string"}}}}}}"#
            )
        ),
        op(
            "get",
            "bearer",
            "",
            &ok(&format!(r#"{{"type": "array", "items": {me}}}"#))
        ),
        op(
            "get",
            "bearer",
            "",
            &ok(r#"{"type": "object", "properties": {"ssn": {"type": "string"}}}"#)
        ),
        op(
            "get",
            "",
            "",
            &ok(r#"{"type": "object", "properties": {"email": {"type": "string"}}}"#)
        )
    )));
    let got: Vec<String> = paths_of(&fs, "APIW-DATA-001")
        .into_iter()
        .map(|p| p.0)
        .collect();
    for fires in ["/contacts", "/tax", "/public-profile"] {
        assert!(got.contains(&fires.to_string()), "{fires}: {got:?}");
    }
    for quiet in ["/account", "/directory"] {
        assert!(!got.contains(&quiet.to_string()), "{quiet}: {got:?}");
    }
}

#[test]
fn destructive_open_operations_are_high() {
    let fs = audit(&api(&format!(
        r#""/admin/users/{{id}}": {}, "/orders/{{id}}": {}"#,
        op("delete", "", "", UNDOCUMENTED),
        op("delete", "", "", UNDOCUMENTED)
    )));
    let bfla = paths_of(&fs, "APIW-BFLA-001");
    assert!(
        bfla.contains(&("/admin/users/{id}".into(), Severity::High)),
        "{bfla:?}"
    );
    let auth = paths_of(&fs, "APIW-AUTH-001");
    assert!(
        auth.contains(&("/orders/{id}".into(), Severity::High)),
        "{auth:?}"
    );
}

#[test]
fn auth_unknown_is_one_api_level_finding_not_per_operation() {
    // No security anywhere, an `Authorization` header parameter on one operation: the spec
    // does not model authentication. One APIW-AUTH-007; no BOLA, BFLA or AUTH-001 per operation.
    let doc = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {
        "/orders/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"ssn": {"type": "string"}}}}}}}}},
        "/admin/users": {"get": {"parameters": [{"name": "Authorization", "in": "header", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}}}}}"#;
    let fs = audit(doc);
    assert_eq!(of(&fs, "APIW-AUTH-007").len(), 1, "{fs:#?}");
    let auth7 = of(&fs, "APIW-AUTH-007")[0];
    assert_eq!(auth7.location.operations.len(), 2);
    assert!(
        auth7.message.contains("ordinary parameters"),
        "{}",
        auth7.message
    );
    for rule in ["APIW-AUTH-001", "APIW-BOLA-001", "APIW-BFLA-001"] {
        assert!(of(&fs, rule).is_empty(), "{rule}: {:#?}", of(&fs, rule));
    }
    // The SSN is reported, but not raised for "no authentication": it is unknown.
    let data = of(&fs, "APIW-DATA-001");
    assert_eq!(data.len(), 1);
    assert!(
        data[0].severity <= Severity::Medium,
        "{:?}",
        data[0].severity
    );
}

#[test]
fn documented_401_and_public_by_design_count_as_authentication() {
    let fs = audit(&api(&format!(
        r#""/orders/{{id}}": {}, "/auth/login": {}, "/v2/health": {}"#,
        op(
            "get",
            "",
            r#""parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "#,
            r#"{"200": {"description": "ok"}, "401": {"description": "no token"}}"#
        ),
        op("post", "", "", UNDOCUMENTED),
        op("get", "", "", &ok(OBJ))
    )));
    assert!(
        of(&fs, "APIW-AUTH-001").is_empty(),
        "{:#?}",
        of(&fs, "APIW-AUTH-001")
    );
    assert!(of(&fs, "APIW-BOLA-001").is_empty());
}

#[test]
fn a_shared_component_parameter_is_one_finding_listing_its_operations() {
    let doc = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "components": {"parameters": {"tok": {"name": "access_token", "in": "query", "schema": {"type": "string"}},
                                    "mail": {"name": "email", "in": "query", "schema": {"type": "string"}}}},
      "paths": {
        "/a": {"get": {"parameters": [{"$ref": "#/components/parameters/tok"}, {"$ref": "#/components/parameters/mail"}], "responses": {"200": {"description": "ok"}}}},
        "/b": {"get": {"parameters": [{"$ref": "#/components/parameters/tok"}, {"$ref": "#/components/parameters/mail"}], "responses": {"200": {"description": "ok"}}}},
        "/c": {"get": {"parameters": [{"$ref": "#/components/parameters/tok"}], "responses": {"200": {"description": "ok"}}}}}}"##;
    let fs = audit(doc);
    let data2 = of(&fs, "APIW-DATA-002");
    assert_eq!(data2.len(), 2, "{data2:#?}");
    let creds = data2
        .iter()
        .find(|f| f.title.contains("credentials"))
        .expect("credentials");
    assert_eq!(creds.location.operations.len(), 3);
    assert!(creds.severity <= Severity::Medium);
    let mail = data2
        .iter()
        .find(|f| f.title.contains("email"))
        .expect("email");
    assert_eq!(mail.location.operations, vec!["GET /a", "GET /b"]);
    assert_eq!(mail.location.method, None);
    // The print follows the declaration: the same with a third operation using it.
    let doc3 = doc.replace(
        r##""/c": {"get": {"parameters": [{"$ref": "#/components/parameters/tok"}]"##,
        r##""/c": {"get": {"parameters": [{"$ref": "#/components/parameters/tok"}, {"$ref": "#/components/parameters/mail"}]"##,
    );
    let fs3 = audit(&doc3);
    let mail3 = of(&fs3, "APIW-DATA-002")
        .into_iter()
        .find(|f| f.title.contains("email"))
        .expect("email");
    assert_eq!(mail3.location.operations.len(), 3);
    assert_eq!(mail3.fingerprint, mail.fingerprint);
}

#[test]
fn compound_names_do_not_raise_personal_data_findings() {
    // Real names from public specs that a substring classifier got wrong.
    let fs = audit(&api(&format!(
        r#""/things": {}"#,
        op(
            "get",
            "bearer",
            "",
            &ok(
                r#"{"type": "array", "items": {"type": "object", "properties": {
                "adaptiveCard": {"type": "string"}, "mobileKey": {"type": "string"},
                "BirthState": {"type": "string"}, "RoutingControlArn": {"type": "string"},
                "displayName": {"type": "string"}, "MaskedMSISDN": {"type": "string"},
                "secretName": {"type": "string"}, "secret_scanning": {"type": "string"}}}}"#
            )
        )
    )));
    assert!(
        of(&fs, "APIW-DATA-001").is_empty(),
        "{:#?}",
        of(&fs, "APIW-DATA-001")
    );
    assert!(
        of(&fs, "APIW-PROP-001").is_empty(),
        "{:#?}",
        of(&fs, "APIW-PROP-001")
    );
}

#[test]
fn write_once_and_client_secrets_are_not_exposures() {
    let fs = audit(&api(&format!(
        r#""/apps/{{id}}": {}"#,
        op(
            "get",
            "bearer",
            r#""parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "#,
            &ok(r#"{"type": "object", "properties": {
                "client_secret": {"type": "string", "description": "Only returned once, when the app is created."},
                "api_key": {"type": "string", "writeOnly": true},
                "adminPassword": {"type": "string", "x-ms-mutability": ["create", "update"]},
                "storageKey": {"type": "string", "x-ms-secret": true},
                "signingSecret": {"type": "string", "x-ms-mutability": ["create", "read"]},
                "webhook_secret": {"type": "string"}}}"#)
        )
    )));
    let prop = of(&fs, "APIW-PROP-001");
    assert_eq!(prop.len(), 1, "{prop:#?}");
    assert!(prop[0].message.contains("webhook_secret"));
    // Readable per `x-ms-mutability`: reported; never returned: not.
    assert!(prop[0].message.contains("signingSecret"));
    for hidden in ["client_secret", "adminPassword", "storageKey", "api_key"] {
        assert!(
            !prop[0].message.contains(hidden),
            "{hidden}: {}",
            prop[0].message
        );
    }
    // A name is a hint: medium at most.
    assert_eq!(prop[0].severity, Severity::Medium);
}

#[test]
fn x_internal_false_is_not_administrative() {
    let fs = audit(&api(&format!(
        r#""/companies/{{id}}/data/journals": {}, "/internal-tools": {}"#,
        op("get", "bearer", r#""x-internal": false, "#, &ok(OBJ)),
        op("get", "bearer", r#""x-internal": true, "#, &ok(OBJ))
    )));
    let got = paths_of(&fs, "APIW-BFLA-001");
    assert!(
        !got.iter().any(|(p, _)| p.starts_with("/companies")),
        "{got:?}"
    );
    assert!(got.iter().any(|(p, _)| p == "/internal-tools"), "{got:?}");
}
