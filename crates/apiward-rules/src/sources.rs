//! Where each rule lives in the source tree, for both halves the same way.
//!
//! A rule's spec half is a file under [`SPEC_CHECKS`], its runtime half a file under
//! [`RUNTIME_CHECKS`] (`<category>/<rule_name>.rs`). A rule file declares the rules it implements
//! by id before the first colon of its first line (`//! APIW-AUTH-105: …`,
//! `//! APIW-RATE-001 and APIW-RATE-002: …`) and names its tests, `fires_<rule>` and
//! `near_miss_<rule>` (the rule's kebab name in snake case), by defining them or naming them in its
//! header. The docs generator and the `every_rule_tested` test read the tree through this module;
//! the scanner itself never does.

use std::path::{Path, PathBuf};

/// The spec half's checks, relative to the workspace root.
pub const SPEC_CHECKS: &str = "crates/apiward-audit/src/checks";
/// The runtime half's checks, relative to the workspace root.
pub const RUNTIME_CHECKS: &str = "crates/apiward-scan/src/checks";

/// Which half of a rule a file implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    /// The spec audit (`apiward-audit`).
    Spec,
    /// The live scan (`apiward-scan`).
    Runtime,
}

impl Half {
    pub const BOTH: [Half; 2] = [Half::Spec, Half::Runtime];

    /// The folder of this half's checks, relative to the workspace root.
    pub fn checks_dir(self) -> &'static str {
        match self {
            Half::Spec => SPEC_CHECKS,
            Half::Runtime => RUNTIME_CHECKS,
        }
    }

    /// The crate whose sources and tests hold this half's tests, relative to the workspace root.
    pub fn crate_dir(self) -> &'static str {
        match self {
            Half::Spec => "crates/apiward-audit",
            Half::Runtime => "crates/apiward-scan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Half::Spec => "spec",
            Half::Runtime => "runtime",
        }
    }
}

/// One rule file of either half.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub half: Half,
    /// Relative to the workspace root, with `/` separators.
    pub path: String,
    /// The rule ids its first line declares.
    pub rules: Vec<String>,
    pub text: String,
}

impl RuleFile {
    /// Does the file define or name a test `prefix` or `prefix_…`?
    pub fn names_test(&self, prefix: &str) -> bool {
        names(&self.text, prefix)
    }
}

/// Does `text` contain the identifier `prefix` or `prefix_…` (as a whole word)?
pub fn names(text: &str, prefix: &str) -> bool {
    text.match_indices(prefix).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + prefix.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// The rule ids a file declares: `APIW-…` ids before the first colon of its first line.
pub fn declared_ids(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or("");
    let Some(head) = first.strip_prefix("//!") else {
        return Vec::new();
    };
    let head = head.split(':').next().unwrap_or("");
    head.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("APIW-"))
        .map(str::to_string)
        .collect()
}

/// The test names for a rule: `fires_<name>` and `near_miss_<name>`.
pub fn test_prefixes(rule_name: &str) -> [String; 2] {
    let n = rule_name.replace('-', "_");
    [format!("fires_{n}"), format!("near_miss_{n}")]
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            rust_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    Ok(())
}

/// Every `.rs` file under `dir` (recursively), sorted.
pub fn rust_files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    rust_files(dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Every rule file of both halves under the workspace root `root` (files that declare no rule,
/// such as a category's `mod.rs`, are left out).
pub fn rule_files(root: &Path) -> std::io::Result<Vec<RuleFile>> {
    let mut out = Vec::new();
    for half in Half::BOTH {
        for p in rust_files_under(&root.join(half.checks_dir()))? {
            let text = std::fs::read_to_string(&p)?;
            let rules = declared_ids(&text);
            if rules.is_empty() {
                continue;
            }
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(RuleFile {
                half,
                path,
                rules,
                text,
            });
        }
    }
    Ok(out)
}

/// The files of `files` that implement rule `id`, in `half`.
pub fn files_of<'a>(
    files: &'a [RuleFile],
    id: &'a str,
    half: Half,
) -> impl Iterator<Item = &'a RuleFile> + 'a {
    files
        .iter()
        .filter(move |f| f.half == half && f.rules.iter().any(|r| r == id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_before_the_first_colon() {
        assert_eq!(
            declared_ids("//! APIW-RATE-001 and APIW-RATE-002: lists; see APIW-RATE-003.\n"),
            vec!["APIW-RATE-001", "APIW-RATE-002"]
        );
        assert_eq!(
            declared_ids("//! APIW-AUTH-103 (L1): tampered tokens\n"),
            vec!["APIW-AUTH-103"]
        );
        // A category's module names its rules after the colon: it declares none.
        assert!(declared_ids("//! Authentication at runtime: APIW-AUTH-101 …\n").is_empty());
        assert!(declared_ids("use x;\n//! APIW-AUTH-101: late\n").is_empty());
    }

    #[test]
    fn test_names_are_whole_identifiers() {
        let text = "fn fires_jwt_weakness_on_none() {}\n//! `near_miss_jwt_weakness`";
        assert!(names(text, "fires_jwt_weakness"));
        assert!(names(text, "near_miss_jwt_weakness"));
        assert!(!names(text, "fires_jwt_weak"));
        assert!(!names("fn xfires_jwt_weakness()", "fires_jwt_weakness"));
    }
}
