//! Request planning: concrete URLs for spec operations, with identifiers harvested from earlier
//! responses so item routes are exercised with real objects.

use apiward_spec::{Operation, ParamLocation, Schema, Spec};
use serde_json::Value;
use std::collections::BTreeMap;

/// Scalar values seen in responses: under which key (and key path), in the answer to which
/// operation, and by which identity (`None`: unauthenticated). Path and query parameters are
/// filled from the field that *means* the same thing (`{article_title}` ← `title`, `{slug}` ←
/// `articleSlug`), live values before spec examples, each identity's own values first.
#[derive(Debug, Default)]
pub struct Harvest {
    seen: Vec<Seen>,
    /// `(normalized key, value, operation path, identity)` already recorded.
    index: std::collections::HashSet<(String, String, String, Option<String>)>,
    /// Values per `(normalized key, operation path, identity)`, to bound each.
    per_slot: BTreeMap<(String, String, Option<String>), usize>,
    /// Indexes into `seen`: by normalized key, and by each word of the key.
    by_norm: std::collections::HashMap<String, Vec<usize>>,
    by_word: std::collections::HashMap<String, Vec<usize>>,
}

/// One observed value.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The key as written (`articleSlug`) and normalized (`articleslug`).
    pub key: String,
    pub norm: String,
    /// Where in the answer: `items[].slug`.
    pub key_path: String,
    pub value: String,
    /// The path template of the operation that returned it.
    pub path: String,
    pub identity: Option<String>,
    /// Words of the key (`article slug`).
    words: Vec<String>,
}

const MAX_VALUES: usize = 16;
const MAX_SEEN: usize = 50_000;

fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How well a response key means a parameter: 3 same name (`user_name` = `userName`), 2 one is
/// the other's tail (`{article_title}` ← `title`, `{slug}` ← `articleSlug`), 1 both end in the
/// same key word (`{userEmail}` ← `email_address` no; `{author_username}` ← `username`); 0 no.
pub fn meaning_score(param: &str, key: &str) -> u8 {
    score_words(
        &norm(param),
        &apiward_taxonomy::words(param),
        &norm(key),
        &apiward_taxonomy::words(key),
    )
}

/// [`meaning_score`] on names already normalized and split.
fn score_words(pn: &str, p: &[String], kn: &str, k: &[String]) -> u8 {
    if pn == kn {
        return 3;
    }
    if p.is_empty() || k.is_empty() {
        return 0;
    }
    // A bare `id` only means the parent's `id` (handled by locality), not every `*_id`.
    let generic = |w: &[String]| w.len() == 1 && matches!(w[0].as_str(), "id" | "value" | "data");
    if generic(p) || generic(k) {
        return 0;
    }
    if p.ends_with(k) || k.ends_with(p) {
        return 2;
    }
    const KEY_WORDS: &[&str] = &[
        "slug", "title", "username", "email", "key", "uuid", "handle", "code", "sku", "name",
        "login", "number",
    ];
    let shared = p
        .iter()
        .filter(|w| KEY_WORDS.contains(&w.as_str()))
        .any(|w| k.contains(w));
    u8::from(shared)
}

impl Harvest {
    /// Record the scalars of an unauthenticated JSON response of `path`.
    pub fn add(&mut self, path: &str, json: &Value) {
        self.add_seen(path, json, None);
    }

    /// Record the scalars of a JSON response of `path` seen by `identity`.
    pub fn add_seen(&mut self, path: &str, json: &Value, identity: Option<&str>) {
        // Breadth-first, in document order: the first object of a list is harvested first.
        let mut queue = std::collections::VecDeque::from([(json, String::new(), 0usize)]);
        let mut budget = 5000usize;
        while let Some((v, at, depth)) = queue.pop_front() {
            if budget == 0 || depth > 8 || self.seen.len() >= MAX_SEEN {
                break;
            }
            budget -= 1;
            match v {
                Value::Array(items) => {
                    for i in items.iter().take(50) {
                        queue.push_back((i, format!("{at}[]"), depth + 1));
                    }
                }
                Value::Object(map) => {
                    for (k, val) in map {
                        let here = if at.is_empty() {
                            k.clone()
                        } else {
                            format!("{at}.{k}")
                        };
                        let text = match val {
                            Value::Number(n) => Some(n.to_string()),
                            Value::String(s)
                                if !s.is_empty() && s.len() <= 64 && !s.contains(['\n', '\r']) =>
                            {
                                Some(s.clone())
                            }
                            _ => None,
                        };
                        match text {
                            Some(t) => self.record(k, here, t, path, identity),
                            None => queue.push_back((val, here, depth + 1)),
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn record(
        &mut self,
        key: &str,
        key_path: String,
        value: String,
        path: &str,
        who: Option<&str>,
    ) {
        let nk = norm(key);
        if nk.is_empty() {
            return;
        }
        let ident = who.map(str::to_string);
        let slot = (nk.clone(), path.to_string(), ident.clone());
        if self.per_slot.get(&slot).copied().unwrap_or(0) >= MAX_VALUES {
            return;
        }
        if !self
            .index
            .insert((nk.clone(), value.clone(), path.to_string(), ident.clone()))
        {
            return;
        }
        *self.per_slot.entry(slot).or_default() += 1;
        let words = apiward_taxonomy::words(key);
        let i = self.seen.len();
        self.by_norm.entry(nk.clone()).or_default().push(i);
        for w in &words {
            let v = self.by_word.entry(w.clone()).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
        self.seen.push(Seen {
            key: key.to_string(),
            norm: nk,
            key_path,
            value,
            path: path.to_string(),
            identity: ident,
            words,
        });
    }

    /// A harvested value for parameter `name` of an operation at `op_path` (any identity).
    pub fn value_for(&self, op_path: &str, name: &str) -> Option<&str> {
        self.value_for_identity(op_path, name, None)
    }

    /// The best harvested value for parameter `name` of `op_path`, for a request by `identity`:
    /// values from the parent collection first (`/articles` feeds `/articles/{slug}`), then the
    /// closest meaning, then the caller's own values (then unauthenticated ones, then others').
    pub fn value_for_identity(
        &self,
        op_path: &str,
        name: &str,
        identity: Option<&str>,
    ) -> Option<&str> {
        let prefix = op_path
            .split("/{")
            .next()
            .unwrap_or(op_path)
            .trim_end_matches('/');
        let bare_id = norm(name) == "id" || norm(name).ends_with("id");
        let mut best: Option<((u8, u8, u8), &Seen)> = None;
        for s in &self.seen {
            let parent = s.path.trim_end_matches('/') == prefix;
            let mut score = meaning_score(name, &s.key);
            // `{id}`/`{user_id}` from the parent list's `id`.
            if score == 0 && parent && bare_id && s.norm == "id" {
                score = 2;
            }
            if score == 0 {
                continue;
            }
            let whose = match (&s.identity, identity) {
                (Some(a), Some(b)) if a == b => 3,
                (None, _) => 2,
                (Some(_), None) => 1,
                _ => 0,
            };
            let rank = (score, u8::from(parent), whose);
            if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                best = Some((rank, s));
            }
        }
        best.map(|(_, s)| s.value.as_str())
    }

    /// All harvested values for a key (for adjacent-id probing and two-identity checks).
    pub fn values(&self, name: &str) -> Vec<&str> {
        let n = norm(name);
        let mut out: Vec<&str> = Vec::new();
        for s in self.seen.iter().filter(|s| s.norm == n) {
            if !out.contains(&s.value.as_str()) {
                out.push(&s.value);
            }
        }
        out
    }

    /// Who saw `value` under a key that means `name`: identity names (`None` for unauthenticated).
    pub fn seen_by(&self, name: &str, value: &str) -> Vec<Option<String>> {
        let mut out: Vec<Option<String>> = Vec::new();
        let (pn, pw) = (norm(name), apiward_taxonomy::words(name));
        for s in &self.seen {
            if s.value == value
                && score_words(&pn, &pw, &s.norm, &s.words) > 0
                && !out.contains(&s.identity)
            {
                out.push(s.identity.clone());
            }
        }
        out
    }

    /// Every observation (for checks that reason about ownership).
    pub fn all(&self) -> &[Seen] {
        &self.seen
    }
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
    if let Some(e) = s.examples().first() {
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
        let min = s.limits().minimum.unwrap_or(1.0).max(1.0);
        let v = match s.limits().maximum {
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

/// Build the request path for `op` (a sample is always produced where nothing was harvested).
pub fn plan(spec: &Spec, idx: usize, op: &Operation, harvest: &Harvest) -> Planned {
    plan_for(spec, idx, op, harvest, None)
}

/// [`plan`] for a request by `identity`: its own harvested values first.
pub fn plan_for(
    spec: &Spec,
    idx: usize,
    op: &Operation,
    harvest: &Harvest,
    identity: Option<&str>,
) -> Planned {
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
        let value = match harvest.value_for_identity(&op.path, name, identity) {
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
            .value_for_identity(&op.path, &p.name, identity)
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
    fn harvest_by_meaning_and_identity() {
        let mut h = Harvest::default();
        h.add_seen(
            "/articles",
            &serde_json::json!({"data": [{"title": "Hello World", "articleSlug": "hello-world", "author": {"username": "ann"}}]}),
            Some("alice"),
        );
        h.add_seen(
            "/articles",
            &serde_json::json!({"data": [{"title": "Bob's", "articleSlug": "bobs"}]}),
            Some("bob"),
        );
        h.add("/tags", &serde_json::json!(["x"]));
        assert_eq!(
            h.value_for_identity("/articles/{article_title}", "article_title", Some("alice")),
            Some("Hello World")
        );
        assert_eq!(
            h.value_for_identity("/articles/{slug}", "slug", Some("bob")),
            Some("bobs")
        );
        assert_eq!(
            h.value_for_identity("/profiles/{username}", "username", Some("bob")),
            Some("ann")
        );
        assert_eq!(meaning_score("user_name", "userName"), 3);
        assert_eq!(meaning_score("email", "email"), 3);
        assert_eq!(meaning_score("id", "user_id"), 0);
        assert_eq!(meaning_score("title", "subtitle"), 0);
        assert_eq!(h.seen_by("slug", "bobs"), vec![Some("bob".to_string())]);
    }

    #[test]
    fn encodes() {
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}
