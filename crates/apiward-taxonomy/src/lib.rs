//! The meaning of names, in one place.
//!
//! Everything apiward decides from a *name* — a property, a parameter, a path segment, an
//! `operationId`, a summary — is decided here, so the detector, the spec audit and the live scan
//! agree. Names are compounds (`resetDatabase`, `reset-db`, `RESET_DB`, `HTTPServerURL`): they are
//! split into lower-case words first ([`words`]), and meanings are looked up on whole words, never
//! on substrings.
//!
//! - [`words`] — compound-name splitting (camelCase, snake_case, kebab-case, acronyms, digits).
//! - [`fields`] — what a property or parameter name means: personal data, a secret, a reference,
//!   a privileged field, an id, a URL; with the strength of that evidence.
//! - [`callbacks`] — writes that register a URL the API will call later (webhooks, callbacks,
//!   subscriptions, notification endpoints, event destinations).
//! - [`accounts`] — names that say a record is a person's account (whose role a privilege field
//!   describes), account words in paths.
//! - [`endpoints`] — public-by-design endpoints (login, token, register, health, discovery,
//!   capability URLs, incoming webhooks) and credentials carried in ordinary parameters.
//! - [`lifecycle`] — values never returned or returned only once (write-only, `x-ms-mutability`).
//! - [`risk`] — what calling an operation may do (read-only, state-changing, destructive,
//!   credential-changing), from its method and the words of its path, id, summary and description.

pub mod accounts;
pub mod callbacks;
pub mod endpoints;
pub mod fields;
pub mod lifecycle;
pub mod risk;
pub mod words;

pub use endpoints::{
    Endpoint, ParamPlace, PublicReason, credential_parameter, is_login, issues_credentials,
    public_by_design,
};
pub use fields::{Classified, Internal, Meaning, Personal, Privilege, Secret, Strength, classify};
pub use risk::{OperationFacts, OperationRisk, RiskAssessment, assess};
pub use words::{split_words, words};
