//! Offline JWT decoding (no signature verification): header fields and claim names.

/// What a JWT says about itself. Claim *values* are not kept except the registered time claims and
/// the issuer, so the struct is safe to log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodedJwt {
    pub alg: Option<String>,
    pub typ: Option<String>,
    pub kid: Option<String>,
    pub jku: Option<String>,
    pub x5u: Option<String>,
    /// `crit`, `jwk`, `x5c` and other header names present.
    pub header_names: Vec<String>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub iss: Option<String>,
    /// Every claim name, in order.
    pub claim_names: Vec<String>,
    /// Whether there is a non-empty signature part.
    pub signed: bool,
}

impl DecodedJwt {
    /// One-line summary safe for output: `alg=HS256 typ=JWT claims=[sub,email,exp] exp=…`.
    pub fn summary(&self) -> String {
        let mut s = format!("alg={}", self.alg.as_deref().unwrap_or("?"));
        if let Some(k) = &self.kid {
            s.push_str(&format!(" kid={}", crate::util::clip(k, 24)));
        }
        if self.jku.is_some() {
            s.push_str(" jku=set");
        }
        if self.x5u.is_some() {
            s.push_str(" x5u=set");
        }
        s.push_str(&format!(" claims=[{}]", self.claim_names.join(",")));
        match self.exp {
            Some(e) => s.push_str(&format!(" exp={e}")),
            None => s.push_str(" exp=none"),
        }
        if !self.signed {
            s.push_str(" unsigned");
        }
        s
    }
}

/// Decode base64url (padding optional); `None` on any invalid character.
pub(crate) fn b64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn str_field(o: &serde_json::Map<String, serde_json::Value>, k: &str) -> Option<String> {
    o.get(k)
        .and_then(|v| v.as_str())
        .map(|s| crate::util::clip(s, 200))
}

/// Decode a compact JWS/JWT. Returns `None` unless the first two parts decode to JSON objects and the
/// header has `alg`.
pub fn decode(token: &str) -> Option<DecodedJwt> {
    let t = token.trim();
    if t.len() > 16 * 1024 {
        return None;
    }
    let mut parts = t.split('.');
    let h = parts.next()?;
    let p = parts.next()?;
    let sig = parts.next().unwrap_or("");
    if parts.next().is_some() {
        return None; // JWE (5 parts) or garbage
    }
    let hb = b64url_decode(h.as_bytes())?;
    let pb = b64url_decode(p.as_bytes())?;
    let hv: serde_json::Value = serde_json::from_slice(&hb).ok()?;
    let pv: serde_json::Value = serde_json::from_slice(&pb).ok()?;
    let ho = hv.as_object()?;
    let po = pv.as_object()?;
    let alg = str_field(ho, "alg")?;
    let num = |k: &str| {
        po.get(k)
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    };
    Some(DecodedJwt {
        alg: Some(alg),
        typ: str_field(ho, "typ"),
        kid: str_field(ho, "kid"),
        jku: str_field(ho, "jku"),
        x5u: str_field(ho, "x5u"),
        header_names: ho
            .keys()
            .take(32)
            .map(|k| crate::util::clip(k, 40))
            .collect(),
        exp: num("exp"),
        iat: num("iat"),
        nbf: num("nbf"),
        iss: str_field(po, "iss"),
        claim_names: po
            .keys()
            .take(64)
            .map(|k| crate::util::clip(k, 40))
            .collect(),
        signed: !sig.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        let d = decode(t).unwrap();
        assert_eq!(d.alg.as_deref(), Some("HS256"));
        assert_eq!(d.claim_names.len(), 3);
        assert_eq!(d.iat, Some(1516239022));
        assert!(d.signed);
        assert!(decode("eyJhbGciOi.x.y").is_none());
    }
}
