//! Requests per second through the engine (rate unlimited, concurrency 16 by default).
//!
//! ```text
//! cargo run --release -p apiward-http --example rps                      # built-in loopback server
//! cargo run --release -p apiward-http --example rps -- --serve 30        # only serve (for wrk), 30 s
//! cargo run --release -p apiward-http --example rps -- --url http://127.0.0.1:8080/ping
//! cargo run --release -p apiward-http --example rps -- --url URL --duration 5 --threads 1
//! options: --requests N (20000)  --duration SECONDS (run for a time instead of N requests, like wrk -d)
//!          --concurrency N (16)  --url URL  --serve SECONDS
//!          --threads N (client runtime threads; 1 = current-thread runtime; default: one per core)
//!          --raw (bare reqwest client instead of the engine, for comparison)
//!          --hyper (bare hyper-util client, what the engine uses for plain http://, for comparison)
//! ```
//! The built-in server is a hand-written HTTP/1.1 keep-alive server, one thread per connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apiward_http::{Engine, EngineConfig, Origin, Request};

const BODY: &[u8] = br#"{"status":"ok","items":[1,2,3]}"#;

fn serve_connection(mut s: TcpStream) {
    let _ = s.set_nodelay(true);
    let reply = {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            BODY.len()
        )
        .into_bytes();
        r.extend_from_slice(BODY);
        r
    };
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0usize;
    loop {
        // Answer every complete request head in the buffer (GETs without bodies).
        let mut start = 0usize;
        while let Some(end) = buf[start..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            if s.write_all(&reply).is_err() {
                return;
            }
            start += end + 4;
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            return; // head too large for this toy server
        }
        match s.read(&mut buf[filled..]) {
            Ok(0) | Err(_) => return,
            Ok(n) => filled += n,
        }
    }
}

fn start_server() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || serve_connection(conn));
        }
    });
    Ok(format!("http://{addr}/ping"))
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let num = |name: &str, default: usize| -> Result<usize, String> {
        match arg(&args, name) {
            Some(v) => v.parse().map_err(|_| format!("{name} needs a number")),
            None => Ok(default),
        }
    };
    let duration = match arg(&args, "--duration") {
        Some(v) => Some(Duration::from_secs_f64(
            v.parse::<f64>()
                .map_err(|_| "--duration needs seconds".to_string())?,
        )),
        None => None,
    };
    // With --duration, the request count is only a cap (the engine's max_requests).
    let requests = num(
        "--requests",
        if duration.is_some() {
            4_000_000
        } else {
            20_000
        },
    )?;
    let concurrency = num("--concurrency", 16)?;

    if let Some(secs) = arg(&args, "--serve") {
        let secs: u64 = secs
            .parse()
            .map_err(|_| "--serve needs seconds".to_string())?;
        let url = start_server().map_err(|e| e.to_string())?;
        println!("{url}");
        std::thread::sleep(Duration::from_secs(secs));
        return Ok(());
    }
    let url = match arg(&args, "--url") {
        Some(u) => u,
        None => start_server().map_err(|e| e.to_string())?,
    };

    // --threads 1 runs the client on one thread (current-thread runtime); default: multi-thread.
    let threads = num("--threads", 0)?;
    let runtime = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        if threads > 1 {
            b.worker_threads(threads);
        }
        b.enable_all().build()
    }
    .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let engine = Engine::new(EngineConfig {
            origins: vec![Origin::parse(&url)?],
            rate: None,
            concurrency,
            max_requests: requests + concurrency + 100,
            budget: Duration::from_secs(600),
            ..EngineConfig::default()
        })?;
        // Warm up the connection pool.
        for _ in 0..concurrency {
            engine
                .send(Request::get(url.clone()))
                .await
                .map_err(|e| e.to_string())?;
        }
        let raw = args.iter().any(|a| a == "--raw");
        let bare_hyper = args.iter().any(|a| a == "--hyper");
        let hyper_client = {
            let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
            http.set_nodelay(true);
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build::<_, http_body_util::Empty<bytes::Bytes>>(http)
        };
        let hyper_uri: http::Uri = url.parse().map_err(|e| format!("{e}"))?;
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        let next = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let stop_at = duration.map(|d| started + d);
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let engine = engine.clone();
            let next = next.clone();
            let url = url.clone();
            let client = client.clone();
            let hyper_client = hyper_client.clone();
            let hyper_uri = hyper_uri.clone();
            let done = done.clone();
            workers.push(tokio::spawn(async move {
                let mut errors = 0usize;
                while next.fetch_add(1, Ordering::Relaxed) < requests
                    && stop_at.is_none_or(|t| Instant::now() < t)
                {
                    done.fetch_add(1, Ordering::Relaxed);
                    if bare_hyper {
                        use http_body_util::BodyExt;
                        let ok = match hyper_client.get(hyper_uri.clone()).await {
                            Ok(r) => r.into_body().collect().await.is_ok(),
                            Err(_) => false,
                        };
                        if !ok {
                            errors += 1;
                        }
                        continue;
                    }
                    if raw {
                        // Bare reqwest, for comparison: no policy, no bounds, no log.
                        let ok = match client.get(url.as_str()).send().await {
                            Ok(r) => r.bytes().await.is_ok(),
                            Err(_) => false,
                        };
                        if !ok {
                            errors += 1;
                        }
                        continue;
                    }
                    match engine.send(Request::get(url.clone())).await {
                        Ok(x) if x.status < 400 => {}
                        _ => errors += 1,
                    }
                }
                errors
            }));
        }
        let mut errors = 0;
        for w in workers {
            errors += w.await.map_err(|e| e.to_string())?;
        }
        let took = started.elapsed();
        let requests = done.load(Ordering::Relaxed);
        let rps = requests as f64 / took.as_secs_f64();
        let what = if bare_hyper {
            "bare hyper-util"
        } else if raw {
            "bare reqwest"
        } else {
            "engine"
        };
        println!(
            "{what}: {requests} requests, concurrency {concurrency}, {:.2} s: {rps:.0} requests/s ({errors} errors) against {url}",
            took.as_secs_f64()
        );
        if !raw && !bare_hyper && engine.log().len() != requests + concurrency {
            return Err(format!(
                "request log has {} entries, expected {}",
                engine.log().len(),
                requests + concurrency
            ));
        }
        Ok::<(), String>(())
    })
}
