//! One `fires_<rule>` and one `near_miss_<rule>` test per static rule (issue 6 acceptance; the
//! `every_rule_tested` integration test checks the names). Specs are small YAML documents.

use apiward_core::Finding;

fn audit(doc: &str) -> Vec<Finding> {
    let spec = apiward_spec::load_bytes(
        "spec.yaml",
        doc.as_bytes(),
        None,
        &apiward_spec::LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("spec loads: {e:?}\n{doc}"));
    crate::audit(&spec)
}

/// `openapi` and `info` (version 1.0.0) followed by `rest` (top-level YAML).
fn doc(rest: &str) -> String {
    format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: 1.0.0\n{rest}")
}

fn fired<'a>(fs: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    assert!(
        apiward_rules::get(rule).is_some(),
        "unknown rule name {rule}"
    );
    fs.iter().filter(|f| f.rule_name == rule).collect()
}

/// The paths a rule reports: the finding's own, or every operation it lists.
fn paths(fs: &[Finding], rule: &str) -> Vec<String> {
    fired(fs, rule)
        .into_iter()
        .flat_map(|f| super::affected_paths(f).into_iter().map(|(p, _)| p))
        .collect()
}

/// An operation the spec secures, so that the API "otherwise requires" authentication.
const SECURED_ME: &str = "  /me:
    get:
      security: [{bearer: []}]
      responses: {'200': {description: ok}}
";

fn assert_fires(fs: &[Finding], rule: &str) {
    assert!(!fired(fs, rule).is_empty(), "{rule} did not fire: {fs:#?}");
}

fn assert_quiet(fs: &[Finding], rule: &str) {
    let got = fired(fs, rule);
    assert!(got.is_empty(), "{rule} fired on a near miss: {got:#?}");
}

const BEARER: &str = "components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
";

// ---- authentication ----

#[test]
fn near_miss_operation_without_security() {
    // Public-by-nature routes in an otherwise secured API.
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
  /me:
    get:
      security: [{{bearer: []}}]
      responses: {{'200': {{description: ok}}}}
  /health:
    get:
      responses: {{'200': {{description: ok}}}}
  /auth/login:
    post:
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_quiet(&fs, "operation-without-security");
}

#[test]
fn fires_unused_security_scheme() {
    let fs = audit(&doc("components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    legacy: {type: apiKey, in: header, name: X-Legacy-Key}
paths:
  /me:
    get:
      security: [{bearer: []}]
      responses: {'200': {description: ok}}
"));
    let got = fired(&fs, "unused-security-scheme");
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].title.contains("legacy"), "{}", got[0].title);
}

#[test]
fn near_miss_unused_security_scheme() {
    // Used through the global requirement, not per operation.
    let fs = audit(&doc(&format!(
        "{BEARER}security: [{{bearer: []}}]
paths:
  /me:
    get:
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_quiet(&fs, "unused-security-scheme");
}

#[test]
fn fires_security_disabled_on_sensitive_operation() {
    let fs = audit(&doc(&format!(
        "{BEARER}security: [{{bearer: []}}]
paths:
  /customers/{{id}}:
    get:
      security: []
      parameters: [{{name: id, in: path, required: true, schema: {{type: string, format: uuid}}}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object, properties: {{ssn: {{type: string}}, date_of_birth: {{type: string}}}}}}
"
    )));
    assert_eq!(
        paths(&fs, "security-disabled-on-sensitive-operation"),
        vec!["/customers/{id}".to_string()]
    );
}

#[test]
fn near_miss_security_disabled_on_sensitive_operation() {
    // `security: []` on a health check is the normal way to open it.
    let fs = audit(&doc(&format!(
        "{BEARER}security: [{{bearer: []}}]
paths:
  /health:
    get:
      security: []
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object, properties: {{status: {{type: string}}}}}}
"
    )));
    assert_quiet(&fs, "security-disabled-on-sensitive-operation");
}

const BASIC_OPS: &str = "  securitySchemes:
    basic: {type: http, scheme: basic}
security: [{basic: []}]
paths:
  /reports/daily:
    get:
      responses: {'200': {description: ok}}
";

#[test]
fn fires_basic_auth_over_http() {
    let fs = audit(&doc(&format!(
        "servers: [{{url: 'http://api.example.com'}}]\ncomponents:\n{BASIC_OPS}"
    )));
    assert_fires(&fs, "basic-auth-over-http");
}

#[test]
fn near_miss_basic_auth_over_http() {
    // Basic auth over HTTPS, and a plain-HTTP localhost server for development.
    let fs = audit(&doc(&format!(
        "servers: [{{url: 'https://api.example.com'}}, {{url: 'http://localhost:8000'}}]\ncomponents:\n{BASIC_OPS}"
    )));
    assert_quiet(&fs, "basic-auth-over-http");
}

#[test]
fn fires_api_key_in_query() {
    let fs = audit(&doc("components:
  securitySchemes:
    key: {type: apiKey, in: query, name: api_key}
paths:
  /orders:
    get:
      security: [{key: []}]
      responses: {'200': {description: ok}}
"));
    assert_eq!(paths(&fs, "api-key-in-query"), vec!["/orders".to_string()]);
}

#[test]
fn near_miss_api_key_in_query() {
    let fs = audit(&doc("components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
paths:
  /orders:
    get:
      security: [{key: []}]
      responses: {'200': {description: ok}}
"));
    assert_quiet(&fs, "api-key-in-query");
}

fn oauth(flows: &str) -> String {
    doc(&format!(
        "components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
{flows}security: [{{oauth: []}}]
paths:
  /me:
    get:
      responses: {{'200': {{description: ok}}}}
"
    ))
}

#[test]
fn fires_weak_oauth_flow() {
    let implicit = audit(&oauth(
        "        implicit:
          authorizationUrl: https://auth.example.com/authorize
          scopes: {}
",
    ));
    assert_fires(&implicit, "weak-oauth-flow");
    let plain = audit(&oauth(
        "        authorizationCode:
          authorizationUrl: https://auth.example.com/authorize
          tokenUrl: http://auth.example.com/token
          scopes: {}
",
    ));
    assert_fires(&plain, "weak-oauth-flow");
}

#[test]
fn near_miss_weak_oauth_flow() {
    let fs = audit(&oauth(
        "        authorizationCode:
          authorizationUrl: https://auth.example.com/authorize
          tokenUrl: https://auth.example.com/token
          scopes: {}
",
    ));
    assert_quiet(&fs, "weak-oauth-flow");
}

// ---- bola / bfla ----

#[test]
fn fires_predictable_object_ids() {
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
{SECURED_ME}  /orders/{{order_id}}:
    get:
      parameters: [{{name: order_id, in: path, required: true, schema: {{type: integer}}}}]
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_eq!(
        paths(&fs, "predictable-object-ids"),
        vec!["/orders/{order_id}".to_string()]
    );
}

#[test]
fn near_miss_predictable_object_ids() {
    // A uuid id without authentication, and an integer id behind authentication.
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
  /orders/{{order_id}}:
    get:
      parameters: [{{name: order_id, in: path, required: true, schema: {{type: string, format: uuid}}}}]
      responses: {{'200': {{description: ok}}}}
  /invoices/{{invoice_id}}:
    get:
      security: [{{bearer: []}}]
      parameters: [{{name: invoice_id, in: path, required: true, schema: {{type: integer}}}}]
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_quiet(&fs, "predictable-object-ids");
}

#[test]
fn near_miss_admin_function_exposed() {
    // An unauthenticated health probe tagged `ops` in an otherwise secured API.
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
  /me:
    get:
      security: [{{bearer: []}}]
      responses: {{'200': {{description: ok}}}}
  /health:
    get:
      tags: [ops]
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_quiet(&fs, "admin-function-exposed");
}

// ---- property authorization ----

#[test]
fn fires_internal_property_exposed() {
    let fs = audit(&doc("paths:
  /users/{user_id}:
    get:
      parameters: [{name: user_id, in: path, required: true, schema: {type: string, format: uuid}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  user_id: {type: string}
                  password_hash: {type: string}
                  is_admin: {type: boolean}
"));
    assert_eq!(
        paths(&fs, "internal-property-exposed"),
        vec!["/users/{user_id}".to_string()]
    );
}

#[test]
fn near_miss_internal_property_exposed() {
    // `password` only in the request body of a sign-up; the response has no secrets.
    let fs = audit(&doc("paths:
  /users:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                email: {type: string, format: email}
                password: {type: string, format: password, writeOnly: true}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                type: object
                properties:
                  user_id: {type: string}
                  email: {type: string}
"));
    assert_quiet(&fs, "internal-property-exposed");
}

#[test]
fn near_miss_mass_assignment_surface() {
    // A chat message's `role` (user/assistant) is not a privilege field.
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
  /chat:
    post:
      security: [{{bearer: []}}]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                messages:
                  type: array
                  items:
                    type: object
                    properties:
                      role: {{type: string, enum: [user, assistant]}}
                      content: {{type: string}}
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_quiet(&fs, "mass-assignment-surface");
}

fn write_body(extra: &str) -> String {
    doc(&format!(
        "paths:
  /notes:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
{extra}              properties:
                title: {{type: string, maxLength: 200}}
      responses: {{'201': {{description: created}}}}
"
    ))
}

#[test]
fn fires_open_write_schema() {
    let fs = audit(&write_body(""));
    assert_eq!(paths(&fs, "open-write-schema"), vec!["/notes".to_string()]);
}

#[test]
fn near_miss_open_write_schema() {
    let fs = audit(&write_body("              additionalProperties: false\n"));
    assert_quiet(&fs, "open-write-schema");
}

// ---- input validation ----

fn search(q: &str, amount: &str) -> String {
    doc(&format!(
        "paths:
  /transfers:
    post:
      parameters:
        - {{name: q, in: query, schema: {q}}}
        - {{name: amount, in: query, schema: {amount}}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                tags: {{type: array, items: {{type: string, maxLength: 20}}}}
      responses: {{'200': {{description: ok}}}}
"
    ))
}

fn bounded_search() -> String {
    doc("paths:
  /transfers:
    post:
      parameters:
        - {name: q, in: query, schema: {type: string, maxLength: 100}}
        - {name: amount, in: query, schema: {type: integer, minimum: 1, maximum: 100000}}
        - {name: currency, in: query, schema: {type: string, enum: [EUR, USD]}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                tags: {type: array, maxItems: 10, items: {type: string, maxLength: 20}}
      responses: {'200': {description: ok}}
")
}

#[test]
fn fires_unbounded_string_input() {
    let fs = audit(&search(
        "{type: string}",
        "{type: integer, minimum: 1, maximum: 9}",
    ));
    assert_fires(&fs, "unbounded-string-input");
}

#[test]
fn near_miss_unbounded_string_input() {
    assert_quiet(&audit(&bounded_search()), "unbounded-string-input");
}

#[test]
fn fires_unbounded_numeric_input() {
    let fs = audit(&search("{type: string, maxLength: 9}", "{type: integer}"));
    assert_fires(&fs, "unbounded-numeric-input");
}

#[test]
fn near_miss_unbounded_numeric_input() {
    assert_quiet(&audit(&bounded_search()), "unbounded-numeric-input");
}

#[test]
fn fires_unbounded_array_input() {
    let fs = audit(&search(
        "{type: string, maxLength: 9}",
        "{type: integer, minimum: 1, maximum: 9}",
    ));
    assert_fires(&fs, "unbounded-array-input");
}

#[test]
fn near_miss_unbounded_array_input() {
    assert_quiet(&audit(&bounded_search()), "unbounded-array-input");
}

// ---- rate limiting ----

#[test]
fn near_miss_list_without_limit() {
    // A paged list (bounded `limit`) and an item route.
    let fs = audit(&doc("paths:
  /orders:
    get:
      parameters: [{name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: object, properties: {order_id: {type: integer}}}}
  /orders/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {order_id: {type: integer}}}
"));
    assert_quiet(&fs, "list-without-limit");
    assert_quiet(&fs, "limit-without-maximum");
}

#[test]
fn near_miss_limit_without_maximum() {
    let fs = audit(&doc("paths:
  /products:
    get:
      parameters: [{name: page_size, in: query, schema: {type: integer, maximum: 200}}]
      responses: {'200': {description: ok}}
"));
    assert_quiet(&fs, "limit-without-maximum");
}

#[test]
fn fires_no_rate_limit_documented() {
    let fs = audit(&doc("paths:
  /products:
    get:
      responses: {'200': {description: ok}}
"));
    assert_fires(&fs, "no-rate-limit-documented");
}

#[test]
fn near_miss_no_rate_limit_documented() {
    let fs = audit(&doc("paths:
  /products:
    get:
      responses:
        '200':
          description: ok
          headers:
            RateLimit-Remaining: {schema: {type: integer}}
  /orders:
    get:
      responses:
        '200': {description: ok}
        '429': {description: too many requests}
"));
    assert_quiet(&fs, "no-rate-limit-documented");
}

// ---- data exposure ----

#[test]
fn near_miss_sensitive_data_exposed() {
    // The caller's own contact data behind authentication is what the API is for.
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
  /account:
    get:
      security: [{{bearer: []}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  user_id: {{type: string}}
                  display_name: {{type: string}}
                  email: {{type: string}}
"
    )));
    assert_quiet(&fs, "sensitive-data-exposed");
}

#[test]
fn fires_sensitive_data_in_url() {
    let fs = audit(&doc("paths:
  /customers/lookup:
    get:
      parameters: [{name: ssn, in: query, required: true, schema: {type: string, pattern: '^[0-9-]{11}$'}}]
      responses: {'200': {description: ok}}
"));
    assert_eq!(
        paths(&fs, "sensitive-data-in-url"),
        vec!["/customers/lookup".to_string()]
    );
}

#[test]
fn near_miss_sensitive_data_in_url() {
    let fs = audit(&doc("paths:
  /customers:
    get:
      parameters:
        - {name: page, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
        - {name: sort, in: query, schema: {type: string, enum: [name, created]}}
      responses: {'200': {description: ok}}
"));
    assert_quiet(&fs, "sensitive-data-in-url");
}

// ---- encryption ----

const ONE_OP: &str = "paths:
  /products:
    get:
      responses: {'200': {description: ok}}
";

#[test]
fn fires_http_server_url() {
    let fs = audit(&doc(&format!(
        "servers: [{{url: 'http://api.example.com/v1'}}]\n{ONE_OP}"
    )));
    assert_eq!(fired(&fs, "http-server-url").len(), 1, "{fs:#?}");
}

#[test]
fn near_miss_http_server_url() {
    let fs = audit(&doc(&format!(
        "servers: [{{url: 'http://localhost:8000'}}, {{url: 'http://127.0.0.1:8080'}}, {{url: 'https://api.example.com/v1'}}]\n{ONE_OP}"
    )));
    assert_quiet(&fs, "http-server-url");
}

// ---- ssrf ----

#[test]
fn fires_url_input() {
    let fs = audit(&doc("paths:
  /previews:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                target: {type: string, format: uri}
      responses: {'200': {description: ok}}
"));
    assert_eq!(paths(&fs, "url-input"), vec!["/previews".to_string()]);
}

#[test]
fn near_miss_url_input() {
    // A read-only `avatar_url` echoed in the body schema and a URL in the response: nothing the
    // caller supplies is fetched.
    let fs = audit(&doc("paths:
  /profile:
    put:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                display_name: {type: string, maxLength: 80}
                avatar_url: {type: string, readOnly: true}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {avatar_url: {type: string, format: uri}}}
"));
    assert_quiet(&fs, "url-input");
}

// ---- inventory ----

#[test]
fn fires_non_production_server() {
    let fs = audit(&doc(&format!(
        "servers: [{{url: 'https://api.staging.example.com'}}, {{url: 'https://dev-api.example.com'}}]\n{ONE_OP}"
    )));
    assert_eq!(fired(&fs, "non-production-server").len(), 2, "{fs:#?}");
}

#[test]
fn near_miss_non_production_server() {
    // `latest` and `contest` contain `test` but are not environment names.
    let fs = audit(&doc(&format!(
        "servers: [{{url: 'https://api.example.com'}}, {{url: 'https://latest.contest.example.com'}}]\n{ONE_OP}"
    )));
    assert_quiet(&fs, "non-production-server");
}

#[test]
fn fires_missing_api_version() {
    let fs = audit(&format!(
        "openapi: 3.0.3\ninfo:\n  title: t\n  version: ''\n{ONE_OP}"
    ));
    assert_fires(&fs, "missing-api-version");
}

#[test]
fn near_miss_missing_api_version() {
    assert_quiet(&audit(&doc(ONE_OP)), "missing-api-version");
}

#[test]
fn fires_deprecated_operation_served() {
    let fs = audit(&doc("paths:
  /v1/orders:
    get:
      deprecated: true
      responses: {'200': {description: ok}}
  /v2/orders:
    get:
      responses: {'200': {description: ok}}
"));
    assert_eq!(
        paths(&fs, "deprecated-operation-served"),
        vec!["/v1/orders".to_string()]
    );
}

#[test]
fn near_miss_deprecated_operation_served() {
    // A deprecated parameter does not deprecate the operation.
    let fs = audit(&doc("paths:
  /orders:
    get:
      parameters: [{name: sort_by, in: query, deprecated: true, schema: {type: string, enum: [date]}}]
      responses: {'200': {description: ok}}
"));
    assert_quiet(&fs, "deprecated-operation-served");
}

#[test]
fn fires_multiple_api_versions() {
    let fs = audit(&doc("paths:
  /v1/users:
    get:
      responses: {'200': {description: ok}}
  /v2/users:
    get:
      responses: {'200': {description: ok}}
"));
    assert_eq!(fired(&fs, "multiple-api-versions").len(), 1, "{fs:#?}");
}

#[test]
fn near_miss_multiple_api_versions() {
    // One version; `/vault` and `/v2.1-notes` are not version segments.
    let fs = audit(&doc("paths:
  /v2/users:
    get:
      responses: {'200': {description: ok}}
  /v2/vault/items:
    get:
      responses: {'200': {description: ok}}
  /v2/orders:
    get:
      responses: {'200': {description: ok}}
"));
    assert_quiet(&fs, "multiple-api-versions");
}

// ---- unsafe consumption ----

#[test]
fn fires_webhook_registration() {
    let fs = audit(&doc("paths:
  /webhooks:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                url: {type: string, format: uri}
                events: {type: array, maxItems: 10, items: {type: string, maxLength: 40}}
      responses: {'201': {description: created}}
"));
    assert_eq!(
        paths(&fs, "webhook-registration"),
        vec!["/webhooks".to_string()]
    );
}

#[test]
fn near_miss_webhook_registration() {
    // Listing registered webhooks stores nothing.
    let fs = audit(&doc("paths:
  /webhooks:
    get:
      parameters: [{name: url, in: query, schema: {type: string, maxLength: 200}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: object, properties: {url: {type: string}}}}
"));
    assert_quiet(&fs, "webhook-registration");
}

/// The taxonomy's one definition of a registration, on spec shapes from the corpus: the
/// collection names hooks or notification endpoints, or the summary subscribes, and the body
/// carries the URL (by name, by `format: uri`, or nested as GitHub's `config.url` and JSON:API's
/// `data.attributes.url`).
#[test]
fn webhook_registration_shared_definition() {
    let fs = audit(&doc("paths:
  /v1/hooks:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {endpoint: {type: string}}}
      responses: {'201': {description: created}}
  /notifications/endpoints:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {address: {type: string, format: uri}}}
      responses: {'201': {description: created}}
  /events/subscribe:
    post:
      summary: Subscribe to events
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {notifyUrl: {type: string}}}
      responses: {'201': {description: subscribed}}
  /repos/{owner}/{repo}/hooks:
    post:
      operationId: repos/create-webhook
      parameters:
        - {name: owner, in: path, required: true, schema: {type: string}}
        - {name: repo, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                config: {type: object, properties: {url: {type: string, format: uri}}}
      responses: {'201': {description: created}}
  /webhook_subscriptions:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                data:
                  type: object
                  properties:
                    attributes: {type: object, properties: {url: {type: string}}}
      responses: {'201': {description: created}}
  /webhooks/{id}/deliveries/retry:
    post:
      operationId: retryWebhookDelivery
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {delivery_id: {type: string}}}
      responses: {'202': {description: queued}}
  /v1/subscriptions:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                customer: {type: string}
                transfer_data: {type: object, properties: {destination: {type: string}}}
      responses: {'200': {description: ok}}
  /callbacks-log:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {url: {type: string}}}
      responses: {'201': {description: created}}
"));
    let mut got = paths(&fs, "webhook-registration");
    got.sort();
    assert_eq!(
        got,
        [
            "/events/subscribe",
            "/notifications/endpoints",
            "/repos/{owner}/{repo}/hooks",
            "/v1/hooks",
            "/webhook_subscriptions",
        ]
    );
    let hooks = fired(&fs, "webhook-registration")
        .into_iter()
        .find(|f| f.location.path.as_deref() == Some("/v1/hooks"))
        .expect("hooks");
    assert!(hooks.message.contains("`endpoint`"), "{}", hooks.message);
}

fn external_ref(url: &str) -> String {
    doc(&format!(
        "paths:
  /users:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{url}'}}
"
    ))
}

#[test]
fn fires_insecure_external_ref() {
    let fs = audit(&external_ref("http://schemas.example.com/user.json#/User"));
    assert_eq!(fired(&fs, "insecure-external-ref").len(), 1, "{fs:#?}");
}

#[test]
fn near_miss_insecure_external_ref() {
    let fs = audit(&external_ref("https://schemas.example.com/user.json#/User"));
    assert_quiet(&fs, "insecure-external-ref");
}

// ---- llm security ----

fn chat(security: &str) -> String {
    doc(&format!(
        "{BEARER}paths:
{SECURED_ME}  /v1/chat:
    post:
{security}      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                messages: {{type: array, maxItems: 50, items: {{type: object}}}}
      responses: {{'200': {{description: ok}}}}
"
    ))
}

#[test]
fn fires_llm_endpoint_unauthenticated() {
    let fs = audit(&chat(""));
    assert_eq!(
        paths(&fs, "llm-endpoint-unauthenticated"),
        vec!["/v1/chat".to_string()]
    );
}

#[test]
fn near_miss_llm_endpoint_unauthenticated() {
    let fs = audit(&chat("      security: [{bearer: []}]\n"));
    assert_quiet(&fs, "llm-endpoint-unauthenticated");
}

// ---- authentication not modelled ----

#[test]
fn fires_security_not_declared() {
    let fs = audit(&doc(&format!(
        "{BEARER}paths:
  /orders/{{order_id}}:
    get:
      parameters: [{{name: order_id, in: path, required: true, schema: {{type: integer}}}}]
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_eq!(fired(&fs, "security-not-declared").len(), 1);
    // The unused scheme is named in it, not reported again.
    assert_quiet(&fs, "unused-security-scheme");
    assert_quiet(&fs, "predictable-object-ids");
}

#[test]
fn near_miss_security_not_declared() {
    let fs = audit(&doc(&format!(
        "{BEARER}security: [{{bearer: []}}]
paths:
  /orders/{{order_id}}:
    get:
      parameters: [{{name: order_id, in: path, required: true, schema: {{type: integer}}}}]
      responses: {{'200': {{description: ok}}}}
"
    )));
    assert_quiet(&fs, "security-not-declared");
}
