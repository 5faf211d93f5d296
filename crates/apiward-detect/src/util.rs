//! Small byte helpers.

/// Clip a string to at most `max` characters.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut o: String = s.chars().take(max).collect();
        o.push('…');
        o
    }
}

#[inline]
pub(crate) fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

#[inline]
pub(crate) fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Byte before `i`, or a space at the start.
#[inline]
pub(crate) fn before(input: &[u8], i: usize) -> u8 {
    if i == 0 { b' ' } else { input[i - 1] }
}

/// Byte at `i`, or a space past the end.
#[inline]
pub(crate) fn at(input: &[u8], i: usize) -> u8 {
    input.get(i).copied().unwrap_or(b' ')
}

/// Length of the run starting at `start` of bytes satisfying `f`, at most `max`.
#[inline]
pub(crate) fn run_fwd(input: &[u8], start: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    let end = input.len().min(start.saturating_add(max));
    let mut i = start;
    while i < end && f(input[i]) {
        i += 1;
    }
    i - start
}

/// Length of the run ending just before `end` of bytes satisfying `f`, at most `max`.
#[inline]
pub(crate) fn run_back(input: &[u8], end: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    let stop = end.saturating_sub(max);
    let mut i = end;
    while i > stop && f(input[i - 1]) {
        i -= 1;
    }
    end - i
}

/// Case-sensitive "does `input[i..]` start with `lit`".
#[inline]
pub(crate) fn starts(input: &[u8], i: usize, lit: &[u8]) -> bool {
    input.len() >= i + lit.len() && &input[i..i + lit.len()] == lit
}

pub(crate) fn find_in(input: &[u8], from: usize, to: usize, lit: &[u8]) -> Option<usize> {
    let to = to.min(input.len());
    if from >= to {
        return None;
    }
    memchr::memmem::find(&input[from..to], lit).map(|p| p + from)
}

pub(crate) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[inline]
pub(crate) fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

#[inline]
pub(crate) fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}
