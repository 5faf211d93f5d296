//! Payment cards (digit segments with Luhn and issuer ranges), masked PANs and IBANs.

use crate::families::digits::Shape;
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::validate::*;

impl Scanner<'_, '_, '_> {
    /// 13–19 digits, ungrouped or in groups of four (Amex 4-6-5, Diners 4-6-4), Luhn and issuer.
    #[inline]
    pub(crate) fn card_segment(&mut self, s: usize, e: usize, sh: &Shape) {
        if !((13..=19).contains(&sh.nd) && !sh.has_dot && !sh.has_paren && !sh.mixed) {
            return;
        }
        let (ng, groups, digits) = (sh.ng, sh.groups(), sh.digits());
        let grouping_ok = ng == 1
            || groups.iter().take(ng - 1).all(|&g| g == 4) && groups[ng - 1] <= 4
            || groups == [4, 6, 5]
            || groups == [4, 6, 4];
        if grouping_ok && let Some(issuer) = valid_pan(digits) {
            let example = is_test_pan(digits);
            self.emit(
                DataType::PaymentCard,
                s..e,
                Confidence::Firm,
                example,
                Some(issuer.into()),
            );
        }
    }

    pub(crate) fn masked_pan(&mut self, s: usize) -> Option<usize> {
        let input = self.input;
        let cls =
            |c: u8| c.is_ascii_digit() || matches!(c, b'*' | b'X' | b'x' | b' ' | b'-' | b'\xe2');
        let back = run_back(input, s, 24, cls);
        let start0 = s - back;
        let n = run_fwd(input, start0, 40, cls);
        let mut start = start0;
        let mut end = start0 + n;
        while start < end && matches!(input[start], b' ' | b'-') {
            start += 1;
        }
        while end > start && matches!(input[end - 1], b' ' | b'-') {
            end -= 1;
        }
        if is_alnum(before(input, start)) || is_alnum(at(input, end)) {
            return None;
        }
        let v = &input[start..end];
        let digits = v.iter().filter(|c| c.is_ascii_digit()).count();
        let masks = v.iter().filter(|c| matches!(c, b'*' | b'X' | b'x')).count();
        let tail_digits = v.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        if !(12..=19).contains(&(digits + masks))
            || masks < 4
            || !(4..=4).contains(&tail_digits)
            || digits > 10
        {
            return None;
        }
        self.emit(
            DataType::MaskedPaymentCard,
            start..end,
            Confidence::Firm,
            false,
            None,
        );
        Some(end)
    }

    pub(crate) fn iban_from(&mut self, s: usize) {
        let input = self.input;
        let up = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
        let back = run_back(input, s, 34, up);
        if back == 34 {
            return;
        }
        let start = s - back;
        if is_alnum(before(input, start)) {
            return;
        }
        if back < 2
            || !input[start].is_ascii_uppercase()
            || !at(input, start + 1).is_ascii_uppercase()
            || !at(input, start + 2).is_ascii_digit()
            || !at(input, start + 3).is_ascii_digit()
        {
            return;
        }
        let mut compact = [0u8; 34];
        let mut n = 0usize;
        let mut i = start;
        let mut last_alnum = start;
        while i < input.len() && n < 34 {
            let c = input[i];
            if up(c) {
                compact[n] = c;
                n += 1;
                last_alnum = i + 1;
            } else if c == b' ' && up(at(input, i + 1)) && i > start && up(input[i - 1]) {
                // grouped print form
            } else {
                break;
            }
            i += 1;
        }
        if is_alnum(at(input, last_alnum)) {
            return;
        }
        let v = &compact[..n];
        if valid_iban(v) {
            let example = matches!(
                v,
                b"DE89370400440532013000" | b"GB82WEST12345698765432" | b"GB29NWBK60161331926819"
            );
            self.emit(
                DataType::Iban,
                start..last_alnum,
                Confidence::Certain,
                example,
                Some(lossy(&v[..2])),
            );
        }
    }
}
