//! Whole documents: JSON, NDJSON, HAR, text/logs — with line numbers and sources.

use crate::{Detector, Match};

/// How to read a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// HAR if it looks like one, NDJSON if every line is a JSON value, JSON, else text.
    Auto,
    Json,
    Ndjson,
    Har,
    Text,
}

/// A match placed in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedMatch {
    pub m: Match,
    /// 1-based line of the match start (for HAR: the line inside that body or header value).
    pub line: usize,
    /// For HAR: `"GET https://… response body"`, `"GET https://… response header Set-Cookie"`.
    pub source: Option<String>,
}

/// 1-based line number of byte offset `pos`.
pub fn line_of(input: &[u8], pos: usize) -> usize {
    let pos = pos.min(input.len());
    memchr::memchr_iter(b'\n', &input[..pos]).count() + 1
}

fn locate(input: &[u8], ms: Vec<Match>, source: Option<&str>, out: &mut Vec<LocatedMatch>) {
    // matches are sorted by start: count newlines incrementally
    let mut line = 1usize;
    let mut pos = 0usize;
    for m in ms {
        let p = m.span.start.min(input.len());
        if p >= pos {
            line += memchr::memchr_iter(b'\n', &input[pos..p]).count();
            pos = p;
        } else {
            line = line_of(input, p);
            pos = p;
        }
        out.push(LocatedMatch {
            m,
            line,
            source: source.map(String::from),
        });
    }
}

fn looks_like_har(input: &[u8]) -> bool {
    let head = &input[..input.len().min(4096)];
    memchr::memmem::find(head, b"\"log\"").is_some()
        && (memchr::memmem::find(head, b"\"entries\"").is_some()
            || memchr::memmem::find(head, b"\"creator\"").is_some())
}

fn looks_like_ndjson(input: &[u8]) -> bool {
    let mut lines = input
        .split(|&c| c == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    let first = match lines.next() {
        Some(l) => l.trim_ascii(),
        None => return false,
    };
    let second = match lines.next() {
        Some(l) => l.trim_ascii(),
        None => return false,
    };
    let complete = |l: &[u8]| {
        (l.first() == Some(&b'{') && l.last() == Some(&b'}'))
            || (l.first() == Some(&b'[') && l.last() == Some(&b']'))
    };
    complete(first)
        && complete(second)
        && serde_json::from_slice::<serde_json::Value>(first).is_ok()
}

/// What `InputFormat::Auto` means for a whole input.
fn resolve_auto(input: &[u8]) -> InputFormat {
    if crate::json::looks_like_json(input) {
        if looks_like_har(input) {
            InputFormat::Har
        } else if looks_like_ndjson(input) {
            InputFormat::Ndjson
        } else {
            InputFormat::Json
        }
    } else {
        InputFormat::Text
    }
}

/// The format `InputFormat::Auto` picks for a document that starts with `prefix`, or `None` when the
/// prefix cannot tell yet (`complete`: the prefix is the whole document). Lets a caller stream NDJSON
/// without reading it all first: the answer is the one [`scan_document`] would reach on the whole.
pub fn sniff_format(prefix: &[u8], complete: bool) -> Option<InputFormat> {
    if complete {
        return Some(resolve_auto(prefix));
    }
    // the HAR test looks at the first 4 KB
    if prefix.len() < 4096 {
        return None;
    }
    let body = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    if !body.iter().any(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    if !crate::json::looks_like_json(prefix) {
        return Some(InputFormat::Text);
    }
    if looks_like_har(prefix) {
        return Some(InputFormat::Har);
    }
    // the NDJSON test reads the first two non-blank lines: both must be terminated in the prefix
    let mut nonblank = 0;
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', prefix) {
        if !prefix[start..nl].trim_ascii().is_empty() {
            nonblank += 1;
            if nonblank == 2 {
                return Some(if looks_like_ndjson(&prefix[..=nl]) {
                    InputFormat::Ndjson
                } else {
                    InputFormat::Json
                });
            }
        }
        start = nl + 1;
    }
    None
}

/// Scan a whole document in the given format.
pub fn scan_document(
    det: &Detector,
    input: &[u8],
    format: InputFormat,
) -> Result<Vec<LocatedMatch>, String> {
    let format = match format {
        InputFormat::Auto => resolve_auto(input),
        f => f,
    };
    let mut out = Vec::new();
    match format {
        InputFormat::Json | InputFormat::Auto => {
            let ms = det.scan(input);
            locate(input, ms, None, &mut out);
        }
        InputFormat::Text => {
            let mut ms = Vec::new();
            det.scan_text(input, &mut ms);
            locate(input, ms, None, &mut out);
        }
        InputFormat::Ndjson => {
            let mut off = 0usize;
            for (i, line) in input.split(|&c| c == b'\n').enumerate() {
                let start = off;
                off += line.len() + 1;
                if line.trim_ascii().is_empty() {
                    continue;
                }
                let mut ms = Vec::new();
                det.scan_into(line, &mut ms);
                for mut m in ms {
                    m.span = m.span.start + start..m.span.end + start;
                    out.push(LocatedMatch {
                        m,
                        line: i + 1,
                        source: None,
                    });
                }
            }
        }
        InputFormat::Har => scan_har(det, input, &mut out)?,
    }
    Ok(out)
}

fn headers_of(v: &serde_json::Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| {
                    let n = h.get("name")?.as_str()?;
                    let val = h.get("value")?.as_str()?;
                    Some((n.to_string(), val.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A parsed HAR file whose entries can be scanned one by one (in parallel: it is `Sync`).
#[derive(Debug)]
pub struct Har {
    entries: Vec<serde_json::Value>,
}

impl Har {
    /// Parse a HAR document (`log.entries`).
    pub fn parse(input: &[u8]) -> Result<Har, String> {
        let mut v: serde_json::Value =
            serde_json::from_slice(input).map_err(|e| format!("HAR: invalid JSON: {e}"))?;
        let entries = v
            .get_mut("log")
            .and_then(|l| l.get_mut("entries"))
            .and_then(|e| e.as_array_mut())
            .map(std::mem::take)
            .ok_or("HAR: no log.entries array")?;
        Ok(Har { entries })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Scan entry `i` (request URL and headers, request body, response headers and body), appending
    /// in that order; nothing when `i` is out of range.
    pub fn scan_entry(&self, det: &Detector, i: usize, out: &mut Vec<LocatedMatch>) {
        if let Some(e) = self.entries.get(i) {
            scan_har_entry(det, e, out);
        }
    }
}

fn scan_har(det: &Detector, input: &[u8], out: &mut Vec<LocatedMatch>) -> Result<(), String> {
    let har = Har::parse(input)?;
    for e in &har.entries {
        scan_har_entry(det, e, out);
    }
    Ok(())
}

fn scan_har_entry(det: &Detector, e: &serde_json::Value, out: &mut Vec<LocatedMatch>) {
    let req = e.get("request");
    let method = req
        .and_then(|r| r.get("method"))
        .and_then(|m| m.as_str())
        .unwrap_or("?");
    let url = req
        .and_then(|r| r.get("url"))
        .and_then(|m| m.as_str())
        .unwrap_or("?");
    let label = format!("{method} {url}");
    // request URL (tokens in query strings) and request headers
    {
        let mut ms = Vec::new();
        det.scan_text(url.as_bytes(), &mut ms);
        let src = format!("{label} request URL");
        locate(url.as_bytes(), ms, Some(&src), out);
    }
    for (side, obj) in [("request", req), ("response", e.get("response"))] {
        let Some(obj) = obj else { continue };
        for (name, value) in headers_of(obj.get("headers").unwrap_or(&serde_json::Value::Null)) {
            let mut ms = Vec::new();
            det.scan_headers(&[(name.as_str(), value.as_bytes())], &mut ms);
            let src = format!("{label} {side} header {name}");
            locate(value.as_bytes(), ms, Some(&src), out);
        }
        let body = if side == "response" {
            obj.get("content")
        } else {
            obj.get("postData")
        };
        if let Some(text) = body.and_then(|c| c.get("text")).and_then(|t| t.as_str()) {
            let b64 = body
                .and_then(|c| c.get("encoding"))
                .and_then(|t| t.as_str())
                == Some("base64");
            let bytes: Vec<u8> = if b64 {
                crate::jwt::b64url_decode(text.trim().as_bytes()).unwrap_or_default()
            } else {
                text.as_bytes().to_vec()
            };
            let ms = det.scan(&bytes);
            let src = format!("{label} {side} body");
            locate(&bytes, ms, Some(&src), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever prefix it is given, `sniff_format` either waits or answers what the whole input gets.
    #[test]
    fn sniffing_a_prefix_agrees_with_the_whole() {
        let line = |k: usize| {
            format!(
                "{{\"id\":{k},\"note\":\"{}\"}}\n",
                "x".repeat(k * 37 % 3000)
            )
        };
        let ndjson: String = (0..200).map(line).collect();
        let mut inputs: Vec<Vec<u8>> = vec![
            ndjson.clone().into_bytes(),
            format!("{}\n\n{}", " ".repeat(9000), ndjson).into_bytes(),
            format!("{{\"a\": [\n{}]}}", "1,\n".repeat(5000) + "2").into_bytes(),
            format!(
                "{{\"log\": {{\"creator\": {{}}, \"entries\": []}}}}{}",
                " ".repeat(5000)
            )
            .into_bytes(),
            format!("[{}]", "{\"k\":1},".repeat(3000) + "{}").into_bytes(),
            format!("2024-01-01 INFO {}\n", "y".repeat(6000))
                .repeat(3)
                .into_bytes(),
            format!("{}\n", "\"just a string\"")
                .repeat(400)
                .into_bytes(),
            b"\xef\xbb\xbf"
                .iter()
                .copied()
                .chain(ndjson.bytes())
                .collect(),
        ];
        inputs.push(b"  \n \n".repeat(2000));
        for input in &inputs {
            let whole = resolve_auto(input);
            for cut in (0..input.len()).step_by(997).chain([input.len()]) {
                let complete = cut == input.len();
                if let Some(f) = sniff_format(&input[..cut], complete) {
                    assert_eq!(f, whole, "prefix of {cut} bytes");
                }
            }
            assert_eq!(sniff_format(input, true), Some(whole));
        }
    }
}
