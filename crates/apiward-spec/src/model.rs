//! The normalized model every check reads. It is the same whatever the input was: Swagger 2.0 is
//! mapped into OpenAPI 3 terms (host + basePath + schemes → servers, body/formData → request bodies,
//! definitions → schemas, securityDefinitions → security schemes).

use apiward_core::Diagnostic;

/// Where a model element came from: which loaded document, the JSON pointer within it, and the line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Loc {
    /// Index into [`Spec::documents`]; 0 is the document the user named.
    pub doc: usize,
    /// Shared: a property and its inline schema point at the same place, and a large spec has
    /// hundreds of thousands of long pointers.
    pub pointer: std::sync::Arc<str>,
    /// 1-based line, 0 when unknown.
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpecVersion {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

impl SpecVersion {
    pub fn label(self) -> &'static str {
        match self {
            SpecVersion::Swagger2 => "Swagger 2.0",
            SpecVersion::OpenApi30 => "OpenAPI 3.0",
            SpecVersion::OpenApi31 => "OpenAPI 3.1",
        }
    }
}

/// One file that took part in the spec (the main document and every file reached through `$ref`).
#[derive(Debug, Clone)]
pub struct Document {
    /// Display name: the path as the user gave it (or relative to the main document's folder for
    /// referenced files), or the URL.
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Info {
    pub title: Option<String>,
    pub version: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Server {
    /// The URL as written, server variables substituted with their defaults.
    pub url: String,
    pub description: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// Upper case, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// The lower-case key used in OpenAPI path items.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.key() == key)
    }

    /// GET, HEAD, OPTIONS, TRACE: methods that must not change state.
    pub fn is_safe(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Options | Method::Trace
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub deprecated: bool,
    pub schema: Option<SchemaId>,
    /// An example value from `example`, `examples` or the schema's example, as text.
    pub example: Option<String>,
    pub description: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct MediaType {
    /// e.g. `application/json`.
    pub media_type: String,
    pub schema: Option<SchemaId>,
    pub example: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct RequestBody {
    pub required: bool,
    pub content: Vec<MediaType>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `4XX`, `default`.
    pub status: String,
    pub description: Option<String>,
    pub content: Vec<MediaType>,
    /// Names of documented response headers, lower case.
    pub headers: Vec<String>,
    pub loc: Loc,
}

impl Response {
    /// A 2xx status (`200`, `2XX`).
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }
}

/// One alternative of a security requirement list: all named schemes together. An empty
/// requirement (`{}`) means anonymous access is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// (scheme name, scopes)
    pub schemes: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    /// `implicit`, `password`, `clientCredentials`, `authorizationCode` (Swagger 2 names mapped).
    pub kind: String,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    ApiKey {
        location: ApiKeyLocation,
        param_name: String,
    },
    /// HTTP authentication: `scheme` is lower case (`basic`, `bearer`, `digest`).
    Http {
        scheme: String,
        bearer_format: Option<String>,
    },
    OAuth2 {
        flows: Vec<OAuthFlow>,
    },
    OpenIdConnect {
        url: String,
    },
    MutualTls,
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct SecurityScheme {
    pub name: String,
    pub kind: SchemeKind,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    /// Path template as written in the spec (Swagger 2 basePath not included).
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    /// The start of the description (at most 400 bytes): what the risk model reads.
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// Path-item and operation parameters merged (operation wins on name + location), `$ref`s resolved.
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Effective security: the operation's own `security`, else the document's. Empty = none.
    pub security: Vec<SecurityRequirement>,
    /// The operation states `security: []` (or an empty requirement) itself, overriding a global one.
    pub security_override_empty: bool,
    /// Names of `x-` extensions on the operation (e.g. `x-internal`); one set to `false` is left out.
    pub extensions: Vec<String>,
    /// Callback names declared on the operation.
    pub callbacks: Vec<String>,
    /// True for entries of the 3.1 top-level `webhooks` object (not callable paths of the API).
    pub is_webhook: bool,
    pub loc: Loc,
}

impl Operation {
    /// Whether anonymous access is allowed: no requirement at all, or an empty alternative.
    pub fn is_unauthenticated(&self) -> bool {
        self.security.is_empty() || self.security.iter().any(|r| r.schemes.is_empty())
    }

    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.is_success())
    }

    /// `GET /users/{id}`
    pub fn label(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

/// Index of a schema in [`Spec::schemas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub u32);

#[derive(Debug, Clone, PartialEq)]
pub enum AdditionalProperties {
    /// Not stated (open by default).
    Unspecified,
    Bool(bool),
    Schema(SchemaId),
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub schema: SchemaId,
    pub required: bool,
    pub loc: Loc,
}

/// One schema of the schema graph. `$ref`s are resolved to ids, so cycles are back-edges, never
/// infinite trees.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The component name when the schema is `#/components/schemas/NAME` (or `#/definitions/NAME`).
    pub name: Option<String>,
    /// `type`, or the `type` array of 3.1 (`["string", "null"]`), lower case. Empty when not stated.
    pub types: Vec<String>,
    pub format: Option<String>,
    pub description: Option<String>,
    pub properties: Vec<Property>,
    pub items: Option<SchemaId>,
    pub additional_properties: AdditionalProperties,
    pub all_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub enum_len: u32,
    /// `const` is present.
    pub has_const: bool,
    pub read_only: bool,
    /// `writeOnly`, or Azure's `x-ms-mutability` without `read`: the value is never returned.
    pub write_only: bool,
    pub nullable: bool,
    pub deprecated: bool,
    /// Boxed and absent when none is stated: most schemas of a large spec state no limit, and a
    /// 300,000-schema spec must load in bounded memory.
    limits: Option<Box<Limits>>,
    annotations: Option<Box<Annotations>>,
    pub loc: Loc,
}

/// What a schema bounds: lengths, ranges, sizes, patterns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// `minimum` is exclusive (3.0 `exclusiveMinimum: true`, or 3.1 `exclusiveMinimum: N`).
    pub exclusive_minimum: bool,
    /// `maximum` is exclusive (3.0 `exclusiveMaximum: true`, or 3.1 `exclusiveMaximum: N`).
    pub exclusive_maximum: bool,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

/// What a schema says about itself for readers: title, examples, extensions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    pub title: Option<String>,
    /// Example values (`example`, `examples`, `default`) rendered as text, scalars only.
    pub examples: Vec<String>,
    /// Names of `x-` extensions (e.g. `x-redacted`, `x-internal`); one set to `false` is left out.
    pub extensions: Vec<String>,
}

static NO_LIMITS: Limits = Limits {
    min_length: None,
    max_length: None,
    pattern: None,
    minimum: None,
    maximum: None,
    exclusive_minimum: false,
    exclusive_maximum: false,
    min_items: None,
    max_items: None,
};

static NO_ANNOTATIONS: Annotations = Annotations {
    title: None,
    examples: Vec::new(),
    extensions: Vec::new(),
};

impl Schema {
    pub fn empty(loc: Loc) -> Self {
        Schema {
            name: None,
            types: Vec::new(),
            format: None,
            description: None,
            properties: Vec::new(),
            items: None,
            additional_properties: AdditionalProperties::Unspecified,
            all_of: Vec::new(),
            any_of: Vec::new(),
            one_of: Vec::new(),
            enum_len: 0,
            has_const: false,
            read_only: false,
            write_only: false,
            nullable: false,
            deprecated: false,
            limits: None,
            annotations: None,
            loc,
        }
    }

    pub fn has_type(&self, t: &str) -> bool {
        self.types.iter().any(|x| x == t)
    }

    /// The limits the schema states (all absent when it states none).
    pub fn limits(&self) -> &Limits {
        self.limits.as_deref().unwrap_or(&NO_LIMITS)
    }

    pub fn limits_mut(&mut self) -> &mut Limits {
        self.limits.get_or_insert_with(Default::default)
    }

    /// Title, examples and extensions (all absent when the schema states none).
    pub fn annotations(&self) -> &Annotations {
        self.annotations.as_deref().unwrap_or(&NO_ANNOTATIONS)
    }

    pub fn annotations_mut(&mut self) -> &mut Annotations {
        self.annotations.get_or_insert_with(Default::default)
    }

    pub fn title(&self) -> Option<&str> {
        self.annotations().title.as_deref()
    }

    pub fn examples(&self) -> &[String] {
        &self.annotations().examples
    }

    pub fn extensions(&self) -> &[String] {
        &self.annotations().extensions
    }
}

/// A property reached by walking a schema: `items[].user.email` and what it points at.
#[derive(Debug, Clone)]
pub struct PropertyPath {
    /// Dotted path from the root schema; `[]` marks array items.
    pub path: String,
    pub name: String,
    pub schema: SchemaId,
    /// The property (or an enclosing one) sits inside an array.
    pub in_array: bool,
    pub loc: Loc,
}

/// The normalized API description.
#[derive(Debug, Clone)]
pub struct Spec {
    pub version: SpecVersion,
    /// The version string as written (`2.0`, `3.0.3`, `3.1.0`).
    pub version_text: String,
    pub documents: Vec<Document>,
    pub info: Info,
    pub servers: Vec<Server>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// The document-level `security`, if stated.
    pub global_security: Option<Vec<SecurityRequirement>>,
    pub schemas: Vec<Schema>,
    /// Top-level `webhooks` (3.1) as operations with `is_webhook`.
    pub webhooks: Vec<Operation>,
    /// Scalar strings of the spec's examples (4–256 characters, at most 100,000, sorted): what a
    /// mock or a documentation page serves back, which a live scan must not call a leak.
    pub example_values: Vec<String>,
    /// `$ref`s to `http://` or `https://` documents (fetched or not).
    pub external_refs: Vec<(String, Loc)>,
    /// What was tolerated or could not be understood.
    pub diagnostics: Vec<Diagnostic>,
}

impl Spec {
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id.0 as usize]
    }

    /// Display name of the document a location belongs to.
    pub fn file_of(&self, loc: &Loc) -> &str {
        self.documents
            .get(loc.doc)
            .map(|d| d.name.as_str())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A large spec holds hundreds of thousands of these: growth here is memory on every big audit
    // (issue 11: a 56 MB, 280,000-schema spec must audit under 512 MB).
    #[test]
    fn schema_and_loc_stay_small() {
        assert!(
            std::mem::size_of::<Schema>() <= 280,
            "Schema is {} bytes",
            std::mem::size_of::<Schema>()
        );
        assert!(std::mem::size_of::<Loc>() <= 32);
    }

    #[test]
    fn limits_and_annotations_absent_until_stated() {
        let mut s = Schema::empty(Loc::default());
        assert_eq!(s.limits(), &Limits::default());
        assert!(s.title().is_none() && s.examples().is_empty());
        s.limits_mut().max_length = Some(10);
        s.annotations_mut().title = Some("T".into());
        assert_eq!(s.limits().max_length, Some(10));
        assert_eq!(s.title(), Some("T"));
    }
}
