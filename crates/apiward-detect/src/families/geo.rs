//! Geographic coordinates: `lat, lng` pairs in a digit cluster.

use crate::context::{Classified, KeyedValue};
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};

pub(crate) fn parse_coord(v: &[u8], max: f64) -> Option<f64> {
    let (neg, body) = if v.first() == Some(&b'-') {
        (true, &v[1..])
    } else {
        (false, v)
    };
    let dot = memchr::memchr(b'.', body)?;
    let int = &body[..dot];
    let frac = &body[dot + 1..];
    if int.is_empty() || int.len() > 3 || frac.len() < 4 || frac.len() > 12 {
        return None;
    }
    if !int.iter().all(u8::is_ascii_digit) || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let s = std::str::from_utf8(body).ok()?;
    let x: f64 = s.parse().ok()?;
    if x > max {
        return None;
    }
    Some(if neg { -x } else { x })
}

pub(crate) fn trim_sp(v: &[u8]) -> &[u8] {
    trim_sp_right(trim_sp_left(v))
}

pub(crate) fn trim_sp_left(v: &[u8]) -> &[u8] {
    let n = v.iter().take_while(|&&c| c == b' ').count();
    &v[n..]
}

pub(crate) fn trim_sp_right(v: &[u8]) -> &[u8] {
    let n = v.iter().rev().take_while(|&&c| c == b' ').count();
    &v[..v.len() - n]
}

impl Scanner<'_, '_, '_> {
    pub(crate) fn coords(&mut self, s: usize, e: usize) -> bool {
        let input = self.input;
        let run = &input[s..e];
        let comma = match memchr::memchr(b',', run) {
            Some(c) => c,
            None => return false,
        };
        let a = trim_sp(&run[..comma]);
        let mut b = trim_sp(&run[comma + 1..]);
        while b.last() == Some(&b'.') {
            b = &b[..b.len() - 1];
        }
        let (lat, lon) = match (parse_coord(a, 90.0), parse_coord(b, 180.0)) {
            (Some(x), Some(y)) => (x, y),
            _ => return false,
        };
        if memchr::memchr(b',', &run[comma + 1..]).is_some() {
            return false;
        }
        if lat.abs() < 1.0 && lon.abs() < 1.0 {
            return false; // ratios and probabilities, not a place
        }
        let st = s + (run.len() - trim_sp_left(run).len());
        let mut en = e - (run.len() - trim_sp_right(run).len());
        while en > st && input[en - 1] == b'.' {
            en -= 1;
        }
        self.emit(
            DataType::GeoCoordinates,
            st..en,
            Confidence::Firm,
            false,
            None,
        );
        true
    }
}

// ---------------------------------------------------------------- values under a key

/// The value under a `GeoCoordinates`-type key.
pub(crate) fn geo_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let s = std::str::from_utf8(v).ok()?;
    if let Ok(x) = s.trim().parse::<f64>() {
        let dec = s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
        if dec >= 3 && x.abs() <= 180.0 && x != 0.0 {
            return cv.mk(GeoCoordinates, Confidence::Firm, false, None);
        }
    }
    None
}
