//! JWT weak-secret search speed: one exhaustive search (nothing matches) over a typical HS256
//! token and an HS512 token, reported as secrets per second. `cargo bench -p apiward-scan --bench
//! jwt_crack`.

use apiward_scan::checks::jwt;
use std::time::Instant;

/// CPU seconds this process used so far (user + system, Linux), so a loaded shared machine still
/// gives a comparable figure; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let claims = serde_json::json!({
        "sub": "8f14e45fceea167a5a36dedd4bea2543", "email": "alice@example.com",
        "role": "member", "iat": 1700000000, "exp": 1700000900
    });
    for alg in ["HS256", "HS512"] {
        let token = jwt::sign(alg, "Vq3!x9Lr-0aZ_8mQ2pT7wYc4nB6dK1eF", claims.clone());
        // Warm-up: decompress the list once, as a scan does.
        let _ = jwt::candidate_count();
        let mut best = f64::MAX;
        let mut best_cpu = f64::MAX;
        let mut tried = 0;
        for _ in 0..3 {
            let t0 = Instant::now();
            let c0 = cpu_seconds();
            let (n, hit) = jwt::bench_exhaustive(&token).expect("hs token");
            assert!(!hit, "the strong secret must not be found");
            best = best.min(t0.elapsed().as_secs_f64());
            if let (Some(a), Some(b)) = (c0, cpu_seconds()) {
                best_cpu = best_cpu.min(b - a);
            }
            tried = n;
        }
        println!(
            "{alg}: {tried} candidates in {:.3} s wall = {:.2} M secrets/s; {:.2} M secrets per CPU-second ({} threads, token {} bytes)",
            best,
            tried as f64 / best / 1e6,
            tried as f64 / best_cpu.max(1e-3) / 1e6,
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            token.len()
        );
    }
}
