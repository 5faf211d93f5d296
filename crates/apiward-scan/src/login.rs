//! `login:USER:PASSWORD` identities: POST the credentials to the spec's login operation (active
//! mode only) and use the token that comes back as a bearer token. The login response goes into
//! the store like any other, so the token itself is analysed (claims, lifetime, weak secret).

use crate::identity::Auth;
use crate::store::Purpose;
use crate::{Scanner, Send};
use apiward_core::DiagnosticLevel;
use apiward_http::{Method, Request};
use serde_json::{Value, json};

/// The login operation: a POST whose path says login/token/signin and whose body takes a password.
fn find_login(s: &Scanner) -> Option<(usize, String, String, bool)> {
    let spec = s.spec.as_ref()?;
    spec.operations.iter().enumerate().find_map(|(i, op)| {
        if op.method != apiward_spec::Method::Post || op.path.contains('{') {
            return None;
        }
        let p = op.path.to_ascii_lowercase();
        if !["login", "token", "signin", "sign-in", "session", "auth"]
            .iter()
            .any(|w| p.contains(w))
        {
            return None;
        }
        let body = op.request_body.as_ref()?;
        let form = body.content.iter().all(|m| m.media_type.contains("form"));
        let root = body.content.iter().find_map(|m| m.schema)?;
        let names: Vec<String> = spec
            .flatten_properties(root, 1)
            .into_iter()
            .map(|p| p.name)
            .collect();
        let password = names
            .iter()
            .find(|n| n.to_ascii_lowercase().contains("password"))?;
        let user = names.iter().find(|n| {
            let l = n.to_ascii_lowercase();
            l.contains("user") || l.contains("email") || l.contains("login") || l == "name"
        })?;
        Some((i, user.clone(), password.clone(), form))
    })
}

fn token_in(v: &Value) -> Option<String> {
    for k in [
        "access_token",
        "token",
        "id_token",
        "jwt",
        "accessToken",
        "idToken",
    ] {
        if let Some(t) = v.get(k).and_then(Value::as_str) {
            return Some(t.to_string());
        }
    }
    v.get("data").and_then(token_in)
}

pub async fn run(s: &mut Scanner) {
    let wants: Vec<usize> = s
        .identities
        .iter()
        .enumerate()
        .filter(|(_, id)| id.auth.iter().any(|a| matches!(a, Auth::Login { .. })))
        .map(|(i, _)| i)
        .collect();
    if wants.is_empty() {
        return;
    }
    if !s.active {
        s.note(
            DiagnosticLevel::Warning,
            "scan.login-skipped",
            "login identities need --active (logging in POSTs the credentials); they were used without credentials",
        );
        return;
    }
    let Some((op, user_field, pass_field, form)) = find_login(s) else {
        s.note(
            DiagnosticLevel::Warning,
            "scan.login-unavailable",
            "no login operation (a POST to a login/token path taking a password) in the spec; login identities were not used",
        );
        return;
    };
    let path = s
        .spec
        .as_ref()
        .map(|sp| sp.operations[op].path.clone())
        .unwrap_or_default();
    for i in wants {
        let Some((user, password)) = s.identities[i].auth.iter().find_map(|a| match a {
            Auth::Login { user, password } => Some((user.clone(), password.clone())),
            _ => None,
        }) else {
            continue;
        };
        let (ct, body) = if form {
            (
                "application/x-www-form-urlencoded",
                format!(
                    "{}={}&{}={}",
                    crate::plan::encode(&user_field),
                    crate::plan::encode(&user),
                    crate::plan::encode(&pass_field),
                    crate::plan::encode(&password)
                ),
            )
        } else {
            (
                "application/json",
                json!({ user_field.clone(): user, pass_field.clone(): password }).to_string(),
            )
        };
        let name = s.identities[i].name.clone();
        let send = Send {
            purpose: Purpose::Probe,
            op: Some(op),
            path: path.clone(),
            identity: None,
            request: Request::new(Method::POST, s.url(&path))
                .header("content-type", ct)
                .body(body.into_bytes()),
        };
        let token = match s.send(send).await {
            Some(idx) => s.obs(idx).json.as_ref().and_then(token_in),
            None => None,
        };
        match token {
            Some(t) => {
                let id = &mut s.identities[i];
                id.auth.retain(|a| !matches!(a, Auth::Login { .. }));
                id.auth.push(Auth::Bearer(t));
            }
            None => s.note(
                DiagnosticLevel::Warning,
                "scan.login-failed",
                format!("logging in identity `{name}` at POST {path} returned no token"),
            ),
        }
    }
}
