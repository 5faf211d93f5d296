//! Unsafe consumption of APIs at runtime, one file per rule: APIW-UC-101 third-party content relayed,
//! APIW-UC-001 (runtime half) webhook registrations that call the canary.

pub(crate) mod third_party_content;
pub(crate) mod webhook_registration;
