//! The digit-cluster scanner: one vector pass marks runs of digits, spaces and `-.()+,`; each run
//! of 7 or more is cut into segments whose shape (digit groups, separators) routes them to the
//! family that can own it: IPv4 (`ip`), phones, SSN/ITIN (`national_ids`), cards, coordinates (`geo`).

use super::digit_masks::{self, Lanes};
use crate::scan::Scanner;
use crate::util::*;

/// What one pass over a cluster run tells: enough to drop most runs without splitting them.
pub(crate) struct RunStats {
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

    /// The run of cluster characters starting at `st` and what it holds, from vector masks of the
    /// next 32 bytes; `None` when fewer than 32 bytes remain or the run fills all 32 (the caller
    /// then walks the bytes).
    #[inline(always)]
    fn from_masks(lanes: Lanes, input: &[u8], st: usize) -> Option<(usize, RunStats)> {
        let [cl, dg, dot, comma, space] = digit_masks::run32(lanes, input, st)?;
        let len = cl.trailing_ones();
        if len == 32 {
            return None;
        }
        let r = (1u32 << len) - 1;
        let sp = space & r;
        Some((
            st + len as usize,
            RunStats {
                digits: (dg & r).count_ones() as usize,
                dots: (dot & r).count_ones() as usize,
                commas: (comma & r).count_ones() as usize,
                double_space: sp & (sp >> 1) != 0,
            },
        ))
    }

    /// Most runs in API bodies are one bare number (ids, epochs, prices), perhaps followed by the
    /// JSON comma: digits with at most one inner `.`. Without a `+` before it no shape can come
    /// from it (no digit groups, no pair for coordinates), except a card: 13–19 digits, no dot.
    #[inline]
    fn bare_number(&self, run: &[u8], trailing: usize) -> bool {
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
    #[inline(always)]
    fn run_around(
        &mut self,
        lanes: Lanes,
        p: usize,
        done: usize,
        gap_before: bool,
    ) -> Option<usize> {
        let input = self.input;
        let mut st = p;
        // with `gap_before` the byte before `p` is outside the window's mask: a cluster character
        // only if it is the `,` the mask leaves out
        if !gap_before || input[p - 1] == b',' {
            while st > done && is_cluster(input[st - 1]) {
                st -= 1;
            }
        }
        // the bytes from `st` to `p` are cluster characters: the run from `st` is the run around `p`
        let (e, stats) = match RunStats::from_masks(lanes, input, st) {
            Some((e, stats)) => (e, Some(stats)),
            None => {
                let mut e = p;
                while e < input.len() && is_cluster(input[e]) {
                    e += 1;
                }
                (e, None)
            }
        };
        if e - st >= CLUSTER_MIN {
            self.cluster(st, e, stats);
            if self.full {
                return None;
            }
        }
        Some(e)
    }

    /// The digit-cluster pass, with the widest vectors the CPU has (chosen once per detector).
    pub(crate) fn digit_clusters(&mut self) {
        match self.det.lanes {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Lanes::Avx2` means the CPU has AVX2 and POPCNT (`Lanes::detect`).
            Lanes::Avx2 => unsafe { self.digit_clusters_avx2() },
            lanes => self.digit_clusters_with(lanes),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    unsafe fn digit_clusters_avx2(&mut self) {
        self.digit_clusters_with(Lanes::Avx2)
    }

    #[inline(always)]
    fn digit_clusters_with(&mut self, lanes: Lanes) {
        let input = self.input;
        let n = input.len();
        // Vector prefilter: a 64-byte window gives a mask of bytes that may be cluster characters
        // (a superset: 0x20..=0x39 minus `"` and `/`); runs of 7 set bits mark where to look.
        let mut off = 0usize;
        let mut done = 0usize; // everything before `done` has been examined
        while off + 65 <= n {
            let (m, sp) = digit_masks::window64(lanes, &input[off..off + 65]);
            let mut spm = sp & ((1u64 << 57) - 1);
            while spm != 0 {
                let p = off + spm.trailing_zeros() as usize;
                spm &= spm - 1;
                self.special_at(p);
            }
            let a = m & (m >> 1);
            let b = a & (a >> 2);
            // starts inside a run examined from the window before are dropped at once
            let mut c = (b & (b >> 3))
                & ((1u64 << 57) - 1)
                & u64::MAX
                    .checked_shl(done.saturating_sub(off) as u32)
                    .unwrap_or(0);
            while c != 0 {
                let p = off + c.trailing_zeros() as usize;
                c &= c - 1;
                // the lowest start left: the mask bit before it is clear unless `p` opens the
                // window (a set bit there would have been a start of the same run, already seen)
                let Some(e) = self.run_around(lanes, p, done, p > off) else {
                    return;
                };
                done = e.max(p + 1);
                // the run's other starting points are examined: drop them at once
                c &= u64::MAX.checked_shl((done - off) as u32).unwrap_or(0);
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
            let Some(e) = self.run_around(lanes, i, done, false) else {
                return;
            };
            done = e;
            i = e + 1;
        }
    }

    /// A run of cluster characters `s..e` (with its statistics when the caller has them).
    pub(crate) fn cluster(&mut self, s: usize, e: usize, stats: Option<RunStats>) {
        let input = self.input;
        // IBAN: a digit run glued to letters
        let first = input[s];
        let prev = before(input, s);
        if is_alnum(prev) {
            if first.is_ascii_digit() {
                // an IBAN starts with uppercase letters: after a lowercase one (hex digests)
                // there is none, as `iban_from` would conclude
                if !prev.is_ascii_lowercase() {
                    self.iban_from(s);
                }
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
        let st = stats.unwrap_or_else(|| RunStats::of(run));
        // every shape needs at least 4 digits (an IPv4), and without a dot at least 7
        if st.digits < 4 || (st.digits < 7 && st.dots == 0) {
            return;
        }
        let trailing = run.iter().rev().take_while(|&&c| c == b',').count();
        if st.bare_number(run, trailing) && before(input, s) != b'+' {
            return;
        }
        // only the JSON comma after a value: no pair for coordinates, one segment before it (what
        // the two steps below come to, without their work)
        if st.commas > 0 && st.commas == trailing && !st.double_space {
            if st.digits == run.len() - trailing {
                self.digit_segment(s, e - trailing);
            } else {
                self.segment(s, e - trailing);
            }
            return;
        }
        // coordinates "lat, lng"
        if st.commas > 0 && self.coords(s, e) {
            return;
        }
        if st.digits == run.len() {
            self.digit_segment(s, e);
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

    /// A segment of digits only (the most common kind: ids, timestamps, barcodes): what
    /// [`Scanner::segment`] does with it, without parsing separators. No digit group, no dot and no
    /// `+` inside leave only cards (an E.164 phone needs the `+` before it).
    fn digit_segment(&mut self, s: usize, e: usize) {
        let input = self.input;
        if e - s > 40 || before(input, s) == b'+' || before(input, s).is_ascii_digit() {
            self.segment(s, e);
            return;
        }
        let sh = Shape::of_digits(self.input, s, e);
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
    /// Parse a segment of at most 40 bytes. The counters live in locals, not in the `Shape`
    /// being built: as fields they went through memory on every byte (a store-forwarding chain).
    #[inline]
    pub(crate) fn of(v: &'v [u8]) -> Shape<'v> {
        let mut digits = [0u8; 40];
        let mut groups = [0u8; 8];
        let (mut nd, mut ng, mut cur, mut seps) = (0usize, 0usize, 0u8, 0usize);
        let (mut sep_kind, mut mixed, mut has_dot, mut has_paren) = (0u8, false, false, false);
        for &c in v {
            if c.is_ascii_digit() {
                digits[nd] = c;
                nd += 1;
                cur += 1;
            } else {
                if cur > 0 {
                    if ng < 8 {
                        groups[ng] = cur;
                    }
                    ng += 1;
                    cur = 0;
                }
                seps += 1;
                // noted here rather than by two more passes over the segment
                has_dot |= c == b'.';
                has_paren |= c == b'(';
                if matches!(c, b' ' | b'-' | b'.') {
                    if sep_kind == 0 {
                        sep_kind = c;
                    } else if sep_kind != c {
                        mixed = true;
                    }
                }
            }
        }
        if cur > 0 {
            if ng < 8 {
                groups[ng] = cur;
            }
            ng += 1;
        }
        Shape {
            v,
            digits,
            nd,
            groups,
            ng,
            seps,
            sep_kind,
            mixed,
            has_dot,
            has_paren,
        }
    }

    /// [`Shape::of`] for the segment `input[s..e]` of at most 40 digits and nothing else.
    #[inline]
    pub(crate) fn of_digits(input: &'v [u8], s: usize, e: usize) -> Shape<'v> {
        let v = &input[s..e];
        debug_assert!(v.len() <= 40 && v.iter().all(u8::is_ascii_digit));
        let mut digits = [0u8; 40];
        // a fixed-size copy where the input allows (bytes past the segment are never read)
        match input.get(s..s + 40) {
            Some(w) => digits.copy_from_slice(w),
            None => digits[..v.len()].copy_from_slice(v),
        }
        let mut groups = [0u8; 8];
        groups[0] = v.len() as u8;
        Shape {
            v,
            digits,
            nd: v.len(),
            groups,
            ng: 1,
            seps: 0,
            sep_kind: 0,
            mixed: false,
            has_dot: false,
            has_paren: false,
        }
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
