//! Sensitive-data detection (see README.md): personal data, secrets and leaked internals in bytes —
//! JSON bodies, header blocks, HTML error pages, log lines.
//!
//! Design: one cheap candidate pass (a SIMD literal search over rare prefixes, `memchr` for `@`, a
//! skip loop for digit clusters), then anchored confirmation in a small window around each candidate,
//! then validators (Luhn, mod-97, ABA, SSA rules, IP ranges, JWT decoding), then key-path context from
//! a streaming JSON tokenizer (or `key=value` pairs in text). No allocation for a clean document.

mod context;
mod custom;
mod document;
mod families;
mod json;
pub mod jwt;
mod keys;
mod mask;
mod scan;
mod types;
mod util;
mod validate;

pub use custom::CustomType;
pub use document::{Har, InputFormat, LocatedMatch, line_of, scan_document, sniff_format};
pub use families::secrets::aws_account_from_key_id;
pub use keys::{KeyClass, KeyStrength, classify_key, personal_type};
pub use mask::{DEFAULT_HASH_SALT, mask, set_hash_salt, value_hash};
pub use scan::candidate_literals;
pub use types::{BUILTIN_TYPES, Confidence, DataClass, DataType, Sensitivity};
pub use validate::{luhn, valid_aba, valid_iban};

use std::ops::Range;

/// One finding of a data type in the scanned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub data_type: DataType,
    /// Byte span in the input (for [`Detector::scan_headers`]: in that header's value).
    pub span: Range<usize>,
    /// `$.items[3].ssn` for JSON; the key name for `key=value` text and headers.
    pub key_path: Option<String>,
    pub confidence: Confidence,
    /// From [`mask`]: never the full value.
    pub masked: String,
    /// Salted correlation hash of the canonical value ([`value_hash`]).
    pub hash: String,
    /// A documentation placeholder or published test value (`AKIAIOSFODNN7EXAMPLE`, test PANs such as
    /// `4111111111111111`, `example.com` addresses, RFC 5737 IPs, 555-01xx phones, sample SSNs).
    /// Report at low severity: it shows a pattern, not a live value.
    pub example: bool,
    /// Extra facts: decoded AWS account id, JWT header/claim names, exception name, engine, issuer.
    pub detail: Option<String>,
}

impl Match {
    /// Whether this match is worth more than an informational note: not an example value and not a
    /// tentative low-sensitivity hint.
    pub fn is_significant(&self) -> bool {
        let tentative_low = self.confidence == Confidence::Tentative
            && self.data_type.sensitivity() == Sensitivity::Low;
        !(self.example || tentative_low)
    }
}

/// Default cap on matches per scanned document (bounded memory on hostile input).
pub const DEFAULT_MAX_MATCHES: usize = 10_000;

/// The detector: built once, shared (it is `Send + Sync`), reused for every response.
pub struct Detector {
    pub(crate) lits: scan::Literals,
    pub(crate) custom: Vec<custom::Compiled>,
    pub(crate) max_matches: usize,
    /// Vector instructions of the digit pass, detected once.
    pub(crate) lanes: families::digit_masks::Lanes,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("custom_types", &self.custom.len())
            .field("max_matches", &self.max_matches)
            .finish()
    }
}

impl Detector {
    /// A detector for the built-in types.
    pub fn new() -> Detector {
        Detector {
            lits: scan::Literals::build(),
            custom: Vec::new(),
            max_matches: DEFAULT_MAX_MATCHES,
            lanes: families::digit_masks::Lanes::detect(),
        }
    }

    /// A detector for the built-in types plus user-defined ones (regex, optional validator `luhn`,
    /// `mod97`, `aba`, `nhs`, and keywords that must appear in the key or just before the value).
    pub fn with_custom(custom: Vec<CustomType>) -> Result<Detector, String> {
        let mut d = Detector::new();
        if custom.len() > u16::MAX as usize {
            return Err("too many custom types".into());
        }
        for c in custom {
            d.custom.push(custom::Compiled::new(c)?);
        }
        Ok(d)
    }

    /// Change the per-document match cap.
    pub fn with_max_matches(mut self, n: usize) -> Detector {
        self.max_matches = n.max(1);
        self
    }

    /// The custom types this detector was built with.
    pub fn custom_types(&self) -> impl Iterator<Item = &CustomType> {
        self.custom.iter().map(|c| &c.def)
    }

    /// A display name: the custom type's name, or the built-in id.
    pub fn type_name(&self, t: &DataType) -> String {
        match t {
            DataType::Custom(i) => self
                .custom
                .get(*i as usize)
                .map(|c| c.def.name.clone())
                .unwrap_or_else(|| "custom".into()),
            t => t.id().to_string(),
        }
    }

    /// Scan: JSON (with key paths) when the input parses as JSON, else text.
    pub fn scan(&self, input: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        self.scan_into(input, &mut out);
        out
    }

    /// Like [`Detector::scan`], appending to `out`; allocates nothing for a clean document.
    pub fn scan_into(&self, input: &[u8], out: &mut Vec<Match>) {
        if json::looks_like_json(input) {
            let mut s = scan::Scanner::new(self, input, out);
            s.candidates();
            s.sort_pending();
            let ok = json::walk(&mut s);
            if !ok {
                // a log line like `[2024-05-03 …] …` fails early: treat the whole input as text
                let from = if s.json_error_at < 256 {
                    0
                } else {
                    s.json_error_at
                };
                s.kv_pass(from);
            }
            s.custom_pass();
            s.finish();
        } else {
            self.scan_text(input, out);
        }
    }

    /// Scan as text even if the input is JSON (`key=value` and `key: value` pairs give context).
    pub fn scan_text(&self, input: &[u8], out: &mut Vec<Match>) {
        let mut s = scan::Scanner::new(self, input, out);
        s.candidates();
        s.sort_pending();
        s.kv_pass(0);
        s.custom_pass();
        s.finish();
    }

    /// Scan response (or request) headers. The header name acts as key context; spans are in that
    /// header's value and `key_path` is the header name.
    pub fn scan_headers(&self, headers: &[(&str, &[u8])], out: &mut Vec<Match>) {
        for (name, value) in headers {
            scan::scan_header(self, name, value, out);
        }
    }
}

#[cfg(test)]
mod send_sync {
    fn is_send_sync<T: Send + Sync>() {}
    #[test]
    fn detector_is_send_sync() {
        is_send_sync::<super::Detector>();
    }
}
