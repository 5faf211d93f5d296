//! Server-rendered pages. Every value from the database (API names, titles, URLs, errors) goes
//! through `h` (HTML escaping); scripts and styles are files under `/static/`, so the CSP needs no
//! inline exception.

use crate::App;
use crate::api::{ApiError, DiffQuery, NewSchedule, NewWebhook, db};
use crate::auth::{Caller, SESSION_COOKIE, csrf_ok};
use apiward_history::{ApiSummary, FindingRow, ScanSummary, TrendPoint};
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

fn h(s: &str) -> String {
    apiward_report::escape_html(s)
}

const APP_CSS: &str = r#"
nav.bar{display:flex;gap:18px;align-items:center;background:#1d2330;color:#fff;padding:10px 24px}
nav.bar a{color:#fff;text-decoration:none;font-weight:600}
nav.bar a.here{text-decoration:underline}
nav.bar .brand{font-weight:800;margin-right:12px}
a{color:#1565c0}
.badge{display:inline-block;min-width:26px;text-align:center;border-radius:6px;color:#fff;font-weight:800;padding:0 6px}
.badge.grade-A{background:#2e7d32}.badge.grade-B{background:#558b2f}.badge.grade-C{background:#f9a825}.badge.grade-D{background:#ef6c00}.badge.grade-F{background:#c62828}
.state{border-radius:4px;padding:0 6px;font-size:12px;font-weight:700}
.state.new{background:#fff3cd;color:#7a5600}.state.regressed{background:#fde0dc;color:#a0271b}
.state.fixed{background:#dff3e4;color:#1e6b34}.state.unchanged{background:#eef0f4;color:#39404d}
.state.open{background:#fde0dc;color:#a0271b}
.notice{background:#e8f4fd;border:1px solid #b6dcf7;border-radius:8px;padding:10px 14px;margin-top:16px;overflow-wrap:anywhere}
.error{background:#fde0dc;border:1px solid #f3b2a9;border-radius:8px;padding:10px 14px;margin-top:16px}
form.inline{display:inline}
form.stack{display:grid;grid-template-columns:max-content minmax(200px,480px);gap:8px 12px;align-items:center}
form.stack button{grid-column:2;justify-self:start}
input[type=text],input[type=url],input[type=number],input[type=password],select,textarea{font:inherit;padding:3px 8px;border:1px solid var(--line);border-radius:6px;background:#fff}
button{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
svg.spark{vertical-align:middle}
.hint{color:var(--mute);font-size:13px}
"#;

const APP_JS: &str = r#"
(function () {
  "use strict";
  function bindFilter(inputId, rowSelector, test) {
    var input = document.getElementById(inputId);
    if (!input) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll(rowSelector));
    var count = document.getElementById(inputId + "-count");
    function apply() {
      var n = 0;
      rows.forEach(function (r) {
        var ok = test(r, input.value);
        r.hidden = !ok;
        if (ok) { n += 1; }
      });
      if (count) { count.textContent = String(n); }
    }
    input.addEventListener("input", apply);
    input.addEventListener("change", apply);
    apply();
  }
  bindFilter("api-filter", "tr[data-name]", function (r, v) {
    return r.getAttribute("data-name").toLowerCase().indexOf(v.trim().toLowerCase()) !== -1;
  });
  bindFilter("status-filter", "tr[data-status]", function (r, v) {
    return v === "all" || r.getAttribute("data-status") === v;
  });
  bindFilter("severity-filter", "tr[data-sev]", function (r, v) {
    return v === "all" || r.getAttribute("data-sev") === v;
  });
})();
"#;

/// `/static/{name}`: the stylesheet and the two scripts.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (ty, body): (&str, String) = match name.as_str() {
        "app.css" => (
            "text/css; charset=utf-8",
            format!("{}{APP_CSS}", apiward_report::html::CSS),
        ),
        "report.js" => (
            "text/javascript; charset=utf-8",
            apiward_report::html::JS.to_string(),
        ),
        "app.js" => ("text/javascript; charset=utf-8", APP_JS.to_string()),
        _ => return error_page(StatusCode::NOT_FOUND, "No such file."),
    };
    ([(header::CONTENT_TYPE, ty)], body).into_response()
}

fn page(status: StatusCode, title: &str, here: &str, body: &str, report_js: bool) -> Response {
    let mut o = String::with_capacity(body.len() + 2048);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n<title>{} — apiward</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\"></head>\n<body>\n<nav class=\"bar\"><span class=\"brand\">apiward</span>",
        h(title)
    );
    for (href, label) in [
        ("/", "APIs"),
        ("/schedules", "Schedules"),
        ("/webhooks", "Webhooks"),
        ("/openapi.json", "JSON API"),
    ] {
        let _ = write!(
            o,
            "<a href=\"{href}\"{}>{label}</a>",
            if href == here { " class=\"here\"" } else { "" }
        );
    }
    o.push_str("</nav>\n<main>\n");
    o.push_str(body);
    o.push_str("</main>\n<script src=\"/static/app.js\"></script>\n");
    if report_js {
        o.push_str("<script src=\"/static/report.js\"></script>\n");
    }
    o.push_str("</body></html>\n");
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        o,
    )
        .into_response()
}

pub fn error_page(status: StatusCode, msg: &str) -> Response {
    page(
        status,
        "Error",
        "",
        &format!(
            "<section><h2>{}</h2><p class=\"error\">{}</p><p><a href=\"/\">Back to the APIs</a></p></section>",
            status.as_u16(),
            h(msg)
        ),
        false,
    )
}

impl From<ApiError> for Response {
    fn from(e: ApiError) -> Response {
        error_page(e.0, &e.1)
    }
}

type PageResult = Result<Response, Response>;

fn badge(grade: &str) -> String {
    let g = match grade {
        "A" | "B" | "C" | "D" | "F" => grade,
        _ => "F",
    };
    format!("<span class=\"badge grade-{g}\">{g}</span>")
}

/// A small inline SVG of the scores, oldest left.
fn sparkline(points: &[TrendPoint], width: u32, height: u32) -> String {
    if points.is_empty() {
        return String::new();
    }
    let n = points.len().max(2) as u32 - 1;
    let mut path = String::new();
    for (i, p) in points.iter().enumerate() {
        let x = if points.len() == 1 {
            width / 2
        } else {
            i as u32 * (width - 4) / n + 2
        };
        let y = height - 2 - (p.score.clamp(0, 100) as u32 * (height - 4) / 100);
        let _ = write!(path, "{}{x},{y}", if i == 0 { "M" } else { " L" });
    }
    let last = points.last().map(|p| p.score).unwrap_or(0);
    format!(
        "<svg class=\"spark\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"score trend, latest {last}\"><title>scores: {}</title><path d=\"{path}\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\"/></svg>",
        points
            .iter()
            .map(|p| p.score.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn scan_link(s: &ScanSummary) -> String {
    format!("<a href=\"/scans/{}\">#{}</a>", s.id, s.id)
}

pub async fn index(State(app): State<Arc<App>>) -> PageResult {
    let apis: Vec<ApiSummary> = db(&app, |s| s.apis()).await?;
    let mut o = String::new();
    o.push_str("<section><h2>APIs</h2>");
    if apis.is_empty() {
        o.push_str("<p class=\"empty\">No scans recorded yet. Record one with <code>apiward scan URL --record</code>, or add a <a href=\"/schedules\">schedule</a>.</p>");
    } else {
        let _ = write!(
            o,
            "<div class=\"filters\"><label>Filter: <input type=\"text\" id=\"api-filter\" placeholder=\"name or URL\" autocomplete=\"off\"></label><span><span id=\"api-filter-count\">{}</span> of {} shown</span></div>",
            apis.len(),
            apis.len()
        );
        o.push_str("<table><tr><th>API</th><th>Grade</th><th>Score</th><th>Trend</th><th>Open findings</th><th>Scans</th><th>Last scan</th></tr>");
        for a in &apis {
            let (grade, score, last) = match &a.latest {
                Some(l) => (
                    badge(&l.grade),
                    l.score.to_string(),
                    format!("{} {}", scan_link(l), h(&l.started_at)),
                ),
                None => ("–".into(), "–".into(), "never".into()),
            };
            let _ = write!(
                o,
                "<tr data-name=\"{}\"><td><a href=\"/apis/{}\">{}</a></td><td>{grade}</td><td>{score}</td><td>{}</td><td>{}</td><td>{}</td><td>{last}</td></tr>",
                h(&a.name),
                a.id,
                h(&a.name),
                sparkline(&a.trend, 120, 28),
                a.open_findings,
                a.scans
            );
        }
        o.push_str("</table>");
    }
    o.push_str("</section>");
    Ok(page(StatusCode::OK, "APIs", "/", &o, false))
}

fn findings_table(o: &mut String, rows: &[FindingRow], filter: bool) {
    if rows.is_empty() {
        o.push_str("<p class=\"empty\">No findings.</p>");
        return;
    }
    if filter {
        let open = rows.iter().filter(|f| f.status == "open").count();
        let _ = write!(
            o,
            "<div class=\"filters\"><label>Status: <select id=\"status-filter\"><option value=\"open\" selected>open ({open})</option><option value=\"fixed\">fixed ({})</option><option value=\"all\">all ({})</option></select></label><span><span id=\"status-filter-count\">{open}</span> shown</span></div>",
            rows.len() - open,
            rows.len()
        );
    }
    o.push_str("<table><tr><th>Severity</th><th>Finding</th><th>Location</th><th>Status</th><th>First seen</th><th>Last seen</th></tr>");
    for f in rows {
        let _ = write!(
            o,
            "<tr data-status=\"{}\"><td><span class=\"sev {}\">{}</span></td><td><a href=\"/findings/{}\">{}</a> <span class=\"rule\">{}</span></td><td><code>{}</code></td><td><span class=\"state {}\">{}</span></td><td><a href=\"/scans/{}\">#{}</a> {}</td><td><a href=\"/scans/{}\">#{}</a> {}</td></tr>",
            h(&f.status),
            h(&f.severity),
            h(&f.severity.to_ascii_uppercase()),
            f.id,
            h(&f.title),
            h(&f.rule_id),
            h(&f.location),
            h(&f.status),
            h(&f.status),
            f.first_seen_scan,
            f.first_seen_scan,
            h(&f.first_seen_at),
            f.last_seen_scan,
            f.last_seen_scan,
            h(&f.last_seen_at),
        );
    }
    o.push_str("</table>");
}

pub async fn api_page(State(app): State<Arc<App>>, Path(id): Path<i64>) -> PageResult {
    let (api, scans, findings) = db(&app, move |s| {
        Ok((s.api(id)?, s.scans(Some(id), 200)?, s.findings(id, None)?))
    })
    .await?;
    let mut o = String::new();
    let _ = write!(
        o,
        "<header class=\"top\"><div><h1>{}</h1><div class=\"meta\">{} scans · {} open findings</div>",
        h(&api.name),
        api.scans,
        api.open_findings
    );
    if let Some(l) = &api.latest {
        let _ = write!(
            o,
            "<div class=\"score\">Latest {} {}/100 · scan {}</div>",
            badge(&l.grade),
            l.score,
            scan_link(l)
        );
    }
    let _ = write!(
        o,
        "</div><div>{}</div></header>",
        sparkline(&api.trend, 320, 60)
    );
    if scans.len() >= 2 {
        o.push_str(
            "<section><h2>Compare two scans</h2><form class=\"inline\" method=\"get\" action=\"",
        );
        let _ = write!(o, "/apis/{id}/diff\"><label>From <select name=\"from\">");
        for (i, s) in scans.iter().enumerate() {
            let _ = write!(
                o,
                "<option value=\"{}\"{}>#{} {} ({})</option>",
                s.id,
                if i == 1 { " selected" } else { "" },
                s.id,
                h(&s.started_at),
                h(&s.grade)
            );
        }
        o.push_str("</select></label> <label>to <select name=\"to\">");
        for (i, s) in scans.iter().enumerate() {
            let _ = write!(
                o,
                "<option value=\"{}\"{}>#{} {} ({})</option>",
                s.id,
                if i == 0 { " selected" } else { "" },
                s.id,
                h(&s.started_at),
                h(&s.grade)
            );
        }
        o.push_str("</select></label> <button type=\"submit\">Compare</button></form></section>");
    }
    o.push_str("<section><h2>Findings</h2>");
    findings_table(&mut o, &findings, true);
    o.push_str("</section><section><h2>Scans</h2>");
    scans_table(&mut o, &scans);
    o.push_str("</section>");
    Ok(page(StatusCode::OK, &api.name, "", &o, false))
}

fn scans_table(o: &mut String, scans: &[ScanSummary]) {
    if scans.is_empty() {
        o.push_str("<p class=\"empty\">No scans.</p>");
        return;
    }
    o.push_str("<table><tr><th>Scan</th><th>Started</th><th>Mode</th><th>Trigger</th><th>Grade</th><th>Score</th><th>Critical / high / medium / low</th><th>New</th><th>Regressed</th><th>Fixed</th></tr>");
    for s in scans {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {} / {} / {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            scan_link(s),
            h(&s.started_at),
            h(&s.mode),
            h(&s.trigger),
            badge(&s.grade),
            s.score,
            s.counts.critical,
            s.counts.high,
            s.counts.medium,
            s.counts.low,
            s.new,
            s.regressed,
            s.fixed
        );
    }
    o.push_str("</table>");
}

pub async fn scan_page(State(app): State<Arc<App>>, Path(id): Path<i64>) -> PageResult {
    let (rec, previous) = db(&app, move |s| {
        let rec = s.scan(id)?;
        let prev = s
            .scans(Some(rec.summary.api_id), 100_000)?
            .into_iter()
            .find(|p| p.id < id);
        Ok((rec, prev))
    })
    .await?;
    let mut report = rec.report;
    for f in &mut report.findings {
        f.baseline_state = rec.states.get(&f.fingerprint).cloned();
    }
    let s = &rec.summary;
    let mut o = String::new();
    let _ = write!(
        o,
        "<p class=\"meta\">Scan #{} of <a href=\"/apis/{}\">{}</a> · recorded {} · trigger {} · {} new, {} regressed, {} fixed",
        s.id,
        s.api_id,
        h(&s.api_name),
        h(&s.recorded_at),
        h(&s.trigger),
        s.new,
        s.regressed,
        s.fixed
    );
    if let Some(p) = &previous {
        let _ = write!(
            o,
            " · <a href=\"/apis/{}/diff?from={}&amp;to={}\">changes since #{}</a>",
            s.api_id, p.id, s.id, p.id
        );
    }
    o.push_str("</p>\n");
    o.push_str(&apiward_report::html::render_body(&report));
    Ok(page(StatusCode::OK, &format!("Scan #{id}"), "", &o, true))
}

fn finding_list(
    o: &mut String,
    title: &str,
    state: &str,
    list: &[apiward_core::Finding],
    ids: &HashMap<String, i64>,
) {
    let _ = write!(o, "<section><h2>{title} ({})</h2>", list.len());
    if list.is_empty() {
        o.push_str("<p class=\"empty\">None.</p></section>");
        return;
    }
    o.push_str("<table><tr><th>Severity</th><th>Finding</th><th>Location</th><th>Rule</th></tr>");
    for f in list {
        let title = match ids.get(&f.fingerprint) {
            Some(id) => format!("<a href=\"/findings/{id}\">{}</a>", h(&f.title)),
            None => h(&f.title),
        };
        let _ = write!(
            o,
            "<tr data-sev=\"{}\"><td><span class=\"sev {}\">{}</span> <span class=\"state {state}\">{state}</span></td><td>{title}</td><td><code>{}</code></td><td>{}</td></tr>",
            f.severity.id(),
            f.severity.id(),
            f.severity.id().to_ascii_uppercase(),
            h(&f.location.label()),
            h(&f.rule_id)
        );
    }
    o.push_str("</table></section>");
}

pub async fn diff_page(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> PageResult {
    let (from, to) = crate::api::diff_pair(&app, id, &q).await?;
    let (d, findings) = db(&app, move |s| {
        let d = s.diff(from, to)?;
        if d.old.api_id != id {
            return Err(apiward_history::Error::Invalid(format!(
                "scan {from} is not a scan of API {id}"
            )));
        }
        Ok((d, s.findings(id, None)?))
    })
    .await?;
    let ids: HashMap<String, i64> = findings
        .into_iter()
        .map(|f| (f.fingerprint, f.id))
        .collect();
    let mut o = String::new();
    let _ = write!(
        o,
        "<header class=\"top\"><div><h1>Changes in <a href=\"/apis/{}\">{}</a></h1><div class=\"meta\">from scan {} ({}, {} {}/100) to scan {} ({}, {} {}/100)</div><div class=\"counts\"><span class=\"state new\">{} new</span> <span class=\"state regressed\">{} regressed</span> <span class=\"state fixed\">{} fixed</span> <span class=\"state unchanged\">{} unchanged</span></div></div></header>",
        d.old.api_id,
        h(&d.old.api_name),
        scan_link(&d.old),
        h(&d.old.started_at),
        badge(&d.old.grade),
        d.old.score,
        scan_link(&d.new),
        h(&d.new.started_at),
        badge(&d.new.grade),
        d.new.score,
        d.new_findings.len(),
        d.regressed.len(),
        d.fixed.len(),
        d.unchanged
    );
    o.push_str("<div class=\"filters\"><label>Severity: <select id=\"severity-filter\"><option value=\"all\">all</option>");
    for s in apiward_core::Severity::ALL {
        let _ = write!(o, "<option value=\"{}\">{}</option>", s.id(), s.id());
    }
    o.push_str(
        "</select></label><span><span id=\"severity-filter-count\"></span> shown</span></div>",
    );
    finding_list(&mut o, "New", "new", &d.new_findings, &ids);
    finding_list(&mut o, "Regressed", "regressed", &d.regressed, &ids);
    finding_list(&mut o, "Fixed", "fixed", &d.fixed, &ids);
    Ok(page(StatusCode::OK, "Diff", "", &o, false))
}

pub async fn finding_page(State(app): State<Arc<App>>, Path(id): Path<i64>) -> PageResult {
    let hist = db(&app, move |s| s.finding_history(id)).await?;
    let f = &hist.finding;
    let mut o = String::new();
    let _ = write!(
        o,
        "<header class=\"top\"><div><h1>{}</h1><div class=\"meta\"><span class=\"sev {}\">{}</span> {} · <code>{}</code> · API <a href=\"/apis/{}\">{}</a></div><div class=\"meta\">Status <span class=\"state {}\">{}</span> · first seen scan #{} ({}) · last seen scan #{} ({}){}</div><div class=\"meta\">Fingerprint <code>{}</code></div></div></header>",
        h(&f.title),
        h(&f.severity),
        h(&f.severity.to_ascii_uppercase()),
        h(&f.rule_id),
        h(&f.location),
        f.api_id,
        h(&hist.api_name),
        h(&f.status),
        h(&f.status),
        f.first_seen_scan,
        h(&f.first_seen_at),
        f.last_seen_scan,
        h(&f.last_seen_at),
        match (&f.fixed_scan, &f.fixed_at) {
            (Some(s), Some(at)) => format!(" · fixed in scan #{s} ({})", h(at)),
            _ => String::new(),
        },
        h(&f.fingerprint)
    );
    o.push_str(
        "<section><h2>History</h2><table><tr><th>Scan</th><th>Started</th><th>State</th></tr>",
    );
    for e in &hist.events {
        let _ = write!(
            o,
            "<tr><td><a href=\"/scans/{}\">#{}</a></td><td>{}</td><td><span class=\"state {}\">{}</span></td></tr>",
            e.scan_id,
            e.scan_id,
            h(&e.started_at),
            h(&e.state),
            h(&e.state)
        );
    }
    o.push_str("</table><p class=\"hint\">Scans where the finding was neither present nor newly fixed are not listed.</p></section>");
    Ok(page(StatusCode::OK, &f.title, "", &o, false))
}

fn csrf_field(app: &App, caller: &Caller) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        caller.csrf(app)
    )
}

fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, to.to_string())],
        String::new(),
    )
        .into_response()
}

async fn render_schedules(
    app: &Arc<App>,
    caller: &Caller,
    status: StatusCode,
    message: Option<(&str, String)>,
) -> PageResult {
    let list = db(app, |s| s.schedules()).await?;
    let running: std::collections::HashSet<i64> =
        app.running.lock().map(|r| r.clone()).unwrap_or_default();
    let csrf = csrf_field(app, caller);
    let mut o = String::new();
    if let Some((class, m)) = &message {
        let _ = write!(o, "<div class=\"{class}\">{}</div>", h(m));
    }
    let _ = write!(
        o,
        "<section><h2>Schedules</h2><p class=\"hint\">Scans run by this service, {} (at most {} at once).</p>",
        if app.cfg.active {
            "with writes allowed (started with --active)"
        } else {
            "read-only"
        },
        app.cfg.max_concurrent_scans
    );
    if list.is_empty() {
        o.push_str("<p class=\"empty\">No schedules yet. Add one below.</p>");
    } else {
        o.push_str("<table><tr><th>Target</th><th>Every</th><th>Next run</th><th>Last run</th><th></th></tr>");
        for s in &list {
            let every = match &s.every {
                apiward_history::Every::IntervalSecs(n) => format!("{} min", n / 60),
                apiward_history::Every::Cron(c) => format!("cron <code>{}</code>", h(c)),
            };
            let last = if running.contains(&s.id) {
                "<span class=\"state new\">running…</span>".to_string()
            } else {
                match (&s.last_status, &s.last_scan_id) {
                    (Some(st), _) if st == "error" => format!(
                        "<span class=\"state regressed\">error</span> {}",
                        h(s.last_error.as_deref().unwrap_or(""))
                    ),
                    (Some(_), Some(scan)) => format!(
                        "<span class=\"state fixed\">ok</span> <a href=\"/scans/{scan}\">#{scan}</a>"
                    ),
                    _ => "never".to_string(),
                }
            };
            let mut about = String::new();
            if let Some(sp) = &s.spec {
                let _ = write!(about, "<br><span class=\"hint\">spec {}</span>", h(sp));
            }
            for (what, list) in [
                ("as", &s.settings.identities),
                ("include", &s.settings.include),
                ("exclude", &s.settings.exclude),
            ] {
                if !list.is_empty() {
                    let items: Vec<String> = list
                        .iter()
                        .map(|i| format!("<code>{}</code>", h(i)))
                        .collect();
                    let _ = write!(
                        about,
                        "<br><span class=\"hint\">{what} {}</span>",
                        items.join(", ")
                    );
                }
            }
            let next = if s.enabled {
                h(&apiward_history::rfc3339(s.next_run))
            } else {
                "<span class=\"state unchanged\">disabled</span>".to_string()
            };
            let run = if s.enabled {
                format!(
                    "<form class=\"inline\" method=\"post\" action=\"/schedules/{}/run\">{csrf}<button type=\"submit\">Run now</button></form> ",
                    s.id
                )
            } else {
                String::new()
            };
            let _ = write!(
                o,
                "<tr data-schedule=\"{id}\"><td><code>{}</code>{about}</td><td>{every}</td><td>{next}</td><td>{last}</td><td>{run}<form class=\"inline\" method=\"post\" action=\"/schedules/{id}/enabled\">{csrf}<input type=\"hidden\" name=\"enabled\" value=\"{}\"><button type=\"submit\">{}</button></form> <form class=\"inline\" method=\"post\" action=\"/schedules/{id}/delete\">{csrf}<button type=\"submit\">Delete</button></form></td></tr>",
                h(&s.target),
                if s.enabled { "false" } else { "true" },
                if s.enabled { "Disable" } else { "Enable" },
                id = s.id,
            );
        }
        o.push_str("</table>");
    }
    let _ = write!(
        o,
        "</section><section><h2>Add a schedule</h2><form class=\"stack\" method=\"post\" action=\"/schedules\">{csrf}<label for=\"target\">Base URL</label><input type=\"url\" id=\"target\" name=\"target\" required maxlength=\"2048\" placeholder=\"http://127.0.0.1:8000\"><label for=\"spec\">Spec (optional)</label><input type=\"text\" id=\"spec\" name=\"spec\" maxlength=\"2048\" placeholder=\"file path or URL on the target\"><label for=\"every\">Every (minutes)</label><input type=\"number\" id=\"every\" name=\"every_minutes\" min=\"1\" placeholder=\"60\"><label for=\"cron\">or cron (UTC)</label><input type=\"text\" id=\"cron\" name=\"cron\" maxlength=\"100\" placeholder=\"0 3 * * *\"><label for=\"identities\">Identities (optional, one per line: <code>NAME=KIND:env:VARIABLE</code>, read from this service's environment at each run; literal credentials are refused)</label><textarea id=\"identities\" name=\"identities\" rows=\"2\" maxlength=\"4096\" placeholder=\"alice=bearer:env:ALICE_TOKEN\"></textarea><label for=\"include\">Include (optional, one pattern per line: <code>METHOD /path/glob</code>)</label><textarea id=\"include\" name=\"include\" rows=\"2\" maxlength=\"4096\" placeholder=\"GET /admin/cache/stats\"></textarea><label for=\"exclude\">Exclude (optional, one pattern per line)</label><textarea id=\"exclude\" name=\"exclude\" rows=\"2\" maxlength=\"4096\" placeholder=\"/billing/**\"></textarea><button type=\"submit\">Add</button></form></section>"
    );
    Ok(page(status, "Schedules", "/schedules", &o, false))
}

pub async fn schedules_page(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
) -> PageResult {
    render_schedules(&app, &caller, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct ScheduleForm {
    csrf: String,
    target: String,
    #[serde(default)]
    spec: String,
    #[serde(default)]
    every_minutes: String,
    #[serde(default)]
    cron: String,
    #[serde(default)]
    identities: String,
    #[serde(default)]
    include: String,
    #[serde(default)]
    exclude: String,
}

/// A textarea's lines (blank ones are dropped by the checks).
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

fn csrf_refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "The form was stale or did not come from this page (CSRF check). Reload the page and try again.",
    )
}

pub async fn schedule_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<ScheduleForm>,
) -> PageResult {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return Err(csrf_refused());
    }
    let interval = match f.every_minutes.trim() {
        "" => None,
        m => match m.parse::<u64>() {
            Ok(v) => Some(v.saturating_mul(60)),
            Err(_) => {
                return render_schedules(
                    &app,
                    &caller,
                    StatusCode::BAD_REQUEST,
                    Some(("error", format!("`{m}` is not a number of minutes"))),
                )
                .await;
            }
        },
    };
    let n = NewSchedule {
        target: f.target,
        spec: Some(f.spec),
        interval_secs: interval,
        cron: Some(f.cron),
        identities: lines(&f.identities),
        include: lines(&f.include),
        exclude: lines(&f.exclude),
        enabled: None,
    };
    match crate::api::add_schedule(&app, n).await {
        Ok(_) => Ok(see_other("/schedules")),
        Err(e) => render_schedules(&app, &caller, e.0, Some(("error", e.1))).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn schedule_run_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return Err(csrf_refused());
    }
    if let Err(e) = crate::api::run_now(&app, id).await {
        return render_schedules(&app, &caller, e.0, Some(("error", e.1))).await;
    }
    Ok(see_other("/schedules"))
}

#[derive(Deserialize)]
pub struct EnabledForm {
    csrf: String,
    enabled: String,
}

pub async fn schedule_enabled_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(f): Form<EnabledForm>,
) -> PageResult {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return Err(csrf_refused());
    }
    let enabled = match f.enabled.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return render_schedules(
                &app,
                &caller,
                StatusCode::BAD_REQUEST,
                Some(("error", "`enabled` must be true or false".to_string())),
            )
            .await;
        }
    };
    let u = crate::api::ScheduleUpdate {
        enabled: Some(enabled),
        identities: None,
        include: None,
        exclude: None,
    };
    if let Err(e) = crate::api::change_schedule(&app, id, u).await {
        return render_schedules(&app, &caller, e.0, Some(("error", e.1))).await;
    }
    Ok(see_other("/schedules"))
}

pub async fn schedule_delete_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return Err(csrf_refused());
    }
    db(&app, move |s| s.delete_schedule(id)).await?;
    Ok(see_other("/schedules"))
}

async fn render_webhooks(
    app: &Arc<App>,
    caller: &Caller,
    status: StatusCode,
    message: Option<(&str, String)>,
) -> PageResult {
    let (hooks, deliveries, apis) = db(app, |s| {
        Ok((s.webhooks()?, s.deliveries(None, 50)?, s.apis()?))
    })
    .await?;
    let csrf = csrf_field(app, caller);
    let mut o = String::new();
    if let Some((class, m)) = &message {
        let _ = write!(o, "<div class=\"{class}\">{}</div>", h(m));
    }
    o.push_str("<section><h2>Webhooks</h2><p class=\"hint\">Called when a scan finds new or regressed findings, or the grade changes. Each request is signed: see docs/serve.md.</p>");
    if hooks.is_empty() {
        o.push_str("<p class=\"empty\">No webhooks yet.</p>");
    } else {
        o.push_str("<table><tr><th>#</th><th>URL</th><th>APIs</th><th>Created</th><th></th></tr>");
        for w in &hooks {
            let scope = match w.api_id {
                Some(a) => apis
                    .iter()
                    .find(|x| x.id == a)
                    .map(|x| format!("<a href=\"/apis/{a}\">{}</a>", h(&x.name)))
                    .unwrap_or_else(|| format!("API {a}")),
                None => "all".into(),
            };
            let _ = write!(
                o,
                "<tr><td>{}</td><td><code>{}</code></td><td>{scope}</td><td>{}</td><td><form class=\"inline\" method=\"post\" action=\"/webhooks/{}/delete\">{csrf}<button type=\"submit\">Delete</button></form></td></tr>",
                w.id,
                h(&w.url),
                h(&w.created_at),
                w.id
            );
        }
        o.push_str("</table>");
    }
    let _ = write!(
        o,
        "</section><section><h2>Add a webhook</h2><form class=\"stack\" method=\"post\" action=\"/webhooks\">{csrf}<label for=\"url\">URL</label><input type=\"url\" id=\"url\" name=\"url\" required maxlength=\"2048\" placeholder=\"https://hooks.example.com/apiward\"><label for=\"api\">API</label><select id=\"api\" name=\"api_id\"><option value=\"\">all APIs</option>"
    );
    for a in &apis {
        let _ = write!(o, "<option value=\"{}\">{}</option>", a.id, h(&a.name));
    }
    o.push_str("</select><button type=\"submit\">Add</button></form></section><section><h2>Recent deliveries</h2>");
    if deliveries.is_empty() {
        o.push_str("<p class=\"empty\">No deliveries yet.</p>");
    } else {
        o.push_str("<table><tr><th>#</th><th>Webhook</th><th>Scan</th><th>Attempts</th><th>Result</th><th>Updated</th></tr>");
        for d in &deliveries {
            let result = if d.delivered {
                format!(
                    "<span class=\"state fixed\">delivered</span> HTTP {}",
                    d.status.unwrap_or(0)
                )
            } else if d.attempts == 0 {
                "<span class=\"state new\">pending</span>".to_string()
            } else {
                format!(
                    "<span class=\"state regressed\">failed</span> {}",
                    h(d.error.as_deref().unwrap_or(""))
                )
            };
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{result}</td><td>{}</td></tr>",
                d.id,
                d.webhook_id,
                d.scan_id
                    .map(|s| format!("<a href=\"/scans/{s}\">#{s}</a>"))
                    .unwrap_or_default(),
                d.attempts,
                h(&d.updated_at)
            );
        }
        o.push_str("</table>");
    }
    o.push_str("</section>");
    Ok(page(status, "Webhooks", "/webhooks", &o, false))
}

pub async fn webhooks_page(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
) -> PageResult {
    render_webhooks(&app, &caller, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct WebhookForm {
    csrf: String,
    url: String,
    #[serde(default)]
    api_id: String,
}

pub async fn webhook_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<WebhookForm>,
) -> PageResult {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return Err(csrf_refused());
    }
    let api_id = match f.api_id.trim() {
        "" => None,
        v => match v.parse() {
            Ok(id) => Some(id),
            Err(_) => return Err(error_page(StatusCode::BAD_REQUEST, "bad API id")),
        },
    };
    match crate::api::add_webhook(&app, NewWebhook { url: f.url, api_id }).await {
        Ok((hook, secret)) => {
            render_webhooks(
                &app,
                &caller,
                StatusCode::CREATED,
                Some((
                    "notice",
                    format!(
                        "Webhook #{} added. Its signing secret, shown only now: {secret}",
                        hook.id
                    ),
                )),
            )
            .await
        }
        Err(e) => render_webhooks(&app, &caller, e.0, Some(("error", e.1))).await,
    }
}

pub async fn webhook_delete_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return Err(csrf_refused());
    }
    db(&app, move |s| s.delete_webhook(id)).await?;
    Ok(see_other("/webhooks"))
}

fn login_html(app: &App, caller: &Caller, status: StatusCode, error: Option<&str>) -> Response {
    let mut o = String::new();
    if let Some(e) = error {
        let _ = write!(o, "<div class=\"error\">{}</div>", h(e));
    }
    if app.cfg.token.is_none() {
        o.push_str("<section><p>This service runs on loopback without an access token: no login needed. <a href=\"/\">Go to the APIs.</a></p></section>");
    } else {
        let _ = write!(
            o,
            "<section><h2>Access token</h2><form class=\"stack\" method=\"post\" action=\"/login\">{}<label for=\"token\">Token</label><input type=\"password\" id=\"token\" name=\"token\" required autocomplete=\"current-password\"><button type=\"submit\">Sign in</button></form></section>",
            csrf_field(app, caller)
        );
    }
    page(status, "Sign in", "", &o, false)
}

pub async fn login_page(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
) -> Response {
    login_html(&app, &caller, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    token: String,
}

pub async fn login_form(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<LoginForm>,
) -> Response {
    if !csrf_ok(&app, &caller, &f.csrf) {
        return csrf_refused();
    }
    if !app.token_matches(&f.token) {
        return login_html(
            &app,
            &caller,
            StatusCode::UNAUTHORIZED,
            Some("Wrong token."),
        );
    }
    match app.new_session() {
        Ok(sid) => (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, "/".to_string()),
                (
                    header::SET_COOKIE,
                    format!("{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict"),
                ),
            ],
            String::new(),
        )
            .into_response(),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}
