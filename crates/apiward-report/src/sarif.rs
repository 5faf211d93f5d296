//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! - one run; `tool.driver.rules` lists every rule of the registry (plus any rule id a finding carries
//!   that the registry does not know), with help text and markdown generated from the rule docs,
//!   `security-severity` from the default severity and `relationships` to the CWE and OWASP taxa;
//! - `run.taxonomies`: CWE (every CWE referenced), OWASP API Security Top 10 2023, and the OWASP Top 10
//!   for LLM Applications 2025 ids in use;
//! - results point at the spec file (repository-relative, forward slashes) and line; the request URL,
//!   method and path go in `result.properties`. A spec that is a URL or lies outside the repository
//!   root gives a `logicalLocations` entry (the operation) instead of a physical one.

use crate::RenderOptions;
use apiward_core::{Category, DiagnosticLevel, Finding, Report, RuleMeta, Severity};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/apiward/apiward";
/// The key of `result.partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "apiwardFingerprint/v1";

const CWE_INDEX: usize = 0;
const OWASP_API_INDEX: usize = 1;
const OWASP_LLM_INDEX: usize = 2;
const OWASP_API_NAME: &str = "OWASP API Security Top 10";
const OWASP_LLM_NAME: &str = "OWASP Top 10 for LLM Applications";

/// `security-severity` (GitHub's 0.0–10.0 scale) for a severity.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// SARIF `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn owasp_api_title(id: &str) -> Option<&'static str> {
    Some(match id {
        "API1:2023" => "Broken Object Level Authorization",
        "API2:2023" => "Broken Authentication",
        "API3:2023" => "Broken Object Property Level Authorization",
        "API4:2023" => "Unrestricted Resource Consumption",
        "API5:2023" => "Broken Function Level Authorization",
        "API6:2023" => "Unrestricted Access to Sensitive Business Flows",
        "API7:2023" => "Server Side Request Forgery",
        "API8:2023" => "Security Misconfiguration",
        "API9:2023" => "Improper Inventory Management",
        "API10:2023" => "Unsafe Consumption of APIs",
        _ => return None,
    })
}

fn owasp_llm_title(id: &str) -> Option<&'static str> {
    Some(match id.split(':').next().unwrap_or("") {
        "LLM01" => "Prompt Injection",
        "LLM02" => "Sensitive Information Disclosure",
        "LLM03" => "Supply Chain",
        "LLM04" => "Data and Model Poisoning",
        "LLM05" => "Improper Output Handling",
        "LLM06" => "Excessive Agency",
        "LLM07" => "System Prompt Leakage",
        "LLM08" => "Vector and Embedding Weaknesses",
        "LLM09" => "Misinformation",
        "LLM10" => "Unbounded Consumption",
        _ => return None,
    })
}

fn is_llm(owasp: &str) -> bool {
    owasp.starts_with("LLM")
}

/// The taxa referenced by the rules and findings, with their index in each taxonomy.
struct Taxa {
    cwe: Vec<u32>,
    api: Vec<String>,
    llm: Vec<String>,
}

impl Taxa {
    fn collect(rules: &[RuleDesc], findings: &[Finding]) -> Taxa {
        let mut cwe = BTreeSet::new();
        let mut api: BTreeSet<String> = (1..=10).map(|n| format!("API{n}:2023")).collect();
        let mut llm = BTreeSet::new();
        let mut owasp = |o: &str| {
            if o.is_empty() {
            } else if is_llm(o) {
                llm.insert(o.to_string());
            } else {
                api.insert(o.to_string());
            }
        };
        for r in rules {
            cwe.extend(r.cwe.iter().copied());
            owasp(&r.owasp);
        }
        for f in findings {
            cwe.extend(f.cwe.iter().copied());
            owasp(&f.owasp);
        }
        let mut api: Vec<String> = api.into_iter().collect();
        // API1..API10 in numeric order, then anything else.
        api.sort_by_key(|id| {
            let n = id
                .strip_prefix("API")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(u32::MAX);
            (n, id.clone())
        });
        Taxa {
            cwe: cwe.into_iter().collect(),
            api,
            llm: llm.into_iter().collect(),
        }
    }

    fn relationships(&self, cwe: &[u32], owasp: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for c in cwe {
            if let Some(i) = self.cwe.iter().position(|x| x == c) {
                out.push(json!({
                    "target": {"id": format!("CWE-{c}"), "index": i,
                               "toolComponent": {"name": "CWE", "index": CWE_INDEX}},
                    "kinds": ["superset"]
                }));
            }
        }
        let (list, name, index) = if is_llm(owasp) {
            (&self.llm, OWASP_LLM_NAME, OWASP_LLM_INDEX)
        } else {
            (&self.api, OWASP_API_NAME, OWASP_API_INDEX)
        };
        if let Some(i) = list.iter().position(|x| x == owasp) {
            out.push(json!({
                "target": {"id": owasp, "index": i, "toolComponent": {"name": name, "index": index}},
                "kinds": ["superset"]
            }));
        }
        out
    }

    fn taxonomies(&self) -> Value {
        let cwe_taxa: Vec<Value> = self
            .cwe
            .iter()
            .map(|c| {
                json!({
                    "id": format!("CWE-{c}"),
                    "name": format!("CWE-{c}"),
                    "helpUri": format!("https://cwe.mitre.org/data/definitions/{c}.html")
                })
            })
            .collect();
        let api_taxa: Vec<Value> = self
            .api
            .iter()
            .map(|id| {
                json!({
                    "id": id,
                    "name": owasp_api_title(id).unwrap_or(id),
                    "shortDescription": {"text": format!("{id} {}", owasp_api_title(id).unwrap_or(""))
                        .trim_end().to_string()},
                    "helpUri": "https://owasp.org/API-Security/editions/2023/en/0x11-t10/"
                })
            })
            .collect();
        let llm_taxa: Vec<Value> = self
            .llm
            .iter()
            .map(|id| {
                json!({
                    "id": id,
                    "name": owasp_llm_title(id).unwrap_or(id),
                    "helpUri": "https://genai.owasp.org/llm-top-10/"
                })
            })
            .collect();
        json!([
            {
                "name": "CWE",
                "version": "4.16",
                "organization": "MITRE",
                "informationUri": "https://cwe.mitre.org/",
                "shortDescription": {"text": "The MITRE Common Weakness Enumeration"},
                "isComprehensive": false,
                "taxa": cwe_taxa
            },
            {
                "name": OWASP_API_NAME,
                "version": "2023",
                "organization": "OWASP",
                "informationUri": "https://owasp.org/API-Security/editions/2023/en/0x11-t10/",
                "shortDescription": {"text": "OWASP API Security Top 10 2023"},
                "isComprehensive": true,
                "taxa": api_taxa
            },
            {
                "name": OWASP_LLM_NAME,
                "version": "2025",
                "organization": "OWASP",
                "informationUri": "https://genai.owasp.org/llm-top-10/",
                "shortDescription": {"text": "OWASP Top 10 for LLM Applications 2025"},
                "isComprehensive": false,
                "taxa": llm_taxa
            }
        ])
    }
}

/// A rule as SARIF needs it: from the registry, or reconstructed from a finding whose rule the
/// registry does not know.
struct RuleDesc {
    id: String,
    name: String,
    category: Category,
    severity: Severity,
    cwe: Vec<u32>,
    owasp: String,
    short: String,
    full: String,
    help_text: String,
    help_markdown: String,
    known: bool,
}

impl RuleDesc {
    fn from_meta(r: &RuleMeta) -> RuleDesc {
        let mut help = format!(
            "{}\n\nWhy it matters: {}\n\nExample: {}\n\nHow to fix: {}",
            r.summary, r.why, r.example, r.fix
        );
        if let Some(f) = r.fastapi_fix {
            help.push_str(&format!("\n\nFastAPI + DynamoDB: {f}"));
        }
        RuleDesc {
            id: r.id.to_string(),
            name: r.name.to_string(),
            category: r.category,
            severity: r.default_severity,
            cwe: r.cwe.to_vec(),
            owasp: r.owasp.to_string(),
            short: r.summary.to_string(),
            full: format!("{} {}", r.summary, r.why),
            help_text: help,
            help_markdown: apiward_rules::render_markdown(r),
            known: true,
        }
    }

    fn from_finding(f: &Finding) -> RuleDesc {
        let short = if f.title.is_empty() {
            f.rule_id.clone()
        } else {
            f.title.clone()
        };
        let help = if f.remediation.is_empty() {
            short.clone()
        } else {
            format!("{short}\n\nHow to fix: {}", f.remediation)
        };
        RuleDesc {
            id: f.rule_id.clone(),
            name: f.rule_name.clone(),
            category: f.category,
            severity: f.severity,
            cwe: f.cwe.clone(),
            owasp: f.owasp.clone(),
            full: short.clone(),
            short,
            help_markdown: help.clone(),
            help_text: help,
            known: false,
        }
    }

    fn to_json(&self, taxa: &Taxa) -> Value {
        let mut tags = vec![
            "security".to_string(),
            self.category.id().to_string(),
            format!("OWASP-{}", self.owasp),
        ];
        tags.extend(self.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")));
        let mut v = json!({
            "id": self.id,
            "shortDescription": {"text": non_empty(&self.short, &self.id)},
            "fullDescription": {"text": non_empty(&self.full, &self.id)},
            "help": {"text": non_empty(&self.help_text, &self.id), "markdown": non_empty(&self.help_markdown, &self.id)},
            "defaultConfiguration": {"level": level(self.severity)},
            "properties": {
                "tags": tags,
                "security-severity": security_severity(self.severity),
                "precision": "high",
                "category": self.category.id(),
                "owasp": self.owasp,
                "cwe": self.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>(),
            },
        });
        let obj = v.as_object_mut().expect("object literal");
        if !self.name.is_empty() {
            obj.insert("name".into(), Value::String(self.name.clone()));
        }
        if self.known {
            obj.insert(
                "helpUri".into(),
                Value::String(format!(
                    "{INFORMATION_URI}/blob/main/docs/rules/{}.md",
                    crate::escape::uri_path(&self.id)
                )),
            );
        }
        let rel = taxa.relationships(&self.cwe, &self.owasp);
        if !rel.is_empty() {
            obj.insert("relationships".into(), Value::Array(rel));
        }
        v
    }
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.trim().is_empty() { fallback } else { s }
}

/// Does this look like a URL (`scheme:` with a scheme of two or more characters, so Windows drive
/// letters do not count)?
fn is_url(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i >= 2 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// Lexically normalise an absolute path: drop `.`, resolve `..`.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    if p.is_absolute() {
        normalize(p)
    } else {
        normalize(&cwd.join(p))
    }
}

/// The spec file's path relative to the repository root, with forward slashes and percent-encoded
/// for a URI reference; `None` when it is a URL, lies outside the root, or is empty.
pub fn repo_relative_uri(file: &str, repo_root: Option<&Path>) -> Option<String> {
    let file = file.trim();
    if file.is_empty() || file == "-" || is_url(file) || file.contains('\0') {
        return None;
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let root = absolute(repo_root.unwrap_or(&cwd), &cwd);
    let path = absolute(Path::new(file), &cwd);
    let rel = match path.strip_prefix(&root) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // Symlinked roots (`/tmp` → `/private/tmp`): compare canonical forms when both exist.
            let (p, r) = (path.canonicalize().ok()?, root.canonicalize().ok()?);
            p.strip_prefix(&r).ok()?.to_path_buf()
        }
    };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.replace('\\', "/")),
            _ => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(crate::escape::uri_path(&parts.join("/")))
}

fn logical_location(label: &str) -> Value {
    json!({"name": label, "fullyQualifiedName": label, "kind": "resource"})
}

fn result_locations(f: &Finding, fallback_spec: Option<&str>, opts: &RenderOptions) -> Vec<Value> {
    let label = f.location.label();
    let root = opts.repo_root.as_deref();
    let physical = match &f.location.spec {
        Some(s) => repo_relative_uri(&s.file, root).map(|uri| {
            let mut p = json!({"artifactLocation": {"uri": uri}});
            if let Some(line) = s.line.filter(|l| *l >= 1) {
                p["region"] = json!({"startLine": line});
            }
            p
        }),
        // A runtime-only finding of a scan that was given a local spec: point at the spec file.
        None => fallback_spec
            .and_then(|file| repo_relative_uri(file, root))
            .map(|uri| json!({"artifactLocation": {"uri": uri}, "region": {"startLine": 1}})),
    };
    let mut loc = Map::new();
    if let Some(p) = physical {
        loc.insert("physicalLocation".into(), p);
    }
    loc.insert(
        "logicalLocations".into(),
        Value::Array(vec![logical_location(&label)]),
    );
    vec![Value::Object(loc)]
}

fn result_json(f: &Finding, rule_index: usize, report: &Report, opts: &RenderOptions) -> Value {
    let text = if f.message.trim().is_empty() {
        non_empty(&f.title, &f.rule_id).to_string()
    } else if f.title.trim().is_empty() || f.message.starts_with(&f.title) {
        f.message.clone()
    } else {
        format!("{}: {}", f.title, f.message)
    };
    let mut props = Map::new();
    props.insert("severity".into(), json!(f.severity.id()));
    props.insert("confidence".into(), json!(f.confidence.id()));
    props.insert("category".into(), json!(f.category.id()));
    props.insert("source".into(), json!(f.source));
    props.insert("owasp".into(), json!(f.owasp));
    props.insert(
        "cwe".into(),
        json!(f.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>()),
    );
    if let Some(m) = &f.location.method {
        props.insert("method".into(), json!(m));
    }
    if let Some(p) = &f.location.path {
        props.insert("path".into(), json!(p));
    }
    if let Some(u) = &f.location.url {
        props.insert("url".into(), json!(u));
    }
    if let Some(s) = &f.location.spec {
        props.insert("specFile".into(), json!(s.file));
        props.insert("specPointer".into(), json!(s.pointer));
    }
    if f.undocumented {
        props.insert("undocumented".into(), json!(true));
    }
    // Evidence summaries and masked values only (revealed values only if the report carries them).
    let evidence: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| {
            let mut ev = json!({"kind": e.kind, "summary": e.summary});
            if let Some(r) = &e.request {
                ev["request"] = json!(r);
            }
            if let Some(s) = e.status {
                ev["status"] = json!(s);
            }
            if !e.values.is_empty() {
                ev["values"] = json!(e.values);
            }
            if let Some(s) = &e.snippet {
                ev["snippet"] = json!(s);
            }
            ev
        })
        .collect();
    if !evidence.is_empty() {
        props.insert("evidence".into(), Value::Array(evidence));
    }
    if !f.remediation.is_empty() {
        props.insert("remediation".into(), json!(f.remediation));
    }

    let mut r = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": level(f.severity),
        "message": {"text": text},
        "locations": result_locations(f, report.target.spec.as_deref(), opts),
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": Value::Object(props),
    });
    if let Some(state) = f.baseline_state.as_deref() {
        let s = match state {
            "new" => Some("new"),
            "unchanged" => Some("unchanged"),
            "updated" => Some("updated"),
            "absent" | "fixed" => Some("absent"),
            _ => None,
        };
        if let Some(s) = s {
            r["baselineState"] = json!(s);
        }
    }
    r
}

/// Looks like an RFC 3339 UTC time SARIF's `date-time` accepts (`2024-05-01T12:00:00Z` …).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
        && b[16] == b':'
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        && (s.ends_with('Z') || s.ends_with('z') || s[19..].contains(['+', '-']))
}

/// Render the SARIF log (pretty JSON).
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut s =
        serde_json::to_string_pretty(&to_value(report, opts)).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &Report, opts: &RenderOptions) -> Value {
    let mut rules: Vec<RuleDesc> = apiward_rules::all()
        .iter()
        .map(RuleDesc::from_meta)
        .collect();
    let mut index: BTreeMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for f in &report.findings {
        if !index.contains_key(&f.rule_id) {
            index.insert(f.rule_id.clone(), rules.len());
            rules.push(RuleDesc::from_finding(f));
        }
    }
    let taxa = Taxa::collect(&rules, &report.findings);
    let rules_json: Vec<Value> = rules.iter().map(|r| r.to_json(&taxa)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result_json(f, index[&f.rule_id], report, opts))
        .collect();

    let mut invocation = json!({"executionSuccessful": true});
    if is_rfc3339(&report.started_at) {
        invocation["startTimeUtc"] = json!(report.started_at);
    }
    let notes: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut n = json!({
                "level": match d.level {
                    DiagnosticLevel::Error => "error",
                    DiagnosticLevel::Warning => "warning",
                    DiagnosticLevel::Note => "note",
                },
                "message": {"text": non_empty(&d.message, &d.code)},
                "descriptor": {"id": non_empty(&d.code, "apiward")},
            });
            if let Some(uri) = d
                .file
                .as_deref()
                .and_then(|f| repo_relative_uri(f, opts.repo_root.as_deref()))
            {
                let mut p = json!({"artifactLocation": {"uri": uri}});
                if let Some(l) = d.line.filter(|l| *l >= 1) {
                    p["region"] = json!({"startLine": l});
                }
                n["locations"] = json!([{"physicalLocation": p}]);
            }
            n
        })
        .collect();
    if !notes.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notes);
    }

    let mode = if report.target.mode.is_empty() {
        "report"
    } else {
        &report.target.mode
    };
    let mut run_props = json!({
        "mode": mode,
        "score": report.score.overall,
        "grade": report.score.grade.letter(),
        "context": report.score.context,
        "containsSensitiveData": report.contains_sensitive_data,
    });
    if let Some(u) = &report.target.base_url {
        run_props["target"] = json!(u);
    }
    if let Some(sp) = &report.target.spec {
        run_props["spec"] = json!(sp);
    }
    if !report.fixed.is_empty() {
        run_props["fixedFingerprints"] = json!(
            report
                .fixed
                .iter()
                .map(|f| &f.fingerprint)
                .collect::<Vec<_>>()
        );
    }

    let name = non_empty(&report.tool.name, "apiward");
    let version = non_empty(&report.tool.version, env!("CARGO_PKG_VERSION"));
    json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": name,
                    "version": version,
                    "semanticVersion": version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules_json,
                    "supportedTaxonomies": [
                        {"name": "CWE", "index": CWE_INDEX},
                        {"name": OWASP_API_NAME, "index": OWASP_API_INDEX},
                        {"name": OWASP_LLM_NAME, "index": OWASP_LLM_INDEX},
                    ],
                }
            },
            "automationDetails": {"id": format!("apiward/{}/", crate::escape::uri_path(mode))},
            "invocations": [invocation],
            "taxonomies": taxa.taxonomies(),
            "results": results,
            "properties": run_props,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let root = Path::new("/repo");
        assert_eq!(
            repo_relative_uri("/repo/specs/api.yaml", Some(root)).as_deref(),
            Some("specs/api.yaml")
        );
        assert_eq!(
            repo_relative_uri("/repo/specs/../openapi.json", Some(root)).as_deref(),
            Some("openapi.json")
        );
        assert_eq!(repo_relative_uri("/elsewhere/api.yaml", Some(root)), None);
        assert_eq!(
            repo_relative_uri("https://x.test/openapi.json", Some(root)),
            None
        );
        assert_eq!(repo_relative_uri("file:///repo/a.yaml", Some(root)), None);
        assert_eq!(repo_relative_uri("/repo", Some(root)), None);
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            repo_relative_uri("specs/my api.yaml", Some(&cwd)).as_deref(),
            Some("specs/my%20api.yaml")
        );
        assert_eq!(repo_relative_uri("../x.yaml", Some(&cwd)), None);
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::High), "8.0");
        assert!(is_rfc3339("2024-05-01T12:00:00Z"));
        assert!(is_rfc3339("2024-05-01T12:00:00.123+02:00"));
        assert!(!is_rfc3339("yesterday"));
    }
}
