//! APIW-AUTH-101 (runtime half): an operation the spec secures answers 2xx without credentials.
//! Tests: `fires_auth_not_enforced`, `near_miss_auth_not_enforced` (below).

use crate::Scanner;
use crate::evidence::{at, count_summary, response};
use crate::store::Purpose;
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::DataClass;
use apiward_http::Method;
use apiward_rules::authentication as rules;

use super::declared_secure;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let mut done = std::collections::BTreeSet::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl
            || !o.anonymous()
            || !o.is_success()
            || !declared_secure(s, o.op)
        {
            continue;
        }
        // A read needs a body to show anything; an accepted write is the problem by itself.
        let write = !matches!(
            o.exchange.method,
            Method::GET | Method::HEAD | Method::OPTIONS
        );
        if (o.exchange.body.is_empty() && !write)
            || o.exchange.method == Method::OPTIONS
            || !done.insert(o.op)
        {
            continue;
        }
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant() && m.data_type.class() != DataClass::Internal)
            .collect();
        let severity = if data
            .iter()
            .any(|m| m.data_type.sensitivity() >= apiward_detect::Sensitivity::High)
        {
            Severity::Critical
        } else {
            Severity::High
        };
        let what = if data.is_empty() {
            format!("{} bytes", o.exchange.body.len())
        } else {
            count_summary(&data)
        };
        out.push(
            Finding::new(
                &rules::AUTH_NOT_ENFORCED,
                FindingSource::Runtime,
                at(o),
                "",
                format!(
                    "{} answers without the credentials its spec requires",
                    o.label()
                ),
                format!(
                    "The spec secures {}, but an unauthenticated request got {} with {what}.",
                    o.label(),
                    o.status()
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("{} without credentials: {what}", o.status()),
                &data,
            )),
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
    fn fires_auth_not_enforced() {
        let s = me(
            200,
            &[JSON],
            br#"{"user_id": "u1", "email": "alice.lindqvist@yahoo.com"}"#,
        );
        let mut out = Vec::new();
        check(&s, &mut out);
        assert_eq!(ids(&out), vec![rules::AUTH_NOT_ENFORCED.id], "{out:#?}");
    }

    #[test]
    fn near_miss_auth_not_enforced() {
        // Refused without credentials; and a public operation answering is not a finding.
        let mut s = me(401, &[JSON], br#"{"detail": "Not authenticated"}"#);
        let x = testkit::exchange("GET", "/products", 200, &[JSON], br#"[{"sku": "A1"}]"#);
        testkit::push(&mut s, Purpose::Crawl, Some(1), "/products", None, x);
        let mut out = Vec::new();
        check(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}
