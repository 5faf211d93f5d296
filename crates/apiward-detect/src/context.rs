//! Classify a value by its key when no pattern found anything in it.

use crate::keys::{KeyClass, KeyStrength};
use crate::types::{Confidence, DataType};
use crate::validate::*;

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

fn digits_only(v: &[u8], seps: &[u8]) -> Option<([u8; 32], usize)> {
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
    let conf = if strong {
        Confidence::Certain
    } else {
        Confidence::Firm
    };
    let mk = |t: DataType, c: Confidence, ex: bool, detail: Option<String>| {
        Some(Classified {
            data_type: t,
            confidence: c,
            example: ex,
            detail,
            trim: (lead, trail),
        })
    };
    let is_str = kind == ValKind::Str;
    match k.data_type {
        Password => {
            if !is_str
                || v.len() > 256
                || is_placeholder(v)
                || v.iter().all(|&c| c == b'*' || c == b'x' || c == b'X')
            {
                return None;
            }
            if looks_like_hash(v) {
                return mk(PasswordHash, Confidence::Certain, false, None);
            }
            if v.len() < 3 {
                return None;
            }
            mk(Password, Confidence::Certain, false, None)
        }
        PasswordHash => {
            if !is_str || is_placeholder(v) {
                return None;
            }
            if looks_like_hash(v) || (v.len() >= 20 && entropy(v) > 3.5) {
                return mk(PasswordHash, Confidence::Certain, false, None);
            }
            None
        }
        GenericSecret | AwsSecretKey | AwsSessionToken => {
            if !is_str {
                return None;
            }
            let mut v = v;
            let mut extra = 0;
            if v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ") {
                v = &v[7..];
                extra = 7;
            }
            if v.len() < 8
                || v.len() > 4096
                || v.iter().any(|c| c.is_ascii_whitespace())
                || is_placeholder(v)
            {
                return None;
            }
            let all_hex = v.iter().all(|c| c.is_ascii_hexdigit());
            let e = entropy(v);
            let classes = [
                v.iter().any(|c| c.is_ascii_lowercase()),
                v.iter().any(|c| c.is_ascii_uppercase()),
                v.iter().any(|c| c.is_ascii_digit()),
            ]
            .iter()
            .filter(|&&b| b)
            .count();
            if k.data_type == AwsSecretKey
                && v.len() == 40
                && v.iter().all(|&c| crate::util::is_b64(c))
                && !all_hex
            {
                let ex = memchr::memmem::find(v, b"EXAMPLE").is_some();
                return Some(Classified {
                    data_type: AwsSecretKey,
                    confidence: Confidence::Certain,
                    example: ex,
                    detail: None,
                    trim: (lead + extra, trail),
                });
            }
            if k.data_type == AwsSessionToken && v.len() >= 100 {
                return Some(Classified {
                    data_type: AwsSessionToken,
                    confidence: Confidence::Certain,
                    example: false,
                    detail: None,
                    trim: (lead + extra, trail),
                });
            }
            // URLs, paths, dates and words are not secrets
            if v.contains(&b'/') && memchr::memmem::find(v, b"://").is_some() {
                return None;
            }
            let min_len = if strong { 8 } else { 16 };
            let ok = v.len() >= min_len
                && if all_hex {
                    v.len() >= 16 && e >= 3.0
                } else {
                    e >= 3.3 && classes >= 2
                };
            if !ok {
                return None;
            }
            Some(Classified {
                data_type: GenericSecret,
                confidence: Confidence::Firm,
                example: false,
                detail: None,
                trim: (lead + extra, trail),
            })
        }
        UsSsn | UsItin => {
            let (d, n) = digits_only(v, b"- ")?;
            if n != 9 {
                return None;
            }
            let d = &d[..9];
            if valid_ssn(d) {
                mk(UsSsn, conf, sample_ssn(d), None)
            } else if valid_itin(d) {
                mk(UsItin, conf, false, None)
            } else {
                None
            }
        }
        Phone => {
            let (d, n) = digits_only(v, b"+-. ()")?;
            if !(7..=15).contains(&n) || d[..n].iter().all(|&c| c == d[0]) {
                return None;
            }
            mk(Phone, conf, false, None)
        }
        PaymentCard => {
            let (d, n) = digits_only(v, b" -")?;
            let issuer = valid_pan(&d[..n])?;
            mk(
                PaymentCard,
                Confidence::Certain,
                is_test_pan(&d[..n]),
                Some(issuer.into()),
            )
        }
        MaskedPaymentCard => {
            let (_, n) = digits_only(v, b"*xX -")?;
            if n == 4 || (v.iter().any(|&c| c == b'*' || c == b'x' || c == b'X') && n <= 10) {
                return mk(MaskedPaymentCard, Confidence::Firm, false, None);
            }
            None
        }
        Iban => {
            let c: Vec<u8> = v
                .iter()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            if valid_iban(&c) {
                return mk(Iban, Confidence::Certain, false, None);
            }
            None
        }
        AbaRouting => {
            let (d, n) = digits_only(v, b"")?;
            if n == 9 && valid_aba(&d[..9]) {
                return mk(AbaRouting, conf, false, None);
            }
            None
        }
        BankAccount => {
            let (d, n) = digits_only(v, b"- ")?;
            if !strong || !(6..=17).contains(&n) || d[..n].iter().all(|&c| c == d[0]) {
                return None;
            }
            mk(BankAccount, Confidence::Firm, false, None)
        }
        DateOfBirth => {
            if !is_str {
                return None;
            }
            parse_date(v)?;
            mk(DateOfBirth, conf, false, None)
        }
        StreetAddress => {
            if !is_str || v.len() < 6 || v.len() > 200 || is_placeholder(v) {
                return None;
            }
            let has_digit = v.iter().any(|c| c.is_ascii_digit());
            let has_alpha = v.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 3;
            let has_space = v.contains(&b' ');
            if !(has_digit && has_alpha && has_space)
                || v.contains(&b'@')
                || memchr::memmem::find(v, b"://").is_some()
            {
                return None;
            }
            if !strong && !has_street_word(v) {
                return None;
            }
            mk(StreetAddress, Confidence::Firm, false, None)
        }
        Passport => {
            if v.len() < 6
                || v.len() > 12
                || !v.iter().all(|c| c.is_ascii_alphanumeric())
                || !v.iter().any(|c| c.is_ascii_digit())
                || is_placeholder(v)
            {
                return None;
            }
            mk(Passport, Confidence::Firm, false, None)
        }
        NationalId => {
            if v.len() < 5
                || v.len() > 24
                || !v
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b' ' | b'.'))
            {
                return None;
            }
            let (nd, _) = (v.iter().filter(|c| c.is_ascii_digit()).count(), 0);
            if nd < 4 || is_placeholder(v) {
                return None;
            }
            let d: Vec<u8> = v.iter().copied().filter(u8::is_ascii_digit).collect();
            let c = if d.len() == 10 && valid_nhs(&d) {
                Confidence::Certain
            } else {
                Confidence::Firm
            };
            mk(NationalId, c, false, None)
        }
        GeoCoordinates => {
            let s = std::str::from_utf8(v).ok()?;
            if let Ok(x) = s.trim().parse::<f64>() {
                let dec = s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
                if dec >= 3 && x.abs() <= 180.0 && x != 0.0 {
                    return mk(GeoCoordinates, Confidence::Firm, false, None);
                }
            }
            None
        }
        PersonName => {
            if !is_str || v.len() < 2 || v.len() > 80 || is_placeholder(v) {
                return None;
            }
            let s = std::str::from_utf8(v).ok()?;
            if !s
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '’'))
            {
                return None;
            }
            if !s.chars().any(|c| c.is_alphabetic()) {
                return None;
            }
            let lower = s.to_lowercase();
            if matches!(
                lower.as_str(),
                "admin"
                    | "user"
                    | "guest"
                    | "unknown"
                    | "anonymous"
                    | "test"
                    | "root"
                    | "system"
                    | "default"
                    | "none"
                    | "null"
                    | "name"
            ) {
                return None;
            }
            let words: Vec<&str> = s.split_whitespace().collect();
            let capitalized = words
                .iter()
                .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
                .count();
            if strong {
                return mk(PersonName, Confidence::Firm, false, None);
            }
            if person && capitalized >= 1 && words.len() <= 4 {
                return mk(PersonName, Confidence::Firm, false, None);
            }
            None
        }
        AwsAccountId => {
            let (_, n) = digits_only(v, b"")?;
            if n == 12 {
                let ex = v == b"123456789012" || v == b"111122223333";
                return mk(AwsAccountId, Confidence::Firm, ex, None);
            }
            None
        }
        StackTrace => {
            if !is_str || v.len() < 40 {
                return None;
            }
            let nl = memchr::memmem::find_iter(v, b"\\n").count()
                + memchr::memchr_iter(b'\n', v).count();
            let frames = memchr::memmem::find_iter(v, b"at ").count()
                + memchr::memmem::find_iter(v, b"File ").count()
                + memchr::memmem::find_iter(v, b"line ").count();
            if nl >= 2 && frames >= 2 {
                return mk(
                    StackTrace,
                    Confidence::Firm,
                    false,
                    Some("stack trace in a field".into()),
                );
            }
            None
        }
        Jwt => None,
        _ => None,
    }
}

fn looks_like_hash(v: &[u8]) -> bool {
    if v.starts_with(b"$2") && v.len() == 60 {
        return true;
    }
    if v.starts_with(b"$argon2")
        || v.starts_with(b"pbkdf2_")
        || v.starts_with(b"$6$")
        || v.starts_with(b"$5$")
        || v.starts_with(b"sha256$")
        || v.starts_with(b"{SSHA}")
    {
        return true;
    }
    matches!(v.len(), 32 | 40 | 64 | 128) && v.iter().all(|c| c.is_ascii_hexdigit())
}

fn has_street_word(v: &[u8]) -> bool {
    const W: &[&str] = &[
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "boulevard",
        "blvd",
        "lane",
        "ln",
        "drive",
        "dr",
        "way",
        "court",
        "ct",
        "place",
        "pl",
        "terrace",
        "square",
        "sq",
        "highway",
        "hwy",
        "parkway",
        "pkwy",
        "circle",
        "strasse",
        "straße",
        "rue",
        "calle",
        "via",
        "suite",
        "apt",
    ];
    let s = String::from_utf8_lossy(v).to_lowercase();
    s.split(|c: char| !c.is_alphanumeric())
        .any(|w| W.contains(&w))
}
