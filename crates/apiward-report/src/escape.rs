//! Escaping helpers shared by the renderers. Every string from the target or the spec passes through
//! one of these before it reaches an output.

use apiward_core::{Finding, MaskedValue, Severity};

/// Is `c` allowed in an XML 1.0 document?
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Escape for XML or HTML text and attribute values (double- or single-quoted). Characters illegal in
/// XML 1.0 (`\x00`–`\x08`, `\x0b`, `\x0c`, `\x0e`–`\x1f`, U+FFFE, U+FFFF) are replaced by `\u{..}` text;
/// other C0/C1 controls are kept visible the same way so that HTML output shows them.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if !xml_char_ok(c) || c.is_control() => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Like [`xml`], but also encodes line breaks and tabs as character references so that they survive
/// attribute-value normalisation.
pub fn xml_attr(s: &str) -> String {
    xml(s)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

/// HTML text and attribute escaping (same rules as XML; bidi overrides are made visible too).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in xml(s).chars() {
        match c {
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Escape for inline Markdown, including inside a GFM table cell: nothing in the result can end a
/// cell, start a code span, open an HTML tag, form a link or emphasis, or mention a user. Line breaks
/// become `<br>`.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("&#92;"),
            '`' => out.push_str("&#96;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '~' => out.push_str("&#126;"),
            '@' => out.push_str("&#64;"),
            '#' => out.push_str("&#35;"),
            '!' => out.push_str("&#33;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c if c.is_control() || !xml_char_ok(c) => {
                out.push_str(&format!("&#92;u{{{:x}}}", c as u32))
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("&#92;u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Markdown inline code: `<code>` with the content escaped by [`md`] (safe inside table cells).
pub fn md_code(s: &str) -> String {
    format!("<code>{}</code>", md(s))
}

/// JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the JavaScript line
/// separators are written as `\uXXXX` escapes, so `</script>` or `<!--` cannot appear.
pub fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode a relative path for a URI reference: unreserved characters, `/` and a few safe
/// sub-delimiters stay, everything else (spaces, `%`, `#`, `?`, `:`, non-ASCII) is encoded.
pub fn uri_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'!' | b'$' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Standard base64 (with padding), for CSP hashes.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// One masked value as plain (unescaped) text: `email j***@example.com at $.user.email`, with the
/// revealed value only when the report carries it.
pub fn value_text(v: &MaskedValue) -> String {
    let mut s = format!("{} {}", v.data_type, v.masked);
    if let Some(r) = &v.revealed {
        s.push_str(&format!(" (revealed: {r})"));
    }
    if let Some(k) = &v.key_path {
        s.push_str(&format!(" at {k}"));
    }
    s
}

/// `openapi.yaml:42` (or the pointer when the line is unknown), as plain text.
pub fn spec_ref(f: &Finding) -> Option<String> {
    let s = f.location.spec.as_ref()?;
    Some(match s.line {
        Some(l) => format!("{}:{l}", s.file),
        None if s.pointer.is_empty() => s.file.clone(),
        None => format!("{}#{}", s.file, s.pointer),
    })
}

/// Upper-case severity label.
pub fn sev_upper(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_strips() {
        assert_eq!(
            xml("<a & 'b'>\"]]>"),
            "&lt;a &amp; &#39;b&#39;&gt;&quot;]]&gt;"
        );
        assert_eq!(xml("a\u{0}b\u{8}c\u{fffe}"), "a\\u{0}b\\u{8}c\\u{fffe}");
        assert_eq!(xml_attr("a\nb"), "a&#10;b");
    }

    #[test]
    fn md_cells_cannot_break() {
        let s = md("a|b`c`\nd\\|<script>");
        assert!(!s.contains('`') && !s.contains('\n') && !s.contains('<') || s.contains("<br>"));
        assert_eq!(s, "a\\|b&#96;c&#96;<br>d&#92;\\|&lt;script&gt;");
    }

    #[test]
    fn script_json_and_base64() {
        assert_eq!(
            json_for_script("\"</script>\""),
            "\"\\u003c/script\\u003e\""
        );
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hell"), "aGVsbA==");
        assert_eq!(base64(b"hel"), "aGVs");
        assert_eq!(uri_path("specs/my api#1.yaml"), "specs/my%20api%231.yaml");
    }
}
