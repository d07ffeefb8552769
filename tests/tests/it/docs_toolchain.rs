//! The docs toolchain (`plugchat-docs`) on the upstream corpus: the conformance figures the
//! README quotes, and every page of both revisions exported to OpenAPI or named in a warning.
//! Here rather than in the toolchain's crate, which is published: only this crate knows where
//! the corpus is (its build script).

use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The figures the README quotes; a change in docs-spec or the matcher shows up here.
#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn conformance_figures_match_the_readme() {
    let corpus = Path::new(env!("PLUGCHAT_CORPUS_DIR"));
    let examples = corpus.join("plugchat-docs/json-examples");
    assert!(examples.is_dir(), "{} is missing", examples.display());
    let summary = |docs: &Path| {
        let (spec, _) = plugchat_spec::parse_tree(docs);
        let mut files: Vec<_> = std::fs::read_dir(&examples).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let requests: Vec<_> = files.iter().filter_map(|f| plugchat_spec::read_har(f).ok()).collect();
        plugchat_docs::conformance::report(&plugchat_spec::check_examples(&spec, &requests)).pop().unwrap()
    };
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    for (docs, name) in [(corpus.join("plugchat-docs/docs"), "upstream"), (workspace().join("docs-spec"), "docs-spec")]
    {
        let line = summary(&docs);
        assert!(readme.contains(&format!("| {name} | `{line}` |")), "README lacks `| {name} | `{line}` |`");
    }
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn both_corpus_revisions_export_every_page_or_a_warning() {
    let corpus = Path::new(env!("PLUGCHAT_CORPUS_DIR"));
    for revision in ["plugchat-docs", "plugchat-docs-2022-03"] {
        let (spec, _) = plugchat_spec::parse_tree(&corpus.join(revision).join("docs"));
        let export = plugchat_docs::openapi::document(&spec);
        let exported: usize = export.document["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .map(|operation| operation["x-plugchat-pages"].as_array().map_or(1, Vec::len))
            .sum();
        assert_eq!(exported + export.warnings.len(), spec.operations().count(), "{revision}");
    }
}
