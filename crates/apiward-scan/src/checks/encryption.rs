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
            break;
        }
    }
}
