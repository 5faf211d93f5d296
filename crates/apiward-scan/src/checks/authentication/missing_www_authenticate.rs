//! APIW-AUTH-107: a 401 without a `WWW-Authenticate` challenge.
//! Tests: `fires_missing_www_authenticate`, `near_miss_missing_www_authenticate` (below).

use crate::Scanner;
use crate::evidence::{at, response};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_rules::authentication as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let unchallenged = |o: &crate::store::Observation| {
        o.status() == 401 && o.exchange.header("www-authenticate").is_none()
    };
    if let Some(o) = s.store.iter().find(|o| unchallenged(o)) {
        let operations = crate::checks::operations_where(s, unchallenged);
        out.push(
            Finding::new(
                &rules::MISSING_WWW_AUTHENTICATE,
                FindingSource::Runtime,
                at(o).with_operations(operations),
                "",
                "401 responses do not say how to authenticate",
                format!(
                    "{} answered 401 without a WWW-Authenticate header.",
                    o.label()
                ),
            )
            .severity(Severity::Low)
            .confidence(Confidence::Certain)
            .evidence(response(o, "401 without WWW-Authenticate", &[])),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Purpose;
    use apiward_rules::authentication as rules;

    use super::*;
    use crate::checks::authentication::testing::*;
    use crate::checks::testkit;

    #[test]
    fn fires_missing_www_authenticate() {
        let s = me(401, &[JSON], br#"{"detail": "Not authenticated"}"#);
        let mut out = Vec::new();
        check(&s, &mut out);
        assert_eq!(ids(&out), vec![rules::MISSING_WWW_AUTHENTICATE.id]);
    }

    #[test]
    fn every_unchallenged_operation_listed_in_one_finding() {
        let mut s = me(401, &[JSON], br#"{"detail": "Not authenticated"}"#);
        let x = testkit::exchange("GET", "/orders", 401, &[JSON], br#"{"detail": "no"}"#);
        testkit::push(&mut s, Purpose::Crawl, Some(1), "/orders", None, x);
        let mut out = Vec::new();
        check(&s, &mut out);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].location.operations, vec!["GET /me", "GET /orders"]);
    }

    #[test]
    fn near_miss_missing_www_authenticate() {
        // A 401 with a challenge, and a 403 (which needs none).
        let mut s = me(
            401,
            &[JSON, ("www-authenticate", "Bearer")],
            br#"{"detail": "Not authenticated"}"#,
        );
        let x = testkit::exchange("GET", "/products", 403, &[JSON], br#"{"detail": "no"}"#);
        testkit::push(&mut s, Purpose::Crawl, Some(1), "/products", None, x);
        let mut out = Vec::new();
        check(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}
