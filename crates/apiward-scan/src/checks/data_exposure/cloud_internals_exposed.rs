//! APIW-DATA-103: cloud internals (botocore and DynamoDB errors, ARNs, account ids, raw attribute
//! values, paging keys, capacity and response metadata) in live responses, one finding per
//! operation. Reported from the response pass in `mod.rs`.
//! Tests: `fires_cloud_internals_exposed`, `near_miss_cloud_internals_exposed` (below).

use super::TypedRule;
use apiward_core::Severity;
use apiward_detect::{DataType, Match, Sensitivity};
use apiward_rules::data_exposure as rules;

pub(super) const TYPED: TypedRule = TypedRule {
    rule: &rules::CLOUD_INTERNALS_EXPOSED,
    reports: is_cloud_internal,
    severity: Some(severity),
    fold: false,
};

fn is_cloud_internal(t: DataType) -> bool {
    matches!(
        t,
        DataType::BotocoreError
            | DataType::DynamodbException
            | DataType::AwsArn
            | DataType::AwsAccountId
            | DataType::DynamodbAttributeValue
            | DataType::DynamodbPagingKey
            | DataType::DynamodbConsumedCapacity
            | DataType::AwsResponseMetadata
    )
}

/// Medium when the answer names the account or the resource (errors, ARNs, account ids); low for
/// the rest.
fn severity(matches: &[&Match], _worst: Sensitivity) -> Severity {
    let loud = matches.iter().any(|m| {
        matches!(
            m.data_type,
            DataType::BotocoreError | DataType::AwsArn | DataType::AwsAccountId
        )
    });
    if loud {
        Severity::Medium
    } else {
        Severity::Low
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::data_exposure as rules;

    use crate::checks::data_exposure::testing::*;

    #[test]
    fn fires_cloud_internals_exposed() {
        let out = findings(
            500,
            &[JSON],
            br#"{"error": "An error occurred (ValidationException) when calling the Query operation: Invalid KeyConditionExpression", "table": "arn:aws:dynamodb:us-east-1:483920175561:table/Orders"}"#,
        );
        assert!(has(&out, &rules::CLOUD_INTERNALS_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_cloud_internals_exposed() {
        // An opaque cursor instead of a raw LastEvaluatedKey.
        let out = findings(
            200,
            &[JSON],
            br#"{"items": [], "next_cursor": "b3JkZXJzOjUwMDE"}"#,
        );
        assert!(!has(&out, &rules::CLOUD_INTERNALS_EXPOSED), "{out:#?}");
    }
}
