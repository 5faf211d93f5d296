//! bola at runtime: APIW-BOLA-001 adjacent ids reachable without credentials (L0), -002 another
//! identity's object returned (L2). Evidence is counts of distinct objects, never the objects.

use crate::evidence::response;
use crate::store::{Observation, Purpose};
use crate::{Scanner, Send};
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
    cross_identity(s, out);
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
        let mk = |u: String| Send {
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
        let sends: Vec<Send> = adjacent(&id)
            .into_iter()
            .filter_map(|n| replace_last_segment(&url, &n))
            .map(|u| Send {
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

fn cross_identity(s: &Scanner, out: &mut Vec<Finding>) {
    if s.identities.len() < 2 {
        return;
    }
    let mut done = std::collections::BTreeSet::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl
            || o.exchange.method != Method::GET
            || !o.path.contains('{')
            || !o.is_success()
            || done.contains(&o.path)
        {
            continue;
        }
        let Some(b) = &o.identity else { continue };
        let id_value = last_segment(&o.exchange.url).to_string();
        if id_value.is_empty() {
            continue;
        }
        // Owners: identities whose other responses mention the id.
        let owners: Vec<&str> = s
            .store
            .iter()
            .filter(|x| x.is_success() && x.path != o.path && x.identity.is_some())
            .filter(|x| memchr::memmem::find(&x.exchange.body, id_value.as_bytes()).is_some())
            .filter_map(|x| x.identity.as_deref())
            .collect();
        let Some(owner) = owners.iter().find(|a| *a != b) else {
            continue;
        };
        if owners.contains(&b.as_str()) {
            continue;
        }
        let anon_closed = s
            .store
            .iter()
            .any(|x| x.anonymous() && x.exchange.url == o.exchange.url && !x.is_success());
        done.insert(o.path.clone());
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant())
            .collect();
        out.push(
            Finding::new(
                &rules::CROSS_IDENTITY_ACCESS,
                FindingSource::Runtime,
                crate::evidence::at(o),
                "",
                format!("{} returns `{owner}`'s object to `{b}`", o.label()),
                format!(
                    "An object listed only in `{owner}`'s responses was returned to `{b}` with status {}{}.",
                    o.status(),
                    if anon_closed { " (unauthenticated callers are refused, so this is an authorization failure)" } else { "" }
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(o, format!("`{b}` read an object of `{owner}`"), &data)),
        );
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
        assert_eq!(
            replace_last_segment("http://h/v2/orders/5001?x=1", "5002").as_deref(),
            Some("http://h/v2/orders/5002?x=1")
        );
    }
}
