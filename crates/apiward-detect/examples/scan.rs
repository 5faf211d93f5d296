//! `cargo run -p apiward-detect --example scan -- FILE [json|ndjson|har|text]`: print matches.
use apiward_detect::{Detector, InputFormat, scan_document};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = match args.get(1).map(String::as_str) {
        Some("-") | None => {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut v).ok();
            v
        }
        Some(p) => std::fs::read(p).unwrap_or_default(),
    };
    let fmt = match args.get(2).map(String::as_str) {
        Some("json") => InputFormat::Json,
        Some("ndjson") => InputFormat::Ndjson,
        Some("har") => InputFormat::Har,
        Some("text") => InputFormat::Text,
        _ => InputFormat::Auto,
    };
    let det = Detector::new();
    match scan_document(&det, &data, fmt) {
        Ok(ms) => {
            for l in ms {
                println!(
                    "{}:{} {} {:?} {} {} {}",
                    l.line,
                    l.m.span.start,
                    l.m.data_type.id(),
                    l.m.confidence,
                    l.m.key_path.as_deref().unwrap_or("-"),
                    l.m.masked,
                    l.m.detail.as_deref().unwrap_or("")
                );
            }
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
