//! `apiward mcp`: the MCP server on stdin/stdout (crate `apiward-mcp`).

use crate::cli::McpArgs;

pub fn run(args: McpArgs) -> u8 {
    if args.max_reports == 0 {
        return crate::fail("--max-reports must be at least 1");
    }
    let opts = apiward_mcp::Options {
        allow_writes: args.active,
        max_reports: args.max_reports,
        ..apiward_mcp::Options::default()
    };
    let server = match apiward_mcp::ApiwardMcp::new(opts) {
        Ok(s) => s,
        Err(e) => return crate::fail(e),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return crate::fail(format!("cannot start the async runtime: {e}")),
    };
    // stdout is the protocol: everything for people goes to stderr.
    eprintln!(
        "apiward mcp: serving on stdio ({})",
        if args.active {
            "active scans allowed"
        } else {
            "read-only"
        }
    );
    let result = rt.block_on(server.serve_stdio());
    // A read of stdin still pending (the session ended for another reason) must not hold the exit.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => crate::exit::OK,
        Err(e) => crate::fail(e),
    }
}
