//! Discovery (find the spec, or fall back to common paths) and the crawl (one planned request per
//! operation, producers before consumers).

use crate::store::Purpose;
use crate::{ScanRequest, Scanner, SpecInput};
use apiward_core::DiagnosticLevel;
use apiward_http::{Method, Request};
use apiward_spec::LoadOptions;

/// Where frameworks publish their spec, most likely first.
pub const SPEC_PATHS: &[&str] = &[
    "/openapi.json",
    "/swagger.json",
    "/v3/api-docs",
    "/api-docs",
    "/openapi.yaml",
    "/swagger/v1/swagger.json",
    "/api/openapi.json",
    "/v2/api-docs",
    "/swagger.yaml",
    "/api/swagger.json",
    "/docs/openapi.json",
];

/// Common API paths probed when there is no spec at all.
pub const FALLBACK_PATHS: &[&str] = &[
    "/",
    "/api",
    "/api/v1",
    "/api/v2",
    "/v1",
    "/v2",
    "/users",
    "/api/users",
    "/v1/users",
    "/v2/users",
    "/customers",
    "/accounts",
    "/orders",
    "/products",
    "/items",
    "/me",
    "/profile",
    "/health",
    "/status",
];

pub async fn run(s: &mut Scanner, input: SpecInput) {
    match input {
        SpecInput::Loaded(spec, name) => {
            s.spec = Some(std::sync::Arc::new(*spec));
            s.spec_name = Some(name);
        }
        SpecInput::Url(url) => {
            let send = ScanRequest {
                purpose: Purpose::Discovery,
                op: None,
                path: url.clone(),
                identity: None,
                request: Request::get(url.clone()),
            };
            if let Some(i) = s.send(send).await {
                load_from(s, i, &url);
            }
            if s.spec.is_none() {
                s.note(
                    DiagnosticLevel::Error,
                    "scan.spec-unavailable",
                    format!("could not load the spec from {url}; scanning without it"),
                );
            }
        }
        SpecInput::Discover => {
            let sends = SPEC_PATHS
                .iter()
                .map(|p| ScanRequest {
                    purpose: Purpose::Discovery,
                    op: None,
                    path: p.to_string(),
                    identity: None,
                    request: Request::get(s.root_url(p)),
                })
                .collect();
            let got = s.send_all(sends).await;
            for (i, p) in got.into_iter().zip(SPEC_PATHS) {
                let Some(i) = i else { continue };
                if !s.obs(i).is_success() {
                    continue;
                }
                let url = s.root_url(p);
                load_from(s, i, &url);
                if s.spec.is_some() {
                    s.spec_served_at = Some(p.to_string());
                    break;
                }
            }
            if s.spec.is_none() {
                s.note(
                    DiagnosticLevel::Note,
                    "scan.no-spec",
                    "no spec found at the usual paths; probing common API paths instead (pass --spec for a full scan)",
                );
            }
        }
    }
    set_prefix(s);
}

fn load_from(s: &mut Scanner, i: usize, url: &str) {
    let body = s.obs(i).exchange.body.clone();
    if !s.obs(i).is_success() {
        return;
    }
    match apiward_spec::load_bytes(url, &body, None, &LoadOptions::default()) {
        Ok(spec) => {
            s.spec = Some(std::sync::Arc::new(spec));
            s.spec_name = Some(url.to_string());
        }
        Err(e) => s.note(
            DiagnosticLevel::Warning,
            "scan.spec-unreadable",
            format!("{url} answered but is not a usable spec: {e}"),
        ),
    }
}

/// Use the spec's server path (`/api/v1`) as the prefix when the target URL has none.
fn set_prefix(s: &mut Scanner) {
    let Some(spec) = &s.spec else { return };
    let target_has_path = s.base.len() > s.origin.len();
    if target_has_path {
        return;
    }
    for server in &spec.servers {
        let url = server.url.trim_end_matches('/');
        // Only an absolute URL on the target's origin (or a bare path) gives a prefix; a server
        // written without a scheme (`localhost:8000`) gives none.
        let path = if url.starts_with('/') {
            Some(url.to_string())
        } else if let Some((scheme, rest)) = url.split_once("://") {
            let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (host, path) = rest.split_at(host_end);
            format!("{scheme}://{host}")
                .eq_ignore_ascii_case(&s.origin)
                .then(|| path.split(['?', '#']).next().unwrap_or("").to_string())
        } else {
            None
        };
        if let Some(p) = path {
            s.base = format!("{}{}", s.origin, p);
            return;
        }
    }
}

/// One planned request per operation (and per identity), list routes before item routes so their
/// ids feed the item routes. Operations the guard would refuse (state-changing GETs, excluded ones)
/// are skipped and listed; writes in a read-only scan are probed with OPTIONS only; in active
/// mode creates go with the reads, and updates follow in [`crate::writes::update_phase`].
pub async fn crawl(s: &mut Scanner) {
    let Some(spec) = s.spec.clone() else {
        fallback(s).await;
        return;
    };
    let order = crate::plan::order(&spec);
    s.coverage.operations = order.len();
    // Group by number of path parameters: each group is sent concurrently, then harvested.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let depth = spec.operations[i].path.matches('{').count();
        if groups.len() <= depth {
            groups.resize(depth + 1, Vec::new());
        }
        groups[depth].push(i);
    }
    let identities = s.identities.clone();
    let total = s.coverage.operations;
    let mut done = 0;
    for group in groups {
        s.phase(format!("crawling {done}/{total} operations"), 0);
        done += group.len();
        let mut sends = Vec::new();
        for i in group {
            let op = &spec.operations[i];
            let writes = !op.method.is_safe();
            if op.method == apiward_spec::Method::Delete || op.method == apiward_spec::Method::Trace
            {
                s.guard.skip(
                    i,
                    format!(
                        "{} is never sent to objects the scan did not create",
                        op.method.as_str()
                    ),
                );
                continue;
            }
            let callable = s.guard.callable(i);
            let (method, body) = match (&callable, writes, s.active) {
                // A write in a read-only scan: OPTIONS shows what the path allows.
                (_, true, false) => {
                    if let Err(why) = &callable {
                        s.guard.skip(i, why.clone());
                    }
                    s.coverage.probed_only += 1;
                    (Method::OPTIONS, None)
                }
                (Err(why), _, _) => {
                    s.guard.skip(i, why.clone());
                    continue;
                }
                (Ok(()), true, true) => {
                    if !crate::writes::is_create(s, &spec, i) {
                        // Updates need the current state of their object first: later.
                        continue;
                    }
                    s.coverage.exercised += 1;
                    let method =
                        Method::from_bytes(op.method.as_str().as_bytes()).unwrap_or(Method::POST);
                    (method, Some(crate::sample::sample_body(&spec, op)))
                }
                (Ok(()), false, _) => {
                    s.coverage.exercised += 1;
                    let method =
                        Method::from_bytes(op.method.as_str().as_bytes()).unwrap_or(Method::GET);
                    (method, None)
                }
            };
            let planned = crate::plan::plan_for(&spec, i, op, &s.harvest, None);
            if !planned.harvested.is_empty() {
                s.coverage.with_harvested_ids += 1;
            }
            // Each identity asks for the objects it saw itself (its own values first).
            let mk = |identity: Option<crate::Identity>| {
                let path = match &identity {
                    Some(id) => {
                        crate::plan::plan_for(&spec, i, op, &s.harvest, Some(&id.name))
                            .path_and_query
                    }
                    None => planned.path_and_query.clone(),
                };
                let mut req = Request::new(method.clone(), s.url(&path));
                if let Some(b) = &body {
                    req = req
                        .header("content-type", "application/json")
                        .body(b.clone());
                }
                ScanRequest {
                    purpose: Purpose::Crawl,
                    op: Some(i),
                    path: op.path.clone(),
                    identity,
                    request: req,
                }
            };
            sends.push(mk(None));
            for id in &identities {
                sends.push(mk(Some(id.clone())));
            }
        }
        let got = s.send_all(sends).await;
        for idx in got.into_iter().flatten() {
            let o = s.obs(idx);
            if o.is_success()
                && let Some(json) = &o.json
            {
                let path = o.path.clone();
                let json = json.clone();
                let who = o.identity.clone();
                s.harvest.add_seen(&path, &json, who.as_deref());
            }
        }
    }
    if s.active {
        crate::writes::update_phase(s).await;
    }
}

/// No spec: probe common paths and follow same-origin links found in JSON answers, within budget.
async fn fallback(s: &mut Scanner) {
    let sends = FALLBACK_PATHS
        .iter()
        .map(|p| ScanRequest {
            purpose: Purpose::Crawl,
            op: None,
            path: p.to_string(),
            identity: None,
            request: Request::get(s.root_url(p)),
        })
        .collect();
    let got = s.send_all(sends).await;
    let mut links = Vec::new();
    for i in got.into_iter().flatten() {
        let o = s.obs(i);
        if !o.is_success() {
            continue;
        }
        if let Some(json) = &o.json {
            collect_links(json, &s.origin, &mut links);
        }
    }
    links.sort();
    links.dedup();
    links.truncate(50);
    let sends = links
        .into_iter()
        .map(|p| ScanRequest {
            purpose: Purpose::Crawl,
            op: None,
            path: p.clone(),
            identity: None,
            request: Request::get(s.root_url(&p)),
        })
        .collect();
    s.send_all(sends).await;
}

fn collect_links(v: &serde_json::Value, origin: &str, out: &mut Vec<String>) {
    let mut stack = vec![v];
    let mut budget = 2000;
    while let Some(v) = stack.pop() {
        budget -= 1;
        if budget == 0 {
            return;
        }
        match v {
            serde_json::Value::String(t) => {
                if let Some(rest) = t.strip_prefix(origin) {
                    if rest.starts_with('/') && rest.len() < 200 {
                        out.push(rest.to_string());
                    }
                } else if t.starts_with('/')
                    && !t.starts_with("//")
                    && t.len() < 200
                    && !t.contains(' ')
                {
                    out.push(t.clone());
                }
            }
            serde_json::Value::Array(a) => stack.extend(a.iter().take(100)),
            serde_json::Value::Object(o) => stack.extend(o.values().take(100)),
            _ => {}
        }
    }
}
