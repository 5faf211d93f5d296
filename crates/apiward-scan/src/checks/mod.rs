//! Runtime checks: a folder per category, a file per rule (`<category>/<rule_name>.rs`, the rule's
//! kebab name in snake case) holding its checker and its tests; what several rules of a category
//! share lives in the category's `mod.rs`. Each check reads the evidence store and may send a few
//! more requests through the scanner (and so through the guard and the engine's safety policy).
//!
//! [`run_all`] is the one place that orders them. Where one pass over the evidence feeds several
//! rules (the JWT analysis, the response pass of data exposure, the CORS, admin and malformed-input
//! probes, the SSRF canary), the pass lives in the category's `mod.rs` and each rule reports from
//! its own file.

use crate::Scanner;
use apiward_core::{Finding, Severity};
use apiward_detect::Sensitivity;

pub mod authentication;
pub mod bfla;
pub mod bola;
pub mod data_exposure;
pub mod encryption;
pub mod input_validation;
pub mod inventory;
pub mod llm_security;
pub mod property_authorization;
pub mod rate_limiting;
pub mod ssrf;
pub mod unsafe_consumption;

pub use authentication::jwt;

/// Run every runtime check, in the scan's order of phases.
pub async fn run_all(s: &mut Scanner, out: &mut Vec<Finding>) {
    use authentication as auth;
    use input_validation as input;
    // Passive: the store only.
    let seen = data_exposure::responses(s, out);
    data_exposure::server_version_disclosed::check(s, out);
    encryption::plaintext_transport::check(s, out);
    encryption::hsts_missing::check(s, out);
    encryption::mixed_content::check(s, out);
    encryption::insecure_cookie::check(s, out);
    encryption::certificate_problem::check(s, out);
    property_authorization::undocumented_response_property::check(s, out);
    bfla::privilege_fields_exposed::check(s, out);
    llm_security::system_prompt_disclosed::check(s, out);
    unsafe_consumption::third_party_content::check(s, out);

    s.phase("checks: authentication", out.len());
    auth::auth_not_enforced::check(s, out);
    auth::inconsistent_method_auth::check(s, out).await;
    auth::missing_www_authenticate::check(s, out);
    auth::missing_security_headers::check(s, out);
    let secrets = auth::jwt_tokens(s, out);
    auth::tampered_token_accepted::check(s, out, &secrets).await;
    if s.active {
        auth::user_enumeration::check(s, out).await;
    }

    s.phase("checks: bola", out.len());
    bola::predictable_object_ids::check(s, out).await;
    bola::cross_identity_access::check(s, out).await;

    s.phase("checks: bfla", out.len());
    bfla::admin_functions(s, out).await;

    s.phase("checks: input validation", out.len());
    input::cors(s, out).await;
    input::dangerous_methods::check(s, out).await;
    input::validation_error_echoes_input::check(s, out).await;

    s.phase("checks: rate limiting", out.len());
    rate_limiting::no_rate_limit_headers::check(s, out);
    rate_limiting::burst_not_limited::check(s, out).await;
    rate_limiting::oversized_response::check(s, out);
    rate_limiting::limit_not_enforced::check(s, out).await;

    s.phase("checks: inventory", out.len());
    let catch_all = inventory::catch_all_fingerprint(s).await;
    inventory::docs_exposed::check(s, out, &catch_all).await;
    inventory::shadow_endpoint::check(s, out, &catch_all).await;
    inventory::deprecated_operation_served::check(s, out);
    inventory::multiple_api_versions::check(s, out);

    if s.active {
        s.phase("checks: active probes", out.len());
        ssrf::url_input::check(s, out).await;
        property_authorization::mass_assignment_confirmed::check(s, out).await;
        input::validation_error_echoes_input::check_secret_echo(s, out).await;
        llm_security::prompt_injection::check(s, out).await;
        bola::id_traversal::check(s, out).await;
        bola::cross_identity_write::check(s, out);
    }
    // Read-only probes of every parameter: APIW-INPUT-105/-106 and APIW-DATA-106.
    input::malformed_input::run(s, out).await;
    // Undocumented routes the probes above reached.
    data_exposure::late_responses(s, out, &seen);
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

/// `METHOD /path/template` of every operation (probes included) with an observation matching
/// `pred`, in first-seen order. A header problem many operations share is one finding listing
/// them; a single operation is returned as an empty list (the location says it).
pub fn operations_where(
    s: &Scanner,
    pred: impl Fn(&crate::store::Observation) -> bool,
) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut labels = Vec::new();
    for o in s.store.iter().filter(|o| pred(o)) {
        let label = format!("{} {}", o.exchange.method, o.path);
        if seen.insert(label.clone()) {
            labels.push(label);
        }
    }
    if labels.len() < 2 {
        labels.clear();
    }
    labels
}

/// Operations keyed by method and path, in first-seen order, with the store indexes that belong
/// to each (crawl and probes; discovery excluded). See [`crate::store::Store::by_operation`].
pub fn by_operation(s: &Scanner) -> Vec<((String, String), Vec<usize>)> {
    s.store.by_operation()
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
