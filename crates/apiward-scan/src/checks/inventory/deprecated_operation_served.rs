//! APIW-INV-003 (runtime half): operations the spec marks deprecated still answer 2xx.
//! Tests: `fires_deprecated_operation_served`, `near_miss_deprecated_operation_served` (below;
//! tests/rules_runtime.rs).

use crate::Scanner;
use crate::evidence::{at, count_summary, response};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_http::Method;
use apiward_rules::inventory as rules;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = &s.spec else { return };
    for (i, op) in spec.operations.iter().enumerate() {
        if !op.deprecated {
            continue;
        }
        let Some(o) = s
            .store
            .for_op(i)
            .find(|o| o.is_success() && o.exchange.method != Method::OPTIONS)
        else {
            continue;
        };
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant())
            .collect();
        let severity = if data.is_empty() {
            Severity::Low
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                &rules::DEPRECATED_OPERATION_SERVED,
                FindingSource::Runtime,
                at(o),
                "",
                format!("Deprecated {} still answers", op.label()),
                format!(
                    "{} is deprecated but answered {}{}.",
                    op.label(),
                    o.status(),
                    if data.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", count_summary(&data))
                    }
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("deprecated operation answered {}", o.status()),
                &data,
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::inventory as rules;

    use super::*;
    use crate::checks::inventory::testing::*;

    #[test]
    fn fires_deprecated_operation_served() {
        let mut out = Vec::new();
        check(&crawled(200), &mut out);
        assert_eq!(rule_ids(&out), vec![rules::DEPRECATED_OPERATION_SERVED.id]);
        assert_eq!(out[0].location.path.as_deref(), Some("/v1/orders"));
    }

    #[test]
    fn near_miss_deprecated_operation_served() {
        // Retired properly: 410 Gone.
        let mut out = Vec::new();
        check(&crawled(410), &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}
