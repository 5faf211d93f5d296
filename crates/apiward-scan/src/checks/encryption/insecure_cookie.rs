//! APIW-TLS-103: cookies set without Secure, HttpOnly or SameSite, one finding per cookie name.
//! Tests: `fires_insecure_cookie`, `near_miss_insecure_cookie` (below).

use crate::Scanner;
use apiward_core::{Confidence, Evidence, EvidenceKind, Finding, FindingSource, Severity};
use apiward_rules::encryption as rules;

/// The protective attributes a `Set-Cookie` value lacks.
fn missing_flags(value: &str) -> Vec<&'static str> {
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
    [
        ("secure", "Secure"),
        ("httponly", "HttpOnly"),
        ("samesite", "SameSite"),
    ]
    .into_iter()
    .filter(|(attr, _)| !has(attr))
    .map(|(_, label)| label)
    .collect()
}

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
            let missing = missing_flags(value);
            if missing.is_empty() {
                continue;
            }
            let sensitive_name = apiward_taxonomy::fields::is_session_cookie(&cookie_name);
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
            // Every operation that sets this cookie the same way: one finding for the cookie.
            let operations = crate::checks::operations_where(s, |x| {
                x.exchange.headers.iter().any(|(n, v)| {
                    n == "set-cookie"
                        && v.split('=').next().map(str::trim) == Some(cookie_name.as_str())
                        && missing_flags(v) == missing
                })
            });
            out.push(
                Finding::new(
                    &rules::INSECURE_COOKIE,
                    FindingSource::Runtime,
                    crate::evidence::at(o).with_operations(operations),
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
    fn one_cookie_set_by_many_operations_is_one_finding() {
        let cookie = ("set-cookie", "cart_sid=abc123; Path=/");
        let mut s = scanner_at(HTTPS, &[HSTS, cookie], b"{}");
        for path in ["/cart", "/orders"] {
            let x = crate::checks::testkit::exchange("GET", path, 200, &[HSTS, cookie], b"{}");
            crate::checks::testkit::push(&mut s, crate::store::Purpose::Crawl, None, path, None, x);
        }
        let f = fired(&s, &rules::INSECURE_COOKIE);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            f[0].location.operations,
            vec!["GET /products", "GET /cart", "GET /orders"]
        );
        // `cart_sid`: `sid` is a whole word of the name.
        assert_eq!(f[0].severity, Severity::Medium);
    }

    #[test]
    fn cookie_names_judged_by_whole_words() {
        let s = scanner_at(
            HTTPS,
            &[HSTS, ("set-cookie", "considered=1; Path=/")],
            b"{}",
        );
        let f = fired(&s, &rules::INSECURE_COOKIE);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].severity,
            Severity::Low,
            "`considered` is not a session cookie"
        );
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
