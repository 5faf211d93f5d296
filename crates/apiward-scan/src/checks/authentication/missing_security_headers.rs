//! APIW-AUTH-108: API responses without the usual security headers.
//! Tests: `fires_missing_security_headers`, `near_miss_missing_security_headers` (below).

use crate::Scanner;
use crate::evidence::response;
use crate::store::Purpose;
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_detect::{DataClass, DataType};
use apiward_rules::authentication as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let ok: Vec<_> = s
        .store
        .iter()
        .filter(|o| o.is_success() && o.purpose != Purpose::Discovery)
        .collect();
    if ok.is_empty() {
        return;
    }
    let mut missing = Vec::new();
    let lacks = |name: &str| ok.iter().any(|o| o.exchange.header(name).is_none());
    if lacks("x-content-type-options") {
        missing.push("X-Content-Type-Options: nosniff".to_string());
    }
    let framing = ok.iter().any(|o| {
        o.exchange.header("x-frame-options").is_none()
            && !o
                .exchange
                .header("content-security-policy")
                .is_some_and(|c| c.contains("frame-ancestors"))
    });
    if framing {
        missing.push("X-Frame-Options or CSP frame-ancestors".to_string());
    }
    let sensitive_cached = ok.iter().find(|o| {
        o.body_matches.iter().any(|m| {
            m.is_significant()
                && m.data_type.class() != DataClass::Internal
                && m.data_type != DataType::MaskedPaymentCard
        }) && !o
            .exchange
            .header("cache-control")
            .is_some_and(|c| c.to_ascii_lowercase().contains("no-store"))
    });
    if let Some(o) = sensitive_cached {
        missing.push(format!("Cache-Control: no-store (e.g. on {})", o.label()));
    }
    if missing.is_empty() {
        return;
    }
    let witness = sensitive_cached.copied().unwrap_or(ok[0]);
    out.push(
        Finding::new(
            &rules::MISSING_SECURITY_HEADERS,
            FindingSource::Runtime,
            Location::default().with_url(&witness.exchange.url),
            "",
            "Security headers are missing",
            format!("Responses lack {}.", missing.join("; ")),
        )
        .confidence(Confidence::Certain)
        .evidence(response(
            witness,
            format!("missing: {}", missing.join("; ")),
            &[],
        )),
    );
}

#[cfg(test)]
mod tests {
    use apiward_rules::authentication as rules;

    use super::*;
    use crate::checks::authentication::testing::*;

    #[test]
    fn fires_missing_security_headers() {
        let s = me(200, &[JSON], br#"{"user_id": "u1"}"#);
        let mut out = Vec::new();
        check(&s, &mut out);
        assert_eq!(ids(&out), vec![rules::MISSING_SECURITY_HEADERS.id]);
    }

    #[test]
    fn near_miss_missing_security_headers() {
        let s = me(
            200,
            &[
                JSON,
                ("x-content-type-options", "nosniff"),
                (
                    "content-security-policy",
                    "default-src 'none'; frame-ancestors 'none'",
                ),
                ("cache-control", "no-store"),
            ],
            br#"{"user_id": "u1", "email": "alice.lindqvist@yahoo.com"}"#,
        );
        let mut out = Vec::new();
        check(&s, &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}
