//! What calling an operation may do: the operation risk model.
//!
//! GET is not safe by itself: real APIs have GETs that seed, reset, drop, log out, send or run
//! (`GET /setup/seed`, `/admin/reset-db`, `/logout`, `/sendReminder`, `/jobs/{id}/run`). The risk
//! of an operation is decided from its method and from the *words* of its path, `operationId`,
//! summary and description, and from what the spec documents (a GET answering `201 Created`).
//!
//! Evidence is weighed, not just matched:
//! - a phrase (operationId, summary) that *starts* with a reading verb (`get`, `list`, `search`,
//!   …) describes a read, whatever nouns follow (`get-import-status`, `List workflow runs`);
//! - a phrase that starts with a state-changing verb (`resetDatabase`, `Seed the database`) is a
//!   write, whatever the method;
//! - path words are ambiguous (`/import` is a noun on GitHub's `GET …/import`): they count only
//!   when no phrase says the operation reads;
//! - a description counts through verbs in the third person (`This endpoint resets …`), which
//!   describe what the operation does, not what a reader could do next.

use crate::words::words;

/// What calling an operation may change, from least to most harmful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationRisk {
    /// Reads only: may be called, repeated and probed.
    ReadOnly,
    /// Creates or changes state (a create, an update, an action such as send or run).
    StateChanging,
    /// Changes or ends credentials or sessions (password change, logout, token revocation).
    CredentialChanging,
    /// Deletes, resets, drops, seeds or shuts down: may lose data.
    Destructive,
}

impl OperationRisk {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationRisk::ReadOnly => "read-only",
            OperationRisk::StateChanging => "state-changing",
            OperationRisk::CredentialChanging => "credential-changing",
            OperationRisk::Destructive => "destructive",
        }
    }

    pub fn is_read_only(self) -> bool {
        self == OperationRisk::ReadOnly
    }
}

/// What the model reads about an operation (all optional but the method and the path).
#[derive(Debug, Clone, Default)]
pub struct OperationFacts<'a> {
    pub method: &'a str,
    /// Path template, `{params}` included.
    pub path: &'a str,
    pub operation_id: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Success status codes the spec documents (`201`, `204`, …).
    pub success_statuses: Vec<u16>,
    /// Property names of the request body (top level and nested, any casing).
    pub body_fields: Vec<&'a str>,
    /// Those of `body_fields` the spec types as URLs (`format: uri`, `url`, `iri`).
    pub url_fields: Vec<&'a str>,
    /// The spec requires credentials for the operation (a sign-up is what callers without an
    /// account call).
    pub authenticated: bool,
}

/// The model's verdict on one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAssessment {
    pub risk: OperationRisk,
    /// The operation performs an action on something (send, run, approve, …) rather than
    /// creating or updating a resource with the body it is given.
    pub action: bool,
    /// A login, token or session-creating operation (public by design, writes nothing lasting).
    pub login: bool,
    /// A sign-up (registration, account creation by a caller without one): credential-issuing
    /// like a login, but lasting — the account it opens usually cannot be removed by its caller.
    pub sign_up: bool,
    /// Why, in a few words (`path word "reset"`, `method DELETE`, `operationId starts with "get"`).
    pub reason: String,
}

impl RiskAssessment {
    fn new(risk: OperationRisk, reason: impl Into<String>) -> RiskAssessment {
        RiskAssessment {
            risk,
            action: false,
            login: false,
            sign_up: false,
            reason: reason.into(),
        }
    }
}

/// Verbs that start a reading phrase.
const READ_VERBS: &[&str] = &[
    "get",
    "list",
    "read",
    "fetch",
    "retrieve",
    "return",
    "returns",
    "show",
    "search",
    "find",
    "lookup",
    "look",
    "describe",
    "view",
    "download",
    "check",
    "count",
    "query",
    "head",
    "preview",
    "export",
    "is",
    "has",
    "can",
    "gets",
    "lists",
    "retrieves",
    "fetches",
    "shows",
    "searches",
    "finds",
    "describes",
    "views",
    "downloads",
    "checks",
    "counts",
    "queries",
    "browse",
    "display",
    "load",
    "poll",
    "watch",
    "validate",
    "explain",
    "compare",
    "render",
    "inspect",
    "select",
    "obtain",
    "see",
    "introspect",
    "stat",
    "stats",
    "info",
    "discover",
    "resolve",
    "test",
];

/// Verbs whose call may lose data.
const DESTRUCTIVE_VERBS: &[&str] = &[
    "delete",
    "remove",
    "destroy",
    "drop",
    "purge",
    "wipe",
    "truncate",
    "erase",
    "reset",
    "flush",
    "clear",
    "clean",
    "cleanup",
    "reinit",
    "reinitialize",
    "reinitialise",
    "init",
    "initialize",
    "initialise",
    "seed",
    "reseed",
    "rebuild",
    "recreate",
    "restore",
    "rollback",
    "terminate",
    "kill",
    "shutdown",
    "restart",
    "reboot",
    "uninstall",
    "nuke",
    "evict",
    "deprovision",
    "decommission",
    "factory",
    "empty",
    "rm",
    "del",
    "teardown",
    "unseed",
    "repopulate",
    "populate",
    "bootstrap",
];

/// Verbs that end sessions or change credentials on their own.
const CREDENTIAL_VERBS: &[&str] = &["logout", "logoff", "signout", "revoke", "deauthorize"];

/// Words naming credentials: with a changing verb, or as a body field of an update, they make an
/// operation credential-changing.
const CREDENTIAL_NOUNS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "credential",
    "credentials",
    "mfa",
    "otp",
    "totp",
    "2fa",
    "pin",
    "secret",
    "apikey",
];

/// Verbs that change state without (necessarily) losing data. `action` verbs do something
/// beyond storing the body they are given.
const CHANGE_VERBS: &[(&str, bool)] = &[
    ("create", false),
    ("add", false),
    ("insert", false),
    ("update", false),
    ("upsert", false),
    ("set", false),
    ("edit", false),
    ("modify", false),
    ("change", false),
    ("save", false),
    ("write", false),
    ("put", false),
    ("post", false),
    ("patch", false),
    ("upload", false),
    ("register", false),
    ("signup", false),
    ("new", false),
    ("import", true),
    ("migrate", true),
    ("sync", true),
    ("synchronize", true),
    ("approve", true),
    ("reject", true),
    ("deny", true),
    ("cancel", true),
    ("confirm", true),
    ("verify", true),
    ("trigger", true),
    ("run", true),
    ("rerun", true),
    ("execute", true),
    ("exec", true),
    ("invoke", true),
    ("start", true),
    ("stop", true),
    ("pause", true),
    ("resume", true),
    ("retry", true),
    ("replay", true),
    ("send", true),
    ("resend", true),
    ("notify", true),
    ("email", true),
    ("sms", true),
    ("publish", true),
    ("unpublish", true),
    ("archive", true),
    ("unarchive", true),
    ("enable", true),
    ("disable", true),
    ("activate", true),
    ("deactivate", true),
    ("unregister", true),
    ("subscribe", true),
    ("unsubscribe", true),
    ("follow", true),
    ("unfollow", true),
    ("like", true),
    ("unlike", true),
    ("vote", true),
    ("buy", true),
    ("purchase", true),
    ("pay", true),
    ("charge", true),
    ("refund", true),
    ("transfer", true),
    ("checkout", true),
    ("book", true),
    ("reserve", true),
    ("generate", true),
    ("regenerate", true),
    ("rotate", true),
    ("refresh", true),
    ("reindex", true),
    ("recalculate", true),
    ("recompute", true),
    ("process", true),
    ("submit", true),
    ("apply", true),
    ("assign", true),
    ("unassign", true),
    ("grant", true),
    ("invite", true),
    ("accept", true),
    ("decline", true),
    ("lock", true),
    ("unlock", true),
    ("block", true),
    ("unblock", true),
    ("ban", true),
    ("unban", true),
    ("mark", true),
    ("toggle", true),
    ("increment", true),
    ("decrement", true),
    ("claim", true),
    ("redeem", true),
    ("schedule", true),
    ("reschedule", true),
    ("deploy", true),
    ("redeploy", true),
    ("install", true),
    ("provision", true),
    ("scale", true),
    ("copy", true),
    ("clone", true),
    ("duplicate", true),
    ("move", true),
    ("merge", true),
    ("rename", true),
    ("backup", true),
    ("dispatch", true),
    ("enqueue", true),
    ("emit", true),
    ("fire", true),
    ("ack", true),
    ("acknowledge", true),
    ("dismiss", true),
    ("close", true),
    ("reopen", true),
    ("promote", true),
    ("demote", true),
    ("impersonate", true),
    ("mute", true),
    ("unmute", true),
    ("star", true),
    ("unstar", true),
    ("upvote", true),
    ("downvote", true),
    ("broadcast", true),
    ("expire", true),
    ("suspend", true),
    ("unsuspend", true),
    ("rebase", true),
    ("revert", true),
    ("sign", true),
];

/// Change verbs too ambiguous as a path word (`/add-ons`, `/new`, `/books`, `/copy`): they
/// count in phrases only.
const PHRASE_ONLY: &[&str] = &[
    "add",
    "new",
    "set",
    "like",
    "book",
    "copy",
    "move",
    "close",
    "mark",
    "star",
    "post",
    "put",
    "patch",
    "email",
    "sms",
    "change",
    "scale",
    "fire",
    "sign",
    "empty",
    "factory",
    "del",
    "rm",
    "stat",
    "process",
    "apply",
    "register",
    "save",
    "write",
    "edit",
    "test",
    "block",
    "lock",
    "start",
    "stop",
    "populate",
    "bootstrap",
    "init",
];

/// Words of login, token and session-creating endpoints.
const LOGIN_WORDS: &[&str] = &[
    "login",
    "signin",
    "authenticate",
    "auth",
    "token",
    "tokens",
    "oauth",
    "oauth2",
    "session",
    "sessions",
    "authorize",
];

/// Two-word verbs written apart (`log out`, `sign-out`, `log_in`).
pub(crate) fn join_pairs(ws: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(ws.len());
    let mut i = 0;
    while i < ws.len() {
        let pair = ws.get(i + 1).map(|n| format!("{}{}", ws[i], n));
        match pair.as_deref() {
            Some(
                p @ ("logout" | "logoff" | "signout" | "signin" | "login" | "signup" | "cleanup"
                | "setup" | "teardown" | "shutdown" | "rerun" | "reinit" | "apikey"),
            ) => {
                out.push(p.to_string());
                i += 2;
            }
            _ => {
                out.push(ws[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// The base form of a verb written in the third person (`resets` → `reset`), when the base is in
/// `list`.
fn third_person<'a>(w: &str, list: impl Fn(&str) -> Option<&'a str>) -> Option<&'a str> {
    let stem = w.strip_suffix("es").and_then(&list);
    stem.or_else(|| w.strip_suffix('s').and_then(&list))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Read,
    Destructive,
    Credential,
    Change { action: bool },
}

fn verb_of(w: &str) -> Option<Verb> {
    if READ_VERBS.contains(&w) {
        return Some(Verb::Read);
    }
    if DESTRUCTIVE_VERBS.contains(&w) {
        return Some(Verb::Destructive);
    }
    if CREDENTIAL_VERBS.contains(&w) {
        return Some(Verb::Credential);
    }
    CHANGE_VERBS
        .iter()
        .find(|(v, _)| *v == w)
        .map(|(_, action)| Verb::Change { action: *action })
}

/// A risky (non-read) verb by its base form, or by its third-person form for the verbs whose
/// plural noun is rare in API names (`resets`, `deletes`, `sends`; not `runs`, `transfers`).
fn risky_verb(w: &str, allow_third_person: bool) -> Option<(Verb, String)> {
    if let Some(v) = verb_of(w).filter(|v| *v != Verb::Read) {
        return Some((v, w.to_string()));
    }
    if !allow_third_person {
        return None;
    }
    let base = third_person(w, |b| {
        DESTRUCTIVE_VERBS
            .iter()
            .chain(CREDENTIAL_VERBS)
            .chain(&["create", "send", "execute", "modify"])
            .find(|v| **v == b)
            .copied()
    })?;
    verb_of(base).map(|v| (v, base.to_string()))
}

/// What a phrase (an operationId, a summary) says about the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Said {
    verb: Verb,
    word: String,
    /// The verb leads the phrase (strong evidence); otherwise it only appears in it (weak).
    leading: bool,
}

fn is_method_word(w: &str) -> bool {
    matches!(w, "get" | "post" | "put" | "patch" | "delete" | "head")
}

/// How a phrase reads: by its leading verb, else by any risky verb in it.
fn phrase_verdict(ws: &[String]) -> Option<Said> {
    let first = ws.first()?;
    match verb_of(first) {
        Some(Verb::Read) => {
            // "getAndResetCounters": a destructive second verb joined by and/then still counts.
            for pair in ws.windows(2) {
                if matches!(pair[0].as_str(), "and" | "then")
                    && let Some((v @ (Verb::Destructive | Verb::Credential), w)) =
                        risky_verb(&pair[1], true)
                {
                    return Some(Said {
                        verb: v,
                        word: w,
                        leading: true,
                    });
                }
            }
            Some(Said {
                verb: Verb::Read,
                word: first.clone(),
                leading: true,
            })
        }
        Some(v) => Some(Said {
            verb: v,
            word: first.clone(),
            leading: true,
        }),
        None => {
            if let Some((v, w)) = risky_verb(first, true) {
                return Some(Said {
                    verb: v,
                    word: w,
                    leading: true,
                });
            }
            ws.iter().find_map(|w| {
                risky_verb(w, false)
                    .filter(|(_, b)| !PHRASE_ONLY.contains(&b.as_str()))
                    .map(|(verb, word)| Said {
                        verb,
                        word,
                        leading: false,
                    })
            })
        }
    }
}

/// Lower-case words of an `operationId`: GitHub-style `tag/verb-object` keeps only the part after
/// the last `/` or `.` (the verb leads there).
pub(crate) fn operation_id_words(id: &str) -> Vec<String> {
    let mut tail = id.rsplit(['/', '.']).next().unwrap_or(id);
    // Azure's `Resource_Verb` (`SoftwareUpdateConfigurations_GetByName`): the verb follows `_`.
    if let Some((noun, verb)) = tail.split_once('_')
        && !verb.contains('_')
        && noun.starts_with(|c: char| c.is_ascii_uppercase())
        && verb.starts_with(|c: char| c.is_ascii_uppercase())
        && noun.bytes().any(|b| b.is_ascii_lowercase())
    {
        tail = verb;
    }
    let mut ws = join_pairs(&words(tail));
    // `GET_DeleteAlarms`: an upper-case HTTP method prefixed to the real verb.
    let method_prefix = tail.split(['_', '-']).next().is_some_and(|m| {
        m.len() < tail.len()
            && m.bytes().all(|b| b.is_ascii_uppercase())
            && is_method_word(&m.to_ascii_lowercase())
    });
    if method_prefix && ws.len() > 1 {
        ws.remove(0);
    }
    ws
}

fn path_words(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in path.split(['/', '#', '?', '&', '=']) {
        if seg.is_empty() || seg.starts_with('{') {
            continue;
        }
        out.extend(join_pairs(&words(seg)));
    }
    out
}

/// The first ~2 sentences of a description, in words.
fn description_words(d: &str) -> Vec<String> {
    let end = d
        .char_indices()
        .filter(|(_, c)| *c == '.' || *c == '\n')
        .nth(1)
        .map(|(i, _)| i)
        .unwrap_or(d.len())
        .min(400);
    let end = (0..=end)
        .rev()
        .find(|i| d.is_char_boundary(*i))
        .unwrap_or(0);
    join_pairs(&words(&d[..end]))
}

fn verdict_risk(v: Verb) -> OperationRisk {
    match v {
        Verb::Read => OperationRisk::ReadOnly,
        Verb::Destructive => OperationRisk::Destructive,
        Verb::Credential => OperationRisk::CredentialChanging,
        Verb::Change { .. } => OperationRisk::StateChanging,
    }
}

fn has_credential_noun(ws: &[String]) -> bool {
    ws.iter().any(|w| CREDENTIAL_NOUNS.contains(&w.as_str()))
}

/// The words of an operation, split once.
struct Words {
    path: Vec<String>,
    id: Vec<String>,
    summary: Vec<String>,
    description: Vec<String>,
}

/// Evidence that a read-method operation changes state: `(verb, word, where)`.
fn risky_read_method(w: &Words) -> Option<(Verb, String, &'static str)> {
    let by_id = phrase_verdict(&w.id);
    let by_summary = phrase_verdict(&w.summary);
    let strong = |s: &Option<Said>| s.clone().filter(|s| s.leading);
    // The operationId and the summary, strongest first: when they disagree, a destructive or
    // credential verb wins (`get_drops` vs "Drop rate"... is skipped, and says why); a mere change
    // verb loses to a reading one (`ExecInspect` / "Inspect an exec instance" reads).
    let strongs: Vec<(Said, &'static str)> = [
        (strong(&by_id), "operationId"),
        (strong(&by_summary), "summary"),
    ]
    .into_iter()
    .filter_map(|(s, from)| s.map(|s| (s, from)))
    .collect();
    let says_read = strongs.iter().any(|(s, _)| s.verb == Verb::Read);
    if let Some((s, from)) = strongs
        .iter()
        .filter(|(s, _)| s.verb != Verb::Read)
        .max_by_key(|(s, _)| verdict_risk(s.verb))
        && (!says_read || matches!(s.verb, Verb::Destructive | Verb::Credential))
    {
        return Some((s.verb, s.word.clone(), from));
    }
    if says_read {
        return None;
    }
    // Weak evidence only counts when nothing says the operation reads.
    let weak = |s: Option<Said>, from: &'static str| {
        s.filter(|s| s.verb != Verb::Read)
            .map(|s| (s.verb, s.word, from))
    };
    weak(by_id, "operationId")
        .or_else(|| weak(by_summary, "summary"))
        .or_else(|| {
            w.path.iter().find_map(|x| {
                risky_verb(x, false)
                    .filter(|(_, b)| !PHRASE_ONLY.contains(&b.as_str()))
                    .map(|(v, b)| (v, b, "path"))
            })
        })
        .or_else(|| {
            // Third-person verbs of the description: "This endpoint resets the database".
            w.description.iter().find_map(|x| {
                if verb_of(x).is_some() {
                    return None;
                }
                risky_verb(x, true).map(|(v, b)| (v, b, "description"))
            })
        })
}

/// Assess one operation.
pub fn assess(f: &OperationFacts<'_>) -> RiskAssessment {
    let method = f.method.to_ascii_uppercase();
    let w = Words {
        path: path_words(f.path),
        id: f.operation_id.map(operation_id_words).unwrap_or_default(),
        summary: f.summary.map(|s| join_pairs(&words(s))).unwrap_or_default(),
        description: f.description.map(description_words).unwrap_or_default(),
    };
    let login = w
        .path
        .iter()
        .chain(&w.id)
        .any(|x| LOGIN_WORDS.contains(&x.as_str()))
        && !w
            .path
            .iter()
            .chain(&w.id)
            .any(|x| CREDENTIAL_VERBS.contains(&x.as_str()));
    let mut a = match method.as_str() {
        "GET" | "HEAD" | "OPTIONS" | "TRACE" => match risky_read_method(&w) {
            Some((verb, word, from)) => {
                let ws: &[String] = match from {
                    "operationId" => &w.id,
                    "summary" => &w.summary,
                    "path" => &w.path,
                    _ => &w.description,
                };
                let risk = if has_credential_noun(ws) && verb != Verb::Read {
                    OperationRisk::CredentialChanging
                } else {
                    verdict_risk(verb)
                };
                let mut a =
                    RiskAssessment::new(risk, format!("{method} whose {from} says \"{word}\""));
                a.action = matches!(verb, Verb::Change { action: true });
                a
            }
            None if !f.success_statuses.is_empty()
                && f.success_statuses.iter().all(|s| matches!(s, 201 | 202)) =>
            {
                RiskAssessment::new(
                    OperationRisk::StateChanging,
                    format!(
                        "{method} documented to answer 201/202 (it creates or starts something)"
                    ),
                )
            }
            None => RiskAssessment::new(OperationRisk::ReadOnly, method.clone()),
        },
        "DELETE" => RiskAssessment::new(OperationRisk::Destructive, "method DELETE"),
        _ => assess_write(f, &method, &w, login),
    };
    a.login = login && a.risk != OperationRisk::Destructive && !a.sign_up;
    if a.login && a.risk == OperationRisk::StateChanging {
        a.action = false;
    }
    a
}

/// Verbs that register the caller when nothing else is named as their object (`/register`,
/// `/users/register`, `registerUser`; not `/devices/register`, `registerWebhook`).
const SIGN_UP_VERBS: &[&str] = &["register", "registration", "enroll", "enrol", "join"];

/// Nouns naming the caller's account: the object of a sign-up verb.
const ACCOUNT_NOUNS: &[&str] = &[
    "user",
    "users",
    "account",
    "accounts",
    "member",
    "members",
    "customer",
    "customers",
    "person",
    "people",
    "identity",
    "identities",
];

/// Words that name nothing a sign-up verb could register: API prefixes, versions, articles.
fn is_filler(w: &str) -> bool {
    w.bytes().all(|b| b.is_ascii_digit())
        || matches!(
            w,
            "api"
                | "apis"
                | "v"
                | "rest"
                | "public"
                | "auth"
                | "oauth"
                | "oauth2"
                | "iam"
                | "a"
                | "an"
                | "the"
                | "new"
                | "my"
                | "your"
                | "self"
        )
}

/// Words that end the object of a verb (`register a device for a user`: the object is a device).
pub(crate) fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "for" | "in" | "into" | "to" | "with" | "on" | "at" | "by" | "from" | "of" | "and"
    )
}

/// Words (already through [`join_pairs`]) that say "sign up": `signup` (`sign-up`, `signUp`,
/// `sign_up`), or a sign-up verb (or create/open) whose object is an account — its head noun
/// (`registerOrganizationAdminAccount`), or for a sign-up verb with no object the noun before it
/// (`/users/register`) or nothing at all (`/register`, `/auth/register`).
fn names_sign_up(ws: &[String]) -> Option<String> {
    if ws.iter().any(|w| w == "signup") {
        return Some("signup".into());
    }
    let is_account = |w: &String| ACCOUNT_NOUNS.contains(&w.as_str());
    for (i, w) in ws.iter().enumerate() {
        let sign_up_verb = SIGN_UP_VERBS.contains(&w.as_str());
        if !sign_up_verb && !matches!(w.as_str(), "create" | "open") {
            continue;
        }
        let rest: Vec<&String> = ws[i + 1..].iter().filter(|x| !is_filler(x)).collect();
        let object: Vec<&str> = rest
            .iter()
            .take_while(|x| !is_preposition(x))
            .map(|x| x.as_str())
            .collect();
        let names_account = match (object.last(), sign_up_verb) {
            (Some(head), true) => ACCOUNT_NOUNS.contains(head),
            // Create and open name their object, and only a plain account is a sign-up
            // (`createUser` is an ordinary create, a balance or bank account is not a login).
            (Some(_), false) => matches!(
                object.as_slice(),
                ["account" | "accounts"] | ["user", "account" | "accounts"]
            ),
            // "Enroll in a course", "Registration of vehicles": the object follows elsewhere.
            (None, true) if !rest.is_empty() => false,
            (None, true) => ws[..i]
                .iter()
                .rfind(|x| !is_filler(x))
                .is_none_or(is_account),
            (None, false) => false,
        };
        if names_account {
            return Some(match object.last() {
                Some(head) if !sign_up_verb => format!("{w} {head}"),
                _ => w.clone(),
            });
        }
    }
    None
}

/// Why `f` is a sign-up, if it is: a write to no object in particular (a sign-up opens the
/// caller's own account, under nothing) whose path, operationId or summary title says so, or an
/// unauthenticated POST whose body names an account and sets its password
/// (`POST /v1/accounts {emailAddress, password}`) and that is no login.
fn sign_up(f: &OperationFacts<'_>, method: &str, w: &Words, login: bool) -> Option<String> {
    if !matches!(method, "POST" | "PUT") || f.path.contains('{') {
        return None;
    }
    // A summary is a title: its first words (not "With Connect, you can create accounts…").
    let title = &w.summary[..w.summary.len().min(4)];
    for (ws, from) in [
        (&w.path[..], "path"),
        (&w.id[..], "operationId"),
        (title, "summary"),
    ] {
        if let Some(word) = names_sign_up(ws) {
            return Some(format!("sign-up: {from} says \"{word}\""));
        }
    }
    if method != "POST" || login || f.authenticated {
        return None;
    }
    let fields: Vec<Vec<String>> = f.body_fields.iter().map(|n| words(n)).collect();
    let password = fields.iter().any(|ws| {
        ws.iter()
            .any(|x| matches!(x.as_str(), "password" | "passwd" | "passphrase" | "pwd"))
    });
    let account = fields.iter().any(|ws| {
        ws.iter().any(|x| {
            matches!(
                x.as_str(),
                "email" | "mail" | "username" | "login" | "handle" | "phone"
            )
        }) || matches!(ws.join("_").as_str(), "user" | "user_name")
    });
    (password && account).then(|| {
        "sign-up: an unauthenticated create whose body names an account and sets its password"
            .to_string()
    })
}

/// POST, PUT, PATCH and unknown methods write: which kind of write?
fn assess_write(f: &OperationFacts<'_>, method: &str, w: &Words, login: bool) -> RiskAssessment {
    let said = [
        phrase_verdict(&w.id).map(|s| (s.verb, s.word)),
        phrase_verdict(&w.summary).map(|s| (s.verb, s.word)),
        w.path
            .iter()
            .find_map(|x| risky_verb(x, false).filter(|(_, b)| !PHRASE_ONLY.contains(&b.as_str()))),
    ];
    let strongest = said
        .iter()
        .flatten()
        .filter(|(v, _)| *v != Verb::Read)
        .max_by_key(|(v, _)| verdict_risk(*v));
    let fields: Vec<String> = f
        .body_fields
        .iter()
        .flat_map(|n| join_pairs(&words(n)))
        .collect();
    let registers = w
        .path
        .iter()
        .chain(&w.id)
        .any(|x| matches!(x.as_str(), "register" | "signup" | "registration" | "join"));
    // A create of a user or account carries its first password: not a change of one.
    let creates_account = method == "POST"
        && !f.path.trim_end_matches('/').ends_with('}')
        && w.path
            .last()
            .is_some_and(|x| matches!(x.as_str(), "users" | "accounts" | "members"));
    // A webhook's password is the one its deliveries carry (Adyen's notification subscriptions):
    // registering it changes no caller's credentials.
    let sets_password = fields.iter().any(|x| {
        matches!(
            x.as_str(),
            "password" | "passwd" | "passphrase" | "pwd" | "pin"
        )
    }) && crate::callbacks::registers_url(f).is_none();
    let names_credentials = has_credential_noun(&w.path)
        || has_credential_noun(&w.id)
        || has_credential_noun(&w.summary);
    let signs_up = sign_up(f, method, w, login);
    match strongest {
        Some((Verb::Destructive, x)) if !names_credentials || login => RiskAssessment::new(
            OperationRisk::Destructive,
            format!("{method} whose name says \"{x}\""),
        ),
        Some((Verb::Credential, x)) => RiskAssessment::new(
            OperationRisk::CredentialChanging,
            format!("{method} whose name says \"{x}\""),
        ),
        _ if !login && !registers && names_credentials => RiskAssessment::new(
            OperationRisk::CredentialChanging,
            format!("{method} on credentials"),
        ),
        // Before the password rule: a sign-up carries its first password, it changes none.
        _ if signs_up.is_some() => {
            let why = signs_up.unwrap_or_default();
            let mut a = RiskAssessment::new(OperationRisk::StateChanging, why);
            a.sign_up = true;
            a
        }
        _ if !login && !registers && !creates_account && sets_password => RiskAssessment::new(
            OperationRisk::CredentialChanging,
            format!("{method} whose body sets a password"),
        ),
        // "Subscribe to events" with the URL to call creates a subscription, like `POST /webhooks`.
        Some((Verb::Change { action: true }, x))
            if x == "subscribe" && crate::callbacks::registers_url(f).is_some() =>
        {
            RiskAssessment::new(
                OperationRisk::StateChanging,
                format!("{method} whose name says \"{x}\": it registers a URL to call"),
            )
        }
        Some((Verb::Change { action }, x)) => {
            let mut a = RiskAssessment::new(
                OperationRisk::StateChanging,
                format!("{method} whose name says \"{x}\""),
            );
            a.action = *action;
            a
        }
        _ => RiskAssessment::new(OperationRisk::StateChanging, format!("method {method}")),
    }
}

#[cfg(test)]
mod tests;
