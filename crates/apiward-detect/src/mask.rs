//! The one masking function and the salted correlation hash.

use crate::types::DataType;
use sha2::{Digest, Sha256};
use std::sync::RwLock;

/// The default salt. Hashes made with it correlate across runs and machines; set your own with
/// [`set_hash_salt`] when hashes leave the machine.
pub const DEFAULT_HASH_SALT: &[u8] = b"apiward-detect/v1";

static SALT: RwLock<Option<Vec<u8>>> = RwLock::new(None);

/// Set the process-wide salt for [`value_hash`].
pub fn set_hash_salt(salt: &[u8]) {
    if let Ok(mut g) = SALT.write() {
        *g = Some(salt.to_vec());
    }
}

/// Salted SHA-256 of a value, first 16 hex characters. Correlates findings without revealing values.
pub fn value_hash(value: &str) -> String {
    let mut h = Sha256::new();
    match SALT.read() {
        Ok(g) => match g.as_ref() {
            Some(s) => h.update(s),
            None => h.update(DEFAULT_HASH_SALT),
        },
        Err(_) => h.update(DEFAULT_HASH_SALT),
    }
    h.update([0u8]);
    h.update(value.as_bytes());
    let d = h.finalize();
    let mut out = String::with_capacity(16);
    for b in &d[..8] {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The canonical form hashed for a value (digits only for numbers, lowercase for emails), so the same
/// value correlates whatever its formatting.
pub(crate) fn canonical(t: DataType, v: &str) -> String {
    use DataType::*;
    match t {
        PaymentCard | UsSsn | UsItin | Phone | AbaRouting | BankAccount | AwsAccountId => {
            v.chars().filter(|c| c.is_ascii_digit()).collect()
        }
        Iban => v
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase(),
        Email | InternalHostname => v.to_ascii_lowercase(),
        _ => v.to_string(),
    }
}

fn stars(n: usize) -> String {
    "*".repeat(n.min(32))
}

fn digits(v: &str) -> Vec<char> {
    v.chars().filter(|c| c.is_ascii_digit()).collect()
}

fn last_n(v: &[char], n: usize) -> String {
    v[v.len().saturating_sub(n)..].iter().collect()
}

/// A short prefix (at most 4 characters and at most a quarter of the value) then the length.
fn secret_prefix(v: &str) -> String {
    let n = v.chars().count();
    let keep = (n / 4).min(4);
    let p: String = v.chars().take(keep).collect();
    format!("{p}… ({n} chars)")
}

/// Keep the first letter of each word, star the rest.
fn initials(v: &str) -> String {
    let mut out = String::new();
    for (i, w) in v.split_whitespace().take(6).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut cs = w.chars();
        if let Some(c) = cs.next() {
            if w.chars().count() > 1 {
                out.push(c);
            } else {
                out.push('*');
            }
        }
        out.push_str(&stars(cs.count().clamp(2, 6)));
    }
    if out.is_empty() {
        out.push_str("***");
    }
    out
}

/// How a value of a type is shown in any output. Never the full value; for PANs the last 4 digits only;
/// for secrets at most a short prefix; for JWTs the header algorithm only.
pub fn mask(data_type: DataType, value: &str) -> String {
    use DataType::*;
    let n = value.chars().count();
    match data_type {
        Email => mask_email(value),
        UsSsn | UsItin => format!("***-**-{}", last_n(&digits(value), 4)),
        PaymentCard => format!("**** **** **** {}", last_n(&digits(value), 4)),
        MaskedPaymentCard => {
            let d = digits(value);
            format!("**** **** **** {}", last_n(&d, 4.min(d.len())))
        }
        Phone => {
            let d = digits(value);
            if d.len() >= 7 {
                format!("***-***-{}", last_n(&d, 4))
            } else {
                "***".into()
            }
        }
        Iban => mask_iban(value),
        AbaRouting | BankAccount | NationalId | Passport => mask_account_number(value),
        DateOfBirth => value
            .chars()
            .map(|c| if c.is_ascii_digit() { '*' } else { c })
            .take(24)
            .collect(),
        StreetAddress | PersonName => initials(value),
        IpPublic | IpInternal => match value.split_once('.') {
            Some((a, _)) => format!("{a}.*.*.*"),
            None => "*.*.*.*".into(),
        },
        GeoCoordinates => mask_coordinates(value),
        AwsAccessKeyId => {
            let p: String = value.chars().take(4).collect();
            format!("{p}{}", stars(n.saturating_sub(4)))
        }
        AwsAccountId => {
            let d = digits(value);
            format!("{}{}", stars(d.len().saturating_sub(4)), last_n(&d, 4))
        }
        AwsArn => mask_arn(value),
        Jwt => match crate::jwt::decode(value) {
            Some(j) => format!("JWT(alg={})", j.alg.as_deref().unwrap_or("?")),
            None => "JWT(undecodable)".into(),
        },
        PrivateKey => mask_private_key(value, n),
        UrlCredentials | DatabaseUrl | SlackWebhook => mask_url(value),
        Password => format!("******** ({n} chars)"),
        PasswordHash => mask_password_hash(value, n),
        AwsSecretKey | AwsSessionToken | GithubToken | GitlabToken | SlackToken | StripeKey
        | GoogleApiKey | TwilioKey | SendgridKey | OpenaiKey | AnthropicKey | NpmToken
        | GenericSecret => secret_prefix(value),
        InternalHostname => mask_internal_host(value, n),
        // Descriptors: these types are shown by what they are (exception name, server product and
        // version, marker), not by a sensitive value; the raw text never exceeds 64 characters.
        ServerVersion
        | DynamodbException
        | StackTrace
        | SqlError
        | BotocoreError
        | EnvDump
        | DynamodbAttributeValue
        | DynamodbPagingKey
        | DynamodbConsumedCapacity
        | AwsResponseMetadata
        | PydanticInputEcho => {
            let s: String = value.chars().take(64).collect();
            if n > 64 { format!("{s}…") } else { s }
        }
        Custom(_) => {
            let keep = n / 4;
            let p: String = value.chars().take(keep.min(4)).collect();
            format!("{p}{}", stars(n - keep.min(4)))
        }
    }
}

/// `j***@example.com`: the first character of the local part and the domain.
fn mask_email(value: &str) -> String {
    match value.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***@***".into(),
    }
}

/// `DE**************3000`: the country code and the last four characters.
fn mask_iban(value: &str) -> String {
    let c: Vec<char> = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let cc: String = c.iter().take(2).collect();
    format!("{cc}{}{}", stars(c.len().saturating_sub(6)), last_n(&c, 4))
}

/// Account, routing, national-id and passport numbers: the last four characters of long ones, two
/// of medium ones, none of short ones.
fn mask_account_number(value: &str) -> String {
    let c: Vec<char> = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let keep = if c.len() >= 12 {
        4
    } else if c.len() >= 8 {
        2
    } else {
        0
    };
    format!("{}{}", stars(c.len() - keep), last_n(&c, keep))
}

/// Coordinates to one decimal (about 10 km).
fn mask_coordinates(value: &str) -> String {
    let mut out = String::new();
    let mut dot = false;
    let mut after = 0;
    for c in value.chars().take(48) {
        if c == '.' {
            dot = true;
            after = 0;
            out.push(c);
        } else if c.is_ascii_digit() && dot {
            after += 1;
            out.push(if after <= 1 { c } else { '*' });
        } else {
            if !c.is_ascii_digit() {
                dot = false;
            }
            out.push(c);
        }
    }
    out
}

/// The PEM block's kind and its length.
fn mask_private_key(value: &str, n: usize) -> String {
    let kind = value
        .strip_prefix("-----BEGIN ")
        .and_then(|r| r.split_once("-----"))
        .map(|(k, _)| k.to_string())
        .unwrap_or_else(|| "PRIVATE KEY".into());
    format!("-----BEGIN {kind}----- … ({n} chars)")
}

/// The hash algorithm and the length.
fn mask_password_hash(value: &str, n: usize) -> String {
    let algo = if value.starts_with('$') {
        value.split('$').nth(1).unwrap_or("")
    } else if let Some((a, _)) = value.split_once('$') {
        a
    } else {
        "hex"
    };
    let algo: String = algo.chars().take(16).collect();
    format!("hash[{algo}] ({n} chars)")
}

/// The internal suffix is the finding; the host label is partly hidden.
fn mask_internal_host(value: &str, n: usize) -> String {
    match value.split_once('.') {
        Some((h, rest)) => {
            let hc: Vec<char> = h.chars().collect();
            let keep = hc.len() / 4;
            let p: String = hc[..keep].iter().collect();
            format!("{p}{}.{rest}", stars(hc.len() - keep))
        }
        None => stars(n),
    }
}

fn mask_arn(v: &str) -> String {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    if parts.len() < 6 {
        return stars(v.len());
    }
    let acct = if parts[4].is_empty() {
        String::new()
    } else {
        stars(parts[4].len())
    };
    let res: Vec<char> = parts[5].chars().collect();
    // Keep the resource kind (`table/`, `assumed-role/`), hide the names.
    let resm: String = match parts[5].split_once('/') {
        Some((k, rest)) => format!("{k}/{}", stars(rest.chars().count())),
        None => stars(res.len()),
    };
    format!(
        "{}:{}:{}:{}:{}:{}",
        parts[0], parts[1], parts[2], parts[3], acct, resm
    )
}

fn mask_url(v: &str) -> String {
    let (scheme, rest) = match v.split_once("://") {
        Some(x) => x,
        None => return stars(v.len()),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = match authority.rsplit_once('@') {
        Some((creds, host)) => {
            let user = creds.split(':').next().unwrap_or("");
            let u: String = user.chars().take(1).collect();
            format!("{u}***:****@{host}")
        }
        None => authority.to_string(),
    };
    let path = &rest[authority_end..];
    let tail = if path.len() > 1 { "/…" } else { "" };
    format!("{scheme}://{host}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(
            mask(DataType::Email, "jane@example.com"),
            "j***@example.com"
        );
        assert_eq!(mask(DataType::UsSsn, "536-22-6789"), "***-**-6789");
        assert_eq!(
            mask(DataType::PaymentCard, "4111 1111 1111 1111"),
            "**** **** **** 1111"
        );
        assert_eq!(
            mask(DataType::AwsAccessKeyId, "AKIAIOSFODNN7EXAMPLE"),
            "AKIA****************"
        );
        assert!(
            !mask(
                DataType::GithubToken,
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
            )
            .contains("abcdef")
        );
        assert_eq!(
            mask(
                DataType::AwsArn,
                "arn:aws:dynamodb:us-east-1:123456789012:table/Users"
            ),
            "arn:aws:dynamodb:us-east-1:************:table/*****"
        );
        assert_eq!(
            mask(
                DataType::UrlCredentials,
                "postgres://admin:hunter2@db.internal:5432/app"
            ),
            "postgres://a***:****@db.internal:5432/…"
        );
        assert_eq!(value_hash("x").len(), 16);
    }
}
