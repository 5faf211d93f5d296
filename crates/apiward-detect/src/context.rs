//! Classify a value by its key when no pattern found anything in it.

use crate::families::{cards, geo, internals, national_ids, personal, phone, secrets};
use crate::keys::{KeyClass, KeyStrength};
use crate::types::{Confidence, DataType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValKind {
    Str,
    Num,
    Bool,
    Null,
}

pub(crate) struct Classified {
    pub data_type: DataType,
    pub confidence: Confidence,
    pub example: bool,
    pub detail: Option<String>,
    /// Bytes trimmed from the value's start and end.
    pub trim: (usize, usize),
}

/// A trimmed value under a key, with what the key says about it.
pub(crate) struct KeyedValue<'v> {
    pub(crate) v: &'v [u8],
    /// Whitespace trimmed from the raw value's start and end.
    pub(crate) lead: usize,
    pub(crate) trail: usize,
    /// The key names the type (not just a weak hint such as `name` or `token`).
    pub(crate) strong: bool,
    /// `Certain` under a strong key, else `Firm`.
    pub(crate) conf: Confidence,
    pub(crate) is_str: bool,
    /// Inside a person-like parent object (`user`, `customer`, …).
    pub(crate) person: bool,
    pub(crate) key_type: DataType,
}

impl KeyedValue<'_> {
    /// A classification of the whole (trimmed) value.
    pub(crate) fn mk(
        &self,
        t: DataType,
        c: Confidence,
        example: bool,
        detail: Option<String>,
    ) -> Option<Classified> {
        Some(Classified {
            data_type: t,
            confidence: c,
            example,
            detail,
            trim: (self.lead, self.trail),
        })
    }
}

pub(crate) fn digits_only(v: &[u8], seps: &[u8]) -> Option<([u8; 32], usize)> {
    let mut d = [0u8; 32];
    let mut n = 0;
    for &c in v {
        if c.is_ascii_digit() {
            if n == 32 {
                return None;
            }
            d[n] = c;
            n += 1;
        } else if !seps.contains(&c) {
            return None;
        }
    }
    Some((d, n))
}

fn has_escape_or_space_only(v: &[u8]) -> bool {
    v.iter().all(|c| c.is_ascii_whitespace())
}

pub(crate) fn classify_value(
    k: KeyClass,
    raw: &[u8],
    kind: ValKind,
    person: bool,
) -> Option<Classified> {
    use DataType::*;
    if matches!(kind, ValKind::Bool | ValKind::Null) || raw.is_empty() || raw.len() > 8192 {
        return None;
    }
    // trim surrounding whitespace
    let lead = raw.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let trail = raw[lead..]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    let v = &raw[lead..raw.len() - trail];
    if v.is_empty() || has_escape_or_space_only(v) {
        return None;
    }
    let strong = k.strength == KeyStrength::Strong;
    let cv = KeyedValue {
        v,
        lead,
        trail,
        strong,
        conf: if strong {
            Confidence::Certain
        } else {
            Confidence::Firm
        },
        is_str: kind == ValKind::Str,
        person,
        key_type: k.data_type,
    };
    // each family judges the values of its own types
    match k.data_type {
        Password => secrets::password_value(&cv),
        PasswordHash => secrets::password_hash_value(&cv),
        GenericSecret | AwsSecretKey | AwsSessionToken => secrets::secret_value(&cv),
        UsSsn | UsItin => national_ids::ssn_value(&cv),
        Phone => phone::phone_value(&cv),
        PaymentCard => cards::card_value(&cv),
        MaskedPaymentCard => cards::masked_card_value(&cv),
        Iban => cards::iban_value(&cv),
        AbaRouting => cards::aba_value(&cv),
        BankAccount => cards::bank_account_value(&cv),
        DateOfBirth => personal::date_of_birth_value(&cv),
        StreetAddress => personal::street_address_value(&cv),
        Passport => national_ids::passport_value(&cv),
        NationalId => national_ids::national_id_value(&cv),
        GeoCoordinates => geo::geo_value(&cv),
        PersonName => personal::person_name_value(&cv),
        AwsAccountId => internals::aws_account_value(&cv),
        StackTrace => internals::stack_trace_value(&cv),
        Jwt => None,
        _ => None,
    }
}
