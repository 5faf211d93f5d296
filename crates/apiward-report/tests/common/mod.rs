//! Realistic reports for the renderer tests, full of hostile strings.
#![allow(dead_code)]

use apiward_core::score::Context;
use apiward_core::{
    Category, Diagnostic, DiagnosticLevel, Evidence, EvidenceKind, Finding, FindingSource,
    Location, MaskedValue, Report, RequestStats, Severity, Target,
};
use apiward_rules::rules::{
    authentication::*, data_exposure::*, encryption::*, input_validation::*, llm_security::*,
    rate_limiting::*,
};
use std::path::PathBuf;

/// Values that must never appear in any rendered output (only their masked forms may).
pub const SECRETS: &[&str] = &[
    "123-45-6789",
    "jane.doe@example.com",
    "AKIAIOSFODNN7EXAMPLE",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
];

pub const HOSTILE: &str = "pipe | back`tick` new\nline <script>alert(1)</script> \x1b[31mred\x1b[0m ]]> \x00nul\x08 & \"q\" 'a'";

/// The repository root the tests pretend to be in.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn spec_path() -> String {
    repo_root()
        .join("testbed/openapi.yaml")
        .to_string_lossy()
        .into_owned()
}

fn masked(dt: &str, masked: &str, key: &str) -> MaskedValue {
    MaskedValue {
        data_type: dt.to_string(),
        masked: masked.to_string(),
        hash: Some("h:5f1e".to_string()),
        key_path: Some(key.to_string()),
        revealed: None,
    }
}

pub fn findings(with_flaw_a: bool, with_flaw_b: bool) -> Vec<Finding> {
    let spec = spec_path();
    let mut out = Vec::new();

    let mut ev = Evidence::new(
        EvidenceKind::Response,
        "GET /users/1 returned an SSN and an e-mail address",
    );
    ev.request = Some("GET https://api.example.test/users/1".to_string());
    ev.status = Some(200);
    ev.values = vec![
        masked("us_ssn", "***-**-6789", "$.ssn"),
        masked("email", "j***@example.com", "$.contact.email"),
    ];
    ev.snippet = Some("{\"ssn\": \"***-**-6789\"}".to_string());
    out.push(
        Finding::new(
            &SENSITIVE_DATA_EXPOSED,
            FindingSource::Both,
            Location::operation("GET", "/users/{user_id}")
                .with_spec(&spec, "/paths/~1users~1{user_id}/get", Some(42))
                .with_url("https://api.example.test/users/1?x=<script>alert(1)</script>"),
            "us_ssn",
            "Social security numbers in the response",
            format!("The response exposes SSNs. {HOSTILE}"),
        )
        .severity(Severity::Critical)
        .evidence(ev),
    );

    let mut ev = Evidence::new(EvidenceKind::Response, "An AWS key id in an error page");
    ev.values = vec![masked(
        "aws_access_key_id",
        "AKIA************MPLE",
        "$.debug.key",
    )];
    out.push(
        Finding::new(
            &SECRET_IN_RESPONSE,
            FindingSource::Runtime,
            Location::operation("POST", "/orders").with_url("https://api.example.test/orders"),
            "aws_access_key_id",
            "A secret in a response",
            "An AWS access key id was returned.",
        )
        .evidence(ev),
    );

    out.push(
        Finding::new(
            &OPERATION_WITHOUT_SECURITY,
            FindingSource::Spec,
            Location::operation("DELETE", "/users/{user_id}").with_spec(
                &spec,
                "/paths/~1users~1{user_id}/delete",
                Some(77),
            ),
            "",
            format!("No security on a delete {HOSTILE}"),
            format!("Operation has no security requirement: {HOSTILE}"),
        )
        .evidence(Evidence::new(
            EvidenceKind::Spec,
            format!("security: [] at line 77 {HOSTILE}"),
        )),
    );

    out.push(
        Finding::new(
            &UNBOUNDED_STRING_INPUT,
            FindingSource::Spec,
            Location::operation("POST", "/search|x`y`").with_spec(
                "https://specs.example.test/openapi.json",
                "/paths/~1search/post",
                Some(12),
            ),
            "q",
            "String input without maxLength",
            "Parameter `q` has no maxLength.\nSecond line | with pipe",
        )
        .severity(Severity::Medium),
    );

    out.push(
        Finding::new(
            &LIST_WITHOUT_LIMIT,
            FindingSource::Spec,
            Location::operation("GET", "/orders").with_spec(
                &spec,
                "/paths/~1orders/get",
                Some(120),
            ),
            "",
            "List operation without a limit",
            "GET /orders returns an unbounded list.",
        )
        .severity(Severity::Low),
    );

    out.push(
        Finding::new(
            &SERVER_VERSION_DISCLOSED,
            FindingSource::Runtime,
            Location::operation("GET", "/").with_url("https://api.example.test/"),
            "server",
            "Server version disclosed",
            "Server: nginx/1.18.0",
        )
        .severity(Severity::Info),
    );

    out.push(Finding::new(
        &PROMPT_INJECTION,
        FindingSource::Runtime,
        Location::operation("POST", "/chat").with_spec(
            "/elsewhere/outside-the-repo.yaml",
            "/paths/~1chat/post",
            Some(5),
        ),
        "",
        "Prompt injection",
        "The model followed injected instructions.",
    ));

    if with_flaw_a {
        out.push(
            Finding::new(
                &API_KEY_IN_QUERY,
                FindingSource::Spec,
                Location::operation("GET", "/reports").with_spec(
                    &spec,
                    "/paths/~1reports/get",
                    Some(150),
                ),
                "api_key",
                "API key in the query string",
                "The api_key parameter is sent in the query.",
            )
            .severity(Severity::High),
        );
    }
    if with_flaw_b {
        out.push(Finding::new(
            &HTTP_SERVER_URL,
            FindingSource::Spec,
            Location::default()
                .with_spec(&spec, "/servers/0", Some(8))
                // A finding about a shared declaration lists the operations it affects.
                .with_operations(vec![
                    "GET /users/{user_id}".to_string(),
                    "POST /orders".to_string(),
                    format!("GET /x{HOSTILE}"),
                ]),
            "http://api.example.test",
            "Server URL uses http",
            "servers[0].url is http://api.example.test",
        ));
    }
    out
}

pub fn report_with(mode: &str, findings: Vec<Finding>) -> Report {
    let mut r = Report::build(
        Target {
            mode: mode.to_string(),
            spec: Some(spec_path()),
            base_url: (mode == "scan").then(|| "https://api.example.test".to_string()),
            api_title: Some(format!("Shop API {HOSTILE}")),
            api_version: Some("1.0".to_string()),
            spec_version: Some("3.1.0".to_string()),
            operations: 14,
        },
        findings,
        vec![
            {
                let mut d = Diagnostic::new(
                    DiagnosticLevel::Warning,
                    "spec.duplicate-key",
                    format!("duplicate key {HOSTILE}"),
                );
                d.file = Some(spec_path());
                d.line = Some(3);
                d
            },
            Diagnostic::new(
                DiagnosticLevel::Error,
                "http.timeout",
                "GET /slow timed out",
            ),
        ],
        &Category::ALL,
        Context::Public,
    );
    r.started_at = "2025-05-01T12:00:00Z".to_string();
    r.duration_ms = 1234;
    if mode == "scan" {
        let mut s = RequestStats {
            requests: 321,
            bytes_received: 45678,
            errors: 1,
            ..RequestStats::default()
        };
        s.by_method.insert("GET".to_string(), 300);
        r.requests = Some(s);
    }
    r
}

pub fn report(mode: &str) -> Report {
    report_with(mode, findings(true, false))
}

pub fn opts() -> apiward_report::RenderOptions {
    apiward_report::RenderOptions {
        repo_root: Some(repo_root()),
        ..Default::default()
    }
}
