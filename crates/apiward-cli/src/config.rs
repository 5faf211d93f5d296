//! `apiward.toml`: project settings, found in the working directory or given with `--config`.
//! Flags on the command line win over the file. Credentials are never read from the file: an
//! identity names the environment variable that holds its secret.

use apiward_core::{Diagnostic, DiagnosticLevel, Finding, Severity};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Base URL for `apiward scan` when none is given.
    pub target: Option<String>,
    /// Spec file or URL.
    pub spec: Option<String>,
    pub context: Option<String>,
    pub fail_on: Option<String>,
    pub threshold: Option<u8>,
    #[serde(default)]
    pub scan: ScanSection,
    #[serde(default)]
    pub identities: Vec<IdentityEntry>,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub suppress: Vec<Suppression>,
    #[serde(default)]
    pub data_types: Vec<DataTypeEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    pub rate: Option<f64>,
    pub concurrency: Option<usize>,
    pub budget: Option<f64>,
    pub timeout: Option<f64>,
    pub max_requests: Option<usize>,
    pub burst: Option<usize>,
    pub gentle: Option<bool>,
    /// Accepted for compatibility and ignored with a warning: writes are turned on only by
    /// `--active` on the command line.
    pub active: Option<bool>,
    /// Operations the risk model would skip, called once (`METHOD /path/glob`).
    #[serde(default)]
    pub include: Vec<String>,
    /// Operations that receive nothing.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[[identities]] name = "alice", kind = "bearer", env = "ALICE_TOKEN"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityEntry {
    pub name: String,
    /// bearer, basic, cookie, header, api-key
    pub kind: String,
    /// Environment variable holding the secret (for basic: `USER:PASSWORD`).
    pub env: String,
    /// Header name for `header` and `api-key`.
    pub header: Option<String>,
}

impl IdentityEntry {
    /// The `KIND:VALUE` form `--identity` takes, with the value from the environment.
    pub fn to_auth_spec(&self) -> Result<String, String> {
        let env = format!("env:{}", self.env);
        match (self.kind.as_str(), &self.header) {
            ("bearer" | "basic" | "cookie", _) => Ok(format!("{}:{env}", self.kind)),
            ("header", Some(h)) => {
                let v = apiward_scan::identity::resolve_env(&env)?;
                Ok(format!("header:{h}:{v}"))
            }
            ("api-key", Some(h)) => {
                let v = apiward_scan::identity::resolve_env(&env)?;
                Ok(format!("api-key:{h}={v}"))
            }
            (k, None) if k == "header" || k == "api-key" => Err(format!(
                "identity `{}`: kind `{k}` needs `header`",
                self.name
            )),
            (k, _) => Err(format!(
                "identity `{}`: unknown kind `{k}` (bearer, basic, cookie, header, api-key)",
                self.name
            )),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// When non-empty, only these rules report.
    #[serde(default)]
    pub enable: Vec<String>,
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule id → severity.
    #[serde(default)]
    pub severity: std::collections::BTreeMap<String, String>,
}

/// A known, accepted finding. Matches by rule and, optionally, method, path and fingerprint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    pub rule: String,
    pub method: Option<String>,
    pub path: Option<String>,
    pub fingerprint: Option<String>,
    /// Why it is accepted (required).
    pub reason: String,
    /// `YYYY-MM-DD`: the suppression stops applying after this day.
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataTypeEntry {
    pub name: String,
    pub regex: String,
    pub validator: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// Load `--config FILE`, or `./apiward.toml` when it exists.
pub fn load(explicit: Option<&Path>) -> Result<Option<(Config, PathBuf)>, String> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from("apiward.toml");
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let cfg: Config = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for s in &cfg.suppress {
        if s.reason.trim().is_empty() {
            return Err(format!(
                "{}: suppression of {} needs a reason",
                path.display(),
                s.rule
            ));
        }
        if let Some(e) = &s.expires {
            parse_date(e)
                .ok_or_else(|| format!("{}: expires `{e}` is not YYYY-MM-DD", path.display()))?;
        }
    }
    for (rule, sev) in &cfg.rules.severity {
        sev.parse::<Severity>()
            .map_err(|e| format!("{}: rules.severity.{rule}: {e}", path.display()))?;
    }
    Ok(Some((cfg, path)))
}

fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    (it.next().is_none() && (1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

fn today() -> (u32, u32, u32) {
    let now = crate::output::now_rfc3339();
    parse_date(&now[..10]).unwrap_or((1970, 1, 1))
}

/// Apply rule selection, severity overrides and suppressions to findings. Returns notes for the
/// report (what was suppressed and why, expired suppressions).
pub fn apply(cfg: &Config, findings: &mut Vec<Finding>) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    let matches_rule = |list: &[String], f: &Finding| {
        list.iter()
            .any(|r| r.eq_ignore_ascii_case(&f.rule_id) || *r == f.rule_name)
    };
    if !cfg.rules.enable.is_empty() {
        findings.retain(|f| matches_rule(&cfg.rules.enable, f));
    }
    findings.retain(|f| !matches_rule(&cfg.rules.disable, f));
    for f in findings.iter_mut() {
        if let Some(sev) = cfg
            .rules
            .severity
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(&f.rule_id) || **r == f.rule_name)
            .and_then(|(_, s)| s.parse::<Severity>().ok())
        {
            f.severity = sev;
        }
    }
    let today = today();
    for s in &cfg.suppress {
        if let Some(exp) = s.expires.as_deref().and_then(parse_date)
            && exp < today
        {
            notes.push(Diagnostic::new(
                DiagnosticLevel::Warning,
                "config.suppression-expired",
                format!(
                    "suppression of {} expired on {}: the findings it covered are reported again",
                    s.rule,
                    s.expires.as_deref().unwrap_or("")
                ),
            ));
            continue;
        }
        let before = findings.len();
        findings.retain(|f| {
            let hit = f.rule_id.eq_ignore_ascii_case(&s.rule)
                && s.method.as_deref().is_none_or(|m| {
                    f.location
                        .method
                        .as_deref()
                        .is_some_and(|fm| fm.eq_ignore_ascii_case(m))
                })
                && s.path
                    .as_deref()
                    .is_none_or(|p| f.location.path.as_deref() == Some(p))
                && s.fingerprint
                    .as_deref()
                    .is_none_or(|fp| f.fingerprint == fp);
            !hit
        });
        let n = before - findings.len();
        if n > 0 {
            notes.push(Diagnostic::new(
                DiagnosticLevel::Note,
                "config.suppressed",
                format!("{n} finding(s) of {} suppressed: {}", s.rule, s.reason),
            ));
        }
    }
    notes
}

/// Custom detector types declared in the file.
pub fn custom_types(cfg: &Config) -> Vec<apiward_detect::CustomType> {
    cfg.data_types
        .iter()
        .map(|d| apiward_detect::CustomType {
            name: d.name.clone(),
            regex: d.regex.clone(),
            validator: d.validator.clone(),
            keywords: d.keywords.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_config_and_rejects_inline_secrets() {
        let text = r#"
            target = "http://127.0.0.1:8000"
            context = "financial"
            [scan]
            rate = 20
            [[identities]]
            name = "alice"
            kind = "bearer"
            env = "ALICE_TOKEN"
            [rules]
            disable = ["APIW-INPUT-001"]
            severity = { "APIW-DATA-104" = "info" }
            [[suppress]]
            rule = "APIW-TLS-101"
            reason = "loopback"
            expires = "2999-01-01"
            [[data_types]]
            name = "employee_id"
            regex = "EMP-[0-9]{6}"
        "#;
        let cfg: Config = toml::from_str(text).expect("config");
        assert_eq!(cfg.identities[0].env, "ALICE_TOKEN");
        let bad = "[[identities]]\nname='a'\nkind='bearer'\nenv='X'\ntoken='secret'\n";
        assert!(
            toml::from_str::<Config>(bad).is_err(),
            "a token in the file must be refused"
        );
    }

    #[test]
    fn suppressions_apply_until_they_expire() {
        let rule = &apiward_rules::encryption::PLAINTEXT_TRANSPORT;
        let mk = || {
            vec![Finding::new(
                rule,
                apiward_core::FindingSource::Runtime,
                apiward_core::Location::default(),
                "",
                "t",
                "m",
            )]
        };
        let live: Config = toml::from_str(
            "[[suppress]]\nrule='APIW-TLS-101'\nreason='dev'\nexpires='2999-12-31'\n",
        )
        .expect("cfg");
        let mut f = mk();
        let notes = apply(&live, &mut f);
        assert!(f.is_empty());
        assert_eq!(notes[0].code, "config.suppressed");
        let expired: Config = toml::from_str(
            "[[suppress]]\nrule='APIW-TLS-101'\nreason='dev'\nexpires='2001-01-01'\n",
        )
        .expect("cfg");
        let mut f = mk();
        let notes = apply(&expired, &mut f);
        assert_eq!(f.len(), 1);
        assert_eq!(notes[0].code, "config.suppression-expired");
    }

    #[test]
    fn severity_overrides_and_disable() {
        let cfg: Config = toml::from_str(
            "[rules]\ndisable=['missing-api-version']\nseverity={'APIW-TLS-101'='critical'}\n",
        )
        .expect("cfg");
        let mut f = vec![
            Finding::new(
                &apiward_rules::encryption::PLAINTEXT_TRANSPORT,
                apiward_core::FindingSource::Runtime,
                apiward_core::Location::default(),
                "",
                "t",
                "m",
            ),
            Finding::new(
                &apiward_rules::inventory::MISSING_API_VERSION,
                apiward_core::FindingSource::Spec,
                apiward_core::Location::default(),
                "",
                "t",
                "m",
            ),
        ];
        apply(&cfg, &mut f);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
    }
}
