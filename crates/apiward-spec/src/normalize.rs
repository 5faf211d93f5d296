//! Build the normalized [`Spec`] from the main document, resolving `$ref`s through the
//! [`Resolver`]. Swagger 2.0 is mapped into OpenAPI 3 terms.
//!
//! Schemas are interned by (document, JSON pointer of the definition) and filled from a work queue,
//! so the schema graph is built without recursion and a cycle is simply a back-edge.

use crate::load::LoadError;
use crate::model::*;
use crate::node::{Node, Value, push_pointer};
use crate::resolve::{Resolver, lookup, ref_of};
use apiward_core::DiagnosticLevel;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

const MAX_EXAMPLE_CHARS: usize = 4096;
const MAX_SCHEMA_EXAMPLES: usize = 16;

struct Builder<'o> {
    res: Resolver<'o>,
    version: SpecVersion,
    schemas: Vec<Schema>,
    /// Interned schemas by (document, hash of pointer): the pointer text lives once, in the
    /// schema's `Loc` (large specs have hundreds of thousands of long pointers); hits are checked
    /// against it, so a hash collision costs a comparison, never a wrong schema.
    ids: HashMap<(usize, u64), SchemaId>,
    /// The rare pointers whose hash another pointer already took.
    ids_collided: HashMap<(usize, Arc<str>), SchemaId>,
    /// Per referring document: `$ref` string → schema id (successful resolutions only).
    ref_memo: Vec<HashMap<String, SchemaId>>,
    queue: VecDeque<SchemaId>,
    overflow_schema: Option<SchemaId>,
    /// Swagger 2.0 global `consumes` / `produces`.
    consumes: Vec<String>,
    produces: Vec<String>,
    scheme_names: Vec<String>,
    /// Scalar strings of every example (see [`Spec::example_values`]).
    example_values: std::collections::HashSet<String>,
}

/// Bounds on [`Spec::example_values`]: strings a leak could be (an e-mail, a token), not prose.
const MAX_EXAMPLE_VALUES: usize = 100_000;
const EXAMPLE_VALUE_LEN: std::ops::RangeInclusive<usize> = 4..=256;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Std(ParamLocation),
    Body,
    Form,
}

struct RawParam {
    p: Parameter,
    kind: Kind,
    /// Swagger 2.0 `type: file`.
    is_file: bool,
}

pub(crate) fn build(res: Resolver<'_>) -> Result<Spec, LoadError> {
    let root = res.root(0);
    let name = res.docs[0].name.clone();
    let (version, version_text) = detect_version(&name, &root)?;
    let mut b = Builder {
        res,
        version,
        schemas: Vec::new(),
        ids: HashMap::new(),
        ids_collided: HashMap::new(),
        ref_memo: Vec::new(),
        queue: VecDeque::new(),
        overflow_schema: None,
        consumes: Vec::new(),
        produces: Vec::new(),
        scheme_names: Vec::new(),
        example_values: std::collections::HashSet::new(),
    };
    if let Some(v) = version_text.strip_prefix("3.")
        && !v.starts_with('0')
        && !v.starts_with('1')
    {
        b.warn(
            "spec.version-newer",
            format!("OpenAPI {version_text} is newer than 3.1; it is read as 3.1"),
            0,
            "/openapi",
            root.get("openapi").map(|n| n.line).unwrap_or(0),
        );
    }
    let spec = b.run(&root, version_text);
    drop(root);
    spec
}

fn detect_version(name: &str, root: &Node) -> Result<(SpecVersion, String), LoadError> {
    let err = |line: Option<u32>, message: String| LoadError {
        file: name.to_string(),
        line,
        message,
    };
    if root.as_object().is_none() {
        return Err(err(
            Some(root.line).filter(|&l| l > 0),
            "not an API description: the document's top level is not an object/mapping".to_string(),
        ));
    }
    if let Some(v) = root.get("openapi") {
        let text = v.scalar_text().unwrap_or_default();
        return if text.starts_with("3.0") {
            Ok((SpecVersion::OpenApi30, text))
        } else if text.starts_with("3.") && text.len() > 2 {
            Ok((SpecVersion::OpenApi31, text))
        } else {
            Err(err(
                Some(v.line),
                format!(
                    "unsupported OpenAPI version `{}` (supported: Swagger 2.0, OpenAPI 3.0.x and 3.1.x)",
                    apiward_core::truncate_chars(&text, 40)
                ),
            ))
        };
    }
    if let Some(v) = root.get("swagger") {
        let text = v.scalar_text().unwrap_or_default();
        return if text == "2.0" || text == "2" {
            Ok((SpecVersion::Swagger2, "2.0".to_string()))
        } else {
            Err(err(
                Some(v.line),
                format!(
                    "unsupported Swagger version `{}` (supported: Swagger 2.0, OpenAPI 3.0.x and 3.1.x)",
                    apiward_core::truncate_chars(&text, 40)
                ),
            ))
        };
    }
    let hint = if root.get("asyncapi").is_some() {
        " (this is an AsyncAPI document)"
    } else if root.get("$schema").is_some() {
        " (this looks like a JSON Schema)"
    } else {
        ""
    };
    Err(err(
        None,
        format!("not an API description: no `openapi` or `swagger` field at the top level{hint}"),
    ))
}

fn str_of(n: Option<&Node>) -> Option<String> {
    n.and_then(|n| n.as_str()).map(|s| s.to_string())
}

/// The first `max` bytes of `s`, cut on a character boundary (long descriptions are kept only as
/// far as the risk model reads them).
fn head_chars(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn bool_of(n: Option<&Node>) -> bool {
    n.and_then(|n| n.as_bool()).unwrap_or(false)
}

fn u64_of(n: Option<&Node>) -> Option<u64> {
    let f = n?.as_f64()?;
    (f >= 0.0 && f.is_finite()).then_some(f as u64)
}

fn strings(n: Option<&Node>) -> Vec<String> {
    n.and_then(|n| n.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The component name of a schema pointer (`/components/schemas/X`, `/definitions/X`).
fn component_name(ptr: &str) -> Option<String> {
    let rest = ptr
        .strip_prefix("/components/schemas/")
        .or_else(|| ptr.strip_prefix("/definitions/"))?;
    if rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

/// Render an example value as compact JSON text (capped).
pub(crate) fn render_example(n: &Node) -> String {
    let mut out = String::new();
    render_into(n, &mut out, 0);
    if out.len() > MAX_EXAMPLE_CHARS {
        let mut cut = MAX_EXAMPLE_CHARS;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn render_into(n: &Node, out: &mut String, depth: usize) {
    if out.len() > MAX_EXAMPLE_CHARS || depth > 64 {
        return;
    }
    match &n.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(s) => out.push_str(s),
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render_into(it, out, depth + 1);
                if out.len() > MAX_EXAMPLE_CHARS {
                    break;
                }
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render_into(&Node::new(Value::String(k.clone()), 0), out, depth + 1);
                out.push(':');
                render_into(v, out, depth + 1);
                if out.len() > MAX_EXAMPLE_CHARS {
                    break;
                }
            }
            out.push('}');
        }
    }
}

fn example_text(n: &Node) -> String {
    match n.scalar_text() {
        Some(s) => s,
        None => render_example(n),
    }
}

impl<'o> Builder<'o> {
    /// Remember the scalar strings of an example (whole, not the capped rendering), so a live
    /// response that serves the documentation's own values can be told apart from a leak.
    fn note_example(&mut self, n: Option<&Node>) {
        fn walk(n: &Node, out: &mut std::collections::HashSet<String>, depth: usize) {
            if depth > 32 || out.len() >= MAX_EXAMPLE_VALUES {
                return;
            }
            match &n.value {
                Value::String(s) if EXAMPLE_VALUE_LEN.contains(&s.len()) => {
                    out.insert(s.clone());
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, out, depth + 1)),
                Value::Object(m) => m.iter().for_each(|(_, v)| walk(v, out, depth + 1)),
                _ => {}
            }
        }
        if let Some(n) = n {
            walk(n, &mut self.example_values, 0);
        }
    }

    /// [`Self::note_example`] for every entry of an `examples` map (`{name: {value: …}}`), `$ref`s
    /// to `components/examples` followed.
    fn note_examples(&mut self, doc: usize, ptr: &str, n: Option<&Node>) {
        let Some(m) = n.and_then(Node::as_object) else {
            return;
        };
        for (name, ex) in m {
            let eptr = push_pointer(&format!("{ptr}/examples"), name);
            self.deref(doc, &eptr, ex, |b, _, _, target| {
                b.note_example(target.get("value"))
            });
        }
    }

    fn warn(&mut self, code: &str, msg: impl Into<String>, doc: usize, ptr: &str, line: u32) {
        self.res
            .diag(DiagnosticLevel::Warning, code, msg, doc, ptr, line);
    }

    fn bad_type(&mut self, what: &str, expected: &str, doc: usize, ptr: &str, n: &Node) {
        self.warn(
            "spec.bad-type",
            format!("{what} should be {expected}; ignored"),
            doc,
            ptr,
            n.line,
        );
    }

    fn loc(doc: usize, ptr: &str, n: &Node) -> Loc {
        Loc {
            doc,
            pointer: ptr.into(),
            line: n.line,
        }
    }

    /// Run `f` on `node`, or on the node its `$ref` chain leads to.
    fn deref<R>(
        &mut self,
        doc: usize,
        ptr: &str,
        node: &Node,
        f: impl FnOnce(&mut Self, usize, &str, &Node) -> R,
    ) -> Option<R> {
        if ref_of(node).is_none() {
            return Some(f(self, doc, ptr, node));
        }
        let (d, p, root): (usize, String, Rc<Node>) = self.res.follow(doc, ptr, node)?;
        let n = lookup(&root, &p)?;
        Some(f(self, d, &p, n))
    }

    fn run(mut self, root: &Node, version_text: String) -> Result<Spec, LoadError> {
        let swagger = self.version == SpecVersion::Swagger2;
        // Info.
        let info = match root.get("info") {
            Some(i) => Info {
                title: str_of(i.get("title")),
                version: i.get("version").and_then(|v| v.scalar_text()),
                loc: Self::loc(0, "/info", i),
            },
            None => {
                self.warn(
                    "spec.missing-field",
                    "the document has no `info` object",
                    0,
                    "",
                    1,
                );
                Info::default()
            }
        };
        // Component schemas first, so they get the lowest ids.
        let comp_ptr = if swagger {
            "/definitions"
        } else {
            "/components/schemas"
        };
        if let Some(defs) = lookup(root, comp_ptr) {
            match defs.as_object() {
                Some(m) => {
                    for (k, v) in m {
                        let p = push_pointer(comp_ptr, k);
                        self.intern_schema(0, &p, v);
                    }
                }
                None => self.bad_type("component schemas", "an object", 0, comp_ptr, defs),
            }
        }
        let servers = if swagger {
            self.consumes = strings(root.get("consumes"));
            self.produces = strings(root.get("produces"));
            self.swagger_servers(root)
        } else {
            self.servers(root)
        };
        let security_schemes = self.security_schemes(root);
        self.scheme_names = security_schemes.iter().map(|s| s.name.clone()).collect();
        let global_security = root
            .get("security")
            .map(|s| self.security_list(0, "/security", s));

        // Paths.
        let mut operations = Vec::new();
        match root.get("paths") {
            Some(paths) => match paths.as_object() {
                Some(m) => {
                    for (path, item) in m {
                        if path.starts_with("x-") {
                            continue;
                        }
                        let ptr = push_pointer("/paths", path);
                        self.path_item(
                            0,
                            &ptr,
                            item,
                            path,
                            false,
                            &global_security,
                            &mut operations,
                        );
                    }
                }
                None => self.bad_type("`paths`", "an object", 0, "/paths", paths),
            },
            None => {
                if self.version != SpecVersion::OpenApi31 {
                    self.warn(
                        "spec.missing-field",
                        "the document has no `paths` object",
                        0,
                        "",
                        1,
                    );
                }
            }
        }
        let mut webhooks = Vec::new();
        if let Some(wh) = root.get("webhooks") {
            match wh.as_object() {
                Some(m) => {
                    for (name, item) in m {
                        if name.starts_with("x-") {
                            continue;
                        }
                        let ptr = push_pointer("/webhooks", name);
                        self.path_item(0, &ptr, item, name, true, &global_security, &mut webhooks);
                    }
                }
                None => self.bad_type("`webhooks`", "an object", 0, "/webhooks", wh),
            }
        }
        self.drain_schemas();
        self.res.finish_diags();

        let Builder {
            res,
            schemas,
            version,
            example_values,
            ..
        } = self;
        let mut example_values: Vec<String> = example_values.into_iter().collect();
        example_values.sort_unstable();
        let documents = res
            .docs
            .into_iter()
            // The raw trees are dropped here: the model holds everything the checks read, and
            // keeping (or cloning) a 50 MB spec's tree would double the peak.
            .map(|d| Document { name: d.name })
            .collect();
        Ok(Spec {
            version,
            version_text,
            documents,
            info,
            servers,
            operations,
            security_schemes,
            global_security,
            schemas,
            webhooks,
            external_refs: res.external_refs,
            example_values,
            diagnostics: res.diags,
        })
    }

    // ----- servers -------------------------------------------------------------------------

    fn servers(&mut self, root: &Node) -> Vec<Server> {
        let mut out = Vec::new();
        let Some(list) = root.get("servers") else {
            return out;
        };
        let Some(items) = list.as_array() else {
            self.bad_type("`servers`", "an array", 0, "/servers", list);
            return out;
        };
        for (i, s) in items.iter().enumerate() {
            let ptr = format!("/servers/{i}");
            let Some(url) = s.get("url").and_then(|u| u.as_str()) else {
                self.warn(
                    "spec.missing-field",
                    "server without a `url`",
                    0,
                    &ptr,
                    s.line,
                );
                continue;
            };
            let mut url = url.to_string();
            if let Some(vars) = s.get("variables").and_then(|v| v.as_object()) {
                for (name, var) in vars {
                    if let Some(d) = var.get("default").and_then(|d| d.scalar_text()) {
                        url = url.replace(&format!("{{{name}}}"), &d);
                    }
                }
            }
            out.push(Server {
                url,
                description: str_of(s.get("description")),
                loc: Self::loc(0, &ptr, s),
            });
        }
        out
    }

    fn swagger_servers(&mut self, root: &Node) -> Vec<Server> {
        let host = str_of(root.get("host"));
        let base = str_of(root.get("basePath")).unwrap_or_default();
        let mut schemes = strings(root.get("schemes"));
        let loc_node = root.get("host").or(root.get("basePath"));
        let loc = match loc_node {
            Some(n) => Self::loc(
                0,
                if root.get("host").is_some() {
                    "/host"
                } else {
                    "/basePath"
                },
                n,
            ),
            None => Loc::default(),
        };
        match host {
            Some(h) => {
                if schemes.is_empty() {
                    schemes.push("https".to_string());
                }
                schemes
                    .iter()
                    .map(|sch| Server {
                        url: format!("{}://{}{}", sch.to_ascii_lowercase(), h, base),
                        description: None,
                        loc: loc.clone(),
                    })
                    .collect()
            }
            None if !base.is_empty() => vec![Server {
                url: base,
                description: None,
                loc,
            }],
            None => Vec::new(),
        }
    }

    // ----- security ------------------------------------------------------------------------

    fn security_schemes(&mut self, root: &Node) -> Vec<SecurityScheme> {
        let ptr = if self.version == SpecVersion::Swagger2 {
            "/securityDefinitions"
        } else {
            "/components/securitySchemes"
        };
        let mut out = Vec::new();
        let Some(defs) = lookup(root, ptr) else {
            return out;
        };
        let Some(m) = defs.as_object() else {
            self.bad_type("security schemes", "an object", 0, ptr, defs);
            return out;
        };
        for (name, node) in m {
            let p = push_pointer(ptr, name);
            if let Some(Some(s)) =
                self.deref(0, &p, node, |b, d, p, n| b.security_scheme(name, d, p, n))
            {
                out.push(s);
            }
        }
        out
    }

    fn security_scheme(
        &mut self,
        name: &str,
        doc: usize,
        ptr: &str,
        n: &Node,
    ) -> Option<SecurityScheme> {
        let Some(ty) = n.get("type").and_then(|t| t.as_str()) else {
            self.warn(
                "spec.missing-field",
                format!("security scheme `{name}` has no `type`"),
                doc,
                ptr,
                n.line,
            );
            return None;
        };
        let kind = match ty {
            "apiKey" => {
                let location = match n.get("in").and_then(|i| i.as_str()) {
                    Some("query") => ApiKeyLocation::Query,
                    Some("cookie") => ApiKeyLocation::Cookie,
                    Some("header") => ApiKeyLocation::Header,
                    other => {
                        self.warn(
                            "spec.bad-value",
                            format!(
                                "security scheme `{name}`: `in` is `{}`, expected query, header or cookie; header assumed",
                                other.unwrap_or("missing")
                            ),
                            doc,
                            ptr,
                            n.line,
                        );
                        ApiKeyLocation::Header
                    }
                };
                SchemeKind::ApiKey {
                    location,
                    param_name: str_of(n.get("name")).unwrap_or_default(),
                }
            }
            "http" => SchemeKind::Http {
                scheme: str_of(n.get("scheme"))
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                bearer_format: str_of(n.get("bearerFormat")),
            },
            "basic" => SchemeKind::Http {
                scheme: "basic".to_string(),
                bearer_format: None,
            },
            "oauth2" => {
                let mut flows = Vec::new();
                if self.version == SpecVersion::Swagger2 {
                    let kind = match n.get("flow").and_then(|f| f.as_str()).unwrap_or("") {
                        "accessCode" => "authorizationCode",
                        "application" => "clientCredentials",
                        "implicit" => "implicit",
                        "password" => "password",
                        other => other,
                    };
                    flows.push(OAuthFlow {
                        kind: kind.to_string(),
                        authorization_url: str_of(n.get("authorizationUrl")),
                        token_url: str_of(n.get("tokenUrl")),
                        scopes: keys(n.get("scopes")),
                    });
                } else if let Some(fm) = n.get("flows").and_then(|f| f.as_object()) {
                    for (kind, f) in fm {
                        if kind.starts_with("x-") {
                            continue;
                        }
                        flows.push(OAuthFlow {
                            kind: kind.clone(),
                            authorization_url: str_of(f.get("authorizationUrl")),
                            token_url: str_of(f.get("tokenUrl")),
                            scopes: keys(f.get("scopes")),
                        });
                    }
                }
                SchemeKind::OAuth2 { flows }
            }
            "openIdConnect" => SchemeKind::OpenIdConnect {
                url: str_of(n.get("openIdConnectUrl")).unwrap_or_default(),
            },
            "mutualTLS" => SchemeKind::MutualTls,
            other => {
                self.warn(
                    "spec.bad-value",
                    format!("security scheme `{name}` has unknown type `{other}`"),
                    doc,
                    ptr,
                    n.line,
                );
                SchemeKind::Unknown(other.to_string())
            }
        };
        Some(SecurityScheme {
            name: name.to_string(),
            kind,
            loc: Self::loc(doc, ptr, n),
        })
    }

    fn security_list(&mut self, doc: usize, ptr: &str, n: &Node) -> Vec<SecurityRequirement> {
        let Some(items) = n.as_array() else {
            self.bad_type("`security`", "an array", doc, ptr, n);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, req) in items.iter().enumerate() {
            let Some(m) = req.as_object() else {
                self.bad_type(
                    "a security requirement",
                    "an object",
                    doc,
                    &format!("{ptr}/{i}"),
                    req,
                );
                continue;
            };
            let mut r = SecurityRequirement::default();
            for (name, scopes) in m {
                if !self.scheme_names.iter().any(|s| s == name) {
                    self.warn(
                        "spec.unknown-security-scheme",
                        format!("security requirement names `{name}`, which is not a declared security scheme"),
                        doc,
                        &format!("{ptr}/{i}"),
                        req.line,
                    );
                }
                r.schemes.push((name.clone(), strings(Some(scopes))));
            }
            out.push(r);
        }
        out
    }

    // ----- paths and operations ------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn path_item(
        &mut self,
        doc: usize,
        ptr: &str,
        item: &Node,
        path: &str,
        webhook: bool,
        global: &Option<Vec<SecurityRequirement>>,
        out: &mut Vec<Operation>,
    ) {
        self.deref(doc, ptr, item, |b, d, p, n| {
            b.path_item_body(d, p, n, path, webhook, global, out)
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn path_item_body(
        &mut self,
        doc: usize,
        ptr: &str,
        item: &Node,
        path: &str,
        webhook: bool,
        global: &Option<Vec<SecurityRequirement>>,
        out: &mut Vec<Operation>,
    ) {
        let Some(members) = item.as_object() else {
            self.bad_type("a path item", "an object", doc, ptr, item);
            return;
        };
        let common = self.params_list(doc, &format!("{ptr}/parameters"), item.get("parameters"));
        for (k, op) in members {
            let Some(method) = Method::from_key(k) else {
                continue;
            };
            let optr = push_pointer(ptr, k);
            if op.as_object().is_none() {
                self.bad_type("an operation", "an object", doc, &optr, op);
                continue;
            }
            let o = self.operation(doc, &optr, op, method, path, &common, webhook, global);
            out.push(o);
        }
    }

    fn params_list(&mut self, doc: usize, ptr: &str, list: Option<&Node>) -> Vec<RawParam> {
        let Some(list) = list else {
            return Vec::new();
        };
        let Some(items) = list.as_array() else {
            self.bad_type("`parameters`", "an array", doc, ptr, list);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, p) in items.iter().enumerate() {
            let pp = format!("{ptr}/{i}");
            if let Some(Some(rp)) = self.deref(doc, &pp, p, |b, d, p, n| b.parameter(d, p, n)) {
                if out
                    .iter()
                    .any(|o: &RawParam| o.p.name == rp.p.name && o.kind == rp.kind)
                {
                    self.warn(
                        "spec.duplicate-parameter",
                        format!(
                            "parameter `{}` is declared twice; the last one wins",
                            rp.p.name
                        ),
                        doc,
                        &pp,
                        p.line,
                    );
                    out.retain(|o: &RawParam| !(o.p.name == rp.p.name && o.kind == rp.kind));
                }
                out.push(rp);
            }
        }
        out
    }

    fn parameter(&mut self, doc: usize, ptr: &str, n: &Node) -> Option<RawParam> {
        if n.as_object().is_none() {
            self.bad_type("a parameter", "an object", doc, ptr, n);
            return None;
        }
        let Some(name) = n.get("name").and_then(|x| x.as_str()) else {
            self.warn(
                "spec.missing-field",
                "parameter without a `name`",
                doc,
                ptr,
                n.line,
            );
            return None;
        };
        let kind = match n.get("in").and_then(|x| x.as_str()) {
            Some("path") => Kind::Std(ParamLocation::Path),
            Some("query") => Kind::Std(ParamLocation::Query),
            Some("header") => Kind::Std(ParamLocation::Header),
            Some("cookie") => Kind::Std(ParamLocation::Cookie),
            Some("body") if self.version == SpecVersion::Swagger2 => Kind::Body,
            Some("formData") if self.version == SpecVersion::Swagger2 => Kind::Form,
            other => {
                self.warn(
                    "spec.bad-value",
                    format!(
                        "parameter `{name}` has `in: {}`, which is not a valid location; ignored",
                        other.unwrap_or("(missing)")
                    ),
                    doc,
                    ptr,
                    n.line,
                );
                return None;
            }
        };
        let swagger = self.version == SpecVersion::Swagger2;
        let mut schema_node_example = None;
        let schema = if let Some(s) = n.get("schema") {
            schema_node_example = s.get("example").map(example_text);
            Some(self.intern_schema(doc, &format!("{ptr}/schema"), s))
        } else if swagger && kind != Kind::Body {
            // A Swagger 2.0 non-body parameter carries its schema inline (type, format, items…).
            Some(self.intern_schema(doc, ptr, n))
        } else if let Some((mt, m)) = n
            .get("content")
            .and_then(|c| c.as_object())
            .and_then(|m| m.first())
        {
            let mptr = push_pointer(&format!("{ptr}/content"), mt);
            m.get("schema")
                .map(|s| self.intern_schema(doc, &format!("{mptr}/schema"), s))
        } else {
            if kind == Kind::Body {
                self.warn(
                    "spec.missing-field",
                    format!("body parameter `{name}` has no `schema`"),
                    doc,
                    ptr,
                    n.line,
                );
            }
            None
        };
        self.note_example(n.get("example"));
        self.note_examples(doc, ptr, n.get("examples"));
        let example = n
            .get("example")
            .map(example_text)
            .or_else(|| first_example(n.get("examples")))
            .or_else(|| n.get("x-example").map(example_text))
            .or(schema_node_example);
        let is_file = n.get("type").and_then(|t| t.as_str()) == Some("file");
        Some(RawParam {
            p: Parameter {
                name: name.to_string(),
                location: match kind {
                    Kind::Std(l) => l,
                    _ => ParamLocation::Query,
                },
                required: bool_of(n.get("required")),
                deprecated: bool_of(n.get("deprecated")),
                schema,
                example,
                description: str_of(n.get("description")),
                loc: Self::loc(doc, ptr, n),
            },
            kind,
            is_file,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        doc: usize,
        ptr: &str,
        n: &Node,
        method: Method,
        path: &str,
        common: &[RawParam],
        webhook: bool,
        global: &Option<Vec<SecurityRequirement>>,
    ) -> Operation {
        let own = self.params_list(doc, &format!("{ptr}/parameters"), n.get("parameters"));
        let mut merged: Vec<&RawParam> = common
            .iter()
            .filter(|c| !own.iter().any(|o| o.p.name == c.p.name && o.kind == c.kind))
            .collect();
        merged.extend(own.iter());

        let mut parameters = Vec::new();
        let mut request_body = None;
        let mut form: Vec<&RawParam> = Vec::new();
        let swagger = self.version == SpecVersion::Swagger2;
        let consumes = if swagger {
            let c = strings(n.get("consumes"));
            if c.is_empty() {
                self.consumes.clone()
            } else {
                c
            }
        } else {
            Vec::new()
        };
        for rp in &merged {
            match rp.kind {
                Kind::Std(_) => parameters.push(rp.p.clone()),
                Kind::Form => form.push(rp),
                Kind::Body => {
                    let types = if consumes.is_empty() {
                        vec!["application/json".to_string()]
                    } else {
                        consumes.clone()
                    };
                    request_body = Some(RequestBody {
                        required: rp.p.required,
                        content: types
                            .into_iter()
                            .map(|mt| MediaType {
                                media_type: mt,
                                schema: rp.p.schema,
                                example: rp.p.example.clone(),
                                loc: rp.p.loc.clone(),
                            })
                            .collect(),
                        loc: rp.p.loc.clone(),
                    });
                }
            }
        }
        if !form.is_empty() {
            let multipart = form.iter().any(|f| f.is_file)
                || consumes
                    .iter()
                    .any(|c| c.starts_with("multipart/form-data"));
            let mt = if multipart {
                "multipart/form-data"
            } else {
                "application/x-www-form-urlencoded"
            };
            let loc = form[0].p.loc.clone();
            let mut s = Schema::empty(loc.clone());
            s.types.push("object".to_string());
            for f in &form {
                if let Some(sid) = f.p.schema {
                    s.properties.push(Property {
                        name: f.p.name.clone(),
                        schema: sid,
                        required: f.p.required,
                        loc: f.p.loc.clone(),
                    });
                }
            }
            let id = SchemaId(self.schemas.len() as u32);
            self.schemas.push(s);
            if request_body.is_some() {
                self.warn(
                    "spec.body-and-form",
                    "operation has both a body parameter and formData parameters",
                    doc,
                    ptr,
                    n.line,
                );
            }
            request_body = Some(RequestBody {
                required: form.iter().any(|f| f.p.required),
                content: vec![MediaType {
                    media_type: mt.to_string(),
                    schema: Some(id),
                    example: None,
                    loc: loc.clone(),
                }],
                loc,
            });
        }
        if !swagger && let Some(rb) = n.get("requestBody") {
            let rptr = format!("{ptr}/requestBody");
            request_body = self
                .deref(doc, &rptr, rb, |b, d, p, n| b.request_body(d, p, n))
                .flatten();
        }

        // Responses.
        let mut responses = Vec::new();
        match n.get("responses") {
            Some(rs) => match rs.as_object() {
                Some(m) => {
                    let produces = if swagger {
                        let p = strings(n.get("produces"));
                        if p.is_empty() {
                            self.produces.clone()
                        } else {
                            p
                        }
                    } else {
                        Vec::new()
                    };
                    for (status, r) in m {
                        if status.starts_with("x-") {
                            continue;
                        }
                        let rptr = push_pointer(&format!("{ptr}/responses"), status);
                        if let Some(Some(resp)) = self.deref(doc, &rptr, r, |b, d, p, n| {
                            b.response(status, d, p, n, &produces)
                        }) {
                            responses.push(resp);
                        }
                    }
                }
                None => self.bad_type(
                    "`responses`",
                    "an object",
                    doc,
                    &format!("{ptr}/responses"),
                    rs,
                ),
            },
            None => {
                if !webhook && self.version != SpecVersion::OpenApi31 {
                    self.warn(
                        "spec.missing-field",
                        "operation has no `responses`",
                        doc,
                        ptr,
                        n.line,
                    );
                }
            }
        }

        // Security.
        let (security, security_override_empty) = match n.get("security") {
            Some(s) => {
                let list = self.security_list(doc, &format!("{ptr}/security"), s);
                let empty = list.is_empty() || list.iter().any(|r| r.schemes.is_empty());
                (list, empty)
            }
            None => (global.clone().unwrap_or_default(), false),
        };

        let callbacks = keys(n.get("callbacks"))
            .into_iter()
            .filter(|k| !k.starts_with("x-"))
            .collect();
        // An extension set to `false` (`x-internal: false`) says the opposite of its name.
        let extensions = n
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, v)| k.starts_with("x-") && v.as_bool() != Some(false))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        Operation {
            method,
            path: path.to_string(),
            operation_id: str_of(n.get("operationId")),
            summary: str_of(n.get("summary")),
            description: n
                .get("description")
                .and_then(|d| d.as_str())
                .map(|d| head_chars(d, 400)),
            tags: strings(n.get("tags")),
            deprecated: bool_of(n.get("deprecated")),
            parameters,
            request_body,
            responses,
            security,
            security_override_empty,
            extensions,
            callbacks,
            is_webhook: webhook,
            loc: Self::loc(doc, ptr, n),
        }
    }

    fn media_types(&mut self, doc: usize, ptr: &str, content: Option<&Node>) -> Vec<MediaType> {
        let Some(c) = content else {
            return Vec::new();
        };
        let Some(m) = c.as_object() else {
            self.bad_type("`content`", "an object", doc, ptr, c);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (mt, node) in m {
            let mptr = push_pointer(ptr, mt);
            let schema = node
                .get("schema")
                .map(|s| self.intern_schema(doc, &format!("{mptr}/schema"), s));
            self.note_example(node.get("example"));
            self.note_examples(doc, &mptr, node.get("examples"));
            let example = node
                .get("example")
                .map(example_text)
                .or_else(|| first_example(node.get("examples")));
            out.push(MediaType {
                media_type: mt.clone(),
                schema,
                example,
                loc: Self::loc(doc, &mptr, node),
            });
        }
        out
    }

    fn request_body(&mut self, doc: usize, ptr: &str, n: &Node) -> Option<RequestBody> {
        if n.as_object().is_none() {
            self.bad_type("`requestBody`", "an object", doc, ptr, n);
            return None;
        }
        let content = self.media_types(doc, &format!("{ptr}/content"), n.get("content"));
        Some(RequestBody {
            required: bool_of(n.get("required")),
            content,
            loc: Self::loc(doc, ptr, n),
        })
    }

    fn response(
        &mut self,
        status: &str,
        doc: usize,
        ptr: &str,
        n: &Node,
        produces: &[String],
    ) -> Option<Response> {
        if n.as_object().is_none() {
            self.bad_type("a response", "an object", doc, ptr, n);
            return None;
        }
        let content = if self.version == SpecVersion::Swagger2 {
            match n.get("schema") {
                Some(s) => {
                    let sid = self.intern_schema(doc, &format!("{ptr}/schema"), s);
                    let types = if produces.is_empty() {
                        vec!["application/json".to_string()]
                    } else {
                        produces.to_vec()
                    };
                    let examples = n.get("examples");
                    self.note_example(examples);
                    types
                        .into_iter()
                        .map(|mt| MediaType {
                            example: examples.and_then(|e| e.get(&mt)).map(example_text),
                            media_type: mt,
                            schema: Some(sid),
                            loc: Self::loc(doc, &format!("{ptr}/schema"), s),
                        })
                        .collect()
                }
                None => Vec::new(),
            }
        } else {
            self.media_types(doc, &format!("{ptr}/content"), n.get("content"))
        };
        let headers = keys(n.get("headers"))
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        Some(Response {
            status: status.to_string(),
            description: str_of(n.get("description")),
            content,
            headers,
            loc: Self::loc(doc, ptr, n),
        })
    }

    // ----- schemas -------------------------------------------------------------------------

    /// The id of the schema at (`doc`, `ptr`), following `$ref`s; filled later from the queue.
    fn intern_schema(&mut self, doc: usize, ptr: &str, node: &Node) -> SchemaId {
        self.intern_schema_shared(doc, ptr.into(), node)
    }

    /// [`Self::intern_schema`] with the pointer already shared (a property's own `Loc`).
    fn intern_schema_shared(&mut self, doc: usize, ptr: Arc<str>, node: &Node) -> SchemaId {
        let Some(r) = ref_of(node) else {
            return self.intern_at(doc, ptr, node);
        };
        if let Some(&id) = self.ref_memo.get(doc).and_then(|m| m.get(r)) {
            return id;
        }
        match self.res.follow(doc, &ptr, node) {
            Some((d, p, _)) => {
                let id = self.intern_at(d, p.into(), node);
                if self.ref_memo.len() <= doc {
                    self.ref_memo.resize_with(doc + 1, HashMap::new);
                }
                self.ref_memo[doc].insert(r.to_string(), id);
                id
            }
            // Broken reference: an empty schema standing for it.
            None => self.intern_at(doc, ptr, node),
        }
    }

    fn intern_at(&mut self, tdoc: usize, tptr: Arc<str>, node: &Node) -> SchemaId {
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            tptr.hash(&mut h);
            h.finish()
        };
        let slot = self.ids.get(&(tdoc, hash)).copied();
        if let Some(id) = slot {
            let loc = &self.schemas[id.0 as usize].loc;
            if loc.doc == tdoc && *loc.pointer == *tptr {
                return id;
            }
            if let Some(&id) = self.ids_collided.get(&(tdoc, tptr.clone())) {
                return id;
            }
        }
        let key = (tdoc, tptr);
        if self.schemas.len() >= self.res.opts.max_schemas {
            if let Some(id) = self.overflow_schema {
                return id;
            }
            self.res.diag(
                DiagnosticLevel::Error,
                "spec.too-many-schemas",
                format!(
                    "more than {} schemas; further schemas are left empty",
                    self.res.opts.max_schemas
                ),
                key.0,
                &key.1,
                node.line,
            );
            let id = SchemaId(self.schemas.len() as u32);
            self.schemas.push(Schema::empty(Loc::default()));
            self.overflow_schema = Some(id);
            return id;
        }
        let id = SchemaId(self.schemas.len() as u32);
        if slot.is_some() {
            self.ids_collided.insert(key.clone(), id);
        } else {
            self.ids.insert((key.0, hash), id);
        }
        let name = component_name(&key.1);
        let mut s = Schema::empty(Loc {
            doc: key.0,
            pointer: key.1,
            line: 0,
        });
        s.name = name;
        // Grow by a quarter, not by doubling: a spec with 300,000 schemas would otherwise hold
        // up to twice the memory it needs (a schema is ~450 bytes).
        if self.schemas.len() == self.schemas.capacity() && self.schemas.len() >= 4096 {
            self.schemas.reserve_exact(self.schemas.len() / 8);
        }
        self.schemas.push(s);
        self.queue.push_back(id);
        id
    }

    fn drain_schemas(&mut self) {
        while let Some(id) = self.queue.pop_front() {
            let loc = self.schemas[id.0 as usize].loc.clone();
            let root = self.res.root(loc.doc);
            let Some(node) = lookup(&root, &loc.pointer) else {
                continue;
            };
            if ref_of(node).is_some() {
                // A broken reference kept as an empty schema; the diagnostic is already recorded.
                self.schemas[id.0 as usize].loc.line = node.line;
                continue;
            }
            self.fill_schema(id, loc.doc, loc.pointer, node);
        }
    }

    fn fill_schema(&mut self, id: SchemaId, doc: usize, shared_ptr: Arc<str>, node: &Node) {
        let mut s = Schema::empty(Loc {
            doc,
            pointer: shared_ptr.clone(),
            line: node.line,
        });
        let ptr: &str = &shared_ptr;
        s.name = self.schemas[id.0 as usize].name.take();
        let Some(members) = node.as_object() else {
            if node.as_bool().is_none() {
                self.bad_type("a schema", "an object", doc, ptr, node);
            }
            self.schemas[id.0 as usize] = s;
            return;
        };
        let mut required: Vec<&str> = Vec::new();
        for (k, v) in members {
            match k.as_str() {
                "type" => match &v.value {
                    Value::String(t) => s.types.push(t.to_ascii_lowercase()),
                    Value::Array(ts) => {
                        for t in ts {
                            if let Some(t) = t.as_str() {
                                s.types.push(t.to_ascii_lowercase());
                            }
                        }
                    }
                    _ => self.bad_type(
                        "`type`",
                        "a string or an array",
                        doc,
                        &push_pointer(ptr, k),
                        v,
                    ),
                },
                "format" => s.format = str_of(Some(v)),
                "title" => s.annotations_mut().title = str_of(Some(v)),
                "description" => s.description = str_of(Some(v)),
                "properties" => match v.as_object() {
                    Some(props) => {
                        let pp = push_pointer(ptr, "properties");
                        for (name, pn) in props {
                            let p: Arc<str> = push_pointer(&pp, name).into();
                            let sid = self.intern_schema_shared(doc, p.clone(), pn);
                            s.properties.push(Property {
                                name: name.clone(),
                                schema: sid,
                                required: false,
                                loc: Loc {
                                    doc,
                                    pointer: p,
                                    line: pn.line,
                                },
                            });
                        }
                    }
                    None => {
                        self.bad_type("`properties`", "an object", doc, &push_pointer(ptr, k), v)
                    }
                },
                "required" => match &v.value {
                    Value::Array(items) => {
                        required.extend(items.iter().filter_map(|x| x.as_str()));
                    }
                    // `required: true` is a Swagger 2.0 parameter field (parameters double as schemas).
                    Value::Bool(_) => {}
                    _ => self.bad_type(
                        "`required`",
                        "an array of names",
                        doc,
                        &push_pointer(ptr, k),
                        v,
                    ),
                },
                "items" => match &v.value {
                    Value::Object(_) => {
                        s.items = Some(self.intern_schema(doc, &push_pointer(ptr, k), v));
                    }
                    Value::Array(items) if !items.is_empty() => {
                        let p = format!("{}/0", push_pointer(ptr, k));
                        s.items = Some(self.intern_schema(doc, &p, &items[0]));
                    }
                    Value::Bool(_) => {}
                    _ => self.bad_type("`items`", "a schema", doc, &push_pointer(ptr, k), v),
                },
                "additionalProperties" => {
                    match &v.value {
                        Value::Bool(b) => s.additional_properties = AdditionalProperties::Bool(*b),
                        Value::Object(_) => {
                            s.additional_properties = AdditionalProperties::Schema(
                                self.intern_schema(doc, &push_pointer(ptr, k), v),
                            )
                        }
                        _ => self.bad_type(
                            "`additionalProperties`",
                            "a boolean or a schema",
                            doc,
                            &push_pointer(ptr, k),
                            v,
                        ),
                    }
                }
                "allOf" | "anyOf" | "oneOf" => match v.as_array() {
                    Some(items) => {
                        let base = push_pointer(ptr, k);
                        let mut ids = Vec::with_capacity(items.len());
                        for (i, it) in items.iter().enumerate() {
                            ids.push(self.intern_schema(doc, &format!("{base}/{i}"), it));
                        }
                        match k.as_str() {
                            "allOf" => s.all_of = ids,
                            "anyOf" => s.any_of = ids,
                            _ => s.one_of = ids,
                        }
                    }
                    None => {
                        self.bad_type(&format!("`{k}`"), "an array", doc, &push_pointer(ptr, k), v)
                    }
                },
                "enum" => match v.as_array() {
                    Some(items) => s.enum_len = u32::try_from(items.len()).unwrap_or(u32::MAX),
                    None => self.bad_type("`enum`", "an array", doc, &push_pointer(ptr, k), v),
                },
                "const" => s.has_const = true,
                "minLength" => s.limits_mut().min_length = u64_of(Some(v)),
                "maxLength" => s.limits_mut().max_length = u64_of(Some(v)),
                "minItems" => s.limits_mut().min_items = u64_of(Some(v)),
                "maxItems" => s.limits_mut().max_items = u64_of(Some(v)),
                "pattern" => s.limits_mut().pattern = str_of(Some(v)),
                "minimum" => {
                    let l = s.limits_mut();
                    l.minimum = v.as_f64().or(l.minimum);
                }
                "maximum" => {
                    let l = s.limits_mut();
                    l.maximum = v.as_f64().or(l.maximum);
                }
                "exclusiveMinimum" => match &v.value {
                    Value::Bool(b) => s.limits_mut().exclusive_minimum = *b,
                    Value::Number(_) => {
                        let l = s.limits_mut();
                        l.exclusive_minimum = true;
                        l.minimum = v.as_f64();
                    }
                    _ => {}
                },
                "exclusiveMaximum" => match &v.value {
                    Value::Bool(b) => s.limits_mut().exclusive_maximum = *b,
                    Value::Number(_) => {
                        let l = s.limits_mut();
                        l.exclusive_maximum = true;
                        l.maximum = v.as_f64();
                    }
                    _ => {}
                },
                "readOnly" => s.read_only = bool_of(Some(v)),
                "writeOnly" => s.write_only = bool_of(Some(v)),
                "nullable" | "x-nullable" => {
                    s.nullable |= bool_of(Some(v));
                    if k.starts_with("x-") {
                        s.annotations_mut().extensions.push(k.clone());
                    }
                }
                "deprecated" => s.deprecated = bool_of(Some(v)),
                "example" | "default" | "x-example" => {
                    self.note_example(Some(v));
                    if let Some(t) = v.scalar_text()
                        && s.examples().len() < MAX_SCHEMA_EXAMPLES
                    {
                        s.annotations_mut().examples.push(t);
                    }
                    if k.starts_with("x-") {
                        s.annotations_mut().extensions.push(k.clone());
                    }
                }
                "examples" => {
                    if let Some(items) = v.as_array() {
                        for it in items {
                            if let Some(t) = it.scalar_text()
                                && s.examples().len() < MAX_SCHEMA_EXAMPLES
                            {
                                s.annotations_mut().examples.push(t);
                            }
                        }
                    }
                }
                // Azure: a property whose mutability lacks `read` is never returned.
                "x-ms-mutability" => {
                    let values: Vec<String> = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    if !values.is_empty() && !values.iter().any(|x| x.eq_ignore_ascii_case("read"))
                    {
                        s.write_only = true;
                    }
                    s.annotations_mut().extensions.push(k.to_string());
                }
                // An extension set to `false` (`x-ms-secret: false`) says the opposite of its name.
                k if k.starts_with("x-") && v.as_bool() != Some(false) => {
                    s.annotations_mut().extensions.push(k.to_string())
                }
                _ => {}
            }
        }
        if s.has_type("null") {
            s.nullable = true;
        }
        for r in required {
            if let Some(p) = s.properties.iter_mut().find(|p| p.name == r) {
                p.required = true;
            }
        }
        self.schemas[id.0 as usize] = s;
    }
}

fn keys(n: Option<&Node>) -> Vec<String> {
    n.and_then(|n| n.as_object())
        .map(|m| m.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default()
}

/// The first example of an `examples` map (`{name: {value: …}}`) as text.
fn first_example(n: Option<&Node>) -> Option<String> {
    let m = n?.as_object()?;
    m.iter()
        .find_map(|(_, ex)| ex.get("value").map(example_text))
}
