//! JWT analysis shared by the authentication checks: decoding, offline weak-secret cracking and
//! tampered variants. Tokens are analysed in memory; no value leaves this module unmasked.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::Value;

/// Secrets that keep turning up in tutorials, defaults and leaked configs.
pub const WEAK_SECRETS: &[&str] = &[
    "secret",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "password",
    "passw0rd",
    "123456",
    "12345678",
    "1234567890",
    "jwt",
    "jwt_secret",
    "jwt-secret",
    "jwtsecret",
    "your-256-bit-secret",
    "your-secret-key",
    "your_jwt_secret",
    "your-jwt-secret",
    "secretkey",
    "secret_key",
    "secret-key",
    "supersecret",
    "super-secret",
    "supersecretkey",
    "topsecret",
    "mysecret",
    "my-secret",
    "my_secret",
    "s3cr3t",
    "secret123",
    "key",
    "test",
    "testing",
    "dev",
    "development",
    "production",
    "admin",
    "qwerty",
    "letmein",
    "default",
    "token",
    "private",
    "shhhhh",
    "keyboard cat",
    "example",
    "abc123",
    "password123",
    "hello",
    "fastapi",
    "django-insecure",
    "flask-secret",
    "HS256",
    "null",
    "undefined",
    "apiward",
    "",
];

/// A token split into its parts with the decoded header and claims.
pub struct Jwt {
    pub raw: String,
    pub header: serde_json::Map<String, Value>,
    pub claims: serde_json::Map<String, Value>,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

pub fn parse(token: &str) -> Option<Jwt> {
    let token = token.trim();
    let mut parts = token.split('.');
    let (h, p, sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || token.len() > 16 * 1024 {
        return None;
    }
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h.trim_end_matches('=')).ok()?).ok()?;
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok()?).ok()?;
    let (Value::Object(header), Value::Object(claims)) = (header, claims) else {
        return None;
    };
    header.get("alg")?;
    Some(Jwt {
        raw: token.to_string(),
        header,
        claims,
        signing_input: format!("{h}.{p}"),
        signature: URL_SAFE_NO_PAD
            .decode(sig.trim_end_matches('='))
            .unwrap_or_default(),
    })
}

impl Jwt {
    pub fn alg(&self) -> String {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    pub fn claim_i64(&self, k: &str) -> Option<i64> {
        self.claims.get(k).and_then(Value::as_i64)
    }

    /// The HMAC secret, if it is one of [`WEAK_SECRETS`].
    pub fn crack(&self) -> Option<&'static str> {
        let alg = self.alg().to_ascii_uppercase();
        WEAK_SECRETS.iter().copied().find(|secret| {
            hmac_of(&alg, secret.as_bytes(), self.signing_input.as_bytes())
                .is_some_and(|m| m == self.signature)
        })
    }

    /// Variants a verifier must reject: `alg: none`, signature stripped, signature altered.
    pub fn tampered(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let payload = self.signing_input.split('.').nth(1).unwrap_or("");
        for alg in ["none", "None"] {
            let header = serde_json::json!({"alg": alg, "typ": "JWT"});
            let h = URL_SAFE_NO_PAD.encode(header.to_string());
            out.push(("alg-none", format!("{h}.{payload}.")));
        }
        out.push(("signature-stripped", format!("{}.", self.signing_input)));
        if !self.signature.is_empty() {
            let mut sig = self.signature.clone();
            if let Some(b) = sig.last_mut() {
                *b ^= 0x01;
            }
            out.push((
                "signature-altered",
                format!("{}.{}", self.signing_input, URL_SAFE_NO_PAD.encode(&sig)),
            ));
        }
        out
    }
}

fn hmac_of(alg: &str, key: &[u8], msg: &[u8]) -> Option<Vec<u8>> {
    macro_rules! mac {
        ($t:ty) => {{
            let mut m = <Hmac<$t> as Mac>::new_from_slice(key).ok()?;
            m.update(msg);
            Some(m.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => mac!(sha2::Sha256),
        "HS384" => mac!(sha2::Sha384),
        "HS512" => mac!(sha2::Sha512),
        _ => None,
    }
}

/// Show a cracked secret without revealing it: first character and length.
pub fn mask_secret(s: &str) -> String {
    match s.chars().next() {
        None => "(empty string)".to_string(),
        Some(c) => format!(
            "{c}{} ({} chars)",
            "*".repeat(s.chars().count().saturating_sub(1).min(8)),
            s.chars().count()
        ),
    }
}

/// An HS* token for tests.
#[cfg(test)]
pub(crate) fn sign(alg: &str, secret: &str, claims: Value) -> String {
    let h = URL_SAFE_NO_PAD.encode(serde_json::json!({"alg": alg, "typ": "JWT"}).to_string());
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{h}.{p}");
    let sig = hmac_of(alg, secret.as_bytes(), input.as_bytes()).expect("hmac");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cracks_weak_and_not_strong_secrets() {
        let weak = parse(&sign("HS256", "changeme", serde_json::json!({"sub": "1"}))).expect("jwt");
        assert_eq!(weak.crack(), Some("changeme"));
        let strong = parse(&sign(
            "HS512",
            "k9!Zq-81fj3_aa0PqLr2",
            serde_json::json!({"sub": "1"}),
        ))
        .expect("jwt");
        assert_eq!(strong.crack(), None);
    }

    #[test]
    fn tampered_variants_differ_and_drop_signature() {
        let t = parse(&sign("HS256", "x", serde_json::json!({"sub": "1"}))).expect("jwt");
        let v = t.tampered();
        assert!(
            v.iter()
                .any(|(k, tok)| *k == "alg-none" && tok.ends_with('.'))
        );
        assert!(v.iter().all(|(_, tok)| tok != &t.raw));
        assert_eq!(mask_secret("changeme"), "c******* (8 chars)");
    }

    #[test]
    fn rejects_non_jwts() {
        assert!(parse("a.b.c").is_none());
        assert!(parse("not a token").is_none());
    }
}
