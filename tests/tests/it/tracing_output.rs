//! What a request leaves in tracing output: a span with the request's facts, never the token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use plugchat_api::{Client, RetryPolicy};
use plugchat_tests::{Fault, FaultServer};

/// A tracing writer appending to a shared buffer.
#[derive(Clone, Default)]
pub(crate) struct Captured(pub(crate) Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One process-wide subscriber for this binary's tests (a per-thread one races with other
/// tests' callsite registrations); each test looks for its own lines.
pub(crate) fn captured() -> &'static Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        captured
    })
}

/// A server that answers every request with 503 and puts the `Authorization` it received in
/// the body and a header (as some servers echo credentials in error pages).
async fn echoing_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let app = axum::Router::new().fallback(|request: axum::extract::Request| async move {
        let token = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, [("x-echo", token.clone())], format!("no: invalid token {token}"))
    });
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{addr}/api")
}

#[tokio::test]
async fn a_token_the_server_echoes_never_reaches_the_retrying_event() {
    let captured = captured();
    let client = Client::builder()
        .token("echoed-secret-Tok3n")
        .base_url(echoing_server().await)
        .retry_policy(
            RetryPolicy::with_max_retries(1)
                .backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(2)),
        )
        .build()
        .expect("client");
    let error = client.get_profile_picture().phone("5511000000001").send().await.expect_err("503 twice");
    assert!(!error.to_string().contains("echoed-secret"), "{error}");
    let output = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    let ours: Vec<&str> = output.lines().filter(|l| l.contains("get-profile-picture")).collect();
    assert!(ours.iter().any(|l| l.contains("retrying")), "{output}");
    assert!(!output.contains("echoed-secret") && !output.contains("Tok3n"), "{output}");
}

#[tokio::test]
async fn spans_name_the_request_and_never_the_token() {
    let captured = captured();

    let server =
        FaultServer::start([Fault::json(503, "{}"), Fault::json(200, r#"{"zaapId":"z","messageId":"m"}"#)]).await;
    let client = Client::builder()
        .token("very-secret-token")
        .base_url(server.base_url())
        .retry_policy(
            RetryPolicy::with_max_retries(1)
                .backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(2)),
        )
        .build()
        .expect("client");
    tracing::info!(?client, "built");
    client.send_text().phone("5511999999999").message("oi").send().await.expect("send after one 503");

    let output = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(output.contains("plugchat.request"), "{output}");
    assert!(output.contains("operation=\"send-text\""), "{output}");
    assert!(output.contains("path=\"/whatsapp/send-text\""), "{output}");
    assert!(output.contains("attempt=1"), "{output}");
    assert!(output.contains("retrying"), "{output}");
    assert!(!output.contains("very-secret-token"), "the token leaked into tracing output:\n{output}");
}
