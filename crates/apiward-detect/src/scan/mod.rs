//! The candidate pass and anchored confirmation.

use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::{Detector, Match};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::ops::Range;

mod headers;
mod keyctx;

pub(crate) use headers::scan_header;

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
            let chunk = teddy_order(chunk);
            let pats: Vec<&str> = chunk.iter().map(|(p, _)| *p).collect();
            let kinds: Vec<Kind> = chunk.iter().map(|(_, k)| *k).collect();
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
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

/// Ids this far apart share a Teddy bucket in the slim search (8 buckets) and one of two in the fat
/// one (16).
const BUCKET_STRIDE: usize = 8;

/// The triggers of one pass in the order that keeps its SIMD search fast. Teddy puts pattern `id`
/// in bucket `id % buckets` (unless its leading bytes' low nybbles match an earlier pattern's) and
/// flags a position when the window's bytes fit the nybble sets of some bucket, so a bucket
/// holding unlike prefixes (`.php`, `PATH`, `{"S":`) accepts common text and every such position
/// is verified. Sorting by the leading bytes and dealing runs of similar patterns to ids one
/// stride apart keeps each bucket's sets narrow: on API bodies the internals pass ran 22 → 15 ms
/// per 100 MB, on OpenAPI documents 66 → 25 ms. Among patterns where one is a prefix of another
/// the order decides the match (leftmost-first), and that order is kept.
fn teddy_order(group: &[(&'static str, Kind)]) -> Vec<(&'static str, Kind)> {
    let mut sorted = group.to_vec();
    sorted.sort_by(|a, b| {
        a.0.as_bytes()[..a.0.len().min(4)].cmp(&b.0.as_bytes()[..b.0.len().min(4)])
    });
    let n = sorted.len();
    let per = n.div_ceil(BUCKET_STRIDE);
    // the k-th member of run j takes id j + k * stride
    let mut ids = (0..BUCKET_STRIDE)
        .flat_map(|j| (0..per).map(move |k| j + k * BUCKET_STRIDE))
        .filter(|&id| id < n);
    let mut slots: Vec<Option<(&'static str, Kind)>> = vec![None; n];
    for p in sorted {
        if let Some(id) = ids.next() {
            slots[id] = Some(p);
        }
    }
    let mut out: Vec<(&'static str, Kind)> = slots.into_iter().flatten().collect();
    // where one pattern is a prefix of another, the two keep their order in `group`
    let rank = |p: &str| {
        group
            .iter()
            .position(|(q, _)| *q == p)
            .unwrap_or(usize::MAX)
    };
    // a few passes settle the rare prefix pairs; should they not, the given order is always right
    for _ in 0..=out.len() {
        let mut swapped = false;
        for i in 0..out.len() {
            for j in i + 1..out.len() {
                let (a, b) = (out[i].0, out[j].0);
                let related = a.starts_with(b) || b.starts_with(a);
                if related && rank(a) > rank(b) {
                    out.swap(i, j);
                    swapped = true;
                }
            }
        }
        if !swapped {
            return out;
        }
    }
    group.to_vec()
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

    // ---------------------------------------------------------------- text key=value

    // ---------------------------------------------------------------- custom types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teddy_order_is_a_permutation_that_keeps_prefix_priority() {
        let groups: [Vec<(&str, Kind)>; 4] = [
            LITERALS.to_vec(),
            LITERALS
                .iter()
                .copied()
                .filter(|(p, _)| p.len() > 3)
                .collect(),
            vec![
                ("Exception", Kind::Exception),
                ("abcd", Kind::Php),
                ("Exception in thread", Kind::JavaThread),
            ],
            // prefix chains and siblings, longer and shorter first
            [
                "abcdef", "abc", "abcdxx", "abcd", "ab", "zz", "abd", "a.b", "zzz", "abdq",
            ]
            .iter()
            .map(|p| (*p, Kind::Php))
            .collect(),
        ];
        for group in groups {
            let out = teddy_order(&group);
            let mut a: Vec<&str> = group.iter().map(|(p, _)| *p).collect();
            let mut b: Vec<&str> = out.iter().map(|(p, _)| *p).collect();
            a.sort();
            b.sort();
            assert_eq!(a, b);
            let at = |p: &str| out.iter().position(|(q, _)| *q == p).unwrap();
            let given = |p: &str| group.iter().position(|(q, _)| *q == p).unwrap();
            for (p, _) in &group {
                for (q, _) in &group {
                    if p != q && q.starts_with(p) {
                        assert_eq!(at(p) < at(q), given(p) < given(q), "{p} / {q}");
                    }
                }
            }
            // each pattern keeps its kind
            for (p, k) in &out {
                assert_eq!(group[given(p)].1, *k);
            }
        }
        // the detector still prefers the longer Java trigger at the same start
        let d = Detector::new();
        let ms = d.scan(b"Exception in thread \"main\" java.lang.NullPointerException");
        assert!(
            ms.iter()
                .any(|m| m.detail.as_deref() == Some("Java stack trace")),
            "{ms:?}"
        );
    }
}
