//! OpenAPI loading: bytes → a line-aware document tree → `$ref` resolution → a normalized [`Spec`].
//!
//! See `README.md`. The model types live in [`model`]; [`load_path`] and [`load_bytes`] are the
//! entry points.

mod flatten;
pub mod json;
mod load;
pub mod model;
pub mod node;
mod normalize;
pub mod resolve;
pub mod yaml;

pub use load::{FetchFn, LoadError, LoadOptions, load_bytes, load_path};
pub use model::*;
pub use node::{Node, Value};
