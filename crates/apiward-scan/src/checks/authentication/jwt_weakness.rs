//! APIW-AUTH-104: JWTs that are unsigned, never expire, live longer than a day, or let the token
//! choose its key (`jku`, `x5u`, odd `kid`) (reported from the JWT pass in `mod.rs`, once per place).
//! Tests: `fires_jwt_weakness`, `near_miss_jwt_weakness` (below).

use super::{TokenReport, token_analysis, token_sources};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_rules::authentication as rules;

/// Report the tokens of one place (`group`) this rule applies to.
pub(super) fn report(loc: &Location, group: &[&TokenReport], out: &mut Vec<Finding>) {
    let weak: Vec<&TokenReport> = group
        .iter()
        .copied()
        .filter(|r| !r.weak.is_empty())
        .collect();
    if !weak.is_empty() {
        let from = token_sources(&weak);
        let mut what: Vec<String> = weak.iter().flat_map(|r| r.weak.clone()).collect();
        what.sort();
        what.dedup();
        let severity = weak
            .iter()
            .map(|r| r.weak_severity)
            .max()
            .unwrap_or(Severity::Low);
        out.push(
            Finding::new(
                &rules::JWT_WEAKNESS,
                FindingSource::Runtime,
                loc.clone(),
                "",
                format!("Weak JWT ({from})"),
                format!("The token(s) from {from} have {}.", what.join(", ")),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(token_analysis(&weak, what.join(", "))),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::authentication as rules;

    use crate::checks::authentication::testing::*;

    #[test]
    fn fires_jwt_weakness() {
        let out = analysed(serde_json::json!({"sub": "u1", "iat": 1700000000}), STRONG);
        assert_eq!(ids(&out), vec![rules::JWT_WEAKNESS.id], "{out:#?}");
    }

    #[test]
    fn near_miss_jwt_weakness() {
        // A 15-minute token with a strong secret.
        assert!(analysed(short_lived(), STRONG).is_empty());
    }
}
