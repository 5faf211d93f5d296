//! Payment cards (digit segments with Luhn and issuer ranges), masked PANs and IBANs.

use crate::context::{Classified, KeyedValue, digits_only};
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

// ---------------------------------------------------------------- values under a key

/// The value under a `PaymentCard`-type key.
pub(crate) fn card_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (d, n) = digits_only(v, b" -")?;
    let issuer = valid_pan(&d[..n])?;
    cv.mk(
        PaymentCard,
        Confidence::Certain,
        is_test_pan(&d[..n]),
        Some(issuer.into()),
    )
}

/// The value under a `MaskedPaymentCard`-type key.
pub(crate) fn masked_card_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (_, n) = digits_only(v, b"*xX -")?;
    if n == 4 || (v.iter().any(|&c| c == b'*' || c == b'x' || c == b'X') && n <= 10) {
        return cv.mk(MaskedPaymentCard, Confidence::Firm, false, None);
    }
    None
}

/// The value under a `Iban`-type key.
pub(crate) fn iban_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let c: Vec<u8> = v
        .iter()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if valid_iban(&c) {
        return cv.mk(Iban, Confidence::Certain, false, None);
    }
    None
}

/// The value under a `AbaRouting`-type key.
pub(crate) fn aba_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (d, n) = digits_only(v, b"")?;
    if n == 9 && valid_aba(&d[..9]) {
        return cv.mk(AbaRouting, cv.conf, false, None);
    }
    None
}

/// The value under a `BankAccount`-type key.
pub(crate) fn bank_account_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (d, n) = digits_only(v, b"- ")?;
    // under a weak key (`bank_account`, which is often an object or an id) only a quoted number
    let looks_the_part = cv.strong || (cv.is_str && n == v.len());
    if !looks_the_part || !(6..=17).contains(&n) || d[..n].iter().all(|&c| c == d[0]) {
        return None;
    }
    cv.mk(BankAccount, Confidence::Firm, false, None)
}
