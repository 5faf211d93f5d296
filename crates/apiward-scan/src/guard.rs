//! The scan's guard: the one place that decides whether a request of the scan may be sent.
//!
//! The HTTP engine (`apiward-http`) enforces what any request must respect (methods, origin,
//! metadata addresses, caps). The guard adds what only the scan can know, before the engine sees
//! the request:
//!
//! - **Operation risk** (`apiward_taxonomy::risk`): a GET that resets, seeds, logs out or sends is
//!   not called (nor HEAD, which frameworks route to the GET handler) unless `--include` names it;
//!   then once. Undocumented paths are judged by their words.
//! - **`--include` / `--exclude`**: an excluded operation receives nothing, not even OPTIONS.
//! - **Writes only with `--active`, and only to what the scan owns**: creates (a POST to a
//!   collection, under nothing or under an object the scan created), writes to objects the scan
//!   created or to the writer's own account (`/me`), and otherwise only *no-op write-backs* — a
//!   body whose every value equals what was just read at the same URL. DELETE only to an object
//!   the scan created. Destructive, credential-changing and action operations (send, run,
//!   approve, …) are never written unless `--include` names them (then once); nor are sign-ups
//!   (credential-issuing: the account they open is not the scan's to remove), except the
//!   user-enumeration check's registration probes, which name an account and carry no password.
//! - **Volume**: at most [`READ_ONLY_CAP`] requests per read-only operation, [`UNDOCUMENTED_CAP`]
//!   per undocumented path, [`WRITE_CAP`] per write operation, 1 per included risky operation.
//! - **Journal**: every request other than GET, HEAD and OPTIONS is recorded (method, path,
//!   identity, status, object, reverted), and every operation not called is listed with why.

use crate::store::Observation;
use apiward_core::{ScanSafety, SkippedOperation, WriteRecord};
use apiward_http::Method;
use apiward_spec::Spec;
use apiward_taxonomy::{OperationFacts, OperationRisk, RiskAssessment};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Requests per read-only operation, all checks together (crawl, burst, probes).
pub const READ_ONLY_CAP: usize = 100;
/// Requests per undocumented path.
pub const UNDOCUMENTED_CAP: usize = 30;
/// Requests per write operation in active mode (crawl per identity, probes, reverts).
pub const WRITE_CAP: usize = 12;
/// Requests to a risky operation the user named with `--include`.
pub const INCLUDED_RISKY_CAP: usize = 1;
/// Login requests per `login:` identity in a read-only scan (the login and one re-login).
pub const READ_ONLY_LOGIN_CAP: usize = 2;
/// Largest JSON read kept for the no-op comparison of a later write.
const MAX_READ_KEPT: usize = 256 * 1024;
/// Body bytes of all kept reads together (a hostile target answering large objects on every URL
/// cannot grow the scan's memory through them).
const MAX_READS_TOTAL: usize = 32 * 1024 * 1024;

/// An `--include` / `--exclude` pattern: `[METHOD] /path/glob`, where `*` matches one path
/// segment (or part of one) and `**` any number of segments. Matched against the operation's
/// template (`/users/{id}`) and against the concrete path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpPattern {
    method: Option<String>,
    segments: Vec<String>,
    text: String,
}

impl OpPattern {
    pub fn parse(text: &str) -> Result<OpPattern, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty pattern: expected `METHOD /path/glob` or `/path/glob`".into());
        }
        let (method, path) = match t.split_once(char::is_whitespace) {
            Some((m, p)) if !m.starts_with('/') => (Some(m), p.trim()),
            _ => (None, t),
        };
        let method = match method {
            None | Some("*") => None,
            Some(m) => {
                let up = m.to_ascii_uppercase();
                if !matches!(
                    up.as_str(),
                    "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" | "DELETE" | "TRACE"
                ) {
                    return Err(format!(
                        "`{text}`: unknown method `{m}` (GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE, TRACE or *)"
                    ));
                }
                Some(up)
            }
        };
        if !path.starts_with('/') {
            return Err(format!(
                "`{text}`: the path must start with `/` (e.g. `GET /admin/**` or `/users/*`)"
            ));
        }
        if path.contains(char::is_whitespace) {
            return Err(format!("`{text}`: a path has no spaces"));
        }
        if path.matches('{').count() != path.matches('}').count() {
            return Err(format!("`{text}`: unbalanced `{{` `}}`"));
        }
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Ok(OpPattern {
            method,
            segments,
            text: t.to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `method path` matches (HEAD matches a GET pattern).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method {
            let method = method.to_ascii_uppercase();
            if *m != method && !(m == "GET" && method == "HEAD") {
                return false;
            }
        }
        let path = path.split(['?', '#']).next().unwrap_or("");
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        glob_segments(&self.segments, &segs)
    }
}

fn glob_segments(pat: &[String], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((p, rest)) if p == "**" => {
            (0..=segs.len()).any(|skip| glob_segments(rest, &segs[skip..]))
        }
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => glob_one(p.as_bytes(), s.as_bytes()) && glob_segments(rest, srest),
            None => false,
        },
    }
}

/// `*` within one segment; a `{param}` in the pattern matches any segment.
fn glob_one(p: &[u8], s: &[u8]) -> bool {
    if p.first() == Some(&b'{') && p.last() == Some(&b'}') {
        return true;
    }
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob_one(rest, &s[i..])),
        Some((c, rest)) => s
            .split_first()
            .is_some_and(|(d, srest)| c.eq_ignore_ascii_case(d) && glob_one(rest, srest)),
    }
}

/// What the guard knows about one spec operation.
#[derive(Debug, Clone)]
struct OpInfo {
    method: String,
    template: String,
    /// Literal segments, `None` for a `{param}` segment.
    segments: Vec<Option<String>>,
    risk: RiskAssessment,
    included: bool,
    excluded: Option<String>,
    /// The caller's own account (`/me`, `/user`, `/account`): written by its own identity only.
    own_account: bool,
}

impl OpInfo {
    fn is_write(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Op(usize),
    Path(String),
}

/// A request the guard admitted: what to record once its answer is in.
#[derive(Debug)]
pub struct Ticket {
    method: Method,
    url_path: String,
    op: Option<usize>,
    identity: Option<String>,
    /// Index into the journal for writes.
    journal: Option<usize>,
    create: bool,
    cleanup: bool,
}

/// The facts the guard needs about a request.
pub struct Outgoing<'a> {
    pub method: &'a Method,
    pub url: &'a str,
    pub op: Option<usize>,
    pub identity: Option<&'a str>,
    pub body: Option<&'a [u8]>,
}

#[derive(Debug)]
pub struct Guard {
    active: bool,
    include: Vec<OpPattern>,
    exclude: Vec<OpPattern>,
    /// `scheme://host[:port]` of the target and the API's path prefix under it.
    origin: String,
    base_path: String,
    ops: Vec<OpInfo>,
    sent: HashMap<Key, usize>,
    /// Objects the scan created (URL path) → the identity that created them.
    created: BTreeMap<String, Option<String>>,
    /// Latest successful JSON object read per URL path and identity, for paths that writes may
    /// target (the same URL can be a different object per identity: `/me`).
    reads: HashMap<(String, Option<String>), Value>,
    /// Body bytes of the kept reads (bounded by [`MAX_READS_TOTAL`]).
    reads_bytes: usize,
    skipped: BTreeMap<usize, SkippedOperation>,
    refused: usize,
    journal: Vec<WriteRecord>,
    /// The user-enumeration comparison's account probes (password-reset requests, registration
    /// attempts without a password): the operation, the only accounts a body may name, how many
    /// requests per account, and the journal's word for them.
    account_probes: Vec<(usize, Vec<String>, usize, &'static str)>,
}

impl Guard {
    pub fn new(
        active: bool,
        include: Vec<OpPattern>,
        exclude: Vec<OpPattern>,
        base_url: &str,
    ) -> Guard {
        let origin = crate::origin_string(base_url);
        let base_path = base_url
            .strip_prefix(&origin)
            .unwrap_or("")
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .trim_end_matches('/')
            .to_string();
        Guard {
            active,
            include,
            exclude,
            origin,
            base_path,
            ops: Vec::new(),
            sent: HashMap::new(),
            created: BTreeMap::new(),
            reads: HashMap::new(),
            reads_bytes: 0,
            skipped: BTreeMap::new(),
            refused: 0,
            journal: Vec::new(),
            account_probes: Vec::new(),
        }
    }

    /// Learn the spec's operations and their risk (once, after discovery).
    pub fn load_spec(&mut self, spec: &Spec) {
        self.ops = spec
            .operations
            .iter()
            .map(|op| {
                let method = op.method.as_str().to_ascii_uppercase();
                let (fields, typed): (Vec<String>, Vec<bool>) = op
                    .request_body
                    .iter()
                    .flat_map(|b| b.content.iter().filter_map(|m| m.schema))
                    .flat_map(|root| spec.flatten_properties(root, 2))
                    .map(|p| {
                        let format = spec.schema(p.schema).format.as_deref();
                        (p.name, apiward_taxonomy::fields::is_url_format(format))
                    })
                    .take(200)
                    .unzip();
                let success_statuses = op
                    .responses
                    .iter()
                    .filter_map(|r| r.status.parse::<u16>().ok())
                    .filter(|s| (200..300).contains(s))
                    .collect();
                let risk = apiward_taxonomy::assess(&OperationFacts {
                    method: &method,
                    path: &op.path,
                    operation_id: op.operation_id.as_deref(),
                    summary: op.summary.as_deref(),
                    description: op.description.as_deref(),
                    success_statuses,
                    body_fields: fields.iter().map(String::as_str).collect(),
                    url_fields: fields
                        .iter()
                        .zip(&typed)
                        .filter(|(_, t)| **t)
                        .map(|(n, _)| n.as_str())
                        .collect(),
                    authenticated: !op.is_unauthenticated(),
                });
                let segments = op
                    .path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                    .collect::<Vec<_>>();
                let included = self.include.iter().any(|p| p.matches(&method, &op.path));
                let excluded = self
                    .exclude
                    .iter()
                    .find(|p| p.matches(&method, &op.path))
                    .map(|p| p.as_str().to_string());
                let own_account = segments.iter().all(Option::is_some)
                    && segments.last().and_then(|s| s.as_deref()).is_some_and(|s| {
                        matches!(
                            s.to_ascii_lowercase().as_str(),
                            "me" | "self"
                                | "my"
                                | "current"
                                | "account"
                                | "profile"
                                | "user"
                                | "whoami"
                                | "myself"
                                | "current-user"
                                | "current_user"
                        )
                    });
                OpInfo {
                    method,
                    template: op.path.clone(),
                    segments,
                    risk,
                    included,
                    excluded,
                    own_account,
                }
            })
            .collect();
    }

    /// The risk of spec operation `op` (read-only when unknown).
    pub fn risk(&self, op: usize) -> OperationRisk {
        self.ops
            .get(op)
            .map(|o| o.risk.risk)
            .unwrap_or(OperationRisk::ReadOnly)
    }

    /// The full assessment of spec operation `op`.
    pub fn assessment(&self, op: usize) -> Option<&RiskAssessment> {
        self.ops.get(op).map(|o| &o.risk)
    }

    /// Whether a read-method request to `op` may be repeated and probed in volume.
    pub fn is_read_only(&self, op: usize) -> bool {
        self.ops
            .get(op)
            .is_some_and(|o| o.risk.risk.is_read_only() && o.excluded.is_none())
    }

    /// Whether the scan may call `op` at all with its own method (for planning: the crawl skips
    /// what the guard would refuse, and says why).
    pub fn callable(&self, op: usize) -> Result<(), String> {
        let Some(o) = self.ops.get(op) else {
            return Ok(());
        };
        if let Some(p) = &o.excluded {
            return Err(format!("excluded by `{p}`"));
        }
        if o.included {
            return Ok(());
        }
        if o.is_write() && !self.active {
            return Err("write operation: the scan is read-only (--active sends writes)".into());
        }
        match o.risk.risk {
            OperationRisk::ReadOnly => Ok(()),
            _ if o.risk.sign_up => Err(sign_up_refusal(o)),
            OperationRisk::StateChanging if o.is_write() && !o.risk.action => Ok(()),
            _ => Err(format!(
                "{} ({}); `--include '{} {}'` calls it once",
                o.risk.risk.as_str(),
                o.risk.reason,
                o.method,
                o.template
            )),
        }
    }

    /// Record that the crawl did not call `op` (listed in the report).
    pub fn skip(&mut self, op: usize, reason: impl Into<String>) {
        let Some(o) = self.ops.get(op) else { return };
        self.skipped.entry(op).or_insert_with(|| SkippedOperation {
            method: o.method.clone(),
            path: o.template.clone(),
            risk: o.risk.risk.as_str().to_string(),
            reason: reason.into(),
        });
    }

    /// The URL's path relative to the API prefix (and its path at the origin).
    fn paths(&self, url: &str) -> (String, String) {
        let rest = url.strip_prefix(&self.origin).unwrap_or(url);
        let at_origin = rest.split(['?', '#']).next().unwrap_or("").to_string();
        let at_origin = if at_origin.is_empty() {
            "/".to_string()
        } else {
            at_origin
        };
        let rel = at_origin
            .strip_prefix(&self.base_path)
            .filter(|r| r.is_empty() || r.starts_with('/'))
            .map(|r| if r.is_empty() { "/" } else { r })
            .unwrap_or(&at_origin)
            .to_string();
        (rel, at_origin)
    }

    /// The spec operation a request exercises: the one the caller named when its method agrees,
    /// else the best template match for the method (most literal segments).
    fn resolve(&self, method: &str, rel: &str, hint: Option<usize>) -> Option<usize> {
        let want = if method == "HEAD" { "GET" } else { method };
        if let Some(i) = hint
            && self.ops.get(i).is_some_and(|o| o.method == want)
        {
            return Some(i);
        }
        let segs: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
        self.ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.method == want && o.segments.len() == segs.len())
            .filter(|(_, o)| {
                o.segments
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| t.as_deref().is_none_or(|lit| lit == *s))
            })
            .max_by_key(|(_, o)| o.segments.iter().filter(|s| s.is_some()).count())
            .map(|(i, _)| i)
    }

    fn count(&mut self, key: Key, cap: usize) -> Result<(), String> {
        let n = self.sent.entry(key).or_insert(0);
        if *n >= cap {
            return Err(format!(
                "the per-operation cap of {cap} requests is reached"
            ));
        }
        *n += 1;
        Ok(())
    }

    fn refuse<T>(&mut self, op: Option<usize>, reason: String) -> Result<T, String> {
        self.refused += 1;
        if let Some(i) = op {
            self.skip(i, reason.clone());
        }
        Err(reason)
    }

    /// Decide on one request. `Err` carries why it was refused (it is not sent).
    pub fn admit(&mut self, r: &Outgoing<'_>) -> Result<Ticket, String> {
        let method = r.method.as_str().to_ascii_uppercase();
        let (rel, at_origin) = self.paths(r.url);
        let op = self.resolve(&method, &rel, r.op);
        let ticket = |journal, create, cleanup| Ticket {
            method: r.method.clone(),
            url_path: at_origin.clone(),
            op,
            identity: r.identity.map(str::to_string),
            journal,
            create,
            cleanup,
        };
        // The op a request was planned for (OPTIONS probes of a write) also decides exclusion.
        let named = r.op.and_then(|i| self.ops.get(i));
        let excluded = op
            .and_then(|i| self.ops.get(i))
            .and_then(|o| o.excluded.clone())
            .or_else(|| named.and_then(|o| o.excluded.clone()))
            .or_else(|| {
                self.exclude
                    .iter()
                    .find(|p| p.matches(&method, &rel) || p.matches(&method, &at_origin))
                    .map(|p| p.as_str().to_string())
            });
        if let Some(p) = excluded {
            return self.refuse(op.or(r.op), format!("excluded by `{p}`"));
        }
        let key = match op {
            Some(i) => Key::Op(i),
            None => Key::Path(at_origin.clone()),
        };
        match method.as_str() {
            "OPTIONS" => {
                let cap = if op.is_some() {
                    READ_ONLY_CAP
                } else {
                    UNDOCUMENTED_CAP
                };
                match self.count(key, cap) {
                    Ok(()) => Ok(ticket(None, false, false)),
                    Err(e) => self.refuse(None, e),
                }
            }
            "GET" | "HEAD" => self
                .admit_read(op, key, &rel, &method)
                .map(|()| ticket(None, false, false)),
            _ => {
                let (kind, object, reverted, create, cleanup) =
                    self.admit_write(r, op, key, &at_origin)?;
                let idx = self.journal.len();
                self.journal.push(WriteRecord {
                    method: method.clone(),
                    path: at_origin.clone(),
                    operation: op
                        .and_then(|i| self.ops.get(i))
                        .map(|o| format!("{} {}", o.method, o.template)),
                    identity: r.identity.map(str::to_string),
                    status: None,
                    kind: kind.to_string(),
                    object,
                    reverted,
                });
                Ok(ticket(Some(idx), create, cleanup))
            }
        }
    }

    /// A read-only scan's one allowance for a write: the login request of a `login:` identity
    /// (`POST` to an operation the risk model calls a login), at most [`READ_ONLY_LOGIN_CAP`]
    /// times per identity, journaled as `login`. Nothing else a read-only scan sends is a write.
    pub fn admit_login(&mut self, url: &str, op: usize, identity: &str) -> Result<Ticket, String> {
        let (rel, at_origin) = self.paths(url);
        let Some(o) = self.ops.get(op).cloned() else {
            return self.refuse(None, "login: not a documented operation".into());
        };
        if o.method != "POST" || !o.risk.login || self.resolve("POST", &rel, Some(op)) != Some(op) {
            return self.refuse(
                None,
                format!(
                    "{} {} is not a login operation; a read-only scan sends no other write",
                    o.method, o.template
                ),
            );
        }
        if let Some(p) = &o.excluded {
            return self.refuse(Some(op), format!("excluded by `{p}`"));
        }
        self.count(Key::Path(format!("LOGIN {identity}")), READ_ONLY_LOGIN_CAP)
            .or_else(|e| self.refuse(None, e))?;
        let idx = self.journal.len();
        self.journal.push(WriteRecord {
            method: "POST".into(),
            path: at_origin.clone(),
            operation: Some(format!("{} {}", o.method, o.template)),
            identity: Some(identity.to_string()),
            status: None,
            kind: "login".into(),
            object: None,
            reverted: None,
        });
        Ok(Ticket {
            method: Method::POST,
            url_path: at_origin,
            op: Some(op),
            identity: Some(identity.to_string()),
            journal: Some(idx),
            create: false,
            cleanup: false,
        })
    }

    /// Active scans: allow password-reset *requests* to `op` whose whole body is one member
    /// naming one of `addresses` (the scanner's own identity and made-up `.invalid` ones), at
    /// most `per_address` times each, for the user-enumeration comparison. Reset e-mail then only
    /// ever goes to the scanner's own address or nowhere.
    pub fn allow_reset_requests(&mut self, op: usize, addresses: Vec<String>, per_address: usize) {
        self.account_probes
            .push((op, addresses, per_address, "reset request"));
    }

    /// Active scans: allow registration attempts to `op` whose whole body is one member naming
    /// one of `accounts` (the scanner's own and made-up `.invalid` ones) and nothing else — no
    /// password, so no account can be completed — at most `per_account` times each.
    pub fn allow_registration_probes(
        &mut self,
        op: usize,
        accounts: Vec<String>,
        per_account: usize,
    ) {
        self.account_probes
            .push((op, accounts, per_account, "registration probe"));
    }

    /// Whether spec operation `op` is a login, token or session-creating operation.
    pub fn is_login(&self, op: usize) -> bool {
        self.ops.get(op).is_some_and(|o| o.risk.login)
    }

    fn admit_read(
        &mut self,
        op: Option<usize>,
        key: Key,
        rel: &str,
        method: &str,
    ) -> Result<(), String> {
        match op.and_then(|i| self.ops.get(i).map(|o| (i, o))) {
            Some((i, o)) => {
                if o.risk.risk.is_read_only() {
                    return self
                        .count(key, READ_ONLY_CAP)
                        .or_else(|e| self.refuse(None, e));
                }
                if o.included {
                    return self
                        .count(key, INCLUDED_RISKY_CAP)
                        .or_else(|e| self.refuse(None, e));
                }
                let reason = format!(
                    "{} ({}); `--include '{} {}'` calls it once",
                    o.risk.risk.as_str(),
                    o.risk.reason,
                    o.method,
                    o.template
                );
                self.refuse(Some(i), reason)
            }
            None => {
                // Undocumented: judged by its words.
                let a = apiward_taxonomy::assess(&OperationFacts {
                    method,
                    path: rel,
                    ..Default::default()
                });
                let included = self.include.iter().any(|p| p.matches(method, rel));
                if !a.risk.is_read_only() && !included {
                    return self.refuse(
                        None,
                        format!("undocumented {} path ({})", a.risk.as_str(), a.reason),
                    );
                }
                let cap = if a.risk.is_read_only() {
                    UNDOCUMENTED_CAP
                } else {
                    INCLUDED_RISKY_CAP
                };
                self.count(key, cap).or_else(|e| self.refuse(None, e))
            }
        }
    }

    /// `(kind, object, reverted, create, cleanup)` of an admitted write.
    #[allow(clippy::type_complexity)]
    fn admit_write(
        &mut self,
        r: &Outgoing<'_>,
        op: Option<usize>,
        key: Key,
        at_origin: &str,
    ) -> Result<(&'static str, Option<String>, Option<bool>, bool, bool), String> {
        if !self.active {
            return self.refuse(
                op,
                "write operation: the scan is read-only (--active sends writes)".into(),
            );
        }
        let method = r.method.as_str().to_ascii_uppercase();
        if method == "DELETE" {
            // Only what the scan created, by whoever created it, once.
            return match self.created.get(at_origin) {
                Some(creator) if creator.as_deref() == r.identity => {
                    self.count(Key::Path(format!("DELETE {at_origin}")), 1)?;
                    Ok(("cleanup", Some(at_origin.to_string()), None, false, true))
                }
                _ => self.refuse(
                    None,
                    "DELETE is sent only to objects the scan created".into(),
                ),
            };
        }
        let Some(i) = op else {
            return self.refuse(None, "writes go only to documented operations".into());
        };
        let o = self.ops[i].clone();
        if let Some((_, addresses, cap, kind)) =
            self.account_probes.iter().find(|p| p.0 == i).cloned()
            && method == "POST"
        {
            let named = r
                .body
                .and_then(|b| serde_json::from_slice::<Value>(b).ok())
                .and_then(|v| match v {
                    Value::Object(m) if m.len() == 1 => m
                        .values()
                        .next()
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    _ => None,
                })
                .filter(|a| addresses.contains(a));
            if let Some(addr) = named {
                self.count(Key::Path(format!("{kind} {addr}")), cap)
                    .or_else(|e| self.refuse(None, e))?;
                return Ok((kind, None, None, false, false));
            }
        }
        if o.included {
            self.count(key, INCLUDED_RISKY_CAP)
                .or_else(|e| self.refuse(None, e))?;
            return Ok(("included", None, Some(false), false, false));
        }
        match o.risk.risk {
            OperationRisk::Destructive | OperationRisk::CredentialChanging => {
                let reason = format!(
                    "{} ({}); `--include '{} {}'` sends it once",
                    o.risk.risk.as_str(),
                    o.risk.reason,
                    o.method,
                    o.template
                );
                return self.refuse(Some(i), reason);
            }
            _ if o.risk.sign_up => return self.refuse(Some(i), sign_up_refusal(&o)),
            _ if o.risk.action => {
                let reason = format!(
                    "action ({}); `--include '{} {}'` sends it once",
                    o.risk.reason, o.method, o.template
                );
                return self.refuse(Some(i), reason);
            }
            _ => {}
        }
        self.count(key, WRITE_CAP)
            .or_else(|e| self.refuse(None, e))?;
        if o.risk.login {
            return Ok(("login", None, None, false, false));
        }
        let noop = self.is_noop(at_origin, r.identity, o.own_account, r.body);
        // A write to (or under) an object the scan created.
        if let Some((obj, creator)) = self.owner_of(at_origin) {
            let writer_created = creator.as_deref() == r.identity;
            if method == "POST" && o.segments.last().is_some_and(Option::is_some) && writer_created
            {
                return Ok(("create", None, Some(false), true, false));
            }
            if writer_created {
                return Ok((
                    "own object",
                    Some(obj),
                    if noop { None } else { Some(false) },
                    false,
                    false,
                ));
            }
            if noop {
                return Ok(("no-op write-back", Some(obj), None, false, false));
            }
            return self.refuse(
                None,
                "only the identity that created an object writes more than its own values back"
                    .into(),
            );
        }
        let collection = o.segments.last().is_some_and(Option::is_some);
        let has_params = o.segments.iter().any(Option::is_none);
        if method == "POST" && collection && !has_params && !o.own_account {
            return Ok(("create", None, Some(false), true, false));
        }
        if o.own_account && r.identity.is_some() {
            if method == "POST" {
                return Ok(("create", None, Some(false), true, false));
            }
            return Ok((
                "own account",
                Some(at_origin.to_string()),
                if noop { None } else { Some(false) },
                false,
                false,
            ));
        }
        if noop && method != "POST" {
            return Ok((
                "no-op write-back",
                Some(at_origin.to_string()),
                None,
                false,
                false,
            ));
        }
        let reason = if method == "POST" && collection {
            "a create under an object the scan does not own".to_string()
        } else {
            "a write to an object the scan did not create (only no-op write-backs of values just read are sent)".to_string()
        };
        self.refuse(None, reason)
    }

    /// The created object `path` is, or is under, with its creator.
    fn owner_of(&self, path: &str) -> Option<(String, Option<String>)> {
        if let Some(c) = self.created.get(path) {
            return Some((path.to_string(), c.clone()));
        }
        self.created
            .iter()
            .find(|(obj, _)| {
                path.strip_prefix(obj.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(o, c)| (o.clone(), c.clone()))
    }

    /// A body that writes back exactly what was last read at the same URL: by the writer itself
    /// when it read it, else by another identity — except on identity-relative URLs (`/me`),
    /// where another identity's read is another object.
    fn is_noop(
        &self,
        path: &str,
        identity: Option<&str>,
        identity_relative: bool,
        body: Option<&[u8]>,
    ) -> bool {
        let body: Value = match body {
            None => return false,
            Some(b) if b.iter().all(u8::is_ascii_whitespace) => return false,
            Some(b) => match serde_json::from_slice(b) {
                Ok(v) => v,
                Err(_) => return false,
            },
        };
        if let Some(own) = self
            .reads
            .get(&(path.to_string(), identity.map(str::to_string)))
        {
            return is_subset(&body, own);
        }
        !identity_relative
            && self
                .reads
                .iter()
                .any(|((p, _), read)| p == path && is_subset(&body, read))
    }

    /// Record the answer to an admitted request (`None` when none came).
    pub fn record(&mut self, t: Ticket, obs: Option<&Observation>) {
        if let Some(j) = t.journal
            && let Some(w) = self.journal.get_mut(j)
        {
            w.status = obs.map(|o| o.status());
            let accepted = obs.is_some_and(|o| (200..400).contains(&o.status()));
            // A refused write changed nothing.
            if !accepted && !t.cleanup {
                w.reverted = None;
            }
        }
        let Some(o) = obs else { return };
        if t.cleanup {
            if o.is_success() || o.status() == 404 || o.status() == 410 {
                self.created.remove(&t.url_path);
                for w in &mut self.journal {
                    if w.object.as_deref() == Some(t.url_path.as_str()) && w.reverted == Some(false)
                    {
                        w.reverted = Some(true);
                    }
                }
            }
            return;
        }
        if t.create && o.is_success() {
            if let Some(obj) = created_object(&t.url_path, o) {
                if let Some(w) = t.journal.and_then(|j| self.journal.get_mut(j)) {
                    w.object = Some(obj.clone());
                }
                self.created.entry(obj).or_insert(t.identity.clone());
            } else if let Some(w) = t.journal.and_then(|j| self.journal.get_mut(j)) {
                // The answer names no object (a chat answer, an accepted job): nothing the scan
                // could find to delete. Said so in the kind rather than counted as not reverted.
                w.kind = "create (no object named)".to_string();
                w.reverted = None;
            }
            return;
        }
        // Keep reads of URLs a write may later target, for the no-op comparison.
        if (t.method == Method::GET)
            && o.is_success()
            && o.exchange.body.len() <= MAX_READ_KEPT
            && self.reads_bytes + o.exchange.body.len() <= MAX_READS_TOTAL
            && let Some(json @ Value::Object(_)) = &o.json
            && self.write_may_target(&t.url_path)
        {
            self.reads_bytes += o.exchange.body.len();
            self.reads
                .insert((t.url_path.clone(), t.identity.clone()), json.clone());
        }
        let _ = t.op;
    }

    fn write_may_target(&self, at_origin: &str) -> bool {
        if !self.active {
            return false;
        }
        let (rel, _) = self.paths(&format!("{}{}", self.origin, at_origin));
        ["PUT", "PATCH", "POST"]
            .iter()
            .any(|m| self.resolve(m, &rel, None).is_some())
    }

    /// The latest JSON object read at `url` by `identity` (or, for a URL that is the same object
    /// for everyone, by anyone), if the guard kept it: the body of a no-op write-back.
    pub fn last_read(&self, url: &str, identity: Option<&str>) -> Option<&Value> {
        let (rel, at_origin) = self.paths(url);
        if let Some(v) = self
            .reads
            .get(&(at_origin.clone(), identity.map(str::to_string)))
        {
            return Some(v);
        }
        let relative = ["PATCH", "PUT", "POST"]
            .iter()
            .filter_map(|m| self.resolve(m, &rel, None))
            .any(|i| self.ops[i].own_account);
        if relative {
            return None;
        }
        self.reads
            .iter()
            .find(|((p, _), _)| *p == at_origin)
            .map(|(_, v)| v)
    }

    /// Objects the scan created and has not deleted: `(URL path, creator)`.
    pub fn created_objects(&self) -> Vec<(String, Option<String>)> {
        self.created
            .iter()
            .map(|(p, c)| (p.clone(), c.clone()))
            .collect()
    }

    /// Whether the origin-relative `object` path fits the template of spec operation `op`.
    pub fn fits(&self, op: usize, object: &str) -> bool {
        let Some(o) = self.ops.get(op) else {
            return false;
        };
        let rel = object
            .strip_prefix(&self.base_path)
            .filter(|r| r.starts_with('/'))
            .unwrap_or(object);
        let segs: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
        o.segments.len() == segs.len()
            && o.segments
                .iter()
                .zip(&segs)
                .all(|(t, s)| t.as_deref().is_none_or(|lit| lit == *s))
    }

    /// Who created `object` in this scan: `None` when the scan did not create it, `Some(None)`
    /// when an unauthenticated request did.
    pub fn creator_of(&self, object: &str) -> Option<Option<String>> {
        self.owner_of(object).map(|(_, c)| c)
    }

    /// The write journal so far.
    pub fn journal(&self) -> &[WriteRecord] {
        &self.journal
    }

    /// Whether spec operation `op` is the caller's own account (`/me`, `/user`, `/account`).
    pub fn is_own_account(&self, op: usize) -> bool {
        self.ops.get(op).is_some_and(|o| o.own_account)
    }

    /// The origin-relative URL path of `url` (how objects are named in the journal).
    pub fn object_path(&self, url: &str) -> String {
        self.paths(url).1
    }

    /// A change to `object` was undone (a revert write succeeded and was verified).
    pub fn mark_reverted(&mut self, object: &str) {
        for w in &mut self.journal {
            if w.object.as_deref() == Some(object)
                && w.reverted == Some(false)
                && w.kind != "create"
            {
                w.reverted = Some(true);
            }
        }
    }

    /// Label the last journal entry (a revert is a write too).
    pub fn label_last_write(&mut self, kind: &str) {
        if let Some(w) = self.journal.last_mut() {
            w.kind = kind.to_string();
            w.reverted = None;
        }
    }

    pub fn safety(&self) -> ScanSafety {
        ScanSafety {
            mode: if self.active { "active" } else { "read-only" }.to_string(),
            skipped_operations: self.skipped.values().cloned().collect(),
            writes: self.journal.clone(),
            refused_requests: self.refused,
        }
    }
}

/// Why a sign-up is not sent: it issues credentials, and the account it opens is not the scan's
/// to remove (no DELETE reaches an account by its sign-up's path).
fn sign_up_refusal(o: &OpInfo) -> String {
    format!(
        "credential-issuing ({}): it would open an account the scan cannot remove; `--include '{} {}'` sends it once",
        o.risk.reason, o.method, o.template
    )
}

/// Every member of `a` has the same value in `b` (objects recursively; other values equal).
fn is_subset(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .all(|(k, v)| y.get(k).is_some_and(|w| is_subset(v, w))),
        _ => a == b,
    }
}

/// Where a create put its object: the `Location` header (same origin), else an id in the answer
/// appended to the collection path.
fn created_object(collection: &str, o: &Observation) -> Option<String> {
    if let Some(loc) = o.exchange.header("location") {
        let origin = crate::origin_string(&o.exchange.url);
        let path = loc.strip_prefix(&origin).unwrap_or(loc);
        if path.starts_with('/') && !path.starts_with("//") {
            return Some(path.split(['?', '#']).next().unwrap_or(path).to_string());
        }
    }
    let json = o.json.as_ref()?;
    let obj = json
        .get("data")
        .filter(|d| d.is_object())
        .unwrap_or(json)
        .as_object()?;
    let id = ["id", "uuid", "_id", "key", "slug"]
        .iter()
        .find_map(|k| obj.get(*k))
        .or_else(|| {
            obj.iter()
                .find(|(k, _)| k.ends_with("_id") || k.ends_with("Id"))
                .map(|(_, v)| v)
        })?;
    let id = match id {
        Value::String(s) if !s.is_empty() && s.len() <= 128 && !s.contains('/') => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(format!(
        "{}/{}",
        collection.trim_end_matches('/'),
        crate::plan::encode(&id)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_match() {
        let p = OpPattern::parse("GET /admin/**").expect("parses");
        assert!(p.matches("GET", "/admin/reset"));
        assert!(p.matches("HEAD", "/admin/a/b"));
        assert!(p.matches("get", "/admin"));
        assert!(!p.matches("POST", "/admin/reset"));
        let p = OpPattern::parse("/users/*/password").expect("parses");
        assert!(p.matches("PUT", "/users/{id}/password"));
        assert!(p.matches("PUT", "/users/42/password"));
        assert!(!p.matches("PUT", "/users/42/profile"));
        let p = OpPattern::parse("post /v2/setup*").expect("parses");
        assert!(p.matches("POST", "/v2/setup-db"));
        assert!(p.matches("POST", "/v2/SETUP"));
        let p = OpPattern::parse("* /x/{id}").expect("parses");
        assert!(p.matches("DELETE", "/x/1"));
        for bad in ["", "FETCH /x", "GET x", "/a b", "GET /a/{b"] {
            let e = OpPattern::parse(bad).expect_err(bad);
            assert!(!e.is_empty());
        }
    }

    #[test]
    fn subset_is_a_noop() {
        let read = serde_json::json!({"name": "a", "role": "user", "nested": {"x": 1, "y": 2}});
        assert!(is_subset(&serde_json::json!({"name": "a"}), &read));
        assert!(is_subset(&serde_json::json!({"nested": {"x": 1}}), &read));
        assert!(is_subset(&serde_json::json!({}), &read));
        assert!(!is_subset(&serde_json::json!({"role": "admin"}), &read));
        assert!(!is_subset(&serde_json::json!({"new": 1}), &read));
    }
}
