//! National identifiers in digit clusters: US SSN (SSA rules, published samples flagged) and ITIN.
//! Bare 9-digit numbers need a key (see `context`).

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
