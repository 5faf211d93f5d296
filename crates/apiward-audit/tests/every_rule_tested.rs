//! Every rule of the registry has a test that fails if it stops firing (`fn fires_<name>`) and one
//! that shows a near miss it must not fire on (`fn near_miss_<name>`), with `<name>` the rule's
//! kebab name in snake_case. A rule added later without both fails this test (issue 6).

use std::path::{Path, PathBuf};

/// The source trees the tests live in, relative to this crate.
const TREES: &[&str] = &[
    "../apiward-audit/src",
    "../apiward-scan/src",
    "../apiward-scan/tests",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Does `text` define a function named `prefix` or `prefix_…`?
fn defines(text: &str, prefix: &str) -> bool {
    let needle = format!("fn {prefix}");
    text.match_indices(&needle).any(|(i, _)| {
        matches!(
            text[i + needle.len()..].chars().next(),
            Some('(') | Some('_')
        )
    })
}

#[test]
fn every_rule_has_a_firing_test_and_a_near_miss_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for t in TREES {
        let dir = root.join(t);
        assert!(dir.is_dir(), "missing source tree {}", dir.display());
        rust_files(&dir, &mut files);
    }
    let text: String = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n");
    let mut missing = Vec::new();
    for r in apiward_rules::all() {
        let name = r.name.replace('-', "_");
        for prefix in [format!("fires_{name}"), format!("near_miss_{name}")] {
            if !defines(&text, &prefix) {
                missing.push(format!("{} ({}): fn {prefix}", r.id, r.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} rule tests missing:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
