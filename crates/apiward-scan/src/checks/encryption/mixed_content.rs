//! APIW-TLS-104: HTTPS responses that link to this host over plain HTTP.
//! Tests: `fires_mixed_content`, `near_miss_mixed_content` (below).

use crate::Scanner;
use crate::evidence::response;
use apiward_core::{Finding, FindingSource};
use apiward_rules::encryption as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    if !super::is_https(s) {
        return;
    }
    // Mixed content: http:// links to this host inside HTTPS bodies.
    let host = s.origin.split_once("://").map(|(_, h)| h).unwrap_or("");
    let needle = format!("http://{host}");
    if let Some(o) = s
        .store
        .iter()
        .find(|o| memchr::memmem::find(&o.exchange.body, needle.as_bytes()).is_some())
    {
        out.push(
            Finding::new(
                &rules::MIXED_CONTENT,
                FindingSource::Runtime,
                crate::evidence::at(o),
                "",
                "HTTPS responses link to plain-HTTP URLs",
                format!("A response of {} contains `{needle}` links.", o.label()),
            )
            .evidence(response(o, "plain-HTTP link in an HTTPS response", &[])),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::encryption as rules;

    use crate::checks::encryption::testing::*;

    #[test]
    fn fires_mixed_content() {
        let s = scanner_at(
            HTTPS,
            &[HSTS],
            br#"{"next": "http://api.example.com/products?page=2"}"#,
        );
        assert_eq!(fired(&s, &rules::MIXED_CONTENT).len(), 1);
    }

    #[test]
    fn near_miss_mixed_content() {
        // HTTPS links to itself, and a plain-HTTP link to another host (not mixed content of this
        // API; unsafe_consumption looks at those).
        let s = scanner_at(
            HTTPS,
            &[HSTS],
            br#"{"next": "https://api.example.com/products?page=2", "docs": "http://example.org/"}"#,
        );
        assert!(fired(&s, &rules::MIXED_CONTENT).is_empty());
    }
}
