//! The raw document: a JSON-like tree whose every node remembers its 1-based source line.

/// A node of a parsed JSON or YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// 1-based line where the node starts (0 when unknown).
    pub line: u32,
    /// For large objects (`paths`, `components/schemas` with thousands of members): key → member
    /// position (the last one for duplicates), so pointer lookups stay constant-time. Boxed: a
    /// pointer per node instead of a whole (mostly absent) map.
    #[allow(clippy::box_collection)]
    index: Option<Box<std::collections::HashMap<String, u32>>>,
}

/// Objects with more members than this get a key index.
const INDEX_FROM: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's source text, so that large integers and exact decimals survive.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in document order. Duplicate keys are reported as diagnostics; the last one wins.
    Object(Vec<(String, Node)>),
}

impl Node {
    pub fn new(value: Value, line: u32) -> Self {
        // Parsers grow these by pushing: give back the spare capacity (a large spec is millions
        // of nodes, and doubling leaves up to half of each buffer unused).
        let value = match value {
            Value::Object(mut m) => {
                m.shrink_to_fit();
                for (k, _) in &mut m {
                    k.shrink_to_fit();
                }
                Value::Object(m)
            }
            Value::Array(mut a) => {
                a.shrink_to_fit();
                Value::Array(a)
            }
            Value::String(mut t) => {
                t.shrink_to_fit();
                Value::String(t)
            }
            other => other,
        };
        let index = match &value {
            Value::Object(members) if members.len() > INDEX_FROM => Some(Box::new(
                members
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i as u32))
                    .collect(),
            )),
            _ => None,
        };
        Node { value, line, index }
    }

    /// Member `key` of an object node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => match &self.index {
                Some(ix) => ix
                    .get(key)
                    .and_then(|i| members.get(*i as usize))
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v),
                None => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            },
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// A scalar rendered as text (strings as-is, numbers as written, booleans, null); `None` for
    /// containers.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => Some("null".to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.clone()),
            Value::String(s) => Some(s.clone()),
            Value::Array(_) | Value::Object(_) => None,
        }
    }

    /// Follow an RFC 6901 pointer (already split and unescaped) from this node.
    pub fn pointer<I, S>(&self, tokens: I) -> Option<&Node>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut cur = self;
        for t in tokens {
            let t = t.as_ref();
            cur = match &cur.value {
                Value::Object(_) => cur.get(t)?,
                Value::Array(items) => items.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// Escape one reference token for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Append a token to a pointer.
pub fn push_pointer(base: &str, token: &str) -> String {
    let mut s = String::with_capacity(base.len() + token.len() + 1);
    s.push_str(base);
    s.push('/');
    s.push_str(&escape_pointer_token(token));
    s
}
