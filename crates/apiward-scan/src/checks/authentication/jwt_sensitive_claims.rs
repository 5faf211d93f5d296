//! APIW-AUTH-106: personal data in readable JWT claims (reported from the JWT pass in `mod.rs`,
//! once per place).
//! Tests: `fires_jwt_sensitive_claims`, `near_miss_jwt_sensitive_claims` (below).

use super::{TokenReport, token_analysis, token_sources};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_rules::authentication as rules;

/// Report the tokens of one place (`group`) this rule applies to.
pub(super) fn report(loc: &Location, group: &[&TokenReport], out: &mut Vec<Finding>) {
    let pii: Vec<&TokenReport> = group
        .iter()
        .copied()
        .filter(|r| !r.pii.is_empty())
        .collect();
    if !pii.is_empty() {
        let from = token_sources(&pii);
        let mut keys: Vec<String> = pii.iter().flat_map(|r| r.pii.clone()).collect();
        keys.sort();
        keys.dedup();
        out.push(
            Finding::new(
                &rules::JWT_SENSITIVE_CLAIMS,
                FindingSource::Runtime,
                loc.clone(),
                "",
                format!("JWT carries personal data in its claims ({from})"),
                format!(
                    "The token(s) from {from} carry {} in readable claims.",
                    keys.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .severity(if pii.iter().any(|r| r.pii_critical) {
                Severity::High
            } else {
                Severity::Medium
            })
            .confidence(Confidence::Certain)
            .evidence(token_analysis(&pii, format!("claims {}", keys.join(", ")))),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::authentication as rules;

    use crate::checks::authentication::testing::*;

    #[test]
    fn fires_jwt_sensitive_claims() {
        let out = analysed(
            serde_json::json!({"sub": "u1", "iat": 1700000000, "exp": 1700000900, "ssn": "512-48-3391"}),
            STRONG,
        );
        assert_eq!(ids(&out), vec![rules::JWT_SENSITIVE_CLAIMS.id], "{out:#?}");
    }

    #[test]
    fn near_miss_jwt_sensitive_claims() {
        // Opaque subject and scopes only.
        let out = analysed(
            serde_json::json!({"sub": "8f14e45f", "scope": "orders:read", "iat": 1700000000, "exp": 1700000900}),
            STRONG,
        );
        assert!(out.is_empty(), "{out:#?}");
    }
}
