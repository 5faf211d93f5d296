//! User-defined data types: a regex, an optional validator and optional keywords.

use crate::validate::{luhn, valid_aba, valid_iban, valid_nhs};

/// A user-defined data type, e.g. from a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomType {
    /// Display name, e.g. `employee_id`.
    pub name: String,
    /// A regex (Rust `regex` syntax, matched on bytes, ASCII semantics for `\w`, `\d`, `\b`).
    pub regex: String,
    /// `luhn`, `mod97`, `aba` or `nhs`.
    pub validator: Option<String>,
    /// When non-empty, one of these (case-insensitive) must appear in the nearest key before the value
    /// (`"key": value`, `key=value`, `key: value`).
    pub keywords: Vec<String>,
}

impl CustomType {
    /// Parse a list of custom types from JSON: `[{"name":…, "regex":…, "validator":…, "keywords":[…]}]`.
    pub fn from_json(text: &str) -> Result<Vec<CustomType>, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("custom types: {e}"))?;
        let arr = v
            .as_array()
            .or_else(|| v.get("types").and_then(|t| t.as_array()))
            .ok_or("custom types: expected an array (or {\"types\": [...]})")?;
        let mut out = Vec::new();
        for (i, t) in arr.iter().enumerate() {
            let name = t
                .get("name")
                .and_then(|x| x.as_str())
                .ok_or(format!("custom type {i}: missing name"))?;
            let regex = t
                .get("regex")
                .and_then(|x| x.as_str())
                .ok_or(format!("custom type {name}: missing regex"))?;
            let validator = t
                .get("validator")
                .and_then(|x| x.as_str())
                .map(String::from);
            let keywords = t
                .get("keywords")
                .and_then(|x| x.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|k| k.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            out.push(CustomType {
                name: name.into(),
                regex: regex.into(),
                validator,
                keywords,
            });
        }
        Ok(out)
    }
}

pub(crate) struct Compiled {
    pub(crate) def: CustomType,
    pub(crate) re: regex::bytes::Regex,
    pub(crate) keywords_lower: Vec<String>,
    validator: Validator,
}

#[derive(Clone, Copy)]
enum Validator {
    None,
    Luhn,
    Mod97,
    Aba,
    Nhs,
}

impl Compiled {
    pub(crate) fn new(def: CustomType) -> Result<Compiled, String> {
        let re = regex::bytes::RegexBuilder::new(&def.regex)
            .unicode(false)
            .size_limit(1 << 20)
            .dfa_size_limit(4 << 20)
            .build()
            .map_err(|e| format!("custom type {}: invalid regex: {e}", def.name))?;
        let validator = match def.validator.as_deref() {
            None | Some("") | Some("none") => Validator::None,
            Some("luhn") => Validator::Luhn,
            Some("mod97") | Some("iban") => Validator::Mod97,
            Some("aba") => Validator::Aba,
            Some("nhs") | Some("mod11") => Validator::Nhs,
            Some(v) => {
                return Err(format!(
                    "custom type {}: unknown validator {v:?} (luhn, mod97, aba, nhs)",
                    def.name
                ));
            }
        };
        let keywords_lower = def
            .keywords
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .collect();
        Ok(Compiled {
            def,
            re,
            keywords_lower,
            validator,
        })
    }

    pub(crate) fn validate(&self, v: &[u8]) -> bool {
        let digits: Vec<u8> = v.iter().copied().filter(u8::is_ascii_digit).collect();
        match self.validator {
            Validator::None => !v.is_empty(),
            Validator::Luhn => digits.len() >= 2 && luhn(&digits),
            Validator::Aba => valid_aba(&digits),
            Validator::Nhs => valid_nhs(&digits),
            Validator::Mod97 => {
                let c: Vec<u8> = v
                    .iter()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                valid_iban(&c)
            }
        }
    }
}
