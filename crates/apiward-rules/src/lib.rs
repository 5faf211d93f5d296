//! The registry of apiward rules.
//!
//! Every rule is declared once, here, with its id, category, default severity, CWE and OWASP ids, the
//! access it needs, and its documentation (what it finds, why it matters, an example, how to fix it,
//! and the FastAPI + DynamoDB fix where one applies). Checks refer to these declarations; `apiward
//! rules`, `apiward explain`, `docs/rules/` and the SARIF `tool.driver.rules` are all generated from
//! them. Rules are grouped one file per category under `rules/`; [`sources`] finds the files that
//! implement each rule, spec half and runtime half alike.

use apiward_core::{Category, RuleMeta};

mod docs;
pub mod rules;
pub mod severity;
pub mod sources;

pub use docs::{checks_label, render_index, render_markdown, render_page};
pub use rules::*;

/// Every rule, grouped by category in the fixed category order.
pub fn all() -> &'static [RuleMeta] {
    rules::ALL
}

/// The rule with this id (case-insensitive) or name.
pub fn get(id_or_name: &str) -> Option<&'static RuleMeta> {
    all()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// The rules of one category.
pub fn by_category(c: Category) -> impl Iterator<Item = &'static RuleMeta> {
    all().iter().filter(move |r| r.category == c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use apiward_core::AccessLevel;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for r in all() {
            assert!(ids.insert(r.id), "duplicate id {}", r.id);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
        }
    }

    #[test]
    fn every_category_has_rules_and_docs_are_complete() {
        for c in Category::ALL {
            assert!(by_category(c).count() > 0, "no rule for {c}");
        }
        for r in all() {
            assert!(r.id.starts_with("APIW-"), "{}", r.id);
            assert!(!r.summary.is_empty() && !r.why.is_empty(), "{}", r.id);
            assert!(!r.example.is_empty() && !r.fix.is_empty(), "{}", r.id);
            assert!(!r.cwe.is_empty(), "{} has no CWE", r.id);
            assert!(
                r.owasp.ends_with(":2023") || r.owasp.starts_with("LLM"),
                "{}",
                r.id
            );
            assert!(r.spec_check || r.level != AccessLevel::Static, "{}", r.id);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn every_rule_says_what_makes_it_high_or_low() {
        for r in all() {
            let c = severity::criteria(r.id)
                .unwrap_or_else(|| panic!("{} has no severity criteria", r.id));
            // The default severity the registry declares is one the criteria name.
            let word = match r.default_severity {
                apiward_core::Severity::Critical => "**Critical**",
                apiward_core::Severity::High => "**High**",
                apiward_core::Severity::Medium => "**Medium**",
                apiward_core::Severity::Low => "**Low**",
                apiward_core::Severity::Info => "**Info**",
            };
            assert!(
                c.contains(word) || c.contains(&word.to_lowercase()),
                "{}: default {:?} not named in its criteria",
                r.id,
                r.default_severity
            );
        }
    }

    #[test]
    fn lookup_by_id_or_name() {
        let r = get("apiw-data-001").expect("rule");
        assert_eq!(r.name, "sensitive-data-exposed");
        assert_eq!(
            get("sensitive-data-exposed").map(|r| r.id),
            Some("APIW-DATA-001")
        );
        assert!(get("nope").is_none());
    }
}
