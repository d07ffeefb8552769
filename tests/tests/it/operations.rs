//! send_text and get_chats end to end: JSON bodies, query parameters, lenient decoding of
//! what the service sends, and the page-by-page stream.

use futures_util::StreamExt;
use plugchat_api::Client;
use plugchat_tests::{RecordingServer, Reply};
use serde_json::json;

fn client(server: &RecordingServer) -> Client {
    Client::builder().token("my-token").base_url(server.base_url()).build().expect("client")
}

#[tokio::test]
async fn send_text_posts_a_json_body_and_decodes_the_ids() {
    let server = RecordingServer::start([Reply::json(json!({"zaapId": "3999", "messageId": "D241"}))]).await;
    let sent = client(&server)
        .send_text()
        .phone("5511999999999")
        .message("Olá, *Plug Chat*")
        .delay_message(5)
        .send()
        .await
        .expect("send");
    assert_eq!((sent.zaap_id.as_deref(), sent.message_id.as_deref()), (Some("3999"), Some("D241")));

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/whatsapp/send-text");
    assert_eq!(request.query, None);
    assert_eq!(request.headers.get("content-type").expect("content type"), "application/json");
    assert_eq!(request.body, Some(json!({"phone": "5511999999999", "message": "Olá, *Plug Chat*", "delayMessage": 5})));
}

#[tokio::test]
async fn builder_members_in_any_order_with_maybe_setters_and_the_last_value_kept() {
    let server = RecordingServer::start([Reply::json(json!({})), Reply::json(json!({}))]).await;
    let client = client(&server);
    // Optional before required, required in reverse order; `maybe_` with `None` unsets.
    let builder = client.send_text().delay_message(2).message_id("first").message("oi");
    let builder = builder.maybe_message_id(Some("second")).maybe_delay_message(None::<i64>);
    builder.phone("5511").send().await.expect("send");
    // Builders are values: one kept and finished later sends what was set on it.
    let pending = client.send_text().phone("5522").message("later").delay_message(1);
    pending.send().await.expect("send");
    let bodies: Vec<_> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(
        bodies,
        [
            Some(json!({"phone": "5511", "message": "oi", "messageId": "second"})),
            Some(json!({"phone": "5522", "message": "later", "delayMessage": 1}))
        ]
    );
}

#[tokio::test]
async fn get_chats_decodes_values_as_the_service_spells_them() {
    // The upstream example sends `isMarkedSpam` as the string "false" and a null thumbnail.
    let server = RecordingServer::start([Reply::json(json!([
        {"name": "Plug", "phone": "5511", "unread": 0, "lastMessageTime": "1622991687", "isMuted": "0",
         "isMarkedSpam": "false", "profileThumbnail": null, "messagesUnread": "0", "future": {"x": 1}}
    ]))])
    .await;
    let chats = client(&server).get_chats().page(1).page_size(50).send().await.expect("chats");
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].is_marked_spam, Some(false));
    assert_eq!(chats[0].unread.as_deref(), Some("0"));
    assert_eq!(chats[0].profile_thumbnail, None);
    assert_eq!(server.requests()[0].query.as_deref(), Some("page=1&pageSize=50"));
}

fn chat(name: &str) -> serde_json::Value {
    json!({"name": name, "phone": "1", "unread": "0", "lastMessageTime": "1", "isMuted": "0", "isMarkedSpam": false, "messagesUnread": 0})
}

#[tokio::test]
async fn get_chats_stream_walks_every_page_and_stops_after_the_last() {
    let server = RecordingServer::start([
        Reply::json(json!([chat("a"), chat("b")])),
        Reply::json(json!([chat("c")])),
        Reply::json(json!([])),
        Reply::json(json!([chat("never requested")])),
    ])
    .await;
    let client = client(&server);
    let names: Vec<Option<String>> =
        client.get_chats_stream(2).into_stream().map(|chat| chat.expect("chat").name).collect().await;
    assert_eq!(names, [Some("a".into()), Some("b".into()), Some("c".into())]);
    let queries: Vec<_> = server.requests().into_iter().map(|r| r.query.unwrap_or_default()).collect();
    // A short page does not end the stream (a server may cap the size); the empty one does.
    assert_eq!(queries, ["page=1&pageSize=2", "page=2&pageSize=2", "page=3&pageSize=2"]);
}

#[tokio::test]
async fn get_chats_stream_ends_when_the_server_ignores_the_page_number() {
    let server = RecordingServer::start([Reply::json(json!([chat("a"), chat("b")]))]).await;
    let client = client(&server);
    let names: Vec<Option<String>> =
        client.get_chats_stream(2).into_stream().map(|chat| chat.expect("chat").name).collect().await;
    assert_eq!(names, [Some("a".into()), Some("b".into())]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn get_chats_stream_yields_an_error_and_ends() {
    let server = RecordingServer::start([Reply::json(json!([chat("a"), chat("b")])), Reply::status(401, "{}")]).await;
    let client = client(&server);
    let results: Vec<_> = client.get_chats_stream(2).into_stream().collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[2].as_ref().expect_err("401").status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn webhook_urls_must_be_https_and_are_refused_before_sending() {
    use plugchat_api::webhooks::UpdateWebhookReceivedWebhooks;
    let server = RecordingServer::start([Reply::json(json!({"value": true}))]).await;
    let client = client(&server);
    let webhooks = |url: &str| {
        let mut webhooks = UpdateWebhookReceivedWebhooks::new(url);
        webhooks.when_disconnecting = Some("https://example.com/disconnected".into());
        webhooks
    };
    let error =
        client.update_webhook_received().value(webhooks("http://example.com/in")).send().await.expect_err("http");
    assert!(error.to_string().contains("`value.receiveMessage` must be an https:// URL"), "{error}");
    assert!(server.requests().is_empty(), "nothing was sent");

    client.update_webhook_received().value(webhooks("https://example.com/in")).send().await.expect("https is accepted");
    assert_eq!(
        server.requests()[0].body,
        Some(
            json!({"value": {"receiveMessage": "https://example.com/in", "whenDisconnecting": "https://example.com/disconnected"}})
        )
    );
}
