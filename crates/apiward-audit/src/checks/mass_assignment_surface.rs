//! APIW-PROP-002: write operations accepting privileged properties (`role`, `is_admin`,
//! `balance`, `owner_id`, … as the taxonomy names them). One finding per declaring schema.
//!
//! Tests: `fires_mass_assignment_surface_privileged_role_not_chat_message_role`,
//! `near_miss_mass_assignment_surface` (src/tests.rs, src/tests/rules.rs).

use crate::{Ctx, is_component};
use apiward_core::{Confidence, Finding, Severity};
use apiward_rules::property_authorization::MASS_ASSIGNMENT_SURFACE as RULE;
use apiward_spec::{Loc, Operation};
use apiward_taxonomy::Strength;
use apiward_taxonomy::fields::privilege;
use std::collections::BTreeMap;

fn declaring_schema(loc: &Loc) -> String {
    match loc.pointer.rfind("/properties/") {
        Some(i) => loc.pointer[..i].to_string(),
        None => loc.pointer.to_string(),
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    type Group<'a> = (Vec<(String, Loc, Strength)>, Vec<&'a Operation>);
    let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
    for op in ctx.operations() {
        if op.method.is_safe() || op.method == apiward_spec::Method::Delete {
            continue;
        }
        // Sign-up and login bodies carry who the caller is, not privileges to take; an endpoint
        // whose job is to grant roles or permissions takes them on purpose (its authorization
        // is APIW-BFLA's question, not mass assignment).
        if crate::public_reason(op).is_some() || manages_privileges(op) {
            continue;
        }
        // A documented request field is an intended input; it is a mass-assignment surface when
        // the operation lets a caller update a user or account object (their own profile),
        // where a role or balance must not be settable.
        if !updates_user_object(op) {
            continue;
        }
        let Some(body) = &op.request_body else {
            continue;
        };
        let mut seen_here = std::collections::BTreeSet::new();
        for m in &body.content {
            let Some(root) = m.schema else { continue };
            let props = ctx.flatten(root, 4);
            for p in props.iter() {
                let schema = ctx.spec.schema(p.schema);
                if schema.read_only {
                    continue;
                }
                // Mass assignment binds the body's own fields: nested objects (`policy.bindings[].role`)
                // are data of their own.
                if p.path != p.name {
                    continue;
                }
                let Some((_, strength)) = privilege(&p.name) else {
                    continue;
                };
                if p.name.eq_ignore_ascii_case("role")
                    && is_chat_message_role(&p.path, &p.name, &props)
                {
                    continue;
                }
                let key = (p.loc.doc, declaring_schema(&p.loc));
                let g = groups.entry(key.clone()).or_default();
                if !g.0.iter().any(|h| h.1 == p.loc) {
                    g.0.push((p.path.clone(), p.loc.clone(), strength));
                }
                if seen_here.insert(key) {
                    g.1.push(op);
                }
            }
        }
    }
    for ((_, schema_ptr), (hits, ops)) in groups {
        let Some((_, first, _)) = hits.first() else {
            continue;
        };
        let names: Vec<String> = hits.iter().map(|h| format!("`{}`", h.0)).collect();
        let strong = hits.iter().any(|h| h.2 == Strength::Strong);
        let shared = is_component(&schema_ptr);
        let title = match (ops.as_slice(), shared) {
            ([one], false) => format!("{} accepts privileged properties", one.label()),
            _ => format!(
                "Schema `{}` accepts privileged properties on {} write operation(s)",
                schema_ptr.rsplit('/').next().unwrap_or(&schema_ptr),
                ops.len()
            ),
        };
        let mut f = ctx
            .declared(
                &RULE,
                first,
                &ops,
                "",
                title,
                format!(
                    "The request body accepts {}; if the server binds the body to the stored object, callers can set them.",
                    names.join(", ")
                ),
            )
            // Whether the server binds them is the code's business: a name in a request schema
            // is a surface to review, medium at most.
            .severity(if strong { Severity::Medium } else { Severity::Low })
            .confidence(Confidence::Tentative);
        if shared {
            f.fingerprint = apiward_core::fingerprint(RULE.id, None, None, &schema_ptr);
        }
        out.push(f);
    }
}

/// `messages[].role` beside `messages[].content`: the author of a chat message (user, assistant),
/// not a privilege.
fn is_chat_message_role(path: &str, name: &str, props: &[apiward_spec::PropertyPath]) -> bool {
    let prefix = &path[..path.len().saturating_sub(name.len())];
    props.iter().any(|q| {
        q.path.strip_prefix(prefix).is_some_and(|rest| {
            matches!(
                rest.to_ascii_lowercase().as_str(),
                "content" | "text" | "parts" | "message"
            )
        })
    })
}

/// Words of an endpoint that manages roles, permissions, memberships or credentials.
const PRIVILEGE_WORDS: &[&str] = &[
    "member",
    "members",
    "membership",
    "memberships",
    "collaborator",
    "collaborators",
    "role",
    "roles",
    "permission",
    "permissions",
    "grant",
    "grants",
    "binding",
    "bindings",
    "policy",
    "policies",
    "iam",
    "acl",
    "acls",
    "invitation",
    "invitations",
    "invite",
    "invites",
    "access",
    "share",
    "shares",
    "sharing",
    "token",
    "tokens",
    "credentials",
    "assignment",
    "assignments",
];

fn manages_privileges(op: &Operation) -> bool {
    let path_words = op
        .path
        .split('/')
        .filter(|s| !s.starts_with('{'))
        .flat_map(apiward_taxonomy::words);
    let id_words = op
        .operation_id
        .as_deref()
        .map(apiward_taxonomy::words)
        .unwrap_or_default();
    path_words
        .chain(id_words)
        .any(|w| PRIVILEGE_WORDS.contains(&w.as_str()))
}

/// A PUT/PATCH on a user or account object itself: the last static path segment names it
/// (`/me`, `/users/{id}`, `/account`, `/profile`), not a sub-resource of it (`/users/{id}/cards`).
fn updates_user_object(op: &Operation) -> bool {
    if !matches!(
        op.method,
        apiward_spec::Method::Put | apiward_spec::Method::Patch
    ) {
        return false;
    }
    let last = op
        .path
        .split('/')
        .rfind(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or("");
    let w = apiward_taxonomy::words(last);
    w.len() == 1
        && matches!(
            w[0].as_str(),
            "me" | "self"
                | "profile"
                | "profiles"
                | "account"
                | "user"
                | "users"
                | "customer"
                | "customers"
                | "member"
                | "members"
                | "settings"
        )
}
