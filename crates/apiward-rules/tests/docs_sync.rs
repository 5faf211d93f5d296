//! `docs/rules/` is generated from the registry; this test fails when they drift apart.
//! Regenerate with `APIWARD_UPDATE_DOCS=1 cargo test -p apiward-rules --test docs_sync`.

use std::path::PathBuf;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

#[test]
fn docs_rules_match_registry() {
    let dir = docs_dir();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = apiward_rules::sources::rule_files(&root).expect("read the checks trees");
    let mut expected: Vec<(String, String)> = apiward_rules::all()
        .iter()
        .map(|r| {
            let sources: Vec<_> = apiward_rules::sources::Half::BOTH
                .into_iter()
                .flat_map(|h| apiward_rules::sources::files_of(&files, r.id, h))
                .collect();
            (
                format!("{}.md", r.id),
                apiward_rules::render_page(r, &sources),
            )
        })
        .collect();
    expected.push((
        "README.md".to_string(),
        apiward_rules::render_index(apiward_rules::all()),
    ));

    if std::env::var_os("APIWARD_UPDATE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create docs/rules");
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).expect("write doc");
        }
        return;
    }

    let mut stale = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if &on_disk == text => {}
            _ => stale.push(name.clone()),
        }
    }
    let on_disk = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).count())
        .unwrap_or(0);
    assert!(
        stale.is_empty() && on_disk == expected.len(),
        "docs/rules is out of date ({} stale: {:?}; {} files on disk, {} expected). \
         Run APIWARD_UPDATE_DOCS=1 cargo test -p apiward-rules --test docs_sync",
        stale.len(),
        stale,
        on_disk,
        expected.len()
    );
}
