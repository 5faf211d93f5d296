//! APIW-SSRF-001 (runtime half, active): the out-of-band canary. Each URL input gets a canary URL
//! unique to its probe (loopback, or `--canary-listen`/`--canary-url`); a request to it confirms
//! the server fetches caller-supplied URLs. No third-party or metadata address is ever handed to
//! the target.
//! Tests: `fires_url_input`, `near_miss_url_input` (tests/rules_runtime.rs).

use crate::checks::unsafe_consumption::webhook_registration;
use crate::evidence::response;
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::ssrf;
use apiward_taxonomy::fields::is_url_format;
use serde_json::{Value, json};
use std::time::Duration;

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    let c = match crate::canary::Canary::start(&s.cfg.canary).await {
        Ok(c) => c,
        Err(e) => {
            s.note(apiward_core::DiagnosticLevel::Warning, "scan.canary", e);
            return;
        }
    };
    // A loopback listener can only be called by a target on this machine: for any other target
    // the out-of-band checks cannot be confirmed, which is not the same as passing them.
    if c.loopback_only && !crate::is_loopback_target(&s.base) {
        s.note(
            apiward_core::DiagnosticLevel::Warning,
            "scan.oob-unconfirmed",
            "out-of-band checks (SSRF, webhook delivery) could not be confirmed: the target cannot reach the scanner's loopback canary; pass --canary-listen ADDR and --canary-url URL (an address the target can reach)",
        );
        c.stop();
        return;
    }
    let Some(spec) = s.spec.clone() else {
        c.stop();
        return;
    };
    let mut sends = Vec::new();
    let mut tokens = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        if op.is_webhook || op.method == apiward_spec::Method::Delete {
            continue;
        }
        // Reads the guard calls and creates only: a URL is never written into an existing object.
        if s.guard.callable(i).is_err()
            || (!op.method.is_safe() && !crate::writes::is_create(s, &spec, i))
        {
            continue;
        }
        let token = c.token(i);
        let canary_url = c.url_for(&token);
        let planned = crate::plan::plan(&spec, i, op, &s.harvest);
        let is_url = |name: &str, schema: Option<apiward_spec::SchemaId>| {
            let format = schema.and_then(|id| spec.schema(id).format.as_deref());
            apiward_taxonomy::fields::is_url(name) || is_url_format(format)
        };
        let url_params: Vec<&str> = op
            .parameters
            .iter()
            .filter(|p| p.location == apiward_spec::ParamLocation::Query)
            .filter(|p| is_url(&p.name, p.schema))
            .map(|p| p.name.as_str())
            .collect();
        // A registration gets the canary in the field the taxonomy says carries its callback
        // (`url` before a bare `target`); anything else in its first URL field.
        let registration = webhook_registration::named(op);
        let body_prop = op.request_body.as_ref().and_then(|b| {
            b.content.iter().filter_map(|m| m.schema).find_map(|root| {
                let props = spec.flatten_properties(root, 1);
                let callback = registration.as_ref().and_then(|n| {
                    let fields = props
                        .iter()
                        .map(|p| (p.name.as_str(), spec.schema(p.schema).format.as_deref()));
                    apiward_taxonomy::callbacks::pick_callback_field(fields, n.naming)
                        .map(str::to_string)
                });
                callback.or_else(|| {
                    props
                        .iter()
                        .find(|p| is_url(&p.name, Some(p.schema)))
                        .map(|p| p.name.clone())
                })
            })
        });
        if url_params.is_empty() && body_prop.is_none() {
            continue;
        }
        let method = Method::from_bytes(op.method.as_str().as_bytes()).unwrap_or(Method::GET);
        let mut path = planned.path_and_query.clone();
        for name in &url_params {
            let sep = if path.contains('?') { '&' } else { '?' };
            path = format!(
                "{path}{sep}{}={}",
                crate::plan::encode(name),
                crate::plan::encode(&canary_url)
            );
        }
        let mut req = Request::new(method, s.url(&path));
        if let Some(name) = &body_prop {
            let mut body: Value =
                serde_json::from_slice(&crate::sample::sample_body(&spec, op)).unwrap_or(json!({}));
            if let Value::Object(m) = &mut body {
                m.insert(name.clone(), json!(canary_url));
            }
            req = req
                .header("content-type", "application/json")
                .body(body.to_string().into_bytes());
        }
        for id in std::iter::once(None).chain(s.identities.iter().take(1).cloned().map(Some)) {
            sends.push(ScanRequest {
                purpose: Purpose::Probe,
                op: Some(i),
                path: op.path.clone(),
                identity: id,
                request: req.clone(),
            });
        }
        let fields: Vec<String> = url_params
            .iter()
            .map(|x| x.to_string())
            .chain(body_prop)
            .collect();
        tokens.push((token, i, fields));
    }
    let got = s.send_all(sends).await;
    // A remote target may fetch later than one on this machine.
    let wait = if c.loopback_only { 800 } else { 3000 };
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let mut confirmed = Vec::new();
    for (token, i, fields) in tokens {
        let hits = c.hits_for(&token);
        if let Some(first) = hits.first() {
            confirmed.push((i, first.clone(), hits.len(), fields));
        }
    }
    c.stop();
    for (i, hit, count, fields) in confirmed {
        let op = &spec.operations[i];
        let witness = got
            .iter()
            .flatten()
            .find(|x| s.obs(**x).op == Some(i))
            .copied();
        let mut f = Finding::new(
            &ssrf::URL_INPUT,
            FindingSource::Runtime,
            Location::operation(op.method.as_str(), &op.path),
            "",
            format!("{} fetches URLs supplied by the caller", op.label()),
            format!(
                "Handed a canary URL unique to this probe, {} made the server request it (out-of-band confirmation).",
                op.label()
            ),
        )
        .severity(Severity::High)
        .confidence(Confidence::Certain);
        if let Some(w) = witness {
            let o = s.obs(w);
            f.location.url = Some(o.exchange.url.clone());
            f.evidence.push(response(
                o,
                format!(
                    "the canary received {count} request(s) for this probe's token, the first from {} {} ms after the canary started",
                    hit.peer,
                    hit.after.as_millis()
                ),
                &[],
            ));
        }
        // A registration that calls the canary at once is the webhook rule's runtime half.
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        webhook_registration::report(s, op, &fields, witness, &f, out);
        out.push(f);
    }
}
