//! encryption at runtime: APIW-TLS-101 plain HTTP, -102 HSTS, -103 cookie flags, -104 mixed
//! content, -105 certificate problems.

use crate::Scanner;
use crate::evidence::response;
use apiward_core::{
    Confidence, Evidence, EvidenceKind, Finding, FindingSource, Location, Severity,
};
use apiward_rules::encryption as rules;

pub fn run(s: &Scanner, out: &mut Vec<Finding>) {
    let https = s.origin.to_ascii_lowercase().starts_with("https://");
    // Any answer at all shows the API speaks plain HTTP (a 401 over http:// still exposes the
    // credentials that were sent).
    let first_ok = s
        .store
        .iter()
        .find(|o| o.exchange.status < 400)
        .or_else(|| s.store.iter().next());
    if !https {
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
    } else {
        // HSTS on HTTPS responses.
        let weak = s.store.iter().find(|o| {
            let Some(h) = o.exchange.header("strict-transport-security") else {
                return true;
            };
            let h = h.to_ascii_lowercase();
            let max_age = h
                .split(';')
                .find_map(|p| p.trim().strip_prefix("max-age="))
                .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
                .unwrap_or(0);
            max_age < 15_552_000 || !h.contains("includesubdomains")
        });
        if let Some(o) = weak {
            let header = o.exchange.header("strict-transport-security");
            out.push(
                Finding::new(
                    &rules::HSTS_MISSING,
                    FindingSource::Runtime,
                    Location::default().with_url(&o.exchange.url),
                    "",
                    "HSTS is missing or weak",
                    match header {
                        None => "HTTPS responses carry no Strict-Transport-Security header.".to_string(),
                        Some(h) => format!("Strict-Transport-Security is `{}`: max-age under six months or no includeSubDomains.", apiward_core::truncate_chars(h, 80)),
                    },
                )
                .confidence(Confidence::Certain)
                .evidence(response(o, "Strict-Transport-Security check", &[])),
            );
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

    // Cookies: one finding per cookie name.
    let mut seen = std::collections::BTreeSet::new();
    for o in s.store.iter() {
        for (name, value) in &o.exchange.headers {
            if name != "set-cookie" {
                continue;
            }
            let cookie_name = value.split('=').next().unwrap_or("").trim().to_string();
            if cookie_name.is_empty() || !seen.insert(cookie_name.clone()) {
                continue;
            }
            let attrs: Vec<String> = value
                .split(';')
                .skip(1)
                .map(|a| a.trim().to_ascii_lowercase())
                .collect();
            let has = |a: &str| {
                attrs
                    .iter()
                    .any(|x| x == a || x.starts_with(&format!("{a}=")))
            };
            let mut missing = Vec::new();
            if !has("secure") {
                missing.push("Secure");
            }
            if !has("httponly") {
                missing.push("HttpOnly");
            }
            if !has("samesite") {
                missing.push("SameSite");
            }
            if missing.is_empty() {
                continue;
            }
            let sensitive_name = {
                let l = cookie_name.to_ascii_lowercase();
                ["session", "sess", "token", "auth", "jwt", "sid", "login"]
                    .iter()
                    .any(|w| l.contains(w))
            };
            let severity = if sensitive_name && missing.len() >= 2 {
                Severity::Medium
            } else {
                Severity::Low
            };
            let mut e = Evidence::new(
                EvidenceKind::Response,
                format!("Set-Cookie `{cookie_name}` without {}", missing.join(", ")),
            );
            e.request = Some(format!("{} {}", o.exchange.method, o.exchange.url));
            e.status = Some(o.exchange.status);
            out.push(
                Finding::new(
                    &rules::INSECURE_COOKIE,
                    FindingSource::Runtime,
                    crate::evidence::at(o),
                    &cookie_name,
                    format!("Cookie `{cookie_name}` lacks {}", missing.join(", ")),
                    format!(
                        "{} sets cookie `{cookie_name}` without {}.",
                        o.label(),
                        missing.join(", ")
                    ),
                )
                .severity(severity)
                .confidence(Confidence::Certain)
                .evidence(e),
            );
        }
    }

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
    use crate::checks::testkit;
    use crate::store::Purpose;

    const HTTPS: &str = "https://api.example.com";

    fn scanner_at(origin: &str, headers: &[(&str, &str)], body: &[u8]) -> Scanner {
        let mut s = testkit::scanner(None, vec![]);
        s.origin = origin.to_string();
        s.base = origin.to_string();
        let x = testkit::exchange("GET", "/products", 200, headers, body);
        testkit::push(&mut s, Purpose::Crawl, None, "/products", None, x);
        s
    }

    fn fired(s: &Scanner, rule: &apiward_core::RuleMeta) -> Vec<Finding> {
        let mut out = Vec::new();
        run(s, &mut out);
        out.into_iter().filter(|f| f.rule_id == rule.id).collect()
    }

    const HSTS: (&str, &str) = (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    );

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

    #[test]
    fn fires_hsts_missing() {
        let s = scanner_at(HTTPS, &[], b"{}");
        assert_eq!(fired(&s, &rules::HSTS_MISSING).len(), 1);
        // A week-long max-age is weak too.
        let s = scanner_at(
            HTTPS,
            &[("strict-transport-security", "max-age=604800")],
            b"{}",
        );
        assert_eq!(fired(&s, &rules::HSTS_MISSING).len(), 1);
    }

    #[test]
    fn near_miss_hsts_missing() {
        let s = scanner_at(HTTPS, &[HSTS], b"{}");
        assert!(fired(&s, &rules::HSTS_MISSING).is_empty());
    }

    #[test]
    fn fires_insecure_cookie() {
        let s = scanner_at(
            HTTPS,
            &[HSTS, ("set-cookie", "session=abc123; Path=/")],
            b"{}",
        );
        let f = fired(&s, &rules::INSECURE_COOKIE);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Medium);
    }

    #[test]
    fn near_miss_insecure_cookie() {
        let s = scanner_at(
            HTTPS,
            &[
                HSTS,
                (
                    "set-cookie",
                    "session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax",
                ),
            ],
            b"{}",
        );
        assert!(fired(&s, &rules::INSECURE_COOKIE).is_empty());
    }

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

    fn with_certificate(not_after: &str, self_signed: bool) -> Scanner {
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
