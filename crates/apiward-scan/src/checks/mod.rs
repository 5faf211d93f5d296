//! Runtime checks, one file per category. Each reads the evidence store and may send a few more
//! requests through the scanner (and so through the engine's safety policy).

use crate::Scanner;
use apiward_core::{Finding, Severity};
use apiward_detect::Sensitivity;

pub mod active;
mod authentication;
mod bfla;
mod bola;
mod cross_identity_write;
mod data_exposure;
mod encryption;
mod input_validation;
mod inventory;
pub mod jwt;
mod llm_security;
mod malformed_input;
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
    s.phase("checks: authentication", out.len());
    authentication::run(s, out).await;
    s.phase("checks: bola", out.len());
    bola::run(s, out).await;
    s.phase("checks: bfla", out.len());
    bfla::run(s, out).await;
    s.phase("checks: input validation", out.len());
    input_validation::run(s, out).await;
    s.phase("checks: rate limiting", out.len());
    rate_limiting::run(s, out).await;
    s.phase("checks: inventory", out.len());
    inventory::run(s, out).await;
    if s.active {
        s.phase("checks: active probes", out.len());
        active::run(s, out).await;
        cross_identity_write::run(s, out);
    }
    malformed_input::run(s, out).await;
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
    // Linear: an index from key to group keeps first-seen order without a scan per observation.
    let mut groups: Vec<((String, String), Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for (i, o) in s.store.observations.iter().enumerate() {
        if o.purpose == crate::store::Purpose::Discovery {
            continue;
        }
        let key = (o.exchange.method.to_string(), o.path.clone());
        match index.get(&key) {
            Some(&g) => groups[g].1.push(i),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![i]));
            }
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

/// Synthetic scanners and exchanges for the checks' unit tests (no network).
#[cfg(test)]
pub(crate) mod testkit {
    use crate::store::{Observation, Purpose, Store};
    use crate::{Coverage, ScanSettings, Scanner, identity::Identity};
    use apiward_detect::Detector;
    use apiward_http::{Engine, EngineConfig, Exchange, Method};
    use std::sync::{Arc, OnceLock};

    pub const ORIGIN: &str = "http://127.0.0.1:9";

    fn detector() -> Arc<Detector> {
        static D: OnceLock<Arc<Detector>> = OnceLock::new();
        D.get_or_init(|| Arc::new(Detector::new())).clone()
    }

    /// A scanner over `spec` (JSON or YAML text) with these identities and no observations.
    pub fn scanner(spec: Option<&str>, identities: Vec<Identity>) -> Scanner {
        let spec = spec.map(|text| {
            apiward_spec::load_bytes(
                "spec.json",
                text.as_bytes(),
                None,
                &apiward_spec::LoadOptions::default(),
            )
            .expect("test spec loads")
        });
        let mut guard = crate::guard::Guard::new(false, Vec::new(), Vec::new(), ORIGIN);
        if let Some(spec) = &spec {
            guard.load_spec(spec);
        }
        Scanner {
            engine: Engine::new(EngineConfig::for_target(ORIGIN).expect("config")).expect("engine"),
            detector: detector(),
            origin: ORIGIN.to_string(),
            base: ORIGIN.to_string(),
            spec: spec.map(Arc::new),
            spec_name: None,
            spec_served_at: None,
            identities,
            active: false,
            cfg: ScanSettings {
                burst: 0,
                max_items: 500,
                max_response_bytes: 1 << 20,
                shadow_probe: false,
                llm_tier: crate::LlmTier::Quick,
                canary: Default::default(),
            },
            store: Store::default(),
            harvest: crate::plan::Harvest::default(),
            diagnostics: Vec::new(),
            coverage: Coverage::default(),
            guard,
            progress: crate::progress::Progress::new(false, std::time::Instant::now(), None),
            logins: Default::default(),
            roles: Vec::new(),
        }
    }

    /// A finished exchange for `path` on [`ORIGIN`].
    pub fn exchange(
        method: &str,
        path: &str,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Exchange {
        Exchange {
            id: 0,
            method: Method::from_bytes(method.as_bytes()).expect("method"),
            url: format!("{ORIGIN}{path}"),
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: body.to_vec(),
            wire_bytes: body.len() as u64,
            truncated: false,
            body_error: None,
            json_too_deep: false,
            redirect_blocked: None,
            elapsed: std::time::Duration::from_millis(1),
            redirects: Vec::new(),
            http_version: "HTTP/1.1".to_string(),
            tls: None,
        }
    }

    /// An observation of an undocumented route (or of `op` with `push`).
    pub fn obs(identity: Option<&str>, x: Exchange) -> Observation {
        let path = x.url.trim_start_matches(ORIGIN).to_string();
        Observation::new(
            &detector(),
            Purpose::Crawl,
            None,
            path,
            identity.map(str::to_string),
            x,
        )
    }

    /// Record an exchange in the scanner's store: `op` by index into the spec, `template` its path.
    pub fn push(
        s: &mut Scanner,
        purpose: Purpose,
        op: Option<usize>,
        template: &str,
        identity: Option<&str>,
        x: Exchange,
    ) {
        let o = Observation::new(
            &s.detector,
            purpose,
            op,
            template.to_string(),
            identity.map(str::to_string),
            x,
        );
        s.store.push(o);
    }
}
