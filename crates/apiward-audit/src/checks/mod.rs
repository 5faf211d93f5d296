//! One file per rule (or per tightly related pair of rules).

use crate::Ctx;
use apiward_core::Finding;

mod admin_function_exposed;
mod api_key_in_query;
mod basic_auth_over_http;
mod deprecated_operation;
mod http_server_url;
mod insecure_external_ref;
mod internal_property_exposed;
mod list_without_limit;
mod llm_endpoint_unauthenticated;
mod mass_assignment_surface;
mod missing_api_version;
mod multiple_api_versions;
mod no_rate_limit_documented;
mod non_production_server;
mod open_write_schema;
mod operation_without_security;
mod predictable_object_ids;
mod security_disabled_on_sensitive_operation;
mod sensitive_data_exposed;
mod sensitive_data_in_url;
mod unbounded_input;
mod unused_security_scheme;
mod url_input;
mod weak_oauth_flow;
mod webhook_registration;

pub type Check = fn(&Ctx, &mut Vec<Finding>);

pub static ALL: &[Check] = &[
    operation_without_security::check,
    unused_security_scheme::check,
    security_disabled_on_sensitive_operation::check,
    basic_auth_over_http::check,
    api_key_in_query::check,
    weak_oauth_flow::check,
    predictable_object_ids::check,
    admin_function_exposed::check,
    internal_property_exposed::check,
    mass_assignment_surface::check,
    open_write_schema::check,
    unbounded_input::check,
    list_without_limit::check,
    no_rate_limit_documented::check,
    sensitive_data_exposed::check,
    sensitive_data_in_url::check,
    http_server_url::check,
    url_input::check,
    non_production_server::check,
    missing_api_version::check,
    deprecated_operation::check,
    multiple_api_versions::check,
    webhook_registration::check,
    insecure_external_ref::check,
    llm_endpoint_unauthenticated::check,
];

/// Does the operation return or accept sensitive data (by the property classifier)?
pub(crate) fn handles_sensitive_data(ctx: &Ctx, op: &apiward_spec::Operation) -> bool {
    let schemas = op
        .success_responses()
        .flat_map(|r| r.content.iter())
        .chain(op.request_body.iter().flat_map(|b| b.content.iter()))
        .filter_map(|m| m.schema);
    for s in schemas {
        for p in ctx.flatten(s, 6).iter() {
            if ctx.classify(&p.name, p.schema).is_some_and(|sp| !sp.masked) {
                return true;
            }
        }
    }
    false
}

/// Does a success response declare a schema with content (properties or items), not `{}`?
pub(crate) fn documents_response(ctx: &Ctx, op: &apiward_spec::Operation) -> bool {
    op.success_responses()
        .flat_map(|r| r.content.iter())
        .filter_map(|m| m.schema)
        .any(|s| !ctx.flatten(s, 6).is_empty())
}

/// "used by GET /a, GET /b and 3 more" (empty when unused).
pub fn used_by(users: &[&apiward_spec::Operation]) -> String {
    if users.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = users.iter().take(3).map(|o| o.label()).collect();
    let more = users.len().saturating_sub(3);
    if more > 0 {
        format!(" It protects {} and {more} more.", shown.join(", "))
    } else {
        format!(" It protects {}.", shown.join(", "))
    }
}
