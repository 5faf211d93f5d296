//! JWT analysis shared by the authentication checks: decoding, offline weak-secret cracking and
//! tampered variants. Tokens are analysed in memory; no value leaves this module unmasked.
//!
//! The weak-secret check tries, in order, [`WEAK_SECRETS`] (framework and tutorial defaults), the
//! 143k-entry list in `data/weak-secrets.txt.gz` (common passwords and words from the `zxcvbn`
//! crate, secret keys found in public code from `flask-unsign-wordlist`; both MIT, see
//! `data/README.md`) and every number of 1 to 6 digits. HMAC is computed with the raw SHA-2
//! compression function over a message padded once per token, on every core: about 1.25 million
//! candidates per token (`cargo bench -p apiward-scan --bench jwt_crack`).

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
    "secretOrPrivateKey",
    "secret-key-change-me",
    "change-this-secret",
    "changethis",
    "my-super-secret-key",
    "my_super_secret_key",
    "mysupersecretkey",
    "super_secret_key",
    "super-secret-key",
    "your_secret_key",
    "your-secret",
    "yoursecretkey",
    "jwt-secret-key",
    "jwt_secret_key",
    "JWT_SECRET",
    "SECRET_KEY",
    "secret_key_base",
    "my-secret-key",
    "mySecretKey",
    "mysecretkey",
    "ThisIsASecret",
    "thisisasecret",
    "this-is-a-secret",
    "a-string-secret-at-least-256-bits-long",
    "gin-jwt",
    "secret key",
    "SomeRandomString",
    "somesecret",
    "some-secret",
    "notasecret",
    "not-a-secret",
    "dev-secret",
    "dev_secret",
    "development-secret",
    "test-secret",
    "test_secret",
    "testsecret",
    "insecure",
    "0123456789abcdef",
    "0123456789abcdef0123456789abcdef",
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

    /// The HMAC secret, if it is a listed weak secret or a number of up to 6 digits (offline).
    /// Searched once per token and process (the analysis and the tampering probe both ask).
    pub fn crack(&self) -> Option<String> {
        type Memo = std::sync::Mutex<Vec<(String, Option<String>)>>;
        static MEMO: std::sync::OnceLock<Memo> = std::sync::OnceLock::new();
        let alg = self.alg().to_ascii_uppercase();
        let cracker = Cracker::new(&alg, self.signing_input.as_bytes(), &self.signature)?;
        let memo = MEMO.get_or_init(Default::default);
        if let Ok(m) = memo.lock()
            && let Some((_, found)) = m.iter().find(|(k, _)| *k == self.raw)
        {
            return found.clone();
        }
        let found = cracker.search();
        if let Ok(mut m) = memo.lock() {
            if m.len() >= 64 {
                m.remove(0);
            }
            m.push((self.raw.clone(), found.clone()));
        }
        found
    }

    /// Whether `secret` signs this token (a secret cracked from another token of the same issuer).
    pub fn verifies_with(&self, secret: &str) -> bool {
        let alg = self.alg().to_ascii_uppercase();
        hmac_of(&alg, secret.as_bytes(), self.signing_input.as_bytes())
            .is_some_and(|m| m == self.signature)
    }

    /// The same claims with `exp` (and `iat`, `nbf`) an hour in the past, signed with `secret`:
    /// a verifier that checks expiry must refuse it.
    pub fn expired_with(&self, secret: &str, now: i64) -> Option<String> {
        let alg = self.alg().to_ascii_uppercase();
        let mut claims = self.claims.clone();
        claims.insert("exp".into(), Value::from(now - 3600));
        if claims.contains_key("iat") {
            claims.insert("iat".into(), Value::from(now - 7200));
        }
        if claims.contains_key("nbf") {
            claims.insert("nbf".into(), Value::from(now - 7200));
        }
        let h = self.signing_input.split('.').next().unwrap_or("");
        let p = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
        let input = format!("{h}.{p}");
        let sig = hmac_of(&alg, secret.as_bytes(), input.as_bytes())?;
        Some(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }

    /// Claims that grant roles, scopes or privileges (`role`, `roles`, `isAdmin`, `scope`, …).
    pub fn role_claims(&self) -> Vec<String> {
        self.claims
            .keys()
            .filter(|k| {
                let w = apiward_taxonomy::words(k);
                w.iter().any(|x| {
                    matches!(
                        x.as_str(),
                        "role"
                            | "roles"
                            | "admin"
                            | "scope"
                            | "scopes"
                            | "scp"
                            | "permission"
                            | "permissions"
                            | "perms"
                            | "groups"
                            | "authorities"
                            | "privileges"
                            | "superuser"
                            | "staff"
                    )
                })
            })
            .cloned()
            .collect()
    }

    /// Variants a verifier must reject: `alg: none`, signature stripped, signature altered.
    pub fn tampered(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let payload = self.signing_input.split('.').nth(1).unwrap_or("");
        for alg in ["none", "None", "NONE", "nOnE"] {
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

/// The compressed word list, decompressed once per process.
fn word_list() -> &'static [u8] {
    static LIST: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        use std::io::Read;
        const GZ: &[u8] = include_bytes!("../../../data/weak-secrets.txt.gz");
        let mut out = Vec::with_capacity(2_300_000);
        let mut d = flate2::read::GzDecoder::new(GZ);
        // A corrupt list leaves what decoded so far (the defaults and numbers still run).
        let _ = d.read_to_end(&mut out);
        out
    })
}

/// How many candidates one exhaustive search tries: defaults, the list, 1–6 digit numbers.
pub fn candidate_count() -> usize {
    WEAK_SECRETS.len()
        + word_list()
            .split(|b| *b == b'\n')
            .filter(|w| !w.is_empty())
            .count()
        + NUMBERS
}

/// All strings of 1 to 6 decimal digits.
const NUMBERS: usize = 10 + 100 + 1_000 + 10_000 + 100_000 + 1_000_000;

/// The `n`-th digit string (length 1 first, leading zeros kept) into `buf`.
fn number(mut n: usize, buf: &mut [u8; 6]) -> &[u8] {
    let mut len = 1;
    let mut span = 10;
    while n >= span && len < 6 {
        n -= span;
        len += 1;
        span *= 10;
    }
    for i in (0..len).rev() {
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    &buf[..len]
}

/// Offline HMAC search for one token: the message is padded once; each candidate costs one key
/// block, the message blocks and two outer blocks of the raw compression function.
struct Cracker {
    wide: bool,
    out_len: usize,
    /// The message blocks after the key block, padded for a total length of block + message.
    tail: Vec<u8>,
    signature: Vec<u8>,
}

const IV256: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
const IV384: [u64; 8] = [
    0xcbbb9d5dc1059ed8,
    0x629a292a367cd507,
    0x9159015a3070dd17,
    0x152fecd8f70e5939,
    0x67332667ffc00b31,
    0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7,
    0x47b5481dbefa4fa4,
];
const IV512: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

fn pad(msg: &[u8], prefix: usize, block: usize) -> Vec<u8> {
    let len_bytes = if block == 64 { 8 } else { 16 };
    let total = (prefix + msg.len()) as u128 * 8;
    let mut v = msg.to_vec();
    v.push(0x80);
    while !(v.len() + len_bytes).is_multiple_of(block) {
        v.push(0);
    }
    v.extend_from_slice(&total.to_be_bytes()[16 - len_bytes..]);
    v
}

impl Cracker {
    fn new(alg: &str, msg: &[u8], signature: &[u8]) -> Option<Cracker> {
        let (wide, out_len) = match alg {
            "HS256" => (false, 32),
            "HS384" => (true, 48),
            "HS512" => (true, 64),
            _ => return None,
        };
        if signature.len() != out_len {
            return None;
        }
        let block = if wide { 128 } else { 64 };
        Some(Cracker {
            wide,
            out_len,
            tail: pad(msg, block, block),
            signature: signature.to_vec(),
        })
    }

    /// Whether `key` produces the signature.
    fn try_key(&self, key: &[u8], scratch: &mut Vec<u8>) -> bool {
        if self.wide {
            self.try_wide(key, scratch)
        } else {
            self.try_narrow(key, scratch)
        }
    }

    fn try_narrow(&self, key: &[u8], scratch: &mut Vec<u8>) -> bool {
        use sha2::digest::generic_array::GenericArray;
        let hashed;
        let key = if key.len() > 64 {
            hashed = <sha2::Sha256 as sha2::Digest>::digest(key);
            &hashed[..]
        } else {
            key
        };
        let mut ipad = [0x36u8; 64];
        let mut opad = [0x5cu8; 64];
        for (i, b) in key.iter().enumerate() {
            ipad[i] ^= b;
            opad[i] ^= b;
        }
        let mut inner = IV256;
        sha2::compress256(&mut inner, &[GenericArray::clone_from_slice(&ipad)]);
        compress64(&mut inner, &self.tail);
        let mut outer = IV256;
        sha2::compress256(&mut outer, &[GenericArray::clone_from_slice(&opad)]);
        let mut last = [0u8; 64];
        for (i, w) in inner.iter().enumerate() {
            last[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
        }
        last[32] = 0x80;
        last[62..64].copy_from_slice(&((64u16 + 32) * 8).to_be_bytes());
        sha2::compress256(&mut outer, &[GenericArray::clone_from_slice(&last)]);
        let _ = scratch;
        outer
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .zip(&self.signature)
            .all(|(a, b)| a == *b)
    }

    fn try_wide(&self, key: &[u8], scratch: &mut Vec<u8>) -> bool {
        use sha2::digest::generic_array::GenericArray;
        let hashed;
        let key = if key.len() > 128 {
            hashed = if self.out_len == 48 {
                <sha2::Sha384 as sha2::Digest>::digest(key).to_vec()
            } else {
                <sha2::Sha512 as sha2::Digest>::digest(key).to_vec()
            };
            &hashed[..]
        } else {
            key
        };
        let mut ipad = [0x36u8; 128];
        let mut opad = [0x5cu8; 128];
        for (i, b) in key.iter().enumerate() {
            ipad[i] ^= b;
            opad[i] ^= b;
        }
        let iv = if self.out_len == 48 { IV384 } else { IV512 };
        let mut inner = iv;
        sha2::compress512(&mut inner, &[GenericArray::clone_from_slice(&ipad)]);
        compress128(&mut inner, &self.tail);
        let mut outer = iv;
        sha2::compress512(&mut outer, &[GenericArray::clone_from_slice(&opad)]);
        // The inner digest, padded in place: one block, no allocation.
        let mut last = [0u8; 128];
        for (i, w) in inner.iter().enumerate().take(self.out_len / 8) {
            last[i * 8..i * 8 + 8].copy_from_slice(&w.to_be_bytes());
        }
        last[self.out_len] = 0x80;
        last[126..128].copy_from_slice(&((128 + self.out_len as u16) * 8).to_be_bytes());
        scratch.clear();
        compress128(&mut outer, &last);
        outer
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .zip(&self.signature)
            .all(|(a, b)| a == *b)
    }

    /// Every candidate, on every core; the first secret found (in list order within a share).
    fn search(&self) -> Option<String> {
        let mut scratch = Vec::new();
        if let Some(s) = WEAK_SECRETS
            .iter()
            .find(|s| self.try_key(s.as_bytes(), &mut scratch))
        {
            return Some(s.to_string());
        }
        let words: Vec<&[u8]> = word_list()
            .split(|b| *b == b'\n')
            .filter(|w| !w.is_empty())
            .collect();
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let found = std::sync::atomic::AtomicBool::new(false);
        let found = &found;
        let words = &words;
        std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    sc.spawn(move || {
                        let mut scratch = Vec::new();
                        let mut buf = [0u8; 6];
                        let relaxed = std::sync::atomic::Ordering::Relaxed;
                        for (i, w) in words.iter().enumerate().skip(t).step_by(threads) {
                            if i % 4096 < threads && found.load(relaxed) {
                                return None;
                            }
                            if self.try_key(w, &mut scratch) {
                                found.store(true, relaxed);
                                return Some(String::from_utf8_lossy(w).into_owned());
                            }
                        }
                        for n in (t..NUMBERS).step_by(threads) {
                            if n % 4096 < threads && found.load(relaxed) {
                                return None;
                            }
                            let k = number(n, &mut buf);
                            if self.try_key(k, &mut scratch) {
                                found.store(true, relaxed);
                                return Some(String::from_utf8_lossy(k).into_owned());
                            }
                        }
                        None
                    })
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().ok().flatten())
                .next()
        })
    }
}

/// Compress whole 64-byte blocks.
fn compress64(state: &mut [u32; 8], v: &[u8]) {
    use sha2::digest::generic_array::GenericArray;
    for c in v.chunks_exact(64) {
        sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(c)));
    }
}

/// Compress whole 128-byte blocks.
fn compress128(state: &mut [u64; 8], v: &[u8]) {
    use sha2::digest::generic_array::GenericArray;
    for c in v.chunks_exact(128) {
        sha2::compress512(state, std::slice::from_ref(GenericArray::from_slice(c)));
    }
}

/// An exhaustive search over a token signed with a strong secret, for the benchmark: returns the
/// number of candidates tried and whether anything matched.
pub fn bench_exhaustive(token: &str) -> Option<(usize, bool)> {
    let t = parse(token)?;
    let c = Cracker::new(
        &t.alg().to_ascii_uppercase(),
        t.signing_input.as_bytes(),
        &t.signature,
    )?;
    Some((candidate_count(), c.search().is_some()))
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

/// An HS* token (tests and the benchmark).
#[doc(hidden)]
pub fn sign(alg: &str, secret: &str, claims: Value) -> String {
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
        assert_eq!(weak.crack().as_deref(), Some("changeme"));
        // From the big list (a common password), and a 6-digit number with a leading zero.
        for secret in ["sunshine", "iloveyou", "048213", "7"] {
            let t = parse(&sign("HS256", secret, serde_json::json!({"sub": "1"}))).expect("jwt");
            assert_eq!(t.crack().as_deref(), Some(secret));
        }
        let t = parse(&sign("HS512", "dragon", serde_json::json!({"sub": "1"}))).expect("jwt");
        assert_eq!(t.crack().as_deref(), Some("dragon"));
        let t = parse(&sign("HS384", "999999", serde_json::json!({"sub": "1"}))).expect("jwt");
        assert_eq!(t.crack().as_deref(), Some("999999"));
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
    fn numbers_cover_one_to_six_digits() {
        let mut b = [0u8; 6];
        assert_eq!(number(0, &mut b), b"0");
        assert_eq!(number(9, &mut b), b"9");
        assert_eq!(number(10, &mut b), b"00");
        assert_eq!(number(NUMBERS - 1, &mut b), b"999999");
        assert!(candidate_count() > 1_200_000, "{}", candidate_count());
    }

    #[test]
    fn long_keys_are_hashed_first() {
        let long = "k".repeat(200);
        for alg in ["HS256", "HS512"] {
            let t = parse(&sign(alg, &long, serde_json::json!({"sub": "1"}))).expect("jwt");
            let c = Cracker::new(alg, t.signing_input.as_bytes(), &t.signature).expect("hs");
            assert!(c.try_key(long.as_bytes(), &mut Vec::new()), "{alg}");
            assert!(!c.try_key(b"k", &mut Vec::new()), "{alg}");
        }
    }

    #[test]
    fn rejects_non_jwts() {
        assert!(parse("a.b.c").is_none());
        assert!(parse("not a token").is_none());
    }
}
