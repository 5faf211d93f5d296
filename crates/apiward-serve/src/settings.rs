//! What a schedule scans with: identities given as environment-variable references only
//! (`NAME=KIND:env:VAR`), and include / exclude patterns. Checked when stored; resolved at each
//! run, so a credential lives in the service's environment and never in the database.

use apiward_history::ScanSettings;
use apiward_scan::{Identity, ScanConfig, guard::OpPattern};

/// Identities per schedule (two or more enable the cross-user checks).
pub const MAX_IDENTITIES: usize = 8;
/// Include or exclude patterns per schedule (each).
pub const MAX_PATTERNS: usize = 64;
const MAX_NAME_CHARS: usize = 64;
const MAX_VAR_CHARS: usize = 128;
/// Credential kinds `apiward_scan::parse_auth` understands.
const KINDS: &[&str] = &[
    "bearer", "basic", "cookie", "header", "api-key", "apikey", "login",
];

fn is_var_name(v: &str) -> bool {
    let mut chars = v.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && v.len() <= MAX_VAR_CHARS
}

/// One identity reference, checked; returns (name, `KIND:env:VAR`). Errors never repeat what
/// follows the kind: if it was a literal credential, it is not echoed.
fn split_identity(text: &str) -> Result<(String, String), String> {
    let t = text.trim();
    let (name, auth) = t.split_once('=').ok_or_else(|| {
        "an identity is `NAME=KIND:env:VARIABLE`, e.g. `alice=bearer:env:ALICE_TOKEN`".to_string()
    })?;
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(format!(
            "identity names are 1-{MAX_NAME_CHARS} characters without spaces (in `NAME=KIND:env:VARIABLE`)"
        ));
    }
    let (kind, value) = auth.trim().split_once(':').unwrap_or((auth.trim(), ""));
    let kind = kind.to_ascii_lowercase();
    if !KINDS.contains(&kind.as_str()) {
        return Err(format!(
            "identity `{name}`: unknown credential kind (bearer, basic, cookie, header, api-key or login)"
        ));
    }
    let Some(var) = value.strip_prefix("env:") else {
        return Err(format!(
            "identity `{name}`: give the credential as an environment variable of the service (`{name}={kind}:env:VARIABLE`); literal credentials are refused so that they are never stored in the history database"
        ));
    };
    if !is_var_name(var) {
        return Err(format!(
            "identity `{name}`: `env:` must be followed by an environment variable name (letters, digits and `_`, at most {MAX_VAR_CHARS})"
        ));
    }
    Ok((name.to_string(), format!("{kind}:env:{var}")))
}

/// Check identity references (blank entries dropped); returns them normalised.
pub fn check_identities(list: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for text in list.iter().filter(|t| !t.trim().is_empty()) {
        let (name, auth) = split_identity(text)?;
        if names.contains(&name) {
            return Err(format!("identity `{name}` is given twice"));
        }
        out.push(format!("{name}={auth}"));
        names.push(name);
    }
    if out.len() > MAX_IDENTITIES {
        return Err(format!("at most {MAX_IDENTITIES} identities"));
    }
    Ok(out)
}

/// Check include or exclude patterns (blank entries dropped); returns them trimmed.
pub fn check_patterns(what: &str, list: &[String]) -> Result<Vec<String>, String> {
    let out: Vec<String> = list
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if out.len() > MAX_PATTERNS {
        return Err(format!("{what}: at most {MAX_PATTERNS} patterns"));
    }
    for p in &out {
        if p.len() > apiward_history::MAX_SETTINGS_ITEM_LEN {
            return Err(format!("{what}: a pattern is too long"));
        }
        OpPattern::parse(p).map_err(|e| format!("{what}: {e}"))?;
    }
    Ok(out)
}

/// Check all three lists.
pub fn check(
    identities: &[String],
    include: &[String],
    exclude: &[String],
) -> Result<ScanSettings, String> {
    Ok(ScanSettings {
        identities: check_identities(identities)?,
        include: check_patterns("include", include)?,
        exclude: check_patterns("exclude", exclude)?,
    })
}

/// Put a schedule's identities (read from the environment now) and patterns into a scan's
/// configuration. A missing variable is an error: the run must not fall back to anonymous.
/// Everything is checked again, in case the database was edited by hand.
pub fn apply(settings: &ScanSettings, cfg: &mut ScanConfig) -> Result<(), String> {
    for text in &settings.identities {
        let (name, auth) = split_identity(text)?;
        if cfg.identities.iter().any(|i| i.name == name) {
            return Err(format!("identity `{name}` is given twice"));
        }
        let auth = apiward_scan::parse_auth(&auth).map_err(|e| {
            format!("identity `{name}`: {e} (read from the environment of apiward serve); the scan did not run")
        })?;
        cfg.identities.push(Identity {
            name,
            auth: vec![auth],
        });
    }
    let parse = |what: &str, list: &[String]| -> Result<Vec<OpPattern>, String> {
        list.iter()
            .map(|p| OpPattern::parse(p).map_err(|e| format!("{what}: {e}")))
            .collect()
    };
    cfg.include = parse("include", &settings.include)?;
    cfg.exclude = parse("exclude", &settings.exclude)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn identities_are_references_only() {
        assert_eq!(
            check_identities(&list(&[" alice = bearer:env:ALICE_TOKEN ", ""])),
            Ok(list(&["alice=bearer:env:ALICE_TOKEN"]))
        );
        assert!(check_identities(&list(&["bob=Basic:env:BOB_CREDS"])).is_ok());
        let literal = check_identities(&list(&["alice=bearer:sk_live_abcdef123456"]))
            .expect_err("literal refused");
        assert!(
            literal.contains("literal credentials are refused"),
            "{literal}"
        );
        assert!(
            !literal.contains("sk_live"),
            "the secret is not echoed: {literal}"
        );
        let not_var = check_identities(&list(&["alice=bearer:env:tok-en.value"]))
            .expect_err("not a variable name");
        assert!(!not_var.contains("tok-en"), "{not_var}");
        assert!(check_identities(&list(&["alice"])).is_err());
        assert!(check_identities(&list(&["=bearer:env:X"])).is_err());
        assert!(check_identities(&list(&["alice=magic:env:X"])).is_err());
        assert!(check_identities(&list(&["a=bearer:env:X", "a=bearer:env:Y"])).is_err());
        let nine: Vec<String> = (0..9).map(|i| format!("u{i}=bearer:env:T{i}")).collect();
        assert!(check_identities(&nine).is_err());
    }

    #[test]
    fn patterns_are_checked() {
        assert_eq!(
            check_patterns("exclude", &list(&["/admin/**", " GET /x ", "  "])),
            Ok(list(&["/admin/**", "GET /x"]))
        );
        let e = check_patterns("include", &list(&["FETCH /x"])).expect_err("bad method");
        assert!(
            e.starts_with("include:") && e.contains("unknown method"),
            "{e}"
        );
        assert!(check_patterns("exclude", &list(&["admin"])).is_err());
    }

    #[test]
    fn a_missing_variable_fails_the_run() {
        let settings = ScanSettings {
            identities: list(&["alice=bearer:env:APIWARD_SERVE_TEST_SURELY_UNSET"]),
            ..ScanSettings::default()
        };
        let mut cfg = ScanConfig::new("http://127.0.0.1:9").expect("config");
        let e = apply(&settings, &mut cfg).expect_err("missing variable");
        assert!(
            e.contains("APIWARD_SERVE_TEST_SURELY_UNSET") && e.contains("alice"),
            "{e}"
        );
        assert!(cfg.identities.is_empty());
        // A literal that reached the database some other way is refused at run time too.
        let settings = ScanSettings {
            identities: list(&["alice=bearer:hunter2hunter2"]),
            ..ScanSettings::default()
        };
        assert!(apply(&settings, &mut cfg).is_err());
    }
}
