//! A small example bot and its test suite, entirely against `plugchat-mock`: no phone, no
//! PlugChat account, no network beyond 127.0.0.1. Copy this file as the start of your own
//! bot's tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use plugchat_api::{Client, Error};
use plugchat_mock::MockServer;

/// The bot under test: it answers every text it receives, and can broadcast to every chat.
mod bot {
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::StatusCode;
    use futures_util::StreamExt;
    use plugchat_api::webhooks::WebhookEvent;
    use plugchat_api::{Client, Error};

    pub struct Bot {
        pub client: Client,
    }

    impl Bot {
        /// Answers a received text with "Recebido: <text>"; other events are ignored.
        /// Returns the `zaapId` of the answer sent.
        pub async fn on_event(&self, event: WebhookEvent) -> Result<Option<String>, Error> {
            let WebhookEvent::MessageReceived(message) = event else { return Ok(None) };
            let (Some(phone), Some(text)) = (message.phone, message.text.and_then(|t| t.message)) else {
                return Ok(None);
            };
            let sent = self.client.send_text().phone(phone).message(format!("Recebido: {text}")).send().await?;
            Ok(sent.into_inner().zaap_id)
        }

        /// Sends `text` to every chat, page after page; returns how many were sent.
        pub async fn broadcast(&self, text: &str) -> Result<usize, Error> {
            let mut chats = self.client.get_chats_stream(50).into_stream();
            let mut sent = 0;
            while let Some(chat) = chats.next().await {
                if let Some(phone) = chat?.phone {
                    self.client.send_text().phone(phone).message(text).send().await?;
                    sent += 1;
                }
            }
            Ok(sent)
        }

        /// The webhook receiver: 200 for every event (a refused event is lost for good).
        pub fn router(self: Arc<Self>) -> axum::Router {
            async fn receive(State(bot): State<Arc<Bot>>, body: Bytes) -> StatusCode {
                match WebhookEvent::from_slice(&body) {
                    Ok(event) => {
                        if let Err(error) = bot.on_event(event).await {
                            eprintln!("could not answer: {error}");
                        }
                        StatusCode::OK
                    }
                    Err(_) => StatusCode::BAD_REQUEST,
                }
            }
            axum::Router::new().route("/webhooks", axum::routing::post(receive)).with_state(self)
        }
    }
}

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(mock.base_url())
        .app_name("example-bot/1.0")
        .retry_policy(
            plugchat_api::RetryPolicy::with_max_retries(2).backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

#[tokio::test]
async fn answers_a_message_posted_to_its_webhook() {
    let mock = MockServer::start().await;
    let bot = Arc::new(bot::Bot { client: client(&mock) });
    let addr = serve(bot.router()).await;

    let status = mock.send_webhook(&format!("http://{addr}/webhooks"), "message-received").await.unwrap();
    assert_eq!(status, 200);
    let sent = mock.received_for("send-text");
    assert_eq!(sent.len(), 1);
    let event = mock.documented_events().into_iter().find(|e| e.id == "message-received").unwrap();
    assert_eq!(sent[0].body.as_ref().unwrap()["phone"], event.payload["phone"]);
    assert_eq!(
        sent[0].body.as_ref().unwrap()["message"],
        format!("Recebido: {}", event.payload["text"]["message"].as_str().unwrap())
    );
    assert_eq!(sent[0].status, 200, "the mock found the request valid");
    assert!(sent[0].header("user-agent").unwrap().ends_with(" example-bot/1.0"));
}

#[tokio::test]
async fn ignores_events_that_are_not_texts() {
    let mock = MockServer::start().await;
    let bot = Arc::new(bot::Bot { client: client(&mock) });
    let addr = serve(bot.router()).await;
    let url = format!("http://{addr}/webhooks");
    for event in mock.documented_events().into_iter().filter(|e| e.id != "message-received") {
        assert_eq!(plugchat_mock::webhooks::post_webhook(&url, &event.payload).await.unwrap(), 200, "{}", event.id);
    }
    assert!(mock.received().is_empty());
}

#[tokio::test]
async fn broadcasts_to_every_chat_listed() {
    let mock = MockServer::start().await;
    let bot = bot::Bot { client: client(&mock) };
    let sent = bot.broadcast("Promoção!").await.unwrap();
    let chats = mock.received_for("get-chats");
    // The documented example fits on page 1; page 2 is empty and ends the stream.
    assert_eq!(chats.len(), 2, "page 1, then the empty page 2");
    assert_eq!(chats[1].query_value("page"), Some("2"));
    assert_eq!(chats[0].query_value("pageSize"), Some("50"));
    assert!(sent >= 1);
    assert_eq!(mock.received_for("send-text").len(), sent);
}

#[tokio::test]
async fn a_rate_limited_answer_is_retried_and_sent_once() {
    let mock = MockServer::start().await;
    let bot = bot::Bot { client: client(&mock) };
    mock.on("send-text").fail_times(2, 429);
    let event = mock.documented_events().into_iter().find(|e| e.id == "message-received").unwrap();
    let event = plugchat_api::webhooks::WebhookEvent::from_slice(event.payload.to_string().as_bytes()).unwrap();
    let zaap_id = bot.on_event(event).await.unwrap();
    assert!(zaap_id.is_some(), "the documented answer, after two 429s");
    let statuses: Vec<u16> = mock.received_for("send-text").iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
}

#[tokio::test]
async fn a_send_that_times_out_is_not_repeated() {
    let mock = MockServer::start().await;
    let client =
        Client::builder().token("t").base_url(mock.base_url()).timeout(Duration::from_millis(100)).build().unwrap();
    mock.on("send-text").delay(Duration::from_millis(400));
    let error = client.send_text().phone("5511999999999").message("oi").send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    // A message may have been sent: the client never sends it twice on its own.
    assert_eq!(mock.received_for("send-text").len(), 1);
}

#[tokio::test]
async fn a_request_the_docs_refuse_fails_with_the_problems_named() {
    // The docs gained a required attribute the bot does not send: a mock of the newer docs
    // refuses the bot's call, and the error says what is missing.
    let mut spec = plugchat_mock::bundled_spec();
    let page = spec.pages.iter_mut().find(|p| p.id == "send-text").unwrap();
    let operation = page.operation.as_mut().unwrap();
    let mut added = operation.required[0].clone();
    added.name = "linkPreview".into();
    added.ty = "boolean".into();
    operation.required.push(added);
    let mock = MockServer::start_with(&spec, &plugchat_codegen::api_surface(&spec), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let bot = bot::Bot { client: client(&mock) };

    let error = bot.broadcast("oi").await.unwrap_err();
    let Error::Api(api) = &error else { panic!("{error}") };
    assert_eq!(api.status, 400);
    let body: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(body["operation"], "send-text");
    assert_eq!(body["problems"][0], "missing required attribute `linkPreview` (body)");
    assert_eq!(mock.received_for("send-text").len(), 1, "a 400 is not retried");
}
