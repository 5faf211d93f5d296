//! Personal data that only a key can reveal: dates of birth, street addresses, person names.

use crate::context::{Classified, KeyedValue};
use crate::types::{Confidence, DataType};
use crate::validate::*;

// ---------------------------------------------------------------- values under a key

/// The value under a `DateOfBirth`-type key.
pub(crate) fn date_of_birth_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str {
        return None;
    }
    parse_date(v)?;
    cv.mk(DateOfBirth, cv.conf, false, None)
}

/// The value under a `StreetAddress`-type key.
pub(crate) fn street_address_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str || v.len() < 6 || v.len() > 200 || is_placeholder(v) {
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
    if !cv.strong && !has_street_word(v) {
        return None;
    }
    cv.mk(StreetAddress, Confidence::Firm, false, None)
}

/// The value under a `PersonName`-type key.
pub(crate) fn person_name_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str || v.len() < 2 || v.len() > 80 || is_placeholder(v) {
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
    if cv.strong {
        return cv.mk(PersonName, Confidence::Firm, false, None);
    }
    if cv.person && capitalized >= 1 && words.len() <= 4 {
        return cv.mk(PersonName, Confidence::Firm, false, None);
    }
    None
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
