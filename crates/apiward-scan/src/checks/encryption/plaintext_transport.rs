//! APIW-TLS-101: the API answers over plain HTTP (any answer at all: a 401 over http:// still
//! exposes the credentials that were sent).
//! Tests: `fires_plaintext_transport`, `near_miss_plaintext_transport` (below).

use crate::Scanner;
use crate::evidence::response;
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_rules::encryption as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    if super::is_https(s) {
        return;
    }
    // Any answer at all shows the API speaks plain HTTP (a 401 over http:// still exposes the
    // credentials that were sent).
    let first_ok = s
        .store
        .iter()
        .find(|o| o.exchange.status < 400)
        .or_else(|| s.store.iter().next());
    if let Some(o) = first_ok {
        let loopback = crate::is_loopback_target(&s.origin);
        out.push(
            Finding::new(
                &rules::PLAINTEXT_TRANSPORT,
                FindingSource::Runtime,
                Location::default().with_url(&s.origin),
                "",
                "The API is served over plain HTTP",
                if loopback {
                    "The target answers over plain HTTP. It is a loopback address, so this is expected in development; make sure production is HTTPS-only.".to_string()
                } else {
                    "The target answers over plain HTTP: credentials and data cross the network unencrypted.".to_string()
                },
            )
            .severity(if loopback { Severity::Low } else { Severity::High })
            .confidence(Confidence::Certain)
            .evidence(response(o, "answered over http://", &[])),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::encryption as rules;

    use super::*;
    use crate::checks::encryption::testing::*;

    #[test]
    fn fires_plaintext_transport() {
        let s = scanner_at("http://api.example.com", &[], b"{}");
        let f = fired(&s, &rules::PLAINTEXT_TRANSPORT);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::High);
    }

    #[test]
    fn near_miss_plaintext_transport() {
        let s = scanner_at(HTTPS, &[HSTS], b"{}");
        assert!(fired(&s, &rules::PLAINTEXT_TRANSPORT).is_empty());
    }
}
