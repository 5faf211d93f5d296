//! The engine's error type and the mapping of transport errors onto it.

use std::error::Error as StdError;
use std::fmt;

/// Why a request was refused or failed. URLs inside are already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The URL could not be parsed, or a header name/value is not valid HTTP.
    InvalidRequest(String),
    /// The method is not on the allow-list (nothing was sent).
    MethodNotAllowed(String),
    /// The URL's origin is not one of the scan's origins (nothing was sent).
    OutOfScope(String),
    /// A cloud metadata or link-local address, by name, literal or DNS answer (nothing was sent to it).
    MetadataAddress(String),
    /// The total scan budget is spent.
    BudgetExhausted,
    /// The scan's request cap is reached.
    TooManyRequests,
    /// More redirects than `max_redirects` (or a loop).
    TooManyRedirects(usize),
    /// The per-request timeout expired (connect, headers or body).
    Timeout,
    /// The TCP/DNS connection could not be established.
    Connect(String),
    /// The server's certificate was rejected (only without `insecure`). A finding, not a crash.
    Certificate(String),
    /// The peer reset or closed the connection before the message was complete.
    ConnectionReset,
    /// Malformed HTTP from the server (bad chunking, bad status line, ...).
    Protocol(String),
    /// The response head is larger than `max_header_bytes` (or the transport's own limit).
    HeadersTooLarge,
}

impl HttpError {
    /// A stable short code, used in the request log and as the suffix of diagnostic codes.
    pub fn kind(&self) -> &'static str {
        match self {
            HttpError::InvalidRequest(_) => "invalid-request",
            HttpError::MethodNotAllowed(_) => "method-not-allowed",
            HttpError::OutOfScope(_) => "out-of-scope",
            HttpError::MetadataAddress(_) => "metadata-address",
            HttpError::BudgetExhausted => "budget-exhausted",
            HttpError::TooManyRequests => "request-limit",
            HttpError::TooManyRedirects(_) => "too-many-redirects",
            HttpError::Timeout => "timeout",
            HttpError::Connect(_) => "connect",
            HttpError::Certificate(_) => "certificate",
            HttpError::ConnectionReset => "connection-reset",
            HttpError::Protocol(_) => "protocol",
            HttpError::HeadersTooLarge => "headers-too-large",
        }
    }

    /// True for refusals by the safety policy or the bounds, decided before any network activity.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            HttpError::InvalidRequest(_)
                | HttpError::MethodNotAllowed(_)
                | HttpError::OutOfScope(_)
                | HttpError::MetadataAddress(_)
                | HttpError::BudgetExhausted
                | HttpError::TooManyRequests
        )
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            HttpError::MethodNotAllowed(m) => write!(f, "method not allowed: {m}"),
            HttpError::OutOfScope(u) => write!(f, "out of scope, not contacted: {u}"),
            HttpError::MetadataAddress(u) => {
                write!(f, "cloud metadata / link-local address refused: {u}")
            }
            HttpError::BudgetExhausted => f.write_str("scan time budget exhausted"),
            HttpError::TooManyRequests => f.write_str("scan request limit reached"),
            HttpError::TooManyRedirects(n) => write!(f, "too many redirects (limit {n})"),
            HttpError::Timeout => f.write_str("request timed out"),
            HttpError::Connect(m) => write!(f, "connection failed: {m}"),
            HttpError::Certificate(m) => write!(f, "TLS certificate rejected: {m}"),
            HttpError::ConnectionReset => f.write_str("connection reset by peer"),
            HttpError::Protocol(m) => write!(f, "malformed HTTP response: {m}"),
            HttpError::HeadersTooLarge => f.write_str("response headers too large"),
        }
    }
}

impl StdError for HttpError {}

/// Marker error returned by the safe DNS resolver; found again in the source chain.
#[derive(Debug)]
pub(crate) struct ResolvedToMetadata(pub String);

impl fmt::Display for ResolvedToMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} resolves to a metadata/link-local address", self.0)
    }
}

impl StdError for ResolvedToMetadata {}

/// Map a transport error onto [`HttpError`] by walking its source chain.
pub(crate) fn classify(err: &reqwest::Error) -> HttpError {
    classify_chain(err, err.is_timeout(), err.is_connect())
}

/// The same for an error of the hyper-util client (plain http:// without a proxy).
pub(crate) fn classify_plain(err: &hyper_util::client::legacy::Error) -> HttpError {
    classify_chain(err, false, err.is_connect())
}

/// A body error of the hyper-util client.
pub(crate) fn classify_body_plain(err: &hyper::Error) -> HttpError {
    classify_chain(err, err.is_timeout(), false)
}

fn classify_chain(err: &(dyn StdError + 'static), is_timeout: bool, is_connect: bool) -> HttpError {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    let mut io_kind = None;
    while let Some(e) = cur {
        if let Some(found) = marker(e) {
            return found;
        }
        parts.push(e.to_string());
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
            // io::Error::source skips the wrapped error itself: look at it directly.
            if let Some(inner) = io.get_ref() {
                if let Some(found) = marker(inner) {
                    return found;
                }
                parts.push(inner.to_string());
            }
        }
        cur = e.source();
    }
    let text = parts.join(": ");
    let lower = text.to_ascii_lowercase();
    if is_timeout || io_kind == Some(std::io::ErrorKind::TimedOut) {
        return HttpError::Timeout;
    }
    if lower.contains("too large") || lower.contains("header") && lower.contains("too") {
        return HttpError::HeadersTooLarge;
    }
    if matches!(
        io_kind,
        Some(std::io::ErrorKind::ConnectionReset)
            | Some(std::io::ErrorKind::ConnectionAborted)
            | Some(std::io::ErrorKind::BrokenPipe)
            | Some(std::io::ErrorKind::UnexpectedEof)
    ) || lower.contains("connection reset")
        || lower.contains("connection closed before message completed")
        || lower.contains("end of file before message length reached")
    {
        return HttpError::ConnectionReset;
    }
    if lower.contains("certificate") {
        return HttpError::Certificate(short(&text));
    }
    if is_connect {
        return HttpError::Connect(short(&text));
    }
    HttpError::Protocol(short(&text))
}

/// Errors recognised by type: a metadata refusal from the resolver, a rustls certificate error.
fn marker(e: &(dyn StdError + 'static)) -> Option<HttpError> {
    if let Some(m) = e.downcast_ref::<ResolvedToMetadata>() {
        return Some(HttpError::MetadataAddress(m.0.clone()));
    }
    let r = e.downcast_ref::<rustls::Error>()?;
    match r {
        rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented => {
            Some(HttpError::Certificate(r.to_string()))
        }
        _ => None,
    }
}

/// The error text without the repeated URL reqwest puts in front.
fn short(text: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in text.split(": ") {
        if !parts.contains(&p) {
            parts.push(p);
        }
    }
    crate::redact::redact_url(&parts.join(": "))
}
