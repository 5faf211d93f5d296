//! APIW-DATA-001 (runtime half): personal data in live responses, judged per operation by the
//! detector's matches: severity from the worst type, raised for unauthenticated callers and for
//! volume; contact data in one object to an authenticated caller is what the API is for. Reported
//! from the response pass in `mod.rs`.
//! Tests: `fires_sensitive_data_exposed`, `near_miss_sensitive_data_exposed` (below).

use super::{Documented, Reported, fold_into_earlier, root_is_collection};
use crate::checks::exposure_severity;
use crate::evidence::{at, count_summary, response};
use crate::store::Observation;
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::{DataClass, DataType, Match, Sensitivity};
use apiward_rules::data_exposure as rules;
use std::collections::HashSet;

/// Personal data in the responses of one operation, minus the spec's own examples: one finding,
/// or the operation joins an earlier finding that reported the same values.
#[allow(clippy::too_many_arguments)]
pub(super) fn report(
    obs: &[&Observation],
    first: &Observation,
    method: &str,
    path: &str,
    documented: &Documented,
    reported: &mut Reported,
    out: &mut Vec<Finding>,
) {
    let mut pii: Vec<(&crate::store::Observation, &Match)> = Vec::new();
    for o in obs {
        for m in &o.body_matches {
            if m.data_type.class() == DataClass::Pii
                && m.data_type != DataType::MaskedPaymentCard
                && !matches!(m.data_type, DataType::IpInternal)
                && !documented.covers(o, m)
            {
                pii.push((o, m));
            }
        }
    }
    if !pii.is_empty() {
        let significant: Vec<&Match> = pii
            .iter()
            .filter(|(_, m)| m.is_significant())
            .map(|(_, m)| *m)
            .collect();
        let anonymous = pii.iter().any(|(o, m)| o.anonymous() && m.is_significant());
        let distinct: std::collections::HashSet<&str> =
            significant.iter().map(|m| m.hash.as_str()).collect();
        let list = obs.iter().any(|o| root_is_collection(o));
        let volume = list && distinct.len() > 1 || distinct.len() >= 10;
        let worst = significant
            .iter()
            .map(|m| m.data_type.sensitivity())
            .max()
            .unwrap_or(Sensitivity::Low);
        let kinds: Vec<DataType> = significant.iter().map(|m| m.data_type).collect();
        // Contact data in one object, or names alone, to an authenticated caller is what the
        // API is for (the spec half judges the same way); unconfirmed matches to an
        // authenticated caller are not worth a finding either.
        let ordinary = !anonymous
            && (significant.is_empty()
                || apiward_audit::sensitive::ordinary_for_authenticated_caller(
                    &kinds, false, volume,
                ));
        let severity = if significant.is_empty() {
            Severity::Info
        } else {
            exposure_severity(worst, anonymous, volume)
        };
        let shown: Vec<&Match> = if significant.is_empty() {
            pii.iter().map(|(_, m)| *m).collect()
        } else {
            significant.clone()
        };
        let witness = pii
            .iter()
            .find(|(o, m)| o.anonymous() && m.is_significant())
            .or(pii.first())
            .map(|(o, _)| *o)
            .unwrap_or(first);
        let summary = count_summary(&shown);
        let who = if anonymous {
            "without credentials"
        } else {
            "to an authenticated caller"
        };
        let hashes: HashSet<String> = significant.iter().map(|m| m.hash.clone()).collect();
        if !ordinary && !fold_into_earlier(out, reported, &hashes, method, path, severity) {
            if !hashes.is_empty() {
                reported.push((hashes, out.len()));
            }
            out.push(
                Finding::new(
                    &rules::SENSITIVE_DATA_EXPOSED,
                    FindingSource::Runtime,
                    at(witness),
                    "",
                    format!("{method} {path} returns personal data {who}"),
                    format!("Live responses of {method} {path} contained {summary} {who}."),
                )
                .severity(severity)
                .confidence(if significant.is_empty() {
                    Confidence::Tentative
                } else {
                    Confidence::Certain
                })
                .evidence(response(
                    witness,
                    format!("{summary} in the response"),
                    &shown,
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::data_exposure as rules;

    use crate::checks::data_exposure::testing::*;

    #[test]
    fn fires_sensitive_data_exposed() {
        let out = findings(200, &[JSON], br#"{"user_id": "u1", "ssn": "512-48-3391"}"#);
        assert!(has(&out, &rules::SENSITIVE_DATA_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_sensitive_data_exposed() {
        let out = findings(
            200,
            &[JSON],
            br#"{"order_id": 5001, "status": "shipped", "total": 42.5}"#,
        );
        assert!(!has(&out, &rules::SENSITIVE_DATA_EXPOSED), "{out:#?}");
    }
}
