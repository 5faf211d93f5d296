//! Cost per operation of the crawl's plan and of the checks' per-operation grouping on synthetic
//! specs of 1,000 to 50,000 operations (half list routes `/cK/items`, half item routes
//! `/cK/items/{item_id}`). A cost per operation that stays within a small factor while the spec
//! grows 50-fold means linear (what grows is cache misses); one that grows with the spec means
//! quadratic. `cargo bench -p apiward-scan --bench plan_scale`.
//!
//! Timed, best of five runs each:
//! - order + plan: `plan::order` and `plan::plan` of every operation with nothing harvested;
//! - harvest + plan: the list routes' answers harvested (two ids each), then every item route
//!   planned from them, as the crawl does between its groups (up to 10,000 operations: each
//!   lookup reads every harvested value, so this one is quadratic and slow beyond);
//! - grouping: `Store::by_operation` over three observations per operation (the crawl, then two
//!   probes per operation later in the store, as the checks see it).

use apiward_http::{Exchange, Method};
use apiward_scan::plan::{self, Harvest};
use apiward_scan::store::{Observation, Purpose, Store};
use std::time::{Duration, Instant};

fn spec_text(ops: usize) -> String {
    let mut paths = Vec::with_capacity(ops);
    for k in 0..ops / 2 {
        paths.push(format!(
            r#""/c{k}/items": {{"get": {{"responses": {{"200": {{"description": "ok"}}}}}}}},
"/c{k}/items/{{item_id}}": {{"get": {{"parameters": [{{"name": "item_id", "in": "path", "required": true, "schema": {{"type": "string"}}}}], "responses": {{"200": {{"description": "ok"}}}}}}}}"#
        ));
    }
    format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "scale", "version": "1"}}, "paths": {{{}}}}}"#,
        paths.join(",\n")
    )
}

fn exchange(path: &str) -> Exchange {
    Exchange {
        id: 0,
        method: Method::GET,
        url: format!("http://127.0.0.1:9{path}"),
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: b"{}".to_vec(),
        wire_bytes: 2,
        truncated: false,
        body_error: None,
        json_too_deep: false,
        redirect_blocked: None,
        elapsed: Duration::from_millis(1),
        redirects: Vec::new(),
        http_version: "HTTP/1.1".into(),
        tls: None,
    }
}

/// Best of five runs of `f`, in nanoseconds per operation.
fn best_ns_per_op(ops: usize, mut f: impl FnMut()) -> f64 {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
    }
    best.as_nanos() as f64 / ops as f64
}

fn main() {
    let detector = apiward_detect::Detector::new();
    println!(
        "{:>7} {:>16} {:>18} {:>12}",
        "ops", "order+plan ns/op", "harvest+plan ns/op", "group ns/op"
    );
    for ops in [1_000usize, 5_000, 10_000, 20_000, 50_000] {
        let spec = apiward_spec::load_bytes(
            "scale.json",
            spec_text(ops).as_bytes(),
            None,
            &apiward_spec::LoadOptions::default(),
        )
        .expect("synthetic spec loads");
        assert_eq!(spec.operations.len(), ops);

        let empty = Harvest::default();
        let plan_ns = best_ns_per_op(ops, || {
            let order = plan::order(&spec);
            let mut bytes = 0;
            for i in order {
                bytes += plan::plan(&spec, i, &spec.operations[i], &empty)
                    .path_and_query
                    .len();
            }
            std::hint::black_box(bytes);
        });

        let harvest_ns = (ops <= 10_000).then(|| best_ns_per_op(ops, || {
            let mut h = Harvest::default();
            for op in spec.operations.iter().filter(|o| !o.path.ends_with('}')) {
                let k = &op.path[2..op.path.len() - "/items".len()];
                let answer = serde_json::json!([{"item_id": format!("{k}-1")}, {"item_id": format!("{k}-2")}]);
                h.add(&op.path, &answer);
            }
            let mut harvested = 0;
            for (i, op) in spec.operations.iter().enumerate() {
                harvested += plan::plan(&spec, i, op, &h).harvested.len();
            }
            std::hint::black_box(harvested);
        }));

        let mut store = Store::default();
        for round in 0..3 {
            let purpose = if round == 0 {
                Purpose::Crawl
            } else {
                Purpose::Probe
            };
            for (i, op) in spec.operations.iter().enumerate() {
                store.push(Observation::new(
                    &detector,
                    purpose,
                    Some(i),
                    op.path.clone(),
                    None,
                    exchange(&op.path),
                ));
            }
        }
        let group_ns = best_ns_per_op(ops, || {
            let groups = store.by_operation();
            assert_eq!(groups.len(), ops);
            std::hint::black_box(groups);
        });
        let harvest = harvest_ns.map_or("-".to_string(), |n| format!("{n:.0}"));
        println!("{ops:>7} {plan_ns:>16.0} {harvest:>18} {group_ns:>12.0}");
    }
}
