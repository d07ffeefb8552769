//! `cargo xtask check`: lint any docs tree of this format.
//!
//! The tree's `api.yml` sets rule levels (`lint: { rules: { <rule>: off|note|warning|error } }`)
//! and pages silence rules with `<!-- check: allow <rule> -->`; both are applied by the parser,
//! so `check`, `regen` and `generate` see the same levels. Here: the output format and what
//! fails the exit code.

use std::path::Path;

use crate::error::Error;
use crate::lint_output::{self, Counts, Tree};

/// `--deny <LEVEL>`: a level that fails the exit code besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Warnings fail the check too.
    Warnings,
}

/// What fails the check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Errors do not fail (`--allow-errors`).
    pub allow_errors: bool,
    /// `--deny warnings`.
    pub deny: Option<Deny>,
}

impl Policy {
    /// Why the check fails, if it does. Notes never fail anything.
    pub fn verdict(&self, docs: &Path, counts: Counts) -> Result<(), Error> {
        let docs = docs.to_owned();
        if counts.errors > 0 && !self.allow_errors {
            return Err(Error::DocsErrors { docs, count: counts.errors });
        }
        if counts.warnings > 0 && self.deny == Some(Deny::Warnings) {
            return Err(Error::DeniedWarnings { docs, count: counts.warnings });
        }
        Ok(())
    }
}

/// Lints `docs`, prints the report and returns the verdict.
pub fn run(docs: &Path, policy: Policy, output: &lint_output::Options) -> Result<(), Error> {
    let (report, counts) = report(docs, output)?;
    // `check | head` closes the pipe early: not worth a panic, and the verdict still stands.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), report.as_bytes());
    policy.verdict(docs, counts)
}

/// The report of `docs` in `output`'s format, and the counts the verdict reads.
pub fn report(docs: &Path, output: &lint_output::Options) -> Result<(String, Counts), Error> {
    if !docs.is_dir() {
        return Err(Error::NotADirectory(docs.to_owned()));
    }
    let (spec, diagnostics) = plugchat_spec::parse_tree(docs);
    let root = docs.display().to_string();
    let tree = Tree { root: &root, pages: spec.pages.len(), endpoints: spec.operations().count() };
    let counts = Counts::of(&diagnostics);
    Ok((lint_output::render(&diagnostics, &tree, output), counts))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Deny, Policy};
    use crate::lint_output::{Format, Options};

    /// A tree with an error, a warning (a required attribute missing from the example) and a
    /// note (an optional one missing).
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("chats")).unwrap();
        std::fs::write(
            dir.path().join("chats/ok.md"),
            "---\nid: ok\ntitle: Ok\n---\n\n## Método\n\n`POST` https://x.example/api/chats\n\n## Atributos\n\n\
             ### Obrigatórios\n\n| Atributos | Tipo | Descrição |\n| :-- | :-- | :-- |\n| phone | string | d |\n\n\
             ### Opcionais\n\n| Atributos | Tipo | Descrição |\n| :-- | :-- | :-- |\n| delay | integer | d |\n\n\
             ## Request Body\n\n```json\n{}\n```\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("chats/broken.md"),
            "---\nid: broken\ntitle: Broken\n---\n\n## Método\n\nno method\n",
        )
        .unwrap();
        dir
    }

    fn report(docs: &Path, format: Format, notes: bool) -> String {
        super::report(docs, &Options { format, notes, snippets: false }).unwrap().0
    }

    /// Errors fail unless allowed; warnings fail only when denied; notes never fail.
    #[test]
    fn errors_and_denied_warnings_fail_the_check_notes_never() {
        let dir = tree();
        let (_, counts) = super::report(dir.path(), &Options::default()).unwrap();
        assert_eq!((counts.errors, counts.warnings, counts.notes), (1, 1, 1));
        let verdict = |allow_errors, deny| Policy { allow_errors, deny }.verdict(dir.path(), counts);
        assert!(verdict(false, None).is_err());
        assert!(verdict(true, None).is_ok());
        assert!(verdict(true, Some(Deny::Warnings)).is_err());
        let only_notes = crate::lint_output::Counts { errors: 0, warnings: 0, notes: 3 };
        assert!(Policy { allow_errors: false, deny: Some(Deny::Warnings) }.verdict(dir.path(), only_notes).is_ok());
        assert!(super::run(Path::new("/no/such/tree"), Policy::default(), &Options::default()).is_err());
    }

    /// Text: sorted by path and line, rule ids shown, notes only with --notes, the summary last.
    #[test]
    fn text_is_sorted_and_hides_notes_unless_asked() {
        let dir = tree();
        let root = dir.path().display().to_string();
        let text = report(dir.path(), Format::Text, false).replace(&format!("{root}/"), "");
        assert_eq!(
            text,
            "chats/broken.md:6:1: error[method-line-missing]: no method line: expected an HTTP method and a URL such as `GET` https://host/path\n\
             chats/ok.md:16:1: warning[required-missing-from-example]: required `phone` is not in the request example\n\
             pages: 2, endpoints: 1, errors: 1, warnings: 1, notes: 1 (notes shown with --notes)\n"
        );
        let with_notes = report(dir.path(), Format::Text, true);
        assert!(with_notes.contains("note[optional-missing-from-example]: `delay` is in the table"), "{with_notes}");
        assert!(with_notes.ends_with("notes: 1\n"), "{with_notes}");
    }

    /// JSON: one document with the fields the issue names, paths relative to the docs root.
    #[test]
    fn json_is_one_document_with_relative_paths() {
        let dir = tree();
        let json: serde_json::Value = serde_json::from_str(&report(dir.path(), Format::Json, true)).unwrap();
        assert_eq!(
            json["diagnostics"][0],
            serde_json::json!({
                "path": "chats/broken.md", "line": 6, "column": 1, "severity": "error",
                "rule": "method-line-missing",
                "message": "no method line: expected an HTTP method and a URL such as `GET` https://host/path",
            })
        );
        assert_eq!(json["diagnostics"].as_array().unwrap().len(), 3);
        assert_eq!(
            [&json["pages"], &json["endpoints"], &json["errors"], &json["warnings"], &json["notes"]],
            [2, 1, 1, 1, 1]
        );
    }

    /// GitHub workflow commands, one per diagnostic, notes as `notice`.
    #[test]
    fn github_annotations_are_workflow_commands() {
        let dir = tree();
        let root = dir.path().display().to_string();
        let lines = report(dir.path(), Format::Github, true).replace(&format!("{root}/"), "");
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("::error file=chats/broken.md,line=6,col=1,title=method-line-missing::no method line")
        );
        assert!(lines[1].starts_with("::warning file=chats/ok.md,line=16,col=1,title=required-missing-from-example::"));
        assert!(lines[2].starts_with("::notice file=chats/ok.md,line=22,col=1,title=optional-missing-from-example::"));
    }

    /// `--snippets` prints the line a diagnostic points at: never for a page linked from outside
    /// the tree (a secret file's first line once appeared), while other snippets still show.
    #[cfg(unix)]
    #[test]
    fn snippets_never_show_a_file_linked_from_outside_the_tree() {
        let dir = tree();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "SECRET-LINE: a password\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("chats/secret.md")).unwrap();
        let text = report(dir.path(), Format::Text, false);
        let options = Options { format: Format::Text, notes: false, snippets: true };
        let with_snippets = super::report(dir.path(), &options).unwrap().0;
        assert!(text.contains("chats/secret.md:1:1: error[symlink-not-followed]"), "{text}");
        assert!(with_snippets.contains("6 | ## Método"), "{with_snippets}");
        assert!(!with_snippets.contains("SECRET"), "{with_snippets}");
    }
}
