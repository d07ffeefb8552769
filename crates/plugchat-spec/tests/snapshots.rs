//! The parsed model of every docs-spec page, as an insta snapshot per page.
//!
//! `cargo xtask regen` rewrites these; a pending or unreferenced snapshot fails here.

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn docs_spec_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs-spec");
    let (spec, diagnostics) = plugchat_spec::parse_tree(&root);
    let report: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert!(report.is_empty(), "docs-spec must check clean:\n{}", report.join("\n"));
    assert!(!spec.pages.is_empty(), "docs-spec has no pages");

    let mut expected = BTreeSet::new();
    for page in &spec.pages {
        let name = format!("docs_spec__{}", page.file.replace('/', "__"));
        insta::assert_json_snapshot!(name.clone(), page);
        expected.insert(format!("snapshots__{name}.snap"));
    }
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let found: BTreeSet<String> = std::fs::read_dir(snapshots)
        .expect("snapshot directory")
        .map(|entry| entry.expect("snapshot entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("snapshots__docs_spec__"))
        .collect();
    let stray: Vec<_> = found.difference(&expected).collect();
    assert!(stray.is_empty(), "pending or unreferenced snapshots (run `cargo xtask regen`): {stray:?}");
}
