//! Inventory at runtime, one file per rule: APIW-INV-101 docs exposed, -102 shadow endpoints, -003
//! deprecated operations still served, -004 several versions live.
//!
//! Shared here: the route lists the probes use and the catch-all fingerprint (a server that answers
//! every path with one page), also used by the BFLA admin probes.

use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_http::Request;

pub(crate) mod deprecated_operation_served;
pub(crate) mod docs_exposed;
pub(crate) mod multiple_api_versions;
pub(crate) mod shadow_endpoint;

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

#[cfg(test)]
pub(crate) mod testing {
    use crate::Scanner;
    use crate::store::Purpose;
    use apiward_core::Finding;

    use crate::checks::testkit;

    pub const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {"/v1/orders": {"get": {"deprecated": true, "responses": {"200": {"description": "ok"}}}},
                "/v2/orders": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;

    /// A scanner whose crawl saw `/v1/orders` (op 0) answer `v1` and `/v2/orders` answer 200.
    pub fn crawled(v1: u16) -> Scanner {
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

    pub fn rule_ids(out: &[Finding]) -> Vec<&str> {
        out.iter().map(|f| f.rule_id.as_str()).collect()
    }
}

#[cfg(test)]
mod route_tests {
    use super::shadow_endpoint::paths_in;
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
