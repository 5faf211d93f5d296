//! `apiward mcp`: apiward as a Model Context Protocol server over stdio, for AI assistants.
//!
//! A thin layer over the official Rust SDK (`rmcp`): tool definitions and argument checks here,
//! audits and scans in `apiward-run` (the orchestration every front end shares), findings and
//! scores in the library crates. Reports live in a [`ReportStore`] for the session.
//!
//! Safety: scans are read-only unless the server was started with writes allowed
//! ([`Options::allow_writes`], `apiward mcp --active`); no tool argument can turn writes on.
//! Evidence is always masked: the server never reveals full values.

mod render;
pub mod store;
mod tools;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler, ServiceExt};
use std::sync::Arc;

pub use store::{MemoryStore, ReportStore, StoredReport};
pub use tools::{MAX_INLINE_SPEC_BYTES, WRITES_OFF};

/// How the server was started.
#[derive(Debug, Clone)]
pub struct Options {
    /// `apiward mcp --active`: a `scan_api` call may ask for an active scan. Off by default.
    pub allow_writes: bool,
    /// Reports kept in memory (the oldest is dropped first).
    pub max_reports: usize,
    /// Scans running at once; further calls wait.
    pub max_concurrent_scans: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow_writes: false,
            max_reports: 50,
            max_concurrent_scans: 2,
        }
    }
}

/// The MCP server: implements rmcp's `ServerHandler`.
#[derive(Clone)]
pub struct ApiwardMcp {
    allow_writes: bool,
    store: Arc<dyn ReportStore>,
    scans: Arc<tokio::sync::Semaphore>,
    tools: Arc<Vec<Tool>>,
}

impl ApiwardMcp {
    /// A server keeping its reports in memory.
    pub fn new(opts: Options) -> Result<ApiwardMcp, String> {
        let store = Arc::new(MemoryStore::new(opts.max_reports));
        ApiwardMcp::with_store(opts, store)
    }

    /// A server keeping its reports in `store` (a persistent history, for instance).
    pub fn with_store(opts: Options, store: Arc<dyn ReportStore>) -> Result<ApiwardMcp, String> {
        Ok(ApiwardMcp {
            allow_writes: opts.allow_writes,
            store,
            scans: Arc::new(tokio::sync::Semaphore::new(
                opts.max_concurrent_scans.max(1),
            )),
            tools: Arc::new(tools::definitions(opts.allow_writes)?),
        })
    }

    /// Serve on stdin/stdout until the client disconnects. Nothing else may write to stdout.
    pub async fn serve_stdio(self) -> Result<(), String> {
        let running = self
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| format!("MCP session did not start: {e}"))?;
        running
            .waiting()
            .await
            .map_err(|e| format!("MCP session ended with an error: {e}"))?;
        Ok(())
    }
}

impl ServerHandler for ApiwardMcp {
    fn get_info(&self) -> ServerConfig {
        let mode = if self.allow_writes {
            "Active scans (writes) are allowed when a scan_api call sets `active`."
        } else {
            "Read-only: scans never send state-changing requests."
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("apiward", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "apiward finds OWASP API Top 10 problems: audit_spec checks an OpenAPI document, scan_api checks a running API. Both return a report id; list_findings, get_report, diff_reports and explain_rule work from there. Evidence is always masked. Credentials for scans are environment-variable names of this server (bearer:env:TOKEN_VAR). {mode}"
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let progress = context
            .meta
            .get_progress_token()
            .map(|t| (t, context.peer.clone()));
        let work = tools::call(self, &request.name, request.arguments, progress);
        let result = tokio::select! {
            r = work => r,
            // A cancelled call stops its scan: dropping the future drops the engine.
            () = context.ct.cancelled() => {
                return Err(ErrorData::internal_error("the call was cancelled", None));
            }
        };
        match result {
            Some(r) => Ok(r.into()),
            None => Err(ErrorData::invalid_params(
                format!(
                    "unknown tool `{}`",
                    apiward_core::truncate_chars(&request.name, 60)
                ),
                None,
            )),
        }
    }
}
