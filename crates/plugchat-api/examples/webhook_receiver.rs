//! A webhook receiver: an axum server that decodes every PlugChat webhook payload into a
//! `WebhookEvent` and prints it. Run it with `cargo run -p plugchat-api --example webhook_receiver`,
//! expose it over HTTPS (PlugChat refuses plain http), and point the `update_webhook*`
//! operations at it.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use plugchat_api::webhooks::WebhookEvent;

/// Decodes one payload; answers 200 with the event's name, or 400 saying what is wrong.
async fn receive(body: Bytes) -> (StatusCode, Json<serde_json::Value>) {
    match WebhookEvent::from_slice(&body) {
        Ok(event) => {
            println!("{}: {event:?}", event.name());
            (StatusCode::OK, Json(serde_json::json!({ "event": event.name() })))
        }
        Err(error) => {
            eprintln!("rejected payload: {error}");
            (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": error.to_string() })))
        }
    }
}

/// The receiver's routes: every event on `POST /webhooks`.
fn app() -> Router {
    Router::new().route("/webhooks", post(receive))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}/webhooks", listener.local_addr()?);
    axum::serve(listener, app()).await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// POSTs every payload example of docs-spec's callback pages to the receiver over
    /// 127.0.0.1: each must come back as its own event.
    #[tokio::test]
    async fn every_documented_payload_is_received_as_its_event() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, super::app()).await.unwrap() });

        let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs-spec"));
        let http = reqwest::Client::new();
        let mut posted = 0;
        for page in spec.pages.iter().filter(|p| p.callback.is_some()) {
            for example in &page.callback.as_ref().unwrap().examples {
                let answer =
                    http.post(format!("http://{address}/webhooks")).json(&example.payload).send().await.unwrap();
                let status = answer.status();
                let body: serde_json::Value = answer.json().await.unwrap();
                assert_eq!(status, 200, "{} `{}`: {body}", page.file, example.title);
                assert_eq!(body["event"], page.id.as_str(), "{} `{}`", page.file, example.title);
                posted += 1;
            }
        }
        assert!(posted >= 7, "only {posted} payload examples in docs-spec");

        let broken = http.post(format!("http://{address}/webhooks")).body("{\"type\": ").send().await.unwrap();
        assert_eq!(broken.status(), 400);
    }
}
