//! APIW-PROP-102 (active): privileged properties (`role`, `is_admin`, `balance`, …, at any depth
//! and in the object's own casing) written to the scan's own objects and stored by the API.
//! Tests: `fires_mass_assignment_confirmed`, `near_miss_mass_assignment_confirmed`,
//! `fires_mass_assignment_confirmed_nested_undocumented` (tests/rules_runtime.rs).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_http::{Method, Request};
use apiward_rules::property_authorization;
use serde_json::{Map, Value, json};

/// Privileged properties probed for mass assignment (the taxonomy's privileged fields). Ownership
/// fields are left out: moving the scan's own object to another owner could make the revert fail
/// and hand the object to someone else.
fn is_privileged(name: &str) -> bool {
    use apiward_taxonomy::fields::Privilege;
    matches!(
        apiward_taxonomy::fields::privilege(name),
        Some((Privilege::Role | Privilege::Money | Privilege::Status, _))
    )
}

/// The escalated value of a privileged property, from its current value (`None` when the current
/// value already is the escalated one).
fn escalate(name: &str, current: Option<&Value>) -> Option<Value> {
    match current {
        Some(Value::Bool(true)) => None,
        Some(Value::Bool(false)) => Some(json!(true)),
        Some(Value::Number(n)) => Some(json!(n.as_f64().unwrap_or(0.0) as i64 + 100_000)),
        Some(Value::String(v)) if v.eq_ignore_ascii_case("admin") => None,
        Some(Value::String(_)) => Some(json!("admin")),
        Some(Value::Array(a)) if a.iter().any(|x| x == "admin") => None,
        Some(Value::Array(a)) => {
            let mut a = a.clone();
            a.push(json!("admin"));
            Some(Value::Array(a))
        }
        Some(_) => None,
        None => {
            let l = name.to_ascii_lowercase();
            if l.starts_with("is") || l.contains("verified") || l.contains("approved") {
                Some(json!(true))
            } else {
                Some(json!("admin"))
            }
        }
    }
}

/// Deepest nesting probed: `settings.account.role`.
const MAX_DEPTH: usize = 3;

/// Dotted paths of the privileged fields present in `v`'s objects (arrays are not entered: an
/// element cannot be addressed by a write).
fn privileged_paths(v: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    let Value::Object(m) = v else { return };
    if depth >= MAX_DEPTH {
        return;
    }
    for (k, x) in m {
        let here = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if is_privileged(k) && !out.contains(&here) {
            out.push(here.clone());
        }
        privileged_paths(x, &here, depth + 1, out);
    }
}

fn get_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |at, k| at.get(k))
}

/// Set `path` in `v`, creating objects on the way (never replacing a non-object on the way).
fn set_path(v: &mut Value, path: &str, new: Value) -> bool {
    let mut at = v;
    let mut parts = path.split('.').peekable();
    while let Some(k) = parts.next() {
        let Value::Object(m) = at else { return false };
        if parts.peek().is_none() {
            m.insert(k.to_string(), new);
            return true;
        }
        at = m
            .entry(k.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    false
}

/// The write body that sets `changes` (dotted paths). A nested change carries its whole top-level
/// member as read, with only that leaf changed, so an API that replaces nested objects on PATCH
/// loses nothing; a revert sends those members back as they were.
fn changes_body(original: &Value, base: Map<String, Value>, changes: &Map<String, Value>) -> Value {
    let mut body = Value::Object(base);
    for (path, v) in changes {
        let top = path.split('.').next().unwrap_or(path);
        if path.contains('.')
            && let (Some(orig), Value::Object(b)) = (original.get(top), &mut body)
            && !b.contains_key(top)
        {
            b.insert(top.to_string(), orig.clone());
        }
        set_path(&mut body, path, v.clone());
    }
    body
}

/// Mass assignment on the scan's own objects only: the writer's own account (`PATCH /me`) or an
/// object the identity created. Read the object, write privileged properties, read it back,
/// then write the original values back and check they stuck. Properties absent from the read are
/// probed only on created objects (deleted at the end), since nothing could restore them.
pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = s.spec.clone() else { return };
    // (op, url, identity, fields, created object)
    let mut targets: Vec<(usize, String, crate::Identity, Vec<String>, bool)> = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        if !matches!(
            op.method,
            apiward_spec::Method::Patch | apiward_spec::Method::Put
        ) || s.guard.callable(i).is_err()
        {
            continue;
        }
        // Documented privileged fields at any depth (`settings.role`); those the object itself
        // carries are added once it has been read.
        let fields: Vec<String> = op
            .request_body
            .iter()
            .flat_map(|b| b.content.iter().filter_map(|m| m.schema))
            .flat_map(|root| spec.flatten_properties(root, MAX_DEPTH))
            .filter(|p| !p.path.contains("[]") && is_privileged(&p.name))
            .map(|p| p.path)
            .collect();
        if s.guard.is_own_account(i) {
            let planned = crate::plan::plan(&spec, i, op, &s.harvest);
            for id in &s.identities {
                targets.push((
                    i,
                    s.url(&planned.path_and_query),
                    id.clone(),
                    fields.clone(),
                    false,
                ));
            }
        }
        for (obj, creator) in s.guard.created_objects() {
            let Some(id) = creator.and_then(|c| s.identities.iter().find(|x| x.name == c).cloned())
            else {
                continue;
            };
            if s.guard.fits(i, &obj) {
                targets.push((i, s.root_url(&obj), id, fields.clone(), true));
            }
        }
    }
    // Operations that document privileged fields first: the probe is capped.
    targets.sort_by_key(|t| t.3.is_empty());
    let bodies: Vec<Vec<String>> = targets
        .iter()
        .map(|(i, ..)| {
            spec.operations[*i]
                .request_body
                .iter()
                .flat_map(|b| b.content.iter().filter_map(|m| m.schema))
                .flat_map(|root| spec.flatten_properties(root, 1))
                .map(|p| p.name)
                .collect()
        })
        .collect();
    let labels: Vec<(String, apiward_spec::Method)> = targets
        .iter()
        .map(|(i, ..)| (spec.operations[*i].path.clone(), spec.operations[*i].method))
        .collect();
    for (((i, url, id, fields, created), names), (template, op_method)) in
        targets.into_iter().zip(bodies).zip(labels).take(6)
    {
        let read = |url: &str, id: &crate::Identity| ScanRequest {
            purpose: Purpose::Probe,
            op: None,
            path: template.clone(),
            identity: Some(id.clone()),
            request: Request::get(url.to_string()).header("cache-control", "no-cache"),
        };
        let Some(before) = s.send(read(&url, &id)).await else {
            continue;
        };
        let Some(original) = s
            .obs(before)
            .json
            .clone()
            .filter(|_| s.obs(before).is_success())
        else {
            continue;
        };
        // Privileged fields the object carries, in the object's own casing (`isAdmin`,
        // `account.accessLevel`), whether or not the request schema lists them.
        let mut fields = fields;
        privileged_paths(&original, "", 0, &mut fields);
        let mut escalated = Map::new();
        for f in &fields {
            let current = get_path(&original, f);
            if current.is_none() && !created {
                continue;
            }
            let leaf = f.rsplit('.').next().unwrap_or(f);
            if let Some(v) = escalate(leaf, current) {
                escalated.insert(f.clone(), v);
            }
        }
        // A bounded probe: a handful of fields per object.
        while escalated.len() > 8 {
            let Some(last) = escalated.keys().next_back().cloned() else {
                break;
            };
            escalated.remove(&last);
        }
        if escalated.is_empty() {
            continue;
        }
        let method = if op_method == apiward_spec::Method::Put {
            Method::PUT
        } else {
            Method::PATCH
        };
        let write_body = |changes: &Map<String, Value>| -> Vec<u8> {
            let base = if method == Method::PUT {
                crate::writes::write_back_body(&original, &names)
                    .and_then(|v| v.as_object().cloned())
                    .unwrap_or_default()
            } else {
                Map::new()
            };
            changes_body(&original, base, changes)
                .to_string()
                .into_bytes()
        };
        let write = |body: Vec<u8>| ScanRequest {
            purpose: Purpose::Probe,
            op: Some(i),
            path: template.clone(),
            identity: Some(id.clone()),
            request: Request::new(method.clone(), url.clone())
                .header("content-type", "application/json")
                .body(body),
        };
        if s.send(write(write_body(&escalated))).await.is_none() {
            continue;
        }
        // Read it back: a value reflected only in the write's answer may never have been stored.
        let after = s.send(read(&url, &id)).await;
        let stuck: Vec<String> = after
            .and_then(|a| s.obs(a).json.as_ref().map(|j| (a, j)))
            .map(|(_, j)| {
                escalated
                    .iter()
                    .filter(|(k, v)| get_path(j, k) == Some(v))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        // Revert what changed (created objects are deleted at the end; revert them too).
        let originals: Map<String, Value> = escalated
            .keys()
            .filter_map(|k| get_path(&original, k).map(|v| (k.clone(), v.clone())))
            .collect();
        let object = s.guard.object_path(&url);
        if !originals.is_empty() {
            s.send(write(write_body(&originals))).await;
            s.guard.label_last_write("revert");
            if let Some(check) = s.send(read(&url, &id)).await
                && let Some(j) = &s.obs(check).json
                && originals.iter().all(|(k, v)| get_path(j, k) == Some(v))
            {
                s.guard.mark_reverted(&object);
            } else {
                s.note(
                    apiward_core::DiagnosticLevel::Warning,
                    "scan.revert-unverified",
                    format!(
                        "the mass-assignment probe of {object} could not verify that its original values were restored"
                    ),
                );
            }
        }
        if stuck.is_empty() {
            continue;
        }
        let Some(a) = after else { continue };
        let o = s.obs(a);
        out.push(
            Finding::new(
                &property_authorization::MASS_ASSIGNMENT_CONFIRMED,
                FindingSource::Runtime,
                Location::operation(method.as_str(), &template),
                "",
                format!(
                    "{} {} accepts privileged properties from the client",
                    method.as_str(),
                    template
                ),
                format!(
                    "A {} by `{}` to its own {} setting {} was stored (read back with GET), then reverted.",
                    method.as_str(),
                    id.name,
                    if created { "object" } else { "account" },
                    stuck
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(o, "privileged property stored", &[])),
        );
    }
}
