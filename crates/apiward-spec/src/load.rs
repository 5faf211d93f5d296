//! Entry points: [`load_path`] and [`load_bytes`].

use crate::json::{ParseDiag, parse_json};
use crate::model::Spec;
use crate::node::Node;
use crate::resolve::{Base, Resolver, SourceDoc, read_capped};
use crate::yaml::{YamlLimits, parse_yaml};
use apiward_core::DiagnosticLevel;
use std::path::Path;
use std::rc::Rc;

/// A callback that fetches a remote document (`http(s)` URL → bytes). The CLI owns HTTP.
pub type FetchFn = Box<dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync>;

/// Limits and permissions for loading a spec.
pub struct LoadOptions {
    /// Follow local `$ref`s that leave the main document's folder tree.
    pub allow_outside_root: bool,
    /// Fetcher for remote `$ref`s; `None` = remote refs are recorded but not followed.
    pub fetch_remote: Option<FetchFn>,
    /// Maximum size of one document, in bytes.
    pub max_bytes: usize,
    /// Maximum size of all documents together, in bytes.
    pub max_total_bytes: usize,
    /// Maximum nesting depth of a document.
    pub max_depth: usize,
    /// Maximum number of nodes of one YAML document (alias copies included).
    pub max_nodes: usize,
    /// Maximum number of nodes created by YAML alias expansion in one document.
    pub max_alias_nodes: usize,
    /// Maximum number of documents (the main one and every referenced file).
    pub max_documents: usize,
    /// Maximum length of a chain of `$ref`s to `$ref`s.
    pub max_ref_depth: usize,
    /// Maximum number of schemas in the schema graph.
    pub max_schemas: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            allow_outside_root: false,
            fetch_remote: None,
            max_bytes: 64 * 1024 * 1024,
            max_total_bytes: 256 * 1024 * 1024,
            max_depth: 512,
            max_nodes: 5_000_000,
            max_alias_nodes: 1_000_000,
            max_documents: 256,
            max_ref_depth: 64,
            max_schemas: 2_000_000,
        }
    }
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("allow_outside_root", &self.allow_outside_root)
            .field("fetch_remote", &self.fetch_remote.is_some())
            .field("max_bytes", &self.max_bytes)
            .field("max_depth", &self.max_depth)
            .field("max_nodes", &self.max_nodes)
            .field("max_documents", &self.max_documents)
            .finish()
    }
}

/// The spec could not be loaded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Error from [`parse_document`]: a message and, where known, a line.
#[derive(Debug, Clone)]
pub(crate) struct DocError {
    pub line: Option<u32>,
    pub message: String,
}

/// Load a spec from a file. Relative `$ref`s are resolved against its folder.
pub fn load_path(path: &Path, opts: &LoadOptions) -> Result<Spec, LoadError> {
    let name = path.display().to_string();
    let bytes = read_capped(path, opts.max_bytes).map_err(|message| LoadError {
        file: name.clone(),
        line: None,
        message,
    })?;
    let canon = std::fs::canonicalize(path).ok();
    let dir = canon
        .as_ref()
        .and_then(|c| c.parent().map(|p| p.to_path_buf()));
    let (root, pdiags) = parse_main(&name, &bytes, opts)?;
    let len = bytes.len();
    // The file's bytes are not needed once parsed: free them before the model is built.
    drop(bytes);
    build_main(
        &name,
        root,
        pdiags,
        len,
        dir,
        canon.map(|c| c.display().to_string()),
        opts,
    )
}

/// Load a spec from bytes the caller obtained (a URL, stdin). `base_dir`, when given, is the folder
/// relative file `$ref`s resolve against (and must stay inside). When `name` is an `http(s)` URL
/// and there is no `base_dir`, relative refs resolve against the URL through `fetch_remote`.
pub fn load_bytes(
    name: &str,
    bytes: &[u8],
    base_dir: Option<&Path>,
    opts: &LoadOptions,
) -> Result<Spec, LoadError> {
    if bytes.len() > opts.max_bytes {
        return Err(LoadError {
            file: name.to_string(),
            line: None,
            message: format!(
                "document is {} bytes, over the {} byte limit",
                bytes.len(),
                opts.max_bytes
            ),
        });
    }
    let dir = base_dir.map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()));
    load_inner(name, bytes, dir, None, opts)
}

fn load_inner(
    name: &str,
    bytes: &[u8],
    dir: Option<std::path::PathBuf>,
    key: Option<String>,
    opts: &LoadOptions,
) -> Result<Spec, LoadError> {
    let (root, pdiags) = parse_main(name, bytes, opts)?;
    build_main(name, root, pdiags, bytes.len(), dir, key, opts)
}

fn parse_main(
    name: &str,
    bytes: &[u8],
    opts: &LoadOptions,
) -> Result<(Node, Vec<ParseDiag>), LoadError> {
    parse_document(name, bytes, opts).map_err(|e| LoadError {
        file: name.to_string(),
        line: e.line,
        message: e.message,
    })
}

fn build_main(
    name: &str,
    root: Node,
    pdiags: Vec<ParseDiag>,
    len: usize,
    dir: Option<std::path::PathBuf>,
    key: Option<String>,
    opts: &LoadOptions,
) -> Result<Spec, LoadError> {
    let lower = name.to_ascii_lowercase();
    let base = match &dir {
        Some(d) => Base::Dir(d.clone()),
        None if lower.starts_with("http://") || lower.starts_with("https://") => {
            Base::Url(name.to_string())
        }
        None => Base::None,
    };
    let main = SourceDoc {
        name: name.to_string(),
        root: Rc::new(root),
        base,
    };
    let mut res = Resolver::new(opts, main, dir, key, len);
    for d in pdiags {
        res.diag(DiagnosticLevel::Warning, d.code, d.message, 0, "", d.line);
    }
    crate::normalize::build(res)
}

/// Decode and parse one document (JSON or YAML, chosen by name and content).
pub(crate) fn parse_document(
    name: &str,
    bytes: &[u8],
    opts: &LoadOptions,
) -> Result<(Node, Vec<ParseDiag>), DocError> {
    let text = decode(bytes)?;
    let lower = name.to_ascii_lowercase();
    let lower = lower.split(['?', '#']).next().unwrap_or("");
    let first = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next();
    let is_json = if lower.ends_with(".json") {
        true
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        false
    } else {
        matches!(first, Some('{') | Some('['))
    };
    let mut diags = Vec::new();
    let result = if is_json {
        parse_json(text, opts.max_depth, &mut diags)
    } else {
        let limits = YamlLimits {
            max_depth: opts.max_depth,
            max_nodes: opts.max_nodes,
            max_alias_nodes: opts.max_alias_nodes,
        };
        parse_yaml(text, limits, &mut diags)
    };
    match result {
        Ok(n) => Ok((n, diags)),
        Err(e) => Err(DocError {
            line: Some(e.line),
            message: format!(
                "{} (column {}): {}",
                if is_json {
                    "invalid JSON"
                } else {
                    "invalid YAML"
                },
                e.column,
                e.message.trim_start_matches("invalid YAML: ")
            ),
        }),
    }
}

/// Check the encoding: UTF-8 (with or without BOM) only; UTF-16/32 and binary data are refused.
fn decode(bytes: &[u8]) -> Result<&str, DocError> {
    let err = |line: Option<u32>, m: &str| DocError {
        line,
        message: m.to_string(),
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(None, "the document is empty"));
    }
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(err(
            Some(1),
            "the document is UTF-32 encoded; convert it to UTF-8",
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(err(
            Some(1),
            "the document is UTF-16 encoded; convert it to UTF-8",
        ));
    }
    let head = &bytes[..bytes.len().min(4)];
    if head.len() >= 2 && (head[0] == 0) != (head[1] == 0) {
        return Err(err(
            Some(1),
            "the document looks UTF-16 encoded (no byte order mark); convert it to UTF-8",
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            return Err(err(
                Some(line),
                &format!(
                    "the document is not valid UTF-8 text (byte offset {at}); binary file or wrong encoding"
                ),
            ));
        }
    };
    if let Some(pos) = memchr_nul(bytes) {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        return Err(err(
            Some(line),
            "the document contains NUL bytes; binary file or wrong encoding",
        ));
    }
    Ok(text)
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == 0)
}
