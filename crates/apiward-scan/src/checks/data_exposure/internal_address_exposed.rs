//! APIW-DATA-105: internal IP addresses and host names in live responses, one finding per
//! operation. Reported from the response pass in `mod.rs`.
//! Tests: `fires_internal_address_exposed`, `near_miss_internal_address_exposed` (below).

use super::TypedRule;
use apiward_detect::DataType;
use apiward_rules::data_exposure as rules;

pub(super) const TYPED: TypedRule = TypedRule {
    rule: &rules::INTERNAL_ADDRESS_EXPOSED,
    reports: is_internal_address,
    severity: None,
    fold: false,
};

fn is_internal_address(t: DataType) -> bool {
    matches!(t, DataType::IpInternal | DataType::InternalHostname)
}

#[cfg(test)]
mod tests {
    use apiward_rules::data_exposure as rules;

    use crate::checks::data_exposure::testing::*;

    #[test]
    fn fires_internal_address_exposed() {
        let out = findings(
            502,
            &[JSON],
            br#"{"detail": "upstream 10.0.3.17:8080 refused the connection"}"#,
        );
        assert!(has(&out, &rules::INTERNAL_ADDRESS_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_internal_address_exposed() {
        // A version number and a public address are not internal addresses.
        let out = findings(
            200,
            &[JSON],
            br#"{"api_version": "10.0.3", "egress_ip": "203.0.113.7"}"#,
        );
        assert!(!has(&out, &rules::INTERNAL_ADDRESS_EXPOSED), "{out:#?}");
    }
}
