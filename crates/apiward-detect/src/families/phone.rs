//! Phone numbers in digit clusters: E.164 (`+` and 8–15 digits), NANP with separators, national
//! formats with a trunk 0. A bare digit run is a phone only with key context (see `context`).

use crate::context::{Classified, KeyedValue, digits_only};
use crate::families::digits::{Shape, mixed_separators};
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};

impl Scanner<'_, '_, '_> {
    /// A segment preceded by (or starting with) `+`.
    #[inline]
    pub(crate) fn e164_phone(&mut self, s: usize, e: usize, sh: &Shape) {
        let v = sh.v;
        let st = if v[0] == b'+' { s } else { s - 1 };
        if (8..=15).contains(&sh.nd)
            && sh.digits()[0] != b'0'
            && !mixed_separators(v)
            && sh.seps <= 8
            && !sh.has_dot
        {
            self.emit(
                DataType::Phone,
                st..e,
                Confidence::Firm,
                false,
                Some("E.164".into()),
            );
        }
    }

    /// `(ddd) ddd-dddd`, `ddd-ddd-dddd`, `ddd.ddd.dddd`, `ddd ddd dddd`, optional leading 1.
    /// Returns whether the segment has that shape (then no other family gets it).
    #[inline]
    pub(crate) fn nanp_phone(&mut self, s: usize, e: usize, sh: &Shape) -> bool {
        let input = self.input;
        let (digits, groups) = (sh.digits(), sh.groups());
        let nanp_groups = groups == [3, 3, 4] || (groups == [1, 3, 3, 4] && digits[0] == b'1');
        if !(nanp_groups && (sh.has_paren || sh.sep_kind != 0)) {
            return false;
        }
        let off = if groups.len() == 4 { 1 } else { 0 };
        let area = &digits[off..off + 3];
        let exch = &digits[off + 3..off + 6];
        if area[0] >= b'2'
            && exch[0] >= b'2'
            && !(area[1] == b'1' && area[2] == b'1')
            && !(sh.has_dot && sh.has_paren)
        {
            let example = exch == b"555" && digits[off + 6] == b'0' && digits[off + 7] == b'1';
            let st = if s > 0 && input[s - 1] == b'(' {
                s - 1
            } else {
                s
            };
            self.emit(
                DataType::Phone,
                st..e,
                Confidence::Firm,
                example,
                Some("NANP".into()),
            );
        }
        true
    }

    /// National format with a trunk 0: `020 7946 0958`, `06 12 34 56 78`, `0161.496.0000`.
    /// Returns whether it matched.
    #[inline]
    pub(crate) fn national_phone(&mut self, s: usize, e: usize, sh: &Shape) -> bool {
        let digits = sh.digits();
        let ok = (10..=11).contains(&sh.nd)
            && digits[0] == b'0'
            && digits[1] != b'0'
            && sh.ng >= 3
            && !sh.mixed
            && !sh.has_paren
            && matches!(sh.sep_kind, b' ' | b'.')
            && sh.groups().iter().all(|&g| (2..=4).contains(&g));
        if ok {
            self.emit(
                DataType::Phone,
                s..e,
                Confidence::Firm,
                false,
                Some("national".into()),
            );
        }
        ok
    }
}

// ---------------------------------------------------------------- values under a key

/// The value under a `Phone`-type key.
pub(crate) fn phone_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (d, n) = digits_only(v, b"+-. ()")?;
    if !(7..=15).contains(&n) || d[..n].iter().all(|&c| c == d[0]) {
        return None;
    }
    cv.mk(Phone, cv.conf, false, None)
}
