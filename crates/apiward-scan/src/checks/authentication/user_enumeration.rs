//! APIW-AUTH-109 (active): login, password-reset and registration answers that tell existing
//! accounts from unknown ones.
//! Tests: `fires_user_enumeration`, `near_miss_user_enumeration` (tests/identities.rs).

use crate::evidence::{at, response};
use crate::store::Purpose;
use crate::{ScanRequest, Scanner};
use apiward_core::{Confidence, Finding, FindingSource, Severity};
use apiward_http::{Method, Request};
use apiward_rules::authentication as rules;

/// Tries per account in the enumeration comparison (each a failed login or a reset request).
const ENUM_TRIES: usize = 3;

/// What a group of answers says, normalized so that echoes of the user name, numbers and ids do
/// not count as differences.
struct Answers {
    statuses: Vec<u16>,
    shape: Option<Vec<String>>,
    message: Option<String>,
    median_ms: u128,
}

fn shape_of(v: &serde_json::Value, at: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 6 || out.len() > 200 {
        return;
    }
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}.{k}");
                out.push(here.clone());
                shape_of(x, &here, out, depth + 1);
            }
        }
        serde_json::Value::Array(a) => {
            if let Some(x) = a.first() {
                shape_of(x, &format!("{at}[]"), out, depth + 1);
            }
        }
        _ => {}
    }
}

fn normalized_text(body: &[u8], users: &[&str]) -> String {
    let mut t = String::from_utf8_lossy(body).to_ascii_lowercase();
    for u in users {
        t = t.replace(&u.to_ascii_lowercase(), "<user>");
    }
    // Numbers (timestamps, request ids) are noise.
    t.chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn summarize(s: &Scanner, idx: &[usize], users: &[&str]) -> Option<Answers> {
    if idx.is_empty() {
        return None;
    }
    let obs: Vec<&crate::store::Observation> = idx.iter().map(|i| s.obs(*i)).collect();
    let statuses: Vec<u16> = obs.iter().map(|o| o.status()).collect();
    let shapes: Vec<Option<Vec<String>>> = obs
        .iter()
        .map(|o| {
            o.json.as_ref().map(|j| {
                let mut v = Vec::new();
                shape_of(j, "", &mut v, 0);
                v.sort();
                v
            })
        })
        .collect();
    let texts: Vec<String> = obs
        .iter()
        .map(|o| normalized_text(&o.exchange.body, users))
        .collect();
    let mut times: Vec<u128> = obs.iter().map(|o| o.exchange.elapsed.as_millis()).collect();
    times.sort_unstable();
    // A group that does not agree with itself says nothing about the other.
    let shape = shapes
        .windows(2)
        .all(|w| w[0] == w[1])
        .then(|| shapes[0].clone())
        .flatten();
    let message = texts
        .windows(2)
        .all(|w| w[0] == w[1])
        .then(|| texts[0].clone());
    Some(Answers {
        statuses,
        shape,
        message,
        median_ms: times[times.len() / 2],
    })
}

/// Active: `APIW-AUTH-109`. The login operation is asked about a scanner identity's own account
/// and a made-up one, [`ENUM_TRIES`] times each, always with a wrong password; a password-reset
/// *request* operation likewise, for the identity's own address and a made-up `.invalid` one
/// only; a registration operation with a body naming only the account (no password). The guard
/// admits exactly those bodies. The answers are compared.
pub async fn check(s: &mut Scanner, out: &mut Vec<Finding>) {
    let Some(login) = s.logins.op.clone() else {
        return;
    };
    let Some((_, user, password)) = s.logins.credentials.first().cloned() else {
        return;
    };
    let unknown = if user.contains('@') {
        "apiward-nobody-4f2c9@example.invalid".to_string()
    } else {
        "apiward_nobody_4f2c9".to_string()
    };
    // A wrong password that is not the real one.
    let wrong = format!("{password}-apiward-wrong");
    let mut known_idx = Vec::new();
    let mut unknown_idx = Vec::new();
    for _ in 0..ENUM_TRIES {
        for (who, into) in [(&user, &mut known_idx), (&unknown, &mut unknown_idx)] {
            if let Ok(i) = crate::login::send_login(s, &login, "enumeration", who, &wrong).await {
                into.push(i);
            }
        }
    }
    let what = format!("POST {}", login.path);
    compare_accounts(
        s,
        out,
        &what,
        "login",
        &known_idx,
        &unknown_idx,
        [&user, &unknown],
    );
    if user.contains('@') {
        reset_requests(s, out, &user).await;
    }
    registration_probes(s, out, &user).await;
}

/// Password-reset *requests*, only to the identity's own address and a made-up one.
async fn reset_requests(s: &mut Scanner, out: &mut Vec<Finding>, user: &str) {
    let Some((op, path, field)) = reset_request_op(s) else {
        return;
    };
    let unknown = "apiward-nobody-4f2c9@example.invalid";
    s.guard
        .allow_reset_requests(op, vec![user.to_string(), unknown.to_string()], ENUM_TRIES);
    compare_one_member_posts(s, out, (op, &path, &field), "reset", [user, unknown]).await;
}

/// Registration attempts naming only the account (the identity's own, then a made-up one) and
/// no password: nothing can be registered, yet an API that checks "already taken" before it
/// validates the rest answers the two differently.
async fn registration_probes(s: &mut Scanner, out: &mut Vec<Finding>, user: &str) {
    let Some((op, path, field)) = registration_op(s, user.contains('@')) else {
        return;
    };
    let unknown = if user.contains('@') {
        "apiward-nobody-4f2c9@example.invalid"
    } else {
        "apiward_nobody_4f2c9"
    };
    s.guard
        .allow_registration_probes(op, vec![user.to_string(), unknown.to_string()], ENUM_TRIES);
    compare_one_member_posts(s, out, (op, &path, &field), "registration", [user, unknown]).await;
}

/// POST `{field: account}` for the known and the unknown account, [`ENUM_TRIES`] times each (the
/// guard admits exactly these bodies), and compare the answers.
async fn compare_one_member_posts(
    s: &mut Scanner,
    out: &mut Vec<Finding>,
    (op, path, field): (usize, &str, &str),
    label: &str,
    accounts: [&str; 2],
) {
    let mut idx: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..ENUM_TRIES {
        for (k, who) in accounts.iter().enumerate() {
            let body = serde_json::json!({ field: who }).to_string();
            let send = ScanRequest {
                purpose: Purpose::Probe,
                op: Some(op),
                path: path.to_string(),
                identity: None,
                request: Request::new(Method::POST, s.url(path))
                    .header("content-type", "application/json")
                    .body(body.into_bytes()),
            };
            if let Some(i) = s.send(send).await {
                idx[k].push(i);
            }
        }
    }
    let what = format!("POST {path}");
    compare_accounts(s, out, &what, label, &idx[0], &idx[1], accounts);
}

/// The top-level property names of an operation's request body (`None` without a body schema).
fn top_body_names(spec: &apiward_spec::Spec, op: &apiward_spec::Operation) -> Option<Vec<String>> {
    let root = op
        .request_body
        .as_ref()?
        .content
        .iter()
        .find_map(|m| m.schema)?;
    Some(
        spec.flatten_properties(root, 1)
            .into_iter()
            .map(|p| p.name)
            .collect(),
    )
}

/// A sign-up operation (the risk model's `sign_up`: its path, operationId or summary says
/// register or sign up, or its body opens an account): a POST without path parameters with a
/// body field naming the account (an e-mail field when the identity logs in with an address,
/// else a user name or login). `(op, path, account field)`.
fn registration_op(s: &Scanner, by_email: bool) -> Option<(usize, String, String)> {
    let spec = s.spec.as_ref()?;
    spec.operations.iter().enumerate().find_map(|(i, op)| {
        if op.method != apiward_spec::Method::Post || op.path.contains('{') {
            return None;
        }
        if !s.guard.assessment(i).is_some_and(|a| a.sign_up) {
            return None;
        }
        let names = top_body_names(spec, op)?;
        let field = names.into_iter().find(|n| {
            let w = apiward_taxonomy::words(n);
            if by_email {
                w.iter().any(|x| x == "email" || x == "mail")
            } else {
                matches!(
                    w.join("_").as_str(),
                    "username" | "user_name" | "login" | "user" | "handle"
                )
            }
        })?;
        Some((i, op.path.clone(), field))
    })
}

/// A password-reset *request* (not its confirmation): a POST without path parameters whose path
/// says forgot/reset/recover, with one e-mail field and nothing that sets a password or carries
/// a reset token. `(op, path, email field)`.
fn reset_request_op(s: &Scanner) -> Option<(usize, String, String)> {
    let spec = s.spec.as_ref()?;
    spec.operations.iter().enumerate().find_map(|(i, op)| {
        if op.method != apiward_spec::Method::Post || op.path.contains('{') {
            return None;
        }
        let w = apiward_taxonomy::words(&op.path);
        let has = |x: &str| w.iter().any(|y| y == x);
        if !(has("forgot") || has("reset") || has("recover")) {
            return None;
        }
        let names = top_body_names(spec, op)?;
        let sets_secret = names.iter().any(|n| {
            apiward_taxonomy::words(n).iter().any(|x| {
                matches!(
                    x.as_str(),
                    "password" | "pass" | "pwd" | "token" | "code" | "otp" | "secret"
                )
            })
        });
        let email = names.iter().find(|n| {
            apiward_taxonomy::words(n)
                .iter()
                .any(|x| x == "email" || x == "mail")
        })?;
        (!sets_secret && names.len() <= 2).then(|| (i, op.path.clone(), email.clone()))
    })
}

/// Compare the answers for an existing account and an unknown one; one finding when they differ.
#[allow(clippy::too_many_arguments)]
fn compare_accounts(
    s: &Scanner,
    out: &mut Vec<Finding>,
    what: &str,
    label: &str,
    known_idx: &[usize],
    unknown_idx: &[usize],
    users: [&str; 2],
) {
    let (Some(k), Some(u)) = (
        summarize(s, known_idx, &users),
        summarize(s, unknown_idx, &users),
    ) else {
        return;
    };
    // A successful login with a wrong password is another problem, not enumeration.
    if label == "login"
        && k.statuses
            .iter()
            .chain(&u.statuses)
            .any(|c| (200..300).contains(c))
    {
        return;
    }
    let mut differs = Vec::new();
    let modal = |v: &[u16]| {
        let mut best = (0, 0);
        for c in v {
            let n = v.iter().filter(|x| *x == c).count();
            if n > best.1 {
                best = (*c, n);
            }
        }
        best.0
    };
    let (ks, us) = (modal(&k.statuses), modal(&u.statuses));
    if ks != us && k.statuses.iter().all(|c| *c == ks) && u.statuses.iter().all(|c| *c == us) {
        differs.push(format!("status {ks} vs {us}"));
    }
    if let (Some(a), Some(b)) = (&k.shape, &u.shape)
        && a != b
    {
        differs.push("a different body shape".to_string());
    }
    if let (Some(a), Some(b)) = (&k.message, &u.message)
        && a != b
        && differs.is_empty()
    {
        differs.push("a different message".to_string());
    }
    let timing =
        k.median_ms >= 3 * u.median_ms.max(1) + 50 || u.median_ms >= 3 * k.median_ms.max(1) + 50;
    if timing {
        differs.push(format!(
            "median time {} ms vs {} ms",
            k.median_ms, u.median_ms
        ));
    }
    if differs.is_empty() {
        return;
    }
    let only_timing = differs.len() == 1 && timing;
    let (Some(&ki), Some(&ui)) = (known_idx.first(), unknown_idx.first()) else {
        return;
    };
    let (ko, uo) = (s.obs(ki), s.obs(ui));
    let how = match label {
        "login" => "A failed login (wrong password)",
        "registration" => "A registration attempt naming only the account (no password)",
        _ => "A password-reset request",
    };
    out.push(
        Finding::new(
            &rules::USER_ENUMERATION,
            FindingSource::Runtime,
            at(ko),
            label,
            format!("{what} tells existing accounts from unknown ones"),
            format!(
                "{how} for a scanner identity's own account and for a made-up account ({} tries each) differ: {}.",
                known_idx.len().min(unknown_idx.len()),
                differs.join(", ")
            ),
        )
        .severity(if only_timing {
            Severity::Low
        } else {
            Severity::Medium
        })
        .confidence(if only_timing {
            Confidence::Tentative
        } else {
            Confidence::Firm
        })
        .evidence(response(ko, "existing account", &[]))
        .evidence(response(uo, "unknown account", &[])),
    );
}
