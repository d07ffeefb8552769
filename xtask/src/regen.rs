//! `cargo xtask regen [--check]`: docs-spec/ → crates/plugchat-api/spec.json and openapi.json, plus every
//! snapshot that follows the docs, the parser or the generator.
//!
//! Like rust-analyzer's codegen, the xtask computes each generated file itself (the snapshot
//! tests only compare): first everything, in memory; then one [`FileSet`] compares it with the
//! tree and writes it all or nothing. A docs tree with errors, a generator failure or a write
//! that fails halfway leaves every file as it was. Warnings are printed (in `cargo xtask
//! check`'s text format) and never stop regen, nor do notes (counted, not printed): policy for
//! docs-spec belongs to `cargo xtask check`.

use std::path::{Path, PathBuf};

use plugchat_spec::{Diagnostic, Severity, Spec};

use plugchat_docs::transaction::{Change, Compare, FileSet, WriteError};
use plugchat_docs::{diff, lint_output, openapi, spec_json};

/// The docs tree the client is generated from.
pub(crate) const DOCS: &str = "docs-spec";
/// Where the macro reads the spec.
pub(crate) const SPEC_FILE: &str = "crates/plugchat-api/spec.json";
/// Where regen writes docs-spec's OpenAPI document.
const OPENAPI_FILE: &str = "crates/plugchat-api/openapi.json";

/// docs-spec's OpenAPI document names its API (the docs tree states no name).
pub(crate) fn openapi_options() -> openapi::Options {
    openapi::Options { title: Some("PlugChat API".to_owned()) }
}
/// The manifest whose features must match the docs sections.
const API_MANIFEST: &str = "crates/plugchat-api/Cargo.toml";
/// Snapshots of the parsed model, one per page (plus the corpus reports).
const SPEC_SNAPSHOTS: &str = "crates/plugchat-spec/tests/snapshots";
/// Snapshots of the corpus diagnostics reports (`tests/tests/it/corpus.rs`).
const CORPUS_SNAPSHOTS: &str = "tests/tests/it/snapshots";
/// Snapshots of the generated code, one per operation (plus the webhook events).
const CODEGEN_SNAPSHOTS: &str = "crates/plugchat-codegen/tests/snapshots";
/// Prefix of the snapshot files regen owns in those directories: one that no page or
/// operation wants any more is removed.
const OWNED_PREFIX: &str = "snapshots__docs_spec__";
/// The upstream docs revisions (test data, not in the repository): `$PLUGCHAT_CORPUS`, relative
/// to the workspace, or this beside it. Their diagnostics reports are snapshots.
pub(crate) const CORPUS: &str = "../shared/corpus";
/// Corpus revision → snapshot name.
pub(crate) const CORPUS_REPORTS: &[(&str, &str)] =
    &[("plugchat-docs", "upstream_diagnostics"), ("plugchat-docs-2022-03", "upstream_2022_03_diagnostics")];

/// Where the corpus is for the workspace at `root`.
pub(crate) fn corpus_dir(root: &Path) -> PathBuf {
    match std::env::var_os("PLUGCHAT_CORPUS") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join(CORPUS),
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_owned()
}

/// Why regen stopped. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RegenError {
    #[error("{DOCS}/ has {0} error(s) (listed above): fix them, then run `cargo xtask regen` again")]
    DocsErrors(usize),
    #[error("{DOCS}/ has {0} warning(s) (listed above), denied by --deny warnings: nothing was written")]
    DeniedWarnings(usize),
    #[error("the generator refuses {DOCS}/:\n{0}\nfix the pages named, then run `cargo xtask regen` again")]
    Generator(plugchat_codegen::Error),
    #[error(
        "{API_MANIFEST} must declare, and enable by default, a feature per docs section; missing: {}",
        .0.join(", ")
    )]
    Features(Vec<String>),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} not up to date with {DOCS}/: run `cargo xtask regen`\n  {}", if .0.len() == 1 { "this file is" } else { "these files are" }, .0.join("\n  "))]
    Stale(Vec<String>),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What a regen did.
pub(crate) struct Report {
    /// Every diagnostic of docs-spec (warnings and notes; errors stop regen).
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Files written, created or removed (relative to the root); empty in check mode.
    pub(crate) changes: Vec<Change>,
    /// `pages: N, operations: M, warnings: W, notes: K`.
    pub(crate) summary: String,
    /// Whether the upstream corpus was found (its snapshots are only refreshed then).
    pub(crate) corpus_found: bool,
}

/// An insta snapshot file: insta's header, then the contents. The snapshot tests compare
/// only the contents, so the header just says where the snapshot is asserted.
fn snapshot_file(source: &str, expression: &str, contents: &str) -> String {
    format!("---\nsource: {source}\nexpression: {expression}\n---\n{}\n", contents.trim_end_matches('\n'))
}

/// The diagnostics report of a tree as the corpus snapshots hold it: every diagnostic, notes
/// included (the snapshot shows every judgement with its level), sorted by path and line like
/// `cargo xtask check`, paths relative to the root.
pub(crate) fn diagnostics_report(root: &Path, diagnostics: &[Diagnostic]) -> String {
    let prefix = format!("{}/", root.display());
    let all = lint_output::Options { notes: true, ..lint_output::Options::default() };
    let shown = lint_output::shown(diagnostics, &all);
    lint_output::text(&shown, false).replace(&prefix, "").trim_end().to_owned()
}

/// docs-spec's diagnostics as `cargo xtask check` prints them, notes left out.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    eprint!("{}", lint_output::text(&lint_output::shown(diagnostics, &lint_output::Options::default()), false));
}

/// Every file regen owns, with the contents it should have.
fn plan(root: &Path, spec: &Spec) -> Result<(FileSet, bool), RegenError> {
    let mut files = FileSet::new(root);
    files.write(SPEC_FILE, spec_json(spec), Compare::Json);
    let openapi = openapi::document_with(spec, &openapi_options());
    for warning in &openapi.warnings {
        eprintln!("warning: openapi: {warning}");
    }
    files.write(OPENAPI_FILE, openapi::render(&openapi.document), Compare::Json);
    let mut wanted: Vec<PathBuf> = Vec::new();
    let mut snapshot = |files: &mut FileSet, dir: &str, name: String, source: &str, expression: &str, body: &str| {
        let path = Path::new(dir).join(format!("{name}.snap"));
        files.write(&path, snapshot_file(source, expression, body), Compare::Text);
        wanted.push(path);
    };
    for page in &spec.pages {
        let json = serde_json::to_string_pretty(page).expect("a page serialises");
        let name = format!("{OWNED_PREFIX}{}", page.file.replace('/', "__"));
        snapshot(&mut files, SPEC_SNAPSHOTS, name, "crates/plugchat-spec/tests/snapshots.rs", "page", &json);
    }
    for (page, operation) in spec.operations() {
        let code = plugchat_codegen::pretty(plugchat_codegen::generate_operation(page, operation));
        let expression = r#""plugchat_codegen::pretty(plugchat_codegen::generate_operation(page,\noperation))""#;
        // Named by the page's path, like the model's: changing a page's id modifies its
        // snapshot in place, so the review shows the rename as an edit, not a delete and an add.
        let name = format!("{OWNED_PREFIX}{}", page.file.replace('/', "__"));
        snapshot(&mut files, CODEGEN_SNAPSHOTS, name, "crates/plugchat-codegen/tests/snapshots.rs", expression, &code);
    }
    let callbacks: Vec<_> = spec.pages.iter().filter(|p| p.callback.is_some()).collect();
    let code = plugchat_codegen::pretty(plugchat_codegen::generate_webhooks(&callbacks));
    let expression = r#""plugchat_codegen::pretty(plugchat_codegen::generate_webhooks(&callbacks))""#;
    let name = format!("{OWNED_PREFIX}webhook_events");
    snapshot(&mut files, CODEGEN_SNAPSHOTS, name, "crates/plugchat-codegen/tests/snapshots.rs", expression, &code);

    // Snapshots of pages that are gone, and pending `.snap.new` files of ours.
    for dir in [SPEC_SNAPSHOTS, CODEGEN_SNAPSHOTS] {
        let entries =
            std::fs::read_dir(root.join(dir)).map_err(|source| RegenError::Read { path: dir.to_owned(), source })?;
        for entry in entries.flatten() {
            let relative = Path::new(dir).join(entry.file_name());
            if entry.file_name().to_string_lossy().starts_with(OWNED_PREFIX) && !wanted.contains(&relative) {
                files.remove(relative);
            }
        }
    }

    let corpus = corpus_dir(root);
    let corpus_found = corpus.is_dir();
    if corpus_found {
        for (revision, name) in CORPUS_REPORTS {
            let tree = corpus.join(revision).join("docs");
            let (_, diagnostics) = plugchat_spec::parse_tree(&tree);
            let report = diagnostics_report(&tree, &diagnostics);
            let path = Path::new(CORPUS_SNAPSHOTS).join(format!("it__corpus__{name}.snap"));
            files.write(
                path,
                snapshot_file("tests/tests/it/corpus.rs", r#""report.join(\"\\n\")""#, &report),
                Compare::Text,
            );
        }
    }
    Ok((files, corpus_found))
}

/// The generated modules are gated by one cargo feature per docs section: plugchat-api must
/// declare each, and enable each by default.
fn check_features(root: &Path, spec: &Spec) -> Result<(), RegenError> {
    let manifest = std::fs::read_to_string(root.join(API_MANIFEST))
        .map_err(|source| RegenError::Read { path: API_MANIFEST.to_owned(), source })?;
    let default = manifest.lines().find(|l| l.trim_start().starts_with("default =")).unwrap_or("");
    let missing: Vec<String> = plugchat_codegen::section_features(spec)
        .into_iter()
        .filter(|f| {
            !manifest.lines().any(|l| l.trim_start().starts_with(&format!("{f} = ")))
                || !default.contains(&format!("\"{f}\""))
        })
        .collect();
    if missing.is_empty() { Ok(()) } else { Err(RegenError::Features(missing)) }
}

/// Regenerates everything under `root` (a workspace), or in check mode reports what is stale.
pub(crate) fn regen(root: &Path, check: bool, deny_warnings: bool) -> Result<Report, RegenError> {
    let (spec, mut diagnostics) = plugchat_spec::parse_tree(&root.join(DOCS));
    // Name pages as `docs-spec/...`, the way the maintainer sees the tree.
    let prefix = format!("{}/", root.display().to_string().trim_end_matches('/'));
    for diagnostic in &mut diagnostics {
        if let Some(relative) = diagnostic.location.file.strip_prefix(&prefix) {
            diagnostic.location.file = relative.to_owned();
        }
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let counts = lint_output::Counts::of(&diagnostics);
    let summary = format!(
        "pages: {}, operations: {}, warnings: {}, notes: {}",
        spec.pages.len(),
        spec.operations().count(),
        counts.warnings,
        counts.notes
    );
    let report = |changes, corpus_found| Report { diagnostics: diagnostics.clone(), changes, summary, corpus_found };
    if errors > 0 {
        print_diagnostics(&diagnostics);
        return Err(RegenError::DocsErrors(errors));
    }
    if deny_warnings && counts.warnings > 0 {
        print_diagnostics(&diagnostics);
        return Err(RegenError::DeniedWarnings(counts.warnings));
    }
    plugchat_codegen::generate(&spec).map_err(RegenError::Generator)?;
    check_features(root, &spec)?;
    let (files, corpus_found) = plan(root, &spec)?;
    // Before comparing too: `--check` should name a path leading out, not call it stale.
    files.check_contained()?;
    if check {
        let stale: Vec<String> = files.changes().iter().map(|c| c.path().display().to_string()).collect();
        if !stale.is_empty() {
            return Err(RegenError::Stale(stale));
        }
        return Ok(report(Vec::new(), corpus_found));
    }
    let changes = files.apply()?;
    Ok(report(changes, corpus_found))
}

/// The command: regen, then what it means for the API (docs-spec at `HEAD` → work tree).
pub(crate) fn run(root: &Path, check: bool, deny_warnings: bool) -> Result<(), RegenError> {
    let report = regen(root, check, deny_warnings)?;
    print_diagnostics(&report.diagnostics);
    if !report.corpus_found {
        eprintln!(
            "note: the corpus is not at {} (set PLUGCHAT_CORPUS): its diagnostics snapshots were not refreshed",
            corpus_dir(root).display()
        );
    }
    if !check {
        for change in &report.changes {
            let (verb, path) = match change {
                Change::Write(p) => ("updated", p),
                Change::Create(p) => ("created", p),
                Change::Remove(p) => ("removed", p),
            };
            println!("{verb} {}", path.display());
        }
        if report.changes.is_empty() {
            println!("everything was up to date");
        }
    }
    println!("{}", report.summary);
    if !check {
        match head_to_work_tree(root) {
            Ok(diff) => print!("{}", diff::render(&diff, diff::Format::Text)),
            Err(error) => println!("API diff against HEAD skipped: {error}"),
        }
    }
    Ok(())
}

/// The API diff of docs-spec at `HEAD` against the work tree.
pub(crate) fn head_to_work_tree(root: &Path) -> Result<diff::ApiDiff, diff::source::SourceError> {
    let docs = root.join(DOCS);
    let from = diff::source::load_revision("HEAD", &docs)?;
    Ok(diff::between(&from, &diff::source::parse_dir(&docs)))
}

#[cfg(test)]
mod tests {
    /// A page id naming a path is an error of the docs; with that rule turned off, regen still
    /// writes nothing outside the workspace (snapshots are named by page file). A snapshot
    /// directory that is a symbolic link out of the workspace fails regen before anything is
    /// written or removed, there or in the workspace.
    #[cfg(unix)]
    #[test]
    fn regen_writes_nothing_outside_the_workspace() {
        let base = tempfile::tempdir().unwrap();
        let (root, outside) = (base.path().join("root"), base.path().join("outside"));
        for dir in [super::SPEC_SNAPSHOTS, super::CODEGEN_SNAPSHOTS, "docs-spec/chats", "crates/plugchat-api"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(
            root.join(super::API_MANIFEST),
            "[features]\ndefault = [\"chats\", \"client\"]\nchats = []\nclient = []\n",
        )
        .unwrap();
        let page = "---\nid: pwn/../../../../../../outside/PWNED\ntitle: Pwn\n---\n\n## Método\n\n`GET` https://x.example/api/chats\n";
        std::fs::write(root.join("docs-spec/chats/list.md"), page).unwrap();
        let manifest = "base_url: https://x.example/api\n";
        std::fs::write(root.join("docs-spec/api.yml"), manifest).unwrap();
        let outside_entries = || {
            let mut names: Vec<String> = std::fs::read_dir(&outside)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let Err(error) = super::regen(&root, false, false) else { panic!("regen accepted the page") };
        assert!(matches!(error, super::RegenError::DocsErrors(1)), "{error}");

        std::fs::write(root.join("docs-spec/api.yml"), format!("{manifest}lint:\n  rules:\n    name-invalid: off\n"))
            .unwrap();
        std::fs::remove_dir(root.join(super::CODEGEN_SNAPSHOTS)).unwrap();
        std::os::unix::fs::symlink(&outside, root.join(super::CODEGEN_SNAPSHOTS)).unwrap();
        // regen removes its own snapshots that no page wants: not through the link either.
        std::fs::write(outside.join("snapshots__docs_spec__gone.snap"), "kept").unwrap();
        for check in [true, false] {
            let Err(error) = super::regen(&root, check, false) else { panic!("regen wrote through the link") };
            let error = error.to_string();
            let expected = format!(
                "cannot write {}/snapshots__docs_spec__chats__list.md.snap: a symbolic link leads out of {}: `{}` is {}",
                super::CODEGEN_SNAPSHOTS,
                root.display(),
                super::CODEGEN_SNAPSHOTS,
                std::fs::canonicalize(&outside).unwrap().display()
            );
            assert!(error.starts_with(&expected), "{error}");
            assert_eq!(outside_entries(), ["snapshots__docs_spec__gone.snap"]);
            assert!(!root.join(super::SPEC_FILE).exists());
        }

        std::fs::remove_file(root.join(super::CODEGEN_SNAPSHOTS)).unwrap();
        std::fs::create_dir(root.join(super::CODEGEN_SNAPSHOTS)).unwrap();
        super::regen(&root, false, false).unwrap();
        assert!(root.join(super::SPEC_FILE).exists());
        assert_eq!(outside_entries(), ["snapshots__docs_spec__gone.snap"]);
    }

    /// A docs change without `cargo xtask regen` fails `cargo test`, not only CI.
    #[test]
    fn checked_in_files_are_up_to_date() {
        if let Err(message) = super::regen(&super::workspace_root(), true, true) {
            panic!("{message}");
        }
    }
}
