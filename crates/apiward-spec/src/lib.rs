//! OpenAPI loading: bytes → a line-aware document tree → `$ref` resolution → a normalized [`Spec`].
//!
//! See `README.md`. The model types live in [`model`]; [`load`] is the entry point.

pub mod model;
pub mod node;

pub use model::*;
pub use node::{Node, Value};
