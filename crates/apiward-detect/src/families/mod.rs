//! One module per family of data types, each holding its scanners and confirm steps as methods
//! of [`Scanner`](crate::scan::Scanner). The candidate pass in `scan` dispatches to them.

pub(crate) mod cards;
pub(crate) mod digit_masks;
pub(crate) mod digits;
pub(crate) mod email;
pub(crate) mod geo;
pub(crate) mod internals;
pub(crate) mod ip;
pub(crate) mod national_ids;
pub(crate) mod personal;
pub(crate) mod phone;
pub(crate) mod secrets;
pub(crate) mod urls;
