//! National identifiers in digit clusters: US SSN (SSA rules, published samples flagged) and ITIN.
//! Bare 9-digit numbers need a key (see `context`).

use crate::context::{Classified, KeyedValue, digits_only};
use crate::families::digits::Shape;
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::validate::*;

impl Scanner<'_, '_, '_> {
    /// `ddd-dd-dddd` (or with spaces). Returns whether the segment has that shape.
    #[inline]
    pub(crate) fn ssn_or_itin(&mut self, s: usize, e: usize, sh: &Shape) -> bool {
        if !(sh.nd == 9
            && sh.groups() == [3, 2, 4]
            && !sh.mixed
            && !sh.has_paren
            && sh.sep_kind != b'.')
        {
            return false;
        }
        let digits = sh.digits();
        if valid_ssn(digits) {
            let example = sample_ssn(digits);
            self.emit(DataType::UsSsn, s..e, Confidence::Firm, example, None);
        } else if valid_itin(digits) {
            self.emit(DataType::UsItin, s..e, Confidence::Firm, false, None);
        }
        true
    }
}

// ---------------------------------------------------------------- values under a key

/// The value under a key of type UsSsn, UsItin.
pub(crate) fn ssn_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (d, n) = digits_only(v, b"- ")?;
    if n != 9 {
        return None;
    }
    let d = &d[..9];
    if valid_ssn(d) {
        cv.mk(UsSsn, cv.conf, sample_ssn(d), None)
    } else if valid_itin(d) {
        cv.mk(UsItin, cv.conf, false, None)
    } else {
        None
    }
}

/// The value under a `Passport`-type key.
pub(crate) fn passport_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if v.len() < 6
        || v.len() > 12
        || !v.iter().all(|c| c.is_ascii_alphanumeric())
        || !v.iter().any(|c| c.is_ascii_digit())
        || is_placeholder(v)
    {
        return None;
    }
    cv.mk(Passport, Confidence::Firm, false, None)
}

/// The value under a `NationalId`-type key.
pub(crate) fn national_id_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
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
    cv.mk(NationalId, c, false, None)
}
