//! Precision and recall per data type over the labelled corpus (fixtures/*.jsonl), the negative set,
//! and the masking guarantee.

use apiward_detect::{DataClass, DataType, Detector, Match};
use std::collections::BTreeMap;

struct Case {
    id: String,
    fmt: String,
    input: String,
    headers: Vec<(String, String)>,
    expect: Vec<(String, String)>,
}

fn load(name: &str) -> Vec<Case> {
    // DETECT_CORPUS_DIR points the test at a corpus generated with another seed (gen.py SEED DIR)
    let dir = std::env::var("DETECT_CORPUS_DIR")
        .unwrap_or_else(|_| format!("{}/fixtures", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{dir}/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let headers = v
            .get("headers")
            .and_then(|h| h.as_array())
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap_or("").to_string(),
                            p[1].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expect = v
            .get("expect")
            .and_then(|h| h.as_array())
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["type"].as_str().unwrap_or("").to_string(),
                            e["value"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Case {
            id: s("id"),
            fmt: s("fmt"),
            input: s("input"),
            headers,
            expect,
        });
    }
    out
}

/// Scan a case; returns (text the spans refer to, match) pairs.
fn run(det: &Detector, c: &Case) -> Vec<(String, Match)> {
    match c.fmt.as_str() {
        "headers" => {
            let mut res = Vec::new();
            for (n, v) in &c.headers {
                let mut out = Vec::new();
                det.scan_headers(&[(n.as_str(), v.as_bytes())], &mut out);
                res.extend(out.into_iter().map(|m| (v.clone(), m)));
            }
            res
        }
        "text" => {
            let mut out = Vec::new();
            det.scan_text(c.input.as_bytes(), &mut out);
            out.into_iter().map(|m| (c.input.clone(), m)).collect()
        }
        _ => det
            .scan(c.input.as_bytes())
            .into_iter()
            .map(|m| (c.input.clone(), m))
            .collect(),
    }
}

fn overlaps(text: &str, value: &str, m: &Match) -> bool {
    if value.is_empty() {
        return true;
    }
    text.match_indices(value)
        .any(|(p, _)| p < m.span.end && p + value.len() > m.span.start)
}

fn all_cases() -> Vec<Case> {
    let mut v = load("positive.jsonl");
    v.extend(load("handwritten.jsonl"));
    v
}

#[test]
fn precision_and_recall_per_type() {
    let det = Detector::new();
    let cases = all_cases();
    assert!(cases.len() > 500, "corpus missing: run fixtures/gen.py");
    // type -> (tp, fp, expected, found)
    let mut stats: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for c in &cases {
        let ms = run(&det, c);
        for (text, m) in &ms {
            let t = m.data_type.id().to_string();
            let ok = c
                .expect
                .iter()
                .any(|(et, ev)| *et == t && overlaps(text, ev, m));
            let e = stats.entry(t.clone()).or_default();
            if ok {
                e.0 += 1;
            } else {
                e.1 += 1;
                problems.push(format!(
                    "FP {} {t} {:?} masked={} in {:?}",
                    c.id,
                    m.span,
                    m.masked,
                    &text[m.span.start.saturating_sub(20).min(text.len())
                        ..m.span.end.min(text.len())]
                ));
            }
        }
        for (et, ev) in &c.expect {
            let e = stats.entry(et.clone()).or_default();
            e.2 += 1;
            let found = ms
                .iter()
                .any(|(text, m)| m.data_type.id() == et && overlaps(text, ev, m));
            if found {
                e.3 += 1;
            } else {
                problems.push(format!("FN {} {et} {ev:?}", c.id));
            }
        }
    }
    let mut failed = Vec::new();
    println!(
        "{:<28} {:>6} {:>6} {:>9} {:>7}",
        "type", "tp", "fp", "precision", "recall"
    );
    for (t, (tp, fp, exp, found)) in &stats {
        let p = if tp + fp == 0 {
            1.0
        } else {
            *tp as f64 / (*tp + *fp) as f64
        };
        let r = if *exp == 0 {
            1.0
        } else {
            *found as f64 / *exp as f64
        };
        println!("{t:<28} {tp:>6} {fp:>6} {p:>9.3} {r:>7.3}");
        if p < 0.98 || r < 0.98 {
            failed.push(format!("{t}: precision {p:.3} recall {r:.3}"));
        }
    }
    for p in problems.iter().take(60) {
        println!("{p}");
    }
    // every built-in type has positives
    for t in apiward_detect::BUILTIN_TYPES {
        assert!(
            stats.get(t.id()).is_some_and(|s| s.2 > 0),
            "no positive case for {}",
            t.id()
        );
    }
    assert!(failed.is_empty(), "below 0.98: {failed:?}");
}

#[test]
fn negative_set_is_quiet() {
    let det = Detector::new();
    let mut cases = load("negative.jsonl");
    assert!(cases.len() > 50);
    cases.extend(load("negative_handwritten.jsonl"));
    let mut bad = Vec::new();
    let mut examples = 0;
    for c in &cases {
        for (text, m) in run(&det, c) {
            if m.example {
                examples += 1;
                continue;
            }
            bad.push(format!(
                "{} {} {:?} {:?}",
                c.id,
                m.data_type.id(),
                m.confidence,
                &text[m.span.start.min(text.len())..m.span.end.min(text.len())]
            ));
        }
    }
    println!(
        "negative set: {} cases, {examples} example-flagged matches",
        cases.len()
    );
    assert!(bad.is_empty(), "matches on the negative set: {bad:#?}");
    // AKIAIOSFODNN7EXAMPLE is reported, as an example
    let ms = det.scan(br#"{"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE"}"#);
    assert!(
        ms.iter()
            .any(|m| m.data_type == DataType::AwsAccessKeyId && m.example)
    );
}

#[test]
fn masked_output_never_holds_the_full_value() {
    let det = Detector::new();
    for c in all_cases() {
        for (text, m) in run(&det, &c) {
            if m.data_type.class() == DataClass::Internal
                && !matches!(
                    m.data_type,
                    DataType::AwsAccountId
                        | DataType::AwsArn
                        | DataType::IpInternal
                        | DataType::InternalHostname
                )
            {
                continue; // descriptors (exception names, versions, markers) are not secret values
            }
            if m.data_type == DataType::MaskedPaymentCard {
                continue; // already masked at the source: showing its last 4 is the point
            }
            let value = &text[m.span.start.min(text.len())..m.span.end.min(text.len())];
            if value.len() < 4 {
                continue;
            }
            assert!(
                !m.masked.contains(value),
                "{}: masked {:?} contains {value:?}",
                c.id,
                m.masked
            );
            if let Some(d) = &m.detail {
                assert!(
                    !d.contains(value),
                    "{}: detail {d:?} contains {value:?}",
                    c.id
                );
            }
            // also no long run of the value (more than half of it, for values of 16+ chars)
            let shows_structure = matches!(
                m.data_type,
                DataType::Email
                    | DataType::UrlCredentials
                    | DataType::DatabaseUrl
                    | DataType::SlackWebhook
                    | DataType::AwsArn
                    | DataType::InternalHostname
            );
            if value.len() >= 16 && !shows_structure {
                let half = value.len() / 2;
                let mut k = 0;
                while k + half <= value.len() {
                    if value.is_char_boundary(k) && value.is_char_boundary(k + half) {
                        assert!(
                            !m.masked.contains(&value[k..k + half]),
                            "{}: masked {:?} reveals half of the value",
                            c.id,
                            m.masked
                        );
                    }
                    k += 1;
                }
            }
        }
    }
}
