//! `apiward detect [FILE|-]...`: the detector on files, logs and captured traffic.

use crate::cli::DetectArgs;
use apiward_core::sanitize_terminal;
use apiward_detect::{Detector, InputFormat, Sensitivity};
use std::io::Read;

/// Largest input read per file (bigger files are refused with a clear error).
const MAX_INPUT: u64 = 1 << 30;

pub fn run(args: DetectArgs) -> u8 {
    let format = match args.input.as_str() {
        "auto" => InputFormat::Auto,
        "json" => InputFormat::Json,
        "ndjson" | "jsonl" => InputFormat::Ndjson,
        "har" => InputFormat::Har,
        "text" | "log" => InputFormat::Text,
        other => {
            return crate::fail(format!(
                "unknown input format `{other}` (auto, json, ndjson, har, text)"
            ));
        }
    };
    let fail_on = match args.fail_on.as_deref() {
        None => None,
        Some("low") => Some(Sensitivity::Low),
        Some("medium") => Some(Sensitivity::Medium),
        Some("high") => Some(Sensitivity::High),
        Some("critical") => Some(Sensitivity::Critical),
        Some(other) => {
            return crate::fail(format!(
                "unknown sensitivity `{other}` (low, medium, high, critical)"
            ));
        }
    };
    let json = match args.format.as_str() {
        "json" => true,
        "terminal" | "text" => false,
        other => return crate::fail(format!("unknown format `{other}` (terminal, json)")),
    };
    let files: Vec<String> = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    let custom = match crate::config::load(args.config.as_deref()) {
        Ok(Some((cfg, _))) => crate::config::custom_types(&cfg),
        Ok(None) => Vec::new(),
        Err(e) => return crate::fail(e),
    };
    let detector = match Detector::with_custom(custom) {
        Ok(d) => d,
        Err(e) => return crate::fail(format!("custom data types: {e}")),
    };
    let mut total = 0usize;
    let mut gate = false;
    for file in &files {
        let mut bytes = Vec::new();
        let read = if file == "-" {
            std::io::stdin().take(MAX_INPUT).read_to_end(&mut bytes)
        } else {
            std::fs::File::open(file).and_then(|f| f.take(MAX_INPUT).read_to_end(&mut bytes))
        };
        if let Err(e) = read {
            return crate::fail(format!("{file}: {e}"));
        }
        let matches = match apiward_detect::scan_document(&detector, &bytes, format) {
            Ok(m) => m,
            Err(e) => return crate::fail(format!("{file}: {e}")),
        };
        let name = if file == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        for lm in matches {
            let m = &lm.m;
            total += 1;
            if fail_on.is_some_and(|min| m.data_type.sensitivity() >= min && !m.example) {
                gate = true;
            }
            let value = if args.show_evidence {
                String::from_utf8_lossy(bytes.get(m.span.clone()).unwrap_or_default()).into_owned()
            } else {
                m.masked.clone()
            };
            if json {
                let v = serde_json::json!({
                    "file": name,
                    "line": lm.line,
                    "source": lm.source,
                    "type": detector.type_name(&m.data_type),
                    "class": m.data_type.class().id(),
                    "sensitivity": m.data_type.sensitivity().id(),
                    "confidence": m.confidence.id(),
                    "key_path": m.key_path,
                    "value": value,
                    "hash": m.hash,
                    "example": m.example,
                    "detail": m.detail,
                });
                println!("{v}");
            } else {
                let mut line = format!(
                    "{}:{}: {} [{}] {}",
                    name,
                    lm.line,
                    detector.type_name(&m.data_type),
                    m.data_type.sensitivity().id(),
                    value
                );
                if let Some(k) = &m.key_path {
                    line.push_str(&format!("  at {k}"));
                }
                if let Some(s) = &lm.source {
                    line.push_str(&format!("  ({s})"));
                }
                if m.example {
                    line.push_str("  (example value)");
                }
                if let Some(d) = &m.detail {
                    line.push_str(&format!("  {d}"));
                }
                println!("{}", sanitize_terminal(&line));
            }
        }
    }
    if !json {
        eprintln!("{total} match(es)");
    }
    if gate {
        crate::exit::GATE_FAILED
    } else {
        crate::exit::OK
    }
}
