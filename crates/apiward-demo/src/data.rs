//! Deterministic fake data: customers, orders, bank accounts, staff users and
//! planted secrets. Every value that has a checksum (cards, IBANs, SSN rules,
//! AWS key id account encoding) is built to pass it, so the detectors see
//! realistic data; all of it is generated from a fixed seed at start-up.

/// SplitMix64: tiny, deterministic, good enough for fake data.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform-ish in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next_u64() % 10) as u8))
            .collect()
    }
    pub fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BCRYPT64: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// ---------------------------------------------------------------- checksums

/// Luhn check over a string of ASCII digits (anything else → false).
pub fn luhn_valid(number: &str) -> bool {
    if number.len() < 2 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(number, false) % 10 == 0
}

/// The digit that makes `partial` + digit Luhn-valid.
pub fn luhn_check_digit(partial: &str) -> char {
    let s = luhn_sum(partial, true);
    char::from(b'0' + ((10 - s % 10) % 10) as u8)
}

/// Sum of the Luhn transform; `doubled_first` says whether the rightmost digit
/// of `digits` is in a doubled position (true when a check digit will follow).
fn luhn_sum(digits: &str, doubled_first: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if (i % 2 == 0) == doubled_first {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum()
}

/// ISO 13616 mod-97 remainder of an IBAN-shaped string (first four moved to the end).
/// None for characters outside 0-9 / A-Z.
pub fn iban_mod97(iban: &str) -> Option<u32> {
    if iban.len() < 5 {
        return None;
    }
    let (head, tail) = iban.split_at(4);
    let mut rem: u32 = 0;
    for b in tail.bytes().chain(head.bytes()) {
        match b {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => {
                let v = u32::from(b - b'A') + 10;
                rem = (rem * 100 + v) % 97;
            }
            _ => return None,
        }
    }
    Some(rem)
}

pub fn iban_valid(iban: &str) -> bool {
    let len_ok = match iban.get(..2) {
        Some("DE") | Some("GB") => iban.len() == 22,
        Some(_) => (15..=34).contains(&iban.len()),
        None => false,
    };
    len_ok && iban_mod97(iban) == Some(1)
}

/// Build an IBAN from a country code and BBAN by computing the check digits.
pub fn make_iban(country: &str, bban: &str) -> String {
    let probe = format!("{country}00{bban}");
    let rem = iban_mod97(&probe).expect("ascii iban");
    format!("{country}{:02}{bban}", 98 - rem)
}

/// SSA rules for a US SSN `AAA-GG-SSSS`.
pub fn ssn_valid(ssn: &str) -> bool {
    let b = ssn.as_bytes();
    if b.len() != 11 || b[3] != b'-' || b[6] != b'-' {
        return false;
    }
    let digits_ok = b
        .iter()
        .enumerate()
        .all(|(i, c)| i == 3 || i == 6 || c.is_ascii_digit());
    if !digits_ok {
        return false;
    }
    let area: u32 = ssn[0..3].parse().unwrap_or(0);
    let group: u32 = ssn[4..6].parse().unwrap_or(0);
    let serial: u32 = ssn[7..11].parse().unwrap_or(0);
    let all_same = ssn.bytes().filter(u8::is_ascii_digit).all(|c| c == b[0]);
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial != 0
        && !all_same
        && ssn != "078-05-1120"
        && ssn != "123-45-6789"
}

/// RFC 4648 base32 without padding.
pub fn base32(data: &[u8]) -> String {
    let mut out = String::new();
    let mut acc: u64 = 0;
    let mut bits = 0;
    for &byte in data {
        acc = (acc << 8) | u64::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The AWS account id encoded in a modern access key id (detection.md).
pub fn aws_key_account(key_id: &str) -> Option<u64> {
    let body = key_id.get(4..20)?;
    let mut acc: u128 = 0;
    for b in body.bytes() {
        let v = BASE32.iter().position(|&c| c == b)? as u128;
        acc = (acc << 5) | v;
    }
    // 80 bits; the first 6 bytes are the top 48 bits.
    let first6 = (acc >> 32) as u64;
    Some((first6 & 0x7fff_ffff_ff80) >> 7)
}

// ---------------------------------------------------------------- records

pub const AWS_ACCOUNT: u64 = 123_456_789_012;
pub const AWS_REGION: &str = "us-east-1";

pub struct Address {
    pub street: String,
    pub city: &'static str,
    pub state: &'static str,
    pub postal_code: String,
}

pub struct Customer {
    pub id: u64,
    pub first: &'static str,
    pub last: &'static str,
    pub email: String,
    pub phone: String,
    pub ssn: String,
    pub dob: String,
    pub address: Address,
    pub password_hash: String,
    pub is_admin: bool,
    pub tier: &'static str,
    pub internal_notes: String,
    pub created_at: String,
}

impl Customer {
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

pub struct Order {
    pub id: u64,
    pub customer_id: u64,
    pub amount_cents: u64,
    pub status: &'static str,
    pub card_brand: &'static str,
    pub card_number: String,
    pub card_exp: String,
    pub created_at: String,
}

pub struct Account {
    pub id: u64,
    pub customer_id: u64,
    pub iban: String,
    pub bic: &'static str,
    pub currency: &'static str,
    pub balance_cents: u64,
}

pub struct StaffUser {
    pub id: u64,
    pub username: String,
    pub email: String,
    pub role: &'static str,
    pub last_login: String,
}

pub struct Secrets {
    pub aws_access_key_id: String,
    pub aws_secret_access_key: String,
    pub stripe_key: String,
    pub database_url: &'static str,
    pub jwt_secret: &'static str,
}

pub struct Dataset {
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
    pub accounts: Vec<Account>,
    pub staff: Vec<StaffUser>,
    pub secrets: Secrets,
}

pub const FIRST_CUSTOMER: u64 = 1001;
pub const FIRST_ORDER: u64 = 50001;
pub const FIRST_ACCOUNT: u64 = 7001;
pub const N_RECORDS: u64 = 60;

const FIRST: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
    "Mia", "Mateo", "Amelia", "Benjamin", "Harper", "Henry", "Evelyn", "Theodore", "Abigail",
    "Samuel", "Grace", "Daniel", "Chloe", "Owen", "Nora", "Wyatt", "Priya", "Diego", "Hannah",
    "Marcus",
];
const LAST: &[&str] = &[
    "Johnson",
    "Williams",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Nguyen",
];
const DOMAINS: &[&str] = &[
    "acmemail.com",
    "postbox.io",
    "mailhub.net",
    "inboxly.com",
    "fastpost.org",
];
const STREETS: &[&str] = &[
    "Maple",
    "Oak",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Sunset",
    "Highland",
    "Franklin",
    "Jefferson",
    "Lincoln",
    "Willow",
];
const SUFFIX: &[&str] = &["St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct"];
const CITIES: &[(&str, &str, &str, u64)] = &[
    ("Springfield", "IL", "627", 312),
    ("Portland", "OR", "972", 503),
    ("Austin", "TX", "787", 512),
    ("Columbus", "OH", "432", 614),
    ("Denver", "CO", "802", 720),
    ("Raleigh", "NC", "276", 919),
    ("Madison", "WI", "537", 608),
    ("Tucson", "AZ", "857", 520),
    ("Brooklyn", "NY", "112", 718),
    ("Oakland", "CA", "946", 510),
];
const TIERS: &[&str] = &["basic", "basic", "plus", "premium"];
const STATUSES: &[&str] = &["paid", "shipped", "delivered", "refunded"];
const NOTES: &[&str] = &[
    "VIP - waive fees, approved by J. Ortiz",
    "chargeback 2023-11, watch list",
    "requested account deletion (GDPR) - pending",
    "KYC re-check due",
    "called support 3x about billing",
    "fraud flag cleared by risk team",
];

fn date(rng: &mut Rng, y0: u64, y1: u64) -> (u64, u64, u64) {
    let y = rng.range(y0, y1);
    let m = rng.range(1, 12);
    let dmax = match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (y, m, rng.range(1, dmax))
}

fn timestamp(rng: &mut Rng, y0: u64, y1: u64) -> String {
    let (y, m, d) = date(rng, y0, y1);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rng.range(0, 23),
        rng.range(0, 59),
        rng.range(0, 59)
    )
}

pub fn gen_ssn(rng: &mut Rng) -> String {
    loop {
        let area = rng.range(1, 899);
        let s = format!(
            "{area:03}-{:02}-{:04}",
            rng.range(1, 99),
            rng.range(1, 9999)
        );
        if ssn_valid(&s) {
            return s;
        }
    }
}

pub fn gen_card(rng: &mut Rng, brand: &str) -> String {
    let (prefix, len) = match brand {
        "visa" => ("4".to_string(), 16),
        "mastercard" => {
            if rng.next_u64() % 2 == 0 {
                (rng.range(51, 55).to_string(), 16)
            } else {
                (rng.range(2221, 2720).to_string(), 16)
            }
        }
        _ => ((*rng.pick(&["34", "37"])).to_string(), 15),
    };
    let mut s = prefix;
    let body = rng.digits(len - 1 - s.len());
    s.push_str(&body);
    let check = luhn_check_digit(&s);
    s.push(check);
    s
}

fn gen_aws_key_id(rng: &mut Rng) -> String {
    // 10 bytes: the first six carry the account id (bit 47 set, low 7 bits random).
    let v: u64 = (1 << 47) | (AWS_ACCOUNT << 7) | (rng.next_u64() & 0x7f);
    let mut bytes = [0u8; 10];
    bytes[..6].copy_from_slice(&v.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&(rng.next_u64() as u32).to_be_bytes());
    format!("AKIA{}", base32(&bytes))
}

pub fn dynamodb_request_id(rng: &mut Rng) -> String {
    rng.chars(UPPER_DIGITS, 52)
}

impl Dataset {
    pub fn generate() -> Dataset {
        let mut rng = Rng::new(0xAC3E_2024_DE30_0001);
        let mut customers = Vec::new();
        for i in 0..N_RECORDS {
            let first = *rng.pick(FIRST);
            let last = *rng.pick(LAST);
            let email = format!(
                "{}.{}{}@{}",
                first.to_lowercase(),
                last.to_lowercase(),
                if i % 3 == 0 {
                    rng.range(1, 99).to_string()
                } else {
                    String::new()
                },
                rng.pick(DOMAINS)
            );
            let &(city, state, zip, area) = rng.pick(CITIES);
            let phone = format!("+1{area}{}{}", rng.range(201, 989), rng.digits(4));
            let (y, m, d) = date(&mut rng, 1952, 2004);
            let address = Address {
                street: format!(
                    "{} {} {}",
                    rng.range(12, 9870),
                    rng.pick(STREETS),
                    rng.pick(SUFFIX)
                ),
                city,
                state,
                postal_code: format!("{zip}{}", rng.digits(2)),
            };
            customers.push(Customer {
                id: FIRST_CUSTOMER + i,
                first,
                last,
                email,
                phone,
                ssn: gen_ssn(&mut rng),
                dob: format!("{y:04}-{m:02}-{d:02}"),
                address,
                password_hash: format!("$2b$12${}", rng.chars(BCRYPT64, 53)),
                is_admin: i % 17 == 4,
                tier: rng.pick_str(TIERS),
                internal_notes: rng.pick(NOTES).to_string(),
                created_at: timestamp(&mut rng, 2019, 2024),
            });
        }
        let brands = ["visa", "mastercard", "amex"];
        let mut orders = Vec::new();
        for i in 0..N_RECORDS {
            let brand = brands[(i % 3) as usize];
            orders.push(Order {
                id: FIRST_ORDER + i,
                customer_id: FIRST_CUSTOMER + (i * 7) % N_RECORDS,
                amount_cents: rng.range(499, 89_999),
                status: rng.pick_str(STATUSES),
                card_brand: brand,
                card_number: gen_card(&mut rng, brand),
                card_exp: format!("{:02}/{}", rng.range(1, 12), rng.range(26, 30)),
                created_at: timestamp(&mut rng, 2023, 2024),
            });
        }
        let mut accounts = Vec::new();
        for i in 0..N_RECORDS {
            let (iban, bic, currency) = if i % 2 == 0 {
                let bban = format!(
                    "{}{}",
                    rng.pick(&["37040044", "50010517", "10070000"]),
                    rng.digits(10)
                );
                (make_iban("DE", &bban), "COBADEFFXXX", "EUR")
            } else {
                let bban = format!(
                    "{}{}{}",
                    rng.pick(&["NWBK", "BARC", "MIDL"]),
                    rng.digits(6),
                    rng.digits(8)
                );
                (make_iban("GB", &bban), "NWBKGB2LXXX", "GBP")
            };
            accounts.push(Account {
                id: FIRST_ACCOUNT + i,
                customer_id: FIRST_CUSTOMER + i,
                iban,
                bic,
                currency,
                balance_cents: rng.range(1_000, 25_000_000),
            });
        }
        let roles = [
            "admin", "admin", "support", "support", "analyst", "viewer", "billing", "support",
        ];
        let staff = roles
            .iter()
            .enumerate()
            .map(|(i, &role)| {
                let first = *rng.pick(FIRST);
                let last = *rng.pick(LAST);
                StaffUser {
                    id: 1 + i as u64,
                    username: format!("{}{}", &first[..1].to_lowercase(), last.to_lowercase()),
                    email: format!(
                        "{}.{}@acme-corp.com",
                        first.to_lowercase(),
                        last.to_lowercase()
                    ),
                    role,
                    last_login: timestamp(&mut rng, 2024, 2024),
                }
            })
            .collect();
        let secrets = Secrets {
            aws_access_key_id: gen_aws_key_id(&mut rng),
            aws_secret_access_key: rng.chars(BASE64, 40),
            stripe_key: format!("sk_live_{}", rng.chars(ALNUM, 32)),
            database_url: "postgres://app:pw@10.0.3.17:5432/acme",
            jwt_secret: "secret",
        };
        Dataset {
            customers,
            orders,
            accounts,
            staff,
            secrets,
        }
    }

    pub fn customer(&self, id: u64) -> Option<&Customer> {
        id.checked_sub(FIRST_CUSTOMER)
            .and_then(|i| self.customers.get(usize::try_from(i).ok()?))
    }
    pub fn order(&self, id: u64) -> Option<&Order> {
        id.checked_sub(FIRST_ORDER)
            .and_then(|i| self.orders.get(usize::try_from(i).ok()?))
    }
    pub fn account(&self, id: u64) -> Option<&Account> {
        id.checked_sub(FIRST_ACCOUNT)
            .and_then(|i| self.accounts.get(usize::try_from(i).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_values() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("378282246310005"));
        assert!(luhn_valid("5555555555554444"));
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("42x2"));
        assert_eq!(luhn_check_digit("424242424242424"), '2');
        assert_eq!(luhn_check_digit("37828224631000"), '5');
    }

    #[test]
    fn iban_known_values() {
        assert!(iban_valid("DE89370400440532013000"));
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(!iban_valid("GB82WEST12345698765433"));
        assert_eq!(
            make_iban("DE", "370400440532013000"),
            "DE89370400440532013000"
        );
        assert_eq!(
            make_iban("GB", "WEST12345698765432"),
            "GB82WEST12345698765432"
        );
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn_valid("219-09-9999"));
        assert!(!ssn_valid("000-12-3456"));
        assert!(!ssn_valid("666-12-3456"));
        assert!(!ssn_valid("912-12-3456"));
        assert!(!ssn_valid("219-00-3456"));
        assert!(!ssn_valid("219-09-0000"));
        assert!(!ssn_valid("078-05-1120"));
        assert!(!ssn_valid("123-45-6789"));
        assert!(!ssn_valid("111-11-1111"));
    }

    #[test]
    fn base32_rfc4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
    }

    #[test]
    fn dataset_is_valid_and_deterministic() {
        let a = Dataset::generate();
        let b = Dataset::generate();
        assert_eq!(a.customers.len(), 60);
        for (x, y) in a.customers.iter().zip(&b.customers) {
            assert_eq!(x.ssn, y.ssn);
            assert!(ssn_valid(&x.ssn), "{}", x.ssn);
            assert!(
                x.phone.starts_with("+1") && x.phone.len() == 12,
                "{}",
                x.phone
            );
            assert!(x.password_hash.starts_with("$2b$12$") && x.password_hash.len() == 60);
            assert!(!x.email.contains("example"));
        }
        for o in &a.orders {
            assert!(luhn_valid(&o.card_number), "{}", o.card_number);
            let n = &o.card_number;
            match o.card_brand {
                "visa" => assert!(n.starts_with('4') && n.len() == 16),
                "mastercard" => {
                    let p2: u32 = n[..2].parse().unwrap();
                    let p4: u32 = n[..4].parse().unwrap();
                    assert!((51..=55).contains(&p2) || (2221..=2720).contains(&p4));
                    assert_eq!(n.len(), 16);
                }
                _ => assert!((n.starts_with("34") || n.starts_with("37")) && n.len() == 15),
            }
        }
        for acc in &a.accounts {
            assert!(iban_valid(&acc.iban), "{}", acc.iban);
        }
        let key = &a.secrets.aws_access_key_id;
        assert_eq!(key.len(), 20);
        assert!(key.starts_with("AKIA") && !key.starts_with("AKIAI") && !key.starts_with("AKIAJ"));
        assert!(key[4..].bytes().all(|c| BASE32.contains(&c)));
        assert_ne!(key, "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(aws_key_account(key), Some(AWS_ACCOUNT));
        assert_eq!(a.secrets.aws_secret_access_key.len(), 40);
        assert_eq!(
            a.secrets.aws_secret_access_key,
            b.secrets.aws_secret_access_key
        );
        assert!(a.customers.iter().any(|c| c.is_admin));
    }
}
