//! Byte-class bit masks for the digit-cluster pass, in three builds of the same logic: AVX2 (chosen
//! at run time when the CPU has it), SSE2 (the x86_64 baseline) and portable scalar code. Bit `i` of
//! a mask describes byte `i` of the window.

use super::digits::is_cluster;

/// Which instructions build the masks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Lanes {
    /// Portable code (other architectures; on x86_64 only the tests use it).
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Lanes {
    /// The best this CPU offers (AVX2 also needs POPCNT, which every AVX2 CPU has).
    #[inline]
    pub(crate) fn detect() -> Lanes {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
                Lanes::Avx2
            } else {
                Lanes::Sse2
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        Lanes::Scalar
    }
}

/// The 64-byte window `w[..64]` (`w` holds at least 65 bytes: pairs look one byte ahead):
/// `(maybe_cluster, specials)`. `maybe_cluster` is a superset of [`is_cluster`] without `,`: bytes
/// 0x20..=0x39 except `"`, `/` and `,` (JSON separators would glue short numbers into runs).
/// `specials` marks `@` (emails) and the `SK`/`AC` pairs (Twilio ids).
#[inline(always)]
pub(crate) fn window64(lanes: Lanes, w: &[u8]) -> (u64, u64) {
    assert!(w.len() >= 65);
    match lanes {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Lanes::Avx2` is only produced by `detect` after checking the CPU.
        Lanes::Avx2 => unsafe { window64_avx2(w) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of the x86_64 baseline.
        Lanes::Sse2 => unsafe { window64_sse2(w) },
        Lanes::Scalar => window64_scalar(w),
    }
}

fn window64_scalar(w: &[u8]) -> (u64, u64) {
    let mut m = 0u64;
    let mut sp = 0u64;
    for k in 0..64 {
        let c = w[k];
        if (0x20..=0x39).contains(&c) && !matches!(c, b'"' | b'/' | b',') {
            m |= 1 << k;
        }
        let next = w[k + 1];
        if c == b'@' || (c == b'S' && next == b'K') || (c == b'A' && next == b'C') {
            sp |= 1 << k;
        }
    }
    (m, sp)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
unsafe fn window64_sse2(w: &[u8]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let mut m = 0u64;
    let mut sp = 0u64;
    // SAFETY (all loads): the unaligned 16-byte loads read w[k*16..k*16 + 17] at most, and the
    // caller passes at least 65 bytes.
    for k in 0..4 {
        let x = unsafe { _mm_loadu_si128(w.as_ptr().add(k * 16) as *const __m128i) };
        let x1 = unsafe { _mm_loadu_si128(w.as_ptr().add(k * 16 + 1) as *const __m128i) };
        let r = _mm_and_si128(
            _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1f)),
            _mm_cmplt_epi8(x, _mm_set1_epi8(0x3a)),
        );
        let ex = _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'/' as i8)),
            ),
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b',' as i8)),
        );
        let r = _mm_andnot_si128(ex, r);
        m |= (_mm_movemask_epi8(r) as u32 as u64) << (k * 16);
        let sk = _mm_and_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b'S' as i8)),
            _mm_cmpeq_epi8(x1, _mm_set1_epi8(b'K' as i8)),
        );
        let ac = _mm_and_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b'A' as i8)),
            _mm_cmpeq_epi8(x1, _mm_set1_epi8(b'C' as i8)),
        );
        let spv = _mm_or_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b'@' as i8)),
            _mm_or_si128(sk, ac),
        );
        sp |= (_mm_movemask_epi8(spv) as u32 as u64) << (k * 16);
    }
    (m, sp)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn window64_avx2(w: &[u8]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let mut m = 0u64;
    let mut sp = 0u64;
    // SAFETY (all loads): the unaligned 32-byte loads read w[k*32..k*32 + 33] at most, and the
    // caller passes at least 65 bytes.
    for k in 0..2 {
        let x = unsafe { _mm256_loadu_si256(w.as_ptr().add(k * 32) as *const __m256i) };
        let x1 = unsafe { _mm256_loadu_si256(w.as_ptr().add(k * 32 + 1) as *const __m256i) };
        let r = _mm256_and_si256(
            _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x1f)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(0x3a), x),
        );
        let ex = _mm256_or_si256(
            _mm256_or_si256(
                _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'"' as i8)),
                _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'/' as i8)),
            ),
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b',' as i8)),
        );
        let r = _mm256_andnot_si256(ex, r);
        m |= (_mm256_movemask_epi8(r) as u32 as u64) << (k * 32);
        let sk = _mm256_and_si256(
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'S' as i8)),
            _mm256_cmpeq_epi8(x1, _mm256_set1_epi8(b'K' as i8)),
        );
        let ac = _mm256_and_si256(
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'A' as i8)),
            _mm256_cmpeq_epi8(x1, _mm256_set1_epi8(b'C' as i8)),
        );
        let spv = _mm256_or_si256(
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'@' as i8)),
            _mm256_or_si256(sk, ac),
        );
        sp |= (_mm256_movemask_epi8(spv) as u32 as u64) << (k * 32);
    }
    (m, sp)
}

/// Masks of the 32 bytes from `at`: `[cluster, digit, '.', ',', ' ']` (cluster = [`is_cluster`]).
/// `None` when fewer than 32 bytes remain.
#[inline(always)]
pub(crate) fn run32(lanes: Lanes, input: &[u8], at: usize) -> Option<[u32; 5]> {
    if at.checked_add(32)? > input.len() {
        return None;
    }
    let w = &input[at..at + 32];
    Some(match lanes {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Lanes::Avx2` is only produced by `detect` after checking the CPU.
        Lanes::Avx2 => unsafe { run32_avx2(w) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of the x86_64 baseline.
        Lanes::Sse2 => unsafe { run32_sse2(w) },
        Lanes::Scalar => run32_scalar(w),
    })
}

fn run32_scalar(w: &[u8]) -> [u32; 5] {
    let mut out = [0u32; 5];
    for (i, &c) in w.iter().take(32).enumerate() {
        let bits = [
            is_cluster(c),
            c.is_ascii_digit(),
            c == b'.',
            c == b',',
            c == b' ',
        ];
        for (o, b) in out.iter_mut().zip(bits) {
            *o |= (b as u32) << i;
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
unsafe fn run32_sse2(w: &[u8]) -> [u32; 5] {
    use std::arch::x86_64::*;
    let mut out = [0u32; 5];
    for k in 0..2 {
        // SAFETY: reads w[k*16..k*16 + 16]; the caller passes 32 bytes.
        let x = unsafe { _mm_loadu_si128(w.as_ptr().add(16 * k) as *const __m128i) };
        let digit = _mm_and_si128(
            _mm_cmpgt_epi8(x, _mm_set1_epi8(0x2f)),
            _mm_cmplt_epi8(x, _mm_set1_epi8(0x3a)),
        );
        let dot = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'.' as i8));
        let comma = _mm_cmpeq_epi8(x, _mm_set1_epi8(b',' as i8));
        let space = _mm_cmpeq_epi8(x, _mm_set1_epi8(b' ' as i8));
        // `(` `)` `+` `,` `-` `.` are 0x28..=0x2e without `*`
        let punct = _mm_andnot_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b'*' as i8)),
            _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(0x27)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(0x2f)),
            ),
        );
        let cluster = _mm_or_si128(_mm_or_si128(digit, space), punct);
        for (o, v) in out.iter_mut().zip([cluster, digit, dot, comma, space]) {
            *o |= (_mm_movemask_epi8(v) as u32 & 0xffff) << (16 * k);
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn run32_avx2(w: &[u8]) -> [u32; 5] {
    use std::arch::x86_64::*;
    // SAFETY: reads w[..32]; the caller passes 32 bytes.
    let x = unsafe { _mm256_loadu_si256(w.as_ptr() as *const __m256i) };
    let digit = _mm256_and_si256(
        _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x2f)),
        _mm256_cmpgt_epi8(_mm256_set1_epi8(0x3a), x),
    );
    let dot = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'.' as i8));
    let comma = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b',' as i8));
    let space = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b' ' as i8));
    let punct = _mm256_andnot_si256(
        _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'*' as i8)),
        _mm256_and_si256(
            _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x27)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(0x2f), x),
        ),
    );
    let cluster = _mm256_or_si256(_mm256_or_si256(digit, space), punct);
    [cluster, digit, dot, comma, space].map(|v| _mm256_movemask_epi8(v) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every build of the masks agrees with the scalar one, on every byte value at every position.
    #[test]
    fn builds_agree() {
        let mut lanes = vec![Lanes::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            lanes.push(Lanes::Sse2);
            if Lanes::detect() == Lanes::Avx2 {
                lanes.push(Lanes::Avx2);
            }
        }
        let mut buf = vec![0u8; 65 + 256];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..4000 {
            for (i, b) in buf.iter_mut().enumerate() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // every byte value, and runs dense in the interesting ones
                *b = if round < 256 {
                    (round as u8).wrapping_add(i as u8)
                } else {
                    b"0123456789 -.,()+*\"/@SKAC\xff"[(seed % 26) as usize]
                };
            }
            for at in [0, 1, 7, 31, 64, 200] {
                let w = &buf[at..at + 65];
                let want = (window64_scalar(w), run32(Lanes::Scalar, &buf, at));
                for &l in &lanes {
                    assert_eq!((window64(l, w), run32(l, &buf, at)), want, "{l:?}");
                }
            }
        }
    }

    /// The whole detector finds the same on the labelled corpus whichever build of the masks runs.
    #[test]
    fn detector_agrees_across_builds() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut inputs = Vec::new();
        for f in ["positive.jsonl", "negative.jsonl", "handwritten.jsonl"] {
            let text = std::fs::read_to_string(format!("{dir}/{f}")).unwrap_or_default();
            for line in text.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                    && let Some(input) = v.get("input").and_then(|i| i.as_str())
                {
                    inputs.push(input.to_string());
                }
            }
        }
        assert!(inputs.len() > 500, "corpus missing");
        let mut det = crate::Detector::new();
        let want: Vec<_> = inputs.iter().map(|i| det.scan(i.as_bytes())).collect();
        let mut lanes = vec![Lanes::Scalar];
        #[cfg(target_arch = "x86_64")]
        lanes.extend([Lanes::Sse2, Lanes::Avx2]);
        for l in lanes {
            if l != Lanes::Scalar && Lanes::detect() != Lanes::Avx2 && l != Lanes::detect() {
                continue; // this CPU cannot run that build
            }
            det.lanes = l;
            for (input, want) in inputs.iter().zip(&want) {
                assert_eq!(&det.scan(input.as_bytes()), want, "{l:?} on {input}");
            }
        }
    }
}
