//! Every rule of the registry, spec half and runtime half alike, has a file of its own that
//! declares it (`//! APIW-…: …` on its first line, see `apiward_rules::sources`) and names a test
//! that fails if it stops firing (`fn fires_<name>`) and one that shows a near miss it must not fire
//! on (`fn near_miss_<name>`), with `<name>` the rule's kebab name in snake_case. The tests a file
//! names are defined in its own crate (`apiward-audit` for the spec half, `apiward-scan` for the
//! runtime half). A rule added later without both fails this test (issues 6 and 10).

use apiward_core::AccessLevel;
use apiward_rules::sources::{self, Half};
use std::path::Path;

/// Halves the registry declares that have no file or no tests yet, with the reason. A gap that is
/// closed must be taken off this list (the test fails otherwise), so the list cannot go stale.
const KNOWN_GAPS: &[(&str, Half, &str)] = &[];

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The text of every source and test file of `half`'s crate.
fn crate_text(half: Half) -> String {
    let dir = root().join(half.crate_dir());
    let mut text = String::new();
    for sub in ["src", "tests"] {
        for f in sources::rust_files_under(&dir.join(sub)).unwrap_or_default() {
            text.push_str(&std::fs::read_to_string(&f).unwrap_or_default());
            text.push('\n');
        }
    }
    text
}

/// Does `text` define a function named `prefix` or `prefix_…`?
fn defines(text: &str, prefix: &str) -> bool {
    sources::names(text, &format!("fn {prefix}"))
}

/// What is missing for `half` of rule `r`, if anything.
fn problems(
    r: &apiward_core::RuleMeta,
    half: Half,
    files: &[sources::RuleFile],
    defined_in: &str,
) -> Vec<String> {
    let mine: Vec<_> = sources::files_of(files, r.id, half).collect();
    if mine.is_empty() {
        return vec![format!(
            "no {} file declares it (first line `//! {}: …` under {})",
            half.label(),
            r.id,
            half.checks_dir()
        )];
    }
    let mut out = Vec::new();
    for prefix in sources::test_prefixes(r.name) {
        if !mine.iter().any(|f| f.names_test(&prefix)) {
            let paths: Vec<&str> = mine.iter().map(|f| f.path.as_str()).collect();
            out.push(format!("{} does not name `{prefix}`", paths.join(", ")));
        } else if !defines(defined_in, &prefix) {
            out.push(format!(
                "`fn {prefix}` is not defined in {}",
                half.crate_dir()
            ));
        }
    }
    out
}

#[test]
fn every_rule_has_a_file_and_tests_for_each_half() {
    let files = sources::rule_files(root()).expect("read the checks trees");
    let texts = [crate_text(Half::Spec), crate_text(Half::Runtime)];
    let mut missing = Vec::new();
    let mut stale = Vec::new();
    for r in apiward_rules::all() {
        for (half, text) in Half::BOTH.into_iter().zip(&texts) {
            let declared = match half {
                Half::Spec => r.spec_check,
                Half::Runtime => r.level != AccessLevel::Static,
            };
            if !declared {
                continue;
            }
            let found = problems(r, half, &files, text);
            let gap = KNOWN_GAPS
                .iter()
                .any(|(id, h, _)| *id == r.id && *h == half);
            match (found.is_empty(), gap) {
                (true, true) => stale.push(format!("{} ({})", r.id, half.label())),
                (false, false) => missing.extend(
                    found
                        .into_iter()
                        .map(|p| format!("{} {} ({}): {p}", r.id, r.name, half.label())),
                ),
                _ => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} rule halves without a file or tests:\n{}",
        missing.len(),
        missing.join("\n")
    );
    assert!(
        stale.is_empty(),
        "closed gaps still listed in KNOWN_GAPS: {}",
        stale.join(", ")
    );
}

#[test]
fn every_rule_file_declares_registry_rules_of_its_half() {
    let files = sources::rule_files(root()).expect("read the checks trees");
    assert!(
        files.iter().any(|f| f.half == Half::Spec) && files.iter().any(|f| f.half == Half::Runtime),
        "no rule files found under {} and {}",
        sources::SPEC_CHECKS,
        sources::RUNTIME_CHECKS
    );
    let mut wrong = Vec::new();
    for f in &files {
        for id in &f.rules {
            match apiward_rules::get(id) {
                None => wrong.push(format!("{}: {id} is not in the registry", f.path)),
                Some(r) if f.half == Half::Spec && !r.spec_check => {
                    wrong.push(format!("{}: {id} is not declared `spec: true`", f.path))
                }
                Some(r) if f.half == Half::Runtime && r.level == AccessLevel::Static => {
                    wrong.push(format!("{}: {id} is declared static-only", f.path))
                }
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_runtime_rule_file_is_named_after_its_rule() {
    // `<category>/<rule_name>.rs`: the file a newcomer looks for.
    let files = sources::rule_files(root()).expect("read the checks trees");
    let mut wrong = Vec::new();
    for f in files.iter().filter(|f| f.half == Half::Runtime) {
        let stem = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs");
        let named = f
            .rules
            .iter()
            .filter_map(|id| apiward_rules::get(id))
            .any(|r| r.name.replace('-', "_") == stem);
        if !named {
            wrong.push(format!("{} declares {:?}", f.path, f.rules));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
