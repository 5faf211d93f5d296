//! The key taxonomy: one classifier for JSON keys, header names, log `key=value` pairs and OpenAPI
//! property names.

use crate::types::DataType;

/// How strongly a key names its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStrength {
    /// The key says what the value is (`email`, `ssn`, `password`): a plausible value is a finding.
    Strong,
    /// The key hints (`name`, `address`, `token`, `card`): the value must also look the part.
    Weak,
}

/// What a key name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyClass {
    pub data_type: DataType,
    pub strength: KeyStrength,
}

const MAX_KEY: usize = 96;
const MAX_WORDS: usize = 12;

/// A key normalized into lowercase words, on the stack.
struct Words {
    buf: [u8; MAX_KEY],
    len: usize,
    spans: [(u8, u8); MAX_WORDS],
    n: usize,
    compact: [u8; MAX_KEY],
    clen: usize,
}

impl Words {
    fn new(key: &[u8]) -> Words {
        let mut w = Words {
            buf: [0; MAX_KEY],
            len: 0,
            spans: [(0, 0); MAX_WORDS],
            n: 0,
            compact: [0; MAX_KEY],
            clen: 0,
        };
        let key = &key[..key.len().min(MAX_KEY)];
        let mut start: Option<usize> = None;
        let mut prev: u8 = 0;
        for (i, &c) in key.iter().enumerate() {
            let is_letter = c.is_ascii_alphabetic() || c >= 0x80;
            if !is_letter {
                // `$_-.,:0-9`, spaces and every other punctuation fold to a separator.
                if let Some(s) = start.take() {
                    w.push_word(s);
                }
                prev = c;
                continue;
            }
            let upper = c.is_ascii_uppercase();
            let boundary = match start {
                None => false,
                Some(_) => {
                    (upper && prev.is_ascii_lowercase())
                        || (upper
                            && prev.is_ascii_uppercase()
                            && key.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()))
                }
            };
            if boundary && let Some(s) = start.take() {
                w.push_word(s);
            }
            if start.is_none() {
                start = Some(w.len);
            }
            if w.len < MAX_KEY {
                w.buf[w.len] = c.to_ascii_lowercase();
                w.len += 1;
            }
            prev = c;
        }
        if let Some(s) = start {
            w.push_word(s);
        }
        // Drop a leading get/set.
        if w.n > 1 && matches!(w.word(0), b"get" | b"set") {
            w.spans.copy_within(1..w.n, 0);
            w.n -= 1;
        }
        for i in 0..w.n {
            let (s, e) = w.spans[i];
            for &c in &w.buf[s as usize..e as usize] {
                if w.clen < MAX_KEY {
                    w.compact[w.clen] = c;
                    w.clen += 1;
                }
            }
        }
        w
    }

    fn push_word(&mut self, s: usize) {
        if self.len > s && self.n < MAX_WORDS {
            self.spans[self.n] = (s as u8, self.len as u8);
            self.n += 1;
        }
    }

    fn word(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.buf[s as usize..e as usize]
    }

    fn words(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.n).map(move |i| self.word(i))
    }

    fn has(&self, ws: &[&[u8]]) -> bool {
        self.words().any(|w| ws.contains(&w))
    }

    fn contains(&self, subs: &[&[u8]]) -> bool {
        let c = &self.compact[..self.clen];
        subs.iter().any(|s| memchr::memmem::find(c, s).is_some())
    }

    fn first(&self) -> &[u8] {
        if self.n == 0 { b"" } else { self.word(0) }
    }

    fn last(&self) -> &[u8] {
        if self.n == 0 {
            b""
        } else {
            self.word(self.n - 1)
        }
    }

    fn compact(&self) -> &[u8] {
        &self.compact[..self.clen]
    }
}

const NEGATING_FIRST: &[&[u8]] = &[
    b"is",
    b"has",
    b"should",
    b"can",
    b"allow",
    b"allows",
    b"enable",
    b"disable",
    b"use",
    b"show",
    b"require",
    b"requires",
    b"needs",
    b"must",
    b"send",
    b"num",
    b"total",
    b"max",
    b"min",
    b"validate",
    b"verify",
    b"no",
    b"with",
    b"include",
    b"hide",
    b"mask",
];

const META_LAST: &[&[u8]] = &[
    b"enabled",
    b"enable",
    b"disabled",
    b"template",
    b"templates",
    b"subject",
    b"body",
    b"verified",
    b"verification",
    b"confirmed",
    b"confirmation",
    b"required",
    b"reset",
    b"min",
    b"max",
    b"length",
    b"len",
    b"policy",
    b"policies",
    b"format",
    b"formats",
    b"type",
    b"types",
    b"count",
    b"status",
    b"flag",
    b"flags",
    b"valid",
    b"validation",
    b"validated",
    b"regex",
    b"pattern",
    b"label",
    b"placeholder",
    b"hint",
    b"field",
    b"fields",
    b"changed",
    b"updated",
    b"expires",
    b"expiry",
    b"expiration",
    b"expired",
    b"sent",
    b"optin",
    b"opt",
    b"notification",
    b"notifications",
    b"preference",
    b"preferences",
    b"visible",
    b"visibility",
    b"hidden",
    b"strength",
    b"rules",
    b"rule",
    b"allowed",
    b"provider",
    b"domain",
    b"prefix",
    b"suffix",
    b"at",
    b"on",
    b"time",
    b"ts",
    b"timestamp",
    b"url",
    b"uri",
    b"link",
    b"enabled",
    b"settings",
    b"config",
    b"mode",
    b"attempts",
    b"error",
    b"errors",
    b"message",
    b"exists",
    b"set",
    b"present",
    b"masked",
    b"redacted",
    b"last",
    b"digits",
    b"brand",
    b"network",
    b"country",
    b"code",
    b"version",
    b"algorithm",
    b"alg",
    b"scheme",
    b"scope",
    b"scopes",
    b"ttl",
    b"lifetime",
    b"duration",
    b"icon",
    b"color",
    b"colour",
    b"style",
    b"description",
    b"desc",
    b"title",
    b"text",
    b"locale",
    b"language",
    b"lang",
    b"kind",
    b"source",
    b"method",
    b"methods",
];

/// Classify a key or property name. See the crate docs for the normalization.
pub fn classify_key(name: &str) -> Option<KeyClass> {
    classify_key_bytes(name.as_bytes())
}

fn strong(t: DataType) -> Option<KeyClass> {
    Some(KeyClass {
        data_type: t,
        strength: KeyStrength::Strong,
    })
}

fn weak(t: DataType) -> Option<KeyClass> {
    Some(KeyClass {
        data_type: t,
        strength: KeyStrength::Weak,
    })
}

pub(crate) fn classify_key_bytes(name: &[u8]) -> Option<KeyClass> {
    use DataType::*;
    let w = Words::new(name);
    if w.n == 0 {
        return None;
    }
    let c = w.compact();
    match c {
        b"lastevaluatedkey" | b"exclusivestartkey" => return strong(DynamodbPagingKey),
        b"consumedcapacity" => return strong(DynamodbConsumedCapacity),
        b"responsemetadata" => return strong(AwsResponseMetadata),
        _ => {}
    }
    if w.n > 1 && NEGATING_FIRST.contains(&w.first()) {
        return None;
    }
    // Card last-4 keys are the masked form (checked before the meta filter drops `last`).
    if w.contains(&[
        b"cardlast",
        b"lastfour",
        b"maskedcard",
        b"maskedpan",
        b"cardmask",
    ]) {
        return strong(MaskedPaymentCard);
    }
    if META_LAST.contains(&w.last()) && !(w.n == 1 && w.last() == b"pan") {
        return None;
    }
    let pw =
        w.contains(&[b"password", b"passwd", b"passphrase"]) || w.has(&[b"pwd", b"pass", b"pw"]);
    if pw {
        if w.has(&[
            b"hash",
            b"hashed",
            b"digest",
            b"crypt",
            b"bcrypt",
            b"encrypted",
            b"salt",
        ]) {
            return strong(PasswordHash);
        }
        if w.has(&[b"token", b"key", b"code", b"link"]) {
            return strong(GenericSecret);
        }
        return strong(Password);
    }
    if w.contains(&[b"secretaccesskey"]) || (w.has(&[b"aws"]) && w.contains(&[b"secret"])) {
        return strong(AwsSecretKey);
    }
    if w.contains(&[b"accesskeyid"]) {
        return strong(AwsAccessKeyId);
    }
    if w.contains(&[b"sessiontoken", b"securitytoken"]) {
        return strong(AwsSessionToken);
    }
    const NOT_SECRET: &[&[u8]] = &[
        b"next",
        b"page",
        b"cursor",
        b"continuation",
        b"pagination",
        b"csrf",
        b"xsrf",
        b"sync",
        b"name",
        b"id",
        b"public",
        b"publishable",
        b"question",
        b"answer",
        b"count",
        b"format",
    ];
    if w.contains(&[
        b"apikey",
        b"secret",
        b"accesstoken",
        b"refreshtoken",
        b"authtoken",
        b"bearertoken",
        b"privatekey",
        b"clientsecret",
        b"signingkey",
        b"encryptionkey",
        b"masterkey",
        b"credential",
        b"apitoken",
        b"secretkey",
        b"idtoken",
        b"authkey",
        b"accesskey",
        b"sessionkey",
        b"apisecret",
        b"authorization",
    ]) {
        if w.has(NOT_SECRET) && !w.has(&[b"secret"]) {
            return None;
        }
        return strong(GenericSecret);
    }
    if w.has(&[b"token"]) {
        if w.has(NOT_SECRET) {
            return None;
        }
        return weak(GenericSecret);
    }
    if w.has(&[b"jwt"]) {
        return weak(Jwt);
    }
    if w.contains(&[b"email"]) || w.has(&[b"mail"]) || c == b"emailaddress" {
        return strong(Email);
    }
    if w.contains(&[b"phone", b"mobile", b"telephone", b"msisdn"])
        || w.has(&[b"tel", b"cell", b"fax"])
    {
        return strong(Phone);
    }
    if w.has(&[b"ssn"]) || w.contains(&[b"socialsecurity", b"socialnumber", b"socialsec"]) {
        return strong(UsSsn);
    }
    if w.has(&[b"itin"]) {
        return strong(UsItin);
    }
    if w.has(&[b"tin", b"taxid"])
        || w.contains(&[b"taxid", b"taxpayer", b"taxnumber", b"taxidentification"])
    {
        return weak(UsSsn);
    }
    if w.contains(&[
        b"cardnumber",
        b"creditcard",
        b"debitcard",
        b"ccnumber",
        b"ccnum",
        b"cardnum",
        b"cardno",
        b"primaryaccountnumber",
    ]) || w.has(&[b"pan"])
    {
        if w.has(&[
            b"id", b"type", b"brand", b"holder", b"exp", b"cvv", b"token",
        ]) {
            return None;
        }
        return strong(PaymentCard);
    }
    if w.has(&[b"card"])
        && w.n <= 2
        && !w.has(&[
            b"id",
            b"holder",
            b"token",
            b"key",
            b"exp",
            b"expiry",
            b"expiration",
            b"expires",
            b"month",
            b"year",
            b"type",
            b"brand",
            b"network",
            b"country",
            b"status",
            b"issuer",
            b"bin",
            b"color",
            b"title",
            b"image",
        ])
    {
        return weak(PaymentCard);
    }
    if w.contains(&[b"iban"]) {
        return strong(Iban);
    }
    if w.has(&[b"routing", b"aba", b"rtn"]) || w.contains(&[b"routingnumber", b"routingno"]) {
        return strong(AbaRouting);
    }
    if w.contains(&[
        b"accountnumber",
        b"acctnumber",
        b"accountno",
        b"acctno",
        b"acctnum",
        b"bankaccount",
        b"bban",
    ]) {
        return strong(BankAccount);
    }
    if (w.has(&[b"dob", b"born", b"birthday", b"birthdate"]) || w.contains(&[b"birth"]))
        && !w.has(&[b"place", b"country", b"city", b"year", b"location"])
    {
        return strong(DateOfBirth);
    }
    if w.contains(&[b"passport"]) {
        return strong(Passport);
    }
    if w.contains(&[
        b"nationalid",
        b"nationalidentity",
        b"nationalinsurance",
        b"driverlicen",
        b"driverslicen",
        b"drivinglicen",
        b"aadhaar",
        b"personnummer",
        b"idcardnumber",
        b"nationalnumber",
        b"governmentid",
        b"socialinsurance",
    ]) || w.has(&[
        b"nino", b"nhs", b"sin", b"cpf", b"dni", b"nie", b"nif", b"curp", b"pesel", b"bsn",
    ]) {
        return strong(NationalId);
    }
    const NOT_STREET: &[&[u8]] = &[
        b"ip",
        b"email",
        b"mac",
        b"wallet",
        b"server",
        b"remote",
        b"web",
        b"url",
        b"bitcoin",
        b"hardware",
        b"contract",
        b"memory",
        b"base",
        b"mail",
        b"eth",
        b"host",
        b"network",
        b"bind",
        b"listen",
        b"socket",
        b"ipv",
        b"local",
        b"public",
        b"private",
        b"node",
        b"peer",
    ];
    if w.contains(&[
        b"streetaddress",
        b"street",
        b"addressline",
        b"homeaddress",
        b"billingaddress",
        b"shippingaddress",
        b"mailingaddress",
        b"postaladdress",
        b"residentialaddress",
    ]) && !w.has(NOT_STREET)
    {
        return strong(StreetAddress);
    }
    if w.has(&[b"address", b"addr"]) && !w.has(NOT_STREET) {
        return weak(StreetAddress);
    }
    if w.has(&[b"ip", b"ipv", b"ipaddress", b"ipaddr"])
        || w.contains(&[
            b"ipaddress",
            b"remoteaddr",
            b"clientip",
            b"sourceip",
            b"forwardedfor",
            b"realip",
        ])
    {
        return weak(IpPublic);
    }
    if w.has(&[
        b"lat",
        b"latitude",
        b"lng",
        b"lon",
        b"longitude",
        b"coordinates",
        b"coords",
        b"geo",
        b"geolocation",
        b"latlng",
        b"latlong",
        b"geopoint",
    ]) {
        return strong(GeoCoordinates);
    }
    if w.has(&[b"location", b"position", b"gps"]) {
        return weak(GeoCoordinates);
    }
    if w.contains(&[
        b"username",
        b"filename",
        b"hostname",
        b"company",
        b"product",
        b"table",
        b"file",
        b"host",
        b"nickname",
    ]) {
        return None;
    }
    if w.contains(&[
        b"firstname",
        b"lastname",
        b"fullname",
        b"givenname",
        b"familyname",
        b"surname",
        b"middlename",
        b"maidenname",
        b"legalname",
        b"cardholdername",
        b"holdername",
        b"personname",
        b"contactname",
        b"customername",
        b"patientname",
        b"employeename",
        b"forename",
        b"realname",
        b"displayname",
    ]) {
        return strong(PersonName);
    }
    if w.n == 1 && w.last() == b"name" {
        return weak(PersonName);
    }
    if w.contains(&[b"awsaccount"]) || c == b"account" || c == b"accountid" || c == b"owneraccount"
    {
        return weak(AwsAccountId);
    }
    if w.contains(&[b"stacktrace", b"traceback", b"backtrace"]) || w.has(&[b"stack", b"trace"]) {
        return weak(StackTrace);
    }
    None
}

/// Parent keys under which a bare `name` is a person's name.
pub(crate) fn is_person_parent(key: &[u8]) -> bool {
    let w = Words::new(key);
    w.has(&[
        b"user",
        b"users",
        b"customer",
        b"customers",
        b"patient",
        b"patients",
        b"employee",
        b"employees",
        b"cardholder",
        b"contact",
        b"contacts",
        b"owner",
        b"author",
        b"member",
        b"members",
        b"person",
        b"people",
        b"account",
        b"profile",
        b"billing",
        b"shipping",
        b"recipient",
        b"sender",
        b"guest",
        b"passenger",
        b"student",
        b"client",
        b"holder",
    ])
}

/// Small direct-mapped cache so repeated keys (arrays of objects) are classified once per scan.
pub(crate) struct KeyCache {
    slots: Vec<Slot>,
}

#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    person: bool,
    words: [u64; 4],
    class: Option<KeyClass>,
}

const CACHE_SLOTS: usize = 256;

thread_local! {
    static CACHE: std::cell::RefCell<KeyCache> = const { std::cell::RefCell::new(KeyCache::new()) };
}

/// Classify with a per-thread cache (fixed size: 256 slots, two-way), shared by every scan on the
/// thread, so repeated keys across responses cost one lookup.
pub(crate) fn classify_cached(key: &[u8]) -> Option<KeyClass> {
    lookup(key).0
}

/// [`is_person_parent`] through the same cache.
pub(crate) fn person_parent_cached(key: &[u8]) -> bool {
    lookup(key).1
}

fn lookup(key: &[u8]) -> (Option<KeyClass>, bool) {
    CACHE
        .try_with(|c| match c.try_borrow_mut() {
            Ok(mut c) => c.lookup(key),
            Err(_) => (classify_key_bytes(key), is_person_parent(key)),
        })
        .unwrap_or_else(|_| (classify_key_bytes(key), is_person_parent(key)))
}

#[inline(always)]
fn load8(k: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&k[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Four words that together cover every byte of a key of at most 32 bytes.
#[inline(always)]
fn key_words(k: &[u8]) -> [u64; 4] {
    let n = k.len();
    if n < 8 {
        let mut w = 0u64;
        for (i, &c) in k.iter().enumerate() {
            w |= (c as u64) << (8 * i);
        }
        return [w, 0, 0, 0];
    }
    [
        load8(k, 0),
        load8(k, n - 8),
        load8(k, 8.min(n - 8)),
        load8(k, n.saturating_sub(16)),
    ]
}

impl KeyCache {
    pub(crate) const fn new() -> KeyCache {
        KeyCache { slots: Vec::new() }
    }

    fn lookup(&mut self, key: &[u8]) -> (Option<KeyClass>, bool) {
        if key.is_empty() || key.len() > 32 {
            return if key.is_empty() {
                (None, false)
            } else {
                (classify_key_bytes(key), is_person_parent(key))
            };
        }
        if self.slots.is_empty() {
            self.slots = vec![
                Slot {
                    len: 0,
                    person: false,
                    words: [0; 4],
                    class: None
                };
                CACHE_SLOTS
            ];
        }
        let w = key_words(key);
        let h =
            (w[0] ^ w[1].rotate_left(17) ^ (key.len() as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // two-way set associative: slots i and i+1, most recent first
        let i = (h >> 56) as usize & (CACHE_SLOTS - 2);
        for j in [i, i + 1] {
            let s = &self.slots[j];
            if s.len as usize == key.len()
                && s.words[0] == w[0]
                && s.words[1] == w[1]
                && s.words[2] == w[2]
                && s.words[3] == w[3]
            {
                return (s.class, s.person);
            }
        }
        let class = classify_key_bytes(key);
        let person = is_person_parent(key);
        self.slots[i + 1] = self.slots[i];
        self.slots[i] = Slot {
            len: key.len() as u8,
            person,
            words: w,
            class,
        };
        (class, person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    fn t(k: &str) -> Option<DataType> {
        classify_key(k).map(|c| c.data_type)
    }

    #[test]
    fn taxonomy() {
        assert_eq!(t("email"), Some(Email));
        assert_eq!(t("userEmail"), Some(Email));
        assert_eq!(t("email_address"), Some(Email));
        assert_eq!(t("email_enabled"), None);
        assert_eq!(t("email_template"), None);
        assert_eq!(t("emailSubject"), None);
        assert_eq!(t("isEmailVerified"), None);
        assert_eq!(t("password"), Some(Password));
        assert_eq!(t("password_reset_required"), None);
        assert_eq!(t("password_min_length"), None);
        assert_eq!(t("passwordHash"), Some(PasswordHash));
        assert_eq!(t("ssn"), Some(UsSsn));
        assert_eq!(t("SSN"), Some(UsSsn));
        assert_eq!(t("classname"), None);
        assert_eq!(t("dob"), Some(DateOfBirth));
        assert_eq!(t("dateOfBirth"), Some(DateOfBirth));
        assert_eq!(t("first_name"), Some(PersonName));
        assert_eq!(t("firstName"), Some(PersonName));
        assert_eq!(t("getFirstName"), Some(PersonName));
        assert_eq!(t("file_name"), None);
        assert_eq!(t("api_key"), Some(GenericSecret));
        assert_eq!(t("X-Api-Key"), Some(GenericSecret));
        assert_eq!(t("next_token"), None);
        assert_eq!(t("aws_secret_access_key"), Some(AwsSecretKey));
        assert_eq!(t("LastEvaluatedKey"), Some(DynamodbPagingKey));
        assert_eq!(t("routing_number"), Some(AbaRouting));
        assert_eq!(t("account_number"), Some(BankAccount));
        assert_eq!(t("ip_address"), Some(IpPublic));
        assert_eq!(t("email_ip_address"), Some(Email));
        assert_eq!(t("latitude"), Some(GeoCoordinates));
        assert_eq!(t("card_number"), Some(PaymentCard));
        assert_eq!(t("card_exp"), None);
        assert_eq!(t("cardExpiry"), None);
        assert_eq!(t("card_last4"), Some(MaskedPaymentCard));
        assert_eq!(t("street_address"), Some(StreetAddress));
        assert_eq!(t("shippingAddress"), Some(StreetAddress));
        assert_eq!(t("passport_no"), Some(Passport));
        assert_eq!(t("created_at"), None);
        assert_eq!(t("id"), None);
    }
}
