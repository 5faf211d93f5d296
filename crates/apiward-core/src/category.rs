use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The twelve fixed check categories. Their ids appear in JSON, SARIF and the score and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Authentication,
    Bola,
    Bfla,
    PropertyAuthorization,
    InputValidation,
    RateLimiting,
    DataExposure,
    Encryption,
    Ssrf,
    Inventory,
    UnsafeConsumption,
    LlmSecurity,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::Authentication,
        Category::Bola,
        Category::Bfla,
        Category::PropertyAuthorization,
        Category::InputValidation,
        Category::RateLimiting,
        Category::DataExposure,
        Category::Encryption,
        Category::Ssrf,
        Category::Inventory,
        Category::UnsafeConsumption,
        Category::LlmSecurity,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Authentication => "authentication",
            Category::Bola => "bola",
            Category::Bfla => "bfla",
            Category::PropertyAuthorization => "property_authorization",
            Category::InputValidation => "input_validation",
            Category::RateLimiting => "rate_limiting",
            Category::DataExposure => "data_exposure",
            Category::Encryption => "encryption",
            Category::Ssrf => "ssrf",
            Category::Inventory => "inventory",
            Category::UnsafeConsumption => "unsafe_consumption",
            Category::LlmSecurity => "llm_security",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Authentication => "Broken authentication",
            Category::Bola => "Broken object-level authorization",
            Category::Bfla => "Broken function-level authorization",
            Category::PropertyAuthorization => "Broken object-property-level authorization",
            Category::InputValidation => "Input validation and CORS",
            Category::RateLimiting => "Unrestricted resource consumption",
            Category::DataExposure => "Sensitive data exposure",
            Category::Encryption => "Transport encryption",
            Category::Ssrf => "Server-side request forgery",
            Category::Inventory => "Improper inventory management",
            Category::UnsafeConsumption => "Unsafe consumption of APIs",
            Category::LlmSecurity => "LLM security",
        }
    }

    /// The OWASP id most findings of this category carry (OWASP API Security Top 10 2023, or the OWASP
    /// LLM Top 10 for `llm_security`).
    pub fn owasp(self) -> &'static str {
        match self {
            Category::Authentication => "API2:2023",
            Category::Bola => "API1:2023",
            Category::Bfla => "API5:2023",
            Category::PropertyAuthorization => "API3:2023",
            Category::InputValidation => "API8:2023",
            Category::RateLimiting => "API4:2023",
            Category::DataExposure => "API3:2023",
            Category::Encryption => "API8:2023",
            Category::Ssrf => "API7:2023",
            Category::Inventory => "API9:2023",
            Category::UnsafeConsumption => "API10:2023",
            Category::LlmSecurity => "LLM01:2025",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.id() == s)
            .ok_or_else(|| format!("unknown category `{s}`"))
    }
}

/// Severity of a finding, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One step up, saturating at critical.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }

    /// One step down, saturating at info.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity `{s}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// How sure a check is that the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Tentative,
    Firm,
    Certain,
}

impl Confidence {
    pub fn id(self) -> &'static str {
        match self {
            Confidence::Tentative => "tentative",
            Confidence::Firm => "firm",
            Confidence::Certain => "certain",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What the user must hand the scanner for a check to run (see `checks.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AccessLevel {
    /// A spec only: no request is sent.
    #[serde(rename = "static")]
    Static,
    /// A base URL: unauthenticated GET, HEAD, OPTIONS.
    L0,
    /// One identity.
    L1,
    /// Two identities.
    L2,
    /// The user's explicit opt-in to writes.
    #[serde(rename = "active")]
    Active,
}

impl AccessLevel {
    pub fn id(self) -> &'static str {
        match self {
            AccessLevel::Static => "static",
            AccessLevel::L0 => "L0",
            AccessLevel::L1 => "L1",
            AccessLevel::L2 => "L2",
            AccessLevel::Active => "active",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_ids_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.id().parse::<Category>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.id()));
        }
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
        assert_eq!(Severity::Critical.raised(), Severity::Critical);
        assert_eq!(Severity::Info.lowered(), Severity::Info);
    }
}
