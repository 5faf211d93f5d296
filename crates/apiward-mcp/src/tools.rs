//! The tools: their arguments (with JSON Schemas derived from the same types that parse them)
//! and what each one does. Audits and scans go through `apiward-run`, like every front end.

use crate::ApiwardMcp;
use crate::render::{self, FindingFilter};
use apiward_core::Report;
use apiward_scan::{Identity, ProgressUpdate, ScanConfig, SpecInput};
use rmcp::model::{
    CallToolResult, ContentBlock, JsonObject, ProgressNotificationParam, ProgressToken, Tool,
    ToolAnnotations,
};
use rmcp::schemars::JsonSchema;
use rmcp::service::{Peer, RoleServer};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Largest spec accepted inline (`audit_spec` with `text`).
pub const MAX_INLINE_SPEC_BYTES: usize = 4 * 1024 * 1024;
/// Longest scan an assistant may ask for, and the default.
const MAX_BUDGET_SECONDS: f64 = 600.0;
const DEFAULT_BUDGET_SECONDS: f64 = 120.0;
const MAX_REQUESTS: usize = 20_000;
const DEFAULT_MAX_REQUESTS: usize = 5_000;
const MAX_IDENTITIES: usize = 8;
const MAX_PATTERNS: usize = 64;
/// Longest string argument other than inline spec text.
const MAX_ARG_CHARS: usize = 4096;
const MAX_PAGE: usize = 200;

/// Why a call that asks for writes is refused on a read-only server.
pub const WRITES_OFF: &str = "writes are off: this MCP server was started read-only, and no tool argument can turn writes on. To allow active scans, the user must restart the server as `apiward mcp --active`.";

/// An error the assistant sees as the tool's result (not a protocol error).
pub struct ToolError(pub String);

impl<T: Into<String>> From<T> for ToolError {
    fn from(s: T) -> Self {
        ToolError(s.into())
    }
}

type Outcome = Result<(String, Value), ToolError>;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct AuditArgs {
    /// The OpenAPI 2.0/3.0/3.1 document (JSON or YAML) as a file path (absolute is best) or an
    /// http(s) URL. Give this or `text`.
    pub spec: Option<String>,
    /// The document itself, at most 4 MiB. Give this or `spec`.
    pub text: Option<String>,
    /// Scoring profile: public (default), internal, financial, medical.
    pub context: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct IdentityArg {
    /// A short name for the identity (`alice`, `admin`).
    pub name: String,
    /// `KIND:env:VARIABLE`: bearer, basic, cookie, header, api-key or login, with the credential
    /// read from an environment variable of the server (`bearer:env:ALICE_TOKEN`;
    /// `basic:env:V`, `header:env:V`, `api-key:env:V` and `login:env:V` read `USER:PASSWORD` or
    /// `NAME:VALUE` from V). Literal credentials are refused.
    pub auth: String,
    /// The identity's role (`admin`, `user`) for function-level checks.
    pub role: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct ScanArgs {
    /// Base URL of the running API, e.g. http://127.0.0.1:8000
    pub base_url: String,
    /// The API's spec: a file path or a URL on the target's origin. Default: discovered on the
    /// target (`/openapi.json`, …).
    pub spec: Option<String>,
    /// Up to 8 named identities; two or more enable cross-user (BOLA) checks.
    #[serde(default)]
    pub identities: Vec<IdentityArg>,
    /// Scoring profile: public (default), internal, financial, medical.
    pub context: Option<String>,
    /// Operations to call although the risk model would skip them, at most once each:
    /// `METHOD /path/glob` or `/path/glob` (`*` one segment, `**` any).
    #[serde(default)]
    pub include: Vec<String>,
    /// Operations or paths that get no request: `METHOD /path/glob` or `/path/glob`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Ask for an active scan (writes). Refused unless the server was started with
    /// `apiward mcp --active`.
    #[serde(default)]
    pub active: bool,
    /// No rate-limit burst and no shadow-endpoint probing.
    #[serde(default)]
    pub gentle: bool,
    /// Time budget in seconds (default 120, at most 600).
    pub budget_seconds: Option<f64>,
    /// Request budget (default 5000, at most 20000).
    pub max_requests: Option<usize>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct ReportIdArgs {
    /// A report id from `audit_spec`, `scan_api` or `list_reports` (`scan-2`).
    pub id: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct NoArgs {}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct ExplainArgs {
    /// Rule id (`APIW-DATA-001`) or name (`sensitive-data-exposed`).
    pub rule: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct DiffArgs {
    /// The older report's id.
    pub old_id: String,
    /// The newer report's id.
    pub new_id: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
pub struct FindingsArgs {
    /// The report's id.
    pub id: String,
    /// Only findings at or above this severity: critical, high, medium, low, info.
    pub severity: Option<String>,
    /// Only this category (`data_exposure`, `bola`, `authentication`, …).
    pub category: Option<String>,
    /// Only this rule (id or name).
    pub rule: Option<String>,
    /// Only operations containing this text (`GET /users`, `/users/{id}`), any case.
    pub operation: Option<String>,
    /// Findings to skip (paging).
    #[serde(default)]
    pub offset: usize,
    /// Findings to return (default 50, at most 200).
    pub limit: Option<usize>,
}

fn schema<T: JsonSchema + 'static>(name: &str) -> Result<Arc<JsonObject>, String> {
    rmcp::handler::server::tool::schema_for_input::<T>()
        .map_err(|e| format!("input schema of `{name}`: {e}"))
}

fn read_only(title: &str) -> ToolAnnotations {
    ToolAnnotations::with_title(title)
        .read_only(true)
        .destructive(false)
        .open_world(false)
}

/// Every tool the server offers.
pub fn definitions(allow_writes: bool) -> Result<Vec<Tool>, String> {
    let scan_note = if allow_writes {
        "This server allows active scans (writes) when a call sets `active`."
    } else {
        "This server is read-only: `active` is refused."
    };
    Ok(vec![
        Tool::new(
            "audit_spec",
            "Audit an OpenAPI 2.0/3.0/3.1 document (file path, http(s) URL, or inline text) for OWASP API Top 10 problems without sending any request to the API. Returns a report id, grade, severity counts and the top findings with masked evidence.",
            schema::<AuditArgs>("audit_spec")?,
        )
        .with_annotations(read_only("Audit an OpenAPI spec").open_world(true)),
        Tool::new(
            "scan_api",
            format!(
                "Scan a running API at a base URL: discovers or uses its spec, exercises every operation read-only, and checks what actually comes back (data exposure, BOLA, authentication, CORS, rate limits, …). Identities are given as environment-variable names, never literal secrets. Reports progress when the call has a progress token. {scan_note}"
            ),
            schema::<ScanArgs>("scan_api")?,
        )
        .with_annotations(
            ToolAnnotations::with_title("Scan a live API")
                .read_only(!allow_writes)
                .destructive(false)
                .open_world(true),
        ),
        Tool::new(
            "get_report",
            "Get a stored report (from audit_spec or scan_api) by id: the full JSON report with masked evidence.",
            schema::<ReportIdArgs>("get_report")?,
        )
        .with_annotations(read_only("Get a report")),
        Tool::new(
            "list_reports",
            "List the reports made in this session, newest first, with grade and severity counts.",
            schema::<NoArgs>("list_reports")?,
        )
        .with_annotations(read_only("List reports")),
        Tool::new(
            "list_findings",
            "List the findings of a report, filtered by minimum severity, category, rule and operation, a page at a time.",
            schema::<FindingsArgs>("list_findings")?,
        )
        .with_annotations(read_only("List findings")),
        Tool::new(
            "explain_rule",
            "Explain a rule: what it detects, why it matters, an example, and how to fix it (with a FastAPI fix where there is one).",
            schema::<ExplainArgs>("explain_rule")?,
        )
        .with_annotations(read_only("Explain a rule")),
        Tool::new(
            "diff_reports",
            "Compare two stored reports by finding fingerprint: new, fixed and unchanged findings.",
            schema::<DiffArgs>("diff_reports")?,
        )
        .with_annotations(read_only("Diff two reports")),
    ])
}

fn parse<T: for<'de> Deserialize<'de>>(args: Option<JsonObject>) -> Result<T, ToolError> {
    serde_json::from_value(Value::Object(args.unwrap_or_default()))
        .map_err(|e| ToolError(format!("invalid arguments: {e}")))
}

/// Run one tool. `None` for an unknown tool name (a protocol error, not a tool error).
pub async fn call(
    server: &ApiwardMcp,
    name: &str,
    args: Option<JsonObject>,
    progress: Option<(ProgressToken, Peer<RoleServer>)>,
) -> Option<CallToolResult> {
    let outcome = match name {
        "audit_spec" => match parse(args) {
            Ok(a) => audit(server, a).await,
            Err(e) => Err(e),
        },
        "scan_api" => match parse(args) {
            Ok(a) => scan(server, a, progress).await,
            Err(e) => Err(e),
        },
        "get_report" => parse(args).and_then(|a| get_report(server, a)),
        "list_reports" => parse::<NoArgs>(args).map(|_| list_reports(server)),
        "list_findings" => parse(args).and_then(|a| list_findings(server, a)),
        "explain_rule" => parse(args).and_then(explain_rule),
        "diff_reports" => parse(args).and_then(|a| diff_reports(server, a)),
        _ => return None,
    };
    Some(match outcome {
        Ok((text, structured)) => {
            let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
            r.structured_content = Some(structured);
            r
        }
        Err(ToolError(message)) => CallToolResult::error(vec![ContentBlock::text(
            apiward_core::sanitize_terminal(&message),
        )]),
    })
}

fn check_len(what: &str, s: &str) -> Result<(), ToolError> {
    if s.chars().count() > MAX_ARG_CHARS {
        return Err(format!("`{what}` is longer than {MAX_ARG_CHARS} characters").into());
    }
    Ok(())
}

fn context(c: Option<&str>) -> Result<apiward_core::score::Context, ToolError> {
    match c {
        None => Ok(Default::default()),
        Some(c) => c
            .parse()
            .map_err(|e: String| ToolError(format!("context: {e}"))),
    }
}

fn is_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Load a spec from a path or a URL (through the safe engine) off the async workers.
async fn load_spec(source: String) -> Result<apiward_spec::Spec, ToolError> {
    check_len("spec", &source)?;
    // `-` would read the server's stdin, which is the MCP connection.
    if source.trim() == "-" || source.trim().is_empty() {
        return Err("`spec` must be a file path or an http(s) URL".into());
    }
    tokio::task::spawn_blocking(move || {
        apiward_run::load_spec(&source, false, apiward_spec::LoadOptions::default())
    })
    .await
    .map_err(|e| ToolError(format!("loading the spec failed: {e}")))?
    .map_err(ToolError)
}

fn store(server: &ApiwardMcp, mut report: Report) -> (String, Arc<Report>) {
    render::strip_revealed(&mut report);
    let report = Arc::new(report);
    (server.store.put(Arc::clone(&report)), report)
}

async fn audit(server: &ApiwardMcp, a: AuditArgs) -> Outcome {
    let context = context(a.context.as_deref())?;
    let (source, spec) = match (a.spec, a.text) {
        (Some(path), None) => {
            let spec = load_spec(path.clone()).await?;
            (path, spec)
        }
        (None, Some(text)) => {
            if text.len() > MAX_INLINE_SPEC_BYTES {
                return Err(format!(
                    "inline spec is {} bytes; the limit is {MAX_INLINE_SPEC_BYTES} (give a file path or URL instead)",
                    text.len()
                )
                .into());
            }
            let spec = tokio::task::spawn_blocking(move || {
                apiward_spec::load_bytes(
                    "<inline>",
                    text.as_bytes(),
                    None,
                    &apiward_spec::LoadOptions::default(),
                )
            })
            .await
            .map_err(|e| ToolError(format!("loading the spec failed: {e}")))?
            .map_err(|e| ToolError(e.to_string()))?;
            ("<inline>".to_string(), spec)
        }
        _ => {
            return Err(
                "give either `spec` (a file path or URL) or `text` (the document itself)".into(),
            );
        }
    };
    let job = apiward_run::AuditJob {
        source,
        context,
        adjust: None,
    };
    let report = apiward_run::audit_report(&spec, &job);
    let (id, report) = store(server, report);
    Ok((
        render::summary_text(&id, &report),
        render::summary(&id, &report),
    ))
}

/// `KIND:env:VAR` only: credentials stay in the server's environment, out of the conversation.
fn identity(arg: &IdentityArg) -> Result<Identity, ToolError> {
    let name = arg.name.trim();
    if name.is_empty() || name.len() > 64 || name.contains(['=', '\n']) {
        return Err("identity `name` must be 1-64 characters without `=`".into());
    }
    check_len("auth", &arg.auth)?;
    let (kind, value) = arg.auth.split_once(':').unwrap_or((arg.auth.as_str(), ""));
    if !value.starts_with("env:") {
        return Err(format!(
            "identity `{name}`: give the credential as an environment variable of the server (`{kind}:env:VARIABLE`); literal credentials are refused so that they never pass through the conversation"
        )
        .into());
    }
    let auth = apiward_scan::parse_auth(&arg.auth)
        .map_err(|e| ToolError(format!("identity `{name}`: {e}")))?;
    Ok(Identity {
        name: name.to_string(),
        auth: vec![auth],
    })
}

fn patterns(what: &str, list: &[String]) -> Result<Vec<apiward_scan::guard::OpPattern>, ToolError> {
    if list.len() > MAX_PATTERNS {
        return Err(format!("`{what}`: at most {MAX_PATTERNS} patterns").into());
    }
    list.iter()
        .map(|p| {
            check_len(what, p)?;
            apiward_scan::guard::OpPattern::parse(p).map_err(|e| ToolError(format!("{what}: {e}")))
        })
        .collect()
}

fn configure(server: &ApiwardMcp, a: &ScanArgs) -> Result<ScanConfig, ToolError> {
    if a.active && !server.allow_writes {
        return Err(WRITES_OFF.into());
    }
    check_len("base_url", &a.base_url)?;
    if !is_url(&a.base_url) {
        return Err(format!(
            "`base_url` `{}` must be an http:// or https:// URL",
            apiward_core::truncate_chars(&a.base_url, 80)
        )
        .into());
    }
    let mut cfg = ScanConfig::new(&a.base_url)?;
    cfg.engine.active = a.active && server.allow_writes;
    cfg.include = patterns("include", &a.include)?;
    cfg.exclude = patterns("exclude", &a.exclude)?;
    cfg.engine.rate = Some(150.0);
    cfg.engine.concurrency = 8;
    cfg.engine.timeout = Duration::from_secs(10);
    let budget = a.budget_seconds.unwrap_or(DEFAULT_BUDGET_SECONDS);
    if !(budget.is_finite() && budget > 0.0 && budget <= MAX_BUDGET_SECONDS) {
        return Err(
            format!("`budget_seconds` must be above 0 and at most {MAX_BUDGET_SECONDS}").into(),
        );
    }
    cfg.engine.budget = Duration::from_secs_f64(budget);
    let max_requests = a.max_requests.unwrap_or(DEFAULT_MAX_REQUESTS);
    if max_requests == 0 || max_requests > MAX_REQUESTS {
        return Err(format!("`max_requests` must be 1 to {MAX_REQUESTS}").into());
    }
    cfg.engine.max_requests = max_requests;
    if a.gentle {
        cfg.burst = 0;
        cfg.shadow_probe = false;
    }
    if a.identities.len() > MAX_IDENTITIES {
        return Err(format!("at most {MAX_IDENTITIES} identities").into());
    }
    for arg in &a.identities {
        let id = identity(arg)?;
        if cfg.identities.iter().any(|i| i.name == id.name) {
            return Err(format!("identity `{}` is given twice", id.name).into());
        }
        if let Some(role) = &arg.role {
            check_len("role", role)?;
            cfg.roles.push((id.name.clone(), role.clone()));
        }
        cfg.identities.push(id);
    }
    Ok(cfg)
}

/// Forward scan progress to the client as MCP progress notifications. The value is the number
/// of requests sent, which only grows; updates that add no request are folded into the next.
fn forward_progress(
    cfg: &mut ScanConfig,
    token: ProgressToken,
    peer: Peer<RoleServer>,
) -> tokio::task::JoinHandle<()> {
    let (tx, mut rx) = tokio::sync::watch::channel(None::<ProgressUpdate>);
    cfg.progress_sink = Some(Arc::new(move |u: &ProgressUpdate| {
        let _ = tx.send(Some(u.clone()));
    }));
    tokio::spawn(async move {
        let mut sent: Option<usize> = None;
        while rx.changed().await.is_ok() {
            let Some(u) = rx.borrow_and_update().clone() else {
                continue;
            };
            if sent.is_some_and(|s| u.requests <= s) {
                continue;
            }
            sent = Some(u.requests);
            let message = format!(
                "{} · {} requests · {} findings so far · {:.0}s",
                apiward_core::truncate_chars(&u.phase, 80),
                u.requests,
                u.findings,
                u.elapsed.as_secs_f64()
            );
            let note = ProgressNotificationParam::new(token.clone(), u.requests as f64)
                .with_message(message);
            if peer.notify_progress(note).await.is_err() {
                break;
            }
        }
    })
}

async fn scan(
    server: &ApiwardMcp,
    a: ScanArgs,
    progress: Option<(ProgressToken, Peer<RoleServer>)>,
) -> Outcome {
    let mut cfg = configure(server, &a)?;
    let context = context(a.context.as_deref())?;
    if let Some(spec) = a.spec {
        cfg.spec = if is_url(&spec) {
            check_len("spec", &spec)?;
            SpecInput::Url(spec)
        } else {
            SpecInput::Loaded(Box::new(load_spec(spec.clone()).await?), spec)
        };
    }
    let forwarder = progress.map(|(token, peer)| forward_progress(&mut cfg, token, peer));
    let report = {
        // Scans are the expensive calls: a few at a time, the rest wait their turn.
        let _permit = server
            .scans
            .acquire()
            .await
            .map_err(|_| ToolError("the server is shutting down".to_string()))?;
        let job = apiward_run::ScanJob {
            context,
            ..Default::default()
        };
        apiward_run::scan_report(cfg, &job).await
    };
    if let Some(f) = forwarder {
        // The sink went away with the scan: the forwarder sends what is left and stops.
        let _ = tokio::time::timeout(Duration::from_secs(5), f).await;
    }
    let (id, report) = store(server, report?);
    Ok((
        render::summary_text(&id, &report),
        render::summary(&id, &report),
    ))
}

fn stored(server: &ApiwardMcp, id: &str) -> Result<crate::store::StoredReport, ToolError> {
    server.store.get(id.trim()).ok_or_else(|| {
        ToolError(format!(
            "no report `{}` in this session (list_reports shows what there is)",
            apiward_core::truncate_chars(id, 40)
        ))
    })
}

fn get_report(server: &ApiwardMcp, a: ReportIdArgs) -> Outcome {
    let s = stored(server, &a.id)?;
    let json = serde_json::to_value(&*s.report).map_err(|e| ToolError(e.to_string()))?;
    Ok((render::summary_text(&s.id, &s.report), json))
}

fn list_reports(server: &ApiwardMcp) -> (String, Value) {
    let all = server.store.list();
    let text = if all.is_empty() {
        "No reports yet: run audit_spec or scan_api.".to_string()
    } else {
        all.iter()
            .map(|s| render::summary_line(&s.id, &s.report))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let items: Vec<Value> = all
        .iter()
        .map(|s| {
            let mut v = render::summary(&s.id, &s.report);
            if let Some(o) = v.as_object_mut() {
                o.remove("top_findings");
            }
            v
        })
        .collect();
    (text, json!({ "reports": items }))
}

fn list_findings(server: &ApiwardMcp, a: FindingsArgs) -> Outcome {
    let s = stored(server, &a.id)?;
    let filter = FindingFilter {
        min_severity: a
            .severity
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: String| ToolError(format!("severity: {e}")))?,
        category: a
            .category
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: String| ToolError(format!("category: {e}")))?,
        rule: a.rule,
        operation: a.operation,
    };
    let limit = a.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let matched: Vec<&apiward_core::Finding> = s
        .report
        .findings
        .iter()
        .filter(|f| filter.matches(f))
        .collect();
    let page: Vec<&apiward_core::Finding> =
        matched.iter().skip(a.offset).take(limit).copied().collect();
    let text = render::findings_text(&s.id, matched.len(), a.offset, &page);
    let structured = json!({
        "id": s.id,
        "total": s.report.findings.len(),
        "matched": matched.len(),
        "offset": a.offset,
        "findings": page,
    });
    Ok((text, structured))
}

fn explain_rule(a: ExplainArgs) -> Outcome {
    let rule = apiward_rules::get(a.rule.trim()).ok_or_else(|| {
        ToolError(format!(
            "no rule `{}`; rule ids look like APIW-DATA-001",
            apiward_core::truncate_chars(&a.rule, 60)
        ))
    })?;
    Ok((
        apiward_rules::render_markdown(rule),
        render::rule_json(rule),
    ))
}

fn diff_reports(server: &ApiwardMcp, a: DiffArgs) -> Outcome {
    let old = stored(server, &a.old_id)?;
    let new = stored(server, &a.new_id)?;
    let d = apiward_report::baseline::diff(&old.report, &new.report);
    let text = format!(
        "{} → {}: {}",
        old.id,
        new.id,
        apiward_report::baseline::render_diff(&d)
    );
    let structured = json!({
        "old_id": old.id,
        "new_id": new.id,
        "new": d.new.iter().map(render::compact_finding).collect::<Vec<_>>(),
        "fixed": d.fixed.iter().map(render::compact_finding).collect::<Vec<_>>(),
        "unchanged": d.unchanged,
    });
    Ok((text, structured))
}
