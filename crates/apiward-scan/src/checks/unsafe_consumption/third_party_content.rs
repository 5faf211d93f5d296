//! APIW-UC-101: redirects to third-party hosts and third-party plain-HTTP URLs relayed in responses.
//! Tests: `fires_third_party_content`, `near_miss_third_party_content` (below; tests/probing.rs).

use crate::Scanner;
use crate::evidence::{at, response};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_rules::unsafe_consumption::THIRD_PARTY_CONTENT as RULE;

/// Hosts of `http://` URLs in a text that are not the target's (at most five).
fn third_party_http_hosts(text: &[u8], own_host: &str) -> Vec<String> {
    let mut hosts = Vec::new();
    let finder = memchr::memmem::Finder::new(b"http://");
    for pos in finder.find_iter(text) {
        let rest = &text[pos + 7..];
        let end = rest
            .iter()
            .position(|b| {
                matches!(
                    b,
                    b'/' | b'"' | b'\'' | b' ' | b'<' | b'>' | b'\\' | b')' | b'?'
                )
            })
            .unwrap_or(rest.len().min(253));
        let host = String::from_utf8_lossy(&rest[..end]).to_ascii_lowercase();
        let bare = host.split(':').next().unwrap_or("").to_string();
        if bare.is_empty()
            || host == own_host
            || bare == "localhost"
            || bare.starts_with("127.")
            || bare.parse::<std::net::Ipv4Addr>().is_ok()
            || !bare.contains('.')
        {
            continue;
        }
        if !hosts.contains(&bare) {
            hosts.push(bare);
        }
        if hosts.len() >= 5 {
            break;
        }
    }
    hosts
}

/// Keys that say where relayed content came from.
const SOURCE_KEYS: &[&str] = &[
    "source",
    "sourceurl",
    "feed",
    "feedurl",
    "upstream",
    "fetchedfrom",
    "originurl",
    "originalurl",
    "proxiedfrom",
    "relayedfrom",
    "remoteurl",
    "via",
    "mirror",
];

/// Keys of content the API fetched from a URL it was given (a link preview, a proxy).
const FETCHED_KEYS: &[&str] = &[
    "snippet",
    "content",
    "body",
    "html",
    "contenttype",
    "fetched",
    "preview",
];

fn norm_key(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Why a JSON answer evidently relays third-party content over plain HTTP: a source-like key
/// naming a third-party `http://` URL, or third-party markup (`src=`/`href=` to such a URL)
/// relayed inside a string. Links in other keys (documentation, `$schema`, XML namespaces,
/// JSON-LD contexts) are not evidence that the API fetches anything.
fn relayed(json: &serde_json::Value, own_host: &str) -> Option<(String, Vec<String>)> {
    let mut stack: Vec<(&serde_json::Value, String)> = vec![(json, String::new())];
    let mut budget = 20_000usize;
    let mut hosts: Vec<String> = Vec::new();
    let mut why: Option<String> = None;
    while let Some((v, key)) = stack.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    stack.push((x, k.clone()));
                }
            }
            serde_json::Value::Array(a) => {
                for x in a.iter().take(200) {
                    stack.push((x, key.clone()));
                }
            }
            serde_json::Value::String(text) => {
                let k = norm_key(&key);
                let found = if SOURCE_KEYS.contains(&k.as_str()) && text.starts_with("http://") {
                    third_party_http_hosts(text.as_bytes(), own_host)
                        .into_iter()
                        .map(|h| (h, format!("`{key}` names a plain-HTTP third-party source")))
                        .collect::<Vec<_>>()
                } else if text.contains('<') && (text.contains("src=") || text.contains("href=")) {
                    third_party_http_hosts(text.as_bytes(), own_host)
                        .into_iter()
                        .map(|h| (h, format!("`{key}` relays third-party markup")))
                        .collect()
                } else {
                    Vec::new()
                };
                for (h, w) in found {
                    why.get_or_insert(w);
                    if !hosts.contains(&h) && hosts.len() < 5 {
                        hosts.push(h);
                    }
                }
            }
            _ => {}
        }
    }
    why.map(|w| (w, hosts))
}

/// A successful answer that carries what the API fetched from a URL in the request (the URL
/// echoed beside fetched content).
fn fetched_from_request(o: &crate::store::Observation, own_host: &str) -> Option<String> {
    let json = o.json.as_ref()?.as_object()?;
    let query = o.exchange.url.split_once('?')?.1;
    let asked = query.split('&').find_map(|kv| {
        let (_, v) = kv.split_once('=')?;
        let v = v
            .replace("%3A", ":")
            .replace("%2F", "/")
            .replace("%3a", ":")
            .replace("%2f", "/");
        (v.starts_with("http://") || v.starts_with("https://")).then_some(v)
    })?;
    let echoes = json.values().any(|v| v.as_str() == Some(asked.as_str()));
    let fetched = json
        .keys()
        .any(|k| FETCHED_KEYS.contains(&norm_key(k).as_str()));
    let host = asked.split_once("://").map(|(_, r)| {
        r.split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    })?;
    (echoes && fetched && host != own_host).then_some(host)
}

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let own_host = s
        .origin
        .split_once("://")
        .map(|(_, h)| h.to_ascii_lowercase())
        .unwrap_or_default();
    for ((method, path), idxs) in crate::checks::by_operation(s) {
        for o in idxs.iter().map(|i| s.obs(*i)) {
            let blocked = o
                .exchange
                .redirect_blocked
                .as_ref()
                .filter(|e| matches!(e, apiward_http::HttpError::OutOfScope(_)));
            let relay = if o.is_success() {
                o.json
                    .as_ref()
                    .and_then(|j| relayed(j, &own_host))
                    .or_else(|| {
                        fetched_from_request(o, &own_host).map(|h| {
                            (
                                "it returns content fetched from a URL in the request".to_string(),
                                vec![h],
                            )
                        })
                    })
            } else {
                None
            };
            if blocked.is_none() && relay.is_none() {
                continue;
            }
            let what = match (&blocked, &relay) {
                (Some(_), _) => format!(
                    "redirects to a third-party host ({})",
                    o.exchange
                        .header("location")
                        .map(|l| apiward_core::truncate_chars(l, 80))
                        .unwrap_or_default()
                ),
                (None, Some((why, hosts))) => {
                    format!("relays third-party content: {why} ({})", hosts.join(", "))
                }
                (None, None) => continue,
            };
            out.push(
                Finding::new(
                    &RULE,
                    FindingSource::Runtime,
                    at(o),
                    "",
                    format!(
                        "{method} {path} {}",
                        if blocked.is_some() {
                            "redirects off-site"
                        } else {
                            "relays third-party content"
                        }
                    ),
                    format!("{method} {path} {what}."),
                )
                .confidence(Confidence::Firm)
                .evidence(response(o, what.clone(), &[])),
            );
            break;
        }
    }
}

#[cfg(test)]
mod tests {

    use apiward_core::Finding;

    use super::*;
    use crate::checks::testkit;
    use crate::store::Purpose;

    fn findings(body: &[u8]) -> Vec<Finding> {
        let mut s = testkit::scanner(None, vec![]);
        let x = testkit::exchange(
            "GET",
            "/products/1",
            200,
            &[("content-type", "application/json")],
            body,
        );
        testkit::push(&mut s, Purpose::Crawl, None, "/products/{id}", None, x);
        let mut out = Vec::new();
        check(&s, &mut out);
        out
    }

    #[test]
    fn fires_third_party_content() {
        // A feed relayed verbatim: its source, and its markup pointing at third parties.
        let out = findings(
            br#"{"source": "http://feeds.partner-deals.net/v1/items.json", "items": [{"html": "<img src=\"http://img.partner-deals.net/b.gif\">"}]}"#,
        );
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].rule_id, RULE.id);
        assert!(
            out[0].message.contains("partner-deals.net"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn fires_third_party_content_markup_only() {
        let out = findings(
            br#"{"banner": "<p>Sale</p><script src=\"http://cdn.ads-network.org/t.js\"></script>"}"#,
        );
        assert_eq!(out.len(), 1, "{out:#?}");
    }

    #[test]
    fn near_miss_third_party_content() {
        // HTTPS third-party links, a plain-HTTP link to the API's own origin, and plain-HTTP
        // links that are not fetched content: a schema id, an XML namespace, documentation.
        let out = findings(
            br#"{"sku": "A1", "image": "https://cdn.partner-images.com/a1.png", "self": "http://127.0.0.1:9/products/1",
                "$schema": "http://json-schema.org/draft-07/schema#", "xml": "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
                "docs": "http://docs.vendor-api.com/products", "license": "http://www.apache.org/licenses/LICENSE-2.0"}"#,
        );
        assert!(out.is_empty(), "{out:#?}");
    }
}
