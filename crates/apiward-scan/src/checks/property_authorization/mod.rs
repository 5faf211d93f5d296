//! Property-level authorization at runtime, one file per rule: APIW-PROP-101 undocumented response
//! properties, -102 mass assignment confirmed (active).

pub(crate) mod mass_assignment_confirmed;
pub(crate) mod undocumented_response_property;
