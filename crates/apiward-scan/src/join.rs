//! One finding per problem: runtime evidence joins the spec finding of the same rule and
//! operation, raising its confidence (and severity, if the runtime half is worse).

use apiward_core::{Finding, FindingSource};

pub fn merge(mut spec_findings: Vec<Finding>, runtime: Vec<Finding>) -> Vec<Finding> {
    let mut out_runtime = Vec::new();
    for r in runtime {
        let target = spec_findings.iter_mut().find(|s| {
            s.rule_id == r.rule_id
                && (s.location.method == r.location.method
                    && same_template(s.location.path.as_deref(), r.location.path.as_deref())
                    || affects(s, &r))
        });
        match target {
            Some(s) => {
                s.source = FindingSource::Both;
                // The runtime half is evidence of its own strength: a tentative runtime match
                // does not make the spec finding certain.
                s.confidence = s.confidence.max(r.confidence);
                if r.severity > s.severity {
                    s.severity = r.severity;
                    s.title = r.title.clone();
                }
                s.message = format!("{} Confirmed at runtime: {}", s.message, r.message);
                s.evidence.extend(r.evidence);
                if s.location.url.is_none() {
                    s.location.url = r.location.url;
                }
            }
            None => out_runtime.push(r),
        }
    }
    spec_findings.extend(out_runtime);
    spec_findings
}

/// A spec finding about a shared declaration lists the operations it affects: runtime evidence
/// at any of them is evidence for it.
fn affects(s: &Finding, r: &Finding) -> bool {
    let (Some(m), Some(p)) = (&r.location.method, &r.location.path) else {
        return false;
    };
    s.location.operations.iter().any(|label| {
        label.split_once(' ').is_some_and(|(lm, lp)| {
            lm.eq_ignore_ascii_case(m) && same_template(Some(lp), Some(p.as_str()))
        })
    })
}

fn same_template(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let strip = |s: &str| {
                let mut out = String::new();
                let mut depth = 0;
                for c in s.chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            out.push('{');
                        }
                        '}' => depth -= 1,
                        _ if depth > 0 => {}
                        _ => out.push(c),
                    }
                }
                out.trim_end_matches('/').to_string()
            };
            strip(a) == strip(b)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apiward_core::{Confidence, Evidence, EvidenceKind, Location, Severity};

    fn f(source: FindingSource, sev: Severity, path: &str) -> Finding {
        let rule = &apiward_rules::data_exposure::SENSITIVE_DATA_EXPOSED;
        Finding::new(rule, source, Location::operation("GET", path), "", "t", "m")
            .severity(sev)
            .evidence(Evidence::new(EvidenceKind::Spec, "e"))
    }

    #[test]
    fn runtime_joins_spec_finding_of_same_rule_and_operation() {
        let spec = vec![f(FindingSource::Spec, Severity::High, "/users/{id}")];
        let rt = vec![
            f(
                FindingSource::Runtime,
                Severity::Critical,
                "/users/{user_id}",
            ),
            f(FindingSource::Runtime, Severity::Low, "/orders/{id}"),
        ];
        let merged = merge(spec, rt);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].source, FindingSource::Both);
        assert_eq!(merged[0].severity, Severity::Critical);
        // Both halves are firm: joining them does not invent certainty.
        assert_eq!(merged[0].confidence, Confidence::Firm);
        assert_eq!(merged[0].evidence.len(), 2);
        assert_eq!(merged[1].source, FindingSource::Runtime);
    }

    #[test]
    fn runtime_joins_the_declaration_finding_that_lists_its_operation() {
        let rule = &apiward_rules::data_exposure::SENSITIVE_DATA_EXPOSED;
        let decl = Finding::new(
            rule,
            FindingSource::Spec,
            Location::default().with_operations(vec![
                "GET /users/{id}".to_string(),
                "GET /users".to_string(),
            ]),
            "decl",
            "t",
            "m",
        );
        let rt = vec![
            f(FindingSource::Runtime, Severity::High, "/users").confidence(Confidence::Certain),
        ];
        let merged = merge(vec![decl], rt);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].source, FindingSource::Both);
        assert_eq!(merged[0].confidence, Confidence::Certain);
    }
}
