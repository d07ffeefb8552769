//! The generated code of every docs-spec operation, formatted, as an insta snapshot each.
//!
//! `cargo xtask regen` rewrites these; a pending or unreferenced snapshot fails here. The
//! same code is compiled for real in `plugchat-api`, so a snapshot that would not build fails too.

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn docs_spec_operations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    plugchat_codegen::generate(&spec).expect("docs-spec generates");

    let mut expected = BTreeSet::new();
    for (page, operation) in spec.operations() {
        let name = format!("docs_spec__{}", page.file.replace('/', "__"));
        insta::assert_snapshot!(
            name.clone(),
            plugchat_codegen::pretty(plugchat_codegen::generate_operation(page, operation))
        );
        expected.insert(format!("snapshots__{name}.snap"));
    }
    assert!(!expected.is_empty(), "docs-spec has no operations");
    let callbacks: Vec<_> = spec.pages.iter().filter(|p| p.callback.is_some()).collect();
    insta::assert_snapshot!(
        "docs_spec__webhook_events",
        plugchat_codegen::pretty(plugchat_codegen::generate_webhooks(&callbacks))
    );
    expected.insert("snapshots__docs_spec__webhook_events.snap".to_owned());
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let found: BTreeSet<String> = std::fs::read_dir(snapshots)
        .expect("snapshot directory")
        .map(|entry| entry.expect("snapshot entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("snapshots__docs_spec__"))
        .collect();
    let stray: Vec<_> = found.difference(&expected).collect();
    assert!(stray.is_empty(), "pending or unreferenced snapshots (run `cargo xtask regen`): {stray:?}");
}
