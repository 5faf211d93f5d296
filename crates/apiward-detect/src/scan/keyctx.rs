//! Key context: attaching JSON key paths and `key=value` keys to pattern matches, classifying values
//! no pattern can see (a `dob` key on a date), and the custom (user-defined) types.

use crate::context;
use crate::keys::KeyClass;
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;
use std::ops::Range;

/// Keys that rule a pattern out: a dotted quad under `version`/`build` is a version number.
pub(crate) fn key_suppresses(path: &str, t: DataType) -> bool {
    if !matches!(t, DataType::IpPublic | DataType::IpInternal) {
        return false;
    }
    let last = path.rsplit(['.', '[', ' ']).next().unwrap_or(path);
    crate::keys::is_version_key(last)
}

/// Whether a key's type and a pattern's type agree (so the key raises confidence).
pub(crate) fn related(key: DataType, found: DataType) -> bool {
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

impl Scanner<'_, '_, '_> {
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
