//! unsafe_consumption at runtime: APIW-UC-101 redirects to third-party hosts and third-party
//! plain-HTTP URLs relayed in responses.

use crate::Scanner;
use crate::evidence::{at, response};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_rules::unsafe_consumption::THIRD_PARTY_CONTENT as RULE;

/// Hosts of `http://` URLs in a body that are not the target's.
fn third_party_http_hosts(body: &[u8], own_host: &str) -> Vec<String> {
    let mut hosts = Vec::new();
    let finder = memchr::memmem::Finder::new(b"http://");
    for pos in finder.find_iter(body) {
        let rest = &body[pos + 7..];
        let end = rest
            .iter()
            .position(|b| matches!(b, b'/' | b'"' | b'\'' | b' ' | b'<' | b'>' | b'\\' | b')'))
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

pub fn run(s: &Scanner, out: &mut Vec<Finding>) {
    let own_host = s
        .origin
        .split_once("://")
        .map(|(_, h)| h.to_ascii_lowercase())
        .unwrap_or_default();
    for ((method, path), idxs) in super::by_operation(s) {
        for o in idxs.iter().map(|i| s.obs(*i)) {
            let blocked = o
                .exchange
                .redirect_blocked
                .as_ref()
                .filter(|e| matches!(e, apiward_http::HttpError::OutOfScope(_)));
            let hosts = if o.is_success() {
                third_party_http_hosts(&o.exchange.body, &own_host)
            } else {
                Vec::new()
            };
            if blocked.is_none() && hosts.is_empty() {
                continue;
            }
            let what = match blocked {
                Some(_) => format!(
                    "redirects to a third-party host ({})",
                    o.exchange
                        .header("location")
                        .map(|l| apiward_core::truncate_chars(l, 80))
                        .unwrap_or_default()
                ),
                None => format!("relays plain-HTTP third-party URLs ({})", hosts.join(", ")),
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
        run(&s, &mut out);
        out
    }

    #[test]
    fn fires_third_party_content() {
        let out = findings(
            br#"{"sku": "A1", "image": "http://cdn.partner-images.com/a1.png", "review_feed": "http://reviews.example.net/a1"}"#,
        );
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].rule_id, RULE.id);
    }

    #[test]
    fn near_miss_third_party_content() {
        // HTTPS third-party links and a plain-HTTP link to the API's own origin.
        let out = findings(
            br#"{"sku": "A1", "image": "https://cdn.partner-images.com/a1.png", "self": "http://127.0.0.1:9/products/1"}"#,
        );
        assert!(out.is_empty(), "{out:#?}");
    }
}
