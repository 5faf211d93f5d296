//! input_validation at runtime: APIW-INPUT-101 CORS reflection with credentials, -102 `null`
//! origin, -103 dangerous methods advertised, -104 validation errors echoing input.

use crate::evidence::{at, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_detect::DataClass;
use apiward_http::{Method, Request};
use apiward_rules::input_validation as rules;
use serde_json::Value;

const EVIL_ORIGIN: &str = "https://evil.example";

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    cors(s, out).await;
    methods(s, out).await;
    validation_echo(s, out).await;
}

async fn cors(s: &mut Scanner, out: &mut Vec<Finding>) {
    // A few GETs that answered: the same requests with a hostile Origin, and with `null`.
    let mut picks: Vec<(Option<usize>, String, String)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose == Purpose::Crawl
            && o.anonymous()
            && o.exchange.method == Method::GET
            && o.status() < 500
        {
            if !picks.iter().any(|p| p.1 == o.path) {
                picks.push((o.op, o.path.clone(), o.exchange.url.clone()));
            }
            if picks.len() >= 3 {
                break;
            }
        }
    }
    if picks.is_empty() {
        picks.push((None, "/".to_string(), s.root_url("/")));
    }
    let mut sends = Vec::new();
    for (op, path, url) in &picks {
        for origin in [EVIL_ORIGIN, "null"] {
            sends.push(ScanRequest {
                purpose: Purpose::Probe,
                op: *op,
                path: path.clone(),
                identity: None,
                request: Request::get(url.clone()).header("origin", origin),
            });
        }
    }
    let got = s.send_all(sends).await;
    let (mut reflected, mut null) = (false, false);
    for (n, i) in got.into_iter().enumerate() {
        let Some(i) = i else { continue };
        let o = s.obs(i);
        let acao = o
            .exchange
            .header("access-control-allow-origin")
            .unwrap_or("")
            .trim()
            .to_string();
        let creds = o
            .exchange
            .header("access-control-allow-credentials")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let asked_null = n % 2 == 1;
        if !asked_null && !reflected && (acao == EVIL_ORIGIN || (acao == "*" && creds)) {
            reflected = true;
            let how = if acao == "*" {
                "`*`"
            } else {
                "the attacker's origin"
            };
            out.push(
                Finding::new(
                    &rules::CORS_ORIGIN_REFLECTED,
                    FindingSource::Runtime,
                    Location::default().with_url(&o.exchange.url),
                    "",
                    if creds {
                        "CORS reflects any origin and allows credentials".to_string()
                    } else {
                        "CORS reflects any origin".to_string()
                    },
                    format!(
                        "A request with `Origin: {EVIL_ORIGIN}` got `Access-Control-Allow-Origin` = {how}{}.",
                        if creds { " with `Access-Control-Allow-Credentials: true`" } else { "" }
                    ),
                )
                .severity(if creds { Severity::High } else { Severity::Medium })
                .confidence(Confidence::Certain)
                .evidence(response(o, format!("Origin: {EVIL_ORIGIN} reflected"), &[])),
            );
        }
        if asked_null && !null && acao == "null" {
            null = true;
            out.push(
                Finding::new(
                    &rules::CORS_NULL_ORIGIN,
                    FindingSource::Runtime,
                    Location::default().with_url(&o.exchange.url),
                    "",
                    "CORS trusts the `null` origin",
                    format!(
                        "`Origin: null` got `Access-Control-Allow-Origin: null`{}.",
                        if creds { " with credentials" } else { "" }
                    ),
                )
                .severity(if creds {
                    Severity::Medium
                } else {
                    Severity::Low
                })
                .confidence(Confidence::Certain)
                .evidence(response(o, "Origin: null accepted", &[])),
            );
        }
    }
}

async fn methods(s: &mut Scanner, out: &mut Vec<Finding>) {
    // One OPTIONS per concrete path already requested (crawl), up to a bound.
    let mut picks: Vec<(Option<usize>, String, String)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose == Purpose::Crawl && !picks.iter().any(|p| p.2 == o.exchange.url) {
            picks.push((o.op, o.path.clone(), o.exchange.url.clone()));
        }
        if picks.len() >= 40 {
            break;
        }
    }
    let sends: Vec<ScanRequest> = picks
        .iter()
        .map(|(op, path, url)| ScanRequest {
            purpose: Purpose::Probe,
            op: *op,
            path: path.clone(),
            identity: None,
            request: Request::new(Method::OPTIONS, url.clone()),
        })
        .collect();
    let got = s.send_all(sends).await;
    let mut reported = false;
    for i in got.into_iter().flatten() {
        if reported {
            break;
        }
        let o = s.obs(i);
        let allow = o
            .exchange
            .header("allow")
            .or_else(|| o.exchange.header("access-control-allow-methods"))
            .unwrap_or("")
            .to_ascii_uppercase();
        if allow.is_empty() {
            continue;
        }
        let advertised: Vec<&str> = allow.split(',').map(str::trim).collect();
        let documented: Vec<String> = match &s.spec {
            Some(spec) => spec
                .operations
                .iter()
                .filter(|op| op.path == o.path)
                .map(|op| op.method.as_str().to_string())
                .collect(),
            None => Vec::new(),
        };
        let mut bad: Vec<String> = Vec::new();
        if advertised.contains(&"TRACE") {
            bad.push("TRACE".to_string());
        }
        if s.spec.is_some() {
            for m in ["PUT", "DELETE", "PATCH"] {
                if advertised.contains(&m) && !documented.iter().any(|d| d == m) {
                    bad.push(m.to_string());
                }
            }
        }
        if bad.is_empty() {
            continue;
        }
        reported = true;
        let severity = if bad.iter().any(|b| b == "TRACE" || b == "DELETE") {
            Severity::Low
        } else {
            Severity::Info
        };
        out.push(
            Finding::new(
                &rules::DANGEROUS_METHODS,
                FindingSource::Runtime,
                Location::operation("OPTIONS", &o.path).with_url(&o.exchange.url),
                "",
                format!("{} advertises {}", o.path, bad.join(", ")),
                format!(
                    "OPTIONS {} answers `Allow: {}`; {} {} not documented or dangerous.",
                    o.path,
                    apiward_core::truncate_chars(&allow, 100),
                    bad.join(", "),
                    if bad.len() == 1 { "is" } else { "are" }
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("Allow: {}", apiward_core::truncate_chars(&allow, 100)),
                &[],
            )),
        );
    }
}

/// Pydantic-style `detail[].input` values in a body.
pub fn echoed_inputs(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(items) = json.get("detail").and_then(Value::as_array) {
        for it in items.iter().take(20) {
            if let Some(input) = it.get("input") {
                out.push(match input {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
            }
        }
    }
    out
}

async fn validation_echo(s: &mut Scanner, out: &mut Vec<Finding>) {
    // Provoke one validation error on a GET with a typed path parameter (harmless value).
    let probe = s.spec.as_ref().and_then(|spec| {
        spec.operations.iter().enumerate().find_map(|(i, op)| {
            if op.method != apiward_spec::Method::Get {
                return None;
            }
            let p = op.parameters.iter().find(|p| {
                p.location == apiward_spec::ParamLocation::Path
                    && p.schema.is_some_and(|s| spec.schema(s).has_type("integer"))
            })?;
            let path = op.path.replace(&format!("{{{}}}", p.name), "apiward-probe");
            (!path.contains('{')).then(|| (i, op.path.clone(), path))
        })
    });
    if let Some((i, template, path)) = probe {
        let send = s.probe_get(Some(i), &template, &path);
        s.send(send).await;
    }
    let mut done = false;
    for o in s.store.iter() {
        if done {
            break;
        }
        let Some(json) = &o.json else { continue };
        if !(400..500).contains(&o.status()) {
            continue;
        }
        let inputs = echoed_inputs(json);
        if inputs.is_empty() {
            continue;
        }
        done = true;
        let secrets: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.data_type.class() != DataClass::Internal)
            .collect();
        let severity = if secrets
            .iter()
            .any(|m| m.data_type.class() == DataClass::Secret)
        {
            Severity::High
        } else if secrets.is_empty() {
            Severity::Low
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                &rules::VALIDATION_ERROR_ECHOES_INPUT,
                FindingSource::Runtime,
                at(o),
                "",
                format!("{} echoes submitted input in validation errors", o.label()),
                format!(
                    "The {} error of {} returns the submitted input back ({} value(s){}).",
                    o.status(),
                    o.label(),
                    inputs.len(),
                    if secrets.is_empty() {
                        ""
                    } else {
                        ", including sensitive data"
                    }
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(o, "`detail[].input` echoes the request", &secrets)),
        );
    }
}
