//! The commands as `clap` subcommands, shared by the `plugchat-docs` binary and `cargo xtask`
//! (which flattens them into its own, with its docs tree as the default `--docs`).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::generate::Deps;
use crate::{Error, check, conformance, diff, drift, generate, lint_output, openapi};

/// What a command reads when its options do not say.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// The docs tree (`docs` for the binary; `docs-spec` under `cargo xtask`).
    pub docs: PathBuf,
    /// The generated crate's current version, for `diff` to name the next one (`cargo xtask`
    /// reads it from the workspace).
    pub version: Option<String>,
}

impl Default for Defaults {
    fn default() -> Defaults {
        Defaults { docs: PathBuf::from("docs"), version: None }
    }
}

/// One of the toolchain's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// What changed in the API between two docs trees, with wire and semver verdicts.
    ///
    /// Each side is a directory, or a git revision of the repository holding `--docs` (its copy
    /// of that tree then). Without options: `--docs` at HEAD against the work tree.
    Diff {
        /// The docs tree in the work tree [default: docs, or docs-spec under `cargo xtask`].
        #[arg(long)]
        docs: Option<PathBuf>,
        /// The old tree: a directory or a git revision.
        #[arg(long, default_value = "HEAD")]
        from: String,
        /// The new tree: a directory or a git revision [default: `--docs` as it is].
        #[arg(long)]
        to: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = diff::Format::Text)]
        format: diff::Format,
        /// Print the kinds of change with their verdicts (markdown) instead of diffing.
        #[arg(long)]
        list_kinds: bool,
        /// The generated crate's version: the output then names the next one (Cargo's semver
        /// rules, 0.x included) [default under `cargo xtask`: the workspace's].
        #[arg(long, value_name = "X.Y.Z")]
        current_version: Option<String>,
    },
    /// Lint a docs tree: one line per diagnostic (sorted by path and line), then a summary.
    /// Rules, levels and the `api.yml` settings: `--list-rules`.
    Check {
        /// The docs tree to read [default: docs, or docs-spec under `cargo xtask`].
        #[arg(long)]
        docs: Option<PathBuf>,
        /// Exit 0 even when there are errors.
        #[arg(long)]
        allow_errors: bool,
        /// `--deny warnings`: warnings fail the exit code too (for CI).
        #[arg(long, value_enum, value_name = "LEVEL")]
        deny: Option<check::Deny>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = lint_output::Format::Text)]
        format: lint_output::Format,
        /// Print notes (worth knowing, often fine; they never fail anything).
        #[arg(long)]
        notes: bool,
        /// In text, show the source line and a caret under each diagnostic (the default when
        /// stdout is a terminal).
        #[arg(long)]
        snippets: bool,
        /// Print the rules table (markdown: id, level, meaning, fix) instead of checking.
        #[arg(long)]
        list_rules: bool,
    },
    /// Write a standalone client crate for any docs tree of this format.
    Generate {
        /// The docs tree.
        #[arg(long)]
        docs: PathBuf,
        /// The crate's directory (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// The crate's name [default: the directory's name].
        #[arg(long)]
        name: Option<String>,
        /// Leave out pages with errors (listed) instead of refusing the tree.
        #[arg(long)]
        allow_errors: bool,
        /// Where the crate gets plugchat-macros and plugchat-runtime: `registry` (crates.io, at
        /// this tool's version) or `path=DIR` (a plugchat-rs checkout, for working offline).
        #[arg(long, default_value = "registry", value_name = "registry|path=DIR")]
        deps: Deps,
        /// Write no `[workspace]` table, so the crate can be a member of an enclosing
        /// workspace (without this option it builds on its own wherever it is written).
        #[arg(long)]
        workspace_member: bool,
        /// Write into `--out` even when it holds files `generate` did not write (its
        /// `Cargo.toml`, `spec.json` and `src/lib.rs` are then replaced). Without it, a directory
        /// is written only if new, empty, or written by `generate` before.
        #[arg(long)]
        force: bool,
    },
    /// Write the OpenAPI 3.1 document of a docs tree.
    Openapi {
        /// The docs tree [default: docs, or docs-spec under `cargo xtask`].
        #[arg(long)]
        docs: Option<PathBuf>,
        /// The file to write [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Match HAR request examples to the operations of a docs tree and list disagreements.
    Conformance {
        /// The docs tree [default: docs, or docs-spec under `cargo xtask`].
        #[arg(long)]
        docs: Option<PathBuf>,
        /// The directory of HAR `.json` files.
        #[arg(long)]
        examples: PathBuf,
    },
    /// Compare recorded traffic with a docs tree: per operation and per event, the statuses
    /// seen, undocumented statuses, keys and request attributes, type mismatches, nulls where
    /// the docs show values, documented keys never seen. `--suggest` prints the table rows
    /// that would make the docs say what was seen.
    ///
    /// A separate command from `conformance`, which judges the docs' own request examples:
    /// this one reads what a service really sent, responses and webhooks included.
    Drift {
        /// The docs tree [default: docs, or docs-spec under `cargo xtask`].
        #[arg(long)]
        docs: Option<PathBuf>,
        /// A HAR file (such as `HarRecorder` or `plugchat --record` writes); repeatable.
        #[arg(long, value_name = "FILE")]
        har: Vec<PathBuf>,
        /// An NDJSON file of webhook payloads (such as `PayloadRecorder` writes); repeatable.
        #[arg(long, value_name = "FILE")]
        payloads: Vec<PathBuf>,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = drift::Format::Text)]
        format: drift::Format,
        /// Print, per page, the table rows to add or change (in the docs' format) instead of
        /// the report.
        #[arg(long)]
        suggest: bool,
    },
}

/// Runs `command`, with `defaults` for what its options leave out.
pub fn run(command: Command, defaults: &Defaults) -> Result<(), Error> {
    let or_default = |docs: Option<PathBuf>| docs.unwrap_or_else(|| defaults.docs.clone());
    match command {
        Command::Diff { list_kinds: true, .. } => {
            print!("{}", diff::Kind::table());
            Ok(())
        }
        Command::Diff { docs, from, to, format, current_version, .. } => {
            let docs = or_default(docs);
            // The work tree, and any revision (read from the repository holding the tree), need
            // the tree to exist; two directories do not.
            let is_dir = |side: &str| Path::new(side).is_dir();
            let reads_docs = !is_dir(&from) || to.as_deref().is_none_or(|to| !is_dir(to));
            if reads_docs && !docs.is_dir() {
                return Err(Error::NotADirectory(docs));
            }
            let from = diff::source::load(&from, &docs)?;
            let to = match to {
                Some(to) => diff::source::load(&to, &docs)?,
                None => diff::source::parse_dir(&docs),
            };
            let mut api_diff = diff::between(&from, &to);
            if let Some(current) = current_version.as_ref().or(defaults.version.as_ref()) {
                api_diff = api_diff.with_version(current).map_err(Error::Usage)?;
            }
            print!("{}", diff::render(&api_diff, format));
            Ok(())
        }
        Command::Check { list_rules: true, .. } => {
            print!("{}", plugchat_spec::rules_table());
            Ok(())
        }
        Command::Check { docs, allow_errors, deny, format, notes, snippets, .. } => {
            use std::io::IsTerminal;
            let snippets = snippets || (format == lint_output::Format::Text && std::io::stdout().is_terminal());
            let output = lint_output::Options { format, notes, snippets };
            check::run(&or_default(docs), check::Policy { allow_errors, deny }, &output)
        }
        Command::Generate { docs, out, name, allow_errors, deps, workspace_member, force } => {
            let options = generate::Options { docs, out, name, allow_errors, deps, workspace_member, force };
            generate::run(&options).map_err(Into::into)
        }
        Command::Openapi { docs, out } => openapi::run(&or_default(docs), out.as_deref()),
        Command::Conformance { docs, examples } => conformance::run(&or_default(docs), &examples),
        Command::Drift { docs, har, payloads, format, suggest } => {
            drift::run(&or_default(docs), &drift::Options { har, payloads, format, suggest })
        }
    }
}
