//! Secrets with a recognisable shape: cloud and SaaS tokens by prefix, private keys, password hashes,
//! session tokens. Each confirm step starts at a literal trigger (`s..e`) and returns the end of
//! what it consumed.

use crate::context::{Classified, KeyedValue};
use crate::scan::{Kind, Scanner};
use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::validate::*;

/// The AWS account id encoded in an access key id (AKIA/ASIA…): base32-decode the 16 characters after
/// the prefix, take bytes 0–5 big-endian, mask `0x7fffffffff80`, shift right 7. `None` for the old
/// AKIAI/AKIAJ keys and malformed ids.
pub fn aws_account_from_key_id(key_id: &str) -> Option<String> {
    let b = key_id.as_bytes();
    if b.len() != 20
        || !matches!(
            &b[..4],
            b"AKIA" | b"ASIA" | b"ABIA" | b"ACCA" | b"AIDA" | b"AROA"
        )
    {
        return None;
    }
    if b[4] == b'I' || b[4] == b'J' {
        return None;
    }
    let mut acc: u128 = 0;
    for &c in &b[4..] {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        } as u128;
        acc = (acc << 5) | v;
    }
    // 80 bits; bytes 0..6 are the top 48 bits.
    let top48 = (acc >> 32) as u64;
    let id = (top48 & 0x7fff_ffff_ff80) >> 7;
    Some(format!("{id:012}"))
}

impl Scanner<'_, '_, '_> {
    pub(crate) fn aws_key_id(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_alnum(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, e, 17, |c| {
            c.is_ascii_uppercase() || c.is_ascii_digit()
        });
        if n != 16 || is_alnum(at(input, e + n)) {
            return None;
        }
        let end = e + n;
        let v = &input[s..end];
        let example = memchr::memmem::find(v, b"EXAMPLE").is_some();
        let key = lossy(v);
        let mut detail = String::new();
        if v.starts_with(b"ASIA") {
            detail.push_str("temporary (STS) key; ");
        }
        match aws_account_from_key_id(&key) {
            Some(a) => detail.push_str(&format!("account {a}")),
            None => detail.push_str("account not decodable"),
        }
        self.emit(
            DataType::AwsAccessKeyId,
            s..end,
            Confidence::Certain,
            example,
            Some(detail),
        );
        self.aws_secret_near(end);
        Some(end)
    }

    pub(crate) fn github(&mut self, kind: Kind, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_word(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, e, 256, |c| is_alnum(c) || c == b'_');
        let ok = if kind == Kind::Github {
            n >= 36
        } else {
            n >= 40
        };
        if !ok || is_word(at(input, e + n)) {
            return None;
        }
        let end = e + n;
        let example = is_placeholder(&input[e..end]);
        self.emit(
            DataType::GithubToken,
            s..end,
            Confidence::Certain,
            example,
            None,
        );
        Some(end)
    }

    pub(crate) fn slack(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        // xoxb- xoxp- xoxa- xoxr- xoxs- xoxe- / xapp-
        let mut p = e;
        if &input[s..e] == b"xox" {
            if !matches!(at(input, e), b'b' | b'p' | b'a' | b'r' | b's' | b'e')
                || at(input, e + 1) != b'-'
            {
                return None;
            }
            p = e + 2;
        }
        if is_alnum(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, p, 256, |c| is_alnum(c) || c == b'-');
        if n < 10
            || input[p..p + n]
                .iter()
                .filter(|c| c.is_ascii_digit())
                .count()
                < 4
        {
            return None;
        }
        let end = p + n;
        let example = is_placeholder(&input[p..end]);
        self.emit(
            DataType::SlackToken,
            s..end,
            Confidence::Certain,
            example,
            None,
        );
        Some(end)
    }

    pub(crate) fn slack_hook(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if !(starts(input, e, b"services/")
            || starts(input, e, b"workflows/")
            || starts(input, e, b"triggers/"))
        {
            return None;
        }
        let mut start = s;
        for pre in [&b"https://"[..], b"http://"] {
            if s >= pre.len() && &input[s - pre.len()..s] == pre {
                start = s - pre.len();
            }
        }
        let n = run_fwd(input, e, 200, |c| {
            is_alnum(c) || c == b'/' || c == b'_' || c == b'-'
        });
        if n < 20 {
            return None;
        }
        let end = e + n;
        let example = is_placeholder(&input[e..end]);
        self.emit(
            DataType::SlackWebhook,
            start..end,
            Confidence::Certain,
            example,
            None,
        );
        Some(end)
    }

    pub(crate) fn stripe(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if s == 0 || !matches!(input[s - 1], b's' | b'r') || is_alnum(before(input, s - 1)) {
            return None;
        }
        let n = run_fwd(input, e, 100, is_alnum);
        if !(10..=99).contains(&n) || is_alnum(at(input, e + n)) {
            return None;
        }
        let end = e + n;
        let test = input[s..e].starts_with(b"k_test");
        let v = &input[e..end];
        let example = is_placeholder(v)
            || v == b"4eC39HqLyjWDarjtT1zdp7dc"
            || v == b"BQokikJOvBiI2HlWgH4olfQ2";
        let detail = if test { "test mode" } else { "live mode" };
        self.emit(
            DataType::StripeKey,
            s - 1..end,
            Confidence::Certain,
            example,
            Some(detail.into()),
        );
        Some(end)
    }

    pub(crate) fn google(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_b64url(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, e, 40, is_b64url);
        if n != 35 {
            return None;
        }
        let end = e + n;
        let example = is_placeholder(&input[e..end]);
        self.emit(
            DataType::GoogleApiKey,
            s..end,
            Confidence::Certain,
            example,
            None,
        );
        Some(end)
    }

    pub(crate) fn sendgrid(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_alnum(before(input, s)) {
            return None;
        }
        let n1 = run_fwd(input, e, 30, is_b64url);
        if n1 != 22 || at(input, e + 22) != b'.' {
            return None;
        }
        let n2 = run_fwd(input, e + 23, 50, is_b64url);
        if n2 != 43 {
            return None;
        }
        let end = e + 23 + 43;
        self.emit(
            DataType::SendgridKey,
            s..end,
            Confidence::Certain,
            false,
            None,
        );
        Some(end)
    }

    pub(crate) fn sk_dash(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_b64url(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, e, 256, is_b64url);
        let end = e + n;
        let v = &input[e..end];
        let (t, min) = if v.starts_with(b"ant-") {
            (DataType::AnthropicKey, 40)
        } else if v.starts_with(b"proj-")
            || v.starts_with(b"svcacct-")
            || v.starts_with(b"admin-")
            || memchr::memmem::find(v, b"T3BlbkFJ").is_some()
        {
            (DataType::OpenaiKey, 30)
        } else {
            return None;
        };
        if n < min {
            return None;
        }
        let example = is_placeholder(v);
        self.emit(t, s..end, Confidence::Certain, example, None);
        Some(end)
    }

    pub(crate) fn npm(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_alnum(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, e, 40, is_alnum);
        if n != 36 {
            return None;
        }
        let end = e + n;
        self.emit(
            DataType::NpmToken,
            s..end,
            Confidence::Certain,
            is_placeholder(&input[e..end]),
            None,
        );
        Some(end)
    }

    pub(crate) fn pem(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let hdr_end = find_in(input, e, e + 64, b"-----")?;
        let label = &input[e..hdr_end];
        if !label.ends_with(b"PRIVATE KEY") {
            return None;
        }
        let body_start = hdr_end + 5;
        let (end, conf) = match find_in(input, body_start, body_start + 16 * 1024, b"-----END") {
            Some(p) => {
                let close = find_in(input, p + 8, p + 80, b"-----")
                    .map(|q| q + 5)
                    .unwrap_or(p + 8);
                (close, Confidence::Certain)
            }
            None => (body_start, Confidence::Firm),
        };
        let kind = lossy(label).trim().to_string();
        let body = &input[body_start..end.max(body_start)];
        let example = is_placeholder(body) || body.len() < 60 && conf == Confidence::Certain;
        self.emit(DataType::PrivateKey, s..end, conf, example, Some(kind));
        Some(end)
    }

    pub(crate) fn crypt(&mut self, s: usize) -> Option<usize> {
        let input = self.input;
        let begin = s;
        if is_alnum(before(input, begin)) && !input[s..].starts_with(b"pbkdf2") {
            return None;
        }
        let mut n = run_fwd(input, begin, 400, |c| {
            is_alnum(c) || matches!(c, b'$' | b'.' | b'/' | b'=' | b',' | b'+' | b'_' | b'-')
        });
        if input[begin..].starts_with(b"$2")
            && n > 60
            && !is_alnum(at(input, begin + 60))
            && at(input, begin + 60) != b'/'
        {
            n = 60;
        }
        let bcrypt60 = input[begin..].starts_with(b"$2") && n == 60;
        while !bcrypt60 && n > 0 && matches!(input[begin + n - 1], b'.' | b',') {
            n -= 1;
        }
        let v = &input[begin..begin + n];
        let ok = if v.starts_with(b"$2") {
            n == 60
        } else if v.starts_with(b"$argon2") {
            v.iter().filter(|&&c| c == b'$').count() >= 4 && n >= 40
        } else if v.starts_with(b"pbkdf2_sha") {
            v.iter().filter(|&&c| c == b'$').count() >= 3 && n >= 40
        } else {
            v.iter().filter(|&&c| c == b'$').count() >= 3 && n >= 40
        };
        if !ok {
            return None;
        }
        self.emit(
            DataType::PasswordHash,
            begin..begin + n,
            Confidence::Certain,
            false,
            None,
        );
        Some(begin + n)
    }

    pub(crate) fn session_token(&mut self, s: usize) -> Option<usize> {
        let input = self.input;
        if is_b64(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, s, 4096, |c| is_b64(c) || c == b'=');
        if n < 100 {
            return None;
        }
        self.emit(
            DataType::AwsSessionToken,
            s..s + n,
            Confidence::Certain,
            false,
            None,
        );
        Some(s + n)
    }

    pub(crate) fn token(
        &mut self,
        s: usize,
        e: usize,
        min: usize,
        max: usize,
        t: DataType,
        f: impl Fn(u8) -> bool,
    ) -> Option<usize> {
        let input = self.input;
        if is_alnum(before(input, s)) {
            return None;
        }
        let n = run_fwd(input, e, max + 1, f);
        if n < min || n > max {
            return None;
        }
        let end = e + n;
        let example = is_placeholder(&input[e..end]);
        self.emit(t, s..end, Confidence::Certain, example, None);
        Some(end)
    }

    pub(crate) fn aws_secret_near(&mut self, from: usize) {
        let input = self.input;
        let to = input.len().min(from + 400);
        let mut i = from;
        while i < to {
            if is_b64(input[i]) && !is_b64(before(input, i)) {
                let n = run_fwd(input, i, 41, is_b64);
                if n == 40 {
                    let v = &input[i..i + 40];
                    let hex = v.iter().all(|c| c.is_ascii_hexdigit());
                    let up = v.iter().any(|c| c.is_ascii_uppercase());
                    let lo = v.iter().any(|c| c.is_ascii_lowercase());
                    let dg = v.iter().any(|c| c.is_ascii_digit());
                    if !hex && up && lo && dg && entropy(v) > 4.0 {
                        let example = memchr::memmem::find(v, b"EXAMPLE").is_some();
                        self.emit(
                            DataType::AwsSecretKey,
                            i..i + 40,
                            Confidence::Firm,
                            example,
                            Some("next to an access key id".into()),
                        );
                        return;
                    }
                }
                i += n.max(1);
            } else {
                i += 1;
            }
        }
    }

    pub(crate) fn jwt_at(&mut self, s: usize) -> Option<usize> {
        let input = self.input;
        if is_b64url(before(input, s)) {
            return None;
        }
        let n1 = run_fwd(input, s, 4096, is_b64url);
        if n1 < 10 || at(input, s + n1) != b'.' {
            return None;
        }
        let p2 = s + n1 + 1;
        let n2 = run_fwd(input, p2, 16 * 1024, is_b64url);
        if n2 < 4 || at(input, p2 + n2) != b'.' {
            return None;
        }
        let p3 = p2 + n2 + 1;
        let n3 = run_fwd(input, p3, 4096, is_b64url);
        let end = p3 + n3;
        if at(input, end) == b'.' && is_b64url(at(input, end + 1)) {
            return None; // JWE (five parts) or something else
        }
        let tok = lossy(&input[s..end]);
        let d = crate::jwt::decode(&tok)?;
        let sig = &input[p3..end];
        let example = sig == b"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        self.emit(
            DataType::Jwt,
            s..end,
            Confidence::Certain,
            example,
            Some(d.summary()),
        );
        Some(end)
    }

    pub(crate) fn twilio_at(&mut self, p: usize) {
        let input = self.input;
        let pre = &input[p..(p + 2).min(input.len())];
        if !(pre == b"SK" || pre == b"AC") || is_alnum(before(input, p)) {
            return;
        }
        let n = run_fwd(input, p + 2, 33, |c| {
            c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
        });
        if n != 32 || is_alnum(at(input, p + 34)) {
            return;
        }
        let v = &input[p + 2..p + 34];
        if entropy(v) < 3.0 {
            return;
        }
        let detail = if pre == b"SK" {
            "API key SID"
        } else {
            "account SID"
        };
        self.emit(
            DataType::TwilioKey,
            p..p + 34,
            Confidence::Firm,
            false,
            Some(detail.into()),
        );
    }
}

// ---------------------------------------------------------------- values under a key

/// The value under a `Password`-type key.
pub(crate) fn password_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str
        || v.len() > 256
        || is_placeholder(v)
        || v.iter().all(|&c| c == b'*' || c == b'x' || c == b'X')
    {
        return None;
    }
    if looks_like_hash(v) {
        return cv.mk(PasswordHash, Confidence::Certain, false, None);
    }
    if v.len() < 3 {
        return None;
    }
    cv.mk(Password, Confidence::Certain, false, None)
}

/// The value under a `PasswordHash`-type key.
pub(crate) fn password_hash_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str || is_placeholder(v) {
        return None;
    }
    if looks_like_hash(v) || (v.len() >= 20 && entropy(v) > 3.5) {
        return cv.mk(PasswordHash, Confidence::Certain, false, None);
    }
    None
}

/// The value under a key of type GenericSecret, AwsSecretKey, AwsSessionToken.
pub(crate) fn secret_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str {
        return None;
    }
    let mut v = v;
    let mut extra = 0;
    if v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ") {
        v = &v[7..];
        extra = 7;
    }
    if v.len() < 8
        || v.len() > 4096
        || v.iter().any(|c| c.is_ascii_whitespace())
        || is_placeholder(v)
    {
        return None;
    }
    let all_hex = v.iter().all(|c| c.is_ascii_hexdigit());
    let e = entropy(v);
    let classes = [
        v.iter().any(|c| c.is_ascii_lowercase()),
        v.iter().any(|c| c.is_ascii_uppercase()),
        v.iter().any(|c| c.is_ascii_digit()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if cv.key_type == AwsSecretKey
        && v.len() == 40
        && v.iter().all(|&c| crate::util::is_b64(c))
        && !all_hex
    {
        let ex = memchr::memmem::find(v, b"EXAMPLE").is_some();
        return Some(Classified {
            data_type: AwsSecretKey,
            confidence: Confidence::Certain,
            example: ex,
            detail: None,
            trim: (cv.lead + extra, cv.trail),
        });
    }
    if cv.key_type == AwsSessionToken && v.len() >= 100 {
        return Some(Classified {
            data_type: AwsSessionToken,
            confidence: Confidence::Certain,
            example: false,
            detail: None,
            trim: (cv.lead + extra, cv.trail),
        });
    }
    // URLs, paths, dates and words are not secrets
    if v.contains(&b'/') && memchr::memmem::find(v, b"://").is_some() {
        return None;
    }
    let min_len = if cv.strong { 8 } else { 16 };
    let ok = v.len() >= min_len
        && if all_hex {
            v.len() >= 16 && e >= 3.0
        } else {
            e >= 3.3 && classes >= 2
        };
    if !ok {
        return None;
    }
    Some(Classified {
        data_type: GenericSecret,
        confidence: Confidence::Firm,
        example: false,
        detail: None,
        trim: (cv.lead + extra, cv.trail),
    })
}

pub(crate) fn looks_like_hash(v: &[u8]) -> bool {
    if v.starts_with(b"$2") && v.len() == 60 {
        return true;
    }
    if v.starts_with(b"$argon2")
        || v.starts_with(b"pbkdf2_")
        || v.starts_with(b"$6$")
        || v.starts_with(b"$5$")
        || v.starts_with(b"sha256$")
        || v.starts_with(b"{SSHA}")
    {
        return true;
    }
    matches!(v.len(), 32 | 40 | 64 | 128) && v.iter().all(|c| c.is_ascii_hexdigit())
}
