//! The score: per-category 0–100, a weighted overall 0–100 and a grade A–F.
//!
//! The rules are written down in `docs/scoring.md`; the tests below pin them. In short:
//! - each category starts at 100 and loses points per finding by severity
//!   (critical 45, high 25, medium 10, low 3, info 0);
//! - the n-th finding of the same rule in a category counts `1 / 2^(n-1)` of its deduction, so one
//!   problem repeated on 200 routes does not drown everything else;
//! - the overall score is the weighted mean over assessed categories (a category is assessed when a
//!   check of it can reach a verdict at the run's access level — see [`assessed`] — or when it has
//!   findings); the others are "not assessed": no score, out of the mean, and the report says what
//!   would assess them;
//! - caps: any critical finding caps the overall score at 59 (grade F); any high finding at 79 (C).
//! - `--context` multiplies the weights (see [`Context::multiplier`]).

use crate::{Category, Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    F,
}

impl Grade {
    pub fn from_score(score: u8) -> Grade {
        match score {
            90..=100 => Grade::A,
            80..=89 => Grade::B,
            70..=79 => Grade::C,
            60..=69 => Grade::D,
            _ => Grade::F,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

/// The scoring profile chosen with `--context`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Context {
    #[default]
    Public,
    Internal,
    Financial,
    Medical,
}

impl Context {
    pub fn id(self) -> &'static str {
        match self {
            Context::Public => "public",
            Context::Internal => "internal",
            Context::Financial => "financial",
            Context::Medical => "medical",
        }
    }

    /// How this profile scales a category's base weight.
    pub fn multiplier(self, c: Category) -> f64 {
        use Category::*;
        match (self, c) {
            (Context::Public, _) => 1.0,
            (Context::Internal, Inventory) => 0.5,
            (Context::Internal, Encryption | RateLimiting) => 0.75,
            (Context::Internal, _) => 1.0,
            (Context::Financial, DataExposure) => 1.5,
            (Context::Financial, Bola | Encryption | Authentication) => 1.25,
            (Context::Financial, _) => 1.0,
            (Context::Medical, DataExposure) => 1.75,
            (Context::Medical, PropertyAuthorization | Bola) => 1.25,
            (Context::Medical, _) => 1.0,
        }
    }
}

impl FromStr for Context {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "public" => Ok(Context::Public),
            "internal" => Ok(Context::Internal),
            "financial" => Ok(Context::Financial),
            "medical" => Ok(Context::Medical),
            _ => Err(format!(
                "unknown context `{s}` (expected public, internal, financial or medical)"
            )),
        }
    }
}

/// Base weight of each category in the overall mean (they sum to 100).
pub fn base_weight(c: Category) -> f64 {
    use Category::*;
    match c {
        DataExposure => 16.0,
        Authentication => 14.0,
        Bola => 12.0,
        Bfla => 10.0,
        PropertyAuthorization => 10.0,
        RateLimiting => 7.0,
        Encryption => 7.0,
        InputValidation => 6.0,
        Ssrf => 6.0,
        Inventory => 5.0,
        UnsafeConsumption => 4.0,
        LlmSecurity => 3.0,
    }
}

/// Points a finding of this severity takes from its category, before diminishing returns.
pub fn deduction(s: Severity) -> f64 {
    match s {
        Severity::Critical => 45.0,
        Severity::High => 25.0,
        Severity::Medium => 10.0,
        Severity::Low => 3.0,
        Severity::Info => 0.0,
    }
}

pub const CRITICAL_CAP: u8 = 59;
pub const HIGH_CAP: u8 = 79;

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryScore {
    pub category: Category,
    /// `None` when not applicable.
    pub score: Option<u8>,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub overall: u8,
    pub grade: Grade,
    pub cap: Option<String>,
    pub categories: Vec<CategoryScore>,
}

/// What a run had to work with, for deciding which categories it assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// A live scan (false for a spec audit).
    pub live: bool,
    /// Identities handed to the scan (0 = L0, 1 = L1, 2+ = L2).
    pub identities: usize,
    /// `--active`.
    pub active: bool,
}

/// Whether a run with `access` assesses category `c`: some check of the category can reach a
/// verdict. A category not assessed gets no score and stays out of the mean (unless it has
/// findings), instead of scoring a free 100.
///
/// - A spec audit cannot judge object- or function-level authorization (OpenAPI has no roles or
///   owners), SSRF (only a canary shows a fetch) or prompt injection.
/// - A live scan needs two identities for cross-user object access (bola), one identity to try
///   functions as an ordinary user (bfla), and `--active` for the SSRF canary and LLM probes.
pub fn assessed(c: Category, access: Access) -> bool {
    use Category::*;
    match c {
        Bola => access.live && access.identities >= 2,
        Bfla => access.live && access.identities >= 1,
        Ssrf | LlmSecurity => access.live && access.active,
        _ => true,
    }
}

/// The categories a run with `access` assesses.
pub fn assessed_categories(access: Access) -> Vec<Category> {
    Category::ALL
        .into_iter()
        .filter(|c| assessed(*c, access))
        .collect()
}

/// What would assess a category that a run did not.
pub fn assess_with(c: Category) -> &'static str {
    use Category::*;
    match c {
        Bola => "a live scan with two identities of different users (L2: --identity twice)",
        Bfla => "a live scan with an ordinary user's identity (L1 or above)",
        Ssrf => "a live scan with --active (the SSRF canary)",
        LlmSecurity => "a live scan with --active (prompt-injection probes)",
        _ => "a live scan",
    }
}

/// Score findings. `applicable` lists the categories whose checks ran; categories with findings count
/// as applicable whatever it says.
pub fn score(findings: &[Finding], applicable: &[Category], context: Context) -> Score {
    let mut per_cat: BTreeMap<Category, f64> = BTreeMap::new();
    // Deductions per (category, rule), sorted high to low so the worst instance counts fully.
    let mut per_rule: BTreeMap<(Category, &str), Vec<f64>> = BTreeMap::new();
    for f in findings {
        per_rule
            .entry((f.category, f.rule_id.as_str()))
            .or_default()
            .push(deduction(f.severity));
    }
    for ((cat, _), mut ds) in per_rule {
        ds.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = ds
            .iter()
            .enumerate()
            .map(|(i, d)| d / f64::powi(2.0, i.min(30) as i32))
            .sum();
        *per_cat.entry(cat).or_default() += total;
    }

    let mut categories = Vec::with_capacity(12);
    let (mut sum, mut weights) = (0.0, 0.0);
    for c in Category::ALL {
        let weight = base_weight(c) * context.multiplier(c);
        let is_applicable = applicable.contains(&c) || per_cat.contains_key(&c);
        let score = is_applicable.then(|| {
            let s = (100.0 - per_cat.get(&c).copied().unwrap_or(0.0)).clamp(0.0, 100.0);
            s.round() as u8
        });
        if let Some(s) = score {
            sum += f64::from(s) * weight;
            weights += weight;
        }
        categories.push(CategoryScore {
            category: c,
            score,
            weight,
        });
    }
    let mut overall = if weights > 0.0 {
        (sum / weights).round() as u8
    } else {
        100
    };
    let max = findings.iter().map(|f| f.severity).max();
    let mut cap = None;
    if max == Some(Severity::Critical) && overall > CRITICAL_CAP {
        overall = CRITICAL_CAP;
        cap = Some("a critical finding caps the score at 59 (F)".to_string());
    } else if max == Some(Severity::High) && overall > HIGH_CAP {
        overall = HIGH_CAP;
        cap = Some("a high finding caps the score at 79 (C)".to_string());
    }
    Score {
        overall,
        grade: Grade::from_score(overall),
        cap,
        categories,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccessLevel, Location, RuleMeta};

    fn rule(id: &'static str, category: Category, sev: Severity) -> RuleMeta {
        RuleMeta {
            id,
            name: "test",
            category,
            default_severity: sev,
            cwe: &[200],
            owasp: "API3:2023",
            level: AccessLevel::Static,
            spec_check: true,
            summary: "",
            why: "",
            example: "",
            fix: "",
            fastapi_fix: None,
        }
    }

    fn finding(id: &'static str, c: Category, s: Severity, n: usize) -> Finding {
        Finding::new(
            &rule(id, c, s),
            crate::FindingSource::Spec,
            Location::operation("GET", &format!("/r{n}")),
            "",
            "t",
            "m",
        )
    }

    #[test]
    fn no_findings_scores_100_a() {
        let s = score(&[], &Category::ALL, Context::Public);
        assert_eq!(s.overall, 100);
        assert_eq!(s.grade, Grade::A);
        assert!(s.categories.iter().all(|c| c.score == Some(100)));
    }

    #[test]
    fn weights_sum_to_100() {
        let total: f64 = Category::ALL.iter().map(|c| base_weight(*c)).sum();
        assert_eq!(total, 100.0);
    }

    #[test]
    fn repeats_diminish() {
        let one = score(
            &[finding("R", Category::Inventory, Severity::Medium, 0)],
            &[],
            Context::Public,
        );
        let many: Vec<_> = (0..50)
            .map(|i| finding("R", Category::Inventory, Severity::Medium, i))
            .collect();
        let many = score(&many, &[], Context::Public);
        assert_eq!(one.categories[9].score, Some(90));
        // 10 + 5 + 2.5 + ... < 20: fifty repeats cost less than two distinct problems would.
        assert_eq!(many.categories[9].score, Some(80));
    }

    #[test]
    fn critical_caps_grade_at_f() {
        let f = [finding("R", Category::DataExposure, Severity::Critical, 0)];
        let s = score(&f, &Category::ALL, Context::Public);
        assert_eq!(s.overall, CRITICAL_CAP);
        assert_eq!(s.grade, Grade::F);
        assert!(s.cap.is_some());
    }

    #[test]
    fn high_caps_at_c() {
        let f = [finding("R", Category::Inventory, Severity::High, 0)];
        let s = score(&f, &Category::ALL, Context::Public);
        assert_eq!(s.overall, HIGH_CAP);
        assert_eq!(s.grade, Grade::C);
    }

    #[test]
    fn not_applicable_categories_do_not_count() {
        let f = [finding("R", Category::Inventory, Severity::Medium, 0)];
        let only = score(&f, &[], Context::Public);
        assert_eq!(only.overall, 90);
        let all = score(&f, &Category::ALL, Context::Public);
        assert!(all.overall > 90);
        assert_eq!(only.categories[0].score, None);
    }

    #[test]
    fn categories_not_assessed_at_an_access_level_get_no_free_100() {
        let audit = Access {
            live: false,
            identities: 0,
            active: false,
        };
        let cats = assessed_categories(audit);
        for c in [
            Category::Bola,
            Category::Bfla,
            Category::Ssrf,
            Category::LlmSecurity,
        ] {
            assert!(!cats.contains(&c), "{c:?}");
        }
        assert!(cats.contains(&Category::DataExposure));
        let s = score(&[], &cats, Context::Public);
        let bola = s
            .categories
            .iter()
            .find(|c| c.category == Category::Bola)
            .map(|c| c.score);
        assert_eq!(bola, Some(None));
        // L2 with --active assesses everything.
        let full = Access {
            live: true,
            identities: 2,
            active: true,
        };
        assert_eq!(assessed_categories(full).len(), 12);
        let l1 = Access {
            live: true,
            identities: 1,
            active: false,
        };
        assert!(assessed(Category::Bfla, l1) && !assessed(Category::Bola, l1));
        assert!(assess_with(Category::Bola).contains("two identities"));
        // A finding makes a category count whatever the access level.
        let f = finding("R1", Category::Bola, Severity::Medium, 0);
        let s = score(&[f], &cats, Context::Public);
        assert!(
            s.categories
                .iter()
                .any(|c| c.category == Category::Bola && c.score.is_some())
        );
    }

    #[test]
    fn context_changes_weights() {
        let f = [
            finding("R", Category::DataExposure, Severity::Medium, 0),
            finding("S", Category::Inventory, Severity::Low, 0),
        ];
        let public = score(&f, &[], Context::Public);
        let financial = score(&f, &[], Context::Financial);
        let internal = score(&f, &[], Context::Internal);
        // Financial weighs the data-exposure loss more, internal weighs inventory less.
        assert!(financial.overall <= public.overall);
        assert!(internal.overall <= public.overall);
        assert_eq!(Context::Medical.multiplier(Category::DataExposure), 1.75);
    }

    #[test]
    fn grade_bands() {
        assert_eq!(Grade::from_score(90), Grade::A);
        assert_eq!(Grade::from_score(89), Grade::B);
        assert_eq!(Grade::from_score(70), Grade::C);
        assert_eq!(Grade::from_score(60), Grade::D);
        assert_eq!(Grade::from_score(59), Grade::F);
    }
}
