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
#[derive(Debug, Default)]
pub struct Store {
    pub observations: Vec<Observation>,
}

impl Store {
    pub fn push(&mut self, o: Observation) -> usize {
        self.observations.push(o);
        self.observations.len() - 1
    }

    pub fn iter(&self) -> impl Iterator<Item = &Observation> {
        self.observations.iter()
    }

    /// Planned (crawl) observations of one operation.
    pub fn for_op(&self, op: usize) -> impl Iterator<Item = &Observation> {
        self.observations
            .iter()
            .filter(move |o| o.op == Some(op) && o.purpose == Purpose::Crawl)
    }
}
