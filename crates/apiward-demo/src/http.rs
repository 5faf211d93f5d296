//! A small, defensive HTTP/1.1 request parser and response writer.
//!
//! The parser works on the connection's read buffer and either returns a
//! complete request (and how many bytes it used), asks for more bytes, or
//! rejects the input with a status code after which the connection closes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

pub const MAX_HEADER_BYTES: usize = 16 * 1024;
pub const MAX_BODY_BYTES: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;

#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// Percent-decoded path.
    pub path: String,
    /// Raw query string (without `?`).
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
    /// HTTP/1.0 request (needs an explicit `connection: keep-alive`).
    pub http10: bool,
    /// Raw request head, for TRACE.
    pub head: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// First value of query parameter `name`, decoded (`+` → space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true) == name).then(|| percent_decode(v, true))
        })
    }
}

#[derive(Debug)]
pub enum Parse {
    Complete(Box<Request>, usize),
    /// Need more bytes; `expect_continue` is true when the head is complete,
    /// the body is not, and the client asked for `100 Continue`.
    Partial {
        expect_continue: bool,
    },
    Error(u16),
}

pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = (b[i + 1] as char).to_digit(16);
                let l = (b[i + 2] as char).to_digit(16);
                if let (Some(h), Some(l)) = (h, l) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn find_head_end(buf: &[u8]) -> Option<(usize, usize)> {
    // Returns (end of head content, start of body). Accepts CRLF or bare LF.
    let mut i = 0;
    while let Some(p) = buf[i..].iter().position(|&c| c == b'\n') {
        let nl = i + p;
        let next = nl + 1;
        if buf.get(next) == Some(&b'\n') {
            return Some((nl, next + 1));
        }
        if buf.get(next) == Some(&b'\r') && buf.get(next + 1) == Some(&b'\n') {
            return Some((nl, next + 2));
        }
        i = next;
    }
    None
}

pub fn parse(buf: &[u8]) -> Parse {
    // Tolerate empty lines before the request line (RFC 9112 §2.2).
    let lead = buf
        .iter()
        .take_while(|&&c| c == b'\r' || c == b'\n')
        .count();
    let buf_all = buf;
    let buf = &buf[lead..];
    let Some((head_end, body_start)) = find_head_end(buf) else {
        if buf.len() > MAX_HEADER_BYTES {
            return Parse::Error(431);
        }
        // Reject obviously non-HTTP input early (binary junk on the request line).
        let line_end = buf.iter().position(|&c| c == b'\n').unwrap_or(buf.len());
        if buf[..line_end]
            .iter()
            .any(|&c| c < 0x20 && c != b'\r' && c != b'\t' || c == 0x7f)
        {
            return Parse::Error(400);
        }
        return Parse::Partial {
            expect_continue: false,
        };
    };
    if body_start > MAX_HEADER_BYTES {
        return Parse::Error(431);
    }
    let head = &buf[..head_end];
    let mut lines = head
        .split(|&c| c == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let Some(request_line) = lines.next() else {
        return Parse::Error(400);
    };
    let mut parts = request_line.split(|&c| c == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Parse::Error(400);
    };
    if method.is_empty() || method.len() > 20 || !method.iter().all(|&c| is_tchar(c)) {
        return Parse::Error(400);
    }
    let http10 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        v if v.starts_with(b"HTTP/") => return Parse::Error(505),
        _ => return Parse::Error(400),
    };
    if target.is_empty() || target.iter().any(|&c| c <= 0x20 || c == 0x7f) {
        return Parse::Error(400);
    }
    let Ok(target) = std::str::from_utf8(target) else {
        return Parse::Error(400);
    };
    let method = String::from_utf8_lossy(method).into_owned();
    let origin_form = if target.starts_with('/') {
        target
    } else if target == "*" && method == "OPTIONS" {
        "*"
    } else if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        match rest.find(['/', '?']) {
            Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
            _ => "/",
        }
    } else {
        return Parse::Error(400);
    };
    let (raw_path, query) = origin_form.split_once('?').unwrap_or((origin_form, ""));
    let query = query.split('#').next().unwrap_or("");

    let mut headers = Vec::new();
    let mut content_length: Option<usize> = None;
    let mut chunked = false;
    let mut conn_close = false;
    let mut conn_keep_alive = false;
    let mut expect_continue = false;
    for line in lines {
        if line.first().is_some_and(|&c| c == b' ' || c == b'\t') {
            return Parse::Error(400); // obsolete line folding
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            return Parse::Error(400);
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if name.is_empty() || !name.iter().all(|&c| is_tchar(c)) {
            return Parse::Error(400);
        }
        if value.iter().any(|&c| c == 0 || c == b'\r') {
            return Parse::Error(400);
        }
        if headers.len() >= MAX_HEADERS {
            return Parse::Error(431);
        }
        let name = String::from_utf8_lossy(name).into_owned();
        let value = String::from_utf8_lossy(value).trim().to_string();
        if name.eq_ignore_ascii_case("content-length") {
            if value.is_empty() || !value.bytes().all(|c| c.is_ascii_digit()) || value.len() > 12 {
                return Parse::Error(400);
            }
            let n: usize = value.parse().unwrap_or(usize::MAX);
            if content_length.is_some_and(|c| c != n) {
                return Parse::Error(400);
            }
            content_length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            if value.eq_ignore_ascii_case("chunked") {
                chunked = true;
            } else {
                return Parse::Error(501);
            }
        } else if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',') {
                let t = token.trim();
                conn_close |= t.eq_ignore_ascii_case("close");
                conn_keep_alive |= t.eq_ignore_ascii_case("keep-alive");
            }
        } else if name.eq_ignore_ascii_case("expect") {
            if value.eq_ignore_ascii_case("100-continue") {
                expect_continue = true;
            } else {
                return Parse::Error(417);
            }
        }
        headers.push((name, value));
    }
    if chunked && content_length.is_some() {
        return Parse::Error(400);
    }
    let keep_alive = if http10 {
        conn_keep_alive && !conn_close
    } else {
        !conn_close
    };

    let rest = &buf[body_start..];
    let (body, body_len) = if chunked {
        match decode_chunked(rest) {
            Chunked::Done(body, used) => (body, used),
            Chunked::Partial => return Parse::Partial { expect_continue },
            Chunked::TooLarge => return Parse::Error(413),
            Chunked::Invalid => return Parse::Error(400),
        }
    } else {
        let n = content_length.unwrap_or(0);
        if n > MAX_BODY_BYTES {
            return Parse::Error(413);
        }
        if rest.len() < n {
            return Parse::Partial { expect_continue };
        }
        (rest[..n].to_vec(), n)
    };
    let consumed = lead + body_start + body_len;
    debug_assert!(consumed <= buf_all.len());
    Parse::Complete(
        Box::new(Request {
            path: percent_decode(raw_path, false),
            query: query.to_string(),
            method,
            headers,
            body,
            keep_alive,
            http10,
            head: buf[..head_end].to_vec(),
        }),
        consumed,
    )
}

enum Chunked {
    Done(Vec<u8>, usize),
    Partial,
    TooLarge,
    Invalid,
}

fn decode_chunked(buf: &[u8]) -> Chunked {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let Some(nl) = buf[pos..].iter().position(|&c| c == b'\n') else {
            return if buf.len() - pos > 1024 {
                Chunked::Invalid
            } else {
                Chunked::Partial
            };
        };
        let line = &buf[pos..pos + nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let size_part = line.split(|&c| c == b';').next().unwrap_or(b"");
        let size_str = std::str::from_utf8(size_part).unwrap_or("").trim();
        if size_str.is_empty() || size_str.len() > 8 {
            return Chunked::Invalid;
        }
        let Ok(size) = usize::from_str_radix(size_str, 16) else {
            return Chunked::Invalid;
        };
        pos += nl + 1;
        if size == 0 {
            // Trailers until an empty line.
            loop {
                let Some(nl) = buf[pos..].iter().position(|&c| c == b'\n') else {
                    return if buf.len() - pos > 4096 {
                        Chunked::Invalid
                    } else {
                        Chunked::Partial
                    };
                };
                let line = &buf[pos..pos + nl];
                pos += nl + 1;
                if line.is_empty() || line == b"\r" {
                    return Chunked::Done(body, pos);
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Chunked::TooLarge;
        }
        if buf.len() < pos + size + 2 {
            return Chunked::Partial;
        }
        body.extend_from_slice(&buf[pos..pos + size]);
        pos += size;
        match &buf[pos..pos + 2] {
            b"\r\n" => pos += 2,
            [b'\n', _] => pos += 1,
            _ => return Chunked::Invalid,
        }
    }
}

pub struct Response<'a> {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Cow<'a, [u8]>,
}

impl<'a> Response<'a> {
    pub fn json(status: u16, body: impl Into<Cow<'a, [u8]>>) -> Self {
        Response {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub fn with_type(
        status: u16,
        content_type: &'static str,
        body: impl Into<Cow<'a, [u8]>>,
    ) -> Self {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Request Entity Too Large",
        417 => "Expectation Failed",
        422 => "Unprocessable Entity",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

thread_local! {
    static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

/// IMF-fixdate for the current second, cached per thread.
fn with_date<R>(f: impl FnOnce(&str) -> R) -> R {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    DATE.with(|cell| {
        let mut c = cell.borrow_mut();
        if c.0 != now {
            *c = (now, http_date(now));
        }
        f(&c.1)
    })
}

pub fn http_date(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil-from-days (H. Hinnant).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Which `connection` header a response carries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ConnHeader {
    None,
    Close,
    KeepAlive,
}

/// Serialise `resp` onto `out`. `head_only` omits the body (HEAD) but keeps
/// its Content-Length.
pub fn write_response(
    out: &mut Vec<u8>,
    resp: &Response<'_>,
    head_only: bool,
    conn: ConnHeader,
    origin: Option<&str>,
) {
    use std::io::Write;
    let _ = write!(out, "HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    with_date(|d| {
        out.extend_from_slice(b"date: ");
        out.extend_from_slice(d.as_bytes());
        out.extend_from_slice(b"\r\n");
    });
    out.extend_from_slice(b"server: uvicorn\r\n");
    let _ = write!(out, "content-length: {}\r\n", resp.body.len());
    if !resp.content_type.is_empty() {
        out.extend_from_slice(b"content-type: ");
        out.extend_from_slice(resp.content_type.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    for (k, v) in &resp.headers {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        // Header values are built by us, but never let CR/LF through.
        out.extend(v.bytes().filter(|&c| c != b'\r' && c != b'\n'));
        out.extend_from_slice(b"\r\n");
    }
    if let Some(o) = origin {
        out.extend_from_slice(b"access-control-allow-origin: ");
        out.extend(o.bytes().filter(|&c| c != b'\r' && c != b'\n'));
        out.extend_from_slice(b"\r\naccess-control-allow-credentials: true\r\nvary: Origin\r\n");
    }
    match conn {
        ConnHeader::Close => out.extend_from_slice(b"connection: close\r\n"),
        ConnHeader::KeepAlive => out.extend_from_slice(b"connection: keep-alive\r\n"),
        ConnHeader::None => {}
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&resp.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(b: &[u8]) -> (Box<Request>, usize) {
        match parse(b) {
            Parse::Complete(r, n) => (r, n),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn simple_get() {
        let (r, n) = complete(b"GET /health?x=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /");
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/health");
        assert_eq!(r.query, "x=1");
        assert!(r.keep_alive);
        assert_eq!(n, 37);
    }

    #[test]
    fn partial_and_body() {
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nHost"),
            Parse::Partial { .. }
        ));
        let req = b"POST /x HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nab";
        assert!(matches!(
            parse(req),
            Parse::Partial {
                expect_continue: true
            }
        ));
        let (r, _) = complete(b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        assert_eq!(r.body, b"hello");
    }

    #[test]
    fn chunked_body() {
        let (r, n) = complete(
            b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\nNEXT",
        );
        assert_eq!(r.body, b"hello world");
        assert_eq!(n, 78);
    }

    #[test]
    fn rejects() {
        assert!(matches!(
            parse(b"\x16\x03\x01\x02\x00\x01\x00"),
            Parse::Error(400)
        ));
        assert!(matches!(
            parse(b"GET / HTTP/2.0\r\n\r\n"),
            Parse::Error(505)
        ));
        assert!(matches!(parse(b"GET /\r\n\r\n"), Parse::Error(400)));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
            Parse::Error(400)
        ));
        assert!(matches!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Parse::Error(400)
        ));
        assert!(matches!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"),
            Parse::Error(413)
        ));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(20_000));
        assert!(matches!(parse(big.as_bytes()), Parse::Error(431)));
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b+c%zz%", true), "a b c%zz%");
        assert_eq!(percent_decode("%41%4", false), "A%4");
        let (r, _) = complete(b"GET /v2/avatar?url=http%3A%2F%2Fx%2Fy&b=1 HTTP/1.0\r\n\r\n");
        assert_eq!(r.query_param("url").as_deref(), Some("http://x/y"));
        assert!(!r.keep_alive);
    }

    #[test]
    fn no_panic_on_prefixes_and_mutations() {
        let samples: [&[u8]; 3] = [
            b"POST /v2/chat?x=%41 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;e\r\nabcd\r\n0\r\nT: 1\r\n\r\n",
            b"GET http://h/p?q#f HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
            b"\r\n\nOPTIONS * HTTP/1.1\nOrigin: x\n\n",
        ];
        let mut rng = crate::data::Rng::new(7);
        for sample in samples {
            for end in 0..=sample.len() {
                let _ = parse(&sample[..end]);
            }
            for _ in 0..5_000 {
                let mut m = sample.to_vec();
                for _ in 0..rng.range(1, 4) {
                    let i = rng.range(0, m.len() as u64 - 1) as usize;
                    m[i] = rng.next_u64() as u8;
                }
                if let Parse::Complete(_, used) = parse(&m) {
                    assert!(used <= m.len());
                }
            }
        }
    }

    #[test]
    fn date_format() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
