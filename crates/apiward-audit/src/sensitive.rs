//! Which schema properties hold sensitive data, by the meaning of their whole name
//! (`apiward_taxonomy`), their `format`/`pattern`, and validated example values; and whether the
//! spec marks them as masked or never returned.

use apiward_detect::{DataClass, DataType, Detector, Sensitivity};
use apiward_spec::{Schema, SchemaId, Spec};
use apiward_taxonomy::{Meaning, Secret, Strength};
use std::sync::OnceLock;

/// What supports the judgement, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Basis {
    /// The property name alone: never enough for high or critical.
    Name,
    /// The schema's `format` or `pattern` says so (`format: email`).
    Format,
    /// An example value the detector validates (a Luhn-valid card, a mod-97 IBAN).
    Example,
}

impl Basis {
    pub fn id(self) -> &'static str {
        match self {
            Basis::Name => "name",
            Basis::Format => "format",
            Basis::Example => "example",
        }
    }
}

/// A property judged sensitive.
#[derive(Debug, Clone)]
pub struct SensitiveProperty {
    pub data_type: DataType,
    /// The schema marks the value as masked or never returned (`x-redacted`, `format: password`,
    /// `writeOnly`, `x-ms-mutability` without `read`, "returned only once", a masked example):
    /// it is then the fix, not the leak.
    pub masked: bool,
    /// The strongest evidence behind the judgement.
    pub basis: Basis,
    /// Kept for the evidence line: `name`, `format`, `example`.
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
            .extensions()
            .iter()
            .any(|e| MASK_EXTENSIONS.contains(&e.as_str()))
        || schema
            .examples()
            .iter()
            .any(|e| e.contains("***") || e.contains("•••") || e.contains("XXXX"))
        || schema
            .description
            .as_deref()
            .is_some_and(apiward_taxonomy::lifecycle::returned_once)
        // Azure marks secrets the service never returns with `x-ms-secret`.
        || schema.extensions().iter().any(|e| e == "x-ms-secret")
}

/// Whether the spec says the value is never read back: [`is_masked`] (the normalizer maps
/// Azure's `x-ms-mutability` without `read` to `writeOnly`).
pub fn never_returned(_spec: &Spec, schema: &Schema) -> bool {
    is_masked(schema)
}

/// The detector's data type for a personal-data meaning of the taxonomy (one mapping, the
/// detector's).
pub use apiward_detect::personal_type;

/// The detector's data type for a secret meaning of the taxonomy.
pub fn secret_type(s: Secret) -> DataType {
    match s {
        Secret::Password => DataType::Password,
        Secret::PasswordHash => DataType::PasswordHash,
        Secret::AwsSecretKey => DataType::AwsSecretKey,
        Secret::AwsAccessKeyId => DataType::AwsAccessKeyId,
        Secret::AwsSessionToken => DataType::AwsSessionToken,
        Secret::PrivateKey => DataType::PrivateKey,
        Secret::Key | Secret::Token | Secret::SharedSecret => DataType::GenericSecret,
    }
}

/// The taxonomy's reading of a name as a detector data type, strong names only.
pub fn strong_name_type(name: &str) -> Option<DataType> {
    let c = apiward_taxonomy::classify(name)?;
    if c.strength != Strength::Strong {
        return None;
    }
    match c.meaning {
        Meaning::Personal(p) => Some(personal_type(p)),
        Meaning::Secret(s) => Some(secret_type(s)),
        Meaning::Masked(_) | Meaning::Reference => None,
    }
}

/// Classify a property by name, `format`, `pattern` and example values.
pub fn classify_property(spec: &Spec, name: &str, id: SchemaId) -> Option<SensitiveProperty> {
    let schema = spec.schema(id);
    if schema.has_type("boolean") || schema.enum_len > 0 || schema.has_const {
        return None;
    }
    // Objects and arrays hold data, they are not a value of a type (`billing_address: {…}`).
    let scalar_ok =
        schema.types.is_empty() && schema.properties.is_empty() && schema.items.is_none()
            || schema
                .types
                .iter()
                .any(|t| t == "string" || t == "integer" || t == "number");
    if !scalar_ok || apiward_taxonomy::lifecycle::is_permission_flag(name) {
        return None;
    }
    let masked = never_returned(spec, schema);
    let numeric = schema.has_type("integer") || schema.has_type("number");
    let meaning = apiward_taxonomy::classify(name);
    // References and masked forms are the fix or a pointer, whatever the value looks like.
    if matches!(
        meaning.map(|c| c.meaning),
        Some(Meaning::Reference | Meaning::Masked(_))
    ) {
        return None;
    }
    // A validated example outranks the name.
    for ex in schema.examples().iter().take(4) {
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
                basis: Basis::Example,
                reason: "example",
            });
        }
    }
    if schema.format.as_deref() == Some("email")
        && !apiward_taxonomy::fields::is_business_contact(name)
    {
        return Some(SensitiveProperty {
            data_type: DataType::Email,
            masked,
            basis: Basis::Format,
            reason: "format",
        });
    }
    let c = meaning?;
    if c.strength != Strength::Strong {
        return None;
    }
    let t = match c.meaning {
        Meaning::Personal(p) => personal_type(p),
        Meaning::Secret(s) => secret_type(s),
        Meaning::Masked(_) | Meaning::Reference => return None,
    };
    // Numbers only carry a few types (an SSN or phone stored as a number); not emails or names.
    let type_fits = !numeric
        || matches!(
            t,
            DataType::UsSsn
                | DataType::Phone
                | DataType::PaymentCard
                | DataType::BankAccount
                | DataType::AbaRouting
        );
    if !type_fits {
        return None;
    }
    // A `pattern` says little (`^.{1,50}$`): the name stays the only evidence.
    let basis = Basis::Name;
    Some(SensitiveProperty {
        data_type: t,
        masked,
        basis,
        reason: basis.id(),
    })
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
