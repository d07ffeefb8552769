//! `get_profile_picture` end to end: what reaches the wire, what comes back.

use plugchat_api::{Client, Error, StatusCode};
use plugchat_tests::{RecordingServer, Reply};

/// The 200 example of the docs-spec page, so the test follows the docs.
fn documented_example() -> serde_json::Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    let (_, operation) = spec.operations().find(|(page, _)| page.id == "get-profile-picture").expect("page");
    operation.responses.iter().find(|r| r.status == 200).and_then(|r| r.example.clone()).expect("200 example")
}

fn client(server: &RecordingServer) -> Client {
    Client::builder().token("my-token").base_url(server.base_url()).build().expect("client")
}

#[tokio::test]
async fn sends_the_documented_request_and_decodes_the_documented_answer() {
    let server = RecordingServer::start([Reply::json(documented_example())]).await;
    let pictures = client(&server).get_profile_picture().phone("5511999999999").send().await.expect("call");

    assert_eq!(pictures.status(), StatusCode::OK);
    assert_eq!(pictures.len(), 1);
    assert_eq!(pictures[0].link.as_deref(), Some("Url com a foto do contato"));
    assert!(format!("{:?}", pictures[0]).contains("link"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/whatsapp/profile-picture");
    assert_eq!(request.query.as_deref(), Some("phone=5511999999999"));
    assert_eq!(request.headers.get("authorization").expect("authorization"), "my-token");
}

#[tokio::test]
async fn a_single_object_decodes_as_one_item() {
    let server =
        RecordingServer::start([Reply::json(serde_json::json!({ "link": "https://pps.example/1.jpg", "new": 1 }))])
            .await;
    let pictures = client(&server).get_profile_picture().phone("5511999999999").send().await.expect("call");
    let links: Vec<&str> = pictures.iter().filter_map(|p| p.link.as_deref()).collect();
    assert_eq!(links, ["https://pps.example/1.jpg"]);
}

#[tokio::test]
async fn documented_error_statuses_are_recognisable() {
    for status in [405u16, 415] {
        let server = RecordingServer::start([Reply::status(status, r#"{"error":"nope"}"#)]).await;
        let error = client(&server).get_profile_picture().phone("1").send().await.expect_err("error status");
        assert_eq!(error.status(), Some(StatusCode::from_u16(status).unwrap()));
        let Error::Api(api) = &error else { panic!("expected Error::Api, got {error:?}") };
        assert_eq!(api.body, r#"{"error":"nope"}"#);
        assert!(api.documented.is_some_and(|text| !text.is_empty()), "{status} is documented on the page");
        assert!(!error.is_retryable());
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_json_path() {
    // A number where a string belongs is accepted (the service is documented to mix them);
    // an object is not.
    let server =
        RecordingServer::start([Reply::json(serde_json::json!([{ "link": 42 }, { "link": { "url": "x" } }]))]).await;
    let error = client(&server).get_profile_picture().phone("1").send().await.expect_err("decode error");
    let Error::Decode { path, status, snippet, .. } = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(path, "[1].link");
    assert_eq!(*status, StatusCode::OK);
    assert!(snippet.contains("\"url\""));
    assert!(error.to_string().contains("[1].link"), "{error}");
}

#[tokio::test]
async fn the_token_never_shows_in_debug_or_errors() {
    let server = RecordingServer::start([Reply::status(500, "boom")]).await;
    let client =
        Client::builder().token("s3cr3t-token").base_url(server.base_url()).max_retries(0).build().expect("client");
    assert!(!format!("{client:?}").contains("s3cr3t-token"));
    let error = client.get_profile_picture().phone("1").send().await.expect_err("500");
    assert!(!format!("{error:?} {error}").contains("s3cr3t-token"));
}

#[test]
fn plain_http_is_refused_except_to_loopback() {
    let error = Client::builder().token("t").base_url("http://example.com/api").build().expect_err("plain http");
    assert!(error.to_string().contains("allow_insecure_http"), "{error}");
    assert!(Client::builder().token("t").base_url("http://example.com/api").allow_insecure_http(true).build().is_ok());
    assert!(Client::builder().token("t").base_url("http://localhost:1/api").build().is_ok());
    assert!(Client::builder().base_url("https://example.com").build().is_err(), "a token is required");
}
