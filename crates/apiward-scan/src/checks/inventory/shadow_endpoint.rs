//! APIW-INV-102: undocumented routes that answer: a general framework/ops list, version siblings of
//! documented paths, and paths named in answers, scripts and the spec's own text (bounded by
//! [`SHADOW_BUDGET`](super::SHADOW_BUDGET)); a catch-all page is not a route.
//! Tests: `fires_shadow_endpoint`, `near_miss_shadow_endpoint` (tests/rules_runtime.rs, tests/probing.rs).

use crate::evidence::{at, count_summary, response};
use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_http::{Method, Request};
use apiward_rules::inventory as rules;

use super::docs_exposed::looks_like_docs;
use super::*;

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

pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>, fp: &CatchAll) {
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
