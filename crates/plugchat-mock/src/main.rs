//! `plugchat-mock`: the mock server as a program, for tests written in other languages.

use std::net::{IpAddr, SocketAddr};

use clap::Parser;

/// A mock PlugChat server: answers every documented operation with its example, after
/// checking the request against the docs (400 names each problem).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let (spec, surface) = (plugchat_mock::bundled_spec(), plugchat_mock::bundled_surface());
    match plugchat_mock::MockServer::start_with(&spec, &surface, SocketAddr::new(args.host, args.port)).await {
        Ok(mock) => {
            // The first line is the base URL, so a script can read it (with `--port 0`).
            println!("{}", mock.base_url());
            eprintln!("plugchat-mock: {} operations; stop with Ctrl-C", mock.operations().len());
            std::future::pending::<()>().await;
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("plugchat-mock: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
