//! Which schema properties hold sensitive data. The live scan classifies JSON keys with the same
//! `apiward_detect::classify_key`, so "`ssn` in the spec" and "`ssn` in a response" are one type.

use apiward_detect::{DataClass, DataType, Detector, KeyStrength, Sensitivity};
use apiward_spec::{Schema, SchemaId, Spec};
use std::sync::OnceLock;

/// A property judged sensitive.
#[derive(Debug, Clone)]
pub struct SensitiveProperty {
    pub data_type: DataType,
    /// The schema marks the value as masked or never returned (`x-redacted`, `format: password`,
    /// `writeOnly`, a masked example): it is then the fix, not the leak.
    pub masked: bool,
    /// What gave it away: `name`, `format`, `example`.
    pub reason: &'static str,
}

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(Detector::new)
}

const MASK_EXTENSIONS: &[&str] = &[
    "x-redacted",
    "x-masked",
    "x-mask",
    "x-pii-masked",
    "x-obfuscated",
];

/// Whether the schema itself says its value is masked or not returned.
pub fn is_masked(schema: &Schema) -> bool {
    schema.write_only
        || schema.format.as_deref() == Some("password")
        || schema
            .extensions
            .iter()
            .any(|e| MASK_EXTENSIONS.contains(&e.as_str()))
        || schema
            .examples
            .iter()
            .any(|e| e.contains("***") || e.contains("•••") || e.contains("XXXX"))
}

/// Classify a property by name, `format` and example values.
pub fn classify_property(spec: &Spec, name: &str, id: SchemaId) -> Option<SensitiveProperty> {
    let schema = spec.schema(id);
    if schema.has_type("boolean") || schema.enum_len > 0 || schema.has_const {
        return None;
    }
    let scalar_ok = schema.types.is_empty()
        || schema
            .types
            .iter()
            .any(|t| t == "string" || t == "integer" || t == "number");
    if !scalar_ok {
        return None;
    }
    let masked = is_masked(schema);
    if let Some(k) = apiward_detect::classify_key(name) {
        let t = k.data_type;
        let numeric = schema.has_type("integer") || schema.has_type("number");
        // Numbers only carry a few types (an SSN or phone stored as a number); not emails or names.
        let type_fits = !numeric
            || matches!(
                t,
                DataType::UsSsn
                    | DataType::Phone
                    | DataType::PaymentCard
                    | DataType::BankAccount
                    | DataType::AbaRouting
                    | DataType::GeoCoordinates
            );
        let strong = k.strength == KeyStrength::Strong;
        let weak_ok = !strong && t.sensitivity() >= Sensitivity::High && !numeric;
        if type_fits && (strong || weak_ok) && t != DataType::MaskedPaymentCard {
            return Some(SensitiveProperty {
                data_type: t,
                masked,
                reason: "name",
            });
        }
        if t == DataType::MaskedPaymentCard {
            return None;
        }
    }
    if schema.format.as_deref() == Some("email") {
        return Some(SensitiveProperty {
            data_type: DataType::Email,
            masked,
            reason: "format",
        });
    }
    for ex in schema.examples.iter().take(4) {
        let mut found = Vec::new();
        detector().scan_text(ex.as_bytes(), &mut found);
        if let Some(m) = found.into_iter().find(|m| {
            !m.example
                && matches!(m.data_type.class(), DataClass::Pii | DataClass::Secret)
                && m.data_type != DataType::MaskedPaymentCard
                && m.span.len() * 2 >= ex.trim().len()
        }) {
            return Some(SensitiveProperty {
                data_type: m.data_type,
                masked,
                reason: "example",
            });
        }
    }
    None
}

/// What an authenticated API is for, not a leak: contact data (name, email, phone, address: at
/// most medium sensitivity) in one object to an authenticated caller (a profile, an account page),
/// or person names alone, even as a list, to an authenticated caller (a directory). Anything more
/// sensitive, anything unauthenticated, and contact data in bulk is reported. The live scan
/// applies the same judgement (`apiward-scan`'s data_exposure check).
pub fn ordinary_for_authenticated_caller(kinds: &[DataType], unauth: bool, list: bool) -> bool {
    if unauth || kinds.is_empty() {
        return false;
    }
    let worst = kinds.iter().map(|t| t.sensitivity()).max();
    let names_only = kinds.iter().all(|t| *t == DataType::PersonName);
    names_only || !list && worst <= Some(Sensitivity::Medium)
}
