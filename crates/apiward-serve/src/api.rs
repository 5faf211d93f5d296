//! Routes, and the JSON API under `/api/v1` (described by `openapi.rs`).

use crate::App;
use crate::auth;
use apiward_history::{Every, Store};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// Longest URL or spec path accepted in a schedule or webhook.
pub const MAX_URL_LEN: usize = 2048;
/// Largest request body accepted (JSON and forms).
const MAX_BODY: usize = 64 * 1024;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(crate::pages::index))
        .route("/apis/{id}", get(crate::pages::api_page))
        .route("/apis/{id}/diff", get(crate::pages::diff_page))
        .route("/scans/{id}", get(crate::pages::scan_page))
        .route("/findings/{id}", get(crate::pages::finding_page))
        .route(
            "/schedules",
            get(crate::pages::schedules_page).post(crate::pages::schedule_form),
        )
        .route("/schedules/{id}/run", post(crate::pages::schedule_run_form))
        .route(
            "/schedules/{id}/enabled",
            post(crate::pages::schedule_enabled_form),
        )
        .route(
            "/schedules/{id}/delete",
            post(crate::pages::schedule_delete_form),
        )
        .route(
            "/webhooks",
            get(crate::pages::webhooks_page).post(crate::pages::webhook_form),
        )
        .route(
            "/webhooks/{id}/delete",
            post(crate::pages::webhook_delete_form),
        )
        .route(
            "/login",
            get(crate::pages::login_page).post(crate::pages::login_form),
        )
        .route("/static/{name}", get(crate::pages::asset))
        .route("/openapi.json", get(openapi))
        .route("/api/v1/apis", get(list_apis))
        .route("/api/v1/apis/{id}", get(get_api))
        .route("/api/v1/apis/{id}/scans", get(api_scans))
        .route("/api/v1/apis/{id}/findings", get(api_findings))
        .route("/api/v1/apis/{id}/diff", get(api_diff))
        .route("/api/v1/scans/{id}", get(get_scan))
        .route("/api/v1/findings/{id}", get(get_finding))
        .route(
            "/api/v1/schedules",
            get(list_schedules).post(create_schedule),
        )
        .route(
            "/api/v1/schedules/{id}",
            get(get_schedule)
                .patch(update_schedule)
                .delete(delete_schedule),
        )
        .route("/api/v1/schedules/{id}/run", post(run_schedule))
        .route("/api/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(delete_webhook),
        )
        .route("/api/v1/deliveries", get(list_deliveries))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            auth::guard,
        ))
        .with_state(app)
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(StatusCode::NOT_FOUND, "no such endpoint".into()).into_response()
    } else {
        crate::pages::error_page(StatusCode::NOT_FOUND, "No such page.")
    }
}

/// An error answer of the JSON API: `{"error": "..."}`.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

impl From<apiward_history::Error> for ApiError {
    fn from(e: apiward_history::Error) -> Self {
        let status = match e {
            apiward_history::Error::NotFound(_) => StatusCode::NOT_FOUND,
            apiward_history::Error::Invalid(_) => StatusCode::BAD_REQUEST,
            apiward_history::Error::Sqlite(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.to_string())
    }
}

/// Run a store call on a blocking thread.
pub async fn db<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&Store) -> apiward_history::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let store = Arc::clone(&app.store);
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(ApiError::from)
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::DOCUMENT,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Limit {
    pub limit: Option<usize>,
}

fn limit(l: Option<usize>) -> usize {
    l.unwrap_or(100).clamp(1, 1000)
}

async fn list_apis(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let apis = db(&app, |s| s.apis()).await?;
    Ok(Json(json!({ "apis": apis })).into_response())
}

async fn get_api(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(db(&app, move |s| s.api(id)).await?).into_response())
}

async fn api_scans(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(q): Query<Limit>,
) -> Result<Response, ApiError> {
    let n = limit(q.limit);
    let scans = db(&app, move |s| {
        s.api(id)?;
        s.scans(Some(id), n)
    })
    .await?;
    Ok(Json(json!({ "scans": scans })).into_response())
}

#[derive(Deserialize)]
pub struct FindingFilter {
    pub status: Option<String>,
}

async fn api_findings(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(q): Query<FindingFilter>,
) -> Result<Response, ApiError> {
    let status = q.status.filter(|s| s != "all");
    let findings = db(&app, move |s| {
        s.api(id)?;
        s.findings(id, status.as_deref())
    })
    .await?;
    Ok(Json(json!({ "findings": findings })).into_response())
}

#[derive(Deserialize)]
pub struct DiffQuery {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// The two scans to compare: the given ones, else the API's two latest.
pub async fn diff_pair(app: &Arc<App>, api_id: i64, q: &DiffQuery) -> Result<(i64, i64), ApiError> {
    let latest = db(app, move |s| {
        s.api(api_id)?;
        s.scans(Some(api_id), 2)
    })
    .await?;
    let to = q.to.or(latest.first().map(|s| s.id));
    let from = q.from.or(latest.get(1).map(|s| s.id));
    match (from, to) {
        (Some(f), Some(t)) => Ok((f, t)),
        _ => Err(ApiError(
            StatusCode::NOT_FOUND,
            "this API needs two scans to compare".into(),
        )),
    }
}

async fn api_diff(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = diff_pair(&app, id, &q).await?;
    let d = db(&app, move |s| {
        let d = s.diff(from, to)?;
        if d.old.api_id != id {
            return Err(apiward_history::Error::Invalid(format!(
                "scan {from} is not a scan of API {id}"
            )));
        }
        Ok(d)
    })
    .await?;
    Ok(Json(d).into_response())
}

async fn get_scan(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let rec = db(&app, move |s| s.scan(id)).await?;
    Ok(
        Json(json!({ "scan": rec.summary, "states": rec.states, "report": rec.report }))
            .into_response(),
    )
}

async fn get_finding(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(db(&app, move |s| s.finding_history(id)).await?).into_response())
}

/// A schedule as the API shows it (with whether it is running now).
fn schedule_json(app: &App, s: &apiward_history::Schedule) -> serde_json::Value {
    let running = app
        .running
        .lock()
        .map(|r| r.contains(&s.id))
        .unwrap_or(false);
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("running".into(), json!(running));
        o.insert(
            "next_run_at".into(),
            json!(apiward_history::rfc3339(s.next_run)),
        );
    }
    v
}

async fn list_schedules(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let list = db(&app, |s| s.schedules()).await?;
    let list: Vec<_> = list.iter().map(|s| schedule_json(&app, s)).collect();
    Ok(Json(json!({ "schedules": list })).into_response())
}

async fn get_schedule(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let s = db(&app, move |s| s.schedule(id)).await?;
    Ok(Json(schedule_json(&app, &s)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSchedule {
    pub target: String,
    pub spec: Option<String>,
    pub interval_secs: Option<u64>,
    pub cron: Option<String>,
    /// `NAME=KIND:env:VAR` references; literal credentials are refused.
    #[serde(default)]
    pub identities: Vec<String>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Default: enabled.
    pub enabled: Option<bool>,
}

/// A change to a schedule: only the fields given change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleUpdate {
    pub enabled: Option<bool>,
    pub identities: Option<Vec<String>>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
}

/// Check a scan target the way a scan will (http(s), a parseable origin, no metadata address).
pub fn check_target(target: &str) -> Result<(), String> {
    if target.len() > MAX_URL_LEN {
        return Err("target URL too long".into());
    }
    let lower = target.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!(
            "target `{target}` must be an http:// or https:// URL"
        ));
    }
    let cfg = apiward_http::EngineConfig::for_target(target)?;
    let url = target
        .parse()
        .map_err(|e| format!("target `{target}`: {e}"))?;
    apiward_http::Policy::new(cfg.origins, false)
        .check(&apiward_http::Method::GET, &url)
        .map_err(|e| format!("target refused: {e}"))
}

/// Validate and store a new schedule; its first run is due at the next tick.
pub async fn add_schedule(
    app: &Arc<App>,
    n: NewSchedule,
) -> Result<apiward_history::Schedule, ApiError> {
    let bad = |m: String| ApiError(StatusCode::BAD_REQUEST, m);
    check_target(n.target.trim()).map_err(bad)?;
    let spec = n
        .spec
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if spec.as_ref().is_some_and(|s| s.len() > MAX_URL_LEN) {
        return Err(bad("spec too long".into()));
    }
    let cron = n
        .cron
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let every = match (n.interval_secs, cron) {
        (Some(s), None) => Every::IntervalSecs(s),
        (None, Some(c)) => Every::Cron(c),
        _ => return Err(bad("give exactly one of interval_secs and cron".into())),
    };
    let settings = crate::settings::check(&n.identities, &n.include, &n.exclude).map_err(bad)?;
    let enabled = n.enabled.unwrap_or(true);
    let target = n.target.trim().to_string();
    let now = apiward_core::time::unix_now();
    db(app, move |s| {
        s.add_schedule_with(&target, spec.as_deref(), &every, &settings, enabled, now)
    })
    .await
}

/// Apply a change to a schedule (checked like a new one).
pub async fn change_schedule(
    app: &Arc<App>,
    id: i64,
    u: ScheduleUpdate,
) -> Result<apiward_history::Schedule, ApiError> {
    let bad = |m: String| ApiError(StatusCode::BAD_REQUEST, m);
    let current = db(app, move |s| s.schedule(id)).await?;
    let settings = if u.identities.is_some() || u.include.is_some() || u.exclude.is_some() {
        let old = &current.settings;
        Some(
            crate::settings::check(
                u.identities.as_ref().unwrap_or(&old.identities),
                u.include.as_ref().unwrap_or(&old.include),
                u.exclude.as_ref().unwrap_or(&old.exclude),
            )
            .map_err(bad)?,
        )
    } else {
        None
    };
    let enabled = u.enabled;
    db(app, move |s| {
        let mut out = current;
        if let Some(settings) = &settings {
            out = s.set_schedule_settings(id, settings)?;
        }
        if let Some(on) = enabled {
            out = s.set_schedule_enabled(id, on)?;
        }
        Ok(out)
    })
    .await
}

/// Make a schedule due now; a disabled one is refused (it would never be picked up).
pub async fn run_now(app: &Arc<App>, id: i64) -> Result<(), ApiError> {
    let now = apiward_core::time::unix_now();
    let schedule = db(app, move |s| s.schedule(id)).await?;
    if !schedule.enabled {
        return Err(ApiError(
            StatusCode::CONFLICT,
            format!("schedule {id} is disabled; enable it first"),
        ));
    }
    db(app, move |s| s.run_schedule_now(id, now)).await
}

async fn create_schedule(
    State(app): State<Arc<App>>,
    Json(n): Json<NewSchedule>,
) -> Result<Response, ApiError> {
    let s = add_schedule(&app, n).await?;
    Ok((StatusCode::CREATED, Json(schedule_json(&app, &s))).into_response())
}

async fn update_schedule(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Json(u): Json<ScheduleUpdate>,
) -> Result<Response, ApiError> {
    let s = change_schedule(&app, id, u).await?;
    Ok(Json(schedule_json(&app, &s)).into_response())
}

async fn delete_schedule(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    db(&app, move |s| s.delete_schedule(id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn run_schedule(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    run_now(&app, id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"status": "queued", "schedule": id})),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    pub url: String,
    pub api_id: Option<i64>,
}

/// Validate and store a webhook; returns it with its secret (shown only now).
pub async fn add_webhook(
    app: &Arc<App>,
    n: NewWebhook,
) -> Result<(apiward_history::Webhook, String), ApiError> {
    let url = n.url.trim().to_string();
    if url.len() > MAX_URL_LEN {
        return Err(ApiError(StatusCode::BAD_REQUEST, "URL too long".into()));
    }
    crate::webhook::engine_config(&url, 1).map_err(|e| ApiError(StatusCode::BAD_REQUEST, e))?;
    let secret =
        crate::webhook::new_secret().map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    let s2 = secret.clone();
    let api_id = n.api_id;
    let hook = db(app, move |s| {
        if let Some(a) = api_id {
            s.api(a)?;
        }
        s.add_webhook(&url, &s2, api_id)
    })
    .await?;
    Ok((hook, secret))
}

async fn list_webhooks(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let hooks = db(&app, |s| s.webhooks()).await?;
    Ok(Json(json!({ "webhooks": hooks })).into_response())
}

async fn create_webhook(
    State(app): State<Arc<App>>,
    Json(n): Json<NewWebhook>,
) -> Result<Response, ApiError> {
    let (hook, secret) = add_webhook(&app, n).await?;
    let mut v = serde_json::to_value(&hook).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("secret".into(), json!(secret));
    }
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn delete_webhook(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    db(&app, move |s| s.delete_webhook(id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
pub struct DeliveryQuery {
    pub webhook_id: Option<i64>,
    pub limit: Option<usize>,
}

async fn list_deliveries(
    State(app): State<Arc<App>>,
    Query(q): Query<DeliveryQuery>,
) -> Result<Response, ApiError> {
    let n = limit(q.limit);
    let list = db(&app, move |s| s.deliveries(q.webhook_id, n)).await?;
    Ok(Json(json!({ "deliveries": list })).into_response())
}
