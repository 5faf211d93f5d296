//! The candidate pass and anchored confirmation.

use crate::keys::KeyClass;
use crate::types::{Confidence, DataType};
use crate::util::*;
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

    // ---------------------------------------------------------------- digit clusters

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
