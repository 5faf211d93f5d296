//! Validators: checksums, issuer ranges, SSA rules, IP parsing, entropy.

/// Luhn checksum over ASCII digits (non-digits ignored).
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut n = 0usize;
    for &c in digits.iter().rev() {
        if !c.is_ascii_digit() {
            continue;
        }
        let mut d = (c - b'0') as u32;
        if n % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        n += 1;
    }
    n > 0 && sum.is_multiple_of(10)
}

fn prefix_num(d: &[u8], n: usize) -> u32 {
    d.iter()
        .take(n)
        .fold(0u32, |a, &c| a * 10 + (c.wrapping_sub(b'0')) as u32)
}

/// Issuer of a PAN (digits only) if the prefix and length fit a known scheme.
pub fn card_issuer(d: &[u8]) -> Option<&'static str> {
    let len = d.len();
    if !(12..=19).contains(&len) {
        return None;
    }
    let p1 = prefix_num(d, 1);
    let p2 = prefix_num(d, 2);
    let p3 = prefix_num(d, 3);
    let p4 = prefix_num(d, 4);
    if p1 == 4 && matches!(len, 13 | 16 | 18 | 19) {
        return Some("visa");
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        return Some("mastercard");
    }
    if (p2 == 34 || p2 == 37) && len == 15 {
        return Some("amex");
    }
    if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&len) {
        return Some("diners");
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&len) {
        return Some("discover");
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        return Some("jcb");
    }
    if (2200..=2204).contains(&p4) && (16..=19).contains(&len) {
        return Some("mir");
    }
    if p2 == 62 && (16..=19).contains(&len) {
        return Some("unionpay");
    }
    if (matches!(p4, 5018 | 5020 | 5038) || (56..=69).contains(&p2)) && (12..=19).contains(&len) {
        return Some("maestro");
    }
    None
}

/// Publicly documented test card numbers (payment-provider docs).
pub fn is_test_pan(d: &[u8]) -> bool {
    const TEST: &[&[u8]] = &[
        b"4111111111111111",
        b"4242424242424242",
        b"4000056655665556",
        b"4012888888881881",
        b"4222222222222",
        b"5555555555554444",
        b"5200828282828210",
        b"5105105105105100",
        b"2223003122003222",
        b"378282246310005",
        b"371449635398431",
        b"378734493671000",
        b"6011111111111117",
        b"6011000990139424",
        b"3056930009020004",
        b"36227206271667",
        b"3566002020360505",
        b"6200000000000005",
        b"4000000000000002",
        b"4000000000009995",
    ];
    TEST.contains(&d)
}

/// A full-PAN check on digits only: length, issuer, Luhn, not degenerate.
pub fn valid_pan(d: &[u8]) -> Option<&'static str> {
    if d.len() == 13 && d[0] == b'1' {
        return None; // epoch milliseconds
    }
    if d.iter().all(|&c| c == d[0]) {
        return None;
    }
    let issuer = card_issuer(d)?;
    if !luhn(d) {
        return None;
    }
    Some(issuer)
}

/// SSA rules for a 9-digit SSN (digits only).
pub fn valid_ssn(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = prefix_num(d, 3);
    let group = prefix_num(&d[3..], 2);
    let serial = prefix_num(&d[5..], 4);
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    !d.iter().all(|&c| c == d[0])
}

/// Famous sample SSNs that are not real people's.
pub fn sample_ssn(d: &[u8]) -> bool {
    d == b"078051120" || d == b"123456789" || d == b"219099999" || d == b"457555462"
}

/// ITIN: 9xx-[50-65|70-88|90-92|94-99]-xxxx.
pub fn valid_itin(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) || d[0] != b'9' {
        return false;
    }
    let g = prefix_num(&d[3..], 2);
    (50..=65).contains(&g)
        || (70..=88).contains(&g)
        || (90..=92).contains(&g)
        || (94..=99).contains(&g)
}

/// ABA routing number checksum (weights 3,7,1).
pub fn valid_aba(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if d.iter().all(|&c| c == d[0]) {
        return false;
    }
    let w = [3u32, 7, 1];
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &c)| (c - b'0') as u32 * w[i % 3])
        .sum();
    // First two digits: 00-12, 21-32, 61-72, 80.
    let p = prefix_num(d, 2);
    let prefix_ok = p <= 12 || (21..=32).contains(&p) || (61..=72).contains(&p) || p == 80;
    sum.is_multiple_of(10) && prefix_ok
}

/// UK NHS number mod-11.
pub fn valid_nhs(d: &[u8]) -> bool {
    if d.len() != 10 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &c)| (c - b'0') as u32 * (10 - i as u32))
        .sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == (d[9] - b'0') as u32
}

/// IBAN length per country (ISO 13616 registry, common countries).
pub fn iban_length(cc: &[u8]) -> Option<usize> {
    let l = match cc {
        b"AD" => 24,
        b"AE" => 23,
        b"AL" => 28,
        b"AT" => 20,
        b"AZ" => 28,
        b"BA" => 20,
        b"BE" => 16,
        b"BG" => 22,
        b"BH" => 22,
        b"BR" => 29,
        b"CH" => 21,
        b"CR" => 22,
        b"CY" => 28,
        b"CZ" => 24,
        b"DE" => 22,
        b"DK" => 18,
        b"DO" => 28,
        b"EE" => 20,
        b"EG" => 29,
        b"ES" => 24,
        b"FI" => 18,
        b"FO" => 18,
        b"FR" => 27,
        b"GB" => 22,
        b"GE" => 22,
        b"GI" => 23,
        b"GL" => 18,
        b"GR" => 27,
        b"GT" => 28,
        b"HR" => 21,
        b"HU" => 28,
        b"IE" => 22,
        b"IL" => 23,
        b"IS" => 26,
        b"IT" => 27,
        b"JO" => 30,
        b"KW" => 30,
        b"KZ" => 20,
        b"LB" => 28,
        b"LI" => 21,
        b"LT" => 20,
        b"LU" => 20,
        b"LV" => 21,
        b"MC" => 27,
        b"MD" => 24,
        b"ME" => 22,
        b"MK" => 19,
        b"MR" => 27,
        b"MT" => 31,
        b"MU" => 30,
        b"NL" => 18,
        b"NO" => 15,
        b"PK" => 24,
        b"PL" => 28,
        b"PS" => 29,
        b"PT" => 25,
        b"QA" => 29,
        b"RO" => 24,
        b"RS" => 22,
        b"SA" => 24,
        b"SE" => 24,
        b"SI" => 19,
        b"SK" => 24,
        b"SM" => 27,
        b"TN" => 24,
        b"TR" => 26,
        b"UA" => 29,
        b"VG" => 24,
        b"XK" => 20,
        _ => return None,
    };
    Some(l)
}

/// mod-97 over an IBAN's compact form (uppercase letters and digits).
pub fn iban_mod97(s: &[u8]) -> bool {
    if s.len() < 5 {
        return false;
    }
    let mut rem: u32 = 0;
    let rotated = s[4..].iter().chain(s[..4].iter());
    for &c in rotated {
        match c {
            b'0'..=b'9' => rem = (rem * 10 + (c - b'0') as u32) % 97,
            b'A'..=b'Z' => {
                let v = (c - b'A') as u32 + 10;
                rem = (rem * 100 + v) % 97;
            }
            _ => return false,
        }
    }
    rem == 1
}

/// Full IBAN check on the compact form.
pub fn valid_iban(s: &[u8]) -> bool {
    if s.len() < 15 || s.len() > 34 {
        return false;
    }
    if !s[0].is_ascii_uppercase() || !s[1].is_ascii_uppercase() {
        return false;
    }
    if !s[2].is_ascii_digit() || !s[3].is_ascii_digit() {
        return false;
    }
    match iban_length(&s[..2]) {
        Some(l) if l == s.len() => iban_mod97(s),
        _ => false,
    }
}

/// Parse a dotted-quad IPv4 address (no leading zeros beyond a single 0).
pub fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut part = 0usize;
    let mut val: u32 = 0;
    let mut ndig = 0usize;
    let mut lead_zero = false;
    for &c in s {
        match c {
            b'0'..=b'9' => {
                if ndig == 0 && c == b'0' {
                    lead_zero = true;
                } else if lead_zero {
                    return None;
                }
                val = val * 10 + (c - b'0') as u32;
                ndig += 1;
                if ndig > 3 || val > 255 {
                    return None;
                }
            }
            b'.' => {
                if ndig == 0 || part >= 3 {
                    return None;
                }
                out[part] = val as u8;
                part += 1;
                val = 0;
                ndig = 0;
                lead_zero = false;
            }
            _ => return None,
        }
    }
    if part != 3 || ndig == 0 {
        return None;
    }
    out[3] = val as u8;
    Some(out)
}

/// What an IPv4 address tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpKind {
    Internal,
    Public,
    /// Documentation ranges (RFC 5737).
    Documentation,
    /// Unspecified, broadcast, multicast, reserved: not a host.
    NotAHost,
}

pub fn ip_kind(ip: [u8; 4]) -> IpKind {
    let [a, b, c, _] = ip;
    match a {
        0 => IpKind::NotAHost,
        10 | 127 => IpKind::Internal,
        172 if (16..=31).contains(&b) => IpKind::Internal,
        192 if b == 168 => IpKind::Internal,
        169 if b == 254 => IpKind::Internal,
        100 if (64..=127).contains(&b) => IpKind::Internal,
        192 if b == 0 && c == 2 => IpKind::Documentation,
        198 if b == 51 && c == 100 => IpKind::Documentation,
        203 if b == 0 && c == 113 => IpKind::Documentation,
        224..=255 => IpKind::NotAHost,
        _ => IpKind::Public,
    }
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in s {
        counts[c as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Placeholder and stopword filter for secret-like values.
pub fn is_placeholder(s: &[u8]) -> bool {
    if s.is_empty() {
        return true;
    }
    if s.iter().all(|&c| c == s[0]) {
        return true;
    }
    let lower: Vec<u8> = s.iter().take(256).map(|c| c.to_ascii_lowercase()).collect();
    let l = &lower[..];
    const WORDS: &[&[u8]] = &[
        b"example",
        b"changeme",
        b"change_me",
        b"placeholder",
        b"your_",
        b"your-",
        b"<your",
        b"xxxx",
        b"****",
        b"redacted",
        b"dummy",
        b"sample",
        b"insert",
        b"replace",
        b"todo",
        b"fixme",
        b"notasecret",
        b"not_a_secret",
        b"${",
        b"{{",
        b"%(",
        b"<%",
        b"...",
        b"\xe2\x80\xa2",
    ];
    if WORDS.iter().any(|w| memchr::memmem::find(l, w).is_some()) {
        return true;
    }
    matches!(
        l,
        b"null"
            | b"none"
            | b"nil"
            | b"undefined"
            | b"true"
            | b"false"
            | b"secret"
            | b"password"
            | b"token"
            | b"test"
            | b"string"
            | b"hidden"
            | b"n/a"
            | b"na"
            | b"-"
            | b"masked"
            | b"[filtered]"
            | b"filtered"
    )
}

/// Parse a date in common formats; returns (year, month, day).
pub fn parse_date(s: &[u8]) -> Option<(u32, u32, u32)> {
    let s = if s.len() > 10 && (s[10] == b'T' || s[10] == b' ') {
        &s[..10]
    } else {
        s
    };
    let parts: Vec<&[u8]> = s.split(|&c| c == b'-' || c == b'/' || c == b'.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    let n = |p: &[u8]| p.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32);
    let (y, m, d) = if parts[0].len() == 4 {
        (n(parts[0]), n(parts[1]), n(parts[2]))
    } else if parts[2].len() == 4 {
        let a = n(parts[0]);
        let b = n(parts[1]);
        // MM/DD/YYYY or DD.MM.YYYY
        if s.contains(&b'.') || a > 12 {
            (n(parts[2]), b, a)
        } else {
            (n(parts[2]), a, b)
        }
    } else {
        return None;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2030).contains(&y) {
        return None;
    }
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert_eq!(valid_pan(b"4111111111111111"), Some("visa"));
        assert_eq!(valid_pan(b"378282246310005"), Some("amex"));
        assert!(valid_ssn(b"536225678"));
        assert!(!valid_ssn(b"666225678"));
        assert!(!valid_ssn(b"000225678"));
        assert!(!valid_ssn(b"936225678"));
        assert!(valid_itin(b"912701234"));
        assert!(valid_aba(b"021000021"));
        assert!(valid_aba(b"011000015"));
        assert!(valid_iban(b"DE89370400440532013000"));
        assert!(valid_iban(b"GB29NWBK60161331926819"));
        assert!(!valid_iban(b"GB29NWBK60161331926818"));
        assert!(valid_nhs(b"9434765919"));
        assert_eq!(parse_ipv4(b"10.0.0.1"), Some([10, 0, 0, 1]));
        assert_eq!(parse_ipv4(b"1.2.3"), None);
        assert_eq!(parse_ipv4(b"256.1.1.1"), None);
        assert_eq!(parse_date(b"1990-04-12"), Some((1990, 4, 12)));
        assert_eq!(parse_date(b"04/12/1990"), Some((1990, 4, 12)));
        assert!(is_placeholder(b"changeme"));
        assert!(is_placeholder(b"${DB_PASSWORD}"));
    }
}
