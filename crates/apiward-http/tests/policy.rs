//! The safety policy: methods, scope, metadata addresses, redirects, credential redaction.

mod common;

use apiward_http::{Engine, EngineConfig, HttpError, Method, Request};
use common::{config, has_diag, ok, redirect, serve};

#[tokio::test]
async fn default_config_refuses_writes_without_sending() {
    let server = serve(|_| ok("hi")).await;
    let engine = Engine::new(config(&[&server.base()])).expect("engine");
    for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let r = engine
            .send(Request::new(m.clone(), server.url("/x")).body("{}"))
            .await;
        assert!(
            matches!(r, Err(HttpError::MethodNotAllowed(_))),
            "{m}: {r:?}"
        );
    }
    for m in [Method::TRACE, Method::CONNECT] {
        let r = engine.send(Request::new(m.clone(), server.url("/x"))).await;
        assert!(matches!(r, Err(HttpError::MethodNotAllowed(_))), "{m}");
    }
    assert_eq!(server.accepted(), 0, "no connection for refused methods");
    let log = engine.log();
    assert_eq!(log.len(), 6);
    assert!(
        log.iter()
            .all(|e| !e.sent && e.error.as_deref() == Some("method-not-allowed"))
    );
    assert_eq!(engine.stats().requests, 0);

    for m in [Method::GET, Method::HEAD, Method::OPTIONS] {
        let x = engine
            .send(Request::new(m.clone(), server.url("/x")))
            .await
            .expect("read-only method allowed");
        assert_eq!(x.status, 200);
    }
    let methods: Vec<String> = server.seen().iter().map(|h| h.method.clone()).collect();
    assert_eq!(methods, ["GET", "HEAD", "OPTIONS"]);
    let stats = engine.stats();
    assert_eq!(stats.requests, 3);
    assert_eq!(stats.by_method.get("GET"), Some(&1));
}

#[tokio::test]
async fn active_allows_post_put_patch_never_delete() {
    let server = serve(|h| ok(&format!("{} {}", h.method, h.body.len()))).await;
    let engine = Engine::new(EngineConfig {
        active: true,
        ..config(&[&server.base()])
    })
    .expect("engine");
    for m in [Method::POST, Method::PUT, Method::PATCH] {
        let x = engine
            .send(Request::new(m.clone(), server.url("/w")).body("{\"a\":1}"))
            .await
            .expect("allowed when active");
        assert_eq!(x.text(), format!("{m} 7"));
    }
    let r = engine
        .send(Request::new(Method::DELETE, server.url("/w")))
        .await;
    assert!(matches!(r, Err(HttpError::MethodNotAllowed(_))));
    let methods: Vec<String> = server.seen().iter().map(|h| h.method.clone()).collect();
    assert_eq!(methods, ["POST", "PUT", "PATCH"]);
}

#[tokio::test]
async fn out_of_scope_origins_are_not_contacted() {
    let target = serve(|_| ok("target")).await;
    let other = serve(|_| ok("other")).await;
    let engine = Engine::new(config(&[&target.base()])).expect("engine");
    let r = engine.send(Request::get(other.url("/"))).await;
    assert!(matches!(r, Err(HttpError::OutOfScope(_))), "{r:?}");
    // Same host, other scheme: another origin.
    let https = format!("https://{}/", target.addr);
    let r = engine.send(Request::get(https)).await;
    assert!(matches!(r, Err(HttpError::OutOfScope(_))), "{r:?}");
    let r = engine.send(Request::get("file:///etc/passwd")).await;
    assert!(matches!(r, Err(HttpError::OutOfScope(_))), "{r:?}");
    assert_eq!(other.accepted(), 0);
    assert_eq!(target.accepted(), 0);
    assert!(has_diag(&engine, "http.out-of-scope"));

    // A second confirmed origin is in scope.
    let engine = Engine::new(config(&[&target.base(), &other.base()])).expect("engine");
    let x = engine
        .send(Request::get(other.url("/")))
        .await
        .expect("in scope");
    assert_eq!(x.text(), "other");
}

#[tokio::test]
async fn metadata_literals_refused_even_when_listed_as_origin() {
    let urls = [
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.170.2/v2/credentials",
        "http://2852039166/latest/meta-data/", // 169.254.169.254 as one decimal
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://100.100.100.200/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./computeMetadata/v1/",
    ];
    let origins: Vec<&str> = urls.to_vec();
    let engine = Engine::new(config(&origins)).expect("engine");
    for u in urls {
        let started = std::time::Instant::now();
        let r = engine.send(Request::get(u)).await;
        assert!(
            matches!(r, Err(HttpError::MetadataAddress(_))),
            "{u}: {r:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_millis(200));
    }
    assert!(engine.log().iter().all(|e| !e.sent));
    assert_eq!(engine.stats().requests, 0);
    assert!(has_diag(&engine, "http.metadata-address"));
}

#[tokio::test]
async fn redirects_follow_policy() {
    let other = serve(|_| ok("other origin")).await;
    let other_url = other.url("/stolen");
    let server = serve(move |h| match h.path.as_str() {
        "/old" => redirect(301, "/new"),
        "/new" => ok("new"),
        "/away" => redirect(302, &other_url),
        "/meta" => redirect(302, "http://169.254.169.254/latest/meta-data/"),
        "/meta6" => redirect(307, "http://[fd00:ec2::254]/latest/meta-data/"),
        "/loop" => redirect(302, "/loop"),
        "/see-other" => redirect(303, "/new"),
        _ => ok("?"),
    })
    .await;
    let engine = Engine::new(EngineConfig {
        active: true,
        ..config(&[&server.base()])
    })
    .expect("engine");

    // Same origin: followed.
    let x = engine
        .send(Request::get(server.url("/old")))
        .await
        .expect("followed");
    assert_eq!((x.status, x.text().as_ref()), (200, "new"));
    assert_eq!(x.redirects, vec![server.url("/old")]);
    assert!(x.url.ends_with("/new"));
    assert_eq!(engine.log()[0].redirects, vec![(301, server.url("/new"))]);

    // Not followed when the request says so.
    let x = engine
        .send(Request::get(server.url("/old")).no_redirects())
        .await
        .expect("3xx");
    assert_eq!(x.status, 301);

    // Other origin: not followed, 3xx returned, diagnostic.
    let x = engine
        .send(Request::get(server.url("/away")))
        .await
        .expect("3xx kept");
    assert_eq!(x.status, 302);
    assert!(matches!(x.redirect_blocked, Some(HttpError::OutOfScope(_))));
    assert_eq!(other.accepted(), 0);
    assert!(has_diag(&engine, "http.redirect-out-of-scope"));

    // Metadata: not followed.
    for p in ["/meta", "/meta6"] {
        let x = engine
            .send(Request::get(server.url(p)))
            .await
            .expect("3xx kept");
        assert!(
            matches!(x.redirect_blocked, Some(HttpError::MetadataAddress(_))),
            "{p}"
        );
    }
    assert!(has_diag(&engine, "http.redirect-metadata"));

    // Loop: stops at max_redirects.
    let before = server.seen().len();
    let r = engine.send(Request::get(server.url("/loop"))).await;
    assert!(matches!(r, Err(HttpError::TooManyRedirects(5))), "{r:?}");
    assert_eq!(server.seen().len() - before, 6, "first request + 5 hops");
    assert!(has_diag(&engine, "http.redirect-loop"));

    // 303 after POST becomes GET without the body.
    let before = server.seen().len();
    let x = engine
        .send(Request::new(Method::POST, server.url("/see-other")).body("payload"))
        .await
        .expect("followed");
    assert_eq!(x.text(), "new");
    let seen = server.seen();
    assert_eq!(seen[before].method, "POST");
    assert_eq!(seen[before + 1].method, "GET");
    assert!(seen[before + 1].body.is_empty());
}

#[tokio::test]
async fn credentials_never_logged() {
    let server = serve(|h| match h.path.split('?').next().unwrap_or_default() {
        "/slow" => common::Reply::Delayed(std::time::Duration::from_secs(5), Vec::new()),
        _ => ok("fine"),
    })
    .await;
    let engine = Engine::new(EngineConfig {
        timeout: std::time::Duration::from_millis(500),
        ..config(&[&server.base()])
    })
    .expect("engine");
    let with_userinfo = format!(
        "http://alice:pa55word@{}/a?api_key=QUERYSECRET&x=1",
        server.addr
    );
    let x = engine
        .send(
            Request::get(with_userinfo)
                .header("Authorization", "Bearer TOKENSECRET")
                .header("Cookie", "session=COOKIESECRET")
                .header("X-API-Key", "KEYSECRET")
                .secret_header("X-Tenant-Token", "TENANTSECRET")
                .header("Accept", "application/json"),
        )
        .await
        .expect("sent");
    assert_eq!(x.status, 200);
    assert!(!x.url.contains("pa55word") && !x.url.contains("QUERYSECRET"));
    // The server did get them.
    let seen = server.seen();
    assert_eq!(seen[0].header("x-tenant-token"), Some("TENANTSECRET"));
    assert_eq!(seen[0].header("x-api-key"), Some("KEYSECRET"));

    // An error path, with a secret in the URL, to get a diagnostic.
    let slow = format!("http://bob:hunter2@{}/slow?token=SLOWSECRET", server.addr);
    let r = engine
        .send(Request::get(slow).header("Authorization", "Basic BASICSECRET"))
        .await;
    assert!(matches!(r, Err(HttpError::Timeout)), "{r:?}");
    assert!(has_diag(&engine, "http.timeout"));

    let dump = format!("{:?}\n{:?}", engine.log(), engine.diagnostics());
    for secret in [
        "pa55word",
        "QUERYSECRET",
        "TOKENSECRET",
        "COOKIESECRET",
        "KEYSECRET",
        "TENANTSECRET",
        "hunter2",
        "SLOWSECRET",
        "BASICSECRET",
    ] {
        assert!(!dump.contains(secret), "{secret} leaked: {dump}");
    }
    let log = engine.log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].status, Some(200));
    assert_eq!(log[0].bytes, 4);
    assert!(log[0].sent);
    assert!(log[0].url.contains("[redacted]@"));
    assert!(
        log[0]
            .request_headers
            .iter()
            .any(|(n, v)| n == "Accept" && v == "application/json")
    );
    assert_eq!(log[1].error.as_deref(), Some("timeout"));
    assert_eq!(log[1].status, None);
}

#[tokio::test]
async fn budget_and_request_cap_fail_fast() {
    let server = serve(|_| ok("x")).await;
    let engine = Engine::new(EngineConfig {
        max_requests: 2,
        ..config(&[&server.base()])
    })
    .expect("engine");
    for _ in 0..2 {
        engine
            .send(Request::get(server.url("/")))
            .await
            .expect("under cap");
    }
    let r = engine.send(Request::get(server.url("/"))).await;
    assert!(matches!(r, Err(HttpError::TooManyRequests)));
    assert!(has_diag(&engine, "http.request-limit"));

    let engine = Engine::new(EngineConfig {
        budget: std::time::Duration::from_millis(100),
        ..config(&[&server.base()])
    })
    .expect("engine");
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let r = engine.send(Request::get(server.url("/"))).await;
    assert!(matches!(r, Err(HttpError::BudgetExhausted)));
    assert!(has_diag(&engine, "http.budget-exhausted"));
}

#[test]
fn engine_is_clone_send_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<Engine>();
}

#[tokio::test]
async fn redirect_hops_rebuild_headers_from_the_request() {
    // Two origins in scope: credentials stay with the first, the body headers go with the body,
    // and every hop carries the Host of its own origin.
    let other = serve(|_| ok("other")).await;
    let other_url = other.url("/landing");
    let server = serve(move |h| match h.path.as_str() {
        "/away" => redirect(302, &other_url),
        "/see-other" => redirect(303, "/new"),
        _ => ok("new"),
    })
    .await;
    let engine = Engine::new(EngineConfig {
        active: true,
        ..config(&[&server.base(), &other.base()])
    })
    .expect("engine");
    let host_of = |base: &str| {
        base.trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    };

    let x = engine
        .send(
            Request::get(server.url("/away"))
                .header("Authorization", "Bearer T")
                .secret_header("X-Session", "S")
                .header("X-Tenant", "t1"),
        )
        .await
        .expect("followed");
    assert_eq!(x.text(), "other");
    let first = &server.seen()[0];
    assert_eq!(first.header("authorization"), Some("Bearer T"));
    assert_eq!(first.header("x-session"), Some("S"));
    assert_eq!(first.header("host"), Some(host_of(&server.base()).as_str()));
    let hop = &other.seen()[0];
    assert_eq!(hop.header("authorization"), None);
    assert_eq!(hop.header("x-session"), None);
    assert_eq!(hop.header("x-tenant"), Some("t1"));
    assert_eq!(hop.header("host"), Some(host_of(&other.base()).as_str()));
    assert_eq!(
        hop.header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );

    // POST → 303 → GET: body and its headers dropped, the rest kept.
    let before = server.seen().len();
    let x = engine
        .send(
            Request::new(Method::POST, server.url("/see-other"))
                .header("Content-Type", "application/json")
                .header("X-Tenant", "t1")
                .body("{}"),
        )
        .await
        .expect("followed");
    assert_eq!(x.text(), "new");
    let seen = server.seen();
    assert_eq!(
        seen[before].header("content-type"),
        Some("application/json")
    );
    let get = &seen[before + 1];
    assert_eq!(get.method, "GET");
    assert_eq!(get.header("content-type"), None);
    assert_eq!(get.header("x-tenant"), Some("t1"));
    assert!(get.body.is_empty());
}
