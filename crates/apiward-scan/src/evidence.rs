//! Turning observations into masked evidence. Every value shown comes from the detector's
//! masking function; raw bytes enter a finding only when the user asked for it with
//! `--show-evidence` ([`set_reveal`]).

use crate::store::Observation;
use apiward_core::{Evidence, EvidenceKind, Location, MaskedValue};
use apiward_detect::Match;

static REVEAL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--show-evidence`: also keep the full value of each match (`MaskedValue::revealed`).
pub fn set_reveal(on: bool) {
    REVEAL.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn reveal() -> bool {
    REVEAL.load(std::sync::atomic::Ordering::Relaxed)
}

pub fn masked(m: &Match) -> MaskedValue {
    MaskedValue {
        data_type: m.data_type.id().to_string(),
        masked: m.masked.clone(),
        hash: Some(m.hash.clone()),
        key_path: m.key_path.clone(),
        revealed: None,
    }
}

/// Evidence for one exchange: request line, status, a summary, masked values.
pub fn response(o: &Observation, summary: impl Into<String>, values: &[&Match]) -> Evidence {
    let mut e = Evidence::new(EvidenceKind::Response, summary);
    let who = match &o.identity {
        Some(id) => format!(" as {id}"),
        None => " without credentials".to_string(),
    };
    e.request = Some(format!("{} {}{who}", o.exchange.method, o.exchange.url));
    e.status = Some(o.exchange.status);
    let mut seen = std::collections::HashSet::new();
    for m in values {
        if seen.insert((&m.hash, m.data_type)) && e.values.len() < 20 {
            let mut v = masked(m);
            // Only body matches have spans into the body.
            if reveal() && o.body_matches.iter().any(|b| std::ptr::eq(b, *m)) {
                v.revealed = Some(String::from_utf8_lossy(o.raw(m)).into_owned());
            }
            e.values.push(v);
        }
    }
    e
}

/// Location of a runtime finding at an operation (or an undocumented path).
pub fn at(o: &Observation) -> Location {
    Location::operation(o.exchange.method.as_str(), &o.path).with_url(&o.exchange.url)
}

/// Location for a given method and path template with a URL.
pub fn at_op(method: &str, path: &str, url: &str) -> Location {
    Location::operation(method, path).with_url(url)
}

/// `1 email address`, `12 email addresses`, `3 dates of birth`.
fn plural(n: usize, label: &str) -> String {
    if n == 1 {
        return format!("1 {label}");
    }
    let (head, tail) = match label.find(" of ") {
        Some(i) => label.split_at(i),
        None => (label, ""),
    };
    let (stem, last) = head.rsplit_once(' ').map_or(("", head), |(a, b)| (a, b));
    let last = if last.ends_with('s') || last.ends_with('x') || last.ends_with("sh") {
        format!("{last}es")
    } else if last.ends_with(')') {
        last.to_string()
    } else {
        format!("{last}s")
    };
    let head = if stem.is_empty() {
        last
    } else {
        format!("{stem} {last}")
    };
    format!("{n} {head}{tail}")
}

/// "3 US Social Security numbers, 12 email addresses" from matches (distinct values).
pub fn count_summary(matches: &[&Match]) -> String {
    let mut counts: Vec<(apiward_detect::DataType, std::collections::HashSet<&str>)> = Vec::new();
    for m in matches {
        match counts.iter_mut().find(|(t, _)| *t == m.data_type) {
            Some((_, set)) => {
                set.insert(&m.hash);
            }
            None => counts.push((m.data_type, [m.hash.as_str()].into_iter().collect())),
        }
    }
    counts.sort_by(|a, b| {
        b.0.sensitivity()
            .cmp(&a.0.sensitivity())
            .then(b.1.len().cmp(&a.1.len()))
    });
    counts
        .iter()
        .map(|(t, set)| plural(set.len(), t.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals() {
        assert_eq!(super::plural(1, "email address"), "1 email address");
        assert_eq!(super::plural(3, "email address"), "3 email addresses");
        assert_eq!(super::plural(2, "date of birth"), "2 dates of birth");
        assert_eq!(
            super::plural(60, "US Social Security number"),
            "60 US Social Security numbers"
        );
        assert_eq!(super::plural(2, "IBAN"), "2 IBANs");
    }
}
