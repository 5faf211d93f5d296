//! Rate limiting at runtime, one file per rule: APIW-RATE-101 no rate-limit headers, -102 a bounded
//! burst never throttled, -103 oversized list responses, -104 `limit` ignored or unbounded.
//!
//! Shared here: reading rate-limit headers.

pub(crate) mod burst_not_limited;
pub(crate) mod limit_not_enforced;
pub(crate) mod no_rate_limit_headers;
pub(crate) mod oversized_response;

fn has_rate_headers(o: &crate::store::Observation) -> bool {
    o.exchange.headers.iter().any(|(n, _)| {
        n.starts_with("ratelimit")
            || n.starts_with("x-ratelimit")
            || n == "retry-after"
            || n.starts_with("x-rate-limit")
    })
}

/// The request quota a response advertises: `RateLimit-Limit: 50`, `X-RateLimit-Limit: 50`, or
/// the first number of a structured `RateLimit-Limit: 50, 50;w=10`.
fn advertised_limit(o: &crate::store::Observation) -> Option<u64> {
    o.exchange.headers.iter().find_map(|(n, v)| {
        let n = n.to_ascii_lowercase();
        if n != "ratelimit-limit" && n != "x-ratelimit-limit" && n != "x-rate-limit-limit" {
            return None;
        }
        let digits: String = v
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::checks::testkit;

    #[test]
    fn advertised_limit_headers() {
        let x = |h: &[(&str, &str)]| {
            let o = testkit::obs(None, testkit::exchange("GET", "/x", 200, h, b"{}"));
            advertised_limit(&o)
        };
        assert_eq!(x(&[("ratelimit-limit", "50")]), Some(50));
        assert_eq!(x(&[("x-ratelimit-limit", "100, 100;w=60")]), Some(100));
        assert_eq!(x(&[("ratelimit-remaining", "49")]), None);
    }
}
