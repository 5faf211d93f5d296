use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// apiward: find what your API gives away — OWASP API Top 10 checks on OpenAPI specs and live APIs,
/// with personal-data detection and masked evidence.
#[derive(Parser, Debug)]
#[command(name = "apiward", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Audit an OpenAPI 2.0 / 3.0 / 3.1 document (JSON or YAML) without sending any request.
    Audit(Box<AuditArgs>),
    /// Scan a running API (read-only unless --active): discovers its spec, exercises every
    /// operation, and checks what actually comes back.
    Scan(Box<ScanArgs>),
    /// Start a built-in, deliberately leaky demo API on a random loopback port, scan it, and print
    /// the report.
    Demo(Box<DemoArgs>),
    /// List every rule.
    Rules(RulesArgs),
    /// Show one rule's documentation.
    Explain(ExplainArgs),
    /// Find personal data, secrets and leaked internals in files or stdin (JSON, NDJSON, HAR, text).
    Detect(DetectArgs),
    /// Compare two JSON reports: new, fixed and unchanged findings.
    Diff(DiffArgs),
    /// Run the local web service: scan history, monitoring schedules, signed webhooks, a JSON API.
    Serve(Box<ServeArgs>),
    /// List recorded APIs, or the scans of one API (from the history database).
    History(HistoryArgs),
    /// The score of an API over its recorded scans, with new, regressed and fixed findings.
    Trend(TrendArgs),
    /// Run as an MCP server on stdin/stdout for AI assistants (read-only unless --active).
    Mcp(McpArgs),
}

/// Output and gating flags shared by `audit` and `scan`.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Write the report to FILE; the format follows the extension (.json, .sarif, .xml, .md, .html)
    /// unless --format is given. Repeat for several outputs.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub outputs: Vec<PathBuf>,
    /// Format for stdout (and for --output files whose extension says nothing): terminal, json,
    /// sarif, junit, markdown, html.
    #[arg(long, short = 'f', value_name = "FORMAT")]
    pub format: Option<String>,
    /// Exit with code 1 when a finding at or above this severity exists (critical, high, medium,
    /// low, info). With --baseline, only new findings count.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Exit with code 1 when the overall score is below this value (0–100).
    #[arg(long, value_name = "SCORE")]
    pub threshold: Option<u8>,
    /// Scoring profile: public (default), internal, financial, medical.
    #[arg(long, value_name = "CONTEXT")]
    pub context: Option<String>,
    /// A previous JSON report: findings are marked new or unchanged, and fixed ones listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Show full sensitive values in evidence (marks the report as containing sensitive data).
    #[arg(long)]
    pub show_evidence: bool,
    /// Print nothing to stdout except a machine format asked for with --format.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Colour: auto, always, never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: String,
    /// Configuration file (default: ./apiward.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Record the report in the history database (DB, default: $APIWARD_DB or
    /// ~/.local/share/apiward/history.db), where `apiward serve`, `history` and `trend` read it.
    /// Revealed evidence is never stored.
    #[arg(long, value_name = "DB", num_args = 0..=1, default_missing_value = "", require_equals = true)]
    pub record: Option<String>,
}

/// The history database flag shared by `serve`, `history` and `trend`.
#[derive(Args, Debug, Clone, Default)]
pub struct DbArgs {
    /// The history database (default: $APIWARD_DB, else ~/.local/share/apiward/history.db).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback needs --allow-remote and --token.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8477")]
    pub bind: String,
    /// Allow a non-loopback --bind address (requires --token).
    #[arg(long)]
    pub allow_remote: bool,
    /// Access token every request must carry (`Authorization: Bearer`, or the login page);
    /// `env:VAR` reads it from the environment. At least 16 characters.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Scheduled scans may write (as `apiward scan --active`). Off by default; never from a request.
    #[arg(long)]
    pub active: bool,
    /// Scans running at once at most.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub max_concurrent_scans: usize,
    /// Per-scan time budget in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub scan_budget: u64,
    /// Request rate cap of each scan, per second (0 = unlimited).
    #[arg(long, value_name = "N", default_value_t = 150.0)]
    pub scan_rate: f64,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// An API (its id, or its name: base URL or spec source). Without it: every API.
    pub api: Option<String>,
    /// Scans listed at most.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format: terminal or json.
    #[arg(long, short = 'f', default_value = "terminal")]
    pub format: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args, Debug)]
pub struct TrendArgs {
    /// The API (its id, or its name: base URL or spec source).
    pub api: String,
    /// Scans shown at most (the most recent).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format: terminal or json.
    #[arg(long, short = 'f', default_value = "terminal")]
    pub format: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The spec: a file path, `-` for stdin, or an http(s) URL.
    pub spec: String,
    /// Follow `$ref`s to remote http(s) documents (off by default).
    #[arg(long)]
    pub allow_remote_refs: bool,
    /// Follow local `$ref`s that leave the spec's folder tree.
    #[arg(long)]
    pub allow_outside_root: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format: terminal or json.
    #[arg(long, short = 'f', default_value = "terminal")]
    pub format: String,
    /// Only rules of this category.
    #[arg(long)]
    pub category: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Rule id (APIW-DATA-001) or name (sensitive-data-exposed).
    pub rule: String,
}

#[derive(Args, Debug)]
pub struct DetectArgs {
    /// Files to scan; `-` or nothing reads stdin.
    pub files: Vec<String>,
    /// Output format: terminal or json (one JSON object per match, one per line).
    #[arg(long, short = 'f', default_value = "terminal")]
    pub format: String,
    /// Input format: auto, json, ndjson, har, text.
    #[arg(long, default_value = "auto")]
    pub input: String,
    /// Show full values (never do this with output you share).
    #[arg(long)]
    pub show_evidence: bool,
    /// Exit with code 1 when anything at or above this sensitivity is found (low, medium, high,
    /// critical).
    #[arg(long, value_name = "SENSITIVITY")]
    pub fail_on: Option<String>,
    /// Configuration file with custom data types (default: ./apiward.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Threads scanning NDJSON lines, HAR entries and files (0: one per core). Output order and
    /// content do not depend on it.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1)]
    pub jobs: usize,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The older JSON report.
    pub old: PathBuf,
    /// The newer JSON report.
    pub new: PathBuf,
    /// Output format: terminal or json.
    #[arg(long, short = 'f', default_value = "terminal")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct McpArgs {
    /// Allow active scans (writes) when a scan_api call asks for one. Only on the command line:
    /// no tool call can turn writes on.
    #[arg(long)]
    pub active: bool,
    /// Reports kept in memory for the session (the oldest is dropped first).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_reports: usize,
}

/// Live-scan flags shared by `scan` and `demo`.
#[derive(Args, Debug, Clone, Default)]
pub struct LiveArgs {
    /// Allow writes, only on the command line (a config file cannot turn this on): creates, writes
    /// to objects the scan created or to the identity's own account (reverted), no-op write-backs
    /// of values just read elsewhere; DELETE only for objects the scan created. Also the SSRF
    /// canary, mass-assignment and prompt-injection probes. Every write is journaled in the report.
    #[arg(long)]
    pub active: bool,
    /// Call an operation the risk model would skip (a state-changing GET, a destructive or
    /// credential-changing write or a sign-up with --active), at most once: `METHOD /path/glob` or
    /// `/path/glob` (`*` one segment, `**` any). Repeatable.
    #[arg(long = "include", value_name = "PATTERN")]
    pub include: Vec<String>,
    /// Send nothing to matching operations or paths: `METHOD /path/glob` or `/path/glob`.
    /// Repeatable.
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Where the out-of-band canary listens (SSRF and webhook checks with --active), e.g.
    /// 0.0.0.0:8787. Default: an ephemeral 127.0.0.1 port, reachable only from this machine.
    #[arg(long, value_name = "IP:PORT")]
    pub canary_listen: Option<String>,
    /// The canary's URL as the target must call it (an address the target can reach, routed to
    /// --canary-listen). Without it, a remote target's out-of-band checks are reported as not
    /// confirmable.
    #[arg(long, value_name = "URL")]
    pub canary_url: Option<String>,
    /// Global request rate cap per second (default 150; 0 = unlimited).
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Requests in flight at most (default 8).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Per-request timeout in seconds (default 10).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Total time budget for the scan in seconds (default 120).
    #[arg(long, value_name = "SECONDS")]
    pub budget: Option<f64>,
    /// Maximum number of requests (default 5000).
    #[arg(long, value_name = "N")]
    pub max_requests: Option<usize>,
    /// Largest response body kept, in bytes after decompression.
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_body: usize,
    /// Requests in the rate-limit burst probe (default 20; 0 turns it off).
    #[arg(long, value_name = "N")]
    pub burst: Option<usize>,
    /// Gentle mode: no burst probe, no shadow-endpoint probing.
    #[arg(long)]
    pub gentle: bool,
    /// Prompt-injection probe depth in active mode: quick, standard, deep.
    #[arg(long, value_name = "TIER", default_value = "quick")]
    pub llm_tier: String,
    /// Write the request log (one JSON object per request, credentials redacted) to FILE.
    #[arg(long, value_name = "FILE")]
    pub request_log: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Base URL of the API, e.g. http://127.0.0.1:8000 (default: `target` in apiward.toml).
    pub target: Option<String>,
    /// The spec: a file or a URL (on the target's origin). Default: discover it on the target.
    #[arg(long, value_name = "FILE|URL")]
    pub spec: Option<String>,
    /// Bearer token for the default identity (`env:VAR` reads it from the environment).
    #[arg(long, value_name = "TOKEN")]
    pub bearer: Option<String>,
    /// Basic credentials USER:PASSWORD for the default identity.
    #[arg(long, value_name = "USER:PASSWORD")]
    pub basic: Option<String>,
    /// Extra header `Name: value` for the default identity (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Cookie header value for the default identity.
    #[arg(long, value_name = "COOKIE")]
    pub cookie: Option<String>,
    /// API key header NAME=VALUE for the default identity.
    #[arg(long, value_name = "NAME=VALUE")]
    pub api_key: Option<String>,
    /// A named identity NAME=KIND:VALUE (bearer:, basic:, cookie:, header:, api-key:, or
    /// login:USER:PASSWORD, exchanged for a token at the spec's login operation: the login POST
    /// is the one write a read-only scan sends, journaled); repeat for two-user checks. VALUE may
    /// be env:VAR.
    #[arg(long = "identity", value_name = "NAME=KIND:VALUE")]
    pub identities: Vec<String>,
    /// The role of a named identity (`--role admin=admin`, `--role alice=user`), repeatable:
    /// function-level checks compare identities by declared role instead of guessing from names.
    #[arg(long = "role", value_name = "NAME=ROLE")]
    pub roles: Vec<String>,
    /// An extra origin the scan may contact (a server from the spec you confirm), repeatable.
    #[arg(long = "origin", value_name = "URL")]
    pub origins: Vec<String>,
    /// Proxy URL (no proxy is used unless given; environment variables are ignored).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Proceed when the TLS certificate is invalid (still reported as a finding).
    #[arg(long)]
    pub insecure: bool,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep the demo API running after the scan (prints its URL; stop with Ctrl-C).
    #[arg(long)]
    pub serve: bool,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}
