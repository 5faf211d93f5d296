//! APIW-PROP-002: write operations accepting privileged properties.

use crate::Ctx;
use apiward_core::Finding;
use apiward_rules::property_authorization::MASS_ASSIGNMENT_SURFACE as RULE;

const PRIVILEGED: &[&str] = &[
    "role",
    "roles",
    "is_admin",
    "isadmin",
    "admin",
    "is_superuser",
    "superuser",
    "is_staff",
    "permissions",
    "permission",
    "scopes",
    "privileges",
    "balance",
    "credit",
    "credits",
    "owner_id",
    "ownerid",
    "owner",
    "account_id",
    "tenant_id",
    "tenantid",
    "verified",
    "is_verified",
    "email_verified",
    "approved",
    "is_approved",
    "plan",
    "tier",
    "group_id",
];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if op.method.is_safe() || op.method == apiward_spec::Method::Delete {
            continue;
        }
        let Some(body) = &op.request_body else {
            continue;
        };
        let mut hits: Vec<(String, apiward_spec::Loc)> = Vec::new();
        for m in &body.content {
            let Some(root) = m.schema else { continue };
            let props = ctx.flatten(root, 4);
            for p in props.iter() {
                let lname = p.name.to_ascii_lowercase();
                let schema = ctx.spec.schema(p.schema);
                if schema.read_only {
                    continue;
                }
                if lname == "role" && is_chat_message_role(&p.path, &p.name, &props) {
                    continue;
                }
                if PRIVILEGED.contains(&lname.as_str()) && !hits.iter().any(|h| h.0 == p.path) {
                    hits.push((p.path.clone(), p.loc.clone()));
                }
            }
        }
        let Some((_, first)) = hits.first() else {
            continue;
        };
        let names: Vec<String> = hits.iter().map(|h| format!("`{}`", h.0)).collect();
        out.push(ctx.finding(
            &RULE,
            ctx.at(op, first),
            "",
            format!("{} accepts privileged properties", op.label()),
            format!(
                "The request body of {} accepts {}; if the server binds the body to the stored object, callers can set them.",
                op.label(),
                names.join(", ")
            ),
        ));
    }
}

/// `messages[].role` beside `messages[].content`: the author of a chat message (user, assistant),
/// not a privilege.
fn is_chat_message_role(path: &str, name: &str, props: &[apiward_spec::PropertyPath]) -> bool {
    let prefix = &path[..path.len() - name.len()];
    props.iter().any(|q| {
        q.path.strip_prefix(prefix).is_some_and(|rest| {
            matches!(
                rest.to_ascii_lowercase().as_str(),
                "content" | "text" | "parts" | "message"
            )
        })
    })
}
