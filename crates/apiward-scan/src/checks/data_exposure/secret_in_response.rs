//! APIW-DATA-101: secrets (keys, tokens, passwords, environment dumps) in live responses, one
//! finding per operation; the same value on several operations is one finding. Reported from the
//! response pass in `mod.rs`.
//! Tests: `fires_secret_in_response`, `near_miss_secret_in_response` (below).

use super::TypedRule;
use apiward_core::Severity;
use apiward_detect::{DataClass, DataType, Match, Sensitivity};
use apiward_rules::data_exposure as rules;

pub(super) const TYPED: TypedRule = TypedRule {
    rule: &rules::SECRET_IN_RESPONSE,
    reports: is_secret,
    severity: Some(severity),
    fold: true,
};

fn is_secret(t: DataType) -> bool {
    t.class() == DataClass::Secret && t != DataType::Jwt || t == DataType::EnvDump
}

/// By the worst secret: critical types are critical, high are high, the rest medium.
fn severity(_matches: &[&Match], worst: Sensitivity) -> Severity {
    match worst {
        Sensitivity::Critical => Severity::Critical,
        Sensitivity::High => Severity::High,
        _ => Severity::Medium,
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::data_exposure as rules;

    use crate::checks::data_exposure::testing::*;

    #[test]
    fn fires_secret_in_response() {
        let out = findings(
            200,
            &[JSON],
            br#"{"stripe_key": "sk_live_51Hx9Qk2eZvKYlo2C8nM4pR7tW1yB3dF6gJ0"}"#,
        );
        assert!(has(&out, &rules::SECRET_IN_RESPONSE), "{out:#?}");
    }

    #[test]
    fn near_miss_secret_in_response() {
        // Token metadata, not a token.
        let out = findings(
            200,
            &[JSON],
            br#"{"token_type": "bearer", "expires_in": 3600, "scope": "orders:read"}"#,
        );
        assert!(!has(&out, &rules::SECRET_IN_RESPONSE), "{out:#?}");
    }
}
