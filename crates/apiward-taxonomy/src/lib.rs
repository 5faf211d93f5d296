//! The meaning of names, in one place.
//!
//! Everything apiward decides from a *name* — a property, a parameter, a path segment, an
//! `operationId`, a summary — is decided here, so the detector, the spec audit and the live scan
//! agree. Names are compounds (`resetDatabase`, `reset-db`, `RESET_DB`, `HTTPServerURL`): they are
//! split into lower-case words first ([`words`]), and meanings are looked up on whole words, never
//! on substrings.
//!
//! - [`words`] — compound-name splitting (camelCase, snake_case, kebab-case, acronyms, digits).
//! - [`risk`] — what calling an operation may do (read-only, state-changing, destructive,
//!   credential-changing), from its method and the words of its path, id, summary and description.

pub mod risk;
pub mod words;

pub use risk::{OperationFacts, OperationRisk, RiskAssessment, assess};
pub use words::{split_words, words};
