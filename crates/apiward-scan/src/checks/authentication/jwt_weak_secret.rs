//! APIW-AUTH-105: a JWT whose HMAC verifies with a secret from the built-in weak list, found
//! offline (reported from the JWT pass in `mod.rs`, once per place).
//! Tests: `fires_jwt_weak_secret`, `near_miss_jwt_weak_secret` (below; tests/identities.rs).

use super::{TokenReport, token_analysis, token_sources};
use apiward_core::{Confidence, Finding, FindingSource, Location};
use apiward_rules::authentication as rules;

/// Report the tokens of one place (`group`) this rule applies to.
pub(super) fn report(loc: &Location, group: &[&TokenReport], out: &mut Vec<Finding>) {
    // Weak HMAC secret.
    let cracked: Vec<&TokenReport> = group
        .iter()
        .copied()
        .filter(|r| r.cracked.is_some())
        .collect();
    if let Some(first) = cracked.first() {
        let from = token_sources(&cracked);
        let secret = first.cracked.clone().unwrap_or_default();
        out.push(
            Finding::new(
                &rules::JWT_WEAK_SECRET,
                FindingSource::Runtime,
                loc.clone(),
                "",
                format!("JWT signing secret is a common value ({from})"),
                format!(
                    "The {} token(s) from {from} verify with a secret from the built-in weak list ({secret}): anyone can forge tokens{}.",
                    first.alg,
                    if first.roles.is_empty() {
                        String::new()
                    } else {
                        format!(", including their role claims ({})", first.roles.join(", "))
                    }
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(token_analysis(
                &cracked,
                format!("HMAC verified offline with a listed weak secret ({secret})"),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::authentication as rules;

    use crate::checks::authentication::testing::*;

    #[test]
    fn fires_jwt_weak_secret() {
        let out = analysed(short_lived(), "secret");
        assert_eq!(ids(&out), vec![rules::JWT_WEAK_SECRET.id], "{out:#?}");
    }

    #[test]
    fn near_miss_jwt_weak_secret() {
        assert!(analysed(short_lived(), STRONG).is_empty());
    }
}
