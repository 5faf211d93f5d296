//! Load a spec and print a summary: `cargo run -p apiward-spec --example dump -- FILE`.
use apiward_spec::{LoadOptions, load_path};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let verbose = std::env::args().any(|a| a == "-v");
    let t = std::time::Instant::now();
    match load_path(std::path::Path::new(&path), &LoadOptions::default()) {
        Ok(spec) => {
            println!(
                "{} {} ops={} webhooks={} schemas={} schemes={} servers={} diags={} in {:?}",
                spec.version.label(),
                spec.version_text,
                spec.operations.len(),
                spec.webhooks.len(),
                spec.schemas.len(),
                spec.security_schemes.len(),
                spec.servers.len(),
                spec.diagnostics.len(),
                t.elapsed()
            );
            for d in spec.diagnostics.iter().take(20) {
                println!(
                    "  diag {} {}:{} {} {}",
                    d.code,
                    d.file.as_deref().unwrap_or(""),
                    d.line.unwrap_or(0),
                    d.pointer.as_deref().unwrap_or(""),
                    d.message
                );
            }
            if verbose {
                for s in &spec.servers {
                    println!("  server {}", s.url);
                }
                for o in spec.operations.iter().chain(spec.webhooks.iter()) {
                    let params: Vec<String> = o
                        .parameters
                        .iter()
                        .map(|p| format!("{}:{}", p.location.as_str(), p.name))
                        .collect();
                    let resp: Vec<&str> = o.responses.iter().map(|r| r.status.as_str()).collect();
                    println!(
                        "  {} line {} params={:?} body={} resp={:?} sec={:?}",
                        o.label(),
                        o.loc.line,
                        params,
                        o.request_body
                            .as_ref()
                            .map(|b| b
                                .content
                                .iter()
                                .map(|m| m.media_type.as_str())
                                .collect::<Vec<_>>()
                                .join(","))
                            .unwrap_or_default(),
                        resp,
                        o.security
                    );
                    for r in o.success_responses() {
                        for m in &r.content {
                            if let Some(s) = m.schema {
                                let props = spec.flatten_properties(s, 4);
                                println!(
                                    "    {} {} list={} props={:?}",
                                    r.status,
                                    m.media_type,
                                    spec.is_list_response(s),
                                    props
                                        .iter()
                                        .take(12)
                                        .map(|p| format!("{}@{}", p.path, p.loc.line))
                                        .collect::<Vec<_>>()
                                );
                            }
                        }
                    }
                }
            }
        }
        Err(e) => {
            println!("ERROR {e}");
            std::process::exit(1);
        }
    }
}
