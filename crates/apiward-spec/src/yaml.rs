//! YAML → [`Node`] through `saphyr-parser`'s event stream.
//!
//! * Scalars are typed with the YAML 1.2 core schema (plain scalars only; quoted and block
//!   scalars stay strings). Mapping keys keep their text.
//! * Aliases are expanded by copying the anchored node, counted against a node budget, so a
//!   billion-laughs document stops with an error after a bounded amount of work.
//! * Merge keys (`<<`) are applied; tags are ignored.
//! * Nesting is capped; only the first document of a stream is used.

use crate::json::{ParseDiag, ParseError, dedupe_members};
use crate::node::{Node, Value};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// Resource limits for YAML parsing.
#[derive(Debug, Clone, Copy)]
pub struct YamlLimits {
    pub max_depth: usize,
    /// Total nodes in the resulting tree, alias copies included.
    pub max_nodes: usize,
    /// Nodes created by alias expansion alone.
    pub max_alias_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            max_depth: 512,
            max_nodes: 5_000_000,
            max_alias_nodes: 1_000_000,
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        line: u32,
        anchor: usize,
        count: usize,
        height: usize,
    },
    Map {
        members: Vec<(String, Node)>,
        line: u32,
        anchor: usize,
        count: usize,
        height: usize,
        key: Option<(String, u32)>,
        has_merge: bool,
    },
}

fn err_at(line: usize, col: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line: line as u32,
        column: col as u32 + 1,
        message: message.into(),
    }
}

/// Parse the first document of a YAML stream.
pub fn parse_yaml(
    text: &str,
    limits: YamlLimits,
    diags: &mut Vec<ParseDiag>,
) -> Result<Node, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize, usize)> = HashMap::new();
    let mut total_nodes = 0usize;
    let mut alias_nodes = 0usize;
    let mut root: Option<Node> = None;

    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| {
            err_at(
                e.marker().line(),
                e.marker().col(),
                format!("invalid YAML: {}", e.info()),
            )
        })?;
        let line = span.start.line() as u32;
        // (node, subtree size, anchor id to register, is-key-text)
        // (node, subtree size, subtree height, anchor id to register)
        let (node, size, height, anchor): (Node, usize, usize, usize) = match ev {
            Event::StreamStart | Event::Nothing => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if root.is_some() {
                    diags.push(ParseDiag {
                        line,
                        code: "spec.yaml-multiple-documents",
                        message:
                            "the YAML stream holds more than one document; only the first is used"
                                .to_string(),
                    });
                    break;
                }
                continue;
            }
            Event::DocumentEnd => continue,
            Event::Alias(id) => {
                let Some((n, size, height)) = anchors.get(&id) else {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        "alias refers to an unknown anchor",
                    ));
                };
                alias_nodes += *size;
                total_nodes += *size;
                if alias_nodes > limits.max_alias_nodes || total_nodes > limits.max_nodes {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        format!(
                            "YAML alias expansion exceeds the node budget ({} alias nodes, {} total); \
                             the document looks like an alias bomb",
                            limits.max_alias_nodes, limits.max_nodes
                        ),
                    ));
                }
                if stack.len() + *height > limits.max_depth {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        format!(
                            "document nested deeper than {} levels (through an alias)",
                            limits.max_depth
                        ),
                    ));
                }
                let mut n = n.clone();
                n.line = line;
                (n, *size, *height, 0)
            }
            Event::Scalar(value, style, anchor, tag) => {
                total_nodes += 1;
                if total_nodes > limits.max_nodes {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        format!("document exceeds the node budget of {}", limits.max_nodes),
                    ));
                }
                // A mapping key keeps its text.
                let is_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                let tagged_str = tag
                    .as_ref()
                    .map(|t| t.suffix == "str" || t.suffix == "binary")
                    .unwrap_or(false);
                let v = if is_key || style != ScalarStyle::Plain || tagged_str {
                    Value::String(value.into_owned())
                } else {
                    type_plain_scalar(&value)
                };
                (Node::new(v, line), 1, 0, anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        format!("document nested deeper than {} levels", limits.max_depth),
                    ));
                }
                total_nodes += 1;
                if total_nodes > limits.max_nodes {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        format!("document exceeds the node budget of {}", limits.max_nodes),
                    ));
                }
                if matches!(ev, Event::SequenceStart(..)) {
                    stack.push(Frame::Seq {
                        items: Vec::new(),
                        line,
                        anchor,
                        count: 1,
                        height: 1,
                    });
                } else {
                    stack.push(Frame::Map {
                        members: Vec::new(),
                        line,
                        anchor,
                        count: 1,
                        height: 1,
                        key: None,
                        has_merge: false,
                    });
                }
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    line,
                    anchor,
                    count,
                    height,
                }) => (Node::new(Value::Array(items), line), count, height, anchor),
                _ => {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        "unbalanced sequence",
                    ));
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    mut members,
                    line,
                    anchor,
                    count,
                    height,
                    key,
                    has_merge,
                }) => {
                    if let Some((k, kl)) = key {
                        // Key without value (should not happen with a well-formed stream).
                        members.push((k, Node::new(Value::Null, kl)));
                    }
                    if has_merge {
                        apply_merge(&mut members);
                    }
                    dedupe_members(&mut members, diags);
                    (
                        Node::new(Value::Object(members), line),
                        count,
                        height,
                        anchor,
                    )
                }
                _ => {
                    return Err(err_at(
                        span.start.line(),
                        span.start.col(),
                        "unbalanced mapping",
                    ));
                }
            },
        };
        if anchor > 0 {
            anchors.insert(anchor, (node.clone(), size, height));
        }
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq {
                items,
                count,
                height: h,
                ..
            }) => {
                *count += size;
                *h = (*h).max(height + 1);
                items.push(node);
            }
            Some(Frame::Map {
                members,
                count,
                height: h,
                key,
                has_merge,
                ..
            }) => {
                *count += size;
                *h = (*h).max(height + 1);
                match key.take() {
                    None => {
                        let text = match node.scalar_text() {
                            Some(t) => t,
                            None => {
                                diags.push(ParseDiag {
                                    line: node.line,
                                    code: "spec.yaml-complex-key",
                                    message: "a mapping key is a collection; it is ignored"
                                        .to_string(),
                                });
                                "<complex key>".to_string()
                            }
                        };
                        if text == "<<" {
                            *has_merge = true;
                        }
                        *key = Some((text, node.line));
                    }
                    Some((k, kl)) => {
                        let mut node = node;
                        if matches!(node.value, Value::Object(_) | Value::Array(_)) {
                            node.line = node.line.min(kl).max(1);
                        }
                        members.push((k, node));
                    }
                }
            }
        }
    }
    match root {
        Some(r) => Ok(r),
        None => Err(err_at(1, 0, "empty YAML document")),
    }
}

/// Apply `<<` merge keys: members of the merged mapping(s) that the mapping lacks are added.
fn apply_merge(members: &mut Vec<(String, Node)>) {
    let mut merged: Vec<(String, Node)> = Vec::new();
    let mut rest: Vec<(String, Node)> = Vec::with_capacity(members.len());
    let mut sources: Vec<Node> = Vec::new();
    for (k, v) in members.drain(..) {
        if k == "<<" {
            match v.value {
                Value::Object(_) => sources.push(v),
                Value::Array(items) => sources.extend(items),
                _ => rest.push((k, v)),
            }
        } else {
            rest.push((k, v));
        }
    }
    for src in sources {
        if let Value::Object(m) = src.value {
            for (k, v) in m {
                if !rest.iter().any(|(rk, _)| *rk == k) && !merged.iter().any(|(mk, _)| *mk == k) {
                    merged.push((k, v));
                }
            }
        }
    }
    *members = rest;
    members.extend(merged);
}

/// YAML 1.2 core schema typing of a plain scalar.
pub(crate) fn type_plain_scalar(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let b = s.as_bytes();
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty()
            && hex.bytes().all(|c| c.is_ascii_hexdigit())
            && let Ok(v) = u64::from_str_radix(hex, 16)
        {
            return Value::Number(v.to_string());
        }
        return Value::String(s.to_string());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty()
            && oct.bytes().all(|c| (b'0'..=b'7').contains(&c))
            && let Ok(v) = u64::from_str_radix(oct, 8)
        {
            return Value::Number(v.to_string());
        }
        return Value::String(s.to_string());
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let int_start = i;
    while matches!(b.get(i), Some(b'0'..=b'9')) {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    let mut is_float = false;
    if b.get(i) == Some(&b'.') {
        is_float = true;
        i += 1;
        let fs = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        frac_digits = i - fs;
    }
    if int_digits == 0 && frac_digits == 0 {
        return Value::String(s.to_string());
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        is_float = true;
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let es = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        if i == es {
            return Value::String(s.to_string());
        }
    }
    if i != b.len() {
        return Value::String(s.to_string());
    }
    let t = s.strip_prefix('+').unwrap_or(s);
    if !is_float {
        // Normalise leading zeros so the text stays a valid JSON number.
        let (sign, digits) = match t.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", t),
        };
        let trimmed = digits.trim_start_matches('0');
        let digits = if trimmed.is_empty() { "0" } else { trimmed };
        return Value::Number(format!("{sign}{digits}"));
    }
    Value::Number(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Result<Node, ParseError> {
        parse_yaml(s, YamlLimits::default(), &mut Vec::new())
    }

    #[test]
    fn scalars_and_lines() {
        let n = y("openapi: 3.0.0\nswagger: 2.0\ninfo:\n  title: x\n  n: 12\n  q: '12'\n  z: ~\n  t: true\n200: ok\n").unwrap();
        assert_eq!(n.get("openapi").unwrap().as_str(), Some("3.0.0"));
        assert_eq!(n.get("swagger").unwrap().value, Value::Number("2.0".into()));
        let info = n.get("info").unwrap();
        assert_eq!(info.line, 3);
        assert_eq!(info.get("title").unwrap().line, 4);
        assert_eq!(info.get("n").unwrap().value, Value::Number("12".into()));
        assert_eq!(info.get("q").unwrap().as_str(), Some("12"));
        assert_eq!(info.get("z").unwrap().value, Value::Null);
        assert_eq!(info.get("t").unwrap().as_bool(), Some(true));
        assert!(n.get("200").is_some());
    }

    #[test]
    fn anchors_and_merge() {
        let n = y("a: &x {p: 1, q: 2}\nb:\n  <<: *x\n  q: 3\n").unwrap();
        let b = n.get("b").unwrap();
        assert_eq!(b.get("p").unwrap().as_f64(), Some(1.0));
        assert_eq!(b.get("q").unwrap().as_f64(), Some(3.0));
        assert!(b.get("<<").is_none());
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for w in names.windows(2) {
            s.push_str(&format!(
                "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n",
                n = w[1],
                p = w[0]
            ));
        }
        let t = std::time::Instant::now();
        let e = y(&s).unwrap_err();
        assert!(e.message.contains("alias"), "{e}");
        assert!(t.elapsed().as_secs() < 5);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let s = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(y(&s).is_err());
        let mut s = String::new();
        for i in 0..2000 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        assert!(y(&s).is_err());
    }

    #[test]
    fn aliases_cannot_stack_depth() {
        // Each anchor nests the previous one 300 levels deeper.
        let mut s = String::new();
        for i in 0..10 {
            s.push_str(&format!("k{i}: &a{i} "));
            s.push_str(&"[".repeat(200));
            if i > 0 {
                s.push_str(&format!("*a{}", i - 1));
            }
            s.push_str(&"]".repeat(200));
            s.push('\n');
        }
        let e = y(&s).unwrap_err();
        assert!(e.message.contains("deeper"), "{e}");
    }

    #[test]
    fn core_schema() {
        assert_eq!(type_plain_scalar("0x1F"), Value::Number("31".into()));
        assert_eq!(type_plain_scalar("+1.5e3"), Value::Number("1.5e3".into()));
        assert_eq!(type_plain_scalar("007"), Value::Number("7".into()));
        assert_eq!(type_plain_scalar("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(type_plain_scalar(".inf"), Value::String(".inf".into()));
        assert_eq!(type_plain_scalar("yes"), Value::String("yes".into()));
    }
}
