//! Key context: what a JSON key, header name, log `key=value` key or OpenAPI property name says
//! about its value. The meaning of names lives in `apiward_taxonomy` (whole compound words, never
//! substrings); this module turns it into detector data types and caches it per thread.

use crate::types::DataType;
use apiward_taxonomy::fields::{self, Internal};
use apiward_taxonomy::{Meaning, Personal, Secret, Strength};

/// How strongly a key names its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStrength {
    /// The key says what the value is (`email`, `ssn`, `password`): a plausible value is a finding.
    Strong,
    /// The key hints (`name`, `address`, `token`, `card`): the value must also look the part.
    Weak,
}

/// What a key name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyClass {
    pub data_type: DataType,
    pub strength: KeyStrength,
}

/// Longest key prefix classified (hostile documents may hold megabyte keys).
const MAX_KEY: usize = 96;

/// Classify a key or property name: what `apiward_taxonomy` says the whole compound name means,
/// as a detector data type (see the crate docs).
pub fn classify_key(name: &str) -> Option<KeyClass> {
    classify_key_bytes(name.as_bytes())
}

impl From<Strength> for KeyStrength {
    fn from(s: Strength) -> KeyStrength {
        match s {
            Strength::Strong => KeyStrength::Strong,
            Strength::Weak => KeyStrength::Weak,
        }
    }
}

/// The detector's data type for personal data the taxonomy names.
pub fn personal_type(p: Personal) -> DataType {
    match p {
        Personal::Email => DataType::Email,
        Personal::Phone => DataType::Phone,
        Personal::Ssn | Personal::TaxId => DataType::UsSsn,
        Personal::PaymentCard => DataType::PaymentCard,
        Personal::Iban => DataType::Iban,
        Personal::RoutingNumber => DataType::AbaRouting,
        Personal::BankAccount => DataType::BankAccount,
        Personal::DateOfBirth => DataType::DateOfBirth,
        Personal::StreetAddress => DataType::StreetAddress,
        Personal::Passport => DataType::Passport,
        Personal::NationalId => DataType::NationalId,
        Personal::IpAddress => DataType::IpPublic,
        Personal::GeoLocation => DataType::GeoCoordinates,
        Personal::PersonName => DataType::PersonName,
    }
}

/// The detector's data type for a credential the taxonomy names. Values under key, token and
/// private-key names are judged as generic secrets (PEM blocks and vendor tokens are found by
/// their own patterns, which the key then confirms).
pub(crate) fn secret_type(s: Secret) -> DataType {
    match s {
        Secret::Password => DataType::Password,
        Secret::PasswordHash => DataType::PasswordHash,
        Secret::AwsSecretKey => DataType::AwsSecretKey,
        Secret::AwsAccessKeyId => DataType::AwsAccessKeyId,
        Secret::AwsSessionToken => DataType::AwsSessionToken,
        Secret::Key | Secret::Token | Secret::SharedSecret | Secret::PrivateKey => {
            DataType::GenericSecret
        }
    }
}

fn internal_type(i: Internal) -> DataType {
    match i {
        Internal::PagingKey => DataType::DynamodbPagingKey,
        Internal::ConsumedCapacity => DataType::DynamodbConsumedCapacity,
        Internal::ResponseMetadata => DataType::AwsResponseMetadata,
        Internal::CloudAccountId => DataType::AwsAccountId,
        Internal::StackTrace => DataType::StackTrace,
    }
}

fn key_text(name: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(&name[..name.len().min(MAX_KEY)])
}

pub(crate) fn classify_key_bytes(name: &[u8]) -> Option<KeyClass> {
    let name = key_text(name);
    if let Some((i, strength)) = fields::internal(&name) {
        return Some(KeyClass {
            data_type: internal_type(i),
            strength: strength.into(),
        });
    }
    let c = apiward_taxonomy::classify(&name)?;
    let data_type = match c.meaning {
        Meaning::Personal(p) => personal_type(p),
        Meaning::Secret(s) => secret_type(s),
        // the masked form of a card: a pattern for it (`**** 4242`) is what the key confirms
        Meaning::Masked(Personal::PaymentCard) => DataType::MaskedPaymentCard,
        Meaning::Masked(_) | Meaning::Reference => return None,
    };
    Some(KeyClass {
        data_type,
        strength: c.strength.into(),
    })
}

/// Parent keys under which a bare `name` is a person's name.
pub(crate) fn is_person_parent(key: &[u8]) -> bool {
    fields::is_person_object(&key_text(key))
}

/// Keys whose values are versions: a dotted quad there is not an IP address.
pub(crate) fn is_version_key(key: &str) -> bool {
    fields::is_version(&key[..key.len().min(MAX_KEY)])
}

/// Small direct-mapped cache so repeated keys (arrays of objects) are classified once per scan.
pub(crate) struct KeyCache {
    slots: Vec<Slot>,
}

#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    person: bool,
    words: [u64; 4],
    class: Option<KeyClass>,
}

const CACHE_SLOTS: usize = 256;

thread_local! {
    static CACHE: std::cell::RefCell<KeyCache> = const { std::cell::RefCell::new(KeyCache::new()) };
}

/// Classify with a per-thread cache (fixed size: 256 slots, two-way), shared by every scan on the
/// thread, so repeated keys across responses cost one lookup.
pub(crate) fn classify_cached(key: &[u8]) -> Option<KeyClass> {
    lookup(key).0
}

/// [`is_person_parent`] through the same cache.
pub(crate) fn person_parent_cached(key: &[u8]) -> bool {
    lookup(key).1
}

fn lookup(key: &[u8]) -> (Option<KeyClass>, bool) {
    CACHE
        .try_with(|c| match c.try_borrow_mut() {
            Ok(mut c) => c.lookup(key),
            Err(_) => (classify_key_bytes(key), is_person_parent(key)),
        })
        .unwrap_or_else(|_| (classify_key_bytes(key), is_person_parent(key)))
}

#[inline(always)]
fn load8(k: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&k[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Four words that together cover every byte of a key of at most 32 bytes.
#[inline(always)]
fn key_words(k: &[u8]) -> [u64; 4] {
    let n = k.len();
    if n < 8 {
        let mut w = 0u64;
        for (i, &c) in k.iter().enumerate() {
            w |= (c as u64) << (8 * i);
        }
        return [w, 0, 0, 0];
    }
    [
        load8(k, 0),
        load8(k, n - 8),
        load8(k, 8.min(n - 8)),
        load8(k, n.saturating_sub(16)),
    ]
}

impl KeyCache {
    pub(crate) const fn new() -> KeyCache {
        KeyCache { slots: Vec::new() }
    }

    fn lookup(&mut self, key: &[u8]) -> (Option<KeyClass>, bool) {
        if key.is_empty() || key.len() > 32 {
            return if key.is_empty() {
                (None, false)
            } else {
                (classify_key_bytes(key), is_person_parent(key))
            };
        }
        if self.slots.is_empty() {
            self.slots = vec![
                Slot {
                    len: 0,
                    person: false,
                    words: [0; 4],
                    class: None
                };
                CACHE_SLOTS
            ];
        }
        let w = key_words(key);
        let h =
            (w[0] ^ w[1].rotate_left(17) ^ (key.len() as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // two-way set associative: slots i and i+1, most recent first
        let i = (h >> 56) as usize & (CACHE_SLOTS - 2);
        for j in [i, i + 1] {
            let s = &self.slots[j];
            if s.len as usize == key.len()
                && s.words[0] == w[0]
                && s.words[1] == w[1]
                && s.words[2] == w[2]
                && s.words[3] == w[3]
            {
                return (s.class, s.person);
            }
        }
        let class = classify_key_bytes(key);
        let person = is_person_parent(key);
        self.slots[i + 1] = self.slots[i];
        self.slots[i] = Slot {
            len: key.len() as u8,
            person,
            words: w,
            class,
        };
        (class, person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    fn t(k: &str) -> Option<DataType> {
        classify_key(k).map(|c| c.data_type)
    }

    /// Names from the shared corpus of public specs and from real API bodies, read as the detector
    /// reads them: through `apiward_taxonomy`, whole compound words, never substrings.
    #[test]
    fn names_that_announce_a_type() {
        let table: &[(&str, DataType, KeyStrength)] = &[
            ("email", Email, KeyStrength::Strong),
            ("userEmail", Email, KeyStrength::Strong),
            ("email_address", Email, KeyStrength::Strong),
            ("ssn", UsSsn, KeyStrength::Strong),
            ("SSN", UsSsn, KeyStrength::Strong),
            ("us_ssn", UsSsn, KeyStrength::Strong),
            ("phoneNumber", Phone, KeyStrength::Strong),
            ("mobile", Phone, KeyStrength::Weak),
            ("password", Password, KeyStrength::Strong),
            ("password_hash", PasswordHash, KeyStrength::Strong),
            ("passwordHash", PasswordHash, KeyStrength::Strong),
            ("pw_digest", PasswordHash, KeyStrength::Strong),
            ("api_key", GenericSecret, KeyStrength::Strong),
            ("X-Api-Key", GenericSecret, KeyStrength::Strong),
            ("id_token", GenericSecret, KeyStrength::Strong),
            ("token", GenericSecret, KeyStrength::Weak),
            ("aws_secret_access_key", AwsSecretKey, KeyStrength::Strong),
            ("SecretAccessKey", AwsSecretKey, KeyStrength::Strong),
            ("SessionToken", AwsSessionToken, KeyStrength::Strong),
            ("dob", DateOfBirth, KeyStrength::Strong),
            ("dateOfBirth", DateOfBirth, KeyStrength::Strong),
            ("ownerDateOfBirth", DateOfBirth, KeyStrength::Strong),
            ("first_name", PersonName, KeyStrength::Strong),
            ("getFirstName", PersonName, KeyStrength::Strong),
            ("name", PersonName, KeyStrength::Weak),
            ("routing_number", AbaRouting, KeyStrength::Strong),
            ("account_number", BankAccount, KeyStrength::Strong),
            ("acctNo", BankAccount, KeyStrength::Strong),
            ("bank_account", BankAccount, KeyStrength::Weak),
            ("card_number", PaymentCard, KeyStrength::Strong),
            ("card", PaymentCard, KeyStrength::Weak),
            ("card_last4", MaskedPaymentCard, KeyStrength::Strong),
            ("ip_address", IpPublic, KeyStrength::Weak),
            ("latitude", GeoCoordinates, KeyStrength::Weak),
            ("street_address", StreetAddress, KeyStrength::Strong),
            ("shippingAddress", StreetAddress, KeyStrength::Strong),
            ("passport_no", Passport, KeyStrength::Strong),
            ("national_id", NationalId, KeyStrength::Strong),
            ("LastEvaluatedKey", DynamodbPagingKey, KeyStrength::Strong),
            (
                "ConsumedCapacity",
                DynamodbConsumedCapacity,
                KeyStrength::Strong,
            ),
            ("ResponseMetadata", AwsResponseMetadata, KeyStrength::Strong),
            ("Account", AwsAccountId, KeyStrength::Weak),
            ("AccountId", AwsAccountId, KeyStrength::Weak),
            ("aws_account_id", AwsAccountId, KeyStrength::Weak),
            ("stackTrace", StackTrace, KeyStrength::Weak),
            ("traceback", StackTrace, KeyStrength::Weak),
        ];
        for &(name, data_type, strength) in table {
            assert_eq!(
                classify_key(name),
                Some(KeyClass {
                    data_type,
                    strength
                }),
                "{name}"
            );
        }
    }

    #[test]
    fn names_that_do_not() {
        for name in [
            // a word inside a compound is not the compound's meaning
            "adaptiveCard",
            "displayName",
            "RoutingControlArn",
            "BirthState",
            "placeOfBirth",
            "yearOfBirth",
            "issuing_card",
            "classname",
            "file_name",
            // references, settings and flags
            "balanceAccountId",
            "emailTemplateId",
            "secretName",
            "AccessKeyId",
            "email_enabled",
            "email_template",
            "isEmailVerified",
            "password_reset_required",
            "password_min_length",
            "next_token",
            "trace_id",
            "card_exp",
            "created_at",
            "id",
            "",
            "12",
        ] {
            assert_eq!(classify_key(name), None, "{name}: {:?}", t(name));
        }
    }

    #[test]
    fn parents_and_versions() {
        assert!(is_person_parent(b"customer"));
        assert!(is_person_parent(b"billingDetails"));
        assert!(!is_person_parent(b"product"));
        assert!(is_version_key("firmwareVersion"));
        assert!(is_version_key("build_number"));
        assert!(!is_version_key("server_ip"));
    }
}
