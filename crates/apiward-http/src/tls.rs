//! TLS facts of a response, for the encryption checks. A few fields are read from the leaf
//! certificate with a minimal DER walker (validity and whether issuer == subject); the DER itself is
//! kept for checks that need more.

/// What is known about the TLS connection a response came over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFacts {
    /// `TLSv1.2` or `TLSv1.3` (rustls speaks nothing older), when reported.
    pub version: Option<String>,
    /// True when the chain and host name were verified (the engine runs without `insecure`).
    /// With `insecure`, false: nothing was verified.
    pub verified: bool,
    /// Leaf certificate validity, RFC 3339 UTC (`2026-01-31T23:59:59Z`).
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// Issuer and subject names are identical (a self-signed or self-issued leaf).
    pub self_signed: Option<bool>,
    /// The peer's leaf certificate, DER.
    pub peer_certificate: Option<Vec<u8>>,
}

impl TlsFacts {
    pub(crate) fn from_info(info: &reqwest::tls::TlsInfo, verified: bool) -> TlsFacts {
        let version = info.version().map(|v| {
            if v == reqwest::tls::Version::TLS_1_3 {
                "TLSv1.3".to_string()
            } else if v == reqwest::tls::Version::TLS_1_2 {
                "TLSv1.2".to_string()
            } else if v == reqwest::tls::Version::TLS_1_1 {
                "TLSv1.1".to_string()
            } else if v == reqwest::tls::Version::TLS_1_0 {
                "TLSv1.0".to_string()
            } else {
                format!("{v:?}")
            }
        });
        let der = info.peer_certificate().map(|d| d.to_vec());
        let parsed = der.as_deref().and_then(parse_leaf);
        TlsFacts {
            version,
            verified,
            not_before: parsed.as_ref().and_then(|p| p.not_before.clone()),
            not_after: parsed.as_ref().and_then(|p| p.not_after.clone()),
            self_signed: parsed.as_ref().map(|p| p.self_signed),
            peer_certificate: der,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LeafFacts {
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    pub self_signed: bool,
}

/// One DER element: (tag, content, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | b as usize;
        }
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

pub(crate) fn parse_leaf(der: &[u8]) -> Option<LeafFacts> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    let (tag, _, r) = tlv(rest)?;
    if tag == 0xa0 {
        rest = r; // explicit version
    }
    let (_, _, r) = tlv(rest)?; // serial
    let (_, _, r) = tlv(r)?; // signature algorithm
    let (_, issuer, r) = tlv(r)?;
    let (_, validity, r) = tlv(r)?;
    let (_, subject, _) = tlv(r)?;
    let (t1, nb, vr) = tlv(validity)?;
    let (t2, na, _) = tlv(vr)?;
    Some(LeafFacts {
        not_before: der_time(t1, nb),
        not_after: der_time(t2, na),
        self_signed: issuer == subject,
    })
}

fn der_time(tag: u8, content: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(content).ok()?;
    let full = match tag {
        0x17 if s.len() >= 12 => {
            let yy: u32 = s.get(0..2)?.parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{s}")
        }
        0x18 if s.len() >= 14 => s.to_string(),
        _ => return None,
    };
    if !full.get(0..14)?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &full[0..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
        let body: Vec<u8> = parts.concat();
        let mut out = vec![tag];
        if body.len() < 0x80 {
            out.push(body.len() as u8);
        } else {
            out.push(0x82);
            out.push((body.len() >> 8) as u8);
            out.push(body.len() as u8);
        }
        out.extend(body);
        out
    }

    #[test]
    fn parses_validity_and_self_signed() {
        let name = seq(0x30, &[&seq(0x31, &[b"x"])]);
        let validity = seq(
            0x30,
            &[
                &seq(0x17, &[b"250101000000Z"]),
                &seq(0x18, &[b"20301231235959Z"]),
            ],
        );
        let tbs = seq(
            0x30,
            &[
                &seq(0xa0, &[&seq(0x02, &[&[2]])]),
                &seq(0x02, &[&[1]]),
                &seq(0x30, &[]),
                &name,
                &validity,
                &name,
            ],
        );
        let cert = seq(0x30, &[&tbs, &seq(0x30, &[]), &seq(0x03, &[&[0]])]);
        let f = parse_leaf(&cert).expect("parses");
        assert_eq!(f.not_before.as_deref(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(f.not_after.as_deref(), Some("2030-12-31T23:59:59Z"));
        assert!(f.self_signed);
        assert_eq!(parse_leaf(b"\x30\x05junk"), None);
    }
}
