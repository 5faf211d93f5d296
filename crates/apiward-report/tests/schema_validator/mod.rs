//! A JSON Schema validator for the subset of draft-04 that the SARIF 2.1.0 schema and apiward's
//! report schema use. Shared by the report crate's tests and the CLI's end-to-end tests.
#![allow(dead_code)]

use serde_json::Value;

// ---- A validator for the subset of JSON Schema draft-04 the SARIF schema uses. ----
// Unknown keywords are errors, so nothing in the schema is silently skipped.

const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "title",
    "id",
    "$schema",
    "definitions",
];

fn resolve<'a>(root: &'a Value, r: &str) -> &'a Value {
    let ptr = r.strip_prefix('#').expect("local $ref");
    root.pointer(ptr)
        .unwrap_or_else(|| panic!("unresolvable $ref {r}"))
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The patterns the SARIF schema uses, implemented by hand (JSON Schema patterns are unanchored).
fn pattern_ok(p: &str, s: &str) -> bool {
    match p {
        "[0-9]+(\\.[0-9]+){3}" => s
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .any(|w| w.split('.').filter(|x| all_digits(x)).count() >= 4),
        "[^/]+/.+" => s.find('/').is_some_and(|i| i > 0 && i + 1 < s.len()),
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$" =>
        {
            let parts: Vec<&str> = s.split('-').collect();
            parts.len() == 5
                && is_hex(parts[0], 8)
                && is_hex(parts[1], 4)
                && is_hex(parts[2], 4)
                && ('1'..='5').contains(&parts[2].chars().next().unwrap_or('x'))
                && is_hex(parts[3], 4)
                && "89abAB".contains(parts[3].chars().next().unwrap_or('x'))
                && is_hex(parts[4], 12)
        }
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$" => {
            let alpha2 = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_alphabetic());
            match s.split_once('-') {
                Some((a, b)) => alpha2(a) && alpha2(b),
                None => alpha2(s),
            }
        }
        other => panic!("pattern not implemented by the test validator: {other}"),
    }
}

fn format_ok(f: &str, s: &str) -> bool {
    match f {
        "uri" => {
            // scheme ":" rest, no spaces.
            let Some(i) = s.find(':') else { return false };
            i > 0
                && s[..i].starts_with(|c: char| c.is_ascii_alphabetic())
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.contains(char::is_whitespace)
        }
        "uri-reference" => !s.contains(char::is_whitespace) && !s.contains('\\'),
        "date-time" => {
            let b = s.as_bytes();
            b.len() >= 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':'
        }
        other => panic!("format not implemented: {other}"),
    }
}

pub fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        panic!("schema at {at} is not an object")
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return validate(root, resolve(root, r), v, at, errs);
    }
    for (k, kw) in obj {
        match k.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "type" => {
                let ok = match kw {
                    Value::String(t) => type_ok(t, v),
                    Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
                    _ => panic!("bad type keyword"),
                };
                if !ok {
                    errs.push(format!("{at}: expected type {kw}, got {v}"));
                }
            }
            "enum" => {
                if !kw.as_array().unwrap().contains(v) {
                    errs.push(format!("{at}: {v} not in enum {kw}"));
                }
            }
            "properties" | "additionalProperties" | "patternProperties" => {
                if k == "patternProperties" {
                    panic!("patternProperties not implemented");
                }
                let Some(o) = v.as_object() else { continue };
                if k == "properties" {
                    for (name, sub) in kw.as_object().unwrap() {
                        if let Some(x) = o.get(name) {
                            validate(root, sub, x, &format!("{at}/{name}"), errs);
                        }
                    }
                } else {
                    let declared = obj.get("properties").and_then(Value::as_object);
                    for (name, x) in o {
                        if declared.is_some_and(|d| d.contains_key(name)) {
                            continue;
                        }
                        match kw {
                            Value::Bool(false) => {
                                errs.push(format!("{at}: additional property `{name}`"))
                            }
                            Value::Bool(true) => {}
                            sub => validate(root, sub, x, &format!("{at}/{name}"), errs),
                        }
                    }
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for name in kw.as_array().unwrap() {
                        if !o.contains_key(name.as_str().unwrap()) {
                            errs.push(format!("{at}: missing required `{name}`"));
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    assert!(kw.is_object(), "tuple items not implemented");
                    for (i, x) in a.iter().enumerate() {
                        validate(root, kw, x, &format!("{at}/{i}"), errs);
                    }
                }
            }
            "minItems" => {
                if let Some(a) = v.as_array()
                    && (a.len() as u64) < kw.as_u64().unwrap()
                {
                    errs.push(format!("{at}: fewer than {kw} items"));
                }
            }
            "uniqueItems" => {
                if let Some(a) = v.as_array()
                    && kw.as_bool() == Some(true)
                {
                    for i in 0..a.len() {
                        for j in i + 1..a.len() {
                            if a[i] == a[j] {
                                errs.push(format!("{at}: duplicate items {i} and {j}"));
                            }
                        }
                    }
                }
            }
            "minimum" | "maximum" => {
                if let Some(n) = v.as_f64() {
                    let lim = kw.as_f64().unwrap();
                    if (k == "minimum" && n < lim) || (k == "maximum" && n > lim) {
                        errs.push(format!("{at}: {n} violates {k} {lim}"));
                    }
                }
            }
            "pattern" => {
                if let Some(s) = v.as_str()
                    && !pattern_ok(kw.as_str().unwrap(), s)
                {
                    errs.push(format!("{at}: `{s}` does not match {kw}"));
                }
            }
            "format" => {
                if let Some(s) = v.as_str()
                    && !format_ok(kw.as_str().unwrap(), s)
                {
                    errs.push(format!("{at}: `{s}` is not a valid {kw}"));
                }
            }
            "anyOf" | "oneOf" => {
                let n = kw
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| {
                        let mut e = Vec::new();
                        validate(root, s, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if (k == "anyOf" && n == 0) || (k == "oneOf" && n != 1) {
                    errs.push(format!("{at}: {n} branches of {k} match"));
                }
            }
            "allOf" => {
                for s in kw.as_array().unwrap() {
                    validate(root, s, v, at, errs);
                }
            }
            other => panic!("schema keyword not implemented by the test validator: {other}"),
        }
    }
}
