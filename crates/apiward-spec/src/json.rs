//! A small, iterative JSON parser producing a line-aware [`Node`] tree.
//!
//! * No recursion: nesting is an explicit stack capped at `max_depth` levels, so a 10,000-deep
//!   document is an error, never a stack overflow.
//! * Duplicate keys are reported (the last one wins, at the position of the last one).
//! * Numbers keep their source text.
//! * Errors carry a 1-based line and column.

use crate::node::{Node, Value};

/// A fatal parse error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Something tolerated while parsing (duplicate key, control character in a string…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDiag {
    pub line: u32,
    pub code: &'static str,
    pub message: String,
}

enum Frame {
    Array {
        items: Vec<Node>,
        line: u32,
    },
    Object {
        members: Vec<(String, Node)>,
        line: u32,
        key: String,
        key_line: u32,
    },
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    control_reported: bool,
}

/// Parse a JSON document. `text` must be the whole document (a UTF-8 BOM is skipped).
pub fn parse_json(
    text: &str,
    max_depth: usize,
    diags: &mut Vec<ParseDiag>,
) -> Result<Node, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        control_reported: false,
    };
    let root = p.document(max_depth.max(1), diags)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err("unexpected characters after the end of the JSON document"));
    }
    Ok(root)
}

impl<'a> Parser<'a> {
    fn err(&self, message: impl Into<String>) -> ParseError {
        let upto = self.i.min(self.b.len());
        let col = self.b[self.line_start.min(upto)..upto]
            .iter()
            .filter(|&&c| (c & 0xC0) != 0x80)
            .count();
        ParseError {
            line: self.line,
            column: col as u32 + 1,
            message: message.into(),
        }
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                }
                _ => break,
            }
        }
    }

    fn expect_key(&mut self) -> Result<(String, u32), ParseError> {
        self.ws();
        match self.b.get(self.i) {
            Some(b'"') => {
                let line = self.line;
                let key = self.string()?;
                self.ws();
                if self.b.get(self.i) != Some(&b':') {
                    return Err(self.err("expected ':' after an object key"));
                }
                self.i += 1;
                Ok((key, line))
            }
            Some(_) => Err(self.err(format!(
                "expected a string object key, found {}",
                self.describe()
            ))),
            None => Err(self.err("unexpected end of input: expected an object key")),
        }
    }

    fn describe(&self) -> String {
        match self.text.get(self.i..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("'{c}'"),
            None => "end of input".to_string(),
        }
    }

    fn document(
        &mut self,
        max_depth: usize,
        diags: &mut Vec<ParseDiag>,
    ) -> Result<Node, ParseError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // Parse one value (scalars produce a node, containers push a frame).
            self.ws();
            let line = self.line;
            let mut done: Node = match self.b.get(self.i) {
                None => return Err(self.err("unexpected end of input: expected a value")),
                Some(b'{') => {
                    if stack.len() >= max_depth {
                        return Err(
                            self.err(format!("document nested deeper than {max_depth} levels"))
                        );
                    }
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        Node::new(Value::Object(Vec::new()), line)
                    } else {
                        let (key, key_line) = self.expect_key()?;
                        stack.push(Frame::Object {
                            members: Vec::new(),
                            line,
                            key,
                            key_line,
                        });
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    if stack.len() >= max_depth {
                        return Err(
                            self.err(format!("document nested deeper than {max_depth} levels"))
                        );
                    }
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b']') {
                        self.i += 1;
                        Node::new(Value::Array(Vec::new()), line)
                    } else {
                        stack.push(Frame::Array {
                            items: Vec::new(),
                            line,
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let s = self.string_diag(diags)?;
                    Node::new(Value::String(s), line)
                }
                Some(b'-' | b'0'..=b'9') => {
                    let n = self.number()?;
                    Node::new(Value::Number(n), line)
                }
                Some(b't') => self.literal("true", Value::Bool(true), line)?,
                Some(b'f') => self.literal("false", Value::Bool(false), line)?,
                Some(b'n') => self.literal("null", Value::Null, line)?,
                Some(b'N') | Some(b'I') => {
                    return Err(self.err("NaN and Infinity are not valid JSON numbers"));
                }
                Some(_) => {
                    return Err(
                        self.err(format!("expected a JSON value, found {}", self.describe()))
                    );
                }
            };
            // Attach the finished value to its parent; close parents as long as they end here.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                match top {
                    Frame::Array { items, line } => {
                        items.push(done);
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => {
                                self.i += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.i += 1;
                                let items = std::mem::take(items);
                                done = Node::new(Value::Array(items), *line);
                                stack.pop();
                            }
                            _ => {
                                return Err(self.err(format!(
                                    "expected ',' or ']' in an array, found {}",
                                    self.describe()
                                )));
                            }
                        }
                    }
                    Frame::Object {
                        members,
                        line,
                        key,
                        key_line,
                    } => {
                        if matches!(done.value, Value::Object(_) | Value::Array(_)) {
                            done.line = done.line.min(*key_line);
                        }
                        members.push((std::mem::take(key), done));
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => {
                                self.i += 1;
                                let (k, kl) = self.expect_key()?;
                                *key = k;
                                *key_line = kl;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.i += 1;
                                let mut members = std::mem::take(members);
                                dedupe_members(&mut members, diags);
                                done = Node::new(Value::Object(members), *line);
                                stack.pop();
                            }
                            _ => {
                                return Err(self.err(format!(
                                    "expected ',' or '}}' in an object, found {}",
                                    self.describe()
                                )));
                            }
                        }
                    }
                }
            }
        }
    }

    fn literal(&mut self, word: &str, v: Value, line: u32) -> Result<Node, ParseError> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(Node::new(v, line))
        } else {
            Err(self.err(format!("invalid literal (expected `{word}`)")))
        }
    }

    fn number(&mut self) -> Result<String, ParseError> {
        let start = self.i;
        let b = self.b;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => {
                self.i = i;
                return Err(self.err("invalid number: expected a digit"));
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.i = i;
                return Err(self.err("invalid number: expected a digit after '.'"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.i = i;
                return Err(self.err("invalid number: expected a digit in the exponent"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        self.i = i;
        Ok(self.text[start..i].to_string())
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let mut d = Vec::new();
        self.string_diag(&mut d)
    }

    /// Parse a string starting at the opening quote.
    fn string_diag(&mut self, diags: &mut Vec<ParseDiag>) -> Result<String, ParseError> {
        self.i += 1;
        let start = self.i;
        let b = self.b;
        // Fast path: no escapes, no control characters.
        let mut i = start;
        while let Some(&c) = b.get(i) {
            if c == b'"' {
                self.i = i + 1;
                return Ok(self.text[start..i].to_string());
            }
            if c == b'\\' || c < 0x20 {
                break;
            }
            i += 1;
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        self.i = i;
        loop {
            // Copy a run of ordinary characters.
            let run = self.i;
            while let Some(&c) = b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[run..self.i]);
            match b.get(self.i) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = b.get(self.i) else {
                        return Err(self.err("unterminated string"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                // Expect a low surrogate.
                                if b.get(self.i) == Some(&b'\\') && b.get(self.i + 1) == Some(&b'u')
                                {
                                    let save = self.i;
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                        )
                                    } else {
                                        self.i = save;
                                        None
                                    }
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err(format!(
                                "invalid escape sequence '\\{}' in string",
                                e as char
                            )));
                        }
                    }
                }
                Some(&c) => {
                    // A raw control character: invalid JSON, tolerated.
                    if !self.control_reported {
                        self.control_reported = true;
                        diags.push(ParseDiag {
                            line: self.line,
                            code: "spec.json-control-character",
                            message: format!(
                                "unescaped control character U+{:04X} inside a string",
                                c as u32
                            ),
                        });
                    }
                    out.push(c as char);
                    self.i += 1;
                    if c == b'\n' {
                        self.line += 1;
                        self.line_start = self.i;
                    }
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err("unterminated \\u escape"));
            };
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(self.err("invalid hex digit in \\u escape")),
            };
            v = v * 16 + d as u32;
            self.i += 1;
        }
        Ok(v)
    }
}

/// Remove earlier duplicates of a key (the last one wins) and report each duplicate.
pub(crate) fn dedupe_members(members: &mut Vec<(String, Node)>, diags: &mut Vec<ParseDiag>) {
    let n = members.len();
    if n < 2 {
        return;
    }
    // (earlier index, later index) of each duplicate.
    let mut dups: Vec<(usize, usize)> = Vec::new();
    if n <= 24 {
        for j in 1..n {
            for i in 0..j {
                if members[i].0 == members[j].0 {
                    dups.push((i, j));
                }
            }
        }
    } else {
        let mut seen: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(n);
        for (j, (k, _)) in members.iter().enumerate() {
            if let Some(i) = seen.insert(k.as_str(), j) {
                dups.push((i, j));
            }
        }
    }
    if dups.is_empty() {
        return;
    }
    let mut remove = vec![false; n];
    for &(i, j) in &dups {
        if remove[i] {
            continue;
        }
        remove[i] = true;
        diags.push(ParseDiag {
            line: members[j].1.line,
            code: "spec.duplicate-key",
            message: format!(
                "duplicate key `{}` (first at line {}); the last occurrence wins",
                members[j].0, members[i].1.line
            ),
        });
    }
    let mut idx = 0;
    members.retain(|_| {
        let keep = !remove[idx];
        idx += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Node, ParseError> {
        parse_json(s, 512, &mut Vec::new())
    }

    #[test]
    fn parses_values_with_lines() {
        let n = p("{\n \"a\": [1, -2.5e3, true, null],\n \"b\": \"x\\u00e9\\ud83d\\ude00\"\n}")
            .unwrap();
        assert_eq!(n.line, 1);
        let a = n.get("a").unwrap();
        assert_eq!(a.line, 2);
        assert_eq!(
            a.as_array().unwrap()[1].value,
            Value::Number("-2.5e3".into())
        );
        assert_eq!(n.get("b").unwrap().as_str(), Some("xé😀"));
        assert_eq!(n.get("b").unwrap().line, 3);
    }

    #[test]
    fn errors_have_positions() {
        let e = p("{\n  \"a\": NaN\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(p("[1,]").is_err());
        assert!(p("{\"a\" 1}").is_err());
        assert!(p("").is_err());
        assert!(p("01").is_err());
        assert!(p("{} x").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let s = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = p(&s).unwrap_err();
        assert!(e.message.contains("nested deeper"));
        let s = "{\"a\":".repeat(10_000);
        assert!(p(&s).is_err());
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let mut d = Vec::new();
        let n = parse_json("{\"a\":1,\n\"b\":2,\n\"a\":3}", 10, &mut d).unwrap();
        assert_eq!(n.as_object().unwrap().len(), 2);
        assert_eq!(n.get("a").unwrap().as_f64(), Some(3.0));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "spec.duplicate-key");
    }
}
