//! A real MCP client session (rmcp's client) with an apiward MCP server in the same process,
//! over an in-memory pipe, and the built-in demo API on a loopback port as the scan target.

#![allow(dead_code)]

use apiward_mcp::{ApiwardMcp, Options};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientRequest, ProgressNotificationParam, Request,
    ServerResult,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The client side: records the progress notifications it receives.
#[derive(Clone, Default)]
pub struct Recorder {
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        if let Ok(mut p) = self.progress.lock() {
            p.push(params);
        }
    }
}

pub struct Session {
    pub client: RunningService<RoleClient, Recorder>,
    pub recorder: Recorder,
}

/// Start a server with `opts` and connect a client to it (initialize handshake included).
pub async fn connect(opts: Options) -> Session {
    let server = ApiwardMcp::new(opts).expect("server");
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let recorder = Recorder::default();
    let client = recorder
        .clone()
        .serve(client_io)
        .await
        .expect("initialize handshake");
    Session { client, recorder }
}

/// What a tool call returned.
pub struct Answer {
    pub is_error: bool,
    pub text: String,
    pub structured: Value,
    /// Everything the client received, serialized: for "never appears" assertions.
    pub wire: String,
    pub progress_token: rmcp::model::ProgressToken,
}

impl Session {
    /// Call a tool with JSON arguments (an object).
    pub async fn call(&self, name: &str, args: Value) -> Answer {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let Value::Object(map) = args {
            params = params.with_arguments(map);
        }
        let handle = self
            .client
            .send_cancellable_request(
                ClientRequest::CallToolRequest(Request::new(params)),
                PeerRequestOptions::no_options(),
            )
            .await
            .expect("request sent");
        let token = handle.progress_token.clone();
        let result = match handle.await_response().await.expect("a response") {
            ServerResult::CallToolResult(r) => r,
            other => panic!("{name}: not a tool result: {other:?}"),
        };
        answer(result, token)
    }

    /// A call the tool itself must refuse (a tool error, not a crash or a protocol error).
    pub async fn refused(&self, name: &str, args: Value) -> String {
        let a = self.call(name, args).await;
        assert!(a.is_error, "{name} should have failed: {}", a.text);
        a.text
    }

    /// Progress notifications received for one call.
    pub fn progress_for(&self, token: &rmcp::model::ProgressToken) -> Vec<f64> {
        self.recorder
            .progress
            .lock()
            .map(|p| {
                p.iter()
                    .filter(|n| &n.progress_token == token)
                    .map(|n| n.progress)
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn answer(r: CallToolResult, token: rmcp::model::ProgressToken) -> Answer {
    let text = r
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    let wire = serde_json::to_string(&r).unwrap_or_default();
    Answer {
        is_error: r.is_error == Some(true),
        text,
        structured: r.structured_content.unwrap_or(Value::Null),
        wire,
        progress_token: token,
    }
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../apiward-cli/tests/fixtures")
        .join(name)
}

/// Full values the demo serves (emails, SSNs of its customers): none may reach a tool's answer.
pub fn demo_secrets() -> Vec<String> {
    let data = apiward_demo::data::Dataset::generate();
    data.customers
        .iter()
        .flat_map(|c| [c.email.clone(), c.ssn.clone()])
        .collect()
}
