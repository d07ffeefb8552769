//! The fault suite: every injected fault, against a read (`get_profile_picture`, idempotent)
//! and a send (`send_text`, not idempotent). Each call must end within its timeout plus
//! backoff with success or the right typed error, never panic, and never make the server
//! process a send twice. The last line printed is `faults: F, calls: C, duplicates: D, panics: P`.

use std::future::Future;
use std::time::{Duration, Instant};

use plugchat_api::{Client, Error, RetryPolicy};
use plugchat_tests::{Fault, FaultServer};

const TIMEOUT: Duration = Duration::from_millis(400);
const MAX_RETRIES: u32 = 2;
const RETRY_AFTER_CAP: Duration = Duration::from_secs(2);
const BODY_LIMIT: usize = 64 * 1024;

fn client(base_url: &str) -> Client {
    Client::builder()
        .token("fault-token")
        .base_url(base_url)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .max_response_bytes(BODY_LIMIT)
        .retry_policy(
            RetryPolicy::with_max_retries(MAX_RETRIES)
                .backoff(Duration::from_millis(20), Duration::from_millis(80))
                .max_retry_after(RETRY_AFTER_CAP),
        )
        .build()
        .expect("client")
}

/// The longest a call may take: every attempt timing out, every backoff at its cap, every
/// wait at the `Retry-After` cap, plus scheduling slack.
fn deadline() -> Duration {
    (TIMEOUT + RETRY_AFTER_CAP) * (MAX_RETRIES + 1) + Duration::from_millis(80) * MAX_RETRIES + Duration::from_secs(1)
}

/// What a call ended with, in a form scenarios compare.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ended {
    Ok,
    Connect,
    Transport,
    Timeout,
    Status(u16),
    Decode(String),
    TooLarge,
    Other(String),
}

fn ended<T>(result: &Result<T, Error>) -> Ended {
    match result {
        Ok(_) => Ended::Ok,
        Err(Error::Connect { .. }) => Ended::Connect,
        Err(Error::Transport { .. }) => Ended::Transport,
        Err(Error::Timeout { .. }) => Ended::Timeout,
        Err(Error::Api(api)) => Ended::Status(api.status.as_u16()),
        Err(Error::Decode { path, .. }) => Ended::Decode(path.clone()),
        Err(Error::BodyTooLarge { .. }) => Ended::TooLarge,
        Err(other) => Ended::Other(other.to_string()),
    }
}

#[derive(Default)]
struct Tally {
    faults: u32,
    calls: u32,
    duplicates: u32,
    panics: u32,
    mismatches: Vec<String>,
}

impl Tally {
    /// Checks how one call, started by [`start`], ended: a panic is counted, not fatal.
    async fn call(&mut self, scenario: &str, expected: &[Ended], call: Started) -> Option<Duration> {
        self.calls += 1;
        let outcome = call.task.await;
        match outcome {
            Err(join) if join.is_panic() => {
                self.panics += 1;
                self.mismatches.push(format!("{scenario}: the call panicked"));
                None
            }
            Err(join) => {
                self.mismatches.push(format!("{scenario}: task failed: {join}"));
                None
            }
            Ok((got, elapsed)) => {
                if !expected.contains(&got) {
                    self.mismatches.push(format!("{scenario}: expected {expected:?}, got {got:?}"));
                }
                if elapsed > deadline() {
                    self.mismatches.push(format!("{scenario}: took {elapsed:?}, more than {:?}", deadline()));
                }
                Some(elapsed)
            }
        }
    }

    /// A send may be processed at most once.
    fn sends(&mut self, scenario: &str, server: &FaultServer, call_id: &str, expected: u32) {
        let processed = server.processed(call_id);
        self.duplicates += processed.saturating_sub(1);
        if processed != expected {
            self.mismatches.push(format!("{scenario}: the send was processed {processed} times, expected {expected}"));
        }
    }
}

/// A call running in its own task, timed from its start to its end.
struct Started {
    task: tokio::task::JoinHandle<(Ended, Duration)>,
}

/// Starts `call` in its own task: the scenarios' calls run side by side, so the suite takes as
/// long as its slowest call (the timeouts and `Retry-After` waits are real), not their sum.
fn start<F>(call: F) -> Started
where
    F: Future<Output = Ended> + Send + 'static,
{
    Started {
        task: tokio::spawn(async move {
            let started = Instant::now();
            let ended = call.await;
            (ended, started.elapsed())
        }),
    }
}

async fn read(client: Client, phone: String) -> Ended {
    ended(&client.get_profile_picture().phone(phone).send().await)
}

async fn send(client: Client, phone: String) -> Ended {
    ended(&client.send_text().phone(phone).message("olá").send().await)
}

const PICTURES: &str = r#"[{"link":"https://pps.example/1.jpg"}]"#;
const SENT: &str = r#"{"zaapId":"z1","messageId":"m1"}"#;

/// One scenario: the same fault script played to a read and to a send.
struct Scenario {
    name: &'static str,
    read_script: Vec<Fault>,
    /// Acceptable endings (a reset races with the client's write: either typed error is right).
    read_expected: Vec<Ended>,
    send_script: Vec<Fault>,
    send_expected: Vec<Ended>,
    /// How many times the server must have processed the send.
    send_processed: u32,
}

fn scenarios() -> Vec<Scenario> {
    let slow = Duration::from_secs(2);
    let big = format!("[{}]", vec![r#"{"link":"x"}"#; BODY_LIMIT / 8].join(","));
    vec![
        Scenario {
            name: "reset before the request is read",
            read_script: vec![Fault::ResetBeforeRequest],
            read_expected: vec![Ended::Transport, Ended::Connect],
            send_script: vec![Fault::ResetBeforeRequest],
            send_expected: vec![Ended::Transport, Ended::Connect],
            send_processed: 0,
        },
        Scenario {
            name: "reset after the request was read",
            read_script: vec![Fault::ResetAfterRequest, Fault::json(200, PICTURES)],
            read_expected: vec![Ended::Ok],
            send_script: vec![Fault::ResetAfterRequest, Fault::json(200, SENT)],
            send_expected: vec![Ended::Transport],
            send_processed: 1,
        },
        Scenario {
            name: "headers slower than the timeout",
            read_script: vec![Fault::SlowHeaders(slow, PICTURES.into())],
            read_expected: vec![Ended::Timeout],
            send_script: vec![Fault::SlowHeaders(slow, SENT.into()), Fault::json(200, SENT)],
            send_expected: vec![Ended::Timeout],
            send_processed: 1,
        },
        Scenario {
            name: "body slower than the timeout",
            read_script: vec![Fault::SlowBody(Duration::from_millis(50), PICTURES.into()), Fault::json(200, PICTURES)],
            read_expected: vec![Ended::Ok],
            send_script: vec![Fault::SlowBody(Duration::from_millis(50), SENT.into()), Fault::json(200, SENT)],
            send_expected: vec![Ended::Timeout],
            send_processed: 1,
        },
        Scenario {
            name: "429 with Retry-After, then success",
            read_script: vec![Fault::retry_after(429, "1"), Fault::json(200, PICTURES)],
            read_expected: vec![Ended::Ok],
            send_script: vec![Fault::retry_after(429, "1"), Fault::json(200, SENT)],
            send_expected: vec![Ended::Ok],
            send_processed: 1,
        },
        Scenario {
            name: "503 then success",
            read_script: vec![Fault::json(503, "{}"), Fault::json(200, PICTURES)],
            read_expected: vec![Ended::Ok],
            send_script: vec![Fault::json(503, "{}"), Fault::json(503, "{}"), Fault::json(200, SENT)],
            send_expected: vec![Ended::Ok],
            send_processed: 1,
        },
        Scenario {
            name: "500 then success",
            read_script: vec![Fault::json(500, "{}"), Fault::json(200, PICTURES)],
            read_expected: vec![Ended::Ok],
            send_script: vec![Fault::json(500, "{}"), Fault::json(200, SENT)],
            send_expected: vec![Ended::Status(500)],
            send_processed: 1,
        },
        Scenario {
            name: "body cut short of its Content-Length",
            read_script: vec![Fault::TruncatedBody(PICTURES.into()), Fault::json(200, PICTURES)],
            read_expected: vec![Ended::Ok],
            send_script: vec![Fault::TruncatedBody(SENT.into())],
            send_expected: vec![Ended::Transport],
            send_processed: 1,
        },
        Scenario {
            name: "truncated JSON",
            read_script: vec![Fault::json(200, r#"[{"link":"https://pps.exa"#)],
            read_expected: vec![Ended::Decode("[0].link".into())],
            send_script: vec![Fault::json(200, r#"{"zaapId":"z1","mess"#)],
            send_expected: vec![Ended::Decode("?".into())],
            send_processed: 1,
        },
        Scenario {
            name: "wrong JSON types",
            // Scalars are decoded leniently ("7" and 7 both fit a string), so "wrong" means a
            // structure where a scalar belongs.
            read_script: vec![Fault::json(200, r#"[{"link":{"url":"x"}}]"#)],
            read_expected: vec![Ended::Decode("[0].link".into())],
            send_script: vec![Fault::json(200, r#"{"zaapId":[7],"messageId":"m1"}"#)],
            send_expected: vec![Ended::Decode("zaapId".into())],
            send_processed: 1,
        },
        Scenario {
            name: "oversized body with Content-Length",
            read_script: vec![Fault::json(200, &big)],
            read_expected: vec![Ended::TooLarge],
            send_script: vec![Fault::json(200, &big)],
            send_expected: vec![Ended::TooLarge],
            send_processed: 1,
        },
        Scenario {
            name: "oversized chunked body",
            read_script: vec![Fault::chunked(big.clone())],
            read_expected: vec![Ended::TooLarge],
            send_script: vec![Fault::chunked(big.clone())],
            send_expected: vec![Ended::TooLarge],
            send_processed: 1,
        },
        Scenario {
            name: "HTML error page",
            read_script: vec![Fault::html(502)],
            read_expected: vec![Ended::Status(502)],
            send_script: vec![Fault::html(502), Fault::json(200, SENT)],
            send_expected: vec![Ended::Status(502)],
            send_processed: 1,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_suite() {
    let mut tally = Tally::default();

    // Connection refused: both calls are retried (nothing left) and end with Connect.
    tally.faults += 1;
    let refused = FaultServer::refused_base_url().await;
    let refused_read = start(read(client(&refused), "r0".into()));
    let refused_send = start(send(client(&refused), "s0".into()));
    tally.call("connection refused (read)", &[Ended::Connect], refused_read).await;
    tally.call("connection refused (send)", &[Ended::Connect], refused_send).await;

    // Every scenario's two calls start before any is awaited; each has its own servers.
    let mut running = Vec::new();
    for (i, scenario) in scenarios().into_iter().enumerate() {
        let (read_id, send_id) = (format!("r{}", i + 1), format!("s{}", i + 1));
        let read_server = FaultServer::start(scenario.read_script.clone()).await;
        let send_server = FaultServer::start(scenario.send_script.clone()).await;
        let read_call = start(read(client(&read_server.base_url()), read_id));
        let send_call = start(send(client(&send_server.base_url()), send_id.clone()));
        running.push((scenario, read_server, read_call, send_server, send_call, send_id));
    }
    for (scenario, _read_server, read_call, send_server, send_call, send_id) in running {
        tally.faults += 1;
        tally.call(&format!("{} (read)", scenario.name), &scenario.read_expected, read_call).await;
        let elapsed = tally.call(&format!("{} (send)", scenario.name), &scenario.send_expected, send_call).await;
        tally.sends(scenario.name, &send_server, &send_id, scenario.send_processed);
        if scenario.name.starts_with("429") && elapsed.is_some_and(|e| e < Duration::from_secs(1)) {
            tally.mismatches.push(format!("{}: Retry-After: 1 was not honoured ({elapsed:?})", scenario.name));
        }
    }

    println!("{}", tally.mismatches.join("\n"));
    println!(
        "faults: {}, calls: {}, duplicates: {}, panics: {}",
        tally.faults, tally.calls, tally.duplicates, tally.panics
    );
    assert_eq!(tally.duplicates, 0, "a send was processed twice");
    assert_eq!(tally.panics, 0, "a call panicked");
    assert!(tally.mismatches.is_empty(), "{}", tally.mismatches.join("\n"));
}

#[tokio::test]
async fn reads_are_retried_up_to_the_limit_and_sends_are_not() {
    let server = FaultServer::start([Fault::json(500, "{}")]).await;
    let error = client(&server.base_url()).get_profile_picture().phone("x").send().await.expect_err("500");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.connections(), 1 + MAX_RETRIES);

    let server = FaultServer::start([Fault::json(500, "{}")]).await;
    let overridden = plugchat_api::RequestOptions::new().max_retries(0);
    let _ = client(&server.base_url()).get_profile_picture().phone("x").request_options(overridden).send().await;
    assert_eq!(server.connections(), 1, "per-request max_retries(0) overrides the client");

    let server = FaultServer::start([Fault::json(502, "{}")]).await;
    let _ = client(&server.base_url()).send_text().phone("x").message("m").send().await;
    assert_eq!(server.connections(), 1, "a send answered 502 may have been processed: not retried");
}
