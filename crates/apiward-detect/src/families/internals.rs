//! Leaked internals: stack traces, SQL and AWS/DynamoDB errors, server versions, environment dumps,
//! typed DynamoDB values. Most are descriptors reported once per document.

use crate::context::{Classified, KeyedValue, digits_only};
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;

pub(crate) const DDB_EXCEPTIONS: &[&[u8]] = &[
    b"ConditionalCheckFailedException",
    b"ProvisionedThroughputExceededException",
    b"ResourceNotFoundException",
    b"ResourceInUseException",
    b"TransactionCanceledException",
    b"TransactionConflictException",
    b"TransactionInProgressException",
    b"ItemCollectionSizeLimitExceededException",
    b"RequestLimitExceeded",
    b"ValidationException",
    b"AccessDeniedException",
    b"UnrecognizedClientException",
    b"IncompleteSignatureException",
    b"MissingAuthenticationTokenException",
    b"LimitExceededException",
    b"ThrottlingException",
    b"InternalServerError",
    b"DuplicateItemException",
    b"IdempotentParameterMismatchException",
    b"ReplicatedWriteConflictException",
    b"ExpiredTokenException",
];

impl Scanner<'_, '_, '_> {
    pub(crate) fn attr_value(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let p = e;
        let p = p + run_fwd(input, p, 4, |c| c == b' ');
        if !matches!(at(input, p), b'"' | b'\'') {
            return None;
        }
        self.emit(
            DataType::DynamodbAttributeValue,
            s..e,
            Confidence::Firm,
            false,
            None,
        );
        Some(e)
    }

    pub(crate) fn traceback(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if !starts(input, e, b" (most recent call last)") {
            return None;
        }
        self.stack_trace(s..e + 24, "Python traceback");
        Some(e + 24)
    }

    pub(crate) fn starlette(&mut self, s: usize, e: usize) -> Option<usize> {
        self.stack_trace(s..e, "Starlette debug page");
        Some(e)
    }

    pub(crate) fn java_frame(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        // (File.java:123)
        let n = run_fwd(input, e, 7, |c| c.is_ascii_digit());
        if n == 0 || at(input, e + n) != b')' {
            return None;
        }
        let line_start = s.saturating_sub(300);
        find_in(input, line_start, s, b"at ")?;
        self.stack_trace(s..e + n + 1, "Java stack trace");
        Some(e + n)
    }

    pub(crate) fn java_thread(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if !starts(input, e, b" \"") && !starts(input, e, b" \\\"") {
            return None;
        }
        self.stack_trace(s..e, "Java stack trace");
        Some(e)
    }

    pub(crate) fn dotnet_frame(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if !at(input, e).is_ascii_digit() {
            return None;
        }
        self.stack_trace(s..e + 1, ".NET stack trace");
        Some(e)
    }

    pub(crate) fn node_frame(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n1 = run_fwd(input, e, 7, |c| c.is_ascii_digit());
        if n1 == 0 || at(input, e + n1) != b':' {
            return None;
        }
        let n2 = run_fwd(input, e + n1 + 1, 7, |c| c.is_ascii_digit());
        if n2 == 0 {
            return None;
        }
        let back = s.saturating_sub(300);
        let at_pos = find_in(input, back, s, b"at ")?;
        // the frame must be on one line: no newline between `at ` and the file
        if find_in(input, at_pos, s, b"\n").is_some() || find_in(input, at_pos, s, b"\\n").is_some()
        {
            return None;
        }
        let end = e + n1 + 1 + n2;
        self.stack_trace(s..end, "Node.js stack trace");
        Some(end)
    }

    pub(crate) fn php_error(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_alnum(at(input, e)) {
            return None;
        }
        let ok = starts(input, e, b" on line ")
            || (at(input, e) == b'(' && at(input, e + 1).is_ascii_digit())
            || (at(input, e) == b':' && at(input, e + 1).is_ascii_digit());
        if !ok {
            return None;
        }
        self.stack_trace(s..e + 1, "PHP error");
        Some(e)
    }

    pub(crate) fn ruby_frame(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n = run_fwd(input, e, 7, |c| c.is_ascii_digit());
        if n == 0 || !(starts(input, e + n, b":in `") || starts(input, e + n, b":in '")) {
            return None;
        }
        self.stack_trace(s..e + n, "Ruby backtrace");
        Some(e + n)
    }

    pub(crate) fn goroutine(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n = run_fwd(input, e, 12, |c| c.is_ascii_digit());
        if n == 0 || !starts(input, e + n, b" [") {
            return None;
        }
        self.stack_trace(s..e + n, "Go panic");
        Some(e + n)
    }

    pub(crate) fn go_frame(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n = run_fwd(input, e, 7, |c| c.is_ascii_digit());
        if n == 0 || is_alnum(at(input, e + n)) {
            return None;
        }
        // a path before: `/app/main.go:42`
        let back = run_back(input, s, 200, |c| {
            is_alnum(c) || matches!(c, b'/' | b'_' | b'-' | b'.')
        });
        if back == 0 || !input[s - back..s].contains(&b'/') {
            return None;
        }
        self.emit(
            DataType::StackTrace,
            s - back..e + n,
            Confidence::Firm,
            false,
            Some("Go stack trace".into()),
        );
        Some(e + n)
    }

    pub(crate) fn stack_trace_word(&mut self, s: usize, e: usize) -> Option<usize> {
        self.emit(
            DataType::StackTrace,
            s..e,
            Confidence::Firm,
            false,
            Some("stack trace".into()),
        );
        Some(e)
    }

    pub(crate) fn sql_error(&mut self, engine: &'static str, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let lit = &input[s..e];
        if lit == b"ORA-" {
            let n = run_fwd(input, e, 6, |c| c.is_ascii_digit());
            if n != 5 || at(input, e + n) != b':' {
                return None;
            }
        }
        if lit == b"sqlite3."
            && !(starts(input, e, b"Operational")
                || starts(input, e, b"Integrity")
                || starts(input, e, b"Programming")
                || starts(input, e, b"DatabaseError"))
        {
            return None;
        }
        if lit == b"SQLSTATE" && !matches!(at(input, e), b'[' | b' ' | b'=' | b':') {
            return None;
        }
        if lit == b"PrismaClient"
            && !starts(input, e, b"KnownRequestError")
            && !starts(input, e, b"UnknownRequestError")
            && !starts(input, e, b"ValidationError")
        {
            return None;
        }
        if lit == b"violates "
            && !(starts(input, e, b"unique constraint")
                || starts(input, e, b"foreign key constraint")
                || starts(input, e, b"not-null constraint")
                || starts(input, e, b"check constraint"))
        {
            return None;
        }
        if is_alnum(before(input, s)) && lit != b"SQLException" {
            return None;
        }
        self.emit(
            DataType::SqlError,
            s..e,
            Confidence::Certain,
            false,
            Some(engine.into()),
        );
        Some(e)
    }

    pub(crate) fn botocore(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n = run_fwd(input, e, 80, |c| is_alnum(c) || c == b'.');
        if n == 0 || at(input, e + n) != b')' {
            return None;
        }
        let code = lossy(&input[e..e + n]);
        let p = e + n + 1;
        if !starts(input, p, b" when calling the ") {
            return None;
        }
        let q = p + 18;
        let m = run_fwd(input, q, 80, is_alnum);
        if m == 0 || !starts(input, q + m, b" operation") {
            return None;
        }
        let op = lossy(&input[q..q + m]);
        let end = q + m + 10;
        self.emit(
            DataType::BotocoreError,
            s..end,
            Confidence::Certain,
            false,
            Some(format!("{code} in {op}")),
        );
        Some(end)
    }

    pub(crate) fn ddb_wire(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n = run_fwd(input, e, 40, |c| is_alnum(c) || c == b'.');
        let p = e + n;
        if at(input, p) != b'#' {
            return None;
        }
        let m = run_fwd(input, p + 1, 80, is_alnum);
        if m == 0 {
            return None;
        }
        let code = lossy(&input[p + 1..p + 1 + m]);
        self.emit(
            DataType::DynamodbException,
            s..p + 1 + m,
            Confidence::Certain,
            false,
            Some(code),
        );
        Some(p + 1 + m)
    }

    pub(crate) fn exception(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let back = run_back(input, s, 60, |c| c.is_ascii_alphabetic());
        let name = &input[s - back..e];
        if is_alnum(at(input, e)) || is_alnum(before(input, s - back)) {
            return None;
        }
        if DDB_EXCEPTIONS.contains(&name) {
            self.emit(
                DataType::DynamodbException,
                s - back..e,
                Confidence::Firm,
                false,
                Some(lossy(name)),
            );
            return Some(e);
        }
        None
    }

    pub(crate) fn ddb_message(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let mut n = e - s;
        if &input[s..e] == b"Invalid " {
            let w = run_fwd(input, e, 40, |c| c.is_ascii_alphabetic());
            if !input[e..e + w].ends_with(b"Expression") {
                return None;
            }
            n += w;
        }
        self.emit(
            DataType::DynamodbException,
            s..s + n,
            Confidence::Firm,
            false,
            Some(lossy(&input[s..s + n])),
        );
        Some(e)
    }

    pub(crate) fn server_version(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let n = run_fwd(input, e, 24, |c| c.is_ascii_digit() || c == b'.');
        if n == 0 || !at(input, e).is_ascii_digit() {
            return None;
        }
        let back = run_back(input, s, 20, |c| is_alnum(c) || c == b'-');
        if back > 0 && &input[s..e] != b"Tomcat/" {
            return None;
        }
        let v = lossy(&input[s..e + n]);
        self.emit(
            DataType::ServerVersion,
            s..e + n,
            Confidence::Firm,
            false,
            Some(v),
        );
        Some(e + n)
    }

    pub(crate) fn env_var(&mut self, specific: bool, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let lit = &input[s..e];
        if lit == b"PATH" {
            // LD_LIBRARY_PATH / PYTHONPATH are specific; PATH= / "PATH": / 'PATH': count
            let back = run_back(input, s, 16, |c| c.is_ascii_uppercase() || c == b'_');
            let name = &input[s - back..e];
            let sep_ok = matches!(at(input, e), b'=')
                || (matches!(at(input, e), b'"' | b'\'') && at(input, e + 1) == b':');
            if !sep_ok || is_word(before(input, s - back)) {
                return None;
            }
            let specific = name == b"LD_LIBRARY_PATH" || name == b"PYTHONPATH";
            if !specific && back > 0 {
                return None;
            }
            if !specific && at(input, e) == b'=' && at(input, e + 1) != b'/' {
                return None;
            }
            if !specific
                && matches!(at(input, e), b'"' | b'\'')
                && !matches!(before(input, s), b'"' | b'\'')
            {
                return None;
            }
            self.env_hits = self.env_hits.saturating_add(1);
            if specific || self.env_hits >= 2 {
                self.emit(
                    DataType::EnvDump,
                    s - back..e,
                    Confidence::Firm,
                    false,
                    None,
                );
            }
            return Some(e);
        }
        if lit == b"HOME" {
            let eq = at(input, e) == b'=' && at(input, e + 1) == b'/';
            let js = matches!(at(input, e), b'"' | b'\'')
                && at(input, e + 1) == b':'
                && matches!(before(input, s), b'"' | b'\'');
            if !(eq || js) || is_word(before(input, s)) && !matches!(before(input, s), b'"' | b'\'')
            {
                return None;
            }
            if is_word(before(input, s)) {
                return None;
            }
        }
        let b = before(input, s);
        if is_word(b) {
            return None;
        }
        if specific && is_word(at(input, e)) && !input[s..e].starts_with(b"AWS_LAMBDA") {
            return None;
        }
        self.env_hits = self.env_hits.saturating_add(1);
        if specific || self.env_hits >= 2 {
            self.emit(DataType::EnvDump, s..e, Confidence::Firm, false, None);
        }
        Some(e)
    }

    pub(crate) fn arn_at(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        if is_alnum(before(input, s)) {
            return None;
        }
        let mut p = e;
        if starts(input, p, b"-cn") {
            p += 3;
        } else if starts(input, p, b"-us-gov") {
            p += 7;
        }
        if at(input, p) != b':' {
            return None;
        }
        p += 1;
        let svc = run_fwd(input, p, 40, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
        });
        if svc == 0 || at(input, p + svc) != b':' {
            return None;
        }
        let service = lossy(&input[p..p + svc]);
        p += svc + 1;
        let reg = run_fwd(input, p, 30, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
        });
        if at(input, p + reg) != b':' {
            return None;
        }
        p += reg + 1;
        let acct = run_fwd(input, p, 13, |c| c.is_ascii_digit());
        if !(acct == 12 || acct == 0 || starts(input, p, b"aws:"))
            || (acct == 0 && !starts(input, p, b":") && !starts(input, p, b"aws:"))
        {
            return None;
        }
        let acct_len = if starts(input, p, b"aws:") { 3 } else { acct };
        if at(input, p + acct_len) != b':' {
            return None;
        }
        p += acct_len + 1;
        let res = run_fwd(input, p, 512, |c| {
            is_alnum(c)
                || matches!(
                    c,
                    b'_' | b'/' | b':' | b'.' | b'+' | b'=' | b'@' | b'*' | b'-' | b','
                )
        });
        if res == 0 {
            return None;
        }
        let mut end = p + res;
        while end > p && matches!(input[end - 1], b'.' | b',' | b':') {
            end -= 1;
        }
        let kind: String = lossy(&input[p..end])
            .split(['/', ':'])
            .next()
            .unwrap_or("")
            .chars()
            .take(32)
            .collect();
        let example = acct == 12
            && (&input[p - 13..p - 1] == b"123456789012"
                || &input[p - 13..p - 1] == b"111122223333");
        let detail = if acct == 12 {
            let a = lossy(&input[p - 13..p - 1]);
            format!("{service} {kind}, account ********{}", &a[8..])
        } else {
            format!("{service} {kind}")
        };
        self.emit(
            DataType::AwsArn,
            s..end,
            Confidence::Certain,
            example,
            Some(detail),
        );
        Some(end)
    }

    pub(crate) fn internal_host(&mut self, s: usize, e: usize) -> Option<usize> {
        let input = self.input;
        let next = at(input, e);
        if is_alnum(next) || next == b'-' || next == b'_' {
            return None;
        }
        if next == b'.' && is_alnum(at(input, e + 1)) {
            return None;
        }
        let hc = |c: u8| is_alnum(c) || c == b'-' || c == b'.';
        let back = run_back(input, s, 200, hc);
        if back == 0 || back == 200 {
            return None;
        }
        let start = s - back;
        if before(input, start) == b'@'
            || before(input, start) == b'/' && before(input, start.saturating_sub(1)) != b'/'
        {
            return None;
        }
        let host = &input[start..e];
        if host[0] == b'.' || host[0] == b'-' || host.windows(2).any(|w| w == b"..") {
            return None;
        }
        // a Java/Python package path like `com.foo.internal` is not a host
        let first_label = host.split(|&c| c == b'.').next().unwrap_or(b"");
        if matches!(
            first_label,
            b"com"
                | b"org"
                | b"net"
                | b"io"
                | b"java"
                | b"javax"
                | b"sun"
                | b"jdk"
                | b"android"
                | b"self"
                | b"this"
                | b"window"
                | b"os"
                | b"settings"
                | b"config"
        ) {
            return None;
        }
        if !host.iter().any(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        self.emit(
            DataType::InternalHostname,
            start..e,
            Confidence::Firm,
            false,
            None,
        );
        Some(e)
    }

    /// A stack trace or framework error page, named by its flavour (`Java stack trace`).
    pub(crate) fn stack_trace(&mut self, span: std::ops::Range<usize>, flavour: &str) {
        self.emit(
            DataType::StackTrace,
            span,
            Confidence::Certain,
            false,
            Some(flavour.into()),
        );
    }
}

// ---------------------------------------------------------------- values under a key

/// The value under a `AwsAccountId`-type key.
pub(crate) fn aws_account_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    let (_, n) = digits_only(v, b"")?;
    if n == 12 {
        let ex = v == b"123456789012" || v == b"111122223333";
        return cv.mk(AwsAccountId, Confidence::Firm, ex, None);
    }
    None
}

/// The value under a `StackTrace`-type key.
pub(crate) fn stack_trace_value(cv: &KeyedValue) -> Option<Classified> {
    use DataType::*;
    let v = cv.v;
    if !cv.is_str || v.len() < 40 {
        return None;
    }
    let nl = memchr::memmem::find_iter(v, b"\\n").count() + memchr::memchr_iter(b'\n', v).count();
    let frames = memchr::memmem::find_iter(v, b"at ").count()
        + memchr::memmem::find_iter(v, b"File ").count()
        + memchr::memmem::find_iter(v, b"line ").count();
    if nl >= 2 && frames >= 2 {
        return cv.mk(
            StackTrace,
            Confidence::Firm,
            false,
            Some("stack trace in a field".into()),
        );
    }
    None
}
