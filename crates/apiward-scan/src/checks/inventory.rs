//! inventory at runtime: APIW-INV-101 docs exposed, -102 shadow endpoints, -003 deprecated
//! operations still served, -004 several versions live.

use crate::evidence::{at, count_summary, response};
use crate::store::{Observation, Purpose};
use crate::{Scanner, Send};
use apiward_core::{Confidence, Finding, FindingSource, Location, Severity};
use apiward_http::{Method, Request};
use apiward_rules::inventory as rules;

const DOCS_PATHS: &[&str] = &[
    "/docs",
    "/redoc",
    "/swagger-ui",
    "/swagger-ui.html",
    "/swagger-ui/index.html",
    "/api-docs",
    "/openapi.json",
    "/swagger.json",
    "/v3/api-docs",
    "/graphql",
];

/// Debug and management paths that should not answer in production.
pub const SHADOW_PATHS: &[&str] = &[
    "/debug",
    "/debug/config",
    "/debug/vars",
    "/admin",
    "/actuator",
    "/actuator/env",
    "/actuator/health",
    "/metrics",
    "/internal/metrics",
    "/health/details",
    "/.env",
    "/env",
    "/config",
    "/config.json",
    "/server-status",
    "/console",
    "/.git/config",
    "/phpinfo.php",
    "/_debug",
    "/__debug__",
    "/status/details",
];

/// What the server answers for a path that cannot exist: (status, body length).
pub type CatchAll = Option<(u16, usize)>;

pub async fn catch_all_fingerprint(s: &mut Scanner) -> CatchAll {
    if let Some(o) = s
        .store
        .iter()
        .find(|o| o.path == "/apiward-nonexistent-7f3a")
    {
        return Some((o.status(), o.exchange.body.len()));
    }
    let send = Send {
        purpose: Purpose::Probe,
        op: None,
        path: "/apiward-nonexistent-7f3a".to_string(),
        identity: None,
        request: Request::get(s.root_url("/apiward-nonexistent-7f3a")),
    };
    let i = s.send(send).await?;
    let o = s.obs(i);
    Some((o.status(), o.exchange.body.len()))
}

/// A 2xx that is really the server's answer to everything (SPA fallback).
pub fn is_catch_all(o: &Observation, fp: &CatchAll) -> bool {
    matches!(fp, Some((status, len)) if (200..300).contains(status) && *status == o.status() && *len == o.exchange.body.len())
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
    let sends: Vec<Send> = DOCS_PATHS
        .iter()
        .filter(|p| !already.iter().any(|a| a == *p))
        .map(|p| Send {
            purpose: Purpose::Probe,
            op: None,
            path: p.to_string(),
            identity: None,
            request: Request::get(s.root_url(p)),
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

async fn shadow(s: &mut Scanner, out: &mut Vec<Finding>, fp: &CatchAll) {
    if !s.cfg.shadow_probe {
        return;
    }
    let documented: Vec<String> = s
        .spec
        .as_ref()
        .map(|sp| sp.operations.iter().map(|o| o.path.clone()).collect())
        .unwrap_or_default();
    let sends: Vec<Send> = SHADOW_PATHS
        .iter()
        .filter(|p| !documented.iter().any(|d| d == *p))
        .map(|p| Send {
            purpose: Purpose::Probe,
            op: None,
            path: p.to_string(),
            identity: None,
            request: Request::get(s.root_url(p)),
        })
        .collect();
    let got = s.send_all(sends).await;
    for i in got.into_iter().flatten() {
        let o = s.obs(i);
        if !o.is_success() || o.exchange.body.len() < 2 || is_catch_all(o, fp) {
            continue;
        }
        let data: Vec<&apiward_detect::Match> = o
            .body_matches
            .iter()
            .filter(|m| m.is_significant())
            .collect();
        let secret = data
            .iter()
            .any(|m| m.data_type.class() == apiward_detect::DataClass::Secret);
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
        let mut f = Finding::new(
            &rules::SHADOW_ENDPOINT,
            FindingSource::Runtime,
            at(o),
            &o.path,
            format!("Undocumented endpoint {} answers", o.path),
            format!(
                "GET {} is not in the spec and answered {} with {what}.",
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
