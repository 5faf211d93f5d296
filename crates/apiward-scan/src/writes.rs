//! Active mode's writes beyond creates: updates sent only where the guard allows them (the scan's
//! own objects, or no-op write-backs of values just read), and the cleanup that deletes what the
//! scan created. The guard ([`crate::guard`]) verifies every one of these; this module only plans
//! requests it will admit.

use crate::store::Purpose;
use crate::{Identity, ScanRequest, Scanner};
use apiward_http::{Method, Request};
use apiward_spec::{Operation, Spec};
use serde_json::{Map, Value};

/// A POST to a collection (`POST /things`, `POST /things/{id}/comments`): it creates an object.
pub fn is_create(s: &Scanner, spec: &Spec, op: usize) -> bool {
    let Some(o) = spec.operations.get(op) else {
        return false;
    };
    o.method == apiward_spec::Method::Post
        && !o.path.trim_end_matches('/').ends_with('}')
        && !s.guard.is_own_account(op)
}

/// The names a request body declares (top level), to keep a write-back to what the operation
/// accepts.
fn body_names(spec: &Spec, op: &Operation) -> Vec<String> {
    op.request_body
        .iter()
        .flat_map(|b| b.content.iter().filter_map(|m| m.schema))
        .flat_map(|root| spec.flatten_properties(root, 1))
        .map(|p| p.name)
        .collect()
}

/// `read` restricted to the names the operation accepts (all of it when it declares none).
pub fn write_back_body(read: &Value, names: &[String]) -> Option<Value> {
    let obj = read.as_object()?;
    if names.is_empty() {
        return Some(read.clone());
    }
    let kept: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| names.iter().any(|n| n == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(Value::Object(kept))
}

fn method_of(op: &Operation) -> Method {
    Method::from_bytes(op.method.as_str().as_bytes()).unwrap_or(Method::PATCH)
}

/// One update per identity (and anonymous) for every update operation the guard would admit: to
/// an object the identity created itself (a real update of the scan's own object), else a no-op
/// write-back of the object's current values, read just before. Objects another identity created
/// receive a no-op write-back too: accepting it is the cross-identity write check's evidence.
pub async fn update_phase(s: &mut Scanner) {
    let Some(spec) = s.spec.clone() else { return };
    let who: Vec<Option<Identity>> = std::iter::once(None)
        .chain(s.identities.iter().cloned().map(Some))
        .collect();
    // (op, url, identity, own object)
    let mut targets: Vec<(usize, String, Option<Identity>, bool)> = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        let update = matches!(
            op.method,
            apiward_spec::Method::Put | apiward_spec::Method::Patch | apiward_spec::Method::Post
        ) && !is_create(s, &spec, i);
        if !update || op.is_webhook {
            continue;
        }
        if let Err(why) = s.guard.callable(i) {
            s.guard.skip(i, why);
            continue;
        }
        let created: Vec<(String, Option<String>)> = s
            .guard
            .created_objects()
            .into_iter()
            .filter(|(p, _)| s.guard.fits(i, p))
            .collect();
        let planned = crate::plan::plan(&spec, i, op, &s.harvest);
        let planned_url = s.url(&planned.path_and_query);
        // Each identity's own existing objects (its account record, its orders: its key values
        // seen only in its own responses) also get the others' no-op write-backs.
        let mut owned_urls: Vec<String> = Vec::new();
        if created.is_empty() {
            for id in &s.identities {
                let p = crate::plan::plan_for(&spec, i, op, &s.harvest, Some(&id.name));
                let url = s.url(&p.path_and_query);
                let owned = crate::ownership::object_key(&op.path, &url)
                    .and_then(|(param, value)| crate::ownership::owner_of(s, &url, &param, &value))
                    .is_some_and(|(owner, _)| owner == id.name);
                if owned && url != planned_url && !owned_urls.contains(&url) {
                    owned_urls.push(url);
                }
            }
        }
        for w in &who {
            let name = w.as_ref().map(|x| x.name.clone());
            if let Some((p, _)) = created.iter().find(|(_, c)| *c == name) {
                targets.push((i, s.root_url(p), w.clone(), true));
            }
            // Objects another identity created: a no-op write-back.
            for (p, _) in created.iter().filter(|(_, c)| *c != name) {
                targets.push((i, s.root_url(p), w.clone(), false));
            }
            if created.is_empty() {
                targets.push((i, planned_url.clone(), w.clone(), false));
                for url in &owned_urls {
                    targets.push((i, url.clone(), w.clone(), false));
                }
            }
        }
        s.coverage.exercised += 1;
    }
    // Read the current state of every object a write-back targets, as its creator (or the first
    // identity), through the guard like any request.
    let mut reads: Vec<ScanRequest> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, url, _, own) in &targets {
        if *own || !seen.insert(url.clone()) {
            continue;
        }
        let obj = s.guard.object_path(url);
        let reader = match s.guard.creator_of(&obj) {
            Some(creator) => {
                creator.and_then(|c| s.identities.iter().find(|x| x.name == c).cloned())
            }
            // An existing object is read by its owner when the scan knows it as a fact, so the
            // other identities write back the owner's own values (a no-op the API must refuse).
            None => {
                let template = &spec.operations[*i].path;
                crate::ownership::object_key(template, url)
                    .and_then(|(param, value)| crate::ownership::owner_of(s, url, &param, &value))
                    .and_then(|(owner, _)| s.identities.iter().find(|x| x.name == owner).cloned())
                    .or_else(|| s.identities.first().cloned())
            }
        };
        reads.push(ScanRequest {
            purpose: Purpose::Probe,
            op: None,
            path: spec.operations[*i].path.clone(),
            identity: reader,
            request: Request::get(url.clone()),
        });
    }
    s.send_all(reads).await;
    let mut sends = Vec::new();
    // Operations with a target whose current state could not be read (listed as not called
    // only when no other target of theirs was sent).
    let mut unread: Vec<usize> = Vec::new();
    for (i, url, identity, own) in targets {
        let op = &spec.operations[i];
        let body = if own {
            crate::sample::sample_body(&spec, op)
        } else {
            let names = body_names(&spec, op);
            let who = identity.as_ref().map(|x| x.name.as_str());
            match s
                .guard
                .last_read(&url, who)
                .and_then(|r| write_back_body(r, &names))
            {
                Some(b) => b.to_string().into_bytes(),
                None => {
                    unread.push(i);
                    continue;
                }
            }
        };
        sends.push(ScanRequest {
            purpose: Purpose::Crawl,
            op: Some(i),
            path: op.path.clone(),
            identity,
            request: Request::new(method_of(op), url)
                .header("content-type", "application/json")
                .body(body),
        });
    }
    let sent: std::collections::BTreeSet<usize> = sends.iter().filter_map(|r| r.op).collect();
    for i in unread {
        if !sent.contains(&i) {
            s.guard.skip(
                i,
                "no current state could be read at the object's URL (updates send only the values just read)",
            );
        }
    }
    s.send_all(sends).await;
}

/// Delete every object the scan created, as its creator, where the spec documents a DELETE for
/// it. What cannot be deleted stays in the journal as not reverted.
pub async fn cleanup(s: &mut Scanner) {
    let Some(spec) = s.spec.clone() else { return };
    let mut sends = Vec::new();
    for (obj, creator) in s.guard.created_objects() {
        let Some(i) =
            spec.operations.iter().enumerate().position(|(i, o)| {
                o.method == apiward_spec::Method::Delete && s.guard.fits(i, &obj)
            })
        else {
            continue;
        };
        let identity = creator.and_then(|c| s.identities.iter().find(|x| x.name == c).cloned());
        sends.push(ScanRequest {
            purpose: Purpose::Probe,
            op: Some(i),
            path: spec.operations[i].path.clone(),
            identity,
            request: Request::new(Method::DELETE, s.root_url(&obj)),
        });
    }
    s.send_all(sends).await;
    let left = s.guard.created_objects().len();
    if left > 0 {
        s.note(
            apiward_core::DiagnosticLevel::Warning,
            "scan.created-objects-left",
            format!(
                "{left} object(s) the scan created could not be deleted (no DELETE documented, or it failed); they are listed in the write journal"
            ),
        );
    }
}
