//! URLs: database and service URLs with credentials, credentials in any URL.

use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::validate::*;

impl Scanner<'_, '_, '_> {
    pub(crate) fn url_at(&mut self, s: usize) -> Option<usize> {
        let input = self.input;
        let sl = run_back(input, s, 24, |c| {
            c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')
        });
        if sl == 0 {
            return None;
        }
        let start = s - sl;
        if !input[start].is_ascii_alphabetic() {
            return None;
        }
        let scheme = &input[start..s];
        let a = s + 3;
        let stop = |c: u8| {
            !(c.is_ascii_graphic())
                || matches!(
                    c,
                    b'/' | b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`' | b'|' | b'{' | b'}'
                )
        };
        let mut alen = run_fwd(input, a, 512, |c| !stop(c));
        // `?`/`#` end the authority unless an `@` follows (an unencoded `#` in a password)
        let raw = &input[a..a + alen];
        let has_at = memchr::memchr(b'@', raw).is_some();
        // fast exit for the common case: a plain web URL without credentials
        if !has_at && matches!(scheme, b"https" | b"http" | b"HTTPS" | b"HTTP") {
            return None;
        }
        if !has_at && let Some(q) = memchr::memchr2(b'?', b'#', raw) {
            alen = q;
        }
        let authority = &input[a..a + alen];
        let mut lower = [0u8; 24];
        for (i, c) in scheme.iter().enumerate().take(24) {
            lower[i] = c.to_ascii_lowercase();
        }
        let scheme_l = &lower[..scheme.len().min(24)];
        let is_db = matches!(
            scheme_l,
            b"postgres"
                | b"postgresql"
                | b"mysql"
                | b"mariadb"
                | b"mongodb"
                | b"mongodb+srv"
                | b"redis"
                | b"rediss"
                | b"amqp"
                | b"amqps"
                | b"mssql"
                | b"sqlserver"
                | b"oracle"
                | b"cockroachdb"
                | b"clickhouse"
                | b"cassandra"
                | b"couchbase"
                | b"postgresql+psycopg2"
                | b"postgresql+asyncpg"
                | b"mysql+pymysql"
                | b"neo4j"
                | b"memcached"
                | b"elasticsearch"
                | b"sqlite"
        );
        let at_pos = memchr::memrchr(b'@', authority);
        let creds = at_pos.and_then(|p| {
            let ui = &authority[..p];
            let c = memchr::memchr(b':', ui)?;
            let user = &ui[..c];
            let pw = &ui[c + 1..];
            if pw.is_empty() || user.contains(&b'/') {
                return None;
            }
            Some((user, pw))
        });
        if !is_db && creds.is_none() {
            return None;
        }
        if alen == 0 {
            return None;
        }
        // URL end: continue over path/query
        let tail = run_fwd(input, a + alen, 2048, |c| {
            c.is_ascii_graphic() && !matches!(c, b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`')
        });
        let end = a + alen + tail;
        let example = match creds {
            Some((u, pw)) => {
                is_placeholder(pw)
                    || pw.starts_with(b"<")
                    || pw.starts_with(b"$")
                    || matches!(
                        pw,
                        b"pass" | b"pwd" | b"password" | b"secret" | b"***" | b"xxx"
                    )
                    || u.is_empty() && pw.len() < 2
            }
            None => false,
        };
        let host_start = at_pos.map(|p| p + 1).unwrap_or(0);
        let host = lossy(&authority[host_start..]);
        if is_db {
            let (conf, what) = if creds.is_some() {
                (Confidence::Certain, "with credentials")
            } else {
                (Confidence::Firm, "no credentials")
            };
            let detail = format!("{} {}, host {}", lossy(scheme), what, clip(&host, 60));
            self.emit(
                DataType::DatabaseUrl,
                start..end,
                conf,
                example,
                Some(detail),
            );
        } else {
            let detail = format!(
                "{} URL with password, host {}",
                lossy(scheme),
                clip(&host, 60)
            );
            self.emit(
                DataType::UrlCredentials,
                start..end,
                Confidence::Certain,
                example,
                Some(detail),
            );
        }
        Some(end)
    }
}
