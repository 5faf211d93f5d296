//! Full-pipeline throughput on realistic API bodies (2 KB–128 KB JSON, a few sensitive values per
//! 100 KB). Single core, no criterion: prints MB/s. `cargo bench -p apiward-detect`.
//!
//! Env: `DETECT_BENCH_DUMP=DIR` also writes the corpus there (for scripts/bench-detect.sh);
//! `DETECT_BENCH_SECS` (default 3) sets the measuring time per case.

use apiward_detect::{Detector, InputFormat, scan_document};
use std::hint::black_box;
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| b"0123456789abcdef"[self.below(16) as usize] as char)
            .collect()
    }
}

const WORDS: &[&str] = &[
    "widget",
    "premium",
    "delivery",
    "standard",
    "blue",
    "large",
    "organic",
    "coffee",
    "bundle",
    "annual",
    "subscription",
    "express",
    "warehouse",
    "returned",
    "pending",
    "gift",
    "wrap",
    "café",
    "naïve",
    "größe",
];

fn object(r: &mut Rng, i: usize, sensitive: bool, unicode: bool) -> String {
    let uuid = format!(
        "{}-{}-4{}-a{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(3),
        r.hex(3),
        r.hex(12)
    );
    let desc: Vec<&str> = (0..8).map(|_| r.pick(WORDS)).collect();
    let mut desc = desc.join(" ");
    if !unicode {
        desc = desc.replace(['é', 'ï', 'ö', 'ß'], "e");
    }
    let mut s = format!(
        r#"{{"id":{},"uuid":"{}","sku":"SKU-{}","title":"{} {}","description":"{}","price":{}.{:02},"currency":"USD","quantity":{},"status":"{}","created_at":"2024-{:02}-{:02}T{:02}:{:02}:{:02}Z","updated_ts":{},"tags":["{}","{}"],"image_url":"https://cdn.shop.test/img/{}.jpg","rating":{}.{},"warehouse":{{"code":"WH-{}","zone":"{}"}},"version":"1.{}.{}","sha":"{}""#,
        100000 + i,
        uuid,
        r.below(99999),
        r.pick(WORDS),
        r.pick(WORDS),
        desc,
        r.below(999),
        r.below(100),
        r.below(50),
        r.pick(&["shipped", "pending", "cancelled"]),
        1 + r.below(12),
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60),
        1_700_000_000_000u64 + r.below(10_000_000_000),
        r.pick(WORDS),
        r.pick(WORDS),
        r.hex(16),
        r.below(5),
        r.below(10),
        r.below(99),
        r.pick(&["A", "B", "C"]),
        r.below(20),
        r.below(20),
        r.hex(40),
    );
    if sensitive {
        match r.below(4) {
            0 => s.push_str(r#","customer_email":"maria.lopez@fastmail.fm""#),
            1 => s.push_str(r#","card":"4532015112830366""#),
            2 => s.push_str(r#","ssn":"536-22-6789""#),
            _ => s.push_str(r#","note":"key AKIAQYLPMN5HFIQR7AXY""#),
        }
    }
    s.push('}');
    s
}

fn body(r: &mut Rng, target: usize, pretty: bool, unicode: bool) -> Vec<u8> {
    let mut items = Vec::new();
    let mut len = 0;
    let mut i = 0;
    // about 3 sensitive values per 100 KB: one object in ~150 (objects are ~650 bytes)
    while len < target {
        let sensitive = r.below(150) == 0;
        let o = object(r, i, sensitive, unicode);
        len += o.len() + 1;
        items.push(o);
        i += 1;
    }
    let json = format!(
        r#"{{"items":[{}],"count":{},"next_cursor":"{}"}}"#,
        items.join(","),
        items.len(),
        r.hex(24)
    );
    if pretty {
        // re-indent cheaply: newline + two spaces after each comma between members
        json.replace(",\"", ",\n    \"").into_bytes()
    } else {
        json.into_bytes()
    }
}

/// CPU seconds used by this thread (utime + stime from /proc; 100 Hz ticks). The machine is shared,
/// so MB/s per CPU second is the single-core figure; wall-clock MB/s is printed next to it.
fn cpu_secs() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = s.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ut: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    let st: f64 = f.get(12).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    (ut + st) / 100.0
}

fn measure(det: &Detector, bodies: &[Vec<u8>], secs: f64) -> (f64, usize) {
    let total: usize = bodies.iter().map(|b| b.len()).sum();
    let mut out = Vec::new();
    // warm up
    for b in bodies {
        out.clear();
        det.scan_into(b, &mut out);
    }
    let matches = {
        let mut n = 0;
        for b in bodies {
            out.clear();
            det.scan_into(b, &mut out);
            n += out.len();
        }
        n
    };
    let start = Instant::now();
    let c0 = cpu_secs();
    let mut bytes = 0usize;
    while cpu_secs() - c0 < secs {
        for b in bodies {
            out.clear();
            det.scan_into(black_box(b), &mut out);
            black_box(&out);
            bytes += b.len();
        }
    }
    let cpu = (cpu_secs() - c0).max(1e-3);
    let wall = start.elapsed().as_secs_f64();
    let _ = total;
    eprintln!("    (wall-clock {:.0} MB/s)", bytes as f64 / wall / 1e6);
    (bytes as f64 / cpu / 1e6, matches)
}

fn main() {
    let secs: f64 = std::env::var("DETECT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let det = Detector::new();
    let mut r = Rng(0x9e3779b97f4a7c15);
    let sizes = [2 * 1024, 8 * 1024, 32 * 1024, 128 * 1024];
    let mut all: Vec<Vec<u8>> = Vec::new();
    println!(
        "apiward-detect throughput (MB per CPU-second on one thread, full pipeline: candidates + confirmation + validators + JSON key paths)"
    );
    for &size in &sizes {
        let n = (4 * 1024 * 1024 / size).max(4);
        let bodies: Vec<Vec<u8>> = (0..n)
            .map(|k| body(&mut r, size, k % 2 == 1, false))
            .collect();
        let (mbs, matches) = measure(&det, &bodies, secs);
        let total: usize = bodies.iter().map(|b| b.len()).sum();
        println!(
            "  {:>4} KB bodies x{:<5} ({:>5.1} MB, {:>3} matches): {:>7.0} MB/s",
            size / 1024,
            n,
            total as f64 / 1e6,
            matches,
            mbs
        );
        all.extend(bodies);
    }
    let (mbs, _) = measure(&det, &all, secs);
    let total: usize = all.iter().map(|b| b.len()).sum();
    println!(
        "  mixed 2–128 KB ({:.1} MB): {mbs:.0} MB/s",
        total as f64 / 1e6
    );
    let uni: Vec<Vec<u8>> = (0..32)
        .map(|k| body(&mut r, 128 * 1024, k % 2 == 0, true))
        .collect();
    let (mbs_u, _) = measure(&det, &uni, secs);
    println!("  128 KB bodies with non-ASCII text: {mbs_u:.0} MB/s");
    // text mode over the same bytes (logs path)
    let c0 = cpu_secs();
    let mut bytes = 0;
    let mut out = Vec::new();
    while cpu_secs() - c0 < secs {
        for b in &all {
            out.clear();
            det.scan_text(b, &mut out);
            bytes += b.len();
        }
    }
    println!(
        "  text mode (key=value context) on the same bytes: {:.0} MB/s",
        bytes as f64 / (cpu_secs() - c0).max(1e-3) / 1e6
    );
    // one big document through scan_document (NDJSON-like log of the bodies)
    let big: Vec<u8> = all
        .iter()
        .take(64)
        .flat_map(|b| b.iter().copied().filter(|&c| c != b'\n').chain([b'\n']))
        .collect();
    let t = Instant::now();
    let res = scan_document(&det, &big, InputFormat::Ndjson)
        .map(|v| v.len())
        .unwrap_or(0);
    println!(
        "  scan_document NDJSON {:.1} MB: {:.0} MB/s ({res} matches)",
        big.len() as f64 / 1e6,
        big.len() as f64 / t.elapsed().as_secs_f64() / 1e6
    );
    println!("RESULT mixed_mb_s={mbs:.0}");
    if std::env::var_os("DETECT_BENCH_HOSTILE").is_some() {
        hostile(&det);
    }
    if let Ok(dir) = std::env::var("DETECT_BENCH_DUMP") {
        let _ = std::fs::create_dir_all(&dir);
        for (i, b) in all.iter().enumerate() {
            let _ = std::fs::write(format!("{dir}/body-{i:04}.json"), b);
        }
        let _ = std::fs::write(
            format!("{dir}/patterns.txt"),
            apiward_detect::candidate_literals().join("\n") + "\n",
        );
        let joined: Vec<u8> = all
            .iter()
            .flat_map(|b| b.iter().copied().chain([b'\n']))
            .collect();
        let _ = std::fs::create_dir_all(format!("{dir}/joined"));
        let _ = std::fs::write(format!("{dir}/joined/all.json"), &joined);
        println!(
            "corpus written to {dir} ({} files, {:.1} MB)",
            all.len(),
            total as f64 / 1e6
        );
    }
}

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Hostile inputs at full size (release mode): 100 MB single-line JSON, 1,000,000-deep nesting,
/// a million digits / `@`.
fn hostile(det: &Detector) {
    let mut r = Rng(42);
    let mut big = Vec::with_capacity(101 << 20);
    big.extend_from_slice(b"{\"items\":[");
    let mut i = 0;
    while big.len() < 100 << 20 {
        if i > 0 {
            big.push(b',');
        }
        let sensitive = r.below(150) == 0;
        big.extend_from_slice(object(&mut r, i, sensitive, false).as_bytes());
        i += 1;
    }
    big.extend_from_slice(b"]}");
    let rss0 = peak_rss_mb();
    let t = Instant::now();
    let n = det.scan(&big).len();
    let el = t.elapsed().as_secs_f64();
    println!(
        "  hostile: 100 MB single-line JSON: {:.2} s ({:.0} MB/s), {n} matches, peak RSS {:.0} MB (input buffer {:.0} MB, before scan {rss0:.0} MB)",
        el,
        big.len() as f64 / el / 1e6,
        peak_rss_mb(),
        big.len() as f64 / 1e6
    );
    drop(big);
    let mut deep = vec![b'['; 1_000_000];
    deep.extend(std::iter::repeat_n(b']', 1_000_000));
    let t = Instant::now();
    let _ = det.scan(&deep);
    println!(
        "  hostile: 1,000,000-deep nesting: {:.3} s",
        t.elapsed().as_secs_f64()
    );
    for (name, v) in [
        ("a million digits", vec![b'7'; 1_000_000]),
        ("a million @", vec![b'@'; 1_000_000]),
        ("a million 'a@'", b"a@".repeat(500_000)),
    ] {
        let t = Instant::now();
        let _ = det.scan(&v);
        println!("  hostile: {name}: {:.3} s", t.elapsed().as_secs_f64());
    }
}
