//! APIW-TLS-105: the TLS certificate was rejected, or (under `--insecure`) the leaf certificate is
//! expired, about to expire or self-signed.
//! Tests: `fires_certificate_problem`, `near_miss_certificate_problem` (tests/rules_runtime.rs).

use crate::Scanner;
use apiward_core::{
    Confidence, Evidence, EvidenceKind, Finding, FindingSource, Location, Severity,
};
use apiward_rules::encryption as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    // Certificate problems reported by the engine.
    let mut rejected = false;
    for d in s.engine.diagnostics() {
        if d.code.contains("certificate") {
            out.push(
                Finding::new(
                    &rules::CERTIFICATE_PROBLEM,
                    FindingSource::Runtime,
                    Location::default().with_url(&s.origin),
                    "",
                    "The TLS certificate was rejected",
                    d.message.clone(),
                )
                .confidence(Confidence::Certain),
            );
            rejected = true;
            break;
        }
    }
    if !rejected {
        certificate_facts(s, out, &apiward_core::time::now_rfc3339());
    }
}

/// What the leaf certificate itself says (read on every HTTPS answer, also under `--insecure`,
/// where nothing was verified): expired, self-signed, or expiring within 30 days.
fn certificate_facts(s: &Scanner, out: &mut Vec<Finding>, now: &str) {
    let Some((o, tls)) = s
        .store
        .iter()
        .find_map(|o| o.exchange.tls.as_ref().map(|t| (o, t)))
    else {
        return;
    };
    let soon = apiward_core::time::rfc3339_from_unix(
        apiward_core::time::unix_now().saturating_add(30 * 86_400),
    );
    let (severity, title, why) = match tls.not_after.as_deref() {
        Some(end) if end < now => (
            Severity::High,
            "The TLS certificate has expired",
            format!("The leaf certificate was valid until {end}."),
        ),
        // Under --insecure the operator accepted an untrusted certificate: a self-signed leaf is
        // their decision, not news. A verified one is a private root used as a server certificate.
        _ if tls.self_signed == Some(true) && tls.verified => (
            Severity::High,
            "The TLS certificate is self-signed",
            "The leaf certificate's issuer is its own subject: no trusted CA vouches for it."
                .to_string(),
        ),
        Some(end) if end < soon.as_str() => (
            Severity::Low,
            "The TLS certificate expires within 30 days",
            format!("The leaf certificate is valid until {end}."),
        ),
        _ => return,
    };
    let mut e = Evidence::new(EvidenceKind::Response, why.clone());
    e.request = Some(format!("{} {}", o.exchange.method, o.exchange.url));
    e.status = Some(o.exchange.status);
    out.push(
        Finding::new(
            &rules::CERTIFICATE_PROBLEM,
            FindingSource::Runtime,
            Location::default().with_url(&s.origin),
            "",
            title,
            format!(
                "{why} {}",
                if tls.verified {
                    ""
                } else {
                    "(The scan ran with --insecure: the chain was not verified.)"
                }
            )
            .trim_end()
            .to_string(),
        )
        .severity(severity)
        .confidence(Confidence::Certain)
        .evidence(e),
    );
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::checks::encryption::testing::*;

    #[test]
    fn certificate_facts_under_insecure() {
        let now = "2026-06-01T00:00:00Z";
        let mut out = Vec::new();
        certificate_facts(
            &with_certificate("2025-12-31T23:59:59Z", false),
            &mut out,
            now,
        );
        assert_eq!(out.len(), 1);
        assert!(out[0].title.contains("expired"), "{}", out[0].title);
        assert!(out[0].message.contains("--insecure"));
        let mut out = Vec::new();
        certificate_facts(
            &with_certificate("2099-01-01T00:00:00Z", true),
            &mut out,
            now,
        );
        // A self-signed certificate the operator accepted with --insecure is not news.
        assert!(out.is_empty(), "{out:#?}");
        // A valid, CA-issued certificate far from expiry says nothing.
        let mut out = Vec::new();
        certificate_facts(
            &with_certificate("2099-01-01T00:00:00Z", false),
            &mut out,
            now,
        );
        assert!(out.is_empty(), "{out:#?}");
    }
}
