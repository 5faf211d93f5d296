//! Credential redaction for everything the engine records: URLs (userinfo and credential-like query
//! parameters) and request headers.

/// The replacement for every credential value.
pub const REDACTED: &str = "[redacted]";

/// Header names whose values are always credentials (compared case-insensitively).
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-csrf-token",
    "x-amz-security-token",
];

/// Query parameter names whose values are treated as credentials.
const SENSITIVE_QUERY: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "api_key",
    "apikey",
    "api-key",
    "x-api-key",
    "key",
    "token",
    "auth",
    "password",
    "passwd",
    "secret",
    "client_secret",
    "signature",
    "sig",
];

/// Whether a header is a credential, by the built-in list or the request's own `sensitive_headers`.
pub fn is_sensitive_header(name: &str, extra: &[String]) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name))
        || extra.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// Headers with credential values replaced by `[redacted]`.
pub fn redact_headers(headers: &[(String, String)], extra: &[String]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            if is_sensitive_header(n, extra) {
                (n.clone(), REDACTED.to_string())
            } else {
                (n.clone(), v.clone())
            }
        })
        .collect()
}

/// A URL with `user:pass@` and credential-like query values replaced by `[redacted]`.
pub fn redact_url(url: &str) -> String {
    redact_url_with(url, &[])
}

/// Like [`redact_url`], also redacting query parameters named like any of `extra`.
pub fn redact_url_with(url: &str, extra: &[String]) -> String {
    // Userinfo: between "://" and the first '@' before the path.
    let mut out = String::with_capacity(url.len());
    let rest = match url.find("://") {
        Some(i) => {
            out.push_str(&url[..i + 3]);
            let after = &url[i + 3..];
            let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let authority = &after[..auth_end];
            match authority.rfind('@') {
                Some(at) => {
                    out.push_str(REDACTED);
                    out.push_str(&authority[at..]);
                }
                None => out.push_str(authority),
            }
            &after[auth_end..]
        }
        None => url,
    };
    // Query: keep the raw text, replace sensitive values.
    let (before_frag, frag) = match rest.find('#') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    match before_frag.find('?') {
        Some(q) => {
            out.push_str(&before_frag[..=q]);
            let query = &before_frag[q + 1..];
            let mut first = true;
            for pair in query.split('&') {
                if !first {
                    out.push('&');
                }
                first = false;
                match pair.split_once('=') {
                    Some((name, _)) if sensitive_query(name, extra) => {
                        out.push_str(name);
                        out.push('=');
                        out.push_str(REDACTED);
                    }
                    _ => out.push_str(pair),
                }
            }
        }
        None => out.push_str(before_frag),
    }
    out.push_str(frag);
    out
}

fn sensitive_query(name: &str, extra: &[String]) -> bool {
    let decoded = name
        .replace("%5F", "_")
        .replace("%5f", "_")
        .replace("%2D", "-")
        .replace("%2d", "-");
    SENSITIVE_QUERY
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&decoded))
        || extra.iter().any(|s| s.eq_ignore_ascii_case(&decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_and_query() {
        assert_eq!(
            redact_url("http://bob:s3cret@example.com:8080/a?x=1&api_key=K&Token=T#f"),
            "http://[redacted]@example.com:8080/a?x=1&api_key=[redacted]&Token=[redacted]#f"
        );
        assert_eq!(
            redact_url("https://example.com/a@b"),
            "https://example.com/a@b"
        );
        assert_eq!(
            redact_url_with("https://e.com/?sess=abc", &["Sess".into()]),
            "https://e.com/?sess=[redacted]"
        );
    }

    #[test]
    fn headers() {
        let h = vec![
            ("Authorization".to_string(), "Bearer x".to_string()),
            ("X-Tenant".to_string(), "t1".to_string()),
            ("X-Custom-Secret".to_string(), "zz".to_string()),
        ];
        let r = redact_headers(&h, &["x-custom-secret".to_string()]);
        assert_eq!(r[0].1, REDACTED);
        assert_eq!(r[1].1, "t1");
        assert_eq!(r[2].1, REDACTED);
    }
}
