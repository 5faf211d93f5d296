//! Inputs that must not hurt: big single-line JSON, deep nesting, invalid UTF-8, NUL bytes and
//! pathological near-misses. Linear time, bounded output, no panic. (The 100 MB case runs in
//! `scripts/bench-detect.sh`, in release mode; here the sizes keep debug-mode test time short.)

use apiward_detect::{Detector, InputFormat, scan_document};
use std::time::{Duration, Instant};

fn big_json(target: usize) -> Vec<u8> {
    let mut s = String::with_capacity(target + 256);
    s.push_str("{\"items\":[");
    let mut i = 0u64;
    while s.len() < target {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"id\":{i},\"sku\":\"SKU-{}\",\"price\":{}.99,\"ts\":{},\"desc\":\"plain text words here\"}}",
            i * 7 % 100000,
            i % 500,
            1_700_000_000_000u64 + i
        ));
        i += 1;
    }
    s.push_str("]}");
    s.into_bytes()
}

fn timed(det: &Detector, input: &[u8]) -> (usize, Duration) {
    let t = Instant::now();
    let n = det.scan(input).len();
    (n, t.elapsed())
}

#[test]
fn large_single_line_json_is_linear() {
    let det = Detector::new();
    let a = big_json(10 << 18);
    let b = big_json(10 << 20);
    let (_, ta) = timed(&det, &a);
    let (_, tb) = timed(&det, &b);
    // 4x the input should cost about 4x the time; allow slack for a shared machine (the 100 MB
    // case runs in release mode in scripts/bench-detect.sh)
    assert!(
        tb < ta * 10 + Duration::from_millis(500),
        "2.5 MB {ta:?}, 10 MB {tb:?}"
    );
}

#[test]
fn million_deep_nesting() {
    let det = Detector::new();
    for (open, close) in [
        (b"[".as_slice(), b"]".as_slice()),
        (b"{\"a\":".as_slice(), b"}".as_slice()),
    ] {
        let mut v = Vec::new();
        for _ in 0..1_000_000 {
            v.extend_from_slice(open);
        }
        v.extend_from_slice(b"\"jane.doe@gmail.com\"");
        for _ in 0..1_000_000 {
            v.extend_from_slice(close);
        }
        let ms = det.scan(&v);
        assert!(ms.iter().any(|m| m.data_type.id() == "email"));
        // unbalanced: only openers
        let only: Vec<u8> = open
            .iter()
            .copied()
            .cycle()
            .take(open.len() * 1_000_000)
            .collect();
        let _ = det.scan(&only);
    }
}

#[test]
fn invalid_utf8_and_nul_bytes() {
    let det = Detector::new();
    let mut v = b"{\"email\":\"ana@fastmail.fm\",\"x\":\"".to_vec();
    v.extend_from_slice(&[0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x00, 0x00]);
    v.extend_from_slice(b"\",\"ssn\":\"536-22-6789\"}");
    let ms = det.scan(&v);
    assert!(ms.iter().any(|m| m.data_type.id() == "email"));
    assert!(ms.iter().any(|m| m.data_type.id() == "us_ssn"));
    let noise: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let _ = det.scan(&noise);
    let mut out = Vec::new();
    det.scan_text(&noise, &mut out);
    let nul = vec![0u8; 1_000_000];
    assert!(det.scan(&nul).is_empty());
}

#[test]
fn pathological_near_misses() {
    let det = Detector::new();
    let cases: Vec<Vec<u8>> = vec![
        vec![b'7'; 1_000_000],
        vec![b'@'; 1_000_000],
        b"a@".repeat(500_000),
        b"a@b.".repeat(62500),
        b"1.".repeat(125000),
        b"1-".repeat(125000),
        b"4111 ".repeat(50000),
        b"eyJ".repeat(75000),
        b"eyJhbGciOiJub25lIn0.".repeat(12500),
        b"://".repeat(75000),
        b"x://a:b@".repeat(25000),
        b"****".repeat(62500),
        b"AKIA".repeat(62500),
        b"arn:aws:".repeat(25000),
        b"-----BEGIN ".repeat(25000),
        b"\"".repeat(250000),
        b"\\".repeat(250000),
        b"{\"password\":\"".repeat(25000),
        b"a=".repeat(125000),
        b"ssn=".repeat(62500),
        b"DE89".repeat(62500),
        b".internal".repeat(25000),
        b"Exception".repeat(25000),
        b"SK".repeat(125000),
    ];
    for c in &cases {
        let t = Instant::now();
        let ms = det.scan(c);
        let mut out = Vec::new();
        det.scan_text(c, &mut out);
        let el = t.elapsed();
        assert!(
            ms.len() <= apiward_detect::DEFAULT_MAX_MATCHES
                && out.len() <= apiward_detect::DEFAULT_MAX_MATCHES
        );
        assert!(
            el < Duration::from_secs(30),
            "{:?}… took {el:?}",
            String::from_utf8_lossy(&c[..16])
        );
    }
}

#[test]
fn match_cap_bounds_memory() {
    let det = Detector::new().with_max_matches(100);
    let many = b"x jane@gmail.com ".repeat(100_000);
    let mut out = Vec::new();
    det.scan_text(&many, &mut out);
    assert_eq!(out.len(), 100);
}

#[test]
fn documents_never_fail_on_garbage() {
    let det = Detector::new();
    for f in [
        InputFormat::Auto,
        InputFormat::Json,
        InputFormat::Ndjson,
        InputFormat::Text,
    ] {
        assert!(scan_document(&det, b"{\"a\":[1,2,", f).is_ok());
        assert!(scan_document(&det, &[0xff, 0x00, b'{'], f).is_ok());
    }
    assert!(scan_document(&det, b"not a har", InputFormat::Har).is_err());
}

/// Random documents stitched from fragments that trigger every confirmation path (fixed seed).
#[test]
fn random_fragments_never_panic() {
    const FRAGS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        " ",
        "\n",
        "@",
        "a",
        "Z",
        "0",
        "9",
        "-",
        ".",
        "(",
        ")",
        "+",
        "AKIA",
        "ASIA",
        "ghp_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xapp-",
        "hooks.slack.com/services/",
        "sk_live_",
        "rk_live_",
        "AIza",
        "SG.",
        "sk-ant-",
        "sk-proj-",
        "T3BlbkFJ",
        "npm_",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "-----END ",
        "eyJ",
        "eyJhbGciOiJub25lIn0",
        "://",
        "postgres://",
        "u:p@",
        "$2b$12$",
        "$argon2id$",
        "pbkdf2_sha256$",
        "FwoGZXIvYXdz",
        "arn:aws:",
        "dynamodb:",
        "us-east-1:",
        "123456789012",
        "****",
        "XXXX",
        "{\"S\":",
        "Traceback",
        " (most recent call last)",
        ".java:",
        "at ",
        ".cs:line ",
        ".js:",
        ".php",
        " on line ",
        ".rb:",
        ":in `",
        "goroutine ",
        " [",
        ".go:",
        "Stack trace:",
        "ORA-",
        "00942",
        "SQLSTATE",
        "An error occurred (",
        ") when calling the ",
        " operation",
        "com.amazonaws.dynamodb",
        ".v20120810#",
        "Exception",
        "ValidationException",
        "Invalid ",
        "Expression",
        ".internal",
        ".local",
        "nginx/",
        "1.18.0",
        "PATH",
        "=/",
        "HOME",
        "KUBERNETES_SERVICE_HOST",
        "SK",
        "AC",
        "0123456789abcdef",
        "4111111111111111",
        "536-22-6789",
        "+1 415 555 2671",
        "DE89",
        "370400440532013000",
        "10.0.0.1",
        "37.77493, -122.41942",
        "password",
        "\"ssn\":",
        "dob=",
        "name",
        "\"detail\":[{\"loc\":[],\"msg\":\"x\",\"input\":",
        "LastEvaluatedKey",
        "é",
        "\u{202e}",
        "\0",
        "\u{ffff}",
    ];
    let det = Detector::new();
    let mut x: u64 = 0x2545f4914f6cdd1d;
    let mut rnd = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let iters: usize = std::env::var("DETECT_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    for _ in 0..iters {
        let len = 1 + rnd(60);
        let mut doc = Vec::new();
        for _ in 0..len {
            doc.extend_from_slice(FRAGS[rnd(FRAGS.len())].as_bytes());
        }
        if rnd(4) == 0 && !doc.is_empty() {
            let cut = rnd(doc.len());
            doc.truncate(cut);
        }
        let _ = det.scan(&doc);
        let mut out = Vec::new();
        det.scan_text(&doc, &mut out);
        let v = doc.clone();
        det.scan_headers(
            &[
                ("Set-Cookie", &v),
                ("Authorization", &v),
                ("Server", &v),
                ("X-Api-Key", &v),
            ],
            &mut out,
        );
        for f in [InputFormat::Auto, InputFormat::Ndjson, InputFormat::Har] {
            let _ = scan_document(&det, &doc, f);
        }
        for m in &out {
            assert!(m.span.start <= m.span.end);
        }
    }
}
