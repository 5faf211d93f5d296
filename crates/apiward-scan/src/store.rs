//! The evidence store: every exchange of the scan with the detector's results, computed once.

use apiward_detect::{Detector, Match};
use apiward_http::Exchange;
use serde_json::Value;

/// Why a request was sent; checks filter on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Discovery,
    /// The planned request of a spec operation.
    Crawl,
    /// A follow-up a check made.
    Probe,
}

/// One exchange and what the detector found in it.
#[derive(Debug)]
pub struct Observation {
    pub purpose: Purpose,
    /// Index into `Spec::operations` when the request exercised a documented operation.
    pub op: Option<usize>,
    /// The operation's path template, or the concrete path for undocumented requests.
    pub path: String,
    /// Identity name, `None` for an unauthenticated request.
    pub identity: Option<String>,
    pub exchange: Exchange,
    /// Detector matches in the body.
    pub body_matches: Vec<Match>,
    /// Detector matches in response headers (`key_path` is the header name).
    pub header_matches: Vec<Match>,
    /// The body parsed as JSON, when it is JSON and complete.
    pub json: Option<Value>,
}

impl Observation {
    pub fn new(
        detector: &Detector,
        purpose: Purpose,
        op: Option<usize>,
        path: String,
        identity: Option<String>,
        exchange: Exchange,
    ) -> Observation {
        let mut body_matches = Vec::new();
        detector.scan_into(&exchange.body, &mut body_matches);
        let headers: Vec<(&str, &[u8])> = exchange
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        let mut header_matches = Vec::new();
        detector.scan_headers(&headers, &mut header_matches);
        let json = if !exchange.truncated && !exchange.json_too_deep && looks_json(&exchange) {
            serde_json::from_slice(&exchange.body).ok()
        } else {
            None
        };
        Observation {
            purpose,
            op,
            path,
            identity,
            exchange,
            body_matches,
            header_matches,
            json,
        }
    }

    pub fn status(&self) -> u16 {
        self.exchange.status
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.exchange.status)
    }

    pub fn anonymous(&self) -> bool {
        self.identity.is_none()
    }

    /// `GET /users/{id}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.exchange.method, self.path)
    }

    /// The raw bytes of a body match (for analysis that needs the value, e.g. JWT decoding; never
    /// for printing).
    pub fn raw(&self, m: &Match) -> &[u8] {
        self.exchange.body.get(m.span.clone()).unwrap_or_default()
    }

    /// Number of items a list response carries: the top-level array, or the largest array among
    /// the top-level object's members.
    pub fn item_count(&self) -> Option<usize> {
        match self.json.as_ref()? {
            Value::Array(a) => Some(a.len()),
            Value::Object(o) => o.values().filter_map(|v| v.as_array().map(Vec::len)).max(),
            _ => None,
        }
    }
}

fn looks_json(x: &Exchange) -> bool {
    let ct = x.header("content-type").unwrap_or("").to_ascii_lowercase();
    if ct.contains("json") {
        return true;
    }
    let first = x.body.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'{') | Some(b'['))
}

/// All observations of a scan, in the order they were made.
#[derive(Debug)]
pub struct Store {
    pub observations: Vec<Observation>,
    /// Body bytes kept so far, and the most kept in all.
    body_bytes: usize,
    budget: usize,
    /// Bodies dropped because the budget was spent (their detector matches are kept).
    pub bodies_dropped: usize,
}

/// Response bodies kept in all (each is already capped by `--max-body`): a target answering large
/// bodies to every request cannot grow the scan past this. Later bodies are dropped after the
/// detector has read them; their matches, status and headers stay.
pub const MAX_BODY_BYTES: usize = 512 * 1024 * 1024;

impl Default for Store {
    fn default() -> Self {
        Store::with_budget(MAX_BODY_BYTES)
    }
}

impl Store {
    /// A store that keeps at most `budget` body bytes.
    pub fn with_budget(budget: usize) -> Store {
        Store {
            observations: Vec::new(),
            body_bytes: 0,
            budget,
            bodies_dropped: 0,
        }
    }

    pub fn push(&mut self, mut o: Observation) -> usize {
        let n = o.exchange.body.len();
        if self.body_bytes + n > self.budget {
            o.exchange.body = Vec::new();
            o.exchange.truncated = true;
            o.json = None;
            // Spans into a dropped body would point nowhere.
            for m in &mut o.body_matches {
                m.span = 0..0;
            }
            self.bodies_dropped += 1;
        } else {
            self.body_bytes += n;
        }
        self.observations.push(o);
        self.observations.len() - 1
    }

    pub fn iter(&self) -> impl Iterator<Item = &Observation> {
        self.observations.iter()
    }

    /// Operations keyed by method and path, in first-seen order, with the indexes of their
    /// observations (crawl and probes; discovery excluded). Linear in the number of observations:
    /// an index from key to group keeps first-seen order without a scan per observation
    /// (`benches/plan_scale.rs`).
    pub fn by_operation(&self) -> Vec<((String, String), Vec<usize>)> {
        let mut groups: Vec<((String, String), Vec<usize>)> = Vec::new();
        let mut index: std::collections::HashMap<(String, String), usize> =
            std::collections::HashMap::new();
        for (i, o) in self.observations.iter().enumerate() {
            if o.purpose == Purpose::Discovery {
                continue;
            }
            let key = (o.exchange.method.to_string(), o.path.clone());
            match index.get(&key) {
                Some(&g) => groups[g].1.push(i),
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push((key, vec![i]));
                }
            }
        }
        groups
    }

    /// Planned (crawl) observations of one operation.
    pub fn for_op(&self, op: usize) -> impl Iterator<Item = &Observation> {
        self.observations
            .iter()
            .filter(move |o| o.op == Some(op) && o.purpose == Purpose::Crawl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;

    #[test]
    fn bodies_past_the_budget_are_dropped_after_detection() {
        let mut store = Store::with_budget(100);
        let body = br#"{"email": "jane.doe@corp-mail.com", "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#;
        for _ in 0..3 {
            let x = testkit::exchange(
                "GET",
                "/u",
                200,
                &[("content-type", "application/json")],
                body,
            );
            store.push(testkit::obs(None, x));
        }
        assert_eq!(store.bodies_dropped, 2);
        let last = &store.observations[2];
        assert!(last.exchange.body.is_empty() && last.json.is_none());
        // What the detector found is still there, without a span into the dropped body.
        assert!(!last.body_matches.is_empty());
        assert!(last.raw(&last.body_matches[0]).is_empty());
        assert!(!store.observations[0].exchange.body.is_empty());
    }
}
