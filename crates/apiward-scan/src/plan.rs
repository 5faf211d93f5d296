//! Request planning: concrete URLs for spec operations, with identifiers harvested from earlier
//! responses so item routes are exercised with real objects.

use apiward_spec::{Operation, ParamLocation, Schema, Spec};
use serde_json::Value;
use std::collections::BTreeMap;

/// Values seen in responses, by normalized key and by the path of the operation that returned them.
#[derive(Debug, Default)]
pub struct Harvest {
    by_key: BTreeMap<String, Vec<String>>,
    by_path: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

const MAX_VALUES: usize = 16;

fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if v.len() < MAX_VALUES && !v.contains(&s) {
        v.push(s);
    }
}

impl Harvest {
    /// Record identifier-like scalars of a JSON response of `path`.
    pub fn add(&mut self, path: &str, json: &Value) {
        // Breadth-first, in document order: the first object of a list is harvested first.
        let mut stack = std::collections::VecDeque::from([(json, 0usize)]);
        let mut budget = 5000usize;
        while let Some((v, depth)) = stack.pop_front() {
            if budget == 0 || depth > 8 {
                break;
            }
            budget -= 1;
            match v {
                Value::Array(items) => {
                    for i in items.iter().take(50) {
                        stack.push_back((i, depth + 1));
                    }
                }
                Value::Object(map) => {
                    for (k, val) in map {
                        let text = match val {
                            Value::Number(n) => Some(n.to_string()),
                            Value::String(s) if !s.is_empty() && s.len() <= 64 => Some(s.clone()),
                            _ => None,
                        };
                        match text {
                            Some(t) if is_id_key(k) => {
                                let nk = norm(k);
                                push_unique(self.by_key.entry(nk.clone()).or_default(), t.clone());
                                push_unique(
                                    self.by_path
                                        .entry(path.to_string())
                                        .or_default()
                                        .entry(nk)
                                        .or_default(),
                                    t,
                                );
                            }
                            _ => stack.push_back((val, depth + 1)),
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A harvested value for path parameter `name` of an operation at `op_path`.
    pub fn value_for(&self, op_path: &str, name: &str) -> Option<&str> {
        let n = norm(name);
        if let Some(v) = self.by_key.get(&n).and_then(|v| v.first()) {
            return Some(v);
        }
        // `{id}` (or `{user_id}` answered by `id`) from a list at a parent path: `/customers`
        // feeds `/customers/{customer_id}`.
        let prefix = op_path.split("/{").next().unwrap_or(op_path);
        let from_parent = self
            .by_path
            .iter()
            .filter(|(p, _)| p.as_str() == prefix || p.trim_end_matches('/') == prefix)
            .find_map(|(_, keys)| keys.get("id").and_then(|v| v.first()));
        if from_parent.is_some() && (n == "id" || n.ends_with("id")) {
            return from_parent.map(String::as_str);
        }
        None
    }

    /// All harvested values for a key (for adjacent-id probing and two-identity checks).
    pub fn values(&self, name: &str) -> &[String] {
        self.by_key
            .get(&norm(name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

fn is_id_key(k: &str) -> bool {
    let l = k.to_ascii_lowercase();
    l == "id"
        || l.ends_with("_id")
        || l.ends_with("id") && k.ends_with("Id")
        || l == "uuid"
        || l == "slug"
        || l == "username"
        || l.ends_with("_number")
}

/// A plausible value for a parameter from its schema: example, default, enum, format, type.
pub fn sample_value(spec: &Spec, schema: Option<&Schema>, example: Option<&str>) -> String {
    sample_value_at(spec, schema, example, 0)
}

/// Composition depth followed at most: a cyclic `anyOf` (a schema graph back-edge) stops here.
const MAX_SAMPLE_DEPTH: usize = 8;

fn sample_value_at(
    spec: &Spec,
    schema: Option<&Schema>,
    example: Option<&str>,
    depth: usize,
) -> String {
    if let Some(e) = example {
        return e.chars().take(256).collect();
    }
    let Some(s) = schema else {
        return "1".to_string();
    };
    if let Some(e) = s.examples.first() {
        return e.chars().take(256).collect();
    }
    if depth < MAX_SAMPLE_DEPTH {
        for sub in s.any_of.iter().chain(&s.one_of).chain(&s.all_of) {
            let sub = spec.schema(*sub);
            if !sub.has_type("null") {
                return sample_value_at(spec, Some(sub), None, depth + 1);
            }
        }
    }
    match s.format.as_deref() {
        Some("uuid") => return "00000000-0000-4000-8000-000000000001".to_string(),
        Some("date") => return "2024-01-01".to_string(),
        Some("date-time") => return "2024-01-01T00:00:00Z".to_string(),
        Some("email") => return "apiward-probe@example.com".to_string(),
        Some("uri") | Some("url") => return "https://example.com/".to_string(),
        _ => {}
    }
    if s.has_type("integer") || s.has_type("number") {
        let min = s.minimum.unwrap_or(1.0).max(1.0);
        let v = match s.maximum {
            Some(max) if max < min => max,
            _ => min,
        };
        return format!("{}", v as i64);
    }
    if s.has_type("boolean") {
        return "true".to_string();
    }
    "1".to_string()
}

/// Percent-encode a path segment or query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A concrete request for an operation.
#[derive(Debug, Clone)]
pub struct Planned {
    pub op: usize,
    /// Path and query, relative to the API prefix.
    pub path_and_query: String,
    /// Which path parameters came from harvested values.
    pub harvested: Vec<(String, String)>,
}

/// Build the request path for `op`, or `None` when a required value cannot be found... (never: a
/// sample is always produced).
pub fn plan(spec: &Spec, idx: usize, op: &Operation, harvest: &Harvest) -> Planned {
    let mut path = String::with_capacity(op.path.len() + 16);
    let mut harvested = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        path.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            path.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        let param = op
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name);
        let value = match harvest.value_for(&op.path, name) {
            Some(v) => {
                harvested.push((name.to_string(), v.to_string()));
                v.to_string()
            }
            None => sample_value(
                spec,
                param.and_then(|p| p.schema).map(|s| spec.schema(s)),
                param.and_then(|p| p.example.as_deref()),
            ),
        };
        path.push_str(&encode(&value));
        rest = &after[end + 1..];
    }
    path.push_str(rest);
    let mut query = Vec::new();
    for p in &op.parameters {
        if p.location != ParamLocation::Query || !p.required {
            continue;
        }
        let v = harvest
            .value_for(&op.path, &p.name)
            .map(str::to_string)
            .unwrap_or_else(|| {
                sample_value(spec, p.schema.map(|s| spec.schema(s)), p.example.as_deref())
            });
        query.push(format!("{}={}", encode(&p.name), encode(&v)));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    Planned {
        op: idx,
        path_and_query: path,
        harvested,
    }
}

/// Order operations so producers come before consumers: no path parameters first, then by depth.
pub fn order(spec: &Spec) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..spec.operations.len())
        .filter(|i| !spec.operations[*i].is_webhook)
        .collect();
    idx.sort_by_key(|i| {
        let p = &spec.operations[*i].path;
        (p.matches('{').count(), p.matches('/').count(), p.clone())
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harvest_feeds_item_routes() {
        let mut h = Harvest::default();
        let list: Value = serde_json::json!({"items": [{"customer_id": 1001, "name": "a"}, {"customer_id": 1002}]});
        h.add("/v2/customers", &list);
        assert_eq!(
            h.value_for("/v2/customers/{customer_id}", "customer_id"),
            Some("1001")
        );
        let plain: Value = serde_json::json!([{"id": "abc"}]);
        h.add("/orders", &plain);
        assert_eq!(h.value_for("/orders/{order_id}", "order_id"), Some("abc"));
        assert_eq!(h.value_for("/other/{thing}", "thing"), None);
    }

    #[test]
    fn encodes() {
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}
