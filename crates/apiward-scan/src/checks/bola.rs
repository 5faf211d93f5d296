//! bola at runtime: APIW-BOLA-001 adjacent ids reachable without credentials (L0), -002 another
//! identity's object returned (L2). Evidence is counts of distinct objects, never the objects.

use crate::evidence::response;
use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::bola as rules;

/// Neighbours of an id: `1001` → 1000, 1002, 999, 1003; `u1001` → u1000, u1002, …; `kyc-0001` keeps
/// its width.
pub fn adjacent(id: &str) -> Vec<String> {
    let digits_start = id
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let Some(start) = digits_start else {
        return Vec::new();
    };
    let (prefix, digits) = id.split_at(start);
    if digits.len() > 18 {
        return Vec::new();
    }
    let Ok(n) = digits.parse::<i64>() else {
        return Vec::new();
    };
    let width = digits.len();
    let pad = digits.starts_with('0') && width > 1;
    [1i64, -1, 2, -2]
        .iter()
        .filter_map(|d| {
            let m = n + d;
            (m >= 0).then(|| {
                if pad {
                    format!("{prefix}{m:0width$}")
                } else {
                    format!("{prefix}{m}")
                }
            })
        })
        .collect()
}

/// The concrete URL with the last path segment replaced.
pub(crate) fn replace_last_segment(url: &str, value: &str) -> Option<String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base.rfind('/')?;
    let mut out = format!("{}/{}", &base[..cut], crate::plan::encode(value));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

pub(crate) fn last_segment(url: &str) -> &str {
    url.split('?')
        .next()
        .unwrap_or(url)
        .rsplit('/')
        .next()
        .unwrap_or("")
}

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    adjacent_ids(s, out).await;
    cross_identity(s, out).await;
}

/// Active: `APIW-BOLA-003`. For item routes that answered, ask for `ID%2F..%2FNEIGHBOUR`: a router
/// or proxy that decodes and normalizes the path serves the neighbour's object under the permitted
/// id. Only encoded separators are sent (a literal `/../` is normalized away by URL parsers).
pub async fn id_traversal(s: &mut Scanner, out: &mut Vec<Finding>) {
    let targets: Vec<(Option<usize>, String, String, Option<String>)> = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.is_success()
                && o.exchange.method == Method::GET
                && o.path.ends_with('}')
                && !o.exchange.body.is_empty()
        })
        .map(|o| {
            (
                o.op,
                o.path.clone(),
                o.exchange.url.clone(),
                o.identity.clone(),
            )
        })
        .take(20)
        .collect();
    let mut done = std::collections::BTreeSet::new();
    for (op, path, url, who) in targets {
        if !done.insert(path.clone()) {
            continue;
        }
        let id = last_segment(&url).to_string();
        let Some(next) = adjacent(&id).into_iter().next() else {
            continue;
        };
        let identity = who.and_then(|n| s.identities.iter().find(|i| i.name == n).cloned());
        let (Some(neighbour), Some(smuggled)) = (
            replace_last_segment(&url, &next),
            replace_last_segment(&url, &id)
                .map(|u| format!("{u}%2F..%2F{}", crate::plan::encode(&next))),
        ) else {
            continue;
        };
        let mk = |u: String| ScanRequest {
            purpose: Purpose::Probe,
            op,
            path: path.clone(),
            identity: identity.clone(),
            request: Request::get(u),
        };
        let got = s.send_all(vec![mk(neighbour), mk(smuggled)]).await;
        let (Some(n), Some(t)) = (got[0], got[1]) else {
            continue;
        };
        let (no, to) = (s.obs(n), s.obs(t));
        let original = s.store.iter().find(|o| o.exchange.url == url).map(body_key);
        // Either the neighbour is reachable directly and the smuggled id returns exactly it, or
        // direct access is refused and the smuggled id still returns another JSON object: the
        // case the rule is mainly about.
        let other_object = to.is_success()
            && to.json.as_ref().is_some_and(|j| j.is_object())
            && original.as_deref() != Some(body_key(to).as_str());
        let same_as_neighbour = no.is_success() && body_key(no) == body_key(to);
        let neighbour_refused = matches!(no.status(), 401 | 403 | 404);
        if other_object && (same_as_neighbour || neighbour_refused) {
            out.push(
                Finding::new(
                    &rules::ID_TRAVERSAL,
                    FindingSource::Runtime,
                    crate::evidence::at(to),
                    "",
                    format!("GET {path}: an encoded `..` in the id reaches another object"),
                    "Requesting the permitted id followed by `%2F..%2F` and a neighbouring id returned the neighbour's object.".to_string(),
                )
                .confidence(Confidence::Firm)
                .evidence(response(to, "encoded path traversal in the id served another object", &[])),
            );
        }
    }
}

async fn adjacent_ids(s: &mut Scanner, out: &mut Vec<Finding>) {
    // Anonymous 2xx item routes ending in a path parameter.
    let targets: Vec<(Option<usize>, String, String, String)> = s
        .store
        .iter()
        .filter(|o| {
            o.purpose == Purpose::Crawl
                && o.anonymous()
                && o.is_success()
                && o.exchange.method == Method::GET
                && o.path.ends_with('}')
                && !o.exchange.body.is_empty()
        })
        .map(|o| (o.op, o.path.clone(), o.exchange.url.clone(), body_key(o)))
        .take(40)
        .collect();
    for (op, path, url, original) in targets {
        let id = last_segment(&url).to_string();
        let sends: Vec<ScanRequest> = adjacent(&id)
            .into_iter()
            .filter_map(|n| replace_last_segment(&url, &n))
            .map(|u| ScanRequest {
                purpose: Purpose::Probe,
                op,
                path: path.clone(),
                identity: None,
                request: Request::get(u),
            })
            .collect();
        if sends.is_empty() {
            continue;
        }
        let tried = sends.len();
        let got = s.send_all(sends).await;
        let mut distinct = std::collections::BTreeSet::new();
        let mut with_data = 0;
        let mut witness = None;
        for i in got.into_iter().flatten() {
            let o = s.obs(i);
            if o.is_success() && !o.exchange.body.is_empty() {
                let k = body_key(o);
                if k != original && distinct.insert(k) {
                    if o.body_matches.iter().any(|m| m.is_significant()) {
                        with_data += 1;
                    }
                    witness.get_or_insert(i);
                }
            }
        }
        let Some(w) = witness else { continue };
        let o = s.obs(w);
        let reached = distinct.len();
        let severity = if with_data > 0 {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                &rules::PREDICTABLE_OBJECT_IDS,
                FindingSource::Runtime,
                Location::operation("GET", &path).with_url(&url),
                "",
                format!("GET {path}: neighbouring ids return other objects without credentials"),
                format!(
                    "Probing {tried} ids next to a harvested one reached {reached} other object(s) without credentials ({with_data} with personal data)."
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("{reached} distinct objects reached out of {tried} adjacent ids"),
                &[],
            )),
        );
    }
}

/// A short digest of a body, to tell objects apart without keeping them.
pub(crate) fn body_key(o: &Observation) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(&o.exchange.body);
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The object key at the end of `url` (decoded) and the parameter it fills: `(param, value)`.
fn object_key(template: &str, url: &str) -> Option<(String, String)> {
    let last = template.rsplit('/').next()?;
    let param = last.strip_prefix('{')?.strip_suffix('}')?.to_string();
    let seg = last_segment(url);
    if seg.is_empty() {
        return None;
    }
    let value = percent_decode(seg);
    Some((param, value))
}

/// `%XX` escapes decoded (the path segment the planner encoded); invalid escapes kept as is.
fn percent_decode(seg: &str) -> String {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whose object this is, as a fact: the identity that created it in this scan, or the one
/// identity whose responses carried its key value (exact value under a key that means the
/// parameter; never seen unauthenticated or by anyone else).
fn owner_of(s: &Scanner, url: &str, param: &str, value: &str) -> Option<(String, &'static str)> {
    if let Some(Some(creator)) = s.guard.creator_of(&s.guard.object_path(url)) {
        return Some((creator, "created by it in this scan"));
    }
    let seen = s.harvest.seen_by(param, value);
    match seen.as_slice() {
        [Some(only)] => Some((only.clone(), "listed only in its responses")),
        _ => None,
    }
}

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
async fn cross_identity(s: &mut Scanner, out: &mut Vec<Finding>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_ids_keep_shape() {
        assert_eq!(adjacent("1001"), vec!["1002", "1000", "1003", "999"]);
        assert_eq!(adjacent("u1001"), vec!["u1002", "u1000", "u1003", "u999"]);
        assert_eq!(
            adjacent("kyc-0001"),
            vec!["kyc-0002", "kyc-0000", "kyc-0003"]
        );
        assert!(adjacent("abc").is_empty());
        assert_eq!(percent_decode("Dune%20Messiah%2"), "Dune Messiah%2");
        assert_eq!(
            replace_last_segment("http://h/v2/orders/5001?x=1", "5002").as_deref(),
            Some("http://h/v2/orders/5002?x=1")
        );
    }
}
