//! Runtime checks, one file per category. Each reads the evidence store and may send a few more
//! requests through the scanner (and so through the engine's safety policy).

use crate::Scanner;
use apiward_core::{Finding, Severity};
use apiward_detect::Sensitivity;

pub mod active;
mod authentication;
mod bfla;
mod bola;
mod data_exposure;
mod encryption;
mod input_validation;
mod inventory;
pub mod jwt;
mod llm_security;
mod property_authorization;
mod rate_limiting;
mod unsafe_consumption;

/// Run every runtime check.
pub async fn run_all(s: &mut Scanner, out: &mut Vec<Finding>) {
    let seen = data_exposure::run(s, out);
    encryption::run(s, out);
    property_authorization::run(s, out);
    bfla::passive(s, out);
    llm_security::passive(s, out);
    unsafe_consumption::run(s, out);
    authentication::run(s, out).await;
    bola::run(s, out).await;
    bfla::run(s, out).await;
    input_validation::run(s, out).await;
    rate_limiting::run(s, out).await;
    inventory::run(s, out).await;
    if s.active {
        active::run(s, out).await;
    }
    data_exposure::run_late(s, out, &seen);
}

/// Severity of exposing data of this sensitivity: the base (critical data → high), raised once for
/// no authentication and once for volume.
pub fn exposure_severity(worst: Sensitivity, anonymous: bool, volume: bool) -> Severity {
    let mut s = match worst {
        Sensitivity::Critical => Severity::High,
        Sensitivity::High => Severity::Medium,
        Sensitivity::Medium => Severity::Low,
        Sensitivity::Low => Severity::Info,
    };
    if anonymous {
        s = s.raised();
    }
    if volume {
        s = s.raised();
    }
    s
}

/// Operations keyed by method and path, in first-seen order, with the store indexes that belong
/// to each (crawl and probes; discovery excluded).
pub fn by_operation(s: &Scanner) -> Vec<((String, String), Vec<usize>)> {
    let mut groups: Vec<((String, String), Vec<usize>)> = Vec::new();
    for (i, o) in s.store.observations.iter().enumerate() {
        if o.purpose == crate::store::Purpose::Discovery {
            continue;
        }
        let key = (o.exchange.method.to_string(), o.path.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_matrix() {
        // An unauthenticated list of SSNs is critical; one email to an authenticated caller is low.
        assert_eq!(
            exposure_severity(Sensitivity::Critical, true, true),
            Severity::Critical
        );
        assert_eq!(
            exposure_severity(Sensitivity::Medium, false, false),
            Severity::Low
        );
        assert_eq!(
            exposure_severity(Sensitivity::Medium, true, false),
            Severity::Medium
        );
        assert_eq!(
            exposure_severity(Sensitivity::Low, false, false),
            Severity::Info
        );
    }
}
