//! Encryption at runtime, one file per rule: APIW-TLS-101 plain HTTP, -102 HSTS, -103 cookie
//! flags, -104 mixed content, -105 certificate problems.

use crate::Scanner;

pub(crate) mod certificate_problem;
pub(crate) mod hsts_missing;
pub(crate) mod insecure_cookie;
pub(crate) mod mixed_content;
pub(crate) mod plaintext_transport;

/// Is the target served over HTTPS?
fn is_https(s: &Scanner) -> bool {
    s.origin.to_ascii_lowercase().starts_with("https://")
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::Scanner;
    use crate::checks::testkit;
    use crate::store::Purpose;
    use apiward_core::Finding;

    pub const HTTPS: &str = "https://api.example.com";

    pub fn scanner_at(origin: &str, headers: &[(&str, &str)], body: &[u8]) -> Scanner {
        let mut s = testkit::scanner(None, vec![]);
        s.origin = origin.to_string();
        s.base = origin.to_string();
        let x = testkit::exchange("GET", "/products", 200, headers, body);
        testkit::push(&mut s, Purpose::Crawl, None, "/products", None, x);
        s
    }

    /// The findings of `rule` among every encryption rule's, in the scan's order.
    pub fn fired(s: &Scanner, rule: &apiward_core::RuleMeta) -> Vec<Finding> {
        let mut out = Vec::new();
        plaintext_transport::check(s, &mut out);
        hsts_missing::check(s, &mut out);
        mixed_content::check(s, &mut out);
        insecure_cookie::check(s, &mut out);
        certificate_problem::check(s, &mut out);
        out.into_iter().filter(|f| f.rule_id == rule.id).collect()
    }

    pub const HSTS: (&str, &str) = (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    );

    pub fn with_certificate(not_after: &str, self_signed: bool) -> Scanner {
        let mut s = testkit::scanner(None, vec![]);
        s.origin = HTTPS.to_string();
        s.base = HTTPS.to_string();
        let mut x = testkit::exchange("GET", "/products", 200, &[], b"[]");
        x.tls = Some(apiward_http::TlsFacts {
            version: Some("TLSv1.3".into()),
            verified: false,
            not_before: Some("2020-01-01T00:00:00Z".into()),
            not_after: Some(not_after.into()),
            self_signed: Some(self_signed),
            peer_certificate: None,
        });
        testkit::push(&mut s, Purpose::Crawl, None, "/products", None, x);
        s
    }
}
