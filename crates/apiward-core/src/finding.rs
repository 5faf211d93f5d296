use crate::{AccessLevel, Category, Confidence, Severity};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A rule's declaration: everything known about it before it fires. Declared once, in the registry
/// (`apiward-rules`); checks refer to rules by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable id, e.g. `APIW-DE-001`. Never reused.
    pub id: &'static str,
    /// Short kebab-case name, e.g. `sensitive-response-property`.
    pub name: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    pub cwe: &'static [u32],
    /// OWASP API Security Top 10 2023 id (or OWASP LLM Top 10 for `llm_security`).
    pub owasp: &'static str,
    /// The access the runtime half of the rule needs, or `Static` for a rule that only reads the spec.
    pub level: AccessLevel,
    /// The rule also (or only) reads the spec. A rule with both halves reports one finding per problem:
    /// runtime evidence joins the spec finding of the same operation.
    pub spec_check: bool,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// An example of what triggers it.
    pub example: &'static str,
    /// Generic remediation.
    pub fix: &'static str,
    /// The FastAPI + DynamoDB fix, where the rule applies to that stack.
    pub fastapi_fix: Option<&'static str>,
}

/// Where a finding came from: the spec, a live response, or both joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSource {
    Spec,
    Runtime,
    Both,
}

/// A place in a spec document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpecLocation {
    /// The spec file as the user named it (or relative to the working directory), or a URL.
    pub file: String,
    /// RFC 6901 JSON pointer of the node within `file`.
    pub pointer: String,
    /// 1-based line of the node, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// Where a finding applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// HTTP method in upper case, when the finding is about one operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path template, e.g. `/users/{user_id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<SpecLocation>,
    /// Request URL for runtime evidence (credentials never included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Every operation the finding affects (`GET /users/{id}`), when it belongs to a declaration
    /// shared by several (a component parameter, a schema property) or to the whole API.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
}

impl Location {
    pub fn operation(method: &str, path: &str) -> Self {
        Location {
            method: Some(method.to_ascii_uppercase()),
            path: Some(path.to_string()),
            ..Location::default()
        }
    }

    pub fn with_spec(mut self, file: &str, pointer: &str, line: Option<u32>) -> Self {
        self.spec = Some(SpecLocation {
            file: file.to_string(),
            pointer: pointer.to_string(),
            line,
        });
        self
    }

    pub fn with_url(mut self, url: &str) -> Self {
        self.url = Some(url.to_string());
        self
    }

    pub fn with_operations(mut self, operations: Vec<String>) -> Self {
        self.operations = operations;
        self
    }

    /// `GET /users/{id}`, or the spec pointer, or the URL: a short human label; affected
    /// operations follow compactly (`… — 40 operations: GET /a, GET /b, …`).
    pub fn label(&self) -> String {
        let base = self.base_label();
        let n = self.operations.len();
        let own = match (&self.method, &self.path) {
            (Some(m), Some(p)) => n == 1 && self.operations[0] == format!("{m} {p}"),
            _ => false,
        };
        if n == 0 || own {
            return base;
        }
        let shown: Vec<&str> = self.operations.iter().take(2).map(String::as_str).collect();
        let more = if n > 2 { ", …" } else { "" };
        let noun = if n == 1 { "operation" } else { "operations" };
        format!("{base} — {n} {noun}: {}{more}", shown.join(", "))
    }

    fn base_label(&self) -> String {
        match (&self.method, &self.path) {
            (Some(m), Some(p)) => format!("{m} {p}"),
            (None, Some(p)) => p.clone(),
            _ => match (&self.spec, &self.url) {
                (Some(s), _) => s.pointer.clone(),
                (None, Some(u)) => u.clone(),
                (None, None) => "(api)".to_string(),
            },
        }
    }
}

/// One sensitive value, already masked. The full value never enters a finding unless the user asked
/// for it with `--show-evidence`, in which case `revealed` carries it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MaskedValue {
    /// Data type id from the detector, e.g. `us_ssn`, `email`, `aws_access_key_id`.
    pub data_type: String,
    pub masked: String,
    /// Salted hash so that two findings about the same value correlate without revealing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// JSON key path where the value was found, e.g. `$.items[3].ssn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_path: Option<String>,
    /// The unmasked value: only ever set under `--show-evidence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revealed: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A node of the spec document.
    Spec,
    /// An HTTP exchange observed during a live scan.
    Response,
    /// A fact derived without a request (a decoded token, a cracked secret).
    Analysis,
}

/// One piece of evidence supporting a finding. Every string in it is safe to print: built from masked
/// values and from the target's own strings, which renderers escape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// One line describing what was seen.
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Masked sensitive values behind the summary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<MaskedValue>,
    /// A short masked excerpt (a header, a snippet of an error page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

impl Evidence {
    pub fn new(kind: EvidenceKind, summary: impl Into<String>) -> Self {
        Evidence {
            kind,
            summary: summary.into(),
            request: None,
            status: None,
            values: Vec::new(),
            snippet: None,
        }
    }
}

/// What a check reports. The shape is the JSON report contract (`docs/report-format.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub owasp: String,
    pub title: String,
    pub message: String,
    pub location: Location,
    pub evidence: Vec<Evidence>,
    pub remediation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fastapi_fix: Option<String>,
    pub source: FindingSource,
    /// The operation is absent from the spec (a shadow endpoint or undocumented route).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undocumented: bool,
    /// Stable across re-ordering and unrelated spec edits: see [`fingerprint`].
    pub fingerprint: String,
    /// Set by baseline comparison: `new`, `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<String>,
}

impl Finding {
    /// A finding with the rule's defaults. `discriminator` separates several findings of one rule at
    /// one operation (a property name, a parameter name, a data type); it feeds the fingerprint.
    pub fn new(
        rule: &RuleMeta,
        source: FindingSource,
        location: Location,
        discriminator: &str,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let fingerprint = fingerprint(
            rule.id,
            location.method.as_deref(),
            location.path.as_deref(),
            discriminator,
        );
        Finding {
            rule_id: rule.id.to_string(),
            rule_name: rule.name.to_string(),
            category: rule.category,
            severity: rule.default_severity,
            confidence: Confidence::Firm,
            cwe: rule.cwe.to_vec(),
            owasp: rule.owasp.to_string(),
            title: title.into(),
            message: message.into(),
            location,
            evidence: Vec::new(),
            remediation: rule.fix.to_string(),
            fastapi_fix: rule.fastapi_fix.map(str::to_string),
            source,
            undocumented: false,
            fingerprint,
            baseline_state: None,
        }
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = c;
        self
    }

    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }

    pub fn source(mut self, s: FindingSource) -> Self {
        self.source = s;
        self
    }
}

/// A stable fingerprint: the rule, the operation (method + path template with parameter names
/// erased, so renaming `{id}` to `{user_id}` does not change it) and a discriminator. Nothing that
/// moves when the spec is re-ordered or edited elsewhere (line numbers, pointers) takes part.
pub fn fingerprint(
    rule_id: &str,
    method: Option<&str>,
    path: Option<&str>,
    discriminator: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(method.unwrap_or("").to_ascii_uppercase().as_bytes());
    h.update([0]);
    h.update(normalize_template(path.unwrap_or("")).as_bytes());
    h.update([0]);
    h.update(discriminator.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn normalize_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(ch),
        }
    }
    let trimmed = out.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_parameter_names_and_trailing_slash() {
        let a = fingerprint("R1", Some("get"), Some("/users/{id}"), "ssn");
        let b = fingerprint("R1", Some("GET"), Some("/users/{user_id}/"), "ssn");
        assert_eq!(a, b);
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn labels_list_affected_operations_compactly() {
        let one = Location::operation("GET", "/a").with_operations(vec!["GET /a".to_string()]);
        assert_eq!(one.label(), "GET /a");
        let decl = Location::default()
            .with_spec("s.json", "/components/parameters/owner", Some(3))
            .with_operations(vec!["GET /a".into(), "GET /b".into(), "PUT /c".into()]);
        assert_eq!(
            decl.label(),
            "/components/parameters/owner — 3 operations: GET /a, GET /b, …"
        );
        // Serialized only when present, so older reports read back unchanged.
        let json = serde_json::to_string(&Location::operation("GET", "/a")).unwrap_or_default();
        assert!(!json.contains("operations"), "{json}");
    }

    #[test]
    fn fingerprint_separates_rules_operations_and_discriminators() {
        let base = fingerprint("R1", Some("GET"), Some("/users/{id}"), "ssn");
        assert_ne!(
            base,
            fingerprint("R2", Some("GET"), Some("/users/{id}"), "ssn")
        );
        assert_ne!(
            base,
            fingerprint("R1", Some("PUT"), Some("/users/{id}"), "ssn")
        );
        assert_ne!(base, fingerprint("R1", Some("GET"), Some("/users"), "ssn"));
        assert_ne!(
            base,
            fingerprint("R1", Some("GET"), Some("/users/{id}"), "email")
        );
        // Field separators cannot be forged by shifting text between fields.
        assert_ne!(
            fingerprint("R1", Some("GET"), Some("/a"), "b"),
            fingerprint("R1", Some("GET"), Some("/ab"), "")
        );
    }
}
