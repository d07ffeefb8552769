//! `plugchat-docs`: check, diff, generate, openapi and conformance for any docs tree of the
//! PlugChat documentation format (see `plugchat-docs --help`).

use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(name = "plugchat-docs", version, about = "Tools for API docs trees of the PlugChat format")]
struct Cli {
    #[command(subcommand)]
    command: plugchat_docs::cli::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match plugchat_docs::cli::run(cli.command, &plugchat_docs::cli::Defaults::default()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
