//! What a request leaves in tracing output: a span with the request's facts, never the token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use plugchat_api::{Client, RetryPolicy};
use plugchat_tests::{Fault, FaultServer};

/// A tracing writer appending to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_name_the_request_and_never_the_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
