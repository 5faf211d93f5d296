//! `apiward diff OLD NEW`

use crate::cli::DiffArgs;
use crate::output::load_report;

pub fn run(args: DiffArgs) -> u8 {
    let old = match load_report(&args.old) {
        Ok(r) => r,
        Err(e) => return crate::fail(e),
    };
    let new = match load_report(&args.new) {
        Ok(r) => r,
        Err(e) => return crate::fail(e),
    };
    let d = apiward_report::baseline::diff(&old, &new);
    match args.format.as_str() {
        "json" => {
            let v = serde_json::json!({
                "new": d.new,
                "fixed": d.fixed,
                "unchanged": d.unchanged,
            });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        "terminal" | "text" => print!("{}", apiward_report::baseline::render_diff(&d)),
        other => return crate::fail(format!("unknown format `{other}` (terminal, json)")),
    }
    crate::exit::OK
}
