//! OpenAPI loading (see README.md).
