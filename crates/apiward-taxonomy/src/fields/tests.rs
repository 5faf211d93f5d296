//! Names taken from the shared corpus of public specs (Stripe, GitHub, Kubernetes, Azure, AWS,
//! Adyen, Google and smaller APIs) with what a reviewer says they mean.

use super::{
    Internal, Meaning, Personal as P, Privilege, Strength, UrlRole, classify, internal, is_id,
    is_person_object, is_url, is_version, privilege, url_role,
};
use Meaning::{Masked, Reference};
use P::*;
use Strength::*;

fn m(name: &str) -> Option<(Meaning, Strength)> {
    classify(name).map(|c| (c.meaning, c.strength))
}

#[test]
fn personal_data_positive() {
    let table: &[(&str, P, Strength)] = &[
        ("email", Email, Strong),
        ("receipt_email", Email, Strong),
        ("customer_email", Email, Strong),
        ("emailAddress", Email, Strong),
        ("EmailAddress", Email, Strong),
        ("inviteeEmail", Email, Strong),
        ("phone", Phone, Strong),
        ("phone_number", Phone, Strong),
        ("customer_phone", Phone, Strong),
        ("mobilePhoneNumber", Phone, Strong),
        ("MSISDN", Phone, Strong),
        ("faxNumber", Phone, Strong),
        ("tel", Phone, Strong),
        ("mobile", Phone, Weak),
        ("ssn", Ssn, Strong),
        ("SSN", Ssn, Strong),
        ("social_security_number", Ssn, Strong),
        ("tin", TaxId, Weak),
        ("tax_id", TaxId, Weak),
        ("taxId", TaxId, Weak),
        ("taxNumber", TaxId, Weak),
        ("card_number", PaymentCard, Strong),
        ("cardNumber", PaymentCard, Strong),
        ("PAN", PaymentCard, Strong),
        ("credit_card", PaymentCard, Strong),
        ("card", PaymentCard, Weak),
        ("iban", Iban, Strong),
        ("refund_iban", Iban, Strong),
        ("iBan", Iban, Strong),
        ("routing_number", RoutingNumber, Strong),
        ("routingNumber", RoutingNumber, Strong),
        ("account_number", BankAccount, Strong),
        ("bankAccountNumber", BankAccount, Strong),
        ("us_bank_account", BankAccount, Weak),
        ("dob", DateOfBirth, Strong),
        ("dateOfBirth", DateOfBirth, Strong),
        ("ownerDateOfBirth", DateOfBirth, Strong),
        ("BirthDate", DateOfBirth, Strong),
        ("date_of_birth", DateOfBirth, Strong),
        ("passport_no", Passport, Strong),
        ("national_id", NationalId, Strong),
        ("street", StreetAddress, Strong),
        ("address_line1", StreetAddress, Strong),
        ("billing_address", StreetAddress, Strong),
        ("address", StreetAddress, Weak),
        ("ip_address", IpAddress, Weak),
        ("latitude", GeoLocation, Weak),
        ("first_name", PersonName, Strong),
        ("lastName", PersonName, Strong),
        ("first_name_kana", PersonName, Strong),
        ("maiden_name", PersonName, Strong),
        ("cardholder_name", PersonName, Strong),
        ("account_holder_name", PersonName, Strong),
        ("GivenName", PersonName, Strong),
        ("Surname", PersonName, Strong),
        ("name", PersonName, Weak),
    ];
    for (name, p, st) in table {
        assert_eq!(m(name), Some((Meaning::Personal(*p), *st)), "{name}");
    }
}

#[test]
fn personal_data_negative() {
    // Compounds whose head is something else, public or business contacts, settings.
    for name in [
        "adaptiveCard",
        "mobileKey",
        "BirthState",
        "displayName",
        "display_name",
        "legalName",
        "serviceProviderDisplayName",
        "username",
        "support_email",
        "support_phone",
        "serviceAccountEmail",
        "email_enabled",
        "emailSubject",
        "isEmailVerified",
        "emailIdentity",
        "EmailIdentity",
        "emailLeaveRequest",
        "owner_email_hash",
        "address_line1_check",
        "bank_address_line_1",
        "shipping_address_collection",
        "enhancedVpcRouting",
        "tax_id_registrar",
        "generated_card",
        "issuing_card",
        "card_issuing",
        "card_statement",
        "expectedDateOfChildbirth",
        "PhoneUsageDistanceKm",
        "ProtectedMobileData",
        "bankAccountName",
        "lastNamePartner",
        "mac_address",
        "server_address",
        "file_name",
        "created_at",
        "id",
        "cell",
    ] {
        let got = m(name);
        assert!(
            !matches!(got, Some((Meaning::Personal(_), _))),
            "{name} is not personal data, got {got:?}"
        );
    }
}

#[test]
fn references_are_not_the_thing() {
    for name in [
        "RoutingControlArn",
        "SecretArn",
        "secretName",
        "secret_name",
        "SecretName",
        "secretRef",
        "nodePublishSecretRef",
        "secretNamespace",
        "secretFile",
        "secret_id",
        "SecretID",
        "bankAccountId",
        "bankAccountUUID",
        "bankAccountReference",
        "socialSecurityBenefitId",
        "emailTemplateId",
        "avatar_url",
        "AccessKeyId",
        "secret_type_display_name",
    ] {
        assert_eq!(m(name).map(|x| x.0), Some(Reference), "{name}");
    }
}

#[test]
fn masked_forms() {
    assert_eq!(m("MaskedMSISDN"), Some((Masked(Phone), Strong)));
    assert_eq!(m("card_last4"), Some((Masked(PaymentCard), Strong)));
    assert_eq!(m("maskedPan"), Some((Masked(PaymentCard), Strong)));
}

#[test]
fn secrets() {
    use super::Secret as S;
    let table: &[(&str, S, Strength)] = &[
        ("password", S::Password, Strong),
        ("Password", S::Password, Strong),
        ("pvkPassword", S::Password, Strong),
        ("emailPassword", S::Password, Strong),
        ("password_hash", S::PasswordHash, Strong),
        ("hashed_password", S::PasswordHash, Strong),
        ("client_secret", S::SharedSecret, Strong),
        ("clientSecret", S::SharedSecret, Strong),
        ("webhook_secret", S::SharedSecret, Strong),
        ("pingSecret", S::SharedSecret, Strong),
        ("api_key", S::Key, Strong),
        ("X-Api-Key", S::Key, Strong),
        ("alertaApiKey", S::Key, Strong),
        ("amazonSnsAccessKey", S::Key, Strong),
        ("storageAccountAccessKey", S::Key, Strong),
        ("private_key", S::PrivateKey, Strong),
        ("access_token", S::Token, Strong),
        ("oauthToken", S::Token, Strong),
        ("refreshToken", S::Token, Strong),
        ("chatworkApiToken", S::Token, Strong),
        ("token", S::Token, Weak),
        ("SecretAccessKey", S::AwsSecretKey, Strong),
        ("SessionToken", S::AwsSessionToken, Strong),
        ("imagePullSecrets", S::SharedSecret, Weak),
        ("credentials", S::SharedSecret, Weak),
    ];
    for (name, s, st) in table {
        assert_eq!(m(name), Some((Meaning::Secret(*s), *st)), "{name}");
    }
    // Features, settings and paging, not credentials.
    for name in [
        "secret_scanning",
        "secret_scanning_push_protection",
        "passwordProtection",
        "password_reset_required",
        "password_min_length",
        "incremental_authorization_supported",
        "issuing_authorization",
        "authorization",
        "gmsaCredentialSpec",
        "secretaries",
        "next_token",
        "page_token",
        "nextPageToken",
        "csrf_token",
        "publishable_key",
        "public_key",
        "key",
        "idempotency_key",
    ] {
        assert!(
            !matches!(m(name), Some((Meaning::Secret(_), _))),
            "{name}: {:?}",
            m(name)
        );
    }
}

#[test]
fn business_contacts() {
    for name in [
        "support_email",
        "emailFromAddress",
        "clickSendFromEmail",
        "serviceAccountEmail",
        "sender_email",
    ] {
        assert!(super::is_business_contact(name), "{name}");
    }
    for name in ["email", "customer_email", "phone_number", "emailSubject"] {
        assert!(!super::is_business_contact(name), "{name}");
    }
}

#[test]
fn privileged_fields() {
    use Privilege::*;
    assert_eq!(privilege("role"), Some((Role, Strong)));
    assert_eq!(privilege("is_admin"), Some((Role, Strong)));
    assert_eq!(privilege("isAdmin"), Some((Role, Strong)));
    assert_eq!(privilege("permissions"), Some((Role, Strong)));
    assert_eq!(privilege("balance"), Some((Money, Strong)));
    assert_eq!(privilege("owner_id"), Some((Ownership, Weak)));
    assert_eq!(privilege("email_verified"), Some((Status, Weak)));
    assert_eq!(privilege("roleArn"), None);
    assert_eq!(privilege("role_name"), None);
    assert_eq!(privilege("administrator_login"), None);
    assert_eq!(privilege("balance_transaction"), None);
}

#[test]
fn ids_and_urls() {
    assert!(is_id("id"));
    assert!(is_id("user_id"));
    assert!(is_id("orderId"));
    assert!(is_id("order_number"));
    assert!(!is_id("paid"));
    assert!(!is_id("android"));
    assert!(is_url("callback_url"));
    assert!(is_url("avatarUrl"));
    assert!(is_url("webhook"));
    assert!(is_url("image_url"));
    assert!(is_url("url"));
    assert!(!is_url("curl_count"));
    assert!(!is_url("url_count"));
    // A JSONP `callback` is a function name; redirects and display links are not fetched.
    assert!(!is_url("callback"));
    assert_eq!(url_role("redirect_uri"), Some(UrlRole::Redirect));
    assert_eq!(url_role("success_url"), Some(UrlRole::Redirect));
    assert_eq!(url_role("website"), Some(UrlRole::Display));
    assert_eq!(url_role("support_url"), Some(UrlRole::Display));
    assert_eq!(url_role("privacy_policy_url"), Some(UrlRole::Display));
}

/// What the detector used to decide with its own word lists (AWS and DynamoDB shapes, account ids,
/// stack traces, person-like parent objects, version keys), now asked here.
#[test]
fn internals() {
    use Internal::*;
    let table: &[(&str, Internal, Strength)] = &[
        ("LastEvaluatedKey", PagingKey, Strong),
        ("ExclusiveStartKey", PagingKey, Strong),
        ("ConsumedCapacity", ConsumedCapacity, Strong),
        ("ResponseMetadata", ResponseMetadata, Strong),
        ("Account", CloudAccountId, Weak),
        ("AccountId", CloudAccountId, Weak),
        ("account_id", CloudAccountId, Weak),
        ("OwnerAccount", CloudAccountId, Weak),
        ("aws_account_id", CloudAccountId, Weak),
        ("AwsAccountNumber", CloudAccountId, Weak),
        ("stackTrace", StackTrace, Weak),
        ("stack_trace", StackTrace, Weak),
        ("traceback", StackTrace, Weak),
        ("exception_stack", StackTrace, Weak),
    ];
    for &(name, i, st) in table {
        assert_eq!(internal(name), Some((i, st)), "{name}");
    }
    for name in [
        "balanceAccountId",
        "adminAccountId",
        "bandwidthAccountId",
        "account_number",
        "trace_id",
        "traceparent",
        "stackName",
        "LastEvaluatedTime",
        "capacity",
    ] {
        assert_eq!(internal(name), None, "{name}");
    }
}

#[test]
fn person_objects_and_versions() {
    for name in [
        "user",
        "customer",
        "billing_details",
        "cardholder",
        "accountHolder",
    ] {
        assert!(is_person_object(name), "{name}");
    }
    for name in ["product", "organization", "usage", "users_count_total"] {
        assert_eq!(
            is_person_object(name),
            name == "users_count_total",
            "{name}"
        );
    }
    for name in [
        "version",
        "apiVersion",
        "firmwareVersion",
        "build_number",
        "release",
    ] {
        assert!(is_version(name), "{name}");
    }
    for name in ["server_ip", "conversion", "subversion", "ip"] {
        assert!(!is_version(name), "{name}");
    }
}

#[test]
fn abbreviations() {
    assert_eq!(m("acctNo"), Some((Meaning::Personal(BankAccount), Strong)));
    assert_eq!(
        m("acct_number"),
        Some((Meaning::Personal(BankAccount), Strong))
    );
    assert_eq!(
        m("pw_digest"),
        Some((Meaning::Secret(super::Secret::PasswordHash), Strong))
    );
}

#[test]
fn session_cookies_by_whole_words() {
    for n in [
        "session",
        "JSESSIONID",
        "PHPSESSID",
        "auth_token",
        "cart_sid",
        "refreshToken",
    ] {
        assert!(crate::fields::is_session_cookie(n), "{n}");
    }
    for n in [
        "considered",
        "theme",
        "lang",
        "consent",
        "_ga",
        "sidebar_state",
    ] {
        assert!(!crate::fields::is_session_cookie(n), "{n}");
    }
}
