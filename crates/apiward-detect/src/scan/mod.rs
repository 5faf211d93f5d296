//! The candidate pass and anchored confirmation.

use crate::keys::KeyClass;
use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::validate::*;
use crate::{Detector, Match, context};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    AwsKeyId,
    Github,
    GithubPat,
    Gitlab,
    Slack,
    SlackHook,
    Stripe,
    Google,
    Sendgrid,
    SkDash,
    Npm,
    Pem,
    Jwt,
    Url,
    Crypt,
    Traceback,
    Starlette,
    JavaFrame,
    JavaThread,
    DotNet,
    NodeFrame,
    Php,
    Ruby,
    Goroutine,
    GoFrame,
    StackTraceWord,
    Sql(&'static str),
    Botocore,
    DdbWire,
    Exception,
    DdbMessage,
    Arn,
    InternalHost,
    Server,
    Env(bool),
    SessionToken,
    AttrValue,
    MaskedPan,
}

/// Literal triggers. Every one is rare in ordinary JSON and case-sensitive, so the SIMD (Teddy)
/// prefilter stays on; they are split in groups of at most 48.
const LITERALS: &[(&str, Kind)] = &[
    ("AKIA", Kind::AwsKeyId),
    ("ASIA", Kind::AwsKeyId),
    ("ABIA", Kind::AwsKeyId),
    ("ACCA", Kind::AwsKeyId),
    ("ghp_", Kind::Github),
    ("gho_", Kind::Github),
    ("ghu_", Kind::Github),
    ("ghs_", Kind::Github),
    ("ghr_", Kind::Github),
    ("github_pat_", Kind::GithubPat),
    ("glpat-", Kind::Gitlab),
    ("xox", Kind::Slack),
    ("xapp-", Kind::Slack),
    ("hooks.slack.com/", Kind::SlackHook),
    ("k_live_", Kind::Stripe),
    ("k_test_", Kind::Stripe),
    ("AIza", Kind::Google),
    ("SG.", Kind::Sendgrid),
    ("sk-", Kind::SkDash),
    ("npm_", Kind::Npm),
    ("-----BEGIN", Kind::Pem),
    ("eyJ", Kind::Jwt),
    ("://", Kind::Url),
    ("$2a$", Kind::Crypt),
    ("$2b$", Kind::Crypt),
    ("$2y$", Kind::Crypt),
    ("$argon2", Kind::Crypt),
    ("pbkdf2_sha", Kind::Crypt),
    ("$6$", Kind::Crypt),
    ("$5$", Kind::Crypt),
    ("FwoGZXIvYXdz", Kind::SessionToken),
    ("IQoJb3JpZ2lu", Kind::SessionToken),
    ("arn:aws", Kind::Arn),
    ("****", Kind::MaskedPan),
    ("XXXX", Kind::MaskedPan),
    ("{\"S\":", Kind::AttrValue),
    ("{'S':", Kind::AttrValue),
    ("{\"N\":", Kind::AttrValue),
    ("{'N':", Kind::AttrValue),
    // internals
    ("Traceback", Kind::Traceback),
    ("Starlette Debugger", Kind::Starlette),
    (".java:", Kind::JavaFrame),
    ("Exception in thread", Kind::JavaThread),
    (".cs:line ", Kind::DotNet),
    (".js:", Kind::NodeFrame),
    (".php", Kind::Php),
    (".rb:", Kind::Ruby),
    ("goroutine ", Kind::Goroutine),
    (".go:", Kind::GoFrame),
    ("Stack trace:", Kind::StackTraceWord),
    ("SQL syntax", Kind::Sql("mysql")),
    ("SQLSTATE", Kind::Sql("sql")),
    ("ORA-", Kind::Sql("oracle")),
    ("psycopg2", Kind::Sql("postgresql")),
    ("sqlite3.", Kind::Sql("sqlite")),
    ("SQLException", Kind::Sql("jdbc")),
    ("sqlalchemy.exc", Kind::Sql("sqlalchemy")),
    ("syntax error at or near", Kind::Sql("postgresql")),
    ("Unclosed quotation mark", Kind::Sql("mssql")),
    ("PG::", Kind::Sql("postgresql")),
    ("org.hibernate", Kind::Sql("hibernate")),
    ("pymysql.err", Kind::Sql("mysql")),
    ("django.db.utils", Kind::Sql("django")),
    ("violates ", Kind::Sql("postgresql")),
    ("SequelizeDatabaseError", Kind::Sql("sequelize")),
    ("PrismaClient", Kind::Sql("prisma")),
    ("An error occurred (", Kind::Botocore),
    ("com.amazonaws.dynamodb", Kind::DdbWire),
    ("Exception", Kind::Exception),
    ("The provided key element does not match", Kind::DdbMessage),
    ("Requested resource not found", Kind::DdbMessage),
    ("Invalid ", Kind::DdbMessage),
    (".internal", Kind::InternalHost),
    (".local", Kind::InternalHost),
    (".corp", Kind::InternalHost),
    (".intranet", Kind::InternalHost),
    ("nginx/", Kind::Server),
    ("Apache/", Kind::Server),
    ("Microsoft-IIS/", Kind::Server),
    ("PHP/", Kind::Server),
    ("Werkzeug/", Kind::Server),
    ("gunicorn/", Kind::Server),
    ("Tomcat/", Kind::Server),
    ("Jetty(", Kind::Server),
    ("PATH", Kind::Env(false)),
    ("HOME", Kind::Env(false)),
    ("HOSTNAME=", Kind::Env(false)),
    ("KUBERNETES_SERVICE_HOST", Kind::Env(true)),
    ("AWS_LAMBDA_FUNCTION", Kind::Env(true)),
];

/// The literal triggers of the candidate pass (plus `@` for emails), for comparisons with other
/// tools (the benchmark feeds them to ripgrep).
pub fn candidate_literals() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = LITERALS.iter().map(|(p, _)| *p).collect();
    v.push("@");
    v
}

pub(crate) struct Literals {
    groups: Vec<(AhoCorasick, Vec<Kind>)>,
}

impl Literals {
    pub(crate) fn build() -> Literals {
        let mut groups = Vec::new();
        // Short (3-byte) triggers in their own small group so the others get 4-byte Teddy masks.
        // Three passes, each a SIMD (Teddy) search: 3-byte triggers; rare 4+-byte secret prefixes (slim,
        // at most 32); internals (4+ bytes, at most 64).
        let secretish = |p: &str, k: Kind| {
            p.len() <= 3
                || matches!(
                    k,
                    Kind::AwsKeyId
                        | Kind::Github
                        | Kind::GithubPat
                        | Kind::Gitlab
                        | Kind::Slack
                        | Kind::SlackHook
                        | Kind::Stripe
                        | Kind::Google
                        | Kind::Npm
                        | Kind::Pem
                        | Kind::Crypt
                        | Kind::SessionToken
                )
        };
        let short: Vec<(&str, Kind)> = LITERALS
            .iter()
            .copied()
            .filter(|&(p, _)| p.len() <= 3)
            .collect();
        let first: Vec<(&str, Kind)> = LITERALS
            .iter()
            .copied()
            .filter(|&(p, k)| p.len() > 3 && secretish(p, k))
            .collect();
        let second: Vec<(&str, Kind)> = LITERALS
            .iter()
            .copied()
            .filter(|&(p, k)| !secretish(p, k))
            .collect();
        for chunk in [&short[..], &first[..], &second[..]] {
            let pats: Vec<&str> = chunk.iter().map(|(p, _)| *p).collect();
            let kinds: Vec<Kind> = chunk.iter().map(|(_, k)| *k).collect();
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&pats)
                .or_else(|_| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostFirst)
                        .build(&pats)
                });
            if let Ok(ac) = ac {
                groups.push((ac, kinds));
            }
        }
        Literals { groups }
    }
}

pub(crate) struct Scanner<'d, 'a, 'o> {
    pub(crate) det: &'d Detector,
    pub(crate) input: &'a [u8],
    pub(crate) out: &'o mut Vec<Match>,
    pub(crate) base: usize,
    pub(crate) seen: u64,
    pub(crate) json_error_at: usize,
    pub(crate) env_hits: u8,
    pub(crate) full: bool,
    /// Pending (pattern) matches are `out[base..base + npending]`, sorted by start.
    pub(crate) npending: usize,
    /// Indices into `out` of pattern matches that their key context rules out.
    pub(crate) drop_marks: Vec<usize>,
}

impl<'d, 'a, 'o> Scanner<'d, 'a, 'o> {
    pub(crate) fn new(det: &'d Detector, input: &'a [u8], out: &'o mut Vec<Match>) -> Self {
        let base = out.len();
        Scanner {
            det,
            input,
            out,
            base,
            seen: 0,
            json_error_at: 0,
            env_hits: 0,
            full: false,
            npending: 0,
            drop_marks: Vec::new(),
        }
    }

    /// Record a match. Returns false when suppressed (once-per-document type already seen, or cap).
    pub(crate) fn emit(
        &mut self,
        t: DataType,
        span: Range<usize>,
        conf: Confidence,
        example: bool,
        detail: Option<String>,
    ) -> bool {
        if self.full {
            return false;
        }
        if t.once_per_document() {
            let bit = 1u64 << (t.index() as u64 & 63);
            if self.seen & bit != 0 {
                return false;
            }
            self.seen |= bit;
        }
        if self.out.len() - self.base >= self.det.max_matches {
            self.full = true;
            return false;
        }
        let end = span.end.min(self.input.len());
        let start = span.start.min(end);
        let raw = &self.input[start..end];
        let value = lossy(&raw[..raw.len().min(64 * 1024)]);
        let masked = crate::mask::mask(t, &value);
        let hash = crate::mask::value_hash(&crate::mask::canonical(t, &value));
        self.out.push(Match {
            data_type: t,
            span: start..end,
            key_path: None,
            confidence: conf,
            masked,
            hash,
            example,
            detail,
        });
        true
    }

    pub(crate) fn sort_pending(&mut self) {
        self.out[self.base..].sort_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.span.end.cmp(&a.span.end))
        });
        self.npending = self.out.len() - self.base;
    }

    /// Sort, drop matches nested inside another match (the outer one wins; identical spans of
    /// different types are both kept).
    pub(crate) fn finish(&mut self) {
        if !self.drop_marks.is_empty() {
            // linear: mark, then compact
            let mut drop = vec![false; self.out.len()];
            for &i in &self.drop_marks {
                if i < drop.len() {
                    drop[i] = true;
                }
            }
            let mut k = 0usize;
            self.out.retain(|_| {
                k += 1;
                !drop[k - 1]
            });
            self.drop_marks.clear();
        }
        let v = &mut self.out[self.base..];
        v.sort_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.span.end.cmp(&a.span.end))
        });
        let mut outer: Option<(usize, usize, DataType)> = None;
        let mut w = self.base;
        for r in self.base..self.out.len() {
            let (ms, me, mt) = {
                let m = &self.out[r];
                (m.span.start, m.span.end, m.data_type)
            };
            let drop = match outer {
                Some((os, oe, ot)) => ms >= os && me <= oe && !((ms, me) == (os, oe) && mt != ot),
                None => false,
            };
            if drop {
                continue;
            }
            if outer.is_none_or(|(_, oe, _)| me > oe) {
                outer = Some((ms, me, mt));
            }
            self.out.swap(w, r);
            w += 1;
        }
        self.out.truncate(w);
    }

    // ---------------------------------------------------------------- candidate pass

    pub(crate) fn candidates(&mut self) {
        let input = self.input;
        let det = self.det;
        for (ac, kinds) in &det.lits.groups {
            let mut skip_to = 0usize;
            for m in ac.find_iter(input) {
                if self.full {
                    return;
                }
                if m.start() < skip_to {
                    continue;
                }
                let kind = kinds[m.pattern().as_usize()];
                if let Some(end) = self.confirm(kind, m.start(), m.end()) {
                    skip_to = end;
                }
            }
        }
        // `@` (emails), `SK`/`AC` (Twilio) and digit clusters share one vector pass
        self.digit_clusters();
    }

    #[inline]
    fn special_at(&mut self, p: usize) {
        match self.input[p] {
            b'@' => self.email_at(p),
            b'S' | b'A' => self.twilio_at(p),
            _ => {}
        }
    }

    fn confirm(&mut self, kind: Kind, s: usize, e: usize) -> Option<usize> {
        match kind {
            Kind::AwsKeyId => self.aws_key_id(s, e),
            Kind::Github | Kind::GithubPat => self.github(kind, s, e),
            Kind::Gitlab => self.token(s, e, 20, 64, DataType::GitlabToken, |c| {
                is_alnum(c) || c == b'_' || c == b'-'
            }),
            Kind::Slack => self.slack(s, e),
            Kind::SlackHook => self.slack_hook(s, e),
            Kind::Stripe => self.stripe(s, e),
            Kind::Google => self.google(s, e),
            Kind::Sendgrid => self.sendgrid(s, e),
            Kind::SkDash => self.sk_dash(s, e),
            Kind::Npm => self.npm(s, e),
            Kind::Pem => self.pem(s, e),
            Kind::Jwt => self.jwt_at(s),
            Kind::Url => self.url_at(s),
            Kind::Crypt => self.crypt(s),
            Kind::SessionToken => self.session_token(s),
            Kind::Arn => self.arn_at(s, e),
            Kind::MaskedPan => self.masked_pan(s),
            Kind::AttrValue => self.attr_value(s, e),
            Kind::Traceback => self.traceback(s, e),
            Kind::Starlette => self.starlette(s, e),
            Kind::JavaFrame => self.java_frame(s, e),
            Kind::JavaThread => self.java_thread(s, e),
            Kind::DotNet => self.dotnet_frame(s, e),
            Kind::NodeFrame => self.node_frame(s, e),
            Kind::Php => self.php_error(s, e),
            Kind::Ruby => self.ruby_frame(s, e),
            Kind::Goroutine => self.goroutine(s, e),
            Kind::GoFrame => self.go_frame(s, e),
            Kind::StackTraceWord => self.stack_trace_word(s, e),
            Kind::Sql(engine) => self.sql_error(engine, s, e),
            Kind::Botocore => self.botocore(s, e),
            Kind::DdbWire => self.ddb_wire(s, e),
            Kind::Exception => self.exception(s, e),
            Kind::DdbMessage => self.ddb_message(s, e),
            Kind::InternalHost => self.internal_host(s, e),
            Kind::Server => self.server_version(s, e),
            Kind::Env(specific) => self.env_var(specific, s, e),
        }
    }

    fn masked_pan(&mut self, s: usize) -> Option<usize> {
        let input = self.input;
        let cls =
            |c: u8| c.is_ascii_digit() || matches!(c, b'*' | b'X' | b'x' | b' ' | b'-' | b'\xe2');
        let back = run_back(input, s, 24, cls);
        let start0 = s - back;
        let n = run_fwd(input, start0, 40, cls);
        let mut start = start0;
        let mut end = start0 + n;
        while start < end && matches!(input[start], b' ' | b'-') {
            start += 1;
        }
        while end > start && matches!(input[end - 1], b' ' | b'-') {
            end -= 1;
        }
        if is_alnum(before(input, start)) || is_alnum(at(input, end)) {
            return None;
        }
        let v = &input[start..end];
        let digits = v.iter().filter(|c| c.is_ascii_digit()).count();
        let masks = v.iter().filter(|c| matches!(c, b'*' | b'X' | b'x')).count();
        let tail_digits = v.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        if !(12..=19).contains(&(digits + masks))
            || masks < 4
            || !(4..=4).contains(&tail_digits)
            || digits > 10
        {
            return None;
        }
        self.emit(
            DataType::MaskedPaymentCard,
            start..end,
            Confidence::Firm,
            false,
            None,
        );
        Some(end)
    }

    // ---------------------------------------------------------------- digit clusters

    /// The exact run of cluster characters around `p` (not reaching back before `done`), scanned
    /// when it is long enough. Returns the run's end, or `None` once the match cap is reached.
    #[inline]
    fn run_around(&mut self, p: usize, done: usize) -> Option<usize> {
        let input = self.input;
        let mut st = p;
        while st > done && is_cluster(input[st - 1]) {
            st -= 1;
        }
        let mut e = p;
        while e < input.len() && is_cluster(input[e]) {
            e += 1;
        }
        if e - st >= CLUSTER_MIN {
            self.cluster(st, e);
            if self.full {
                return None;
            }
        }
        Some(e)
    }

    fn digit_clusters(&mut self) {
        let input = self.input;
        let n = input.len();
        // Vector prefilter: a 64-byte window gives a mask of bytes that may be cluster characters
        // (a superset: 0x20..=0x39 minus `"` and `/`); runs of 7 set bits mark where to look.
        let mut off = 0usize;
        let mut done = 0usize; // everything before `done` has been examined
        while off + 65 <= n {
            let (m, sp) = class_mask64(&input[off..off + 65]);
            let mut spm = sp & ((1u64 << 57) - 1);
            while spm != 0 {
                let p = off + spm.trailing_zeros() as usize;
                spm &= spm - 1;
                self.special_at(p);
            }
            let a = m & (m >> 1);
            let b = a & (a >> 2);
            let mut c = (b & (b >> 3)) & ((1u64 << 57) - 1);
            while c != 0 {
                let p = off + c.trailing_zeros() as usize;
                c &= c - 1;
                if p < done {
                    continue;
                }
                let Some(e) = self.run_around(p, done) else {
                    return;
                };
                done = e.max(p + 1);
            }
            off += 57;
        }
        // scalar tail
        for (p, &c) in input.iter().enumerate().skip(off) {
            if matches!(c, b'@' | b'S' | b'A') {
                self.special_at(p);
            }
        }
        let mut i = off.max(done);
        while i < n {
            if !is_cluster(input[i]) {
                i += 1;
                continue;
            }
            let Some(e) = self.run_around(i, done) else {
                return;
            };
            done = e;
            i = e + 1;
        }
    }

    fn cluster(&mut self, s: usize, e: usize) {
        let input = self.input;
        // IBAN: a digit run glued to letters
        let first = input[s];
        if is_alnum(before(input, s)) {
            if first.is_ascii_digit() {
                self.iban_from(s);
                return;
            }
            if matches!(first, b'-' | b'.') {
                return; // `abc-4111…`: inside a token
            }
        }
        let last = input[e - 1];
        if is_alnum(at(input, e)) && (last.is_ascii_digit() || matches!(last, b'-' | b'.')) {
            // `123-45-6789abc`: part of a token
            return;
        }
        let run = &input[s..e];
        // every shape needs at least 4 digits (an IPv4), and without a dot at least 7
        let nd = run.iter().filter(|c| c.is_ascii_digit()).count();
        if nd < 4 || (nd < 7 && !run.contains(&b'.')) {
            return;
        }
        // coordinates "lat, lng"
        if self.coords(s, e) {
            return;
        }
        // split on commas and on double spaces
        let mut seg_start = s;
        let mut k = s;
        while k <= e {
            let split =
                k == e || input[k] == b',' || (input[k] == b' ' && at(input, k + 1) == b' ');
            if split {
                if k > seg_start {
                    self.segment(seg_start, k);
                }
                seg_start = k + 1;
            }
            k += 1;
        }
    }

    fn coords(&mut self, s: usize, e: usize) -> bool {
        let input = self.input;
        let run = &input[s..e];
        let comma = match memchr::memchr(b',', run) {
            Some(c) => c,
            None => return false,
        };
        let a = trim_sp(&run[..comma]);
        let mut b = trim_sp(&run[comma + 1..]);
        while b.last() == Some(&b'.') {
            b = &b[..b.len() - 1];
        }
        let (lat, lon) = match (parse_coord(a, 90.0), parse_coord(b, 180.0)) {
            (Some(x), Some(y)) => (x, y),
            _ => return false,
        };
        if memchr::memchr(b',', &run[comma + 1..]).is_some() {
            return false;
        }
        if lat.abs() < 1.0 && lon.abs() < 1.0 {
            return false; // ratios and probabilities, not a place
        }
        let st = s + (run.len() - trim_sp_left(run).len());
        let mut en = e - (run.len() - trim_sp_right(run).len());
        while en > st && input[en - 1] == b'.' {
            en -= 1;
        }
        self.emit(
            DataType::GeoCoordinates,
            st..en,
            Confidence::Firm,
            false,
            None,
        );
        true
    }

    fn segment(&mut self, s0: usize, e0: usize) {
        let input = self.input;
        let mut s = s0;
        let mut e = e0;
        while s < e && matches!(input[s], b' ' | b'-' | b'.' | b')') {
            s += 1;
        }
        while e > s && matches!(input[e - 1], b' ' | b'-' | b'.' | b'(' | b'+') {
            e -= 1;
        }
        if e <= s || e - s > 40 {
            return;
        }
        // the segment must be delimited by a non-digit on its left
        if s > 0 && input[s - 1].is_ascii_digit() {
            return;
        }
        let v = &input[s..e];
        let mut d = [0u8; 40];
        let mut nd = 0usize;
        let mut seps = 0usize;
        let mut sep_kind: u8 = 0;
        let mut mixed = false;
        let mut groups = [0u8; 8];
        let mut ng = 0usize;
        let mut cur = 0u8;
        for &c in v {
            if c.is_ascii_digit() {
                d[nd] = c;
                nd += 1;
                cur += 1;
            } else {
                if cur > 0 {
                    if ng < 8 {
                        groups[ng] = cur;
                    }
                    ng += 1;
                    cur = 0;
                }
                seps += 1;
                if matches!(c, b' ' | b'-' | b'.') {
                    if sep_kind == 0 {
                        sep_kind = c;
                    } else if sep_kind != c {
                        mixed = true;
                    }
                }
            }
        }
        if cur > 0 {
            if ng < 8 {
                groups[ng] = cur;
            }
            ng += 1;
        }
        let digits = &d[..nd];
        let groups = &groups[..ng.min(8)];
        let has_dot = v.contains(&b'.');
        let has_paren = v.contains(&b'(');
        let plus = before(input, s) == b'+' || v[0] == b'+';
        // IPv4
        if has_dot && ng == 4 && !plus && !v.iter().any(|&c| c == b' ' || c == b'-') {
            if let Some(ip) = parse_ipv4(v) {
                if at(input, e) == b'.' && at(input, e + 1).is_ascii_digit() {
                    return;
                }
                match ip_kind(ip) {
                    IpKind::Internal => {
                        self.emit(DataType::IpInternal, s..e, Confidence::Firm, false, None);
                    }
                    IpKind::Public => {
                        self.emit(DataType::IpPublic, s..e, Confidence::Firm, false, None);
                    }
                    IpKind::Documentation => {
                        self.emit(
                            DataType::IpPublic,
                            s..e,
                            Confidence::Firm,
                            true,
                            Some("documentation range".into()),
                        );
                    }
                    IpKind::NotAHost => {}
                }
            }
            return;
        }
        // E.164
        if plus {
            let st = if v[0] == b'+' { s } else { s - 1 };
            if (8..=15).contains(&nd)
                && digits[0] != b'0'
                && !mixed_separators(v)
                && seps <= 8
                && !has_dot
            {
                self.emit(
                    DataType::Phone,
                    st..e,
                    Confidence::Firm,
                    false,
                    Some("E.164".into()),
                );
            }
            return;
        }
        // SSN / ITIN: ddd-dd-dddd
        if nd == 9 && groups == [3, 2, 4] && !mixed && !has_paren && sep_kind != b'.' {
            if valid_ssn(digits) {
                let example = sample_ssn(digits);
                self.emit(DataType::UsSsn, s..e, Confidence::Firm, example, None);
            } else if valid_itin(digits) {
                self.emit(DataType::UsItin, s..e, Confidence::Firm, false, None);
            }
            return;
        }
        // NANP phone: (ddd) ddd-dddd, ddd-ddd-dddd, ddd.ddd.dddd, ddd ddd dddd, optional leading 1
        let nanp_groups = groups == [3, 3, 4] || (groups == [1, 3, 3, 4] && digits[0] == b'1');
        if nanp_groups && (has_paren || sep_kind != 0) {
            let off = if groups.len() == 4 { 1 } else { 0 };
            let area = &digits[off..off + 3];
            let exch = &digits[off + 3..off + 6];
            if area[0] >= b'2'
                && exch[0] >= b'2'
                && !(area[1] == b'1' && area[2] == b'1')
                && !(has_dot && has_paren)
            {
                let example = exch == b"555" && digits[off + 6] == b'0' && digits[off + 7] == b'1';
                let st = if s > 0 && input[s - 1] == b'(' {
                    s - 1
                } else {
                    s
                };
                self.emit(
                    DataType::Phone,
                    st..e,
                    Confidence::Firm,
                    example,
                    Some("NANP".into()),
                );
            }
            return;
        }
        // national format with a trunk 0: `020 7946 0958`, `06 12 34 56 78`, `0161.496.0000`
        if (10..=11).contains(&nd)
            && digits[0] == b'0'
            && digits[1] != b'0'
            && ng >= 3
            && !mixed
            && !has_paren
            && matches!(sep_kind, b' ' | b'.')
            && groups.iter().all(|&g| (2..=4).contains(&g))
        {
            self.emit(
                DataType::Phone,
                s..e,
                Confidence::Firm,
                false,
                Some("national".into()),
            );
            return;
        }
        // payment card
        if (13..=19).contains(&nd) && !has_dot && !has_paren && !mixed {
            let grouping_ok = ng == 1
                || groups.iter().take(ng - 1).all(|&g| g == 4) && groups[ng - 1] <= 4
                || groups == [4, 6, 5]
                || groups == [4, 6, 4];
            if grouping_ok && let Some(issuer) = valid_pan(digits) {
                let example = is_test_pan(digits);
                self.emit(
                    DataType::PaymentCard,
                    s..e,
                    Confidence::Firm,
                    example,
                    Some(issuer.into()),
                );
            }
        }
    }

    fn iban_from(&mut self, s: usize) {
        let input = self.input;
        let up = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
        let back = run_back(input, s, 34, up);
        if back == 34 {
            return;
        }
        let start = s - back;
        if is_alnum(before(input, start)) {
            return;
        }
        if back < 2
            || !input[start].is_ascii_uppercase()
            || !at(input, start + 1).is_ascii_uppercase()
            || !at(input, start + 2).is_ascii_digit()
            || !at(input, start + 3).is_ascii_digit()
        {
            return;
        }
        let mut compact = [0u8; 34];
        let mut n = 0usize;
        let mut i = start;
        let mut last_alnum = start;
        while i < input.len() && n < 34 {
            let c = input[i];
            if up(c) {
                compact[n] = c;
                n += 1;
                last_alnum = i + 1;
            } else if c == b' ' && up(at(input, i + 1)) && i > start && up(input[i - 1]) {
                // grouped print form
            } else {
                break;
            }
            i += 1;
        }
        if is_alnum(at(input, last_alnum)) {
            return;
        }
        let v = &compact[..n];
        if valid_iban(v) {
            let example = matches!(
                v,
                b"DE89370400440532013000" | b"GB82WEST12345698765432" | b"GB29NWBK60161331926819"
            );
            self.emit(
                DataType::Iban,
                start..last_alnum,
                Confidence::Certain,
                example,
                Some(lossy(&v[..2])),
            );
        }
    }

    // ---------------------------------------------------------------- key context

    /// Apply key context to the pattern matches inside `span` (index range into pending) and, when none
    /// is there, classify the value by the key. Returns whether something was emitted or upgraded.
    pub(crate) fn apply_key(
        &mut self,
        kc: Option<KeyClass>,
        key_path: &dyn Fn() -> String,
        span: Range<usize>,
        pend: &mut usize,
        kind: context::ValKind,
        person: bool,
    ) {
        let mut any = false;
        let mut path: Option<String> = None;
        while *pend < self.npending {
            let idx = self.base + *pend;
            let st = self.out[idx].span.start;
            if st >= span.end {
                break;
            }
            if st >= span.start || self.out[idx].span.end > span.start {
                any = true;
                let p = path.get_or_insert_with(key_path).clone();
                if key_suppresses(&p, self.out[idx].data_type) {
                    self.drop_marks.push(idx);
                }
                let m = &mut self.out[idx];
                m.key_path = Some(p);
                if let Some(k) = kc
                    && related(k.data_type, m.data_type)
                {
                    m.confidence = Confidence::Certain;
                }
            }
            *pend += 1;
        }
        if any {
            return;
        }
        let Some(k) = kc else { return };
        let v = &self.input[span.clone()];
        if let Some(r) = context::classify_value(k, v, kind, person) {
            let p = path.unwrap_or_else(key_path);
            let st = span.start + r.trim.0;
            let en = span.end - r.trim.1;
            if self.emit(r.data_type, st..en, r.confidence, r.example, r.detail)
                && let Some(m) = self.out.last_mut()
            {
                m.key_path = Some(p);
            }
        }
    }

    /// Whether a pending pattern match starts before `end` (from index `pend`).
    #[inline]
    pub(crate) fn pending_before(&self, pend: usize, end: usize) -> bool {
        pend < self.npending && self.out[self.base + pend].span.start < end
    }

    /// A bare `name` confirmed by personal-data siblings in the same object.
    pub(crate) fn deferred_name(&mut self, span: Range<usize>, path: String) {
        let kc = KeyClass {
            data_type: DataType::PersonName,
            strength: crate::KeyStrength::Weak,
        };
        let v = &self.input[span.clone()];
        if let Some(r) = context::classify_value(kc, v, context::ValKind::Str, true) {
            let st = span.start + r.trim.0;
            let en = span.end - r.trim.1;
            if self.emit(r.data_type, st..en, r.confidence, r.example, r.detail)
                && let Some(m) = self.out.last_mut()
            {
                m.key_path = Some(path);
            }
        }
    }

    /// Emit a key-only match (DynamoDB paging key, ResponseMetadata…) at a key span.
    pub(crate) fn emit_key(&mut self, t: DataType, span: Range<usize>, path: String) {
        if self.emit(t, span, Confidence::Certain, false, None)
            && let Some(m) = self.out.last_mut()
        {
            m.key_path = Some(path);
        }
    }

    // ---------------------------------------------------------------- text key=value

    pub(crate) fn kv_pass(&mut self, from: usize) {
        let input = self.input;
        if from >= input.len() {
            return;
        }
        // pending index pointer: matches are sorted by start
        let mut pend =
            self.out[self.base..self.base + self.npending].partition_point(|m| m.span.start < from);
        for p in memchr::memchr2_iter(b'=', b':', &input[from..]) {
            if self.full {
                return;
            }
            let p = p + from;
            // key before: optional closing quote, optional spaces
            let mut k_end = p;
            k_end -= run_back(input, k_end, 2, |c| c == b' ');
            if k_end > 0 && matches!(input[k_end - 1], b'"' | b'\'') {
                k_end -= 1;
            }
            let kl = run_back(input, k_end, 48, |c| {
                is_alnum(c) || matches!(c, b'_' | b'-' | b'.')
            });
            if kl < 2 || kl == 48 {
                continue;
            }
            let ks = k_end - kl;
            if !input[ks].is_ascii_alphabetic() {
                continue;
            }
            if input[p] == b'=' && matches!(at(input, p + 1), b'=' | b'>') {
                continue;
            }
            if input[p] == b':' && at(input, p + 1) == b'/' {
                continue;
            }
            let key = &input[ks..k_end];
            // DynamoDB typed AttributeValue in a Python/JSON repr: `{'S': '…'}`
            if kl <= 4 && matches!(key, b"S" | b"N" | b"BOOL" | b"SS" | b"NS" | b"M" | b"L") {
                continue;
            }
            let kc = crate::keys::classify_cached(key);
            let Some(kc) = kc else { continue };
            // value after
            let mut vs = p + 1;
            vs += run_fwd(input, vs, 3, |c| c == b' ');
            let q = at(input, vs);
            let (vstart, vend, kind) = if q == b'"' || q == b'\'' {
                let body = vs + 1;
                let n = run_fwd(input, body, 512, |c| c != q && c != b'\n');
                (body, body + n, context::ValKind::Str)
            } else {
                let n = run_fwd(input, vs, 512, |c| {
                    !matches!(
                        c,
                        b' ' | b'\t'
                            | b'\n'
                            | b'\r'
                            | b','
                            | b';'
                            | b'&'
                            | b')'
                            | b'}'
                            | b']'
                            | b'"'
                            | b'\''
                    )
                });
                (vs, vs + n, context::ValKind::Str)
            };
            if matches!(
                kc.data_type,
                DataType::DynamodbPagingKey
                    | DataType::DynamodbConsumedCapacity
                    | DataType::AwsResponseMetadata
            ) {
                self.emit_key(kc.data_type, ks..k_end, lossy(key));
                continue;
            }
            if vend <= vstart {
                continue;
            }
            // text values run to the end of the line for names and addresses
            let (vstart, vend) = if q != b'"'
                && q != b'\''
                && matches!(kc.data_type, DataType::PersonName | DataType::StreetAddress)
            {
                let n = run_fwd(input, vs, 200, |c| {
                    !matches!(c, b'\n' | b'\r' | b',' | b';' | b'&' | b'|' | b'<')
                });
                let mut en = vs + n;
                // stop before the next `key=`
                if let Some(eq) = memchr::memchr(b'=', &input[vs..en]) {
                    let before_eq = &input[vs..vs + eq];
                    en = vs + before_eq.iter().rposition(|&c| c == b' ').unwrap_or(0);
                }
                while en > vs && input[en - 1] == b' ' {
                    en -= 1;
                }
                (vs, en)
            } else {
                (vstart, vend)
            };
            if vend <= vstart {
                continue;
            }
            let keyname = lossy(key);
            self.apply_key(
                Some(kc),
                &|| keyname.clone(),
                vstart..vend,
                &mut pend,
                kind,
                false,
            );
        }
    }

    // ---------------------------------------------------------------- custom types

    pub(crate) fn custom_pass(&mut self) {
        let det = self.det;
        for (i, c) in det.custom.iter().enumerate() {
            for m in c.re.find_iter(self.input) {
                if self.full {
                    return;
                }
                let v = &self.input[m.start()..m.end()];
                if !c.validate(v) {
                    continue;
                }
                let conf = if c.def.keywords.is_empty() {
                    Confidence::Firm
                } else {
                    // the nearest key before the value: `"key": "`, `key=`, `key: `
                    let input = self.input;
                    let mut k = m.start();
                    let stop = k.saturating_sub(24);
                    while k > stop && !matches!(input[k - 1], b':' | b'=') {
                        k -= 1;
                    }
                    let from = k.saturating_sub(64);
                    let ctx: Vec<u8> = if k > stop {
                        let seg = &input[from..k - 1];
                        // only the last key: after the previous delimiter
                        let cut = seg
                            .iter()
                            .rposition(|&c| matches!(c, b',' | b'{' | b';' | b'&' | b'\n'))
                            .map(|p| p + 1)
                            .unwrap_or(0);
                        seg[cut..].iter().map(|c| c.to_ascii_lowercase()).collect()
                    } else {
                        Vec::new()
                    };
                    if c.keywords_lower
                        .iter()
                        .any(|k| memchr::memmem::find(&ctx, k.as_bytes()).is_some())
                    {
                        Confidence::Certain
                    } else {
                        continue;
                    }
                };
                self.emit(
                    DataType::Custom(i as u16),
                    m.start()..m.end(),
                    conf,
                    false,
                    Some(c.def.name.clone()),
                );
            }
        }
    }
}

fn mixed_separators(v: &[u8]) -> bool {
    let mut k = 0u8;
    for &c in v {
        if matches!(c, b' ' | b'-' | b'.') {
            if k == 0 {
                k = c;
            } else if k != c {
                return c != b' ' && k != b' ';
            }
        }
    }
    false
}

fn trim_sp(v: &[u8]) -> &[u8] {
    trim_sp_right(trim_sp_left(v))
}
fn trim_sp_left(v: &[u8]) -> &[u8] {
    let n = v.iter().take_while(|&&c| c == b' ').count();
    &v[n..]
}
fn trim_sp_right(v: &[u8]) -> &[u8] {
    let n = v.iter().rev().take_while(|&&c| c == b' ').count();
    &v[..v.len() - n]
}

fn parse_coord(v: &[u8], max: f64) -> Option<f64> {
    let (neg, body) = if v.first() == Some(&b'-') {
        (true, &v[1..])
    } else {
        (false, v)
    };
    let dot = memchr::memchr(b'.', body)?;
    let int = &body[..dot];
    let frac = &body[dot + 1..];
    if int.is_empty() || int.len() > 3 || frac.len() < 4 || frac.len() > 12 {
        return None;
    }
    if !int.iter().all(u8::is_ascii_digit) || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let s = std::str::from_utf8(body).ok()?;
    let x: f64 = s.parse().ok()?;
    if x > max {
        return None;
    }
    Some(if neg { -x } else { x })
}

/// Bit i set when byte i may be a cluster character (superset of [`is_cluster`] minus `,`).
#[inline]
fn class_mask64(w: &[u8]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        debug_assert!(w.len() >= 65);
        let mut m = 0u64;
        let mut sp = 0u64;
        // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned 16-byte loads read
        // w[k*16..k*16+17] at most, and the caller passes at least 65 bytes.
        unsafe {
            let lo = _mm_set1_epi8(0x1f);
            let hi = _mm_set1_epi8(0x3a);
            let q = _mm_set1_epi8(b'"' as i8);
            let sl = _mm_set1_epi8(b'/' as i8);
            let cm = _mm_set1_epi8(b',' as i8);
            let at_v = _mm_set1_epi8(b'@' as i8);
            let s_v = _mm_set1_epi8(b'S' as i8);
            let k_v = _mm_set1_epi8(b'K' as i8);
            let a_v = _mm_set1_epi8(b'A' as i8);
            let c_v = _mm_set1_epi8(b'C' as i8);
            for k in 0..4 {
                let x = _mm_loadu_si128(w.as_ptr().add(k * 16) as *const __m128i);
                let x1 = _mm_loadu_si128(w.as_ptr().add(k * 16 + 1) as *const __m128i);
                let r = _mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi));
                // `,` is left out of the window test (JSON separators would glue short numbers
                // into runs); the exact extension below still includes it
                let ex = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, sl)),
                    _mm_cmpeq_epi8(x, cm),
                );
                let r = _mm_andnot_si128(ex, r);
                m |= (_mm_movemask_epi8(r) as u32 as u64) << (k * 16);
                // `@`, `SK`, `AC` (pairs: this byte and the next)
                let sk = _mm_and_si128(_mm_cmpeq_epi8(x, s_v), _mm_cmpeq_epi8(x1, k_v));
                let ac = _mm_and_si128(_mm_cmpeq_epi8(x, a_v), _mm_cmpeq_epi8(x1, c_v));
                let spv = _mm_or_si128(_mm_cmpeq_epi8(x, at_v), _mm_or_si128(sk, ac));
                sp |= (_mm_movemask_epi8(spv) as u32 as u64) << (k * 16);
            }
        }
        (m, sp)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u64;
        let mut sp = 0u64;
        for (k, &c) in w.iter().take(64).enumerate() {
            if is_cluster(c) && c != b',' {
                m |= 1 << k;
            }
            let next = w.get(k + 1).copied().unwrap_or(0);
            if c == b'@' || (c == b'S' && next == b'K') || (c == b'A' && next == b'C') {
                sp |= 1 << k;
            }
        }
        (m, sp)
    }
}

/// Shortest run of cluster characters worth confirming (a card, SSN or phone needs more).
const CLUSTER_MIN: usize = 7;

#[inline]
fn is_cluster(c: u8) -> bool {
    CLUSTER[c as usize]
}

static CLUSTER: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    t[b' ' as usize] = true;
    t[b'-' as usize] = true;
    t[b'.' as usize] = true;
    t[b'(' as usize] = true;
    t[b')' as usize] = true;
    t[b'+' as usize] = true;
    t[b',' as usize] = true;
    t
};

/// Keys that rule a pattern out: a dotted quad under `version`/`build` is a version number.
fn key_suppresses(path: &str, t: DataType) -> bool {
    if !matches!(t, DataType::IpPublic | DataType::IpInternal) {
        return false;
    }
    let last = path
        .rsplit(['.', '[', ' '])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    ["version", "build", "release", "revision", "firmware"]
        .iter()
        .any(|w| last.contains(w))
}

/// Whether a key's type and a pattern's type agree (so the key raises confidence).
fn related(key: DataType, found: DataType) -> bool {
    use DataType::*;
    key == found
        || matches!(
            (key, found),
            (UsSsn, UsItin)
                | (UsItin, UsSsn)
                | (IpPublic, IpInternal)
                | (PaymentCard, MaskedPaymentCard)
                | (GenericSecret, _)
                | (Password, _)
                | (AwsSecretKey, AwsSecretKey)
        ) && found.class() == key.class()
}

/// Scan one header.
pub(crate) fn scan_header(det: &Detector, name: &str, value: &[u8], out: &mut Vec<Match>) {
    let lname = name.to_ascii_lowercase();
    let base = out.len();
    let mut s = Scanner::new(det, value, out);
    match lname.as_str() {
        "server"
        | "x-powered-by"
        | "x-aspnet-version"
        | "x-aspnetmvc-version"
        | "x-generator"
        | "x-runtime-version"
        | "via" => {
            // a version number anywhere in the value
            let has_version = value
                .windows(2)
                .any(|w| w[0].is_ascii_digit() && w[1] == b'.')
                || value
                    .windows(2)
                    .any(|w| w[0] == b'/' && w[1].is_ascii_digit());
            if has_version {
                let v = lossy(value);
                s.emit(
                    DataType::ServerVersion,
                    0..value.len(),
                    Confidence::Certain,
                    false,
                    Some(clip(v.trim(), 80)),
                );
            }
        }
        "x-amzn-errortype" => {
            let code = value.split(|&c| c == b':').next().unwrap_or(b"");
            let code = code.rsplit(|&c| c == b'#').next().unwrap_or(b"");
            if !code.is_empty() {
                s.emit(
                    DataType::DynamodbException,
                    0..value.len(),
                    Confidence::Certain,
                    false,
                    Some(lossy(code)),
                );
            }
        }
        _ => {}
    }
    s.candidates();
    s.sort_pending();
    let mut pend = 0usize;
    if lname == "set-cookie" || lname == "cookie" {
        // each cookie: name=value; the name is key context
        let mut off = 0usize;
        for part in value.split(|&c| c == b';') {
            let pstart = off;
            off += part.len() + 1;
            let Some(eq) = memchr::memchr(b'=', part) else {
                continue;
            };
            let cname = &part[..eq];
            let cname_t = lossy(cname).trim().to_string();
            let vstart = pstart + eq + 1;
            let vend = pstart + part.len();
            if lname == "set-cookie" && pstart > 0 {
                break; // attributes (Path, Domain…) after the first pair
            }
            let kc = crate::keys::classify_cached(cname_t.as_bytes());
            s.apply_key(
                kc,
                &|| format!("{name}: {cname_t}"),
                vstart..vend,
                &mut pend,
                context::ValKind::Str,
                false,
            );
        }
    } else if lname == "authorization" || lname == "proxy-authorization" {
        let v = value;
        if v.len() > 6 && v[..6].eq_ignore_ascii_case(b"basic ") {
            if let Some(dec) = crate::jwt::b64url_decode(v[6..].trim_ascii())
                && let Some(c) = memchr::memchr(b':', &dec)
                && c + 1 < dec.len()
            {
                let user = lossy(&dec[..c]);
                s.emit(
                    DataType::Password,
                    6..v.len(),
                    Confidence::Certain,
                    false,
                    Some(format!(
                        "basic auth for {}***",
                        user.chars().take(1).collect::<String>()
                    )),
                );
            }
        } else if s.npending == 0 {
            let body = if v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ") {
                7
            } else {
                0
            };
            let kc = Some(KeyClass {
                data_type: DataType::GenericSecret,
                strength: crate::KeyStrength::Strong,
            });
            s.apply_key(
                kc,
                &|| name.to_string(),
                body..v.len(),
                &mut pend,
                context::ValKind::Str,
                false,
            );
        }
    } else {
        let kc = crate::keys::classify_cached(name.as_bytes());
        s.apply_key(
            kc,
            &|| name.to_string(),
            0..value.len(),
            &mut pend,
            context::ValKind::Str,
            false,
        );
    }
    // every pattern match gets the header name as its key path
    s.custom_pass();
    s.finish();
    for m in &mut out[base..] {
        if m.key_path.is_none() {
            m.key_path = Some(name.to_string());
        }
    }
}
