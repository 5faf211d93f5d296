//! Sample request bodies built from a spec's schemas: what the crawl, the writes and the SSRF probe
//! send to operations that take a body.

use apiward_spec::{Operation, Spec};
use serde_json::{Map, Value, json};

/// A JSON body for a write operation, from its request schema.
pub fn sample_body(spec: &Spec, op: &Operation) -> Vec<u8> {
    let schema = op
        .request_body
        .as_ref()
        .and_then(|b| {
            b.content
                .iter()
                .find(|m| m.media_type.contains("json"))
                .or(b.content.first())
        })
        .and_then(|m| m.schema);
    let v = match schema {
        Some(id) => sample(spec, id, 0, &mut { SAMPLE_NODES }),
        None => json!({}),
    };
    v.to_string().into_bytes()
}

/// Values a sample body holds at most (wide schemas nested four deep would otherwise multiply).
const SAMPLE_NODES: usize = 500;

fn sample(spec: &Spec, id: apiward_spec::SchemaId, depth: usize, budget: &mut usize) -> Value {
    let s = spec.schema(id);
    if depth > 4 || *budget == 0 {
        return Value::Null;
    }
    *budget -= 1;
    if let Some(e) = s.examples().first() {
        return serde_json::from_str(e).unwrap_or_else(|_| Value::String(e.clone()));
    }
    if !s.properties.is_empty() || s.has_type("object") {
        let mut m = Map::new();
        for p in spec.flatten_properties(id, 1) {
            m.insert(p.name.clone(), sample(spec, p.schema, depth + 1, budget));
        }
        return Value::Object(m);
    }
    if let Some(items) = s.items {
        return Value::Array(vec![sample(spec, items, depth + 1, budget)]);
    }
    if let Some(first) = s.any_of.iter().chain(&s.one_of).chain(&s.all_of).next() {
        return sample(spec, *first, depth + 1, budget);
    }
    match s.format.as_deref() {
        Some("email") => return json!("apiward-probe@example.com"),
        Some("uri") | Some("url") => return json!("https://example.com/"),
        Some("date") => return json!("2024-01-01"),
        Some("date-time") => return json!("2024-01-01T00:00:00Z"),
        _ => {}
    }
    if s.has_type("integer") || s.has_type("number") {
        return json!(s.limits().minimum.unwrap_or(1.0).max(1.0) as i64);
    }
    if s.has_type("boolean") {
        return json!(false);
    }
    // A size from the spec is capped: `minLength: 4294967295` must not size an allocation.
    let min = (s.limits().min_length.unwrap_or(0) as usize).min(256);
    json!(format!("apiward{}", "x".repeat(min.saturating_sub(7))))
}
