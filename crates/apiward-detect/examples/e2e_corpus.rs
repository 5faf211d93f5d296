//! Writes the end-to-end benchmark corpus (`scripts/bench-detect-e2e.sh`): NDJSON, one realistic API
//! response body per line (1–16 KB), dense with look-alike values — ISO and epoch timestamps, order
//! and invoice numbers, UUIDs, hashes, prices, tracking numbers, invalid SSNs and cards, documentation
//! keys, RFC 5737 addresses — plus a few real-looking positives (about one per 20 KB).
//!
//! `cargo run --release -p apiward-detect --example e2e_corpus -- MEGABYTES [SEED] > bodies.ndjson`
//! `cargo run --release -p apiward-detect --example e2e_corpus -- --literals` prints the detector's
//! trigger literals, one per line (for `rg -F -f`).

use std::fmt::Write as _;
use std::io::Write;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char)
            .collect()
    }
    fn hex(&mut self, n: usize) -> String {
        self.chars(b"0123456789abcdef", n)
    }
    fn digits(&mut self, n: usize) -> String {
        self.chars(b"0123456789", n)
    }
}

const WORDS: &[&str] = &[
    "widget",
    "premium",
    "delivery",
    "standard",
    "blue",
    "large",
    "organic",
    "coffee",
    "bundle",
    "annual",
    "subscription",
    "express",
    "warehouse",
    "returned",
    "pending",
    "gift",
    "wrap",
    "café",
    "refund",
    "invoice",
    "batch",
    "pallet",
    "north",
    "east",
    "priority",
];

/// Luhn check digit for `body` (digits only).
fn luhn_digit(body: &str) -> char {
    let mut sum = 0u32;
    for (i, c) in body.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn uuid(r: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(3),
        r.hex(3),
        r.hex(12)
    )
}

/// One order-like object full of numbers and identifiers that are not sensitive.
fn lookalike_item(r: &mut Rng, s: &mut String) {
    let epoch = 1_600_000_000 + r.below(200_000_000);
    // 000/666 areas are never SSNs; 9xx with a group below 50 is neither an SSN nor an ITIN
    let bad_ssn_area = r.pick(&["000", "666", "900", "912", "987"]);
    let bad_ssn_group = if bad_ssn_area.starts_with('9') {
        format!("{:02}", r.below(50))
    } else {
        r.digits(2)
    };
    // a 16-digit id that fails Luhn: take a valid one and bump the last digit
    let body = format!("4{}", r.digits(14));
    let check = luhn_digit(&body).to_digit(10).unwrap_or(0);
    let not_card = format!("{body}{}", (check + 1) % 10);
    // EAN-13 with a leading 0: no card issuer starts with 0
    let barcode = format!("0{}", r.digits(12));
    let _ = write!(
        s,
        r#"{{"id":{},"uuid":"{}","order_number":"ORD-{}-{}","invoice":"INV{}","sku":"SKU-{}-{}","title":"{} {} {}","price":{}.{:02},"total":"{}.{:02}","currency":"EUR","quantity":{},"created_at":"20{}-{:02}-{:02}T{:02}:{:02}:{:02}.{}Z","updated_ts":{},"ts_ms":{}{},"tracking":"1Z{}{}","barcode":"{}","ref":"{}-{}-{}","sha256":"{}","etag":"\"{}\"","commit":"{}","build":"v{}.{}.{}+b{}","gateway_port":{},"batch_id":{},"legacy_id":"{}","doc_key":"{}","sample":"{}-{}-{}","isbn":"978-{}-{}-{}-{}","version":"{}.{}.{}","dims":"{}x{}x{} cm","dims_mm":[{}.{},{}.{}],"phone_ext":"x{}","note":"{} {} {} {} {}"}}"#,
        10_000_000 + r.below(90_000_000),
        uuid(r),
        2020 + r.below(6),
        r.digits(8),
        r.digits(10),
        r.digits(5),
        r.hex(4).to_uppercase(),
        r.pick(WORDS),
        r.pick(WORDS),
        r.pick(WORDS),
        r.below(9999),
        r.below(100),
        r.below(99999),
        r.below(100),
        1 + r.below(20),
        20 + r.below(6),
        1 + r.below(12),
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60),
        r.digits(3),
        epoch,
        epoch,
        r.digits(3),
        r.chars(b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ", 8),
        r.digits(8),
        barcode,
        bad_ssn_area,
        bad_ssn_group,
        r.digits(4),
        r.hex(64),
        r.hex(32),
        r.hex(40),
        r.below(20),
        r.below(256),
        r.below(256),
        r.below(256),
        1024 + r.below(60000),
        100_000_000 + r.below(900_000_000),
        not_card,
        // a documentation key now and then (reported, flagged as an example)
        if r.below(40) == 0 {
            "AKIAIOSFODNN7EXAMPLE"
        } else {
            "see docs/keys.md"
        },
        bad_ssn_area,
        bad_ssn_group,
        r.digits(4),
        r.digits(1),
        r.digits(3),
        r.digits(5),
        r.digits(1),
        r.below(10),
        r.below(40),
        r.below(200),
        r.below(200),
        r.below(200),
        r.below(200),
        100 + r.below(900),
        r.digits(1),
        100 + r.below(900),
        r.digits(1),
        r.digits(4),
        r.pick(WORDS),
        r.pick(WORDS),
        r.pick(WORDS),
        r.pick(WORDS),
        r.pick(WORDS),
    );
}

/// A value worth finding, under a key that says what it is (or, now and then, in free text).
fn positive(r: &mut Rng, s: &mut String) {
    match r.below(8) {
        0 => {
            let _ = write!(
                s,
                r#","customer":{{"email":"{}.{}@{}.com","name":"Dana Whitfield"}}"#,
                r.pick(&["dana", "lee", "sam", "kim"]),
                r.digits(3),
                r.pick(&["mailhost", "acme-corp", "fastmail"])
            );
        }
        1 => {
            let body = format!("5{}{}", 1 + r.below(5), r.digits(13));
            let _ = write!(s, r#","card_number":"{}{}""#, body, luhn_digit(&body));
        }
        2 => {
            let _ = write!(
                s,
                r#","ssn":"{:03}-{}-{}""#,
                100 + r.below(500),
                10 + r.below(89),
                1000 + r.below(8999)
            );
        }
        3 => {
            let _ = write!(
                s,
                r#","aws_access_key_id":"AKIA{}""#,
                r.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            );
        }
        4 => {
            let _ = write!(
                s,
                r#","github_token":"ghp_{}""#,
                r.chars(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                    36
                )
            );
        }
        5 => {
            let _ = write!(
                s,
                r#","phone":"+1 415 {} {}""#,
                200 + r.below(700),
                r.digits(4)
            );
        }
        6 => {
            let _ = write!(
                s,
                r#","debug":"connect to postgres://app:{}@db.internal:5432/orders failed""#,
                r.hex(12)
            );
        }
        _ => {
            let _ = write!(
                s,
                r#","message":"refund requested by {}@example-shop.io on 2024-03-02""#,
                r.pick(&["m.ross", "ops", "j.chen"])
            );
        }
    }
}

fn body(r: &mut Rng, s: &mut String) {
    // 1–16 KB: a page of items (each ~1 KB)
    let items = 1 + r.below(16);
    let _ = write!(
        s,
        r#"{{"page":{},"per_page":{},"request_id":"{}","generated_at":{},"items":["#,
        r.below(500),
        items,
        uuid(r),
        1_700_000_000_000u64 + r.below(10_000_000_000)
    );
    for i in 0..items {
        if i > 0 {
            s.push(',');
        }
        lookalike_item(r, s);
        // about one positive per 20 items
        if r.below(20) == 0 {
            s.pop();
            positive(r, s);
            s.push('}');
        }
    }
    s.push_str("]}\n");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--literals") {
        for l in apiward_detect::candidate_literals() {
            println!("{l}");
        }
        return;
    }
    let mb: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let seed: u64 = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x5eed_1234);
    let mut r = Rng(seed | 1);
    let target = mb * 1_000_000;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut written = 0u64;
    let mut s = String::with_capacity(32 * 1024);
    while written < target {
        s.clear();
        body(&mut r, &mut s);
        if out.write_all(s.as_bytes()).is_err() {
            return;
        }
        written += s.len() as u64;
    }
    let _ = out.flush();
}
