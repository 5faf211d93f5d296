//! What a property or parameter name means: personal data, a secret, a reference to something, a
//! privileged field, an id — decided from the whole compound name.
//!
//! English compounds put the thing last (`client_secret` is a secret, `secret_name` is a name,
//! `RoutingControlArn` an ARN, `address_line1_check` a check): the *head* word decides, the words
//! before it qualify it. A word that merely occurs inside the name (`adaptiveCard`, `mobileKey`,
//! `BirthState`) is not enough. Each meaning carries an evidence [`Strength`]: a name alone is never
//! proof, and a weak name is only a hint.

use crate::words::words;

/// How strongly a name says what its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// A hint (`name`, `card`, `token`, `tin`, `latitude`): needs a value, a format or a parent
    /// object to agree before it counts.
    Weak,
    /// The name says what the value is (`email`, `ssn`, `client_secret`, `date_of_birth`).
    Strong,
}

/// Personal data a name can announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Personal {
    Email,
    Phone,
    Ssn,
    /// A tax id: an SSN for a person, but organisations have them too.
    TaxId,
    PaymentCard,
    Iban,
    RoutingNumber,
    BankAccount,
    DateOfBirth,
    StreetAddress,
    Passport,
    NationalId,
    IpAddress,
    GeoLocation,
    PersonName,
}

/// Credentials a name can announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Secret {
    Password,
    PasswordHash,
    /// An API key, access key, signing or encryption key.
    Key,
    /// A bearer-like token (access, refresh, session, id token).
    Token,
    /// A shared secret (`client_secret`, `webhook_secret`).
    SharedSecret,
    PrivateKey,
    AwsSecretKey,
    AwsAccessKeyId,
    AwsSessionToken,
}

/// Fields a caller must not set on themselves (mass-assignment targets) and must not be trusted
/// from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Privilege {
    /// `role`, `roles`, `is_admin`, `is_superuser`, `is_staff`, `permissions`, `privileges`.
    Role,
    /// `balance`, `credit`, `credits`.
    Money,
    /// `owner_id`, `owner`, `tenant_id`, `account_id`, `group_id`: who the object belongs to.
    Ownership,
    /// `verified`, `email_verified`, `approved`, `plan`, `tier`: states the server decides.
    Status,
}

/// What a name means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Meaning {
    Personal(Personal),
    /// Personal data in its masked or protected form (`MaskedMSISDN`, `card_last4`): the fix.
    Masked(Personal),
    Secret(Secret),
    /// A reference to something (its id, ARN, URL, name, ref): not the thing itself
    /// (`secretName`, `SecretArn`, `bankAccountId`, `emailTemplateId`).
    Reference,
}

/// A meaning with the strength of the name's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Classified {
    pub meaning: Meaning,
    pub strength: Strength,
}

fn strong(m: Meaning) -> Option<Classified> {
    Some(Classified {
        meaning: m,
        strength: Strength::Strong,
    })
}

fn weak(m: Meaning) -> Option<Classified> {
    Some(Classified {
        meaning: m,
        strength: Strength::Weak,
    })
}

/// Head words that make the name a reference to something rather than the thing.
const REFERENCE_HEADS: &[&str] = &[
    "id",
    "ids",
    "uuid",
    "guid",
    "uid",
    "arn",
    "arns",
    "ref",
    "refs",
    "reference",
    "references",
    "url",
    "urls",
    "uri",
    "uris",
    "href",
    "link",
    "links",
    "path",
    "file",
    "namespace",
    "location",
    "identifier",
    "handle",
    "selector",
];

/// Qualifiers before a contact word that make it a business's or a system's contact, public by
/// design (`support_email`, `serviceAccountEmail`, `noreply_email`).
const NON_PERSONAL_OWNERS: &[&str] = &[
    "support",
    "business",
    "company",
    "organization",
    "organisation",
    "org",
    "service",
    "sales",
    "noreply",
    "bank",
    "merchant",
    "store",
    "shop",
    "vendor",
    "provider",
    "sender",
    "from",
    "reply",
    "bot",
    "system",
    "server",
    "device",
    "agent",
    "office",
    "venue",
    "hotel",
    "facility",
    "branch",
    "group",
];

/// Classify a property or parameter name. `None` when the name says nothing this taxonomy knows.
pub fn classify(name: &str) -> Option<Classified> {
    let mut w = words(name);
    // Digits carry no meaning here (`address_line1`, `street2`).
    w.retain(|x| !x.bytes().all(|b| b.is_ascii_digit()));
    if w.len() > 1 && matches!(w[0].as_str(), "get" | "set") {
        w.remove(0);
    }
    // Japanese script variants of a name are the same name (`first_name_kana`).
    if w.len() > 1 && matches!(w[w.len() - 1].as_str(), "kana" | "kanji") {
        w.pop();
    }
    let compact: String = w.concat();
    if w.is_empty() {
        return None;
    }
    let n = w.len();
    let head = w[n - 1].as_str();
    let first = w[0].as_str();
    let has = |x: &str| w.iter().any(|y| y == x);

    // Masked and protected forms first: `MaskedMSISDN`, `card_last4`, `ProtectedMobileData`.
    if n > 1
        && matches!(
            first,
            "masked" | "redacted" | "obfuscated" | "hashed" | "encrypted"
        )
        && let Some(p) = personal(&w[1..])
    {
        return strong(Meaning::Masked(p.0));
    }
    if (has("last") && (has("four") || has("digits")) || compact.ends_with("last"))
        && (has("card") || has("pan") || has("account") || has("ssn") || has("iban"))
    {
        return strong(Meaning::Masked(Personal::PaymentCard));
    }
    if n > 1
        && matches!(
            first,
            "is" | "has"
                | "can"
                | "should"
                | "allow"
                | "enable"
                | "disable"
                | "use"
                | "show"
                | "require"
                | "requires"
                | "needs"
                | "must"
                | "send"
                | "num"
                | "total"
                | "max"
                | "min"
                | "validate"
                | "verify"
                | "no"
                | "with"
                | "include"
                | "hide"
                | "mask"
                | "count"
                | "number"
        )
        && !(first == "number" && has("account"))
    {
        return None;
    }

    // References: the head names a pointer to something (`secret_name`, `SecretArn`,
    // `emailTemplateId`) — but `tax_id`, `national_id` are the identity numbers themselves.
    let identity_number = n > 1
        && head == "id"
        && matches!(
            w[n - 2].as_str(),
            "tax" | "national" | "government" | "voter" | "citizen"
        );
    if REFERENCE_HEADS.contains(&head) && n > 1 && !identity_number {
        return strong(Meaning::Reference);
    }
    if n > 1
        && matches!(head, "name" | "names")
        && w[..n - 1].iter().any(|x| {
            matches!(
                x.as_str(),
                "secret" | "key" | "token" | "credential" | "certificate" | "password" | "vault"
            )
        })
    {
        return strong(Meaning::Reference);
    }
    if n > 1 && matches!(head, "uuid" | "guid") {
        return strong(Meaning::Reference);
    }

    if let Some(s) = secret(&w, &compact) {
        return Some(s);
    }
    if let Some((p, st)) = personal(&w) {
        return Some(Classified {
            meaning: Meaning::Personal(p),
            strength: st,
        });
    }
    None
}

fn secret(w: &[String], compact: &str) -> Option<Classified> {
    let n = w.len();
    let head = w[n - 1].as_str();
    let prev = if n > 1 { w[n - 2].as_str() } else { "" };
    let has = |x: &str| w.iter().any(|y| y == x);
    // AWS credential triple (STS answers, credential files).
    match compact {
        "secretaccesskey" | "awssecretaccesskey" | "awssecretkey" => {
            return strong(Meaning::Secret(Secret::AwsSecretKey));
        }
        "accesskeyid" | "awsaccesskeyid" => return strong(Meaning::Secret(Secret::AwsAccessKeyId)),
        "sessiontoken" | "awssessiontoken" | "securitytoken" => {
            return strong(Meaning::Secret(Secret::AwsSessionToken));
        }
        _ => {}
    }
    let pw_word = |x: &str| {
        matches!(
            x,
            "password" | "passwd" | "passphrase" | "pwd" | "pw" | "passcode"
        )
    };
    // `password`, `emailPassword`, `password_hash`, `hashed_password`, `passwordDigest`.
    if pw_word(head) {
        if n > 1 && matches!(w[0].as_str(), "hashed" | "encrypted") {
            return strong(Meaning::Secret(Secret::PasswordHash));
        }
        if matches!(prev, "old" | "new" | "current" | "confirm") || n == 1 || !has("reset") {
            return strong(Meaning::Secret(Secret::Password));
        }
    }
    if n > 1 && pw_word(prev) {
        return match head {
            "hash" | "hashed" | "digest" | "crypt" | "bcrypt" | "salt" => {
                strong(Meaning::Secret(Secret::PasswordHash))
            }
            "token" | "key" => strong(Meaning::Secret(Secret::Token)),
            _ => None,
        };
    }
    // Secrets: the head is `secret` (`client_secret`, `webhook_secret`, `pingSecret`).
    if head == "secret" {
        return strong(Meaning::Secret(Secret::SharedSecret));
    }
    if head == "secrets" || head == "credentials" || head == "credential" {
        return weak(Meaning::Secret(Secret::SharedSecret));
    }
    // Keys: `api_key`, `amazonSnsAccessKey`, `secret_key`, `private_key`, `signing_key`.
    if head == "key" && n > 1 {
        return match prev {
            "private" => strong(Meaning::Secret(Secret::PrivateKey)),
            "api" | "access" | "secret" | "auth" | "signing" | "encryption" | "master"
            | "session" | "client" | "app" | "application" | "webhook" | "hmac" | "shared"
            | "account" | "subscription" | "developer" | "license" => {
                strong(Meaning::Secret(Secret::Key))
            }
            "routing" => weak(Meaning::Secret(Secret::Key)),
            _ => None,
        };
    }
    if compact == "apikey" || compact == "apisecret" || compact == "xapikey" {
        return strong(Meaning::Secret(Secret::Key));
    }
    // Tokens: `access_token`, `refreshToken`, `oauthToken`, `X-Auth-Token`; a bare `token` hints.
    if head == "token" {
        if n == 1 {
            return weak(Meaning::Secret(Secret::Token));
        }
        return match prev {
            "access" | "refresh" | "auth" | "bearer" | "api" | "id" | "oauth" | "session"
            | "security" | "personal" | "app" | "bot" | "service" | "secret" | "private"
            | "admin" | "authentication" | "authorization" | "user" | "client" | "jwt"
            | "identity" => strong(Meaning::Secret(Secret::Token)),
            // Paging, CSRF and push tokens are not credentials.
            "next" | "page" | "continuation" | "pagination" | "sync" | "csrf" | "xsrf"
            | "device" | "push" | "registration" | "cursor" | "marker" | "etag" | "change"
            | "delta" | "resume" | "idempotency" | "public" | "publishable" | "test" => None,
            _ => weak(Meaning::Secret(Secret::Token)),
        };
    }
    if head == "jwt" {
        return weak(Meaning::Secret(Secret::Token));
    }
    None
}

/// Personal data from the words of a name (already stripped of masking prefixes).
fn personal(w: &[String]) -> Option<(Personal, Strength)> {
    use Personal::*;
    use Strength::*;
    let n = w.len();
    if n == 0 {
        return None;
    }
    let head = w[n - 1].as_str();
    let prev = if n > 1 { w[n - 2].as_str() } else { "" };
    let before = &w[..n - 1];
    let has = |x: &str| w.iter().any(|y| y == x);
    let owned_by_business = before
        .iter()
        .any(|x| NON_PERSONAL_OWNERS.contains(&x.as_str()));
    let compact: String = w.concat();

    // The head noun, possibly followed by `number`/`no`/`address` (`phone_number`, `email_address`).
    let (core, core_prev) = if n > 1 && matches!(head, "number" | "no" | "num" | "nr" | "address") {
        (prev, if n > 2 { w[n - 3].as_str() } else { "" })
    } else {
        (head, prev)
    };

    match core {
        "email" | "mail" | "emails" => {
            if owned_by_business || has("template") {
                return None;
            }
            return Some((Email, Strong));
        }
        "phone" | "telephone" | "mobile" | "msisdn" | "tel" | "cellphone" | "fax" | "phones" => {
            if owned_by_business {
                return None;
            }
            // `mobile` alone is often a flag or a platform; `fax` rarely personal.
            let st = if matches!(core, "mobile" | "fax") && core == head {
                Weak
            } else {
                Strong
            };
            return Some((Phone, st));
        }
        "cell" if core != head => return Some((Phone, Strong)),
        "ssn" => return Some((Ssn, Strong)),
        "security" if core_prev == "social" => return Some((Ssn, Strong)),
        "tin" | "itin" | "ein" => return Some((TaxId, Weak)),
        "id" | "number" if core_prev == "tax" => return Some((TaxId, Weak)),
        "tax" if core != head => return Some((TaxId, Weak)),
        "taxpayer" => return Some((TaxId, Weak)),
        "iban" => return Some((Iban, Strong)),
        "ban" if core_prev == "i" => return Some((Iban, Strong)),
        "bban" => return Some((BankAccount, Strong)),
        "routing" | "aba" | "rtn" if core != head || core != "routing" => {
            return Some((RoutingNumber, Strong));
        }
        "account" | "acct"
            if core != head
                && !before
                    .iter()
                    .any(|x| x != "bank" && NON_PERSONAL_OWNERS.contains(&x.as_str())) =>
        {
            // `account_number`, `bank_account_number`; not `account_holder_name`.
            return Some((BankAccount, Strong));
        }
        "account" if core_prev == "bank" => return Some((BankAccount, Weak)),
        "card" if core != head || matches!(core_prev, "credit" | "debit" | "payment") => {
            // `card_number`, `cardNumber`, `credit_card`; not `adaptiveCard`, `issuing_card`.
            return Some((PaymentCard, Strong));
        }
        "card" if n == 1 => return Some((PaymentCard, Weak)),
        "pan" | "ccnumber" | "ccnum" | "cardnumber" => return Some((PaymentCard, Strong)),
        "cc" if core != head => return Some((PaymentCard, Strong)),
        "dob" | "birthday" | "birthdate" | "born" => return Some((DateOfBirth, Strong)),
        "date" if core_prev == "birth" => return Some((DateOfBirth, Strong)),
        "birth" if n >= 3 && core_prev == "of" && w[n - 3] == "date" => {
            return Some((DateOfBirth, Strong));
        }
        "passport" | "passports" => return Some((Passport, Strong)),
        "nino" | "nhs" | "aadhaar" | "cpf" | "dni" | "curp" | "pesel" | "personnummer" => {
            return Some((NationalId, Strong));
        }
        "sin" | "nif" | "nie" | "bsn" => return Some((NationalId, Weak)),
        "licence" | "license" if has("driver") || has("drivers") || has("driving") => {
            return Some((NationalId, Strong));
        }
        "id" if core_prev == "national" || core_prev == "government" => {
            return Some((NationalId, Strong));
        }
        "street" | "streets" if !owned_by_business => return Some((StreetAddress, Strong)),
        "line" if core_prev == "address" && !owned_by_business => {
            return Some((StreetAddress, Strong));
        }
        "ip" | "ipv" | "ipaddress" => return Some((IpAddress, Weak)),
        "latitude" | "longitude" | "lat" | "lng" | "lon" | "coordinates" | "coords"
        | "geolocation" | "latlng" | "latlong" | "geopoint" => return Some((GeoLocation, Weak)),
        _ => {}
    }
    if head == "address" && n > 1 {
        if matches!(
            prev,
            "ip" | "ipv"
                | "mac"
                | "email"
                | "mail"
                | "wallet"
                | "server"
                | "remote"
                | "web"
                | "bitcoin"
                | "hardware"
                | "contract"
                | "memory"
                | "base"
                | "eth"
                | "host"
                | "network"
                | "bind"
                | "listen"
                | "socket"
                | "local"
                | "public"
                | "private"
                | "node"
                | "peer"
                | "ethernet"
                | "multicast"
                | "gateway"
                | "dns"
                | "subnet"
                | "broadcast"
        ) {
            return if matches!(prev, "ip" | "ipv") {
                Some((IpAddress, Weak))
            } else {
                None
            };
        }
        if owned_by_business {
            return None;
        }
        return match prev {
            "street" | "home" | "billing" | "shipping" | "mailing" | "postal" | "residential"
            | "physical" | "residence" | "delivery" | "customer" | "user" | "patient" | "owner"
            | "personal" => Some((StreetAddress, Strong)),
            _ => Some((StreetAddress, Weak)),
        };
    }
    if head == "address" {
        return Some((StreetAddress, Weak));
    }
    // Person names: `first_name`, `lastName`, `cardholder_name`; never `display_name`,
    // `legal_name`, `user_name` (chosen or public names).
    if head == "name" || head == "names" || head == "surname" || head == "forename" {
        if head == "surname" || head == "forename" {
            return Some((PersonName, Strong));
        }
        if n == 1 {
            return Some((PersonName, Weak));
        }
        return match prev {
            "first" | "last" | "full" | "given" | "family" | "middle" | "maiden" | "real"
            | "birth" => Some((PersonName, Strong)),
            "holder" | "cardholder" | "patient" | "customer" | "contact" | "employee"
            | "person" | "recipient" | "passenger" | "guest" | "member" | "student" => {
                if owned_by_business {
                    None
                } else {
                    Some((PersonName, Strong))
                }
            }
            _ => None,
        };
    }
    if compact == "firstname" || compact == "lastname" || compact == "fullname" {
        return Some((PersonName, Strong));
    }
    None
}

/// Infrastructure a name announces: the shapes of cloud APIs and of debugging output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Internal {
    /// `LastEvaluatedKey`, `ExclusiveStartKey`: DynamoDB paging keys (they hold an item's key).
    PagingKey,
    /// `ConsumedCapacity`: DynamoDB's capacity report, passed through.
    ConsumedCapacity,
    /// `ResponseMetadata`: an AWS SDK response passed through.
    ResponseMetadata,
    /// `Account`, `AccountId`, `aws_account_id`, `OwnerAccount`: an AWS account id (when the value
    /// is one: 12 digits).
    CloudAccountId,
    /// `stackTrace`, `traceback`, `backtrace`, `exception_stack`.
    StackTrace,
}

/// What a name says about infrastructure: AWS and DynamoDB response shapes, account ids, stack
/// traces. The wire names are exact (`LastEvaluatedKey`); the others are judged on the head word.
pub fn internal(name: &str) -> Option<(Internal, Strength)> {
    use Internal::*;
    let w = words(name);
    let compact: String = w.concat();
    match compact.as_str() {
        "lastevaluatedkey" | "exclusivestartkey" => return Some((PagingKey, Strength::Strong)),
        "consumedcapacity" => return Some((ConsumedCapacity, Strength::Strong)),
        "responsemetadata" => return Some((ResponseMetadata, Strength::Strong)),
        "account" | "accountid" | "owneraccount" | "owneraccountid" => {
            return Some((CloudAccountId, Strength::Weak));
        }
        _ => {}
    }
    let has = |x: &str| w.iter().any(|y| y == x);
    if has("aws") && has("account") {
        return Some((CloudAccountId, Strength::Weak));
    }
    let head = w.last()?.as_str();
    if matches!(
        head,
        "stack" | "trace" | "traceback" | "backtrace" | "stacktrace" | "stacktraces" | "traces"
    ) {
        return Some((StackTrace, Strength::Weak));
    }
    None
}

/// An object whose bare `name` member is a person's name (`user`, `customer`, `billing`,
/// `cardholder`): its name alone is only a hint, so the detector asks the parent.
pub fn is_person_object(name: &str) -> bool {
    const PERSON_OBJECTS: &[&str] = &[
        "user",
        "users",
        "customer",
        "customers",
        "patient",
        "patients",
        "employee",
        "employees",
        "cardholder",
        "contact",
        "contacts",
        "owner",
        "author",
        "member",
        "members",
        "person",
        "people",
        "account",
        "profile",
        "billing",
        "shipping",
        "recipient",
        "sender",
        "guest",
        "passenger",
        "student",
        "client",
        "holder",
    ];
    words(name)
        .iter()
        .any(|w| PERSON_OBJECTS.contains(&w.as_str()))
}

/// A name whose value is a version (`version`, `appVersion`, `build_number`, `firmware`): a dotted
/// quad there is a version number, not an IP address.
pub fn is_version(name: &str) -> bool {
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "version" | "versions" | "build" | "release" | "revision" | "firmware"
        )
    })
}

/// A contact field of a business, a system or a sender (`support_email`, `emailFromAddress`,
/// `serviceAccountEmail`): not personal data to protect, whatever its format says.
pub fn is_business_contact(name: &str) -> bool {
    let w = words(name);
    w.len() > 1
        && w.iter().any(|x| {
            matches!(
                x.as_str(),
                "email" | "mail" | "phone" | "telephone" | "fax" | "address"
            )
        })
        && w.iter().any(|x| NON_PERSONAL_OWNERS.contains(&x.as_str()))
}

/// A privileged field a caller must not set on itself, with how sure the name is. Judged on the
/// whole name: `role` is a privilege, `roleArn` a reference, `message.role` (a chat author) is
/// decided by the caller, who sees the sibling fields.
pub fn privilege(name: &str) -> Option<(Privilege, Strength)> {
    let w = words(name);
    if w.is_empty() {
        return None;
    }
    let joined = w.join("_");
    use Privilege::*;
    use Strength::*;
    let p = match joined.as_str() {
        "role" | "roles" | "user_role" | "is_admin" | "admin" | "is_superuser" | "superuser"
        | "is_staff" | "staff" | "permissions" | "permission" | "privileges" | "privilege"
        | "access_level" | "user_type" | "is_root" | "groups" => (Role, Strong),
        "scopes" => (Role, Weak),
        "balance" | "credit" | "credits" | "account_balance" | "wallet_balance" => (Money, Strong),
        "owner_id" | "owner" | "user_id" | "tenant_id" | "created_by" | "organization_id"
        | "org_id" => (Ownership, Weak),
        "account_id" | "group_id" => (Ownership, Weak),
        "verified" | "is_verified" | "email_verified" | "phone_verified" | "approved"
        | "is_approved" | "kyc_status" => (Status, Weak),
        "plan" | "tier" | "subscription_tier" => (Status, Weak),
        _ => return None,
    };
    Some(p)
}

/// A cookie name that carries a session or credential (`session`, `JSESSIONID`, `auth_token`,
/// `cart_sid`), by whole words, never substrings (`considered` is not one).
pub fn is_session_cookie(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "session" | "sess" | "sessionid" | "token" | "auth" | "jwt" | "sid" | "login"
        )
    }) || l.ends_with("sessionid")
        || l.ends_with("sessid")
}

/// A name that identifies an object (`id`, `user_id`, `orderId`, `uuid`, `order_number`, `key`).
pub fn is_id(name: &str) -> bool {
    let w = words(name);
    let Some(head) = w.last() else {
        return false;
    };
    matches!(
        head.as_str(),
        "id" | "ids" | "uid" | "uuid" | "guid" | "key" | "number" | "no" | "slug" | "pk"
    )
}

/// What a URL-valued name is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlRole {
    /// A URL the server may fetch or call (`callback_url`, `webhook`, `image_url`, `feed_url`,
    /// a bare `url`): the SSRF surface.
    Fetch,
    /// Where a browser is sent (`redirect_uri`, `return_url`, `success_url`): open-redirect
    /// surface, not fetched by the server.
    Redirect,
    /// A link shown to people (`website`, `homepage`, `support_url`, `privacy_policy_url`).
    Display,
}

const REDIRECT_WORDS: &[&str] = &[
    "redirect",
    "return",
    "success",
    "cancel",
    "failure",
    "failed",
    "error",
    "back",
    "continue",
    "login",
    "logout",
    "next",
    "previous",
    "prev",
    "refresh",
    "complete",
    "completion",
    "done",
    "exit",
];

const DISPLAY_WORDS: &[&str] = &[
    "website",
    "homepage",
    "home",
    "support",
    "privacy",
    "policy",
    "terms",
    "tos",
    "html",
    "web",
    "docs",
    "documentation",
    "doc",
    "help",
    "info",
    "learn",
    "marketing",
    "share",
    "permalink",
    "canonical",
    "self",
    "dashboard",
    "portal",
    "profile",
    "status",
    "blog",
    "twitter",
    "facebook",
    "linkedin",
    "github",
    "instagram",
    "youtube",
    "social",
    "license",
    "licence",
    "tracking",
    "receipt",
    "invoice",
    "hosted",
    "public",
    "external",
    "display",
    "preview",
    "thumbnail",
    "note",
    "referer",
    "referrer",
    "origin",
    "details",
    "detail",
    "start",
    "landing",
];

/// The role of a URL-valued name, if the name says it holds a URL.
pub fn url_role(name: &str) -> Option<UrlRole> {
    let w = words(name);
    let head = w.last()?.as_str();
    let before = &w[..w.len() - 1];
    let url_head = matches!(
        head,
        "url" | "uri" | "href" | "endpoint" | "feed" | "urls" | "uris"
    );
    // Bare `link`, `target`, `destination` name too many other things (a network, a relation).
    let bare_fetch = w.len() == 1
        && matches!(
            head,
            "webhook" | "proxy" | "fetch" | "website" | "homepage" | "redirect" | "next" | "site"
        );
    if !url_head && !bare_fetch {
        return None;
    }
    // A relative reference cannot point at another host.
    if before.iter().any(|x| x == "relative") {
        return None;
    }
    let any = |ws: &[&str]| {
        before.iter().any(|x| ws.contains(&x.as_str())) || w.len() == 1 && ws.contains(&head)
    };
    if any(REDIRECT_WORDS) {
        return Some(UrlRole::Redirect);
    }
    if any(DISPLAY_WORDS) {
        return Some(UrlRole::Display);
    }
    Some(UrlRole::Fetch)
}

/// A schema `format` that types a value as a URL: `uri`, `url` or `iri`, in any casing (not
/// `uri-reference`, which may be relative).
pub fn is_url_format(format: Option<&str>) -> bool {
    format.is_some_and(|f| {
        f.eq_ignore_ascii_case("uri")
            || f.eq_ignore_ascii_case("url")
            || f.eq_ignore_ascii_case("iri")
    })
}

/// A name whose value is a URL the server may fetch (`callback_url`, `avatarUrl`, `webhook`).
pub fn is_url(name: &str) -> bool {
    url_role(name) == Some(UrlRole::Fetch)
}

#[cfg(test)]
mod tests;
