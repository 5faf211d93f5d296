//! `$ref` resolution: local JSON pointers, other local files (inside the main document's folder
//! tree unless allowed), and remote documents through the caller's fetcher. Every document is
//! loaded once; chains of refs-to-refs are followed iteratively with a cycle check and a depth cap.

use crate::load::{LoadOptions, parse_document};
use crate::model::Loc;
use crate::node::{Node, Value};
use apiward_core::{Diagnostic, DiagnosticLevel};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Where relative references of a document are resolved from.
#[derive(Debug, Clone)]
pub(crate) enum Base {
    /// Canonical folder of a local file.
    Dir(PathBuf),
    /// URL of a remote document.
    Url(String),
    /// No base (bytes from stdin without a folder): only local pointers work.
    None,
}

pub(crate) struct SourceDoc {
    pub name: String,
    pub root: Rc<Node>,
    pub base: Base,
}

pub(crate) struct Resolver<'o> {
    pub opts: &'o LoadOptions,
    pub docs: Vec<SourceDoc>,
    by_key: HashMap<String, usize>,
    failed: HashSet<String>,
    /// Canonical folder of the main document: local refs must stay inside it.
    root_dir: Option<PathBuf>,
    pub diags: Vec<Diagnostic>,
    suppressed: usize,
    pub external_refs: Vec<(String, Loc)>,
    total_bytes: usize,
    /// Where each reference node already followed ends: `(doc, pointer)` → final `(doc, pointer)`,
    /// or `None` for a chain that failed. Long chains are walked once, not once per link.
    followed: HashMap<(usize, String), Option<(usize, String)>>,
}

/// Maximum number of diagnostics kept (the rest are counted).
const MAX_DIAGS: usize = 5_000;

impl<'o> Resolver<'o> {
    pub fn new(
        opts: &'o LoadOptions,
        main: SourceDoc,
        root_dir: Option<PathBuf>,
        key: Option<String>,
        bytes: usize,
    ) -> Self {
        let mut by_key = HashMap::new();
        if let Some(k) = key {
            by_key.insert(k, 0);
        }
        Resolver {
            opts,
            docs: vec![main],
            by_key,
            failed: HashSet::new(),
            root_dir,
            diags: Vec::new(),
            suppressed: 0,
            external_refs: Vec::new(),
            total_bytes: bytes,
            followed: HashMap::new(),
        }
    }

    pub fn root(&self, doc: usize) -> Rc<Node> {
        Rc::clone(&self.docs[doc].root)
    }

    pub fn diag(
        &mut self,
        level: DiagnosticLevel,
        code: &str,
        message: impl Into<String>,
        doc: usize,
        pointer: &str,
        line: u32,
    ) {
        if self.diags.len() >= MAX_DIAGS {
            self.suppressed += 1;
            return;
        }
        let mut d = Diagnostic::new(level, code, message);
        d.file = self.docs.get(doc).map(|d| d.name.clone());
        d.line = (line > 0).then_some(line);
        d.pointer = Some(pointer.to_string());
        self.diags.push(d);
    }

    pub fn finish_diags(&mut self) {
        if self.suppressed > 0 {
            self.diags.push(Diagnostic::new(
                DiagnosticLevel::Note,
                "spec.diagnostics-truncated",
                format!("{} further diagnostics were not recorded", self.suppressed),
            ));
            self.suppressed = 0;
        }
    }

    /// Follow `node`'s `$ref` chain (if any) to a node that is not a reference.
    /// Returns the final document, pointer and that document's root (to look the node up from).
    /// `None` (with a diagnostic) when a target is missing, a cycle is found, or the chain is too long.
    pub fn follow(
        &mut self,
        doc: usize,
        pointer: &str,
        node: &Node,
    ) -> Option<(usize, String, Rc<Node>)> {
        let (mut reference, mut ref_line) = ref_and_line(node)?;
        if let Some(known) = self.followed.get(&(doc, pointer.to_string())) {
            let (d, p) = known.clone()?;
            let root = self.root(d);
            return Some((d, p, root));
        }
        let mut seen: Vec<(usize, String)> = vec![(doc, pointer.to_string())];
        let end = self.follow_chain(&mut seen, &mut reference, &mut ref_line);
        let result = end.as_ref().map(|(d, p, _)| (*d, p.clone()));
        // Every link of the chain ends where this one does (or fails with it).
        for link in seen {
            self.followed.entry(link).or_insert_with(|| result.clone());
        }
        end
    }

    fn follow_chain(
        &mut self,
        seen: &mut Vec<(usize, String)>,
        reference: &mut String,
        ref_line: &mut u32,
    ) -> Option<(usize, String, Rc<Node>)> {
        let (mut cur_doc, mut cur_ptr) = seen.first().cloned()?;
        let mut cur_root: Rc<Node>;
        let mut on_chain: HashSet<(usize, String)> = seen.iter().cloned().collect();
        loop {
            if seen.len() > self.opts.max_ref_depth {
                self.diag(
                    DiagnosticLevel::Error,
                    "spec.ref-too-deep",
                    format!(
                        "chain of `$ref`s longer than {} links at `{}`",
                        self.opts.max_ref_depth, reference
                    ),
                    cur_doc,
                    &cur_ptr,
                    *ref_line,
                );
                return None;
            }
            let (tdoc, tptr) = self.target(cur_doc, reference, &cur_ptr, *ref_line)?;
            if let Some(known) = self.followed.get(&(tdoc, tptr.clone())).cloned() {
                // The rest of this chain was walked before.
                let (d, p) = known?;
                let root = self.root(d);
                return Some((d, p, root));
            }
            if !on_chain.insert((tdoc, tptr.clone())) {
                self.diag(
                    DiagnosticLevel::Error,
                    "spec.ref-cycle",
                    format!("`$ref` `{reference}` is part of a reference cycle that never reaches a definition"),
                    cur_doc,
                    &cur_ptr,
                    *ref_line,
                );
                return None;
            }
            let root = self.root(tdoc);
            let next_ref = match lookup(&root, &tptr) {
                None => {
                    self.diag(
                        DiagnosticLevel::Error,
                        "spec.missing-ref",
                        format!("`$ref` target not found: `{reference}`"),
                        cur_doc,
                        &cur_ptr,
                        *ref_line,
                    );
                    return None;
                }
                Some(n) => ref_and_line(n),
            };
            seen.push((tdoc, tptr.clone()));
            cur_doc = tdoc;
            cur_ptr = tptr;
            cur_root = root;
            match next_ref {
                Some((r, l)) => {
                    *reference = r;
                    *ref_line = l;
                }
                None => break,
            }
        }
        Some((cur_doc, cur_ptr, cur_root))
    }

    /// Resolve one reference string written in document `from` to (document, JSON pointer).
    pub fn target(
        &mut self,
        from: usize,
        reference: &str,
        at: &str,
        line: u32,
    ) -> Option<(usize, String)> {
        let (file_part, frag) = match reference.find('#') {
            Some(i) => (&reference[..i], &reference[i + 1..]),
            None => (reference, ""),
        };
        let doc = if file_part.is_empty() {
            from
        } else {
            self.load_ref_doc(from, file_part, at, line)?
        };
        let pointer = percent_decode(frag);
        if !pointer.is_empty() && !pointer.starts_with('/') {
            self.diag(
                DiagnosticLevel::Warning,
                "spec.unsupported-ref",
                format!("`$ref` `{reference}` uses a plain-name fragment; only JSON pointers are supported"),
                from,
                at,
                line,
            );
            return None;
        }
        Some((doc, pointer))
    }

    fn load_ref_doc(&mut self, from: usize, file_part: &str, at: &str, line: u32) -> Option<usize> {
        let is_remote = |s: &str| {
            let l = s.get(..8).unwrap_or(s).to_ascii_lowercase();
            l.starts_with("http://") || l.starts_with("https://")
        };
        enum Where {
            Remote(String),
            Local(PathBuf),
        }
        let place = if is_remote(file_part) {
            Where::Remote(file_part.to_string())
        } else {
            match &self.docs[from].base {
                Base::Url(u) => Where::Remote(join_url(u, file_part)),
                Base::Dir(d) => Where::Local(d.join(percent_decode(file_part))),
                Base::None => {
                    self.diag(
                        DiagnosticLevel::Warning,
                        "spec.unresolvable-ref",
                        format!(
                            "`$ref` to `{file_part}` cannot be resolved: the document has no folder"
                        ),
                        from,
                        at,
                        line,
                    );
                    return None;
                }
            }
        };
        match place {
            Where::Remote(url) => {
                let loc = Loc {
                    doc: from,
                    pointer: at.into(),
                    line,
                };
                if !self.external_refs.iter().any(|(u, _)| *u == url) {
                    self.external_refs.push((url.clone(), loc));
                }
                if let Some(&i) = self.by_key.get(&url) {
                    return Some(i);
                }
                if self.failed.contains(&url) {
                    return None;
                }
                let Some(fetch) = self.opts.fetch_remote.as_ref() else {
                    self.failed.insert(url.clone());
                    self.diag(
                        DiagnosticLevel::Warning,
                        "spec.remote-ref-skipped",
                        format!(
                            "remote `$ref` to `{url}` not followed (remote references are off)"
                        ),
                        from,
                        at,
                        line,
                    );
                    return None;
                };
                if !self.room_for_doc(from, at, line, &url) {
                    self.failed.insert(url);
                    return None;
                }
                let bytes = match fetch(&url) {
                    Ok(b) => b,
                    Err(e) => {
                        self.failed.insert(url.clone());
                        self.diag(
                            DiagnosticLevel::Error,
                            "spec.remote-ref-failed",
                            format!("could not fetch `{url}`: {e}"),
                            from,
                            at,
                            line,
                        );
                        return None;
                    }
                };
                self.add_doc(
                    from,
                    at,
                    line,
                    url.clone(),
                    url.clone(),
                    &bytes,
                    Base::Url(url),
                )
            }
            Where::Local(path) => {
                let shown = path.display().to_string();
                let canon = match std::fs::canonicalize(&path) {
                    Ok(c) => c,
                    Err(e) => {
                        if self.failed.insert(shown.clone()) {
                            self.diag(
                                DiagnosticLevel::Error,
                                "spec.missing-file",
                                format!("`$ref` to `{file_part}`: cannot open `{shown}`: {e}"),
                                from,
                                at,
                                line,
                            );
                        }
                        return None;
                    }
                };
                let key = canon.display().to_string();
                if let Some(&i) = self.by_key.get(&key) {
                    return Some(i);
                }
                if self.failed.contains(&key) {
                    return None;
                }
                let inside = match &self.root_dir {
                    Some(r) => canon.starts_with(r),
                    None => false,
                };
                if !inside && !self.opts.allow_outside_root {
                    self.failed.insert(key);
                    self.diag(
                        DiagnosticLevel::Error,
                        "spec.ref-outside-root",
                        format!(
                            "`$ref` to `{file_part}` leaves the main document's folder; not followed (allow it explicitly to follow)"
                        ),
                        from,
                        at,
                        line,
                    );
                    return None;
                }
                if !self.room_for_doc(from, at, line, &key) {
                    self.failed.insert(key);
                    return None;
                }
                let bytes = match read_capped(&canon, self.opts.max_bytes) {
                    Ok(b) => b,
                    Err(e) => {
                        self.failed.insert(key);
                        self.diag(
                            DiagnosticLevel::Error,
                            "spec.unreadable-file",
                            format!("`$ref` to `{file_part}`: {e}"),
                            from,
                            at,
                            line,
                        );
                        return None;
                    }
                };
                let name = match &self.root_dir {
                    Some(r) => canon
                        .strip_prefix(r)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|_| key.clone()),
                    None => key.clone(),
                };
                let base = canon
                    .parent()
                    .map(|p| Base::Dir(p.to_path_buf()))
                    .unwrap_or(Base::None);
                self.add_doc(from, at, line, key, name, &bytes, base)
            }
        }
    }

    fn room_for_doc(&mut self, from: usize, at: &str, line: u32, what: &str) -> bool {
        if self.docs.len() >= self.opts.max_documents {
            self.diag(
                DiagnosticLevel::Error,
                "spec.too-many-documents",
                format!(
                    "`{what}` not loaded: more than {} documents are referenced",
                    self.opts.max_documents
                ),
                from,
                at,
                line,
            );
            return false;
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn add_doc(
        &mut self,
        from: usize,
        at: &str,
        line: u32,
        key: String,
        name: String,
        bytes: &[u8],
        base: Base,
    ) -> Option<usize> {
        if bytes.len() > self.opts.max_bytes
            || self.total_bytes.saturating_add(bytes.len()) > self.opts.max_total_bytes
        {
            self.failed.insert(key);
            self.diag(
                DiagnosticLevel::Error,
                "spec.too-large",
                format!("referenced document `{name}` exceeds the size limit"),
                from,
                at,
                line,
            );
            return None;
        }
        self.total_bytes += bytes.len();
        match parse_document(&name, bytes, self.opts) {
            Ok((root, pdiags)) => {
                let idx = self.docs.len();
                self.docs.push(SourceDoc {
                    name,
                    root: Rc::new(root),
                    base,
                });
                self.by_key.insert(key, idx);
                for d in pdiags {
                    self.diag(DiagnosticLevel::Warning, d.code, d.message, idx, "", d.line);
                }
                Some(idx)
            }
            Err(e) => {
                self.failed.insert(key);
                let msg = match e.line {
                    Some(l) => format!(
                        "referenced document `{name}` cannot be parsed (line {l}): {}",
                        e.message
                    ),
                    None => format!(
                        "referenced document `{name}` cannot be parsed: {}",
                        e.message
                    ),
                };
                self.diag(
                    DiagnosticLevel::Error,
                    "spec.bad-ref-document",
                    msg,
                    from,
                    at,
                    line,
                );
                None
            }
        }
    }
}

/// The `$ref` string of an object node, if it has one.
pub(crate) fn ref_of(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Object(m) => m
            .iter()
            .rev()
            .find(|(k, _)| k == "$ref")
            .and_then(|(_, v)| v.as_str()),
        _ => None,
    }
}

/// The `$ref` string of an object node and the line it is written on.
fn ref_and_line(node: &Node) -> Option<(String, u32)> {
    match &node.value {
        Value::Object(m) => m
            .iter()
            .rev()
            .find(|(k, _)| k == "$ref")
            .and_then(|(_, v)| v.as_str().map(|s| (s.to_string(), v.line))),
        _ => None,
    }
}

/// Look a JSON pointer (`/a/b~1c`, already percent-decoded) up from `root`.
pub fn lookup<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut cur = root;
    for raw in rest.split('/') {
        let tok: std::borrow::Cow<str> = if raw.contains('~') {
            std::borrow::Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
        } else {
            std::borrow::Cow::Borrowed(raw)
        };
        cur = match &cur.value {
            Value::Object(_) => cur.get(&tok)?,
            Value::Array(items) => items.get(tok.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Decode `%XX` escapes (invalid escapes are kept as written; invalid UTF-8 becomes U+FFFD).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = (b[i + 1] as char).to_digit(16);
            let l = (b[i + 2] as char).to_digit(16);
            if let (Some(h), Some(l)) = (h, l) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn join_url(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        // Absolute path on the same origin.
        if let Some(scheme_end) = base.find("://") {
            let after = &base[scheme_end + 3..];
            let host_end = after
                .find('/')
                .map(|i| scheme_end + 3 + i)
                .unwrap_or(base.len());
            return format!("{}{}", &base[..host_end], rel);
        }
        return rel.to_string();
    }
    let dir = match base.rfind('/') {
        Some(i) if i > base.find("://").map(|j| j + 2).unwrap_or(0) => &base[..=i],
        _ => base,
    };
    let mut url = format!("{}{}", dir.trim_end_matches('/'), "/");
    let mut rel = rel;
    while let Some(r) = rel.strip_prefix("./") {
        rel = r;
    }
    url.push_str(rel);
    url
}

/// Read a file, refusing anything larger than `max` bytes.
pub(crate) fn read_capped(path: &Path, max: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f =
        std::fs::File::open(path).map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
    let meta = f.metadata().map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err(format!("`{}` is a directory", path.display()));
    }
    if meta.len() > max as u64 {
        return Err(format!(
            "`{}` is {} bytes, over the {} byte limit",
            path.display(),
            meta.len(),
            max
        ));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    f.take(max as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if buf.len() > max {
        return Err(format!(
            "`{}` is over the {} byte limit",
            path.display(),
            max
        ));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/paths/~1a%7Bb%7D"), "/paths/~1a{b}");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(
            join_url("https://x.io/a/b.json", "c.json"),
            "https://x.io/a/c.json"
        );
        assert_eq!(
            join_url("https://x.io/a/b.json", "/c.json"),
            "https://x.io/c.json"
        );
    }
}
