//! Email addresses, found from each `@`.

use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;

impl Scanner<'_, '_, '_> {
    pub(crate) fn email_at(&mut self, p: usize) {
        let input = self.input;
        let local_c = |c: u8| is_alnum(c) || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
        let ll = run_back(input, p, 65, local_c);
        if ll == 0 || ll > 64 {
            return;
        }
        let ls = p - ll;
        if input[ls] == b'.' || input[p - 1] == b'.' {
            return;
        }
        // credentials in a URL (`scheme://user:pass@host`) are reported by the URL check
        let b = before(input, ls);
        if b == b':' || b == b'/' {
            return;
        }
        let dom_c = |c: u8| is_alnum(c) || c == b'.' || c == b'-';
        let dl = run_fwd(input, p + 1, 254, dom_c);
        if dl == 0 || dl > 253 {
            return;
        }
        let mut de = p + 1 + dl;
        while de > p + 1 && matches!(input[de - 1], b'.' | b'-') {
            de -= 1;
        }
        let domain = &input[p + 1..de];
        let last_dot = match memchr::memrchr(b'.', domain) {
            Some(d) => d,
            None => return,
        };
        let tld = &domain[last_dot + 1..];
        if !(2..=24).contains(&tld.len()) || !tld.iter().all(|c| c.is_ascii_alphabetic()) {
            return;
        }
        if domain
            .split(|&c| c == b'.')
            .any(|l| l.is_empty() || l[0] == b'-' || l[l.len() - 1] == b'-')
        {
            return;
        }
        let mut tl = [0u8; 24];
        for (i, c) in tld.iter().enumerate() {
            tl[i] = c.to_ascii_lowercase();
        }
        let tl = &tl[..tld.len()];
        if matches!(
            tl,
            b"png"
                | b"jpg"
                | b"jpeg"
                | b"gif"
                | b"svg"
                | b"webp"
                | b"css"
                | b"js"
                | b"ts"
                | b"py"
                | b"rb"
                | b"java"
                | b"html"
                | b"json"
                | b"ico"
                | b"woff"
                | b"map"
                | b"txt"
                | b"pdf"
        ) {
            return;
        }
        // `git@github.com:org/repo.git` (scp-like address) is not an email
        if at(input, de) == b':' && (is_alnum(at(input, de + 1)) || at(input, de + 1) == b'/') {
            return;
        }
        let dlow: Vec<u8> = domain.iter().map(|c| c.to_ascii_lowercase()).collect();
        let example = dlow.ends_with(b"example.com")
            || dlow.ends_with(b"example.org")
            || dlow.ends_with(b"example.net")
            || dlow.ends_with(b".test")
            || dlow.ends_with(b".invalid")
            || dlow.ends_with(b".example")
            || dlow.ends_with(b".localhost");
        self.emit(DataType::Email, ls..de, Confidence::Firm, example, None);
    }
}
