//! Rule declarations, one file per category.

use apiward_core::RuleMeta;

/// Declares a rule constant. Kept as a macro so each declaration reads as a small table.
macro_rules! rule {
    (
        $(#[$doc:meta])*
        $const:ident {
            id: $id:literal,
            name: $name:literal,
            category: $cat:ident,
            severity: $sev:ident,
            level: $level:ident,
            spec: $spec:literal,
            cwe: [$($cwe:literal),* $(,)?],
            owasp: $owasp:literal,
            summary: $summary:literal,
            why: $why:literal,
            example: $example:literal,
            fix: $fix:literal,
            fastapi: $fastapi:expr $(,)?
        }
    ) => {
        $(#[$doc])*
        pub const $const: apiward_core::RuleMeta = apiward_core::RuleMeta {
            id: $id,
            name: $name,
            category: apiward_core::Category::$cat,
            default_severity: apiward_core::Severity::$sev,
            cwe: &[$($cwe),*],
            owasp: $owasp,
            level: apiward_core::AccessLevel::$level,
            spec_check: $spec,
            summary: $summary,
            why: $why,
            example: $example,
            fix: $fix,
            fastapi_fix: $fastapi,
        };
    };
}

pub mod authentication;
pub mod bfla;
pub mod bola;
pub mod data_exposure;
pub mod encryption;
pub mod input_validation;
pub mod inventory;
pub mod llm_security;
pub mod property_authorization;
pub mod rate_limiting;
pub mod ssrf;
pub mod unsafe_consumption;

/// Every rule, in category order. A test keeps this list, the files and `docs/rules/` in sync.
pub static ALL: &[RuleMeta] = &[
    authentication::OPERATION_WITHOUT_SECURITY,
    authentication::UNUSED_SECURITY_SCHEME,
    authentication::SECURITY_DISABLED_ON_SENSITIVE_OPERATION,
    authentication::BASIC_AUTH_OVER_HTTP,
    authentication::API_KEY_IN_QUERY,
    authentication::WEAK_OAUTH_FLOW,
    authentication::SECURITY_NOT_DECLARED,
    authentication::AUTH_NOT_ENFORCED,
    authentication::INCONSISTENT_METHOD_AUTH,
    authentication::TAMPERED_TOKEN_ACCEPTED,
    authentication::JWT_WEAKNESS,
    authentication::JWT_WEAK_SECRET,
    authentication::JWT_SENSITIVE_CLAIMS,
    authentication::MISSING_WWW_AUTHENTICATE,
    authentication::MISSING_SECURITY_HEADERS,
    authentication::USER_ENUMERATION,
    bola::PREDICTABLE_OBJECT_IDS,
    bola::CROSS_IDENTITY_ACCESS,
    bola::ID_TRAVERSAL,
    bola::CROSS_IDENTITY_WRITE,
    bfla::ADMIN_FUNCTION_EXPOSED,
    bfla::ADMIN_FUNCTION_LOW_PRIVILEGE,
    bfla::PRIVILEGE_FIELDS_EXPOSED,
    property_authorization::INTERNAL_PROPERTY_EXPOSED,
    property_authorization::MASS_ASSIGNMENT_SURFACE,
    property_authorization::OPEN_WRITE_SCHEMA,
    property_authorization::UNDOCUMENTED_RESPONSE_PROPERTY,
    property_authorization::MASS_ASSIGNMENT_CONFIRMED,
    input_validation::UNBOUNDED_STRING_INPUT,
    input_validation::UNBOUNDED_NUMERIC_INPUT,
    input_validation::UNBOUNDED_ARRAY_INPUT,
    input_validation::CORS_ORIGIN_REFLECTED,
    input_validation::CORS_NULL_ORIGIN,
    input_validation::DANGEROUS_METHODS,
    input_validation::VALIDATION_ERROR_ECHOES_INPUT,
    input_validation::PROBABLE_INJECTION,
    input_validation::UNHANDLED_MALFORMED_INPUT,
    rate_limiting::LIST_WITHOUT_LIMIT,
    rate_limiting::LIMIT_WITHOUT_MAXIMUM,
    rate_limiting::NO_RATE_LIMIT_DOCUMENTED,
    rate_limiting::NO_RATE_LIMIT_HEADERS,
    rate_limiting::BURST_NOT_LIMITED,
    rate_limiting::OVERSIZED_RESPONSE,
    rate_limiting::LIMIT_NOT_ENFORCED,
    data_exposure::SENSITIVE_DATA_EXPOSED,
    data_exposure::SENSITIVE_DATA_IN_URL,
    data_exposure::SECRET_IN_RESPONSE,
    data_exposure::STACK_TRACE_EXPOSED,
    data_exposure::CLOUD_INTERNALS_EXPOSED,
    data_exposure::SERVER_VERSION_DISCLOSED,
    data_exposure::INTERNAL_ADDRESS_EXPOSED,
    data_exposure::ERROR_DISCLOSURE_ON_MALFORMED_INPUT,
    encryption::HTTP_SERVER_URL,
    encryption::PLAINTEXT_TRANSPORT,
    encryption::HSTS_MISSING,
    encryption::INSECURE_COOKIE,
    encryption::MIXED_CONTENT,
    encryption::CERTIFICATE_PROBLEM,
    ssrf::URL_INPUT,
    inventory::NON_PRODUCTION_SERVER,
    inventory::MISSING_API_VERSION,
    inventory::DEPRECATED_OPERATION_SERVED,
    inventory::MULTIPLE_API_VERSIONS,
    inventory::DOCS_EXPOSED,
    inventory::SHADOW_ENDPOINT,
    unsafe_consumption::WEBHOOK_REGISTRATION,
    unsafe_consumption::INSECURE_EXTERNAL_REF,
    unsafe_consumption::THIRD_PARTY_CONTENT,
    llm_security::LLM_ENDPOINT_UNAUTHENTICATED,
    llm_security::SYSTEM_PROMPT_DISCLOSED,
    llm_security::PROMPT_INJECTION,
];
