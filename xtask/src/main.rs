//! `cargo xtask <command>`: the maintainer's commands (see `cargo xtask --help`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench_compile;
mod check;
mod conformance;
mod diff;
mod error;
mod generate;
mod lint_output;
mod openapi;
mod regen;
mod transaction;

#[derive(Parser)]
#[command(about = "Maintainer commands of plugchat-rs")]
struct Cli {
    /// The workspace to work in (default: the one this xtask was built from). Tests point it
    /// at a temporary copy.
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse docs-spec/, write crates/plugchat-api/spec.json and refresh the snapshots, all
    /// or nothing; then print the API diff of docs-spec at HEAD against the work tree.
    Regen {
        /// Write nothing; fail if anything checked in is stale.
        #[arg(long)]
        check: bool,
    },
    /// What changed in the API between two docs trees, with wire and semver verdicts.
    ///
    /// Each side is a directory or a git revision of this repository (its docs-spec/ then).
    /// Without options: docs-spec at HEAD against the work tree.
    Diff {
        /// The old tree: a directory or a git revision.
        #[arg(long, default_value = "HEAD")]
        from: String,
        /// The new tree: a directory or a git revision [default: docs-spec/ in the work tree].
        #[arg(long)]
        to: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = diff::Format::Text)]
        format: diff::Format,
        /// Print the kinds of change with their verdicts (markdown) instead of diffing.
        #[arg(long)]
        list_kinds: bool,
    },
    /// Lint a docs tree: one line per diagnostic (sorted by path and line), then a summary.
    /// Rules, levels and the `api.yml` settings are listed in the README.
    Check {
        /// The docs tree to read.
        #[arg(long, default_value = "docs-spec")]
        docs: std::path::PathBuf,
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
        docs: std::path::PathBuf,
        /// The crate's directory (created if needed).
        #[arg(long)]
        out: std::path::PathBuf,
        /// The crate's name [default: the directory's name].
        #[arg(long)]
        name: Option<String>,
        /// Leave out pages with errors (listed) instead of refusing the tree.
        #[arg(long)]
        allow_errors: bool,
        /// Write no `[workspace]` table, so the crate can be a member of an enclosing
        /// workspace (without this option it builds on its own wherever it is written).
        #[arg(long)]
        workspace_member: bool,
    },
    /// Write the OpenAPI 3.1 document of a docs tree (regen keeps docs-spec's in
    /// crates/plugchat-api/openapi.json).
    Openapi {
        /// The docs tree.
        #[arg(long, default_value = "docs-spec")]
        docs: std::path::PathBuf,
        /// The file to write [default: standard output].
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Time the build of plugchat-api (macro) against the same code pre-expanded.
    BenchCompile {
        /// Builds per measurement (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Instead: cold builds of a one-call consumer, with plugchat-api and by hand.
        #[arg(long)]
        cold: bool,
    },
    /// Match HAR request examples to the operations of a docs tree and list disagreements.
    Conformance {
        /// The docs tree.
        #[arg(long, default_value = "docs-spec")]
        docs: std::path::PathBuf,
        /// The directory of HAR `.json` files.
        #[arg(long)]
        examples: std::path::PathBuf,
    },
}

fn run_diff(
    root: &std::path::Path,
    from: &str,
    to: Option<&str>,
    format: diff::Format,
) -> Result<(), diff::source::SourceError> {
    let docs = root.join(regen::DOCS);
    let to = to.unwrap_or(docs.to_str().unwrap_or(regen::DOCS));
    let from = diff::source::load(from, root, regen::DOCS)?;
    let to = diff::source::load(to, root, regen::DOCS)?;
    let errors = diff::source::unparsed(&from, &to);
    let api_diff =
        diff::compare(&plugchat_codegen::api_surface(&from.spec), &plugchat_codegen::api_surface(&to.spec), errors);
    print!("{}", diff::render(&api_diff, format));
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.workspace.unwrap_or_else(regen::workspace_root);
    let result: Result<(), error::Error> = match cli.command {
        Command::Regen { check } => regen::run(&root, check).map_err(Into::into),
        Command::Diff { list_kinds: true, .. } => {
            print!("{}", diff::Kind::table());
            Ok(())
        }
        Command::Diff { from, to, format, .. } => run_diff(&root, &from, to.as_deref(), format).map_err(Into::into),
        Command::Generate { docs, out, name, allow_errors, workspace_member } => {
            let root = std::path::absolute(&root).unwrap_or(root);
            generate::run(&root, &docs, &out, name.as_deref(), allow_errors, workspace_member).map_err(Into::into)
        }
        Command::Openapi { docs, out } => openapi::run(&docs, out.as_deref()),
        Command::Check { list_rules: true, .. } => {
            print!("{}", plugchat_spec::rules_table());
            Ok(())
        }
        Command::Check { docs, allow_errors, deny, format, notes, snippets, .. } => {
            use std::io::IsTerminal;
            let snippets = snippets || (format == lint_output::Format::Text && std::io::stdout().is_terminal());
            let output = lint_output::Options { format, notes, snippets };
            check::run(&docs, check::Policy { allow_errors, deny }, &output)
        }
        Command::Conformance { docs, examples } => conformance::run(&docs, &examples),
        Command::BenchCompile { runs, cold: false } => bench_compile::run(runs),
        Command::BenchCompile { runs, cold: true } => bench_compile::run_cold(runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
