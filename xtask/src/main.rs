//! `cargo xtask <command>`: this repository's own workflows (see `cargo xtask --help`).
//!
//! regen, bench-compile and release live here; check, diff, generate, openapi and conformance
//! are the `plugchat-docs` toolchain's commands, flattened in with docs-spec/ as their default
//! tree, so `cargo xtask check` and `plugchat-docs check --docs docs-spec` are the same command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench_compile;
mod error;
mod interop;
mod regen;
mod release;

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
        /// `--deny warnings`: docs-spec's warnings stop regen too, before anything is written.
        #[arg(long, value_enum, value_name = "LEVEL")]
        deny: Option<plugchat_docs::check::Deny>,
    },
    /// Set the next version of every published crate from the API diff since the last
    /// release, and prepend its CHANGELOG.md entry. Commits and tags nothing.
    Release {
        /// Print the next version and the changelog entry; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The last release [default: the tag `v<current version>`; none for a first release].
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        /// At least this level, for changes the API diff cannot see (hand-written code).
        #[arg(long, value_enum)]
        bump: Option<release::Level>,
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
    /// Lint crates/plugchat-api/openapi.json with Spectral and Redocly (0 errors, 0 warnings),
    /// generate a Python client with openapi-python-client (no warnings) and call every
    /// operation through it against plugchat-mock. Installs the tools into target/interop/
    /// from npm and PyPI on first use.
    Interop,
    #[command(flatten)]
    Docs(plugchat_docs::cli::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.workspace.unwrap_or_else(regen::workspace_root);
    let result: Result<(), error::Error> = match cli.command {
        Command::Regen { check, deny } => regen::run(&root, check, deny.is_some()).map_err(Into::into),
        Command::Release { dry_run, since, bump } => {
            release::run(&root, dry_run, since.as_deref(), bump).map_err(Into::into)
        }
        Command::BenchCompile { runs, cold: false } => bench_compile::run(runs),
        Command::BenchCompile { runs, cold: true } => bench_compile::run_cold(runs),
        Command::Interop => interop::run_all(&root).map_err(Into::into),
        Command::Docs(command) => {
            let defaults = plugchat_docs::cli::Defaults {
                docs: root.join(regen::DOCS),
                version: release::workspace_version(&root),
            };
            match command {
                // docs-spec's document names its API, as the one regen writes does.
                plugchat_docs::cli::Command::Openapi { docs, out } => plugchat_docs::openapi::run_with(
                    &docs.unwrap_or(defaults.docs),
                    out.as_deref(),
                    &regen::openapi_options(),
                ),
                command => plugchat_docs::cli::run(command, &defaults),
            }
            .map_err(Into::into)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
