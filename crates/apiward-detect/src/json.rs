//! A streaming JSON tokenizer that tracks key paths (no DOM; iterative, so nesting depth costs
//! one bit per level beyond the first [`MAX_FRAMES`] levels).

use crate::context::ValKind;
use crate::keys::{KeyClass, person_parent_cached};
use crate::scan::Scanner;
use crate::types::DataType;
use std::ops::Range;

/// Levels whose keys are tracked for paths and context; deeper levels only count.
const MAX_FRAMES: usize = 256;

#[derive(Clone)]
struct Frame {
    is_obj: bool,
    key: Range<usize>,
    idx: u32,
    /// Class of the current key (objects) or of the key that introduced this array.
    kc: Option<KeyClass>,
    person: bool,
    /// DynamoDB typed-AttributeValue candidate: the type code seen as first key.
    av: u8,
    /// [`LOC_OR_MSG`] (Pydantic error object) and [`PERSONAL`] keys seen in this object, OR-ed in
    /// from each key's facts in one step.
    marks: u8,
    /// A bare `name` value waiting for a personal-data sibling: (key span, value span).
    deferred_name: Option<(Range<usize>, Range<usize>)>,
}

pub(crate) fn looks_like_json(input: &[u8]) -> bool {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    matches!(
        input.iter().find(|c| !c.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    )
}

fn ident_like(k: &[u8]) -> bool {
    !k.is_empty()
        && k.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80)
        && !k[0].is_ascii_digit()
}

fn build_path(input: &[u8], frames: &[Frame], deep: usize) -> String {
    let mut p = String::from("$");
    for f in frames {
        if p.len() > 512 {
            p.push('…');
            return p;
        }
        if f.is_obj {
            if f.key.is_empty() && f.key.start == 0 {
                continue;
            }
            let k = &input[f.key.clone()];
            let k = &k[..k.len().min(64)];
            let ks = String::from_utf8_lossy(k);
            if ident_like(k) {
                p.push('.');
                p.push_str(&ks);
            } else {
                p.push_str("[\"");
                p.push_str(&ks.replace('"', "\\\""));
                p.push_str("\"]");
            }
        } else {
            p.push('[');
            p.push_str(&f.idx.to_string());
            p.push(']');
        }
    }
    if deep > 0 {
        p.push_str(".…");
    }
    p
}

/// Find the closing quote of a string whose opening quote is at `i`. Returns the index of the
/// closing quote.
#[inline(always)]
fn string_end(input: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is baseline on x86_64; each 16-byte unaligned load reads input[j..j + 16],
        // which the loop condition keeps in bounds.
        unsafe {
            let q = _mm_set1_epi8(b'"' as i8);
            let bs = _mm_set1_epi8(b'\\' as i8);
            while j + 16 <= input.len() {
                let x = _mm_loadu_si128(input.as_ptr().add(j) as *const __m128i);
                let quotes = _mm_movemask_epi8(_mm_cmpeq_epi8(x, q)) as u32;
                let escapes = _mm_movemask_epi8(_mm_cmpeq_epi8(x, bs)) as u32;
                let m = quotes | escapes;
                if m != 0 {
                    let k = m.trailing_zeros();
                    if quotes >> k & 1 == 1 {
                        return Some(j + k as usize);
                    }
                    // a backslash: the byte after it is escaped
                    j += k as usize + 2;
                    continue;
                }
                j += 16;
            }
        }
    }
    loop {
        let p = memchr::memchr2(b'"', b'\\', input.get(j..)?)? + j;
        if input[p] == b'"' {
            return Some(p);
        }
        j = p + 2;
    }
}

/// Walk the document, attaching key paths and key context. Returns false on a syntax error
/// (position in `s.json_error_at`).
pub(crate) fn walk(s: &mut Scanner) -> bool {
    // Reuse the walker's buffers across documents on this thread (no allocation per document).
    BUFS.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => {
            let b = &mut *b;
            b.frames.clear();
            b.deep_bits.clear();
            let ok = walk_with(s, &mut b.frames, &mut b.deep_bits, &mut b.memo);
            if b.deep_bits.capacity() > 4096 {
                b.deep_bits = Vec::new();
            }
            ok
        }
        Err(_) => walk_with(s, &mut Vec::new(), &mut Vec::new(), &mut Memo::default()),
    })
}

#[derive(Default)]
struct WalkBufs {
    frames: Vec<Frame>,
    deep_bits: Vec<u64>,
    memo: Memo,
}

thread_local! {
    static BUFS: std::cell::RefCell<WalkBufs> = std::cell::RefCell::new(WalkBufs::default());
}

fn walk_with(
    s: &mut Scanner,
    frames: &mut Vec<Frame>,
    deep_bits: &mut Vec<u64>,
    memo: &mut Memo,
) -> bool {
    let input = s.input;
    let mut w = Walk {
        input,
        s,
        frames,
        deep_bits,
        memo,
        deep: 0,
        expect_key: false,
        done_root: false,
    };
    let mut i = if input.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let n = input.len();
    // the next pending pattern match; a local, as its address is handed to the slow paths
    let mut pend = Pend::first(w.s);
    // each arm handles its own error, so a failure branches straight out of the token method
    macro_rules! next {
        ($step:expr) => {
            match $step {
                Ok(next) => next,
                Err(at) => {
                    w.s.json_error_at = at;
                    return false;
                }
            }
        };
    }
    while i < n {
        let c = input[i];
        // keys and most values are strings: one conditional branch, predicted far better than the
        // jump table's indirect branch, takes them
        if c == b'"' {
            i = next!(w.string(i, &mut pend));
            continue;
        }
        i = match c {
            b' ' | b'\n' | b'\r' | b'\t' => {
                i + 1
                    + input[i + 1..]
                        .iter()
                        .take_while(|c| matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
                        .count()
            }
            c @ (b'{' | b'[') => next!(w.open(i, c == b'{')),
            c @ (b'}' | b']') => next!(w.close(i, c == b'}')),
            b',' => next!(w.comma(i)),
            b':' => {
                w.expect_key = false;
                i + 1
            }
            b'-' | b'0'..=b'9' => next!(w.number(i, &mut pend)),
            b't' | b'f' | b'n' => next!(w.literal(i, &mut pend)),
            _ => next!(Err(i)),
        };
    }
    if !w.frames.is_empty() || w.deep > 0 {
        // truncated document: what was seen is still attributed
        w.s.json_error_at = n;
    }
    true
}

/// Bytes of a JSON number: digits, `-`, `+`, `.`, `e`, `E`.
static NUMBER_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    t[b'-' as usize] = true;
    t[b'+' as usize] = true;
    t[b'.' as usize] = true;
    t[b'e' as usize] = true;
    t[b'E' as usize] = true;
    t
};

/// End of the run of number bytes starting at `i`.
#[inline(always)]
fn number_end(input: &[u8], i: usize) -> usize {
    let mut k = i;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is baseline on x86_64; each 16-byte unaligned load reads input[k..k + 16],
        // which the loop condition keeps in bounds.
        unsafe {
            let zero = _mm_set1_epi8(b'0' as i8);
            let nine = _mm_set1_epi8(9);
            let dot = _mm_set1_epi8(b'.' as i8);
            let minus = _mm_set1_epi8(b'-' as i8);
            let plus = _mm_set1_epi8(b'+' as i8);
            let e = _mm_set1_epi8(b'e' as i8);
            // only `e` and `E` become `e` under | 0x20
            let lower = _mm_set1_epi8(0x20);
            while k + 16 <= input.len() {
                let x = _mm_loadu_si128(input.as_ptr().add(k) as *const __m128i);
                let d = _mm_sub_epi8(x, zero);
                let digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
                let sign = _mm_or_si128(_mm_cmpeq_epi8(x, minus), _mm_cmpeq_epi8(x, plus));
                let other = _mm_or_si128(
                    _mm_cmpeq_epi8(x, dot),
                    _mm_cmpeq_epi8(_mm_or_si128(x, lower), e),
                );
                let m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(digit, sign), other)) as u32;
                if m != 0xffff {
                    return k + (!m).trailing_zeros() as usize;
                }
                k += 16;
            }
        }
    }
    k + input[k..]
        .iter()
        .take_while(|&&c| NUMBER_BYTE[c as usize])
        .count()
}

/// The walk's state between tokens. Each token method takes the token's position and returns the
/// position after it, or the position of a syntax error.
struct Walk<'w, 'd, 'a, 'o> {
    input: &'a [u8],
    s: &'w mut Scanner<'d, 'a, 'o>,
    frames: &'w mut Vec<Frame>,
    deep_bits: &'w mut Vec<u64>,
    memo: &'w mut Memo,
    /// Open containers beyond the kept frames (tracked one bit each).
    deep: usize,
    expect_key: bool,
    done_root: bool,
}

impl Walk<'_, '_, '_, '_> {
    /// `{` or `[`.
    #[inline(always)]
    fn open(&mut self, i: usize, is_obj: bool) -> Result<usize, usize> {
        if self.done_root {
            return Err(i);
        }
        if self.deep > 0 || self.frames.len() >= MAX_FRAMES {
            set_deep_bit(self.deep_bits, self.deep, is_obj);
            self.deep += 1;
        } else {
            open_frame(self.s, self.frames, is_obj);
        }
        self.expect_key = is_obj;
        Ok(i + 1)
    }

    /// `}` or `]`: must match the open container.
    #[inline(always)]
    fn close(&mut self, i: usize, is_obj: bool) -> Result<usize, usize> {
        if self.deep > 0 {
            self.deep -= 1;
            if deep_bit(self.deep_bits, self.deep) != is_obj {
                return Err(i);
            }
        } else {
            if !close_frame(self.s, self.frames, is_obj) {
                return Err(i);
            }
            if self.frames.is_empty() {
                self.done_root = true;
            }
        }
        self.expect_key = false;
        Ok(i + 1)
    }

    #[inline(always)]
    fn comma(&mut self, i: usize) -> Result<usize, usize> {
        if self.deep > 0 {
            self.expect_key = deep_bit(self.deep_bits, self.deep - 1);
        } else if let Some(f) = self.frames.last_mut() {
            self.expect_key = next_member(f);
        } else {
            return Err(i);
        }
        Ok(i + 1)
    }

    /// A string: a key (classified, then the `:` after it is taken) or a value (then a `,` right
    /// after it is taken).
    #[inline(always)]
    fn string(&mut self, i: usize, pend: &mut Pend) -> Result<usize, usize> {
        let input = self.input;
        let n = input.len();
        // a key is most often the one seen last at this depth and member index: its end comes
        // from the memo (checked, and the check is predicted), not from a search whose result
        // every later token waits for
        let known = if self.expect_key && self.deep == 0 {
            let idx = self.frames.last().map_or(0, |f| f.idx as usize);
            self.memo.known_key_end(self.frames.len(), idx, input, i)
        } else {
            None
        };
        let end = match known {
            Some(end) => end,
            None => string_end(input, i).ok_or(i)?,
        };
        let span = i + 1..end;
        let mut next = end + 1;
        if self.deep > 0 {
            return Ok(next);
        }
        if self.expect_key {
            on_key(
                self.s,
                input,
                self.frames,
                self.memo,
                span,
                known.is_some(),
                pend,
            );
            self.expect_key = false;
            // fast path: `:` (and one space) right after a key
            if next < n && input[next] == b':' {
                next += 1;
                if next < n && input[next] == b' ' {
                    next += 1;
                }
                // and the value after it, without going round the loop's dispatch
                if next < n {
                    let c = input[next];
                    if c == b'"' {
                        let end = string_end(input, next).ok_or(next)?;
                        return self.string_value(next + 1..end, pend);
                    }
                    if c.is_ascii_digit() || c == b'-' {
                        return self.number(next, pend);
                    }
                }
            }
            return Ok(next);
        }
        self.string_value(span, pend)
    }

    /// A value string `span` (inside its quotes) at kept depth.
    #[inline(always)]
    fn string_value(&mut self, span: Range<usize>, pend: &mut Pend) -> Result<usize, usize> {
        let input = self.input;
        let i = span.start - 1;
        let mut next = span.end + 1;
        if self.done_root {
            return Err(i);
        }
        value(self.s, self.frames, span, ValKind::Str, pend);
        if self.frames.is_empty() {
            self.done_root = true;
        }
        // fast path: `,` right after a value
        if let Some(k) = comma_after_value(input, next, self.frames) {
            self.expect_key = k;
            next += 1;
        }
        Ok(next)
    }

    #[inline(always)]
    fn number(&mut self, i: usize, pend: &mut Pend) -> Result<usize, usize> {
        let input = self.input;
        let mut next = number_end(input, i);
        if self.done_root {
            return Err(i);
        }
        if self.deep == 0 {
            value(self.s, self.frames, i..next, ValKind::Num, pend);
            if self.frames.is_empty() {
                self.done_root = true;
            } else if let Some(k) = comma_after_value(input, next, self.frames) {
                self.expect_key = k;
                next += 1;
            }
        }
        Ok(next)
    }

    /// `true`, `false` or `null`.
    #[inline(always)]
    fn literal(&mut self, i: usize, pend: &mut Pend) -> Result<usize, usize> {
        let input = self.input;
        let next = i + input[i..]
            .iter()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        let kind = match &input[i..next] {
            b"null" => ValKind::Null,
            b"true" | b"false" => ValKind::Bool,
            _ => return Err(i),
        };
        if self.done_root {
            return Err(i);
        }
        if self.deep == 0 {
            value(self.s, self.frames, i..next, kind, pend);
            self.done_root = self.frames.is_empty();
        }
        Ok(next)
    }
}

/// Depth-`d` container beyond the kept frames is an object (one bit per level).
#[inline(always)]
fn deep_bit(deep_bits: &[u64], d: usize) -> bool {
    deep_bits[d / 64] >> (d % 64) & 1 == 1
}

#[inline(always)]
fn set_deep_bit(deep_bits: &mut Vec<u64>, d: usize, is_obj: bool) {
    if d / 64 >= deep_bits.len() {
        deep_bits.push(0);
    }
    if is_obj {
        deep_bits[d / 64] |= 1 << (d % 64);
    } else {
        deep_bits[d / 64] &= !(1 << (d % 64));
    }
}

/// After a `,`: the next member of frame `f`. Returns whether a key comes next.
#[inline(always)]
fn next_member(f: &mut Frame) -> bool {
    f.idx = f.idx.saturating_add(1);
    if f.is_obj {
        f.kc = None;
    }
    f.is_obj
}

/// A `,` right at `i` after a value: move to the next member and say whether a key comes next.
#[inline(always)]
fn comma_after_value(input: &[u8], i: usize, frames: &mut [Frame]) -> Option<bool> {
    if input.get(i) != Some(&b',') {
        return None;
    }
    frames.last_mut().map(next_member)
}

/// `{` or `[` within the kept depth: a frame inheriting the key class (arrays) and the person hint.
#[inline(always)]
fn open_frame(s: &mut Scanner, frames: &mut Vec<Frame>, is_obj: bool) {
    let input = s.input;
    let (kc, person) = match frames.last_mut() {
        Some(p) => {
            // attribute value `{"M": {...}}` / `{"L": [...]}`
            if p.av == b'M' && is_obj || p.av == b'L' && !is_obj {
                let key = p.key.clone();
                p.av = 0;
                let path = build_path(input, frames, 0);
                s.emit_key(DataType::DynamodbAttributeValue, key, path);
            }
            let p = frames
                .last()
                .map(|f| (f.is_obj, f.key.clone(), f.kc, f.person));
            match p {
                Some((true, key, kc, _)) => {
                    (kc, !key.is_empty() && person_parent_cached(&input[key]))
                }
                Some((false, _, kc, person)) => (kc, person),
                None => (None, false),
            }
        }
        None => (None, false),
    };
    frames.push(Frame {
        is_obj,
        key: 0..0,
        idx: 0,
        kc: if is_obj { None } else { kc },
        person,
        av: 0,
        marks: 0,
        deferred_name: None,
    });
}

/// `}` or `]` closing a kept frame; false when it does not match the open one.
#[inline(always)]
fn close_frame(s: &mut Scanner, frames: &mut Vec<Frame>, is_obj: bool) -> bool {
    let input = s.input;
    // a bare `name` in an object that also holds personal data is a person's name
    if let Some(f) = frames.last_mut()
        && f.is_obj
        && f.marks & PERSONAL != 0
        && let Some((key, val)) = f.deferred_name.take()
    {
        f.key = key;
        let path = build_path(input, frames, 0);
        s.deferred_name(val, path);
    }
    matches!(frames.pop(), Some(f) if f.is_obj == is_obj)
}

/// A key: classify it (memoized), note typed-AttributeValue, Pydantic and paging shapes, and attach
/// it to pattern matches inside the key itself. `input` is the walk's copy of `s.input` (read
/// through the scanner it cost two loads per key).
#[inline(always)]
fn on_key(
    s: &mut Scanner,
    input: &[u8],
    frames: &mut [Frame],
    memo: &mut Memo,
    span: Range<usize>,
    known: bool,
    pend: &mut Pend,
) {
    let nframes = frames.len();
    let idx = frames.last().map(|f| f.idx as usize).unwrap_or(0);
    let facts = if known {
        // `known_key_end` matched this very entry
        &memo.entries[nframes][idx].facts
    } else {
        memo.facts(nframes, idx, input, span.clone())
    };
    let kc = facts.class;
    let flags = facts.flags;
    if let Some(f) = frames.last_mut() {
        f.key = span.clone();
        f.kc = kc;
        // only a first key opens an AttributeValue; masked rather than branched (12 in 13 keys
        // are not first)
        f.av = facts.av & 0u8.wrapping_sub(u8::from(f.idx == 0));
        f.marks |= flags;
    }
    // pattern matches inside the key itself (checked here: keys rarely hold one, and the call costs)
    if pend.before(span.end) {
        let fr = &frames;
        let path = || build_path(input, fr, 0);
        s.apply_key(
            None,
            &path,
            span.clone(),
            &mut pend.idx,
            ValKind::Str,
            false,
        );
        pend.refresh(s);
    }
    if flags & (KEY_ONLY | INPUT) != 0 {
        on_rare_key(s, frames, flags, kc, span);
    }
}

/// A key that is itself a finding, or a Pydantic `input` (rare: kept out of the hot path).
#[cold]
#[inline(never)]
fn on_rare_key(
    s: &mut Scanner,
    frames: &[Frame],
    flags: u8,
    kc: Option<KeyClass>,
    span: Range<usize>,
) {
    let input = s.input;
    let nframes = frames.len();
    if flags & KEY_ONLY != 0
        && let Some(k) = kc
    {
        s.emit_key(k.data_type, span.clone(), build_path(input, frames, 0));
    }
    if flags & INPUT != 0 && nframes >= 3 {
        let gp = &frames[nframes - 3];
        let p = &frames[nframes - 2];
        let me = &frames[nframes - 1];
        if !p.is_obj
            && gp.is_obj
            && &input[gp.key.clone()] == b"detail"
            && me.marks & LOC_OR_MSG != 0
        {
            s.emit_key(
                DataType::PydanticInputEcho,
                span,
                build_path(input, frames, 0),
            );
        }
    }
}

/// A value: attach its key to pattern matches inside it, or classify it by its key. Inlined for the
/// common case of a value with nothing to do (no key class, no match, no AttributeValue shape).
#[inline(always)]
fn value(
    s: &mut Scanner,
    frames: &mut [Frame],
    span: Range<usize>,
    kind: ValKind,
    pend: &mut Pend,
) {
    let idle = frames.last().is_none_or(|f| f.av == 0 && f.kc.is_none());
    if idle && !pend.before(span.end) {
        return;
    }
    value_slow(s, frames, span, kind, &mut pend.idx);
    pend.refresh(s);
}

/// The next pending pattern match (they are sorted by start): its index and its start
/// (`usize::MAX` when none is left), so the hot path compares one number.
pub(crate) struct Pend {
    idx: usize,
    start: usize,
}

impl Pend {
    fn first(s: &Scanner) -> Pend {
        let mut p = Pend { idx: 0, start: 0 };
        p.refresh(s);
        p
    }

    /// Whether the next pending match starts before `end`.
    #[inline(always)]
    fn before(&self, end: usize) -> bool {
        self.start < end
    }

    /// After a slow path moved `idx`.
    #[inline]
    fn refresh(&mut self, s: &Scanner) {
        self.start = if self.idx < s.npending {
            s.out[s.base + self.idx].span.start
        } else {
            usize::MAX
        };
    }
}

fn value_slow(
    s: &mut Scanner,
    frames: &mut [Frame],
    span: Range<usize>,
    kind: ValKind,
    pend: &mut usize,
) {
    let input = s.input;
    let (kc, person) = match frames.last_mut() {
        Some(f) => {
            if f.av != 0 {
                let ok = match f.av {
                    b'S' => kind == ValKind::Str,
                    b'O' => kind == ValKind::Bool,
                    _ => false,
                };
                if ok {
                    let key = f.key.clone();
                    f.av = 0;
                    let path = build_path(input, frames, 0);
                    s.emit_key(DataType::DynamodbAttributeValue, key, path);
                }
            }
            let f = &frames[frames.len() - 1];
            (f.kc, f.person)
        }
        None => (None, false),
    };
    if kc.is_none() && !s.pending_before(*pend, span.end) {
        return; // nothing to attach, nothing to classify
    }
    if let Some(k) = kc
        && k.data_type == DataType::PersonName
        && k.strength == crate::keys::KeyStrength::Weak
        && !person
        && kind == ValKind::Str
        && !s.pending_before(*pend, span.end)
    {
        if let Some(f) = frames.last_mut()
            && f.is_obj
            && f.deferred_name.is_none()
        {
            f.deferred_name = Some((f.key.clone(), span));
        }
        return;
    }
    let fr: &[Frame] = frames;
    let path = || build_path(input, fr, 0);
    s.apply_key(kc, &path, span, pend, kind, person);
}

/// What the walk needs to know about a key, worked out once per distinct key.
#[derive(Default, Clone, Copy)]
struct KeyFacts {
    class: Option<KeyClass>,
    /// DynamoDB AttributeValue type code when the key opens an object: `S`, `O` (BOOL/NULL), `M`,
    /// `L`; 0 otherwise.
    av: u8,
    /// [`LOC_OR_MSG`], [`PERSONAL`], [`INPUT`], [`KEY_ONLY`].
    flags: u8,
}

/// `loc` or `msg` (a Pydantic error object).
const LOC_OR_MSG: u8 = 1;
/// A strong personal-data key (email, phone, ssn, dob, address): a bare `name` beside it is a
/// person's name.
const PERSONAL: u8 = 2;
/// `input` (the echoed value of a Pydantic error).
const INPUT: u8 = 4;
/// The key alone is the finding (DynamoDB paging key, ConsumedCapacity, ResponseMetadata).
const KEY_ONLY: u8 = 8;

impl KeyFacts {
    fn of(key: &[u8]) -> KeyFacts {
        let class = crate::keys::classify_cached(key);
        let strong = |ts: &[DataType]| {
            class.is_some_and(|k| {
                k.strength == crate::keys::KeyStrength::Strong && ts.contains(&k.data_type)
            })
        };
        KeyFacts {
            class,
            av: match key {
                b"S" | b"N" | b"B" => b'S',
                b"BOOL" | b"NULL" => b'O',
                b"M" => b'M',
                b"L" | b"SS" | b"NS" | b"BS" => b'L',
                _ => 0,
            },
            flags: if key == b"loc" || key == b"msg" {
                LOC_OR_MSG
            } else {
                0
            } | if key == b"input" { INPUT } else { 0 }
                | if strong(&[
                    DataType::Email,
                    DataType::Phone,
                    DataType::UsSsn,
                    DataType::DateOfBirth,
                    DataType::StreetAddress,
                ]) {
                    PERSONAL
                } else {
                    0
                }
                | if class.is_some_and(|k| {
                    matches!(
                        k.data_type,
                        DataType::DynamodbPagingKey
                            | DataType::DynamodbConsumedCapacity
                            | DataType::AwsResponseMetadata
                    )
                }) {
                    KEY_ONLY
                } else {
                    0
                },
        }
    }
}

/// Keys of homogeneous objects repeat at the same depth and member index: remember the last key
/// seen there (keys up to 16 bytes) and its facts, so the common case is two compares.
struct Memo {
    /// `[depth][member index]`, fixed size so a checked lookup needs no bounds check.
    entries: Box<[[MemoEntry; MEMO_IDX]; MEMO_DEPTH]>,
    /// Facts of a key the memo does not keep (read in place, like an entry's).
    uncached: KeyFacts,
}

const MEMO_DEPTH: usize = 64;
const MEMO_IDX: usize = 32;

impl Default for Memo {
    fn default() -> Memo {
        let rows = vec![[MemoEntry::default(); MEMO_IDX]; MEMO_DEPTH].into_boxed_slice();
        Memo {
            entries: match rows.try_into() {
                Ok(e) => e,
                Err(_) => unreachable!("MEMO_DEPTH rows"),
            },
            uncached: KeyFacts::default(),
        }
    }
}

#[derive(Default, Clone, Copy)]
struct MemoEntry {
    len: u8,
    key: u128,
    facts: KeyFacts,
}

/// `KEEP[16 - n..32 - n]` keeps the low `n` bytes of a 16-byte little-endian word.
static KEEP: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut k = 0;
    while k < 16 {
        t[k] = 0xff;
        k += 1;
    }
    t
};

/// The key `input[span]` (at most 16 bytes) as one zero-padded little-endian word.
#[inline(always)]
fn key_word(input: &[u8], span: Range<usize>) -> u128 {
    let n = span.len();
    debug_assert!(n <= 16);
    let word = |b: &[u8]| {
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        u128::from_le_bytes(a)
    };
    if span.start + 16 <= input.len() && n <= 16 {
        word(&input[span.start..span.start + 16]) & word(&KEEP[16 - n..32 - n])
    } else {
        let mut b = [0u8; 16];
        b[..n].copy_from_slice(&input[span]);
        u128::from_le_bytes(b)
    }
}

impl Memo {
    /// The facts of the key `input[span]` at this depth and member index, read in place (a copy
    /// returned through memory showed as a store-forwarding stall).
    #[inline]
    fn facts(&mut self, depth: usize, idx: usize, input: &[u8], span: Range<usize>) -> &KeyFacts {
        let n = span.len();
        if n > 16 || idx >= MEMO_IDX || depth >= MEMO_DEPTH {
            self.uncached = KeyFacts::of(&input[span]);
            return &self.uncached;
        }
        let e = &mut self.entries[depth][idx];
        if e.len as usize != n || !same_key(&e.key, input, span.clone()) {
            *e = MemoEntry {
                len: n as u8,
                key: key_word(input, span.clone()),
                facts: KeyFacts::of(&input[span]),
            };
        }
        &e.facts
    }
}

impl Memo {
    /// The closing quote of the key opening at `i` when it is the (non-empty) key kept for this
    /// depth and member index. The same bytes after the same opening quote end at the same
    /// unescaped quote, so this is [`string_end`]'s answer whenever it answers.
    #[inline(always)]
    fn known_key_end(&self, depth: usize, idx: usize, input: &[u8], i: usize) -> Option<usize> {
        if idx >= MEMO_IDX || depth >= MEMO_DEPTH {
            return None;
        }
        let e = &self.entries[depth][idx];
        let end = i + 1 + e.len as usize;
        let hit = e.len > 0 && input.get(end) == Some(&b'"') && same_key(&e.key, input, i + 1..end);
        hit.then_some(end)
    }
}

/// Whether `input[span]` (at most 16 bytes) is the key kept as `word`: one masked 16-byte compare
/// in registers (the two-word compare spilled both words); `word` by reference, so it is read
/// straight into the vector register rather than through two general ones.
#[inline(always)]
fn same_key(word: &u128, input: &[u8], span: Range<usize>) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let n = span.len();
        if span.start + 16 <= input.len() && n <= 16 {
            // SAFETY: SSE2 is baseline on x86_64; the loads read input[span.start..span.start + 16]
            // (in bounds, tested above), KEEP[16 - n..32 - n] (n <= 16) and the 16 bytes of `word`.
            unsafe {
                let key = _mm_and_si128(
                    _mm_loadu_si128(input.as_ptr().add(span.start) as *const __m128i),
                    _mm_loadu_si128(KEEP.as_ptr().add(16 - n) as *const __m128i),
                );
                let kept = _mm_loadu_si128(word as *const u128 as *const __m128i);
                return _mm_movemask_epi8(_mm_cmpeq_epi8(key, kept)) == 0xffff;
            }
        }
    }
    key_word(input, span) == *word
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number_end_scalar(input: &[u8], i: usize) -> usize {
        i + input[i..]
            .iter()
            .take_while(|&&c| NUMBER_BYTE[c as usize])
            .count()
    }

    fn string_end_scalar(input: &[u8], i: usize) -> Option<usize> {
        let mut j = i + 1;
        while j < input.len() {
            match input[j] {
                b'"' => return Some(j),
                b'\\' => j += 2,
                _ => j += 1,
            }
        }
        None
    }

    /// A key end taken from the memo is the quote search's answer, or no answer: same key, longer
    /// key, shorter key, escaped quotes, a key at the end of the input, the empty key.
    #[test]
    fn memo_key_end_agrees_with_the_quote_search() {
        let kept: [&[u8]; 6] = [
            b"id",
            b"a\\\"b",
            b"order_number",
            b"",
            b"x\\",
            b"0123456789abcdef",
        ];
        let seen: [&[u8]; 10] = [
            b"id",
            b"idx",
            b"i",
            b"a\\\"b",
            b"a\\\"bc",
            b"order_number",
            b"order_numbers",
            b"",
            b"x\\",
            b"0123456789abcdef",
        ];
        for k in kept {
            for v in seen {
                for tail in [&b"\":1,"[..], &b"\""[..], &b"\\\":1}"[..], &b""[..]] {
                    // the walk keeps only keys the quote search ended (`x\\` never is one)
                    let mut memo = Memo::default();
                    let mut doc = b"\"".to_vec();
                    doc.extend_from_slice(k);
                    doc.push(b'"');
                    if string_end(&doc, 0) != Some(1 + k.len()) {
                        continue;
                    }
                    memo.facts(1, 0, &doc, 1..1 + k.len());
                    let mut doc = b"\"".to_vec();
                    doc.extend_from_slice(v);
                    doc.extend_from_slice(tail);
                    if let Some(end) = memo.known_key_end(1, 0, &doc, 0) {
                        assert_eq!(Some(end), string_end(&doc, 0), "{k:?} then {doc:?}");
                        assert_eq!(k, v);
                    }
                }
            }
        }
    }

    #[test]
    fn vector_string_end_agrees_with_the_byte_loop() {
        // quotes and backslashes at every offset, across 16-byte blocks and at the very end
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 1..80 {
            for _ in 0..200 {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        b"ab\\\"x\\yz01"[(seed % 10) as usize]
                    })
                    .collect();
                for i in 0..len {
                    assert_eq!(
                        string_end(&v, i),
                        string_end_scalar(&v, i),
                        "{v:?} from {i}"
                    );
                }
            }
        }
    }

    #[test]
    fn vector_number_end_agrees_with_the_byte_loop() {
        // every byte value at every offset of a 16-byte block, after runs of number bytes
        let fill = b"0123456789.-+eE9";
        for stop in 0..=255u8 {
            for at in 0..40 {
                let mut v: Vec<u8> = (0..48).map(|k| fill[k % fill.len()]).collect();
                v[at] = stop;
                for from in 0..at.min(20) + 1 {
                    assert_eq!(
                        number_end(&v, from),
                        number_end_scalar(&v, from),
                        "stop byte {stop:#x} at {at}, from {from}"
                    );
                }
            }
        }
    }
}
