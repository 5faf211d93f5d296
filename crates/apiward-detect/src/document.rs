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

/// Scan a whole document in the given format.
pub fn scan_document(
    det: &Detector,
    input: &[u8],
    format: InputFormat,
) -> Result<Vec<LocatedMatch>, String> {
    let format = match format {
        InputFormat::Auto => {
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

fn scan_har(det: &Detector, input: &[u8], out: &mut Vec<LocatedMatch>) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_slice(input).map_err(|e| format!("HAR: invalid JSON: {e}"))?;
    let entries = v
        .get("log")
        .and_then(|l| l.get("entries"))
        .and_then(|e| e.as_array())
        .ok_or("HAR: no log.entries array")?;
    for e in entries {
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
            for (name, value) in headers_of(obj.get("headers").unwrap_or(&serde_json::Value::Null))
            {
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
    Ok(())
}
