//! Identities: the credentials a scan may use. Values never reach a report or log: requests mark
//! them as secret headers, which the HTTP engine redacts.

use apiward_http::Request;

#[derive(Clone)]
pub enum Auth {
    Bearer(String),
    Basic {
        user: String,
        password: String,
    },
    Header {
        name: String,
        value: String,
    },
    Cookie(String),
    /// API key in a header (`--api-key NAME=VALUE`).
    ApiKey {
        name: String,
        value: String,
    },
    /// Username and password, exchanged for a token at the spec's login operation before the
    /// crawl (`login:USER:PASSWORD`, active mode only: it POSTs the credentials).
    Login {
        user: String,
        password: String,
    },
}

/// A named set of credentials (`alice`, `bob`, or `default` for the single-identity flags).
#[derive(Clone)]
pub struct Identity {
    pub name: String,
    pub auth: Vec<Auth>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print credential values.
        write!(
            f,
            "Identity({}, {} credential(s))",
            self.name,
            self.auth.len()
        )
    }
}

impl Identity {
    /// Attach the credentials to a request as secret (redacted) headers.
    pub fn apply(&self, mut req: Request) -> Request {
        for a in &self.auth {
            req = match a {
                Auth::Bearer(t) => req.secret_header("authorization", format!("Bearer {t}")),
                Auth::Basic { user, password } => req.secret_header(
                    "authorization",
                    format!("Basic {}", base64_std(&format!("{user}:{password}"))),
                ),
                Auth::Header { name, value } => req.secret_header(name.clone(), value.clone()),
                Auth::Cookie(c) => req.secret_header("cookie", c.clone()),
                Auth::ApiKey { name, value } => req.secret_header(name.clone(), value.clone()),
                // Replaced by a bearer token once logged in; until then it adds nothing.
                Auth::Login { .. } => req,
            };
        }
        req
    }

    /// The bearer token, if the identity has one (for JWT analysis and tampering).
    pub fn bearer(&self) -> Option<&str> {
        self.auth.iter().find_map(|a| match a {
            Auth::Bearer(t) => Some(t.as_str()),
            _ => None,
        })
    }

    /// The same identity with its bearer token replaced (for tampered-token probes).
    pub fn with_bearer(&self, token: String) -> Identity {
        let mut auth: Vec<Auth> = self
            .auth
            .iter()
            .filter(|a| !matches!(a, Auth::Bearer(_)))
            .cloned()
            .collect();
        auth.push(Auth::Bearer(token));
        Identity {
            name: format!("{} (tampered)", self.name),
            auth,
        }
    }
}

/// Parse `KIND:VALUE` as used by `--identity NAME=KIND:VALUE`: `bearer:TOKEN`, `basic:USER:PASS`,
/// `cookie:COOKIE`, `header:NAME:VALUE`, `api-key:NAME:VALUE`. A value of the form `env:VAR` is
/// read from the environment, so tokens need not appear on command lines.
pub fn parse_auth(spec: &str) -> Result<Auth, String> {
    let (kind, rest) = spec.split_once(':').ok_or_else(|| {
        "expected KIND:VALUE (bearer:, basic:, cookie:, header:, api-key:, login:)".to_string()
    })?;
    let rest = resolve_env(rest)?;
    match kind {
        "bearer" => Ok(Auth::Bearer(rest)),
        "basic" => {
            let (u, p) = rest
                .split_once(':')
                .ok_or_else(|| "basic needs USER:PASSWORD".to_string())?;
            Ok(Auth::Basic {
                user: u.to_string(),
                password: p.to_string(),
            })
        }
        "cookie" => Ok(Auth::Cookie(rest)),
        "header" => {
            let (n, v) = rest
                .split_once(':')
                .ok_or_else(|| "header needs NAME:VALUE".to_string())?;
            Ok(Auth::Header {
                name: n.trim().to_string(),
                value: v.trim().to_string(),
            })
        }
        "login" => {
            let (u, p) = rest
                .split_once(':')
                .ok_or_else(|| "login needs USER:PASSWORD".to_string())?;
            Ok(Auth::Login {
                user: u.to_string(),
                password: p.to_string(),
            })
        }
        "api-key" | "apikey" => {
            let (n, v) = rest
                .split_once(['=', ':'])
                .ok_or_else(|| "api-key needs NAME=VALUE".to_string())?;
            Ok(Auth::ApiKey {
                name: n.trim().to_string(),
                value: v.trim().to_string(),
            })
        }
        other => Err(format!(
            "unknown credential kind `{other}` (bearer, basic, cookie, header, api-key, login)"
        )),
    }
}

/// Whether a role (or an identity name) names a privileged one: `admin`, `superuser`, `root`,
/// `staff`, `owner`, `manager`, `moderator`, `operator` (any casing, compound: `orgAdmin`).
pub fn privileged_role(role: &str) -> bool {
    apiward_taxonomy::words(role).iter().any(|w| {
        matches!(
            w.as_str(),
            "admin"
                | "admins"
                | "administrator"
                | "superuser"
                | "superadmin"
                | "sudo"
                | "root"
                | "staff"
                | "owner"
                | "manager"
                | "moderator"
                | "operator"
                | "sysadmin"
        )
    })
}

/// `env:NAME` → the variable's value; anything else as is.
pub fn resolve_env(value: &str) -> Result<String, String> {
    match value.strip_prefix("env:") {
        Some(var) => {
            std::env::var(var).map_err(|_| format!("environment variable `{var}` is not set"))
        }
        None => Ok(value.to_string()),
    }
}

fn base64_std(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kinds() {
        assert!(matches!(parse_auth("bearer:abc"), Ok(Auth::Bearer(t)) if t == "abc"));
        assert!(
            matches!(parse_auth("basic:u:p:q"), Ok(Auth::Basic{user, password}) if user == "u" && password == "p:q")
        );
        assert!(
            matches!(parse_auth("api-key:X-Key=v"), Ok(Auth::ApiKey{name, value}) if name == "X-Key" && value == "v")
        );
        assert!(
            matches!(parse_auth("login:alice:pw:with:colons"), Ok(Auth::Login{user, password}) if user == "alice" && password == "pw:with:colons")
        );
        assert!(parse_auth("login:nopassword").is_err());
        assert!(parse_auth("token").is_err());
        assert!(parse_auth("magic:x").is_err());
        assert!(parse_auth("bearer:env:APIWARD_SURELY_UNSET_VAR").is_err());
    }

    #[test]
    fn privileged_roles() {
        for r in ["admin", "orgAdmin", "SUPERUSER", "staff", "site_owner"] {
            assert!(privileged_role(r), "{r}");
        }
        for r in ["user", "member", "alice", "reader", "badminton"] {
            assert!(!privileged_role(r), "{r}");
        }
    }

    #[test]
    fn debug_hides_values() {
        let id = Identity {
            name: "alice".into(),
            auth: vec![Auth::Bearer("s3cr3t-token".into())],
        };
        assert!(!format!("{id:?}").contains("s3cr3t"));
    }
}
