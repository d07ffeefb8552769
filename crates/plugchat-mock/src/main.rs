//! `plugchat-mock`: the mock server as a program, for tests written in other languages.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use plugchat_mock::Limits;

/// A mock PlugChat server: answers every documented operation with its example, after
/// checking the request against the docs (400 names each problem). Paginated lists are sliced
/// by their page number and size, and end.
///
/// Tests in any language drive it over HTTP under /__admin/ on the same port: set an
/// operation's answer, delay or failures (PUT /__admin/operations/{id}), read what arrived
/// (GET /__admin/requests), reset (POST /__admin/reset), send a documented webhook event to a
/// URL (POST /__admin/webhooks).
///
/// What it keeps and waits for is bounded: the journal of received requests keeps the latest
/// --journal-requests requests and --journal-bytes bytes of them (the oldest dropped first), a
/// connection that sends no complete request head within --header-timeout is closed, a body that
/// pauses longer than --idle-timeout is answered 408, and at most --max-connections are served
/// at once.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on; one that is not loopback needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Listen on an address other machines can reach (--host 0.0.0.0): the mock keeps what it
    /// receives and its admin API changes its answers, so only do this on a network you trust.
    #[arg(long)]
    allow_remote: bool,
    /// Accept only requests whose Authorization header is exactly TOKEN (the token alone, as
    /// the service wants it); others are answered 401 saying why. Without it, any non-empty
    /// Authorization passes.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// Most requests the journal keeps (the oldest are dropped).
    #[arg(long, value_name = "COUNT", default_value_t = 10_000)]
    journal_requests: usize,
    /// Most bytes the journal keeps (bodies, paths, queries and headers; the oldest are dropped).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    journal_bytes: usize,
    /// Seconds a connection may take to send a request's head (fractions allowed).
    #[arg(long, value_name = "SECS", default_value_t = 5.0, value_parser = seconds)]
    header_timeout: f64,
    /// Seconds a request's body may pause (fractions allowed).
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = seconds)]
    idle_timeout: f64,
    /// Most connections served at once; more wait to be accepted.
    #[arg(long, value_name = "COUNT", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && Duration::try_from_secs_f64(secs).is_ok() => Ok(secs),
        _ => Err(format!("`{text}` is not a number of seconds above zero")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !args.host.is_loopback() {
        if !args.allow_remote {
            eprintln!(
                "plugchat-mock: refusing to listen on {}, which is not a loopback address: other machines could reach the mock. Pass --allow-remote to do it anyway.",
                args.host
            );
            return ExitCode::from(2);
        }
        eprintln!(
            "plugchat-mock: warning: listening on {}, reachable from other machines; the mock keeps what it receives and its admin API (/__admin/) changes its answers",
            args.host
        );
    }
    let limits = Limits::default()
        .journal(args.journal_requests, args.journal_bytes)
        .header_timeout(Duration::from_secs_f64(args.header_timeout))
        .idle_timeout(Duration::from_secs_f64(args.idle_timeout))
        .max_connections(args.max_connections as usize);
    let (spec, surface) = (plugchat_mock::bundled_spec(), plugchat_mock::bundled_surface());
    let addr = SocketAddr::new(args.host, args.port);
    match plugchat_mock::MockServer::start_with_limits(&spec, &surface, addr, limits).await {
        Ok(mock) => {
            mock.require_token(args.token.as_deref());
            // The first line is the base URL, so a script can read it (with `--port 0`).
            println!("{}", mock.base_url());
            if !args.host.is_loopback() && !args.host.is_unspecified() {
                eprintln!(
                    "plugchat-mock: the client accepts this plain-http base URL only with `allow_insecure_http(true)`"
                );
            }
            eprintln!("plugchat-mock: {} operations; stop with Ctrl-C", mock.operations().len());
            std::future::pending::<()>().await;
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("plugchat-mock: {error}");
            ExitCode::FAILURE
        }
    }
}
