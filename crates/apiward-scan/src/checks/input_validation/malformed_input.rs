//! Malformed-input probing (on by default, read-only): APIW-DATA-106 error disclosure, APIW-INPUT-105
//! probable injection, APIW-INPUT-106 unhandled malformed input.
//!
//! For each parameter (path, query, header) of a GET/HEAD operation that the risk model calls
//! read-only, a small fixed set of malformed values is sent — quote, double quote, backslash,
//! expression syntax, type confusion (a string for a number, an array, an object), empty,
//! overlong, negative and huge numbers, control and unicode characters — and each answer is
//! compared with the operation's normal answer from the crawl (status, the detector's matches,
//! and a few error signatures the detector does not type).
//!
//! Safety: only GET/HEAD operations that `apiward_taxonomy::assess` and the scan's guard both
//! call read-only; parameters that take URLs are left to the SSRF checks (a malformed URL only
//! sends the target to third parties).
//!
//! Budget (also in the three rules' docs; a diagnostic says when it was reached): at most
//! [`PER_PARAM`] probes per parameter plus one balanced-quote confirmation when a quote produced a
//! database error, [`PARAMS_PER_OP`] parameters per operation, one parameter name probed on at
//! most [`OPS_PER_PARAM`] operations, and [`SCAN_BUDGET`] requests per scan. `--gentle` keeps
//! [`GENTLE_PER_PARAM`] probes per parameter (quote, type confusion, overlong) and
//! [`GENTLE_SCAN_BUDGET`] per scan.

use crate::evidence::response;
use crate::identity::Identity;
use crate::store::{Observation, Purpose};
use crate::{ScanRequest, Scanner};
use apiward_core::{DiagnosticLevel, Finding, Location};
use apiward_detect::{DataClass, DataType, Match};
use apiward_http::{Method, Request};
use apiward_spec::{Operation, ParamLocation, Spec};

/// Probes per parameter (a confirmation request may follow one of them).
pub const PER_PARAM: usize = 8;
/// Probes per parameter with `--gentle`.
pub const GENTLE_PER_PARAM: usize = 3;
/// Parameters probed per operation (path first, then query, then header).
pub const PARAMS_PER_OP: usize = 6;
/// Operations on which one parameter name (per location) is probed.
pub const OPS_PER_PARAM: usize = 3;
/// Requests (probes and confirmations) per scan.
pub const SCAN_BUDGET: usize = 300;
/// Requests per scan with `--gentle`.
pub const GENTLE_SCAN_BUDGET: usize = 40;
/// Length of the overlong value (over DynamoDB's 2048-byte key limit, under common URL limits).
const OVERLONG: usize = 3000;

/// One kind of malformed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Quote,
    DoubleQuote,
    Backslash,
    Expression,
    TypeString,
    TypeArray,
    TypeObject,
    Empty,
    Overlong,
    Negative,
    Huge,
    Control,
}

impl Kind {
    /// Breaks the syntax of a query or expression the value is spliced into.
    pub(crate) fn is_syntax(self) -> bool {
        matches!(
            self,
            Kind::Quote | Kind::DoubleQuote | Kind::Backslash | Kind::Expression
        )
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Quote => "a single quote appended",
            Kind::DoubleQuote => "a double quote appended",
            Kind::Backslash => "a backslash appended",
            Kind::Expression => "expression syntax `)#:$` appended",
            Kind::TypeString => "a string where a number is expected",
            Kind::TypeArray => "an array (`name[]=`)",
            Kind::TypeObject => "an object (`name[$ne]=`)",
            Kind::Empty => "an empty value",
            Kind::Overlong => "a 3000-character value",
            Kind::Negative => "a negative number",
            Kind::Huge => "a 40-digit number",
            Kind::Control => "control and unicode characters (NUL, LF, U+202E, U+FFFF)",
        }
    }
}

/// Orders of preference; the first applicable ones within the per-parameter budget are sent.
const NUMERIC_ORDER: &[Kind] = &[
    Kind::Quote,
    Kind::TypeString,
    Kind::Negative,
    Kind::Huge,
    Kind::TypeArray,
    Kind::Empty,
    Kind::Overlong,
    Kind::Control,
    Kind::Expression,
    Kind::DoubleQuote,
    Kind::Backslash,
    Kind::TypeObject,
];
const STRING_ORDER: &[Kind] = &[
    Kind::Quote,
    Kind::DoubleQuote,
    Kind::Backslash,
    Kind::Expression,
    Kind::TypeArray,
    Kind::TypeObject,
    Kind::Overlong,
    Kind::Control,
    Kind::Empty,
];
const GENTLE_ORDER: &[Kind] = &[
    Kind::Quote,
    Kind::TypeString,
    Kind::TypeArray,
    Kind::Overlong,
];

/// Headers that are not the API's own parameters (transport, credentials).
const SKIP_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "host",
    "content-type",
    "content-length",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "origin",
];

/// A parameter to probe and where its value lives in the baseline request.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) location: ParamLocation,
    pub(crate) name: String,
    numeric: bool,
    /// The normal value, percent-encoded for path and query, plain for headers.
    normal: String,
    /// Path segment index (path parameters), with the literal text around the value.
    segment: Option<(usize, String, String)>,
}

/// A read-only operation with a normal answer to compare against.
pub(crate) struct Target {
    op: usize,
    template: String,
    method: Method,
    /// Path segments of the baseline request (after the API prefix), still encoded.
    segments: Vec<String>,
    /// Query pairs of the baseline request, still encoded.
    query: Vec<(String, String)>,
    identity: Option<Identity>,
    baseline: usize,
    params: Vec<Param>,
}

pub(crate) struct Probe {
    target: usize,
    param: usize,
    pub(crate) kind: Kind,
    pub(crate) obs: Option<usize>,
}

/// Whether `--gentle` is on (it turns the shadow-path probe and the burst off).
fn gentle(s: &Scanner) -> bool {
    !s.cfg.shadow_probe && s.cfg.burst == 0
}

pub async fn run(s: &mut Scanner, out: &mut Vec<Finding>) {
    let Some(spec) = s.spec.clone() else { return };
    let targets = targets(s, &spec);
    if targets.is_empty() {
        return;
    }
    let gentle = gentle(s);
    let (per_param, budget) = if gentle {
        (GENTLE_PER_PARAM, GENTLE_SCAN_BUDGET)
    } else {
        (PER_PARAM, SCAN_BUDGET)
    };
    // Leave room for confirmations: a tenth of the budget.
    let first_budget = budget - budget / 10;
    let mut probes: Vec<Probe> = Vec::new();
    let mut truncated = false;
    'outer: for (ti, t) in targets.iter().enumerate() {
        for (pi, p) in t.params.iter().enumerate() {
            let order = if gentle {
                GENTLE_ORDER
            } else if p.numeric {
                NUMERIC_ORDER
            } else {
                STRING_ORDER
            };
            let kinds: Vec<Kind> = order
                .iter()
                .copied()
                .filter(|k| applicable(*k, p))
                .take(per_param)
                .collect();
            if probes.len() + kinds.len() > first_budget {
                truncated = true;
                break 'outer;
            }
            for kind in kinds {
                probes.push(Probe {
                    target: ti,
                    param: pi,
                    kind,
                    obs: None,
                });
            }
        }
    }
    let sends: Vec<ScanRequest> = probes
        .iter()
        .map(|p| build(s, &targets[p.target], p.param, p.kind, false))
        .collect();
    let got = s.send_all(sends).await;
    for (p, g) in probes.iter_mut().zip(got) {
        p.obs = g;
    }

    // Confirm quote probes that produced a database error with a balanced pair of quotes.
    let mut confirm: Vec<Probe> = Vec::new();
    for p in &probes {
        let t = &targets[p.target];
        if matches!(p.kind, Kind::Quote | Kind::DoubleQuote)
            && let Some(i) = p.obs
            && !db_errors(s.obs(i), s.obs(t.baseline)).is_empty()
            && !confirm
                .iter()
                .any(|c| c.target == p.target && c.param == p.param)
            && probes.len() + confirm.len() < budget
        {
            confirm.push(Probe {
                target: p.target,
                param: p.param,
                kind: p.kind,
                obs: None,
            });
        }
    }
    if !confirm.is_empty() {
        let sends: Vec<ScanRequest> = confirm
            .iter()
            .map(|p| build(s, &targets[p.target], p.param, p.kind, true))
            .collect();
        let got = s.send_all(sends).await;
        for (p, g) in confirm.iter_mut().zip(got) {
            p.obs = g;
        }
    }
    if truncated {
        s.note(
            DiagnosticLevel::Note,
            "malformed-input-budget",
            format!(
                "malformed-input probing stopped at its budget of {budget} requests per scan; \
                 later operations' parameters were not probed"
            ),
        );
    }

    // One finding per parameter and cause: the same parameter name failing the same way on
    // several operations is one finding that lists them.
    let mut merged: Vec<(String, Finding, Vec<String>)> = Vec::new();
    for (ti, t) in targets.iter().enumerate() {
        for (pi, p) in t.params.iter().enumerate() {
            let mine: Vec<&Probe> = probes
                .iter()
                .filter(|x| x.target == ti && x.param == pi)
                .collect();
            let conf = confirm.iter().find(|x| x.target == ti && x.param == pi);
            let mut found = Vec::new();
            judge(s, t, p, &mine, conf, &mut found);
            for f in found {
                let key = format!(
                    "{}|{}:{}",
                    f.rule_id,
                    p.location.as_str(),
                    p.name.to_ascii_lowercase()
                );
                match merged.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, first, others)) => {
                        others.push(format!("{} {}", t.method, t.template));
                        first.severity = first.severity.max(f.severity);
                        if first.evidence.len() < 4
                            && let Some(e) = f.evidence.into_iter().next()
                        {
                            first.evidence.push(e);
                        }
                    }
                    None => merged.push((key, f, Vec::new())),
                }
            }
        }
    }
    for (_, mut f, others) in merged {
        if !others.is_empty() {
            f.message.push_str(&format!(
                " The same parameter fails the same way at {}.",
                others.join(", ")
            ));
        }
        out.push(f);
    }
}

/// Percent-decode (invalid escapes kept as they are).
fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The answer repeats the malformed value (reflected input).
pub(crate) fn reflects(o: &Observation, p: &Param, k: Kind) -> bool {
    let (_, v) = malformed(p, k, false);
    let raw = if p.location == ParamLocation::Header {
        v.into_bytes()
    } else {
        decode(&v)
    };
    raw.len() >= 4 && memchr::memmem::find(&o.exchange.body, &raw).is_some()
}

/// Read-only GET/HEAD operations with a normal answer in the crawl, and their parameters.
fn targets(s: &Scanner, spec: &Spec) -> Vec<Target> {
    let mut out = Vec::new();
    let mut uses: std::collections::HashMap<(&str, String), usize> = Default::default();
    for (i, op) in spec.operations.iter().enumerate() {
        if op.is_webhook
            || !matches!(
                op.method,
                apiward_spec::Method::Get | apiward_spec::Method::Head
            )
            || !read_only(op)
            // The guard's verdict too (`--exclude`, and the model as the guard loaded it).
            || !s.guard.is_read_only(i)
        {
            continue;
        }
        // The normal answer: anonymous if it got past authentication, else an identity's.
        let baseline = s
            .store
            .observations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.op == Some(i) && o.purpose == Purpose::Crawl)
            .filter(|(_, o)| !matches!(o.status(), 401 | 403 | 405 | 429))
            .min_by_key(|(_, o)| (o.status() >= 500, !o.anonymous()));
        let Some((bi, b)) = baseline else { continue };
        let identity = match &b.identity {
            Some(name) => match s.identities.iter().find(|id| &id.name == name) {
                Some(id) => Some(id.clone()),
                None => continue,
            },
            None => None,
        };
        let Some(rest) = b.exchange.url.strip_prefix(&s.base) else {
            continue;
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let segments: Vec<String> = path.split('/').map(str::to_string).collect();
        let query: Vec<(String, String)> = query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        let mut params = params(spec, op, &segments, &query);
        // A parameter shared by many operations (a component parameter) is probed on a few of
        // them: the budget then reaches more distinct parameters.
        params.retain(|p| {
            let key = (p.location.as_str(), p.name.to_ascii_lowercase());
            let n = uses.entry(key).or_insert(0usize);
            *n += 1;
            *n <= OPS_PER_PARAM
        });
        if params.is_empty() {
            continue;
        }
        out.push(Target {
            op: i,
            template: op.path.clone(),
            method: if op.method == apiward_spec::Method::Head {
                Method::HEAD
            } else {
                Method::GET
            },
            segments,
            query,
            identity,
            baseline: bi,
            params,
        });
    }
    out
}

/// The operation risk model: only operations whose words say they read.
fn read_only(op: &Operation) -> bool {
    let statuses: Vec<u16> = op
        .responses
        .iter()
        .filter_map(|r| r.status.parse::<u16>().ok())
        .filter(|c| (200..300).contains(c))
        .collect();
    apiward_taxonomy::assess(&apiward_taxonomy::OperationFacts {
        method: op.method.as_str(),
        path: &op.path,
        operation_id: op.operation_id.as_deref(),
        summary: op.summary.as_deref(),
        description: op.description.as_deref(),
        success_statuses: statuses,
        ..Default::default()
    })
    .risk
    .is_read_only()
}

fn params(
    spec: &Spec,
    op: &Operation,
    segments: &[String],
    query: &[(String, String)],
) -> Vec<Param> {
    // Credentials travel in parameters the security schemes name: probing them only meets 401.
    let credential_names: Vec<String> = spec
        .security_schemes
        .iter()
        .filter_map(|sc| match &sc.kind {
            apiward_spec::SchemeKind::ApiKey { param_name, .. } => {
                Some(param_name.to_ascii_lowercase())
            }
            _ => None,
        })
        .collect();
    let template: Vec<&str> = op.path.split('/').collect();
    let mut out = Vec::new();
    let rank = |l: &ParamLocation| match l {
        ParamLocation::Path => 0,
        ParamLocation::Query => 1,
        _ => 2,
    };
    let mut declared: Vec<&apiward_spec::Parameter> = op
        .parameters
        .iter()
        .filter(|p| {
            matches!(
                p.location,
                ParamLocation::Path | ParamLocation::Query | ParamLocation::Header
            )
        })
        .filter(|p| !credential_names.contains(&p.name.to_ascii_lowercase()))
        .filter(|p| {
            p.location != ParamLocation::Header
                || !SKIP_HEADERS.contains(&p.name.to_ascii_lowercase().as_str())
        })
        .collect();
    declared.sort_by_key(|p| (rank(&p.location), !p.required));
    for p in declared {
        if out.len() >= PARAMS_PER_OP {
            break;
        }
        let schema = p.schema.map(|id| spec.schema(id));
        // A URL parameter makes the target fetch what it is given: malformed URLs would only
        // send it to third parties (the SSRF checks own these parameters).
        if takes_url(&p.name, schema.and_then(|sc| sc.format.as_deref())) {
            continue;
        }
        let numeric = schema.is_some_and(|sc| sc.has_type("integer") || sc.has_type("number"));
        let sample = || crate::plan::sample_value(spec, schema, p.example.as_deref());
        match p.location {
            ParamLocation::Path => {
                let needle = format!("{{{}}}", p.name);
                let Some(k) = template.iter().position(|seg| seg.contains(&needle)) else {
                    continue;
                };
                let seg = template[k];
                // One parameter per segment: `{a}-{b}` cannot be split back reliably.
                if seg.matches('{').count() != 1 || template.len() != segments.len() {
                    continue;
                }
                let (pre, post) = seg.split_once(&needle).unwrap_or(("", ""));
                let Some(concrete) = segments.get(k) else {
                    continue;
                };
                let Some(value) = concrete
                    .strip_prefix(pre)
                    .and_then(|v| v.strip_suffix(post))
                else {
                    continue;
                };
                out.push(Param {
                    location: ParamLocation::Path,
                    name: p.name.clone(),
                    numeric,
                    normal: value.to_string(),
                    segment: Some((k, pre.to_string(), post.to_string())),
                });
            }
            ParamLocation::Query => {
                let key = crate::plan::encode(&p.name);
                let normal = query
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| crate::plan::encode(&sample()));
                out.push(Param {
                    location: ParamLocation::Query,
                    name: p.name.clone(),
                    numeric,
                    normal,
                    segment: None,
                });
            }
            _ => {
                let normal = sample();
                if !normal.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                    continue;
                }
                out.push(Param {
                    location: ParamLocation::Header,
                    name: p.name.clone(),
                    numeric,
                    normal,
                    segment: None,
                });
            }
        }
    }
    out
}

/// A parameter that carries a URL, by format or by name.
fn takes_url(name: &str, format: Option<&str>) -> bool {
    const WORDS: &[&str] = &[
        "url",
        "uri",
        "href",
        "link",
        "callback",
        "webhook",
        "redirect",
        "next",
        "return",
        "target",
        "dest",
        "destination",
        "feed",
        "endpoint",
        "host",
        "domain",
        "proxy",
    ];
    matches!(
        format,
        Some("uri" | "url" | "uri-reference" | "hostname" | "iri")
    ) || name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(split_camel)
        .any(|w| WORDS.contains(&w.as_str()))
}

/// `imageUrl` → `image`, `url`.
fn split_camel(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in word.chars() {
        if c.is_ascii_uppercase() && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn applicable(k: Kind, p: &Param) -> bool {
    let header = p.location == ParamLocation::Header;
    let path = p.location == ParamLocation::Path;
    match k {
        Kind::TypeString | Kind::Negative | Kind::Huge => p.numeric,
        // Arrays and objects are query-string shapes (`a[]=`, `a[$ne]=`).
        Kind::TypeArray | Kind::TypeObject => p.location == ParamLocation::Query,
        // An empty path segment is another route; header values cannot carry control bytes.
        Kind::Empty => !path,
        Kind::Control => !header,
        _ => true,
    }
}

/// The malformed value (encoded for path and query) and, for arrays and objects, the query key.
fn malformed(p: &Param, k: Kind, confirm: bool) -> (Option<String>, String) {
    let header = p.location == ParamLocation::Header;
    let v = &p.normal;
    let enc = |plain: &str, encoded: &str| {
        if header {
            format!("{v}{plain}")
        } else {
            format!("{v}{encoded}")
        }
    };
    let key = crate::plan::encode(&p.name);
    match k {
        // The confirmation balances the quote: `abc''` must read like `abc` again.
        Kind::Quote if confirm => (None, enc("''", "%27%27")),
        Kind::DoubleQuote if confirm => (None, enc("\"\"", "%22%22")),
        Kind::Quote => (None, enc("'", "%27")),
        Kind::DoubleQuote => (None, enc("\"", "%22")),
        Kind::Backslash => (None, enc("\\", "%5C")),
        Kind::Expression => (None, enc(")#:$", "%29%23%3A%24")),
        Kind::TypeString => (None, "apiward".to_string()),
        Kind::TypeArray => (Some(format!("{key}%5B%5D")), v.clone()),
        Kind::TypeObject => (Some(format!("{key}%5B%24ne%5D")), v.clone()),
        Kind::Empty => (None, String::new()),
        Kind::Overlong => (None, "A".repeat(OVERLONG)),
        Kind::Negative => (None, "-1".to_string()),
        Kind::Huge => (None, "9".repeat(40)),
        Kind::Control => (None, format!("{v}%00%0A%E2%80%AE%EF%BF%BF")),
    }
}

fn build(s: &Scanner, t: &Target, pi: usize, k: Kind, confirm: bool) -> ScanRequest {
    let p = &t.params[pi];
    let (key, value) = malformed(p, k, confirm);
    let mut segments = t.segments.clone();
    let mut query = t.query.clone();
    let mut header = None;
    match p.location {
        ParamLocation::Path => {
            if let Some((i, pre, post)) = &p.segment
                && let Some(seg) = segments.get_mut(*i)
            {
                *seg = format!("{pre}{value}{post}");
            }
        }
        ParamLocation::Query => {
            let name = crate::plan::encode(&p.name);
            query.retain(|(k, _)| *k != name);
            query.push((key.unwrap_or(name), value));
        }
        _ => header = Some((p.name.clone(), value)),
    }
    let mut pq = segments.join("/");
    if !query.is_empty() {
        pq.push('?');
        pq.push_str(
            &query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    let mut request = Request::new(t.method.clone(), s.url(&pq));
    if let Some((n, v)) = header {
        request = request.header(n, v);
    }
    ScanRequest {
        purpose: Purpose::Probe,
        op: Some(t.op),
        path: t.template.clone(),
        identity: t.identity.clone(),
        request,
    }
}

/// Error signatures the detector does not type (NoSQL, ORMs, error pages, echoed queries).
/// `db`: a database, driver or query-language error.
pub(crate) struct Signature {
    literal: &'static str,
    what: &'static str,
    db: bool,
    /// Strong evidence by itself (an error page, a driver error); weak ones (an exception name,
    /// a source path) make a finding low.
    pub(crate) strong: bool,
}

const fn sig(literal: &'static str, what: &'static str, db: bool, strong: bool) -> Signature {
    Signature {
        literal,
        what,
        db,
        strong,
    }
}

const SIGNATURES: &[Signature] = &[
    // NoSQL and search engines.
    sig("MongoError", "MongoDB error", true, true),
    sig("MongoServerError", "MongoDB error", true, true),
    sig("BSONTypeError", "MongoDB BSON error", true, true),
    sig("Cast to ObjectId failed", "Mongoose cast error", true, true),
    sig("unknown operator: $", "MongoDB operator error", true, true),
    sig(
        "search_phase_execution_exception",
        "Elasticsearch error",
        true,
        true,
    ),
    sig("query_shard_exception", "Elasticsearch error", true, true),
    sig("CouchbaseError", "Couchbase error", true, true),
    // SQL and ORMs (messages the detector's SQL type does not cover).
    sig("unterminated quoted string", "SQL syntax error", true, true),
    sig("unrecognized token:", "SQLite syntax error", true, true),
    sig("\": syntax error", "SQLite syntax error", true, true),
    sig(
        "Incorrect syntax near",
        "SQL Server syntax error",
        true,
        true,
    ),
    sig(
        "quoted string not properly terminated",
        "Oracle syntax error",
        true,
        true,
    ),
    sig(
        "ActiveRecord::StatementInvalid",
        "Rails ActiveRecord error",
        true,
        true,
    ),
    sig("QueryException", "Laravel query error", true, true),
    sig("QueryFailedError", "TypeORM query error", true, true),
    sig("ER_PARSE_ERROR", "MySQL driver error", true, true),
    sig("ER_BAD_FIELD_ERROR", "MySQL driver error", true, true),
    sig("BadSqlGrammarException", "Spring JDBC error", true, true),
    sig("MySqlException", "MySQL driver error", true, true),
    sig("NpgsqlException", "PostgreSQL driver error", true, true),
    sig("PostgresException", "PostgreSQL driver error", true, true),
    // DynamoDB expressions and the queries themselves, echoed.
    sig(
        "Syntax error; token:",
        "DynamoDB expression syntax error",
        true,
        true,
    ),
    sig(
        "ExpressionAttributeValues",
        "DynamoDB expression echoed",
        true,
        true,
    ),
    sig(
        "ExpressionAttributeNames",
        "DynamoDB expression echoed",
        true,
        true,
    ),
    sig("FilterExpression", "DynamoDB expression echoed", true, true),
    sig(
        "KeyConditionExpression",
        "DynamoDB expression echoed",
        true,
        true,
    ),
    sig("SELECT * FROM", "SQL query echoed", true, true),
    // Framework error pages without a typed stack trace.
    sig("Werkzeug Debugger", "Werkzeug debugger page", false, true),
    sig("werkzeug.exceptions", "Werkzeug exception", false, true),
    sig("DEBUG = True", "Django debug page", false, true),
    sig("Whitelabel Error Page", "Spring error page", false, false),
    sig("org.springframework.", "Spring internals", false, true),
    sig(
        "Whoops, looks like something went wrong",
        "Laravel error page",
        false,
        false,
    ),
    sig("Illuminate\\", "Laravel internals", false, true),
    sig("Symfony\\Component", "Symfony internals", false, true),
    sig(
        "Action Controller: Exception caught",
        "Rails error page",
        false,
        true,
    ),
    sig(
        "Server Error in '/' Application",
        "ASP.NET error page",
        false,
        true,
    ),
    sig(
        "System.NullReferenceException",
        ".NET exception",
        false,
        true,
    ),
    // Exception names and source locations: weak alone.
    sig("Traceback", "Python traceback", false, false),
    sig("TypeError: ", "exception message", false, false),
    sig("ReferenceError: ", "exception message", false, false),
    sig("KeyError: ", "exception message", false, false),
    sig("ValueError: ", "exception message", false, false),
    sig("AttributeError: ", "exception message", false, false),
    sig("IndexError: ", "exception message", false, false),
    sig("NullPointerException", "exception message", false, false),
    sig("NumberFormatException", "exception message", false, false),
    sig("site-packages/", "source path", false, false),
    sig("node_modules/", "source path", false, false),
    sig("/var/www/", "source path", false, false),
];

/// Detector types that an error answer must not carry.
fn is_disclosure(t: DataType) -> bool {
    matches!(
        t,
        DataType::StackTrace
            | DataType::SqlError
            | DataType::BotocoreError
            | DataType::DynamodbException
            | DataType::AwsArn
            | DataType::AwsAccountId
            | DataType::EnvDump
            | DataType::InternalHostname
            | DataType::IpInternal
            | DataType::DatabaseUrl
            | DataType::DynamodbPagingKey
            | DataType::AwsResponseMetadata
    ) || (t.class() == DataClass::Secret && t != DataType::Jwt)
}

/// Types that only ever appear in an error (a normal answer may carry ARNs or addresses).
fn is_error_type(t: DataType) -> bool {
    matches!(
        t,
        DataType::StackTrace
            | DataType::SqlError
            | DataType::BotocoreError
            | DataType::DynamodbException
            | DataType::EnvDump
    )
}

fn is_db_type(t: DataType) -> bool {
    matches!(
        t,
        DataType::SqlError | DataType::BotocoreError | DataType::DynamodbException
    )
}

fn matches_of(o: &Observation) -> impl Iterator<Item = &Match> {
    o.body_matches.iter().chain(&o.header_matches)
}

/// Signatures present in `o` (first 64 KiB of the body), in one pass.
fn signatures(o: &Observation) -> Vec<&'static Signature> {
    static AC: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> = std::sync::OnceLock::new();
    let Some(ac) = AC
        .get_or_init(|| aho_corasick::AhoCorasick::new(SIGNATURES.iter().map(|s| s.literal)).ok())
    else {
        return Vec::new();
    };
    let body = &o.exchange.body[..o.exchange.body.len().min(64 * 1024)];
    let mut seen = vec![false; SIGNATURES.len()];
    for m in ac.find_overlapping_iter(body) {
        if let Some(x) = seen.get_mut(m.pattern().as_usize()) {
            *x = true;
        }
    }
    SIGNATURES
        .iter()
        .zip(seen)
        .filter_map(|(s, hit)| hit.then_some(s))
        .collect()
}

/// What a probe's answer shows that the normal answer did not.
pub(crate) struct Leak<'a> {
    pub(crate) matches: Vec<&'a Match>,
    pub(crate) sigs: Vec<&'static Signature>,
}

impl Leak<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.matches.is_empty() && self.sigs.is_empty()
    }

    pub(crate) fn db(&self) -> bool {
        self.matches.iter().any(|m| is_db_type(m.data_type)) || self.sigs.iter().any(|s| s.db)
    }

    pub(crate) fn strong(&self) -> bool {
        !self.matches.is_empty() || self.sigs.iter().any(|s| s.strong)
    }

    /// `SQL error (postgresql), Python traceback`.
    pub(crate) fn names(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        for m in &self.matches {
            let n = match &m.detail {
                Some(d) if is_error_type(m.data_type) => {
                    format!(
                        "{} ({})",
                        m.data_type.label(),
                        apiward_core::truncate_chars(d, 60)
                    )
                }
                _ => m.data_type.label().to_string(),
            };
            if !names.contains(&n) {
                names.push(n);
            }
        }
        // Weak signatures only matter when nothing stronger was seen.
        let strong = self.strong();
        for sg in &self.sigs {
            if strong && !sg.strong {
                continue;
            }
            if !names.iter().any(|n| n.contains(sg.what)) {
                names.push(sg.what.to_string());
            }
        }
        names.truncate(6);
        names.join(", ")
    }
}

/// What `o` discloses beyond the baseline `b`: detector types the baseline does not carry (types
/// that also occur in normal data only in an error answer), and error signatures.
fn leak<'a>(o: &'a Observation, b: &Observation) -> Leak<'a> {
    let error = o.status() >= 400;
    let base_types: Vec<DataType> = matches_of(b).map(|m| m.data_type).collect();
    let matches: Vec<&Match> = matches_of(o)
        .filter(|m| m.is_significant() || is_error_type(m.data_type))
        .filter(|m| is_disclosure(m.data_type) && !base_types.contains(&m.data_type))
        .filter(|m| error || is_error_type(m.data_type))
        .collect();
    let base_sigs = signatures(b);
    let sigs: Vec<&'static Signature> = if error {
        signatures(o)
            .into_iter()
            .filter(|sg| !base_sigs.iter().any(|x| x.literal == sg.literal))
            .collect()
    } else {
        Vec::new()
    };
    Leak { matches, sigs }
}

/// Database or query errors in `o` that `b` does not show.
pub(crate) fn db_errors(o: &Observation, b: &Observation) -> Vec<String> {
    db_names(&leak(o, b))
}

/// The database or query errors of a leak, by name.
pub(crate) fn db_names(l: &Leak) -> Vec<String> {
    let mut out: Vec<String> = l
        .matches
        .iter()
        .filter(|m| is_db_type(m.data_type))
        .map(|m| m.data_type.label().to_string())
        .collect();
    out.extend(l.sigs.iter().filter(|s| s.db).map(|s| s.what.to_string()));
    out.dedup();
    out
}

/// The probe value as shown in a finding: short, never the 3000-character one.
fn shown_value(p: &Param, k: Kind) -> String {
    let (key, v) = malformed(p, k, false);
    let v = if v.len() > 40 {
        format!(
            "{}… ({} characters)",
            v.chars().take(16).collect::<String>(),
            v.len()
        )
    } else {
        v
    };
    match key {
        Some(key) => format!("{key}={v}"),
        None => format!("{}={v}", p.name),
    }
}

pub(crate) fn evidence_for(
    o: &Observation,
    p: &Param,
    k: Kind,
    what: String,
    values: &[&Match],
) -> apiward_core::Evidence {
    let mut e = response(
        o,
        format!(
            "{} {} ({}): {what}",
            p.location.as_str(),
            p.name,
            k.describe()
        ),
        values,
    );
    if let Some(r) = &e.request {
        e.request = Some(apiward_core::truncate_chars(r, 240));
    }
    e.snippet = Some(format!("probe: {}", shown_value(p, k)));
    e
}

/// What one parameter's probes got, for the three rules to judge.
pub(crate) struct Judged<'a> {
    pub s: &'a Scanner,
    pub p: &'a Param,
    /// The operation's normal answer.
    pub b: &'a Observation,
    /// Each probe that was answered, with its answer.
    pub answered: Vec<(&'a Probe, &'a Observation)>,
    /// What each answer shows beyond the normal one (same order as `answered`).
    pub leaks: Vec<Leak<'a>>,
    /// `GET /items/{id}`.
    pub label: String,
    /// `path:id`, the findings' discriminator.
    pub disc: String,
    method: &'a str,
    template: &'a str,
}

impl Judged<'_> {
    /// Where a finding about the answer `o` points: the operation and the probe's URL.
    pub fn location(&self, o: &Observation) -> Location {
        Location::operation(self.method, self.template).with_url(&o.exchange.url)
    }
}

/// Probable injection first, then error disclosure; an unhandled 5xx only when neither reported.
fn judge(
    s: &Scanner,
    t: &Target,
    p: &Param,
    probes: &[&Probe],
    confirm: Option<&Probe>,
    out: &mut Vec<Finding>,
) {
    let b = s.obs(t.baseline);
    let answered: Vec<(&Probe, &Observation)> = probes
        .iter()
        .filter_map(|x| x.obs.map(|i| (*x, s.obs(i))))
        .collect();
    if answered.is_empty() {
        return;
    }
    // Each answer read once (the detector's matches and the signatures).
    let leaks: Vec<Leak> = answered.iter().map(|(_, o)| leak(o, b)).collect();
    let j = Judged {
        s,
        p,
        b,
        answered,
        leaks,
        label: format!("{} {}", t.method, t.template),
        disc: format!("{}:{}", p.location.as_str(), p.name),
        method: t.method.as_str(),
        template: &t.template,
    };
    let injection = super::probable_injection::report(&j, confirm, out);
    let disclosure =
        crate::checks::data_exposure::error_disclosure_on_malformed_input::report(&j, out);
    if !injection && !disclosure {
        super::unhandled_malformed_input::report(&j, out);
    }
}
