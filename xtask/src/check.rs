//! `cargo xtask check`: lint any docs tree of this format.
//!
//! The tree's `api.yml` sets rule levels (`lint: { rules: { <rule>: off|note|warning|error } }`)
//! and pages silence rules with `<!-- check: allow <rule> -->`; both are applied by the parser,
//! so `check`, `regen` and `generate` see the same levels. Here: the output format and what
//! fails the exit code.

use std::path::Path;

use crate::lint_output::{self, Counts, Tree};

/// `--deny <LEVEL>`: a level that fails the exit code besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Deny {
    /// Warnings fail the check too.
    Warnings,
}

/// What fails the check.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Policy {
    /// Errors do not fail (`--allow-errors`).
    pub(crate) allow_errors: bool,
    /// `--deny warnings`.
    pub(crate) deny: Option<Deny>,
}

impl Policy {
    /// Why the check fails, if it does. Notes never fail anything.
    pub(crate) fn verdict(&self, docs: &Path, counts: Counts) -> Result<(), String> {
        let docs = docs.display();
        if counts.errors > 0 && !self.allow_errors {
            return Err(format!("`{docs}` has {} error(s) (pass --allow-errors to exit 0 anyway)", counts.errors));
        }
        if counts.warnings > 0 && self.deny == Some(Deny::Warnings) {
            return Err(format!("`{docs}` has {} warning(s), denied by --deny warnings", counts.warnings));
        }
        Ok(())
    }
}

/// Lints `docs`, prints the report and returns the verdict.
pub(crate) fn run(docs: &Path, policy: Policy, output: &lint_output::Options) -> Result<(), String> {
    let (report, counts) = report(docs, output)?;
    print!("{report}");
    policy.verdict(docs, counts)
}

/// The report of `docs` in `output`'s format, and the counts the verdict reads.
pub(crate) fn report(docs: &Path, output: &lint_output::Options) -> Result<(String, Counts), String> {
    if !docs.is_dir() {
        return Err(format!("`{}` is not a directory", docs.display()));
    }
    let (spec, diagnostics) = plugchat_spec::parse_tree(docs);
    let root = docs.display().to_string();
    let tree = Tree { root: &root, pages: spec.pages.len(), endpoints: spec.operations().count() };
    let counts = Counts::of(&diagnostics);
    Ok((lint_output::render(&diagnostics, &tree, output), counts))
}
