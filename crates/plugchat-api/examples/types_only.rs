//! What plugchat-api does without its `client` feature: decode a webhook payload, decode a
//! documented answer and serialise a request object, all from bytes, with no HTTP stack
//! compiled. `.ci/types-only` runs it as
//! `cargo run -p plugchat-api --example types_only --no-default-features --features webhooks,message`.

use plugchat_api::message::{SendButtonListButton, SendTextResponse};
use plugchat_api::webhooks::WebhookEvent;

fn main() {
    let payload = br#"{"type": "ReceivedCallback", "phone": "5544999999999", "momment": "1632228638000",
        "photo": {"unexpected": true}, "text": {"message": "oi"}}"#;
    let WebhookEvent::MessageReceived(event) = WebhookEvent::from_slice(payload).expect("an event") else {
        panic!("not a received message")
    };
    assert_eq!(event.text.as_ref().and_then(|t| t.message.as_deref()), Some("oi"));
    assert_eq!(event.momment, Some(1632228638000));
    assert_eq!(event.mismatches().len(), 1, "photo is kept as a mismatch");
    println!("webhook: message-received from {:?}, {} mismatch", event.phone, event.mismatches().len());

    let answer: SendTextResponse =
        serde_json::from_slice(br#"{"zaapId": "3999984263738042930CD6ECDE9VDWSA", "messageId": 5511}"#).unwrap();
    assert_eq!(answer.message_id.as_deref(), Some("5511"));
    println!("answer: {answer:?}");

    let button = SendButtonListButton::new("Sim");
    let body = serde_json::to_string(&button).unwrap();
    assert_eq!(body, r#"{"label":"Sim"}"#);
    println!("request object: {body}");
}
