//! The parsed model of every docs-spec page, as an insta snapshot per page.
//!
//! `cargo xtask regen` writes these (the same `serde_json` rendering); this test only
//! compares, and fails on a changed, pending or unreferenced snapshot.

use std::collections::BTreeSet;
use std::path::Path;

fn docs_spec() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs-spec")
}

#[test]
fn docs_spec_pages() {
    let (spec, _) = plugchat_spec::parse_tree(&docs_spec());
    assert!(!spec.pages.is_empty(), "docs-spec has no pages");

    let mut expected = BTreeSet::new();
    for page in &spec.pages {
        let name = format!("docs_spec__{}", page.file.replace('/', "__"));
        insta::assert_snapshot!(name.clone(), serde_json::to_string_pretty(page).unwrap());
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

/// docs-spec is the curated tree: it stays free of warnings (regen itself only refuses errors).
#[test]
fn docs_spec_checks_clean() {
    let (_, diagnostics) = plugchat_spec::parse_tree(&docs_spec());
    // Notes are worth knowing and often fine (an optional attribute the example leaves out):
    // clean means what `cargo xtask check --deny warnings` passes.
    let report: Vec<String> =
        diagnostics.iter().filter(|d| d.severity != plugchat_spec::Severity::Note).map(ToString::to_string).collect();
    assert!(report.is_empty(), "docs-spec must check clean (`cargo xtask check`):\n{}", report.join("\n"));
}
