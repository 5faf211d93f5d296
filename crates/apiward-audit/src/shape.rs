//! Name and shape heuristics shared by the checks: what looks like an id, a list, an admin
//! function, a page size, a URL input, an LLM front end.

use apiward_spec::{Operation, ParamLocation, SchemaId, Spec};

/// Lower-case path segments without parameters.
pub fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(|s| s.to_ascii_lowercase())
}

const ADMIN_WORDS: &[&str] = &[
    "admin",
    "admins",
    "administrator",
    "internal",
    "manage",
    "management",
    "debug",
    "sudo",
    "superuser",
    "staff",
    "backoffice",
    "ops",
    "actuator",
    "impersonate",
];

/// A liveness/readiness probe (`/health`, `/v2/ping`): public by design (the taxonomy's reading).
pub fn is_probe_endpoint(path: &str) -> bool {
    apiward_taxonomy::public_by_design(&apiward_taxonomy::Endpoint {
        method: "GET",
        path,
        operation_id: None,
    }) == Some(apiward_taxonomy::PublicReason::Probe)
}

/// An administrative or internal function, by path, tags or `x-internal`. A probe endpoint
/// (`/health`) tagged `ops` is not one: only its path could make it administrative.
pub fn is_admin_operation(op: &Operation) -> bool {
    segments(&op.path).any(|s| {
        ADMIN_WORDS.contains(&s.as_str())
            || s.starts_with("admin")
            || s.starts_with("_internal")
            || s.starts_with("__")
    }) || !is_probe_endpoint(&op.path)
        && op
            .tags
            .iter()
            .any(|t| ADMIN_WORDS.contains(&t.to_ascii_lowercase().as_str()))
        || op
            .extensions
            .iter()
            .any(|e| e == "x-internal" || e == "x-admin")
}

/// A parameter name that identifies an object (the taxonomy's reading of the whole name).
pub fn is_id_name(name: &str) -> bool {
    apiward_taxonomy::fields::is_id(name)
}

const PAGE_SIZE_NAMES: &[&str] = &[
    "limit",
    "per_page",
    "perpage",
    "page_size",
    "pagesize",
    "size",
    "count",
    "max",
    "max_results",
    "maxresults",
    "top",
    "$top",
    "first",
    "last",
    "take",
    "page[size]",
    "page[limit]",
    "num",
    "rows",
];

pub fn is_page_size_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    PAGE_SIZE_NAMES.contains(&n.as_str())
}

/// A GET whose success response is a list.
///
/// An item route (`/orders/{order_id}`, the last segment a parameter) returns one object even when
/// that object holds an array (an order's line items), and an object that carries other data
/// beside its array (a cart: `items` and `currency`) is one object too: a list page holds only its
/// array(s) and paging metadata (`next_cursor`, `total`, …).
pub fn is_list_operation(spec: &Spec, op: &Operation) -> bool {
    op.method == apiward_spec::Method::Get
        && !is_item_route(&op.path)
        && op.success_responses().any(|r| {
            r.content.iter().any(|m| {
                m.schema
                    .is_some_and(|s| spec.is_list_response(s) && is_page_shaped(spec, s))
            })
        })
}

/// `/orders/{order_id}`: the last path segment is a parameter.
pub fn is_item_route(path: &str) -> bool {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|s| s.starts_with('{') && s.ends_with('}'))
}

const PAGING_NAMES: &[&str] = &[
    "cursor",
    "next_cursor",
    "nextcursor",
    "prev_cursor",
    "next",
    "next_page",
    "nextpage",
    "previous",
    "prev",
    "page",
    "page_size",
    "pagesize",
    "per_page",
    "total",
    "total_count",
    "totalcount",
    "count",
    "limit",
    "offset",
    "has_more",
    "hasmore",
    "more",
    "links",
    "_links",
    "meta",
    "start_after",
    "next_token",
    "nexttoken",
    "continuation_token",
    "page_token",
    "next_page_token",
    "nextpagetoken",
    "last_evaluated_key",
    "lastevaluatedkey",
    "scanned_count",
    "scannedcount",
    "size",
    "pages",
    "total_pages",
];

/// Paging metadata of a list page (`next_cursor`, `total`, `has_more`, …).
pub fn is_paging_name(name: &str) -> bool {
    PAGING_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

/// A root array, or an object whose top-level members are arrays and paging metadata only.
fn is_page_shaped(spec: &Spec, root: SchemaId) -> bool {
    let top: Vec<_> = spec
        .flatten_properties(root, 1)
        .into_iter()
        .filter(|p| p.path == p.name)
        .collect();
    top.iter().all(|p| {
        let s = spec.schema(p.schema);
        s.has_type("array")
            || s.items.is_some()
            || PAGING_NAMES.contains(&p.name.to_ascii_lowercase().as_str())
    })
}

const LLM_WORDS: &[&str] = &[
    "chat",
    "chats",
    "completion",
    "completions",
    "assistant",
    "assistants",
    "ask",
    "prompt",
    "prompts",
    "llm",
    "chatbot",
];

/// An endpoint that looks like an LLM front end.
pub fn is_llm_operation(spec: &Spec, op: &Operation) -> bool {
    let by_path = segments(&op.path).any(|s| LLM_WORDS.contains(&s.as_str()));
    let by_body = op.request_body.as_ref().is_some_and(|b| {
        b.content.iter().any(|m| {
            m.schema.is_some_and(|s| {
                spec.schema(s)
                    .properties
                    .iter()
                    .any(|p| matches!(p.name.as_str(), "messages" | "prompt" | "system_prompt"))
            })
        })
    });
    by_path && op.method != apiward_spec::Method::Get || by_body
}

/// Query and path parameters.
pub fn url_params(op: &Operation) -> impl Iterator<Item = &apiward_spec::Parameter> {
    op.parameters
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Query | ParamLocation::Path))
}

/// `localhost`, `127.0.0.1`, `[::1]` and `0.0.0.0` server URLs.
pub fn is_local_url(url: &str) -> bool {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(url)
        .trim_start_matches('[');
    let host = rest
        .split(['/', ':', ']'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    // Self-hosted products document placeholder or LAN hosts (`http://HOSTNAME/api`,
    // `http://apicurio.local`): where they run is the installer's choice, not the API's.
    host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".localdomain")
        || !host.contains('.') && !host.contains(':')
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
        || host.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_urls() {
        assert!(is_local_url("http://localhost:8000"));
        assert!(is_local_url("http://127.0.0.1/api"));
        assert!(is_local_url("http://[::1]:80"));
        assert!(is_local_url("/api/v1"));
        assert!(!is_local_url("http://api.example.com"));
        assert!(!is_local_url("http://localhost.evil.com"));
        assert!(is_local_url("http://apicurio.local"));
        assert!(is_local_url("http://HOSTNAME/api/v3"));
        assert!(!is_local_url("http://staging-api.acme-shop.test"));
    }

    #[test]
    fn names() {
        assert!(is_id_name("user_id"));
        assert!(is_id_name("orderId"));
        assert!(!is_id_name("paid"));
        assert!(apiward_taxonomy::fields::is_url("callback_url"));
        assert!(apiward_taxonomy::fields::is_url("avatarUrl"));
        assert!(!apiward_taxonomy::fields::is_url("curl_count"));
        assert!(is_page_size_name("per_page"));
        assert!(!is_page_size_name("page"));
    }
}
