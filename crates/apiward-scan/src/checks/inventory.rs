//! inventory at runtime: APIW-INV-101 docs exposed, -102 shadow endpoints, -003 deprecated
//! operations still served, -004 several versions live.

use crate::evidence::{at, count_summary, response};
use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::inventory as rules;

/// Documentation pages, spec documents and GraphQL endpoints (introspection is asked for).
const DOCS_PATHS: &[&str] = &[
    "/docs",
    "/redoc",
    "/swagger-ui",
    "/swagger-ui.html",
    "/swagger-ui/index.html",
    "/swagger",
    "/swagger/index.html",
    "/api-docs",
    "/api/docs",
    "/openapi.json",
    "/openapi.yaml",
    "/swagger.json",
    "/api/swagger.json",
    "/v3/api-docs",
    "/v2/api-docs",
    "/q/openapi",
    "/graphql",
    "/graphiql",
];

/// GraphQL paths get an introspection query (GET, as most servers accept it).
const INTROSPECTION: &str = "?query=%7B__schema%7Btypes%7Bname%7D%7D%7D";

/// Framework and ops endpoints that should not answer in production: any answer that is not the
/// server's fallback page is reported.
pub const OPS_PATHS: &[&str] = &[
    // Spring Boot Actuator, Boot 1.x root endpoints, Jolokia. Never `heapdump`: asking for it
    // makes the JVM write a heap dump (a pause and hundreds of MB); the `/actuator` index says
    // whether it is exposed.
    "/actuator",
    "/actuator/env",
    "/actuator/configprops",
    "/actuator/mappings",
    "/actuator/beans",
    "/actuator/threaddump",
    "/actuator/loggers",
    "/actuator/httptrace",
    "/actuator/prometheus",
    "/env",
    "/trace",
    "/jolokia",
    // Flask/Werkzeug debugger console; Django debug toolbar and admin.
    "/console",
    "/__debug__/",
    "/admin/",
    // Rails.
    "/rails/info/properties",
    "/rails/info/routes",
    // Laravel.
    "/telescope",
    "/horizon",
    "/_ignition/health-check",
    "/_debugbar/open",
    // Go (pprof, expvar).
    "/debug/pprof/",
    "/debug/vars",
    // PHP and Apache.
    "/phpinfo.php",
    "/info.php",
    "/server-status",
    "/server-info",
    // Files that should never be served.
    "/.env",
    "/.git/config",
    "/.git/HEAD",
    "/config.json",
    "/config.yaml",
    "/appsettings.json",
    "/.aws/credentials",
    "/.npmrc",
    // Express/Node-style API debug routes.
    "/api/debug",
    "/api/config",
    "/api/env",
];

/// Ordinary on many APIs (health checks are public on purpose): reported only when the answer
/// carries data the detector flags.
const QUIET_PATHS: &[&str] = &[
    "/health",
    "/healthz",
    "/health/details",
    "/actuator/health",
    "/actuator/info",
    "/actuator/metrics",
    "/status",
    "/metrics",
    "/prometheus",
    "/info",
    "/version",
    "/stats",
];

/// Ops areas and what they commonly serve: each area alone and with each leaf.
const AREAS: &[&str] = &[
    "/debug",
    "/internal",
    "/admin",
    "/_internal",
    "/management",
    "/private",
];
const LEAVES: &[&str] = &["", "/config", "/env", "/metrics", "/vars", "/info"];

/// Words that make an undocumented path worth reporting even without flagged data.
const OPS_WORDS: &[&str] = &[
    "debug",
    "internal",
    "admin",
    "actuator",
    "config",
    "env",
    "console",
    "private",
    "management",
    "ops",
    "metrics",
    "pprof",
    "heapdump",
    "dump",
    "secret",
    "secrets",
    "phpinfo",
    "telescope",
];

/// Version siblings of documented paths probed per scan (`/v1/x` beside a documented `/v2/x`).
pub const MAX_SIBLINGS: usize = 20;
/// Paths named in responses, served HTML/JS and the spec's descriptions probed per scan.
pub const MAX_NAMED: usize = 30;
/// Same-origin scripts fetched to look for paths in them.
pub const MAX_SCRIPTS: usize = 3;
/// Requests the shadow-route search sends at most (lists, siblings, named paths, scripts, two
/// fallback samples): with `--gentle` it is off.
pub const SHADOW_BUDGET: usize = OPS_PATHS.len()
    + QUIET_PATHS.len()
    + AREAS.len() * LEAVES.len()
    + MAX_SIBLINGS
    + MAX_NAMED
    + MAX_SCRIPTS
    + 2;

/// Paths that cannot exist, to learn what the server answers for anything (a catch-all or an SPA
/// fallback): one at the root, one nested.
const RANDOM_PATHS: &[&str] = &[
    "/apiward-nonexistent-7f3a",
    "/apiward-7f3a/nonexistent-9c1e",
];

/// The server's answer to a path that cannot exist.
#[derive(Debug, Clone)]
pub struct Fallback {
    status: u16,
    tokens: usize,
    shingles: std::collections::HashSet<u64>,
}

/// Fallback answers (empty when none could be fetched).
pub type CatchAll = Vec<Fallback>;

/// Lower-cased alphanumeric tokens of a body, digits folded, without the words of the request
/// path (fallback pages often echo it).
fn tokens(body: &[u8], path: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(256 * 1024)]).to_lowercase();
    let path = path.to_lowercase();
    let own: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !own.contains(w))
        .map(|w| {
            w.chars()
                .map(|c| if c.is_ascii_digit() { '0' } else { c })
                .collect()
        })
        .collect()
}

/// Hashed 3-token windows (the whole sequence when shorter).
fn shingles(tokens: &[String]) -> std::collections::HashSet<u64> {
    use std::hash::{Hash, Hasher};
    let hash = |ws: &[String]| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ws.hash(&mut h);
        h.finish()
    };
    if tokens.len() < 3 {
        return [hash(tokens)].into_iter().collect();
    }
    tokens.windows(3).map(hash).collect()
}

fn fallback_of(o: &Observation) -> Fallback {
    let t = tokens(&o.exchange.body, &o.path);
    Fallback {
        status: o.status(),
        tokens: t.len(),
        shingles: shingles(&t),
    }
}

/// Whether two bodies say the same thing (Jaccard similarity of their shingles).
fn similar(a: &Fallback, b: &Fallback) -> bool {
    if a.tokens == 0 || b.tokens == 0 {
        return a.tokens == b.tokens;
    }
    let inter = a.shingles.intersection(&b.shingles).count();
    let union = a.shingles.len() + b.shingles.len() - inter;
    union > 0 && inter * 10 >= union * 7
}

pub async fn catch_all_fingerprint(s: &mut Scanner) -> CatchAll {
    let mut out = Vec::new();
    let mut sends = Vec::new();
    for p in RANDOM_PATHS {
        match s.store.iter().find(|o| o.path == *p) {
            Some(o) => out.push(fallback_of(o)),
            None => sends.push(ScanRequest {
                purpose: Purpose::Probe,
                op: None,
                path: p.to_string(),
                identity: None,
                request: Request::get(s.root_url(p)),
            }),
        }
    }
    for i in s.send_all(sends).await.into_iter().flatten() {
        out.push(fallback_of(s.obs(i)));
    }
    out
}

/// A 2xx that is really the server's answer to everything (a catch-all or an SPA fallback):
/// the same status and the same content as a path that cannot exist, whatever the length.
pub fn is_catch_all(o: &Observation, fp: &CatchAll) -> bool {
    if fp.iter().all(|f| !(200..300).contains(&f.status)) {
        return false;
    }
    let me = fallback_of(o);
    fp.iter()
        .any(|f| (200..300).contains(&f.status) && f.status == o.status() && similar(&me, f))
}

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    let fp = catch_all_fingerprint(s).await;
    docs(s, out, &fp).await;
    shadow(s, out, &fp).await;
    deprecated(s, out);
    versions(s, out);
}

fn looks_like_docs(o: &Observation) -> bool {
    let body = String::from_utf8_lossy(&o.exchange.body[..o.exchange.body.len().min(64 * 1024)])
        .to_lowercase();
    body.contains("swagger")
        || body.contains("redoc")
        || body.contains("\"openapi\"")
        || body.contains("openapi:")
        || body.contains("\"swagger\"")
        || body.contains("graphiql")
        || body.contains("__schema")
}

async fn docs(s: &mut Scanner, out: &mut Vec<Finding>, fp: &CatchAll) {
    let already: Vec<String> = s
        .store
        .iter()
        .filter(|o| o.purpose == Purpose::Discovery)
        .map(|o| o.path.clone())
        .collect();
    let sends: Vec<ScanRequest> = DOCS_PATHS
        .iter()
        .filter(|p| !already.iter().any(|a| a == *p))
        .map(|p| {
            let q = if p.contains("graph") {
                INTROSPECTION
            } else {
                ""
            };
            ScanRequest {
                purpose: Purpose::Probe,
                op: None,
                path: p.to_string(),
                identity: None,
                request: Request::get(s.root_url(&format!("{p}{q}"))),
            }
        })
        .collect();
    s.send_all(sends).await;
    let exposed: Vec<&Observation> = s
        .store
        .iter()
        .filter(|o| {
            o.anonymous()
                && o.is_success()
                && DOCS_PATHS.contains(&o.path.as_str())
                && !is_catch_all(o, fp)
                && looks_like_docs(o)
        })
        .collect();
    let mut paths: Vec<String> = exposed.iter().map(|o| o.path.clone()).collect();
    paths.sort();
    paths.dedup();
    // Located at the human-facing docs page when there is one (the page people open and the one to
    // switch off), else at the first spec document found.
    let rank = |o: &&&Observation| {
        DOCS_PATHS
            .iter()
            .position(|p| *p == o.path)
            .unwrap_or(usize::MAX)
    };
    if let Some(o) = exposed.iter().min_by_key(rank) {
        out.push(
            Finding::new(
                &rules::DOCS_EXPOSED,
                FindingSource::Runtime,
                Location::operation("GET", &o.path).with_url(&o.exchange.url),
                "",
                format!("API documentation is public ({})", paths.join(", ")),
                format!(
                    "Unauthenticated requests get the API docs or spec at {}.",
                    paths.join(", ")
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("documentation served at {}", paths.join(", ")),
                &[],
            )),
        );
    }
}

/// Why a path was probed: decides whether an answer without flagged data is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A framework or ops endpoint from the built-in list.
    Ops,
    /// Public on many APIs: reported only with flagged data.
    Quiet,
    /// A version sibling of a documented path.
    Sibling,
    /// Named in a response, a served page or script, or the spec's text.
    Named,
}

/// Does a concrete path match a spec path template (`/users/{id}` matches `/users/7`)?
fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}')))
}

fn has_ops_word(path: &str) -> bool {
    path.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| OPS_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// `/v1/orders/5` beside a documented `/v2/orders/{id}`: the previous version of each crawled
/// read, by the crawl's concrete URL (harvested ids kept).
fn siblings(s: &Scanner, documented: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl || o.exchange.method != Method::GET {
            continue;
        }
        let Some(rest) = o.exchange.url.strip_prefix(&s.origin) else {
            continue;
        };
        let path = rest.split('?').next().unwrap_or(rest);
        let segs: Vec<&str> = path.split('/').collect();
        let Some((k, n)) = segs.iter().enumerate().find_map(|(k, seg)| {
            let b = seg.as_bytes();
            (b.len() >= 2 && (b[0] == b'v' || b[0] == b'V'))
                .then(|| seg[1..].parse::<u32>().ok().map(|n| (k, n)))
                .flatten()
        }) else {
            continue;
        };
        // The older version: what was left running when the documented one replaced it.
        if let Some(m) = n.checked_sub(1).filter(|m| *m > 0) {
            let mut v = segs.clone();
            let seg = format!("v{m}");
            v[k] = &seg;
            let candidate = v.join("/");
            if documented.iter().any(|d| {
                template_matches(d, &candidate)
                    || template_matches(d, candidate.strip_prefix(&base_prefix(s)).unwrap_or(""))
            }) || out.contains(&candidate)
            {
                continue;
            }
            out.push(candidate);
            if out.len() >= MAX_SIBLINGS {
                return out;
            }
        }
    }
    out
}

/// The API's path prefix below the origin (`/api` for `https://host/api`), or "".
fn base_prefix(s: &Scanner) -> String {
    s.base
        .strip_prefix(&s.origin)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string()
}

/// Same-origin paths written in a text: after a quote, `=`, `(` or whitespace, or after the
/// origin itself. Static assets, file-system paths and templates are left out.
pub fn paths_in(text: &[u8], origin: &str, out: &mut Vec<String>) {
    let text = &text[..text.len().min(512 * 1024)];
    let ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'-' | b'.' | b'~');
    let mut starts: Vec<usize> = Vec::new();
    for p in memchr::memchr_iter(b'/', text) {
        let before = if p == 0 { b' ' } else { text[p - 1] };
        let next = text.get(p + 1).copied().unwrap_or(b' ');
        if matches!(
            before,
            b'"' | b'\'' | b'`' | b'=' | b'(' | b' ' | b'\n' | b'\t'
        ) && (next.is_ascii_alphabetic() || next == b'_' || next == b'.')
        {
            starts.push(p);
        }
    }
    for m in memchr::memmem::find_iter(text, origin.as_bytes()) {
        starts.push(m + origin.len());
    }
    for st in starts {
        let len = text[st..].iter().take(120).take_while(|c| ok(**c)).count();
        let Ok(path) = std::str::from_utf8(&text[st..st + len]) else {
            continue;
        };
        let path = path.trim_end_matches('.');
        if plausible_route(path) && !out.iter().any(|x| x == path) {
            out.push(path.to_string());
        }
        if out.len() >= 500 {
            return;
        }
    }
}

fn plausible_route(path: &str) -> bool {
    const ASSETS: &[&str] = &[
        ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".map",
        ".webp", ".mp4", ".pdf", ".py", ".rb", ".go", ".java", ".ts", ".so",
    ];
    const FS_ROOTS: &[&str] = &[
        "usr",
        "etc",
        "var",
        "home",
        "lib",
        "bin",
        "tmp",
        "srv",
        "opt",
        "proc",
        "dev",
        "root",
        "app",
        "node_modules",
        "static",
        "assets",
    ];
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    path.len() >= 2
        && path.len() < 100
        && path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains("..")
        && path.split('/').all(|seg| seg.len() <= 40)
        && !ASSETS
            .iter()
            .any(|a| path.to_ascii_lowercase().ends_with(a))
        && !FS_ROOTS.contains(&first)
}

/// Same-origin `<script src>` of an HTML body.
fn scripts_in(body: &[u8], out: &mut Vec<String>) {
    let body = &body[..body.len().min(256 * 1024)];
    for p in memchr::memmem::find_iter(body, b"src=") {
        let rest = &body[p + 4..];
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let len = rest
            .iter()
            .take(200)
            .take_while(|c| !matches!(c, b'"' | b'\'' | b' ' | b'>'))
            .count();
        let Ok(src) = std::str::from_utf8(&rest[..len]) else {
            continue;
        };
        let path = src.split(['?', '#']).next().unwrap_or("");
        if path.starts_with('/')
            && !path.starts_with("//")
            && path.ends_with(".js")
            && !out.iter().any(|x| x == src)
        {
            out.push(src.to_string());
        }
    }
}

/// The spec's prose: operation summaries and descriptions, parameter, response, schema and
/// server descriptions.
fn spec_texts(spec: &apiward_spec::Spec, out: &mut Vec<String>) {
    let mut push = |t: &Option<String>| {
        if let Some(t) = t
            && out.len() < 20_000
        {
            out.push(t.clone());
        }
    };
    for sv in &spec.servers {
        push(&sv.description);
    }
    for op in &spec.operations {
        push(&op.summary);
        push(&op.description);
        for p in &op.parameters {
            push(&p.description);
        }
        for r in &op.responses {
            push(&r.description);
        }
    }
    for sc in &spec.schemas {
        push(&sc.description);
    }
}

/// Paths named in the scan's answers (JSON, HTML, text), in served scripts and in the spec's text.
async fn named(s: &mut Scanner, documented: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut scripts: Vec<String> = Vec::new();
    for o in s.store.iter() {
        paths_in(&o.exchange.body, &s.origin, &mut found);
        let html = o
            .exchange
            .header("content-type")
            .is_some_and(|c| c.contains("html"));
        if html {
            scripts_in(&o.exchange.body, &mut scripts);
        }
    }
    if let Some(spec) = &s.spec {
        let mut texts = Vec::new();
        spec_texts(spec, &mut texts);
        for t in texts {
            paths_in(t.as_bytes(), &s.origin, &mut found);
        }
    }
    scripts.retain(|src| !s.store.iter().any(|o| o.exchange.url == s.root_url(src)));
    scripts.truncate(MAX_SCRIPTS);
    let sends: Vec<ScanRequest> = scripts
        .iter()
        .map(|src| ScanRequest {
            purpose: Purpose::Discovery,
            op: None,
            path: src.split('?').next().unwrap_or(src).to_string(),
            identity: None,
            request: Request::get(s.root_url(src)),
        })
        .collect();
    for i in s.send_all(sends).await.into_iter().flatten() {
        let body = s.obs(i).exchange.body.clone();
        paths_in(&body, &s.origin, &mut found);
    }
    let prefix = base_prefix(s);
    found.retain(|p| {
        let under = p.strip_prefix(&prefix).unwrap_or(p);
        !documented
            .iter()
            .any(|d| template_matches(d, p) || template_matches(d, under))
            && !RANDOM_PATHS.contains(&p.as_str())
            && !DOCS_PATHS
                .iter()
                .any(|d| p == d || p.starts_with(&format!("{d}/")))
    });
    // Ops-looking paths first.
    found.sort_by_key(|p| !has_ops_word(p));
    found.truncate(MAX_NAMED);
    found
}

/// The shadow-route list: built-in framework and ops paths, ops areas × leaves.
fn listed() -> Vec<(String, Source)> {
    let mut out: Vec<(String, Source)> = Vec::new();
    let mut push = |p: String, src: Source| {
        if !out.iter().any(|(x, _)| *x == p) {
            out.push((p, src));
        }
    };
    for p in OPS_PATHS {
        push(p.to_string(), Source::Ops);
    }
    for a in AREAS {
        for l in LEAVES {
            push(format!("{a}{l}"), Source::Ops);
        }
    }
    for p in QUIET_PATHS {
        push(p.to_string(), Source::Quiet);
    }
    out
}

/// A file-like path (`/.env`, `/phpinfo.php`) answered by an HTML page that shows nothing: a
/// generic page, not the file.
fn generic_page_for_file(path: &str, o: &Observation, flagged: bool) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    let file_like = last.starts_with('.') || path.contains("/.") || last.contains('.');
    let head = &o.exchange.body[..o.exchange.body.len().min(512)];
    let html = String::from_utf8_lossy(head).to_ascii_lowercase();
    file_like
        && !flagged
        && (html.contains("<html") || html.contains("<!doctype"))
        && !last.ends_with(".php")
}

async fn shadow(s: &mut Scanner, out: &mut Vec<Finding>, fp: &CatchAll) {
    if !s.cfg.shadow_probe {
        return;
    }
    let documented: Vec<String> = s
        .spec
        .as_ref()
        .map(|sp| sp.operations.iter().map(|o| o.path.clone()).collect())
        .unwrap_or_default();
    let mut candidates: Vec<(String, Source)> = listed()
        .into_iter()
        .filter(|(p, _)| !documented.iter().any(|d| template_matches(d, p)))
        .collect();
    for p in siblings(s, &documented) {
        if !candidates.iter().any(|(x, _)| *x == p) {
            candidates.push((p, Source::Sibling));
        }
    }
    for p in named(s, &documented).await {
        if !candidates.iter().any(|(x, _)| *x == p) {
            candidates.push((p, Source::Named));
        }
    }
    // Reuse answers other checks already got (admin paths, discovery) instead of asking again.
    let mut answered: Vec<(usize, Source)> = Vec::new();
    let mut sends: Vec<ScanRequest> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    for (p, src) in candidates {
        let url = s.root_url(&p);
        let seen = s.store.observations.iter().position(|o| {
            o.anonymous() && o.exchange.method == Method::GET && o.exchange.url == url
        });
        match seen {
            Some(i) => answered.push((i, src)),
            None => {
                sends.push(ScanRequest {
                    purpose: Purpose::Probe,
                    op: None,
                    path: p.clone(),
                    identity: None,
                    request: Request::get(url),
                });
                sources.push(src);
            }
        }
    }
    sends.truncate(SHADOW_BUDGET);
    sources.truncate(SHADOW_BUDGET);
    let got = s.send_all(sends).await;
    answered.extend(
        got.into_iter()
            .zip(sources)
            .filter_map(|(i, src)| i.map(|i| (i, src))),
    );
    for (i, src) in answered {
        let o = s.obs(i);
        if !o.is_success() || o.exchange.body.len() < 2 || is_catch_all(o, fp) {
            continue;
        }
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant())
            .collect();
        let reportable = match src {
            Source::Ops => true,
            Source::Sibling => o.json.is_some() || !data.is_empty(),
            Source::Quiet => !data.is_empty(),
            Source::Named => !data.is_empty() || has_ops_word(&o.path) && !looks_like_docs(o),
        };
        if !reportable || generic_page_for_file(&o.path, o, !data.is_empty()) {
            continue;
        }
        let secret = data.iter().any(|m| {
            m.data_type.class() == apiward_detect::DataClass::Secret
                || m.data_type == apiward_detect::DataType::EnvDump
        });
        let severity = if secret {
            Severity::High
        } else if data.is_empty() {
            Severity::Low
        } else {
            Severity::Medium
        };
        let what = if data.is_empty() {
            format!("{} bytes", o.exchange.body.len())
        } else {
            count_summary(&data)
        };
        // An index of links (Spring Actuator's `_links`) names what else is exposed.
        let links: Vec<String> = o
            .json
            .as_ref()
            .and_then(|j| j.get("_links"))
            .and_then(|l| l.as_object())
            .map(|l| l.keys().take(20).cloned().collect())
            .unwrap_or_default();
        let what = if links.is_empty() {
            what
        } else {
            format!("{what}, linking to {}", links.join(", "))
        };
        let how = match src {
            Source::Sibling => " (a version sibling of a documented path)",
            Source::Named => " (named in the API's own responses or spec)",
            _ => "",
        };
        let mut f = Finding::new(
            &rules::SHADOW_ENDPOINT,
            FindingSource::Runtime,
            at(o),
            &o.path,
            format!("Undocumented endpoint {} answers", o.path),
            format!(
                "GET {} is not in the spec{how} and answered {} with {what}.",
                o.path,
                o.status()
            ),
        )
        .severity(severity)
        .confidence(Confidence::Certain)
        .evidence(response(o, format!("{} with {what}", o.status()), &data));
        f.undocumented = true;
        out.push(f);
    }
}

fn deprecated(s: &Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = &s.spec else { return };
    for (i, op) in spec.operations.iter().enumerate() {
        if !op.deprecated {
            continue;
        }
        let Some(o) = s
            .store
            .for_op(i)
            .find(|o| o.is_success() && o.exchange.method != Method::OPTIONS)
        else {
            continue;
        };
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant())
            .collect();
        let severity = if data.is_empty() {
            Severity::Low
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                &rules::DEPRECATED_OPERATION_SERVED,
                FindingSource::Runtime,
                at(o),
                "",
                format!("Deprecated {} still answers", op.label()),
                format!(
                    "{} is deprecated but answered {}{}.",
                    op.label(),
                    o.status(),
                    if data.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", count_summary(&data))
                    }
                ),
            )
            .severity(severity)
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("deprecated operation answered {}", o.status()),
                &data,
            )),
        );
    }
}

fn versions(s: &Scanner, out: &mut Vec<Finding>) {
    let mut live: Vec<(String, &Observation)> = Vec::new();
    for o in s.store.iter() {
        if o.purpose != Purpose::Crawl || !o.is_success() || o.exchange.method == Method::OPTIONS {
            continue;
        }
        let Some(v) = o.path.split('/').find(|seg| {
            let b = seg.as_bytes();
            b.len() >= 2
                && (b[0] == b'v' || b[0] == b'V')
                && b[1..].iter().all(|c| c.is_ascii_digit())
        }) else {
            continue;
        };
        let v = v.to_ascii_lowercase();
        if !live.iter().any(|(x, _)| *x == v) {
            live.push((v, o));
        }
    }
    if live.len() < 2 {
        return;
    }
    live.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<String> = live.iter().map(|(v, _)| format!("/{v}")).collect();
    let o = live[0].1;
    out.push(
        Finding::new(
            &rules::MULTIPLE_API_VERSIONS,
            FindingSource::Runtime,
            Location::default(),
            "",
            format!("{} API versions answer side by side", live.len()),
            format!("Operations under {} all answered.", names.join(", ")),
        )
        .confidence(Confidence::Certain)
        .evidence(response(
            o,
            format!("live versions: {}", names.join(", ")),
            &[],
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;

    const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {"/v1/orders": {"get": {"deprecated": true, "responses": {"200": {"description": "ok"}}}},
                "/v2/orders": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;

    /// A scanner whose crawl saw `/v1/orders` (op 0) answer `v1` and `/v2/orders` answer 200.
    fn crawled(v1: u16) -> Scanner {
        let mut s = testkit::scanner(Some(SPEC), vec![]);
        for (i, path, status) in [(0, "/v1/orders", v1), (1, "/v2/orders", 200)] {
            let x = testkit::exchange(
                "GET",
                path,
                status,
                &[("content-type", "application/json")],
                br#"{"items": []}"#,
            );
            testkit::push(&mut s, Purpose::Crawl, Some(i), path, None, x);
        }
        s
    }

    fn rule_ids(out: &[Finding]) -> Vec<&str> {
        out.iter().map(|f| f.rule_id.as_str()).collect()
    }

    #[test]
    fn fires_deprecated_operation_served() {
        let mut out = Vec::new();
        deprecated(&crawled(200), &mut out);
        assert_eq!(rule_ids(&out), vec![rules::DEPRECATED_OPERATION_SERVED.id]);
        assert_eq!(out[0].location.path.as_deref(), Some("/v1/orders"));
    }

    #[test]
    fn near_miss_deprecated_operation_served() {
        // Retired properly: 410 Gone.
        let mut out = Vec::new();
        deprecated(&crawled(410), &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }

    #[test]
    fn fires_multiple_api_versions() {
        let mut out = Vec::new();
        versions(&crawled(200), &mut out);
        assert_eq!(rule_ids(&out), vec![rules::MULTIPLE_API_VERSIONS.id]);
    }

    #[test]
    fn near_miss_multiple_api_versions() {
        // Documented side by side, but only /v2 still answers.
        let mut out = Vec::new();
        versions(&crawled(410), &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }
}

#[cfg(test)]
mod route_tests {
    use super::*;

    #[test]
    fn paths_named_in_text() {
        let mut out = Vec::new();
        paths_in(
            br#"<a href="/internal/reindex">x</a> fetch('/v2/items?page=2'); see /ops/queue-status.
               <img src="/img/logo.png"> File "/usr/lib/python3.11/x.py" http://other.example/debug
               "application/json" http://127.0.0.1:9/admin/flags"#,
            "http://127.0.0.1:9",
            &mut out,
        );
        for want in [
            "/internal/reindex",
            "/v2/items",
            "/ops/queue-status",
            "/admin/flags",
        ] {
            assert!(out.iter().any(|p| p == want), "{want} missing from {out:?}");
        }
        // Assets, file-system paths, other hosts' paths and media types are not routes.
        for not in [
            "/img/logo.png",
            "/usr/lib/python3.11/x.py",
            "/debug",
            "/json",
        ] {
            assert!(!out.iter().any(|p| p == not), "{not} in {out:?}");
        }
    }

    #[test]
    fn fallback_pages_compared_by_content() {
        let page = |path: &str, nonce: u32| {
            let body = format!(
                "<html><head><meta name=csrf content={nonce}></head><body><div id=root data-path={path}></div>\
                 <p>Welcome to the store, sign in to see your orders and saved items.</p></body></html>"
            );
            testkit::obs(
                None,
                testkit::exchange("GET", path, 200, &[], body.as_bytes()),
            )
        };
        let fp = vec![fallback_of(&page("/apiward-nonexistent-7f3a", 1))];
        // Same page, another path and nonce, another length: the fallback.
        assert!(is_catch_all(
            &page("/debug/config/extra-long-segment", 987_654),
            &fp
        ));
        // A real answer is not.
        let real = testkit::obs(
            None,
            testkit::exchange(
                "GET",
                "/debug/config",
                200,
                &[],
                b"DEBUG=1\nDATABASE_URL=postgres://x",
            ),
        );
        assert!(!is_catch_all(&real, &fp));
    }

    use crate::checks::testkit;
}
