//! `cargo xtask <command>`: the maintainer's commands (see `cargo xtask --help`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench_compile;
mod check;
mod conformance;
mod regen;

#[derive(Parser)]
#[command(about = "Maintainer commands of plugchat-rs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse docs-spec/, write crates/plugchat-api/spec.json and refresh the snapshots.
    Regen {
        /// Write nothing; fail if anything checked in is stale.
        #[arg(long)]
        check: bool,
    },
    /// Lint a docs tree: one line per diagnostic, then a summary.
    Check {
        /// The docs tree to read.
        #[arg(long, default_value = "docs-spec")]
        docs: std::path::PathBuf,
        /// Exit 0 even when there are errors.
        #[arg(long)]
        allow_errors: bool,
    },
    /// Time the build of plugchat-api (macro) against the same code pre-expanded.
    BenchCompile {
        /// Builds per measurement (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
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

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Regen { check } => regen::run(check),
        Command::Check { docs, allow_errors } => check::run(&docs, allow_errors),
        Command::Conformance { docs, examples } => conformance::run(&docs, &examples),
        Command::BenchCompile { runs } => bench_compile::run(runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
