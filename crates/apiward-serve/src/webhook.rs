//! Signed webhooks. A delivery is a JSON POST with
//! `X-Apiward-Timestamp: <unix seconds>` and
//! `X-Apiward-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`;
//! receivers recompute the HMAC and refuse old timestamps (replays). See docs/serve.md.

use crate::App;
use apiward_history::{FindingRow, Recorded, Webhook};
use apiward_http::{Engine, EngineConfig, Method, Origin, Request};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

pub const SIGNATURE_HEADER: &str = "X-Apiward-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Apiward-Timestamp";
pub const EVENT_HEADER: &str = "X-Apiward-Event";
pub const DELIVERY_HEADER: &str = "X-Apiward-Delivery";

/// Findings listed in one payload at most per kind (counts are always complete).
const MAX_LISTED: usize = 100;

/// `sha256=<hex>` over `timestamp + "." + body`.
pub fn sign(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut m =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!("sha256={}", crate::hex(&m.finalize().into_bytes()))
}

/// What a receiver does: check the signature (constant time) and that the timestamp is within
/// `tolerance_secs` of `now`.
pub fn verify(
    secret: &str,
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: u64,
    tolerance_secs: u64,
) -> Result<(), &'static str> {
    let ts: u64 = timestamp.trim().parse().map_err(|_| "bad timestamp")?;
    if now.abs_diff(ts) > tolerance_secs {
        return Err("timestamp outside the tolerance (replayed or delayed)");
    }
    let expected = sign(secret, ts, body);
    let given = signature.trim().as_bytes();
    let same = expected.len() == given.len()
        && expected
            .as_bytes()
            .iter()
            .zip(given)
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0;
    if same {
        Ok(())
    } else {
        Err("signature mismatch")
    }
}

/// A new webhook secret: `whsec_` and 64 hex digits.
pub fn new_secret() -> Result<String, String> {
    Ok(format!(
        "whsec_{}",
        crate::hex(&crate::random_bytes::<32>()?)
    ))
}

/// The engine configuration a delivery to `url` goes through: that URL's origin only, POST
/// allowed (the engine's `active`), metadata and link-local addresses refused by the engine's
/// policy like for any scan, no redirects followed, small bodies, short timeouts.
pub fn engine_config(url: &str, attempts: u32) -> Result<EngineConfig, String> {
    let lower = url.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!("webhook URL `{url}` must be http:// or https://"));
    }
    let origin = Origin::parse(url)?;
    let cfg = EngineConfig {
        origins: vec![origin],
        active: true,
        allow_delete: false,
        timeout: Duration::from_secs(10),
        budget: Duration::from_secs(15 * u64::from(attempts.max(1))),
        max_requests: attempts.max(1) as usize,
        max_body: 64 * 1024,
        max_redirects: 0,
        concurrency: 1,
        ..EngineConfig::default()
    };
    // Refuse a metadata / link-local address now rather than at the first delivery.
    let parsed = url
        .parse()
        .map_err(|e| format!("webhook URL `{url}`: {e}"))?;
    apiward_http::Policy::new(cfg.origins.clone(), true)
        .check(&Method::POST, &parsed)
        .map_err(|e| format!("webhook URL refused: {e}"))?;
    Ok(cfg)
}

fn finding(f: &FindingRow) -> Value {
    json!({
        "id": f.id,
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "severity": f.severity,
        "category": f.category,
        "title": f.title,
        "location": f.location,
        "first_seen_scan": f.first_seen_scan,
    })
}

/// Why a recorded scan deserves a webhook: `new_findings`, `regressed_findings`, `grade_changed`.
pub fn reasons(r: &Recorded) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !r.new.is_empty() {
        out.push("new_findings");
    }
    if !r.regressed.is_empty() {
        out.push("regressed_findings");
    }
    if r.grade_changed() {
        out.push("grade_changed");
    }
    out
}

/// The JSON body of a `scan.changed` event.
pub fn payload(r: &Recorded, delivery_id: i64, reasons: &[&str]) -> Value {
    let list = |v: &[FindingRow]| v.iter().take(MAX_LISTED).map(finding).collect::<Vec<_>>();
    json!({
        "event": "scan.changed",
        "delivery": delivery_id,
        "reasons": reasons,
        "api": {"id": r.scan.api_id, "name": r.scan.api_name},
        "scan": {
            "id": r.scan.id,
            "started_at": r.scan.started_at,
            "trigger": r.scan.trigger,
            "score": r.scan.score,
            "grade": r.scan.grade,
            "counts": r.scan.counts,
        },
        "previous": r.previous.as_ref().map(|p| json!({"id": p.id, "score": p.score, "grade": p.grade})),
        "counts": {"new": r.new.len(), "regressed": r.regressed.len(), "fixed": r.fixed.len()},
        "new": list(&r.new),
        "regressed": list(&r.regressed),
        "fixed": list(&r.fixed),
    })
}

/// Send the events of a recorded scan to every webhook that wants them. Each delivery is logged
/// before the first attempt and after each one.
pub async fn notify(app: &Arc<App>, recorded: &Recorded) {
    let why = reasons(recorded);
    if why.is_empty() {
        return;
    }
    let store = Arc::clone(&app.store);
    let api_id = recorded.scan.api_id;
    let hooks = match tokio::task::spawn_blocking(move || store.webhooks_for(api_id)).await {
        Ok(Ok(h)) => h,
        _ => return,
    };
    let mut tasks = Vec::new();
    for hook in hooks {
        let app = Arc::clone(app);
        let recorded = recorded.clone();
        let why: Vec<&'static str> = why.clone();
        tasks.push(tokio::spawn(async move {
            deliver(&app, &hook, &recorded, &why).await;
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&apiward_history::Store) -> apiward_history::Result<T> + Send + 'static,
) -> Option<T> {
    let store = Arc::clone(&app.store);
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .ok()?
        .ok()
}

async fn deliver(app: &Arc<App>, hook: &Webhook, recorded: &Recorded, why: &[&'static str]) {
    let (hook_id, scan_id) = (hook.id, recorded.scan.id);
    let Some(delivery_id) = blocking(app, move |s| {
        s.add_delivery(hook_id, Some(scan_id), "scan.changed")
    })
    .await
    else {
        return;
    };
    let body = match serde_json::to_vec(&payload(recorded, delivery_id, why)) {
        Ok(b) => b,
        Err(_) => return,
    };
    let attempts = app.cfg.webhook_attempts.max(1);
    let engine = match engine_config(&hook.url, attempts).and_then(Engine::new) {
        Ok(e) => e,
        Err(e) => {
            let _ = blocking(app, move |s| {
                s.update_delivery(delivery_id, 0, None, Some(&e), false)
            })
            .await;
            return;
        }
    };
    let mut delay = app.cfg.webhook_backoff;
    for attempt in 1..=attempts {
        let ts = apiward_core::time::unix_now();
        let req = Request::new(Method::POST, hook.url.clone())
            .header("Content-Type", "application/json")
            .header(TIMESTAMP_HEADER, ts.to_string())
            .secret_header(SIGNATURE_HEADER, sign(&hook.secret, ts, &body))
            .header(EVENT_HEADER, "scan.changed")
            .header(DELIVERY_HEADER, delivery_id.to_string())
            .body(body.clone())
            .no_redirects();
        let (status, error, done, retry) = match engine.send(req).await {
            Ok(x) if (200..300).contains(&x.status) => (Some(x.status), None, true, false),
            Ok(x) => (
                Some(x.status),
                Some(format!("HTTP {}", x.status)),
                false,
                x.status >= 500 || x.status == 429 || x.status == 408,
            ),
            Err(e) => {
                let refused = matches!(
                    e,
                    apiward_http::HttpError::OutOfScope(_)
                        | apiward_http::HttpError::MetadataAddress(_)
                        | apiward_http::HttpError::MethodNotAllowed(_)
                );
                (None, Some(e.to_string()), false, !refused)
            }
        };
        let err = error.clone();
        let _ = blocking(app, move |s| {
            s.update_delivery(delivery_id, attempt, status, err.as_deref(), done)
        })
        .await;
        if done || !retry || attempt == attempts {
            return;
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(2);
    }
}
