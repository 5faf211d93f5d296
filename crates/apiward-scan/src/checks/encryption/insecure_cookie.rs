//! APIW-TLS-103: cookies set without Secure, HttpOnly or SameSite, one finding per cookie name.
//! Tests: `fires_insecure_cookie`, `near_miss_insecure_cookie` (below).

use crate::Scanner;
use apiward_core::{Confidence, Evidence, EvidenceKind, Finding, FindingSource, Severity};
use apiward_rules::encryption as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
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
}

#[cfg(test)]
mod tests {
    use apiward_rules::encryption as rules;

    use super::*;
    use crate::checks::encryption::testing::*;

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
}
