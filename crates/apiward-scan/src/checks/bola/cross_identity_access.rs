//! APIW-BOLA-002 (L2): identity B gets an object that is identity A's as a fact (A created it, or
//! only A's responses carried its key). Both requests are the evidence.
//! Tests: `fires_cross_identity_access`, `near_miss_cross_identity_access` (tests/rules_runtime.rs,
//! tests/identities.rs).

use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_http::{Method, Request};
use apiward_rules::bola as rules;

use super::body_key;
use crate::ownership::{object_key, owner_of};

/// Whether `json` carries exactly `value` under a key that means `param` (`{slug}` ← `slug`,
/// `{user_id}` ← `id` or `userId`).
fn carries(json: &serde_json::Value, param: &str, value: &str) -> bool {
    let id_param = {
        let w = apiward_taxonomy::words(param);
        w.last().is_some_and(|l| l == "id")
    };
    let mut stack = vec![(json, 0usize)];
    let mut budget = 2000usize;
    while let Some((v, depth)) = stack.pop() {
        if budget == 0 || depth > 6 {
            return false;
        }
        budget -= 1;
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let text = match x {
                        serde_json::Value::String(t) => Some(t.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    };
                    match text {
                        Some(t) if t == value => {
                            if crate::plan::meaning_score(param, k) > 0
                                || (id_param && k.eq_ignore_ascii_case("id"))
                            {
                                return true;
                            }
                        }
                        Some(_) => {}
                        None => stack.push((x, depth + 1)),
                    }
                }
            }
            serde_json::Value::Array(a) => stack.extend(a.iter().take(50).map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    false
}

/// L2: identity B asks for objects that are identity A's as a fact (A created them, or only A's
/// responses carried their key). B getting A's object — the same body, or the key value at a
/// key that means it — is confirmed BOLA; both requests are the evidence.
pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    if s.identities.len() < 2 {
        return;
    }
    // (A's observation, param, value, owner, why)
    let mut targets: Vec<(usize, String, String, String, &'static str)> = Vec::new();
    let mut per_op = std::collections::BTreeSet::new();
    for (i, o) in s.store.observations.iter().enumerate() {
        if o.exchange.method != Method::GET
            || !o.is_success()
            || o.purpose == Purpose::Discovery
            || !o.path.ends_with('}')
            || o.op.is_none()
        {
            continue;
        }
        let Some(a) = o.identity.as_deref() else {
            continue;
        };
        if a.contains(" (tampered)") {
            continue;
        }
        let Some((param, value)) = object_key(&o.path, &o.exchange.url) else {
            continue;
        };
        let Some((owner, why)) = owner_of(s, &o.exchange.url, &param, &value) else {
            continue;
        };
        // Public objects are not anybody's: the same URL answered without credentials.
        let public = s.store.iter().any(|x| {
            x.anonymous()
                && x.exchange.method == Method::GET
                && x.exchange.url == o.exchange.url
                && x.is_success()
        });
        if owner != a || public || !per_op.insert((o.path.clone(), owner.clone())) {
            continue;
        }
        targets.push((i, param, value, owner, why));
        if targets.len() >= 20 {
            break;
        }
    }
    let mut done = std::collections::BTreeSet::new();
    for (ai, param, value, owner, why) in targets {
        let (op, path, url) = {
            let o = s.obs(ai);
            (o.op, o.path.clone(), o.exchange.url.clone())
        };
        let others: Vec<crate::Identity> = s
            .identities
            .iter()
            .filter(|b| b.name != owner)
            .cloned()
            .collect();
        for b in others {
            if done.contains(&path) {
                break;
            }
            // B's own earlier request of this URL, else one now.
            let earlier = s.store.observations.iter().position(|x| {
                x.identity.as_deref() == Some(b.name.as_str())
                    && x.exchange.method == Method::GET
                    && x.exchange.url == url
            });
            let bi = match earlier {
                Some(j) => Some(j),
                None => {
                    s.send(ScanRequest {
                        purpose: Purpose::Probe,
                        op,
                        path: path.clone(),
                        identity: Some(b.clone()),
                        request: Request::get(url.clone()),
                    })
                    .await
                }
            };
            let Some(bi) = bi else { continue };
            let (ao, bo) = (s.obs(ai), s.obs(bi));
            if !bo.is_success() || bo.exchange.body.is_empty() {
                continue;
            }
            let same_body = body_key(ao) == body_key(bo);
            let has_key = bo.json.as_ref().is_some_and(|j| carries(j, &param, &value));
            if !same_body && !has_key {
                continue;
            }
            done.insert(path.clone());
            let data: Vec<&apiward_detect::Match> = bo
                .body_matches
                .iter()
                .filter(|m| m.is_significant())
                .collect();
            out.push(
                Finding::new(
                    &rules::CROSS_IDENTITY_ACCESS,
                    FindingSource::Runtime,
                    crate::evidence::at(bo),
                    "",
                    format!("{} returns `{owner}`'s object to `{}`", bo.label(), b.name),
                    format!(
                        "The object `{param}` = `{}` is `{owner}`'s ({why}); `{}` got it with status {} ({}).",
                        // An object key (id, slug, title), cut short: not a personal value.
                        value.chars().take(40).collect::<String>(),
                        b.name,
                        bo.status(),
                        if same_body {
                            "the same body"
                        } else {
                            "a body carrying the same key value"
                        }
                    ),
                )
                .confidence(Confidence::Certain)
                .evidence(response(ao, format!("`{owner}` reads its own object"), &[]))
                .evidence(response(bo, format!("`{}` read `{owner}`'s object", b.name), &data)),
            );
        }
    }
}
