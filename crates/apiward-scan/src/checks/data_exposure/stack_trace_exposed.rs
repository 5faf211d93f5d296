//! APIW-DATA-102: stack traces and SQL errors in live responses, one finding per operation.
//! Reported from the response pass in `mod.rs`.
//! Tests: `fires_stack_trace_exposed`, `near_miss_stack_trace_exposed` (below).

use super::TypedRule;
use apiward_detect::DataType;
use apiward_rules::data_exposure as rules;

pub(super) const TYPED: TypedRule = TypedRule {
    rule: &rules::STACK_TRACE_EXPOSED,
    reports: is_trace,
    severity: None,
    fold: false,
};

fn is_trace(t: DataType) -> bool {
    matches!(t, DataType::StackTrace | DataType::SqlError)
}

#[cfg(test)]
mod tests {
    use apiward_rules::data_exposure as rules;

    use crate::checks::data_exposure::testing::*;

    #[test]
    fn fires_stack_trace_exposed() {
        let out = findings(
            500,
            &[("content-type", "text/plain")],
            b"Traceback (most recent call last):\n  File \"/app/main.py\", line 42, in get_orders\n    rows = table.query(**kwargs)\nKeyError: 'user_id'\n",
        );
        assert!(has(&out, &rules::STACK_TRACE_EXPOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_stack_trace_exposed() {
        let out = findings(500, &[JSON], br#"{"detail": "Internal Server Error"}"#);
        assert!(!has(&out, &rules::STACK_TRACE_EXPOSED), "{out:#?}");
    }
}
