//! Bounded body reading: the engine decodes `Content-Encoding` itself (gzip, deflate, br, zstd) so
//! that the cap counts decoded bytes, the wire size is known (decompression-bomb diagnostics) and
//! the response keeps its real `content-encoding` header for the checks.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder, ZstdDecoder};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::Sleep;
use tokio_util::io::StreamReader;

use crate::error::{HttpError, classify, classify_body_plain};

/// A response head and its still-unread body, from either client.
pub(crate) enum Response {
    /// https, or anything through a proxy.
    Reqwest(reqwest::Response),
    /// Plain http:// through hyper-util.
    Plain(http::Response<hyper::body::Incoming>),
}

impl Response {
    pub(crate) fn status(&self) -> reqwest::StatusCode {
        match self {
            Response::Reqwest(r) => r.status(),
            Response::Plain(r) => r.status(),
        }
    }

    pub(crate) fn headers(&self) -> &reqwest::header::HeaderMap {
        match self {
            Response::Reqwest(r) => r.headers(),
            Response::Plain(r) => r.headers(),
        }
    }

    pub(crate) fn version(&self) -> reqwest::Version {
        match self {
            Response::Reqwest(r) => r.version(),
            Response::Plain(r) => r.version(),
        }
    }

    pub(crate) fn tls_info(&self) -> Option<&reqwest::tls::TlsInfo> {
        match self {
            Response::Reqwest(r) => r.extensions().get::<reqwest::tls::TlsInfo>(),
            Response::Plain(_) => None,
        }
    }

    fn content_length(&self) -> Option<u64> {
        match self {
            Response::Reqwest(r) => r.content_length(),
            Response::Plain(r) => http_body::Body::size_hint(r.body()).exact(),
        }
    }

    /// The body as a stream of chunks; errors already mapped to [`HttpError`].
    fn into_stream(
        self,
    ) -> Pin<Box<dyn futures_util::Stream<Item = Result<bytes::Bytes, BodyError>> + Send>> {
        use http_body_util::BodyExt;
        match self {
            Response::Reqwest(r) => {
                Box::pin(r.bytes_stream().map(|c| c.map_err(BodyError::Reqwest)))
            }
            Response::Plain(r) => Box::pin(
                r.into_body()
                    .into_data_stream()
                    .map(|c| c.map_err(BodyError::Plain)),
            ),
        }
    }
}

/// A transport error while reading a body.
#[derive(Debug)]
pub(crate) enum BodyError {
    Reqwest(reqwest::Error),
    Plain(hyper::Error),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Reqwest(e) => e.fmt(f),
            BodyError::Plain(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BodyError::Reqwest(e) => e.source(),
            BodyError::Plain(e) => e.source(),
        }
    }
}

impl BodyError {
    fn classify(&self) -> HttpError {
        match self {
            BodyError::Reqwest(e) => classify(e),
            BodyError::Plain(e) => classify_body_plain(e),
        }
    }
}

/// What `Accept-Encoding` the engine sends when a request does not set its own.
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Coding {
    Identity,
    Gzip,
    Deflate,
    Brotli,
    Zstd,
    /// Something we do not decode: the body is kept as received.
    Other(String),
}

impl Coding {
    pub(crate) fn from_header(value: Option<&str>) -> Coding {
        let Some(v) = value else {
            return Coding::Identity;
        };
        // Only a single coding is decoded; stacked codings are kept raw.
        let v = v.trim();
        let is = |name: &str| v.eq_ignore_ascii_case(name);
        if v.is_empty() || is("identity") {
            Coding::Identity
        } else if is("gzip") || is("x-gzip") {
            Coding::Gzip
        } else if is("deflate") {
            Coding::Deflate
        } else if is("br") {
            Coding::Brotli
        } else if is("zstd") {
            Coding::Zstd
        } else {
            Coding::Other(v.to_ascii_lowercase())
        }
    }

    pub(crate) fn decodes(&self) -> bool {
        !matches!(self, Coding::Identity | Coding::Other(_))
    }
}

pub(crate) struct BodyOutcome {
    pub body: Vec<u8>,
    /// More data was available than `max` decoded bytes.
    pub over_cap: bool,
    pub error: Option<HttpError>,
    /// Body bytes as received, before decoding.
    pub wire_bytes: u64,
}

/// `fut`'s output, or `None` once `sleep` (the hop's deadline) has fired. Unlike `timeout_at`, the
/// caller's one timer is reused for every wait of a hop (head and each body chunk), so a hop arms
/// the timer wheel once.
pub(crate) async fn until<F: Future>(mut sleep: Pin<&mut Sleep>, fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(v));
        }
        if sleep.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        std::task::Poll::Pending
    })
    .await
}

pub(crate) async fn read_body(
    response: Response,
    coding: &Coding,
    max: usize,
    mut sleep: Pin<&mut Sleep>,
) -> BodyOutcome {
    let hint = response
        .content_length()
        .map(|n| n.min(max as u64) as usize)
        .unwrap_or(0)
        .min(1024 * 1024);
    if !coding.decodes() {
        return read_plain(response, max, sleep, hint).await;
    }
    let wire = Arc::new(AtomicU64::new(0));
    let counter = wire.clone();
    let stream = response.into_stream().map(move |r| match r {
        Ok(b) => {
            counter.fetch_add(b.len() as u64, Ordering::Relaxed);
            Ok(b)
        }
        Err(e) => Err(io::Error::other(e)),
    });
    let raw = StreamReader::new(Box::pin(stream));
    let mut reader: Pin<Box<dyn AsyncRead + Send>> = match coding {
        Coding::Gzip => Box::pin(GzipDecoder::new(raw)),
        Coding::Deflate => Box::pin(ZlibDecoder::new(raw)),
        Coding::Brotli => Box::pin(BrotliDecoder::new(raw)),
        Coding::Zstd => Box::pin(ZstdDecoder::new(raw)),
        Coding::Identity | Coding::Other(_) => Box::pin(raw),
    };
    let mut body: Vec<u8> = Vec::with_capacity(hint);
    let mut buf = vec![0u8; 16 * 1024];
    let mut over_cap = false;
    let mut error = None;
    loop {
        match until(sleep.as_mut(), reader.read(&mut buf)).await {
            None => {
                error = Some(HttpError::Timeout);
                break;
            }
            Some(Ok(0)) => break,
            Some(Ok(n)) => {
                let room = max - body.len();
                if n > room {
                    body.extend_from_slice(&buf[..room]);
                    over_cap = true;
                    break;
                }
                body.extend_from_slice(&buf[..n]);
            }
            Some(Err(e)) => {
                let wire_so_far = wire.load(Ordering::Relaxed);
                // An empty body with a Content-Encoding header is not an error worth reporting.
                if !(coding.decodes() && wire_so_far == 0 && body.is_empty()) {
                    error = Some(classify_io(&e, coding));
                }
                break;
            }
        }
    }
    drop(reader);
    BodyOutcome {
        body,
        over_cap,
        error,
        wire_bytes: wire.load(Ordering::Relaxed),
    }
}

/// The data chunks of a body: hyper's `Incoming` polled directly for plain http (no boxed stream
/// per response), reqwest's stream otherwise.
enum Chunks {
    Plain(hyper::body::Incoming),
    Other(Pin<Box<dyn futures_util::Stream<Item = Result<bytes::Bytes, BodyError>> + Send>>),
}

impl Chunks {
    fn of(response: Response) -> Chunks {
        match response {
            Response::Plain(r) => Chunks::Plain(r.into_body()),
            other => Chunks::Other(other.into_stream()),
        }
    }

    /// The next data chunk (trailers are skipped, as `into_data_stream` does).
    async fn next(&mut self) -> Option<Result<bytes::Bytes, BodyError>> {
        use http_body_util::BodyExt;
        match self {
            Chunks::Plain(body) => loop {
                match body.frame().await? {
                    Err(e) => return Some(Err(BodyError::Plain(e))),
                    Ok(frame) => {
                        if let Ok(data) = frame.into_data() {
                            return Some(Ok(data));
                        }
                    }
                }
            },
            Chunks::Other(stream) => stream.next().await,
        }
    }
}

/// No decoding: take the chunks as they come, without an intermediate buffer.
async fn read_plain(
    response: Response,
    max: usize,
    mut sleep: Pin<&mut Sleep>,
    hint: usize,
) -> BodyOutcome {
    let mut stream = Chunks::of(response);
    let mut body: Vec<u8> = Vec::with_capacity(hint);
    let mut over_cap = false;
    let mut error = None;
    let mut wire = 0u64;
    loop {
        match until(sleep.as_mut(), stream.next()).await {
            None => {
                error = Some(HttpError::Timeout);
                break;
            }
            Some(None) => break,
            Some(Some(Err(e))) => {
                error = Some(e.classify());
                break;
            }
            Some(Some(Ok(chunk))) => {
                wire += chunk.len() as u64;
                let room = max - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    over_cap = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    BodyOutcome {
        body,
        over_cap,
        error,
        wire_bytes: wire,
    }
}

fn classify_io(e: &io::Error, coding: &Coding) -> HttpError {
    if let Some(inner) = e.get_ref()
        && let Some(r) = inner.downcast_ref::<BodyError>()
    {
        return r.classify();
    }
    match e.kind() {
        io::ErrorKind::TimedOut => HttpError::Timeout,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => HttpError::ConnectionReset,
        _ if coding.decodes() => {
            HttpError::Protocol(format!("invalid {} encoded body: {e}", coding.name()))
        }
        _ => HttpError::Protocol(e.to_string()),
    }
}

impl Coding {
    pub(crate) fn name(&self) -> &str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
            Coding::Zstd => "zstd",
            Coding::Other(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Coding;

    #[test]
    fn coding_from_header() {
        let c = |v: &str| Coding::from_header(Some(v));
        assert_eq!(Coding::from_header(None), Coding::Identity);
        assert_eq!(c(" "), Coding::Identity);
        assert_eq!(c("Identity"), Coding::Identity);
        assert_eq!(c(" GZIP "), Coding::Gzip);
        assert_eq!(c("x-gzip"), Coding::Gzip);
        assert_eq!(c("Deflate"), Coding::Deflate);
        assert_eq!(c("BR"), Coding::Brotli);
        assert_eq!(c("zstd"), Coding::Zstd);
        assert_eq!(c("gzip, br"), Coding::Other("gzip, br".to_string()));
        assert_eq!(c(" X-Custom "), Coding::Other("x-custom".to_string()));
    }
}
