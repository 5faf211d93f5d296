//! APIW-TLS-102: HTTPS responses without Strict-Transport-Security, or with a weak one (max-age
//! under six months, no includeSubDomains).
//! Tests: `fires_hsts_missing`, `near_miss_hsts_missing` (below).

use crate::Scanner;
use crate::evidence::response;
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_rules::encryption as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    if !super::is_https(s) {
        return;
    }
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
}

#[cfg(test)]
mod tests {
    use apiward_rules::encryption as rules;

    use crate::checks::encryption::testing::*;

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
}
