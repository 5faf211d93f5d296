//! BOLA at runtime, one file per rule: APIW-BOLA-001 adjacent ids reachable without credentials
//! (L0), -002 another identity's object returned (L2), -003 encoded `..` in ids (active), -004
//! cross-identity writes (active). Evidence is counts of distinct objects, never the objects.
//!
//! Shared here: neighbouring ids, the last path segment, and a short digest of a body.

use crate::store::Observation;

pub(crate) mod cross_identity_access;
pub(crate) mod cross_identity_write;
pub(crate) mod id_traversal;
pub(crate) mod predictable_object_ids;

/// Neighbours of an id: `1001` → 1000, 1002, 999, 1003; `u1001` → u1000, u1002, …; `kyc-0001` keeps
/// its width.
pub fn adjacent(id: &str) -> Vec<String> {
    let digits_start = id
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let Some(start) = digits_start else {
        return Vec::new();
    };
    let (prefix, digits) = id.split_at(start);
    if digits.len() > 18 {
        return Vec::new();
    }
    let Ok(n) = digits.parse::<i64>() else {
        return Vec::new();
    };
    let width = digits.len();
    let pad = digits.starts_with('0') && width > 1;
    [1i64, -1, 2, -2]
        .iter()
        .filter_map(|d| {
            let m = n + d;
            (m >= 0).then(|| {
                if pad {
                    format!("{prefix}{m:0width$}")
                } else {
                    format!("{prefix}{m}")
                }
            })
        })
        .collect()
}

/// The concrete URL with the last path segment replaced.
pub(crate) fn replace_last_segment(url: &str, value: &str) -> Option<String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base.rfind('/')?;
    let mut out = format!("{}/{}", &base[..cut], crate::plan::encode(value));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

pub(crate) fn last_segment(url: &str) -> &str {
    url.split('?')
        .next()
        .unwrap_or(url)
        .rsplit('/')
        .next()
        .unwrap_or("")
}

/// A short digest of a body, to tell objects apart without keeping them.
pub(crate) fn body_key(o: &Observation) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(&o.exchange.body);
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn adjacent_ids_keep_shape() {
        assert_eq!(adjacent("1001"), vec!["1002", "1000", "1003", "999"]);
        assert_eq!(adjacent("u1001"), vec!["u1002", "u1000", "u1003", "u999"]);
        assert_eq!(
            adjacent("kyc-0001"),
            vec!["kyc-0002", "kyc-0000", "kyc-0003"]
        );
        assert!(adjacent("abc").is_empty());
        assert_eq!(
            crate::ownership::percent_decode("Dune%20Messiah%2"),
            "Dune Messiah%2"
        );
        assert_eq!(
            replace_last_segment("http://h/v2/orders/5001?x=1", "5002").as_deref(),
            Some("http://h/v2/orders/5002?x=1")
        );
    }
}
