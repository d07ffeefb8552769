//! The blocking flavour: the same call from synchronous code, against a server on its own thread.

use plugchat_api::{BlockingClient, Client};
use plugchat_tests::{RecordingServer, Reply};

#[test]
fn a_blocking_call_sends_and_decodes_like_the_async_one() {
    // The server needs a runtime of its own; the test itself stays synchronous.
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let server = server_runtime
        .block_on(RecordingServer::start([Reply::json(serde_json::json!({"zaapId": "z", "messageId": "m"}))]));

    let client = Client::builder().token("my-token").base_url(server.base_url()).build().unwrap();
    let blocking = BlockingClient::new(client).unwrap();
    let sent = blocking.call(|c| c.send_text().phone("5511999999999").message("oi").send()).unwrap();
    assert_eq!(sent.zaap_id.as_deref(), Some("z"));
    let request = &server.requests()[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/api/whatsapp/send-text"));
}
