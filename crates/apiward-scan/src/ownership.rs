//! Whose object a URL names, as a fact: the identity that created it in this scan, or the one
//! identity whose responses carried its key. Read by the cross-identity checks (a read of A's
//! object by B, a no-op write-back by B to A's object) and by the active update phase (who reads
//! an object before a write-back).

use crate::Scanner;
use crate::checks::bola::last_segment;

/// The object key at the end of `url` (decoded) and the parameter it fills: `(param, value)`.
pub fn object_key(template: &str, url: &str) -> Option<(String, String)> {
    let last = template.rsplit('/').next()?;
    let param = last.strip_prefix('{')?.strip_suffix('}')?.to_string();
    let seg = last_segment(url);
    if seg.is_empty() {
        return None;
    }
    let value = percent_decode(seg);
    Some((param, value))
}

/// `%XX` escapes decoded (the path segment the planner encoded); invalid escapes kept as is.
pub fn percent_decode(seg: &str) -> String {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whose object this is, as a fact: the identity that created it in this scan, or the one
/// identity whose responses carried its key value (exact value under a key that means the
/// parameter; never seen unauthenticated or by anyone else).
pub fn owner_of(
    s: &Scanner,
    url: &str,
    param: &str,
    value: &str,
) -> Option<(String, &'static str)> {
    if let Some(Some(creator)) = s.guard.creator_of(&s.guard.object_path(url)) {
        return Some((creator, "created by it in this scan"));
    }
    let seen = s.harvest.seen_by(param, value);
    match seen.as_slice() {
        [Some(only)] => Some((only.clone(), "listed only in its responses")),
        _ => None,
    }
}
