//! The OpenAPI 3.1.0 document the demo serves at `/openapi.json`, shaped like
//! FastAPI 0.115's output (422 on every route, `HTTPValidationError`,
//! `operationId`s from function name + path + method, `{}` raw-dict schemas).

use serde_json::{Value, json};

fn validation_error() -> Value {
    json!({
        "description": "Validation Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
    })
}

fn ok(schema: Value) -> Value {
    json!({
        "description": "Successful Response",
        "content": {"application/json": {"schema": schema}}
    })
}

fn raw_dict(title: &str) -> Value {
    // FastAPI emits an empty-ish schema for handlers returning a plain dict.
    json!({"title": title})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn path_int(name: &str, title: &str, example: u64) -> Value {
    json!({
        "name": name, "in": "path", "required": true,
        "schema": {"type": "integer", "title": title, "examples": [example]}
    })
}

fn op(
    summary: &str,
    operation_id: &str,
    tags: &[&str],
    params: Vec<Value>,
    success: (&str, Value),
    secured: bool,
) -> Value {
    let mut o = json!({
        "tags": tags,
        "summary": summary,
        "operationId": operation_id,
        "responses": {
            success.0: success.1,
            "422": validation_error()
        }
    });
    if !params.is_empty() {
        o["parameters"] = Value::Array(params);
    }
    if secured {
        o["security"] = json!([{"HTTPBearer": []}]);
    }
    o
}

fn with_body(mut o: Value, schema: &str) -> Value {
    o["requestBody"] = json!({
        "required": true,
        "content": {"application/json": {"schema": reference(schema)}}
    });
    o
}

pub fn document(base_url: &str) -> Value {
    let customers_list = op(
        "List Customers",
        "list_customers_v2_customers_get",
        &["customers"],
        vec![json!({
            "name": "limit", "in": "query", "required": false,
            "schema": {"type": "integer", "default": 20, "title": "Limit"}
        })],
        (
            "200",
            ok(raw_dict("Response List Customers V2 Customers Get")),
        ),
        true,
    );
    let create_customer = with_body(
        op(
            "Create Customer",
            "create_customer_v2_customers_post",
            &["customers"],
            vec![],
            ("201", ok(reference("CustomerPublic"))),
            false,
        ),
        "CustomerCreate",
    );
    let search = op(
        "Search Customers",
        "search_customers_v2_customers_search_get",
        &["customers"],
        vec![json!({
            "name": "email", "in": "query", "required": true,
            "schema": {"type": "string", "title": "Email"}
        })],
        (
            "200",
            ok(raw_dict(
                "Response Search Customers V2 Customers Search Get",
            )),
        ),
        true,
    );
    let get_customer = op(
        "Get Customer",
        "get_customer_v2_customers__customer_id__get",
        &["customers"],
        vec![path_int("customer_id", "Customer Id", 1001)],
        ("200", ok(reference("CustomerPublic"))),
        true,
    );
    let mut get_customer_v1 = op(
        "Get Customer V1",
        "get_customer_v1_v1_customers__customer_id__get",
        &["legacy"],
        vec![path_int("customer_id", "Customer Id", 1001)],
        ("200", ok(reference("CustomerV1"))),
        false,
    );
    get_customer_v1["deprecated"] = json!(true);
    let get_order = op(
        "Get Order",
        "get_order_v2_orders__order_id__get",
        &["orders"],
        vec![path_int("order_id", "Order Id", 50001)],
        ("200", ok(reference("Order"))),
        false,
    );
    let get_account_raw = op(
        "Get Account Raw",
        "get_account_raw_v2_accounts__account_id__raw_get",
        &["accounts"],
        vec![path_int("account_id", "Account Id", 7001)],
        (
            "200",
            ok(raw_dict(
                "Response Get Account Raw V2 Accounts  Account Id  Raw Get",
            )),
        ),
        true,
    );
    let export = op(
        "Export Report",
        "export_report_v2_reports_export_get",
        &["reports"],
        vec![json!({
            "name": "format", "in": "query", "required": false,
            "schema": {"type": "string", "enum": ["csv", "json"], "default": "csv", "title": "Format"}
        })],
        (
            "200",
            ok(raw_dict("Response Export Report V2 Reports Export Get")),
        ),
        true,
    );
    let admin_users = op(
        "List Users",
        "list_users_admin_users_get",
        &["admin"],
        vec![],
        (
            "200",
            ok(json!({
                "type": "array",
                "items": reference("StaffUser"),
                "title": "Response List Users Admin Users Get"
            })),
        ),
        false,
    );
    let token = op(
        "Issue Token",
        "issue_token_v2_auth_token_get",
        &["auth"],
        vec![json!({
            "name": "username", "in": "query", "required": true,
            "schema": {"type": "string", "title": "Username", "examples": ["olivia"]}
        })],
        ("200", ok(reference("Token"))),
        false,
    );
    let avatar = op(
        "Fetch Avatar",
        "fetch_avatar_v2_avatar_get",
        &["media"],
        vec![json!({
            "name": "url", "in": "query", "required": true,
            "schema": {"type": "string", "format": "uri", "minLength": 1, "maxLength": 2083, "title": "Url"}
        })],
        ("200", ok(raw_dict("Response Fetch Avatar V2 Avatar Get"))),
        false,
    );
    let chat = with_body(
        op(
            "Chat",
            "chat_v2_chat_post",
            &["assistant"],
            vec![],
            ("200", ok(reference("ChatResponse"))),
            false,
        ),
        "ChatRequest",
    );
    let health = op(
        "Health",
        "health_health_get",
        &[],
        vec![],
        ("200", ok(raw_dict("Response Health Health Get"))),
        false,
    );

    let string = |title: &str| json!({"type": "string", "title": title});
    let nullable_string =
        |title: &str| json!({"anyOf": [{"type": "string"}, {"type": "null"}], "title": title});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Acme Customer API",
            "description": "Customer, order and account service for Acme Retail.",
            "version": "2.4.1"
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/health": {"get": health},
            "/v2/customers": {"get": customers_list, "post": create_customer},
            "/v2/customers/search": {"get": search},
            "/v2/customers/{customer_id}": {"get": get_customer},
            "/v1/customers/{customer_id}": {"get": get_customer_v1},
            "/v2/orders/{order_id}": {"get": get_order},
            "/v2/accounts/{account_id}/raw": {"get": get_account_raw},
            "/v2/reports/export": {"get": export},
            "/v2/auth/token": {"get": token},
            "/v2/avatar": {"get": avatar},
            "/v2/chat": {"post": chat},
            "/admin/users": {"get": admin_users}
        },
        "components": {
            "schemas": {
                "CustomerPublic": {
                    "properties": {
                        "customer_id": {"type": "integer", "title": "Customer Id"},
                        "name": string("Name"),
                        "email": string("Email")
                    },
                    "type": "object",
                    "required": ["customer_id", "name", "email"],
                    "title": "CustomerPublic"
                },
                "CustomerV1": {
                    "properties": {
                        "customer_id": {"type": "integer", "title": "Customer Id"},
                        "name": string("Name"),
                        "email": string("Email"),
                        "phone": nullable_string("Phone"),
                        "ssn": nullable_string("Ssn")
                    },
                    "type": "object",
                    "required": ["customer_id", "name", "email"],
                    "title": "CustomerV1"
                },
                "CustomerCreate": {
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "title": "Name"},
                        "email": string("Email"),
                        "password": {"type": "string", "minLength": 8, "title": "Password"},
                        "role": {"type": "string", "default": "customer", "title": "Role"}
                    },
                    "type": "object",
                    "required": ["name", "email", "password"],
                    "title": "CustomerCreate"
                },
                "Order": {
                    "properties": {
                        "order_id": {"type": "integer", "title": "Order Id"},
                        "customer_id": {"type": "integer", "title": "Customer Id"},
                        "amount": {"type": "number", "title": "Amount"},
                        "currency": string("Currency"),
                        "status": string("Status"),
                        "card_brand": string("Card Brand"),
                        "card_number": string("Card Number"),
                        "card_exp": string("Card Exp"),
                        "created_at": {"type": "string", "format": "date-time", "title": "Created At"}
                    },
                    "type": "object",
                    "required": ["order_id", "customer_id", "amount", "currency", "status"],
                    "title": "Order"
                },
                "StaffUser": {
                    "properties": {
                        "user_id": {"type": "integer", "title": "User Id"},
                        "username": string("Username"),
                        "email": string("Email"),
                        "role": string("Role"),
                        "mfa_enabled": {"type": "boolean", "title": "Mfa Enabled"},
                        "last_login": nullable_string("Last Login")
                    },
                    "type": "object",
                    "required": ["user_id", "username", "email", "role"],
                    "title": "StaffUser"
                },
                "Token": {
                    "properties": {
                        "access_token": string("Access Token"),
                        "token_type": {"type": "string", "default": "bearer", "title": "Token Type"}
                    },
                    "type": "object",
                    "required": ["access_token"],
                    "title": "Token"
                },
                "ChatMessage": {
                    "properties": {
                        "role": {"type": "string", "enum": ["system", "user", "assistant"], "title": "Role"},
                        "content": string("Content")
                    },
                    "type": "object",
                    "required": ["role", "content"],
                    "title": "ChatMessage"
                },
                "ChatRequest": {
                    "properties": {
                        "messages": {"type": "array", "items": reference("ChatMessage"), "title": "Messages"},
                        "model": {"type": "string", "default": "acme-assist-1", "title": "Model"}
                    },
                    "type": "object",
                    "required": ["messages"],
                    "title": "ChatRequest"
                },
                "ChatResponse": {
                    "properties": {
                        "reply": string("Reply"),
                        "model": string("Model")
                    },
                    "type": "object",
                    "required": ["reply", "model"],
                    "title": "ChatResponse"
                },
                "HTTPValidationError": {
                    "properties": {
                        "detail": {
                            "items": reference("ValidationError"),
                            "type": "array",
                            "title": "Detail"
                        }
                    },
                    "type": "object",
                    "title": "HTTPValidationError"
                },
                "ValidationError": {
                    "properties": {
                        "loc": {
                            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            "type": "array",
                            "title": "Location"
                        },
                        "msg": {"type": "string", "title": "Message"},
                        "type": {"type": "string", "title": "Error Type"}
                    },
                    "type": "object",
                    "required": ["loc", "msg", "type"],
                    "title": "ValidationError"
                }
            },
            "securitySchemes": {
                "HTTPBearer": {"type": "http", "scheme": "bearer"}
            }
        }
    })
}

/// The spec as served (compact JSON, like FastAPI).
pub fn openapi_json(base_url: &str) -> String {
    document(base_url).to_string()
}
