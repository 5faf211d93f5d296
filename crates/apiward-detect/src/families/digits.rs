//! The digit-cluster scanner: one vector pass marks runs of digits, spaces and `-.()+,`; each run
//! of 7 or more is cut into segments whose shape (digit groups, separators) routes them to the
//! family that can own it: IPv4 (`ip`), phones, SSN/ITIN (`national_ids`), cards, coordinates (`geo`).

use crate::scan::Scanner;
use crate::util::*;

/// What one pass over a cluster run tells: enough to drop most runs without splitting them.
struct RunStats {
    digits: usize,
    dots: usize,
    commas: usize,
    /// Two spaces in a row (a segment boundary, like a comma).
    double_space: bool,
}

impl RunStats {
    #[inline]
    fn of(run: &[u8]) -> RunStats {
        let mut r = RunStats {
            digits: 0,
            dots: 0,
            commas: 0,
            double_space: false,
        };
        let mut spaces = 0usize;
        for &c in run {
            r.digits += c.is_ascii_digit() as usize;
            r.dots += (c == b'.') as usize;
            r.commas += (c == b',') as usize;
            spaces += (c == b' ') as usize;
        }
        // pairs are rare: look for one only when there are two spaces at all
        r.double_space = spaces >= 2 && run.windows(2).any(|w| w == b"  ");
        r
    }

    /// Most runs in API bodies are one bare number (ids, epochs, prices), perhaps followed by the
    /// JSON comma: digits with at most one inner `.`. Without a `+` before it no shape can come
    /// from it (no digit groups, no pair for coordinates), except a card: 13–19 digits, no dot.
    #[inline]
    fn bare_number(&self, run: &[u8]) -> bool {
        let trailing = run.iter().rev().take_while(|&&c| c == b',').count();
        let body = &run[..run.len() - trailing];
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            return false;
        };
        first.is_ascii_digit()
            && last.is_ascii_digit()
            && self.commas == trailing
            && self.digits + self.dots == body.len()
            && (self.dots == 1 || (self.dots == 0 && !(13..=19).contains(&self.digits)))
    }
}

/// Bit i set when byte i may be a cluster character (superset of [`is_cluster`] minus `,`).
#[inline]
pub(crate) fn class_mask64(w: &[u8]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        debug_assert!(w.len() >= 65);
        let mut m = 0u64;
        let mut sp = 0u64;
        // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned 16-byte loads read
        // w[k*16..k*16+17] at most, and the caller passes at least 65 bytes.
        unsafe {
            let lo = _mm_set1_epi8(0x1f);
            let hi = _mm_set1_epi8(0x3a);
            let q = _mm_set1_epi8(b'"' as i8);
            let sl = _mm_set1_epi8(b'/' as i8);
            let cm = _mm_set1_epi8(b',' as i8);
            let at_v = _mm_set1_epi8(b'@' as i8);
            let s_v = _mm_set1_epi8(b'S' as i8);
            let k_v = _mm_set1_epi8(b'K' as i8);
            let a_v = _mm_set1_epi8(b'A' as i8);
            let c_v = _mm_set1_epi8(b'C' as i8);
            for k in 0..4 {
                let x = _mm_loadu_si128(w.as_ptr().add(k * 16) as *const __m128i);
                let x1 = _mm_loadu_si128(w.as_ptr().add(k * 16 + 1) as *const __m128i);
                let r = _mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi));
                // `,` is left out of the window test (JSON separators would glue short numbers
                // into runs); the exact extension below still includes it
                let ex = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, sl)),
                    _mm_cmpeq_epi8(x, cm),
                );
                let r = _mm_andnot_si128(ex, r);
                m |= (_mm_movemask_epi8(r) as u32 as u64) << (k * 16);
                // `@`, `SK`, `AC` (pairs: this byte and the next)
                let sk = _mm_and_si128(_mm_cmpeq_epi8(x, s_v), _mm_cmpeq_epi8(x1, k_v));
                let ac = _mm_and_si128(_mm_cmpeq_epi8(x, a_v), _mm_cmpeq_epi8(x1, c_v));
                let spv = _mm_or_si128(_mm_cmpeq_epi8(x, at_v), _mm_or_si128(sk, ac));
                sp |= (_mm_movemask_epi8(spv) as u32 as u64) << (k * 16);
            }
        }
        (m, sp)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u64;
        let mut sp = 0u64;
        for (k, &c) in w.iter().take(64).enumerate() {
            if is_cluster(c) && c != b',' {
                m |= 1 << k;
            }
            let next = w.get(k + 1).copied().unwrap_or(0);
            if c == b'@' || (c == b'S' && next == b'K') || (c == b'A' && next == b'C') {
                sp |= 1 << k;
            }
        }
        (m, sp)
    }
}

/// Shortest run of cluster characters worth confirming (a card, SSN or phone needs more).
pub(crate) const CLUSTER_MIN: usize = 7;

#[inline]
pub(crate) fn is_cluster(c: u8) -> bool {
    CLUSTER[c as usize]
}

pub(crate) static CLUSTER: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    t[b' ' as usize] = true;
    t[b'-' as usize] = true;
    t[b'.' as usize] = true;
    t[b'(' as usize] = true;
    t[b')' as usize] = true;
    t[b'+' as usize] = true;
    t[b',' as usize] = true;
    t
};

pub(crate) fn mixed_separators(v: &[u8]) -> bool {
    let mut k = 0u8;
    for &c in v {
        if matches!(c, b' ' | b'-' | b'.') {
            if k == 0 {
                k = c;
            } else if k != c {
                return c != b' ' && k != b' ';
            }
        }
    }
    false
}

impl Scanner<'_, '_, '_> {
    /// The exact run of cluster characters around `p` (not reaching back before `done`), scanned
    /// when it is long enough. Returns the run's end, or `None` once the match cap is reached.
    #[inline]
    pub(crate) fn run_around(&mut self, p: usize, done: usize) -> Option<usize> {
        let input = self.input;
        let mut st = p;
        while st > done && is_cluster(input[st - 1]) {
            st -= 1;
        }
        let mut e = p;
        while e < input.len() && is_cluster(input[e]) {
            e += 1;
        }
        if e - st >= CLUSTER_MIN {
            self.cluster(st, e);
            if self.full {
                return None;
            }
        }
        Some(e)
    }

    pub(crate) fn digit_clusters(&mut self) {
        let input = self.input;
        let n = input.len();
        // Vector prefilter: a 64-byte window gives a mask of bytes that may be cluster characters
        // (a superset: 0x20..=0x39 minus `"` and `/`); runs of 7 set bits mark where to look.
        let mut off = 0usize;
        let mut done = 0usize; // everything before `done` has been examined
        while off + 65 <= n {
            let (m, sp) = class_mask64(&input[off..off + 65]);
            let mut spm = sp & ((1u64 << 57) - 1);
            while spm != 0 {
                let p = off + spm.trailing_zeros() as usize;
                spm &= spm - 1;
                self.special_at(p);
            }
            let a = m & (m >> 1);
            let b = a & (a >> 2);
            let mut c = (b & (b >> 3)) & ((1u64 << 57) - 1);
            while c != 0 {
                let p = off + c.trailing_zeros() as usize;
                c &= c - 1;
                if p < done {
                    continue;
                }
                let Some(e) = self.run_around(p, done) else {
                    return;
                };
                done = e.max(p + 1);
            }
            off += 57;
        }
        // scalar tail
        for (p, &c) in input.iter().enumerate().skip(off) {
            if matches!(c, b'@' | b'S' | b'A') {
                self.special_at(p);
            }
        }
        let mut i = off.max(done);
        while i < n {
            if !is_cluster(input[i]) {
                i += 1;
                continue;
            }
            let Some(e) = self.run_around(i, done) else {
                return;
            };
            done = e;
            i = e + 1;
        }
    }

    pub(crate) fn cluster(&mut self, s: usize, e: usize) {
        let input = self.input;
        // IBAN: a digit run glued to letters
        let first = input[s];
        if is_alnum(before(input, s)) {
            if first.is_ascii_digit() {
                self.iban_from(s);
                return;
            }
            if matches!(first, b'-' | b'.') {
                return; // `abc-4111…`: inside a token
            }
        }
        let last = input[e - 1];
        if is_alnum(at(input, e)) && (last.is_ascii_digit() || matches!(last, b'-' | b'.')) {
            // `123-45-6789abc`: part of a token
            return;
        }
        let run = &input[s..e];
        let st = RunStats::of(run);
        // every shape needs at least 4 digits (an IPv4), and without a dot at least 7
        if st.digits < 4 || (st.digits < 7 && st.dots == 0) {
            return;
        }
        if st.bare_number(run) && before(input, s) != b'+' {
            return;
        }
        // coordinates "lat, lng"
        if st.commas > 0 && self.coords(s, e) {
            return;
        }
        if st.commas == 0 && !st.double_space {
            self.segment(s, e);
            return;
        }
        // split on commas and on double spaces
        let mut seg_start = s;
        let mut k = s;
        while k <= e {
            let split =
                k == e || input[k] == b',' || (input[k] == b' ' && at(input, k + 1) == b' ');
            if split {
                if k > seg_start {
                    self.segment(seg_start, k);
                }
                seg_start = k + 1;
            }
            k += 1;
        }
    }

    /// One segment of a cluster: trimmed, parsed into digit groups, then offered to the family its
    /// shape fits. The order matters: the first family whose shape matches owns the segment.
    pub(crate) fn segment(&mut self, s0: usize, e0: usize) {
        let input = self.input;
        let mut s = s0;
        let mut e = e0;
        while s < e && matches!(input[s], b' ' | b'-' | b'.' | b')') {
            s += 1;
        }
        while e > s && matches!(input[e - 1], b' ' | b'-' | b'.' | b'(' | b'+') {
            e -= 1;
        }
        if e <= s || e - s > 40 {
            return;
        }
        // the segment must be delimited by a non-digit on its left
        if s > 0 && input[s - 1].is_ascii_digit() {
            return;
        }
        let v = &input[s..e];
        let plus = before(input, s) == b'+' || v[0] == b'+';
        let sh = Shape::of(v);
        if sh.has_dot && sh.ng == 4 && !plus && !v.iter().any(|&c| c == b' ' || c == b'-') {
            self.ipv4_segment(s, e);
            return;
        }
        if plus {
            self.e164_phone(s, e, &sh);
            return;
        }
        if self.ssn_or_itin(s, e, &sh)
            || self.nanp_phone(s, e, &sh)
            || self.national_phone(s, e, &sh)
        {
            return;
        }
        self.card_segment(s, e, &sh);
    }

    #[inline]
    pub(crate) fn special_at(&mut self, p: usize) {
        match self.input[p] {
            b'@' => self.email_at(p),
            b'S' | b'A' => self.twilio_at(p),
            _ => {}
        }
    }
}

/// The shape of a digit segment: its digits, how they are grouped and separated.
pub(crate) struct Shape<'v> {
    pub(crate) v: &'v [u8],
    digits: [u8; 40],
    pub(crate) nd: usize,
    groups: [u8; 8],
    /// Number of digit groups (may exceed the 8 kept in `groups`).
    pub(crate) ng: usize,
    /// Non-digit bytes.
    pub(crate) seps: usize,
    /// The first of ` `, `-`, `.` used as a separator (0: none).
    pub(crate) sep_kind: u8,
    /// More than one kind of ` `, `-`, `.` separator.
    pub(crate) mixed: bool,
    pub(crate) has_dot: bool,
    pub(crate) has_paren: bool,
}

impl<'v> Shape<'v> {
    /// Parse a segment of at most 40 bytes.
    #[inline]
    pub(crate) fn of(v: &'v [u8]) -> Shape<'v> {
        let mut sh = Shape {
            v,
            digits: [0u8; 40],
            nd: 0,
            groups: [0u8; 8],
            ng: 0,
            seps: 0,
            sep_kind: 0,
            mixed: false,
            has_dot: false,
            has_paren: false,
        };
        let mut cur = 0u8;
        for &c in v {
            if c.is_ascii_digit() {
                sh.digits[sh.nd] = c;
                sh.nd += 1;
                cur += 1;
            } else {
                if cur > 0 {
                    if sh.ng < 8 {
                        sh.groups[sh.ng] = cur;
                    }
                    sh.ng += 1;
                    cur = 0;
                }
                sh.seps += 1;
                // noted here rather than by two more passes over the segment
                sh.has_dot |= c == b'.';
                sh.has_paren |= c == b'(';
                if matches!(c, b' ' | b'-' | b'.') {
                    if sh.sep_kind == 0 {
                        sh.sep_kind = c;
                    } else if sh.sep_kind != c {
                        sh.mixed = true;
                    }
                }
            }
        }
        if cur > 0 {
            if sh.ng < 8 {
                sh.groups[sh.ng] = cur;
            }
            sh.ng += 1;
        }
        sh
    }

    /// The digits, separators removed.
    #[inline]
    pub(crate) fn digits(&self) -> &[u8] {
        &self.digits[..self.nd]
    }

    /// Digit-group lengths (the first 8).
    #[inline]
    pub(crate) fn groups(&self) -> &[u8] {
        &self.groups[..self.ng.min(8)]
    }
}
