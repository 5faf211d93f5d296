//! One module per family of data types, each holding its scanners and confirm steps as methods
//! of [`Scanner`](crate::scan::Scanner). The candidate pass in `scan` dispatches to them.

pub(crate) mod email;
pub(crate) mod internals;
pub(crate) mod secrets;
pub(crate) mod urls;
