//! Start the demo API and keep it running until the process is interrupted
//! (Ctrl-C). Handy for poking at it with curl or benchmarking with wrk:
//!
//! ```text
//! cargo run --release -p apiward-demo --example demo_server
//! wrk -t2 -c64 -d10s http://127.0.0.1:PORT/health
//! ```

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let server = apiward_demo::start().await?;
    println!("{}", server.base_url());
    eprintln!(
        "Acme Customer API (apiward demo target) listening on {}; spec at {}/openapi.json; Ctrl-C to stop",
        server.base_url(),
        server.base_url()
    );
    // The default SIGINT disposition ends the process; nothing to clean up.
    std::future::pending::<()>().await;
    Ok(())
}
