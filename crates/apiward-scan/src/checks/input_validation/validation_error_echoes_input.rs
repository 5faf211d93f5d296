//! APIW-INPUT-104: validation errors that echo the submitted input: the passive check over the
//! crawl's error answers ([`check`]) and, with `--active`, a canary password sent alone
//! ([`check_secret_echo`]).
//! Tests: `fires_validation_error_echoes_input`, `near_miss_validation_error_echoes_input`
//! (tests/rules_runtime.rs).

use crate::evidence::{at, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_detect::DataClass;
use apiward_http::{Method, Request};
use apiward_rules::input_validation as rules;
use serde_json::Value;
use serde_json::json;

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

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
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

const CANARY_SECRET: &str = "apiward-Canary-Pw-7Qx2Lm9Vz";

pub async fn check_secret_echo(s: &mut Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = s.spec.clone() else { return };
    let mut sends = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        if op.method != apiward_spec::Method::Post || s.guard.callable(i).is_err() {
            continue;
        }
        let field = op.request_body.as_ref().and_then(|b| {
            b.content.iter().filter_map(|m| m.schema).find_map(|root| {
                spec.flatten_properties(root, 1).into_iter().find(|p| {
                    apiward_detect::classify_key(&p.name)
                        .is_some_and(|k| k.data_type == apiward_detect::DataType::Password)
                })
            })
        });
        let Some(field) = field else { continue };
        let planned = crate::plan::plan(&spec, i, op, &s.harvest);
        // Only the secret: the other required fields are missing, so validation fails.
        let body = json!({ field.name.clone(): CANARY_SECRET });
        sends.push(ScanRequest {
            purpose: Purpose::Probe,
            op: Some(i),
            path: op.path.clone(),
            identity: None,
            request: Request::new(Method::POST, s.url(&planned.path_and_query))
                .header("content-type", "application/json")
                .body(body.to_string().into_bytes()),
        });
    }
    let got = s.send_all(sends).await;
    for i in got.into_iter().flatten() {
        let o = s.obs(i);
        if memchr::memmem::find(&o.exchange.body, CANARY_SECRET.as_bytes()).is_none() {
            continue;
        }
        out.push(
            Finding::new(
                &rules::VALIDATION_ERROR_ECHOES_INPUT,
                FindingSource::Runtime,
                crate::evidence::at(o),
                "",
                format!("{} echoes a submitted password", o.label()),
                format!(
                    "A request to {} with only a password field (a canary value) got {} and the password back in the body.",
                    o.label(),
                    o.status()
                ),
            )
            .severity(Severity::High)
            .confidence(Confidence::Certain)
            .evidence(response(o, "the submitted password is echoed in the error", &[])),
        );
    }
}
