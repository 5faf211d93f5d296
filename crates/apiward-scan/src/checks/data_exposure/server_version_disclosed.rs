//! APIW-DATA-104: response headers that disclose server software versions, one finding for the API.
//! Tests: `fires_server_version_disclosed`, `near_miss_server_version_disclosed` (below).

use crate::Scanner;
use crate::evidence::response;
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_detect::{DataType, Match};
use apiward_rules::data_exposure as rules;

/// Server versions: one finding for the API, from headers.
pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let mut versions: Vec<(&crate::store::Observation, &Match)> = Vec::new();
    for o in s.store.iter() {
        for m in &o.header_matches {
            if m.data_type == DataType::ServerVersion {
                versions.push((o, m));
            }
        }
    }
    if let Some((o, _)) = versions.first() {
        let ms: Vec<&Match> = versions.iter().map(|(_, m)| *m).collect();
        let mut shown: Vec<String> = ms.iter().map(|m| m.masked.clone()).collect();
        shown.sort();
        shown.dedup();
        out.push(
            Finding::new(
                &rules::SERVER_VERSION_DISCLOSED,
                FindingSource::Runtime,
                apiward_core::Location::default().with_url(&o.exchange.url),
                "",
                "Response headers disclose server software versions",
                format!("Headers reveal: {}.", shown.join(", ")),
            )
            .confidence(Confidence::Certain)
            .evidence(response(o, "version-revealing header", &ms)),
        );
    }
}

#[cfg(test)]
mod tests {
    use apiward_rules::data_exposure as rules;

    use crate::checks::data_exposure::testing::*;

    #[test]
    fn fires_server_version_disclosed() {
        let out = findings(200, &[JSON, ("server", "nginx/1.18.0")], b"{}");
        assert!(has(&out, &rules::SERVER_VERSION_DISCLOSED), "{out:#?}");
    }

    #[test]
    fn near_miss_server_version_disclosed() {
        let out = findings(200, &[JSON, ("server", "nginx")], b"{}");
        assert!(!has(&out, &rules::SERVER_VERSION_DISCLOSED), "{out:#?}");
    }
}
