//! The users' toolbox against servers on 127.0.0.1 (`plugchat-mock`, and `RecordingServer`
//! where a server must misbehave): configuration from the environment, an application name,
//! a user-supplied `reqwest::Client`, hooks, and the deadline over a whole call.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plugchat_api::{AttemptReport, Client, Error, Hook, HookRequest, reqwest};
use plugchat_mock::MockServer;
use plugchat_tests::{RecordingServer, Reply};

const TOKEN: &str = "secret-token-123";

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

#[tokio::test]
async fn configuration_from_the_environment_names_what_is_missing_or_wrong() {
    let error = Client::builder().env_with("PLUGCHAT", vars(&[])).unwrap_err();
    assert!(error.to_string().contains("PLUGCHAT_TOKEN is not set"), "{error}");
    let error = Client::builder()
        .env_with("PLUGCHAT", vars(&[("PLUGCHAT_TOKEN", TOKEN), ("PLUGCHAT_TIMEOUT_SECS", "soon")]))
        .unwrap_err();
    assert!(error.to_string().contains("PLUGCHAT_TIMEOUT_SECS is `soon`"), "{error}");
    let error =
        Client::builder().env_with("PLUGCHAT", vars(&[("PLUGCHAT_TOKEN", TOKEN), ("PLUGCHAT_MAX_RETRIES", "-1")]));
    assert!(error.is_err());

    let mock = MockServer::start().await;
    let client = Client::builder()
        .env_with(
            "PLUGCHAT",
            vars(&[
                ("PLUGCHAT_TOKEN", TOKEN),
                ("PLUGCHAT_BASE_URL", &mock.base_url()),
                ("PLUGCHAT_TIMEOUT_SECS", "2.5"),
                ("PLUGCHAT_MAX_RETRIES", "0"),
                ("PLUGCHAT_APP_NAME", "my-bot/1.2"),
            ]),
        )
        .unwrap()
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains(TOKEN));
    mock.on("get-chats").fail_times(1, 503);
    let error = client.get_chats().page(1).page_size(5).send().await.unwrap_err();
    assert!(matches!(error, Error::Api(ref api) if api.status == 503), "0 retries from the environment: {error}");
    client.get_chats().page(1).page_size(5).send().await.unwrap();
    let received = mock.received();
    assert_eq!(received[1].header("authorization"), Some(TOKEN));
    let agent = received[1].header("user-agent").unwrap();
    assert_eq!(agent, format!("{} my-bot/1.2", plugchat_api::USER_AGENT_PREFIX));
    assert!(agent.starts_with("plugchat-rs/"));
}

#[tokio::test]
async fn an_app_name_that_is_not_a_header_value_is_a_config_error() {
    let error = Client::builder().token(TOKEN).app_name("bot\r\nX-Evil: 1").build().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

/// Records what hooks see.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Hook for Recorder {
    fn before_send(&self, request: &mut HookRequest<'_>) {
        let line = format!("before {} #{} {:?}", request.operation(), request.attempt(), request);
        let attempt = request.attempt();
        request.headers_mut().insert("x-request-attempt", attempt.into());
        // A hook cannot replace the token.
        request.headers_mut().insert("authorization", "forged".parse().unwrap());
        self.seen.lock().unwrap().push(line);
    }

    fn after_attempt(&self, report: &AttemptReport<'_>) {
        let line = format!(
            "after {} #{} {:?} retry={} error={:?}",
            report.operation,
            report.attempt,
            report.status.map(|s| s.as_u16()),
            report.will_retry,
            report.error.map(|e| e.to_string())
        );
        assert!(report.elapsed < Duration::from_secs(5));
        self.seen.lock().unwrap().push(line);
    }
}

#[tokio::test]
async fn hooks_add_headers_and_watch_every_attempt_without_seeing_the_token() {
    let mock = MockServer::start().await;
    let recorder = Recorder::default();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(mock.base_url())
        .retry_policy(
            plugchat_api::RetryPolicy::with_max_retries(2).backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .hook(recorder.clone())
        .build()
        .unwrap();
    mock.on("get-chats").fail_times(2, 503);
    client.get_chats().page(1).page_size(5).send().await.unwrap();

    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 6, "{seen:#?}");
    assert!(seen[0].starts_with("before get-chats #1 HookRequest"));
    assert!(seen[1].starts_with("after get-chats #1 Some(503) retry=true error=Some(\"get-chats:"), "{}", seen[1]);
    assert!(seen[5].starts_with("after get-chats #3 Some(200) retry=false error=None"), "{}", seen[5]);
    assert!(seen.iter().all(|line| !line.contains(TOKEN) && !line.contains("authorization")), "{seen:#?}");
    let received = mock.received();
    let attempts: Vec<_> = received.iter().map(|r| r.header("x-request-attempt").unwrap().to_owned()).collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    assert!(received.iter().all(|r| r.header("authorization") == Some(TOKEN)));
}

#[tokio::test]
async fn a_server_that_echoes_the_token_does_not_show_it_to_hooks() {
    let server = RecordingServer::start([Reply::status(401, &format!("{{\"error\": \"bad token {TOKEN}\"}}"))]).await;
    let recorder = Recorder::default();
    let client = Client::builder().token(TOKEN).base_url(server.base_url()).hook(recorder.clone()).build().unwrap();
    let error = client.get_chats().page(1).page_size(5).send().await.unwrap_err();
    assert!(!error.to_string().contains(TOKEN));
    let seen = recorder.seen.lock().unwrap().clone();
    assert!(seen[1].contains("[redacted]"), "{seen:#?}");
    assert!(seen.iter().all(|line| !line.contains(TOKEN)), "{seen:#?}");
}

#[tokio::test]
async fn a_user_supplied_reqwest_client_is_used_with_the_sdk_guarantees() {
    let mock = MockServer::start().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-shared-client", "yes".parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(mock.base_url())
        .http_client(http)
        .max_response_bytes(256)
        .build()
        .unwrap();
    client.send_text().phone("5511999999999").message("Olá").send().await.unwrap();
    let request = &mock.received()[0];
    assert_eq!(request.header("x-shared-client"), Some("yes"));
    assert_eq!(request.header("authorization"), Some(TOKEN));
    assert!(request.header("user-agent").unwrap().starts_with("plugchat-rs/"));

    // The body limit still holds.
    mock.on("send-text").respond(200, serde_json::json!({ "zaapId": "x".repeat(300) }));
    let error = client.send_text().phone("5511999999999").message("Olá").send().await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error}");

    // The per-attempt timeout still holds.
    mock.on("send-text").reset().delay(Duration::from_secs(2));
    let error = client
        .send_text()
        .phone("5511999999999")
        .message("Olá")
        .request_options(plugchat_api::RequestOptions::new().timeout(Duration::from_millis(100)))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn a_user_client_that_follows_redirects_is_stopped_before_decoding() {
    // The redirect target is a mock: its documented answer would decode fine.
    let target = MockServer::start().await;
    let location = format!("{}/whatsapp/chats?page=1&pageSize=5", target.base_url());
    let hits = Arc::new(Mutex::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let (location, counter) = (location.clone(), counter.clone());
        async move {
            *counter.lock().unwrap() += 1;
            (axum::http::StatusCode::FOUND, [("location", location)], "")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirecting = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client =
        Client::builder().token(TOKEN).base_url(redirecting).http_client(reqwest::Client::new()).build().unwrap();
    let error = client.get_chats().page(1).page_size(5).send().await.unwrap_err();
    assert!(matches!(error, Error::Config(ref m) if m.contains("redirect")), "{error}");
    assert_eq!(*hits.lock().unwrap(), 1, "not retried");
    assert_eq!(target.received().len(), 1, "the user's client followed it; reqwest dropped the token on the way");
    assert_eq!(target.received()[0].status, 401);
}

#[tokio::test]
async fn the_operation_timeout_bounds_all_attempts_and_waits() {
    let mock = MockServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(mock.base_url())
        .timeout(Duration::from_secs(5))
        .max_retries(10)
        .operation_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // 503s forever, with backoff between attempts: the deadline ends the call, with the last
    // 503 once the next wait would pass it (`Timeout` if an attempt is still running then).
    mock.on("get-chats").fail_times(1000, 503);
    let started = Instant::now();
    let error = client.get_chats().page(1).page_size(5).send().await.unwrap_err();
    let elapsed = started.elapsed();
    let by_deadline = match &error {
        Error::Timeout { timeout, .. } => *timeout == Duration::from_millis(300),
        error => error.status() == Some(plugchat_api::StatusCode::SERVICE_UNAVAILABLE),
    };
    assert!(by_deadline, "{error}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(mock.received().len() >= 2, "it retried within the deadline");

    // Per call, and zero is refused before anything is sent.
    let options = plugchat_api::RequestOptions::new().operation_timeout(Duration::ZERO);
    let error = client.get_chats().page(1).page_size(5).request_options(options).send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(Client::builder().token(TOKEN).operation_timeout(Duration::ZERO).build().is_err());
}

#[tokio::test]
async fn a_page_stream_owns_its_client_takes_request_options_and_can_be_spawned() {
    use futures_util::StreamExt;
    let mock = MockServer::start().await;
    let client = Client::builder().token(TOKEN).base_url(mock.base_url()).max_retries(0).build().unwrap();
    mock.on("get-chats").fail_times(1, 503);
    let options = plugchat_api::RequestOptions::new().max_retries(1);
    let stream = client.get_chats_stream(50).request_options(options).into_stream();
    drop(client); // the stream holds its own clone
    let items: Vec<_> = tokio::spawn(stream.collect::<Vec<_>>()).await.unwrap();
    assert!(!items.is_empty() && items.iter().all(Result::is_ok), "{items:?}");
    let statuses: Vec<u16> = mock.received().iter().map(|r| r.status).collect();
    // The mock answers every page with the example's items: page 2 brings nothing new and ends it.
    assert_eq!(statuses, [503, 200, 200], "the per-call retry override applies to each page");
}

/// Code of the application under test that takes the client's answer types.
fn describe_send(answer: &plugchat_api::Response<plugchat_api::message::SendTextResponse>) -> String {
    format!("{} {}", answer.status().as_u16(), answer.zaap_id.as_deref().unwrap_or("(none)"))
}

#[test]
fn response_types_can_be_built_in_unit_tests() {
    let mut answer = plugchat_api::message::SendTextResponse::default();
    answer.zaap_id = Some("3999984263738042930CD6ECDE9VDWSA".into());
    let response = plugchat_api::Response::new(plugchat_api::StatusCode::OK, plugchat_api::HeaderMap::new(), answer);
    assert_eq!(describe_send(&response), "200 3999984263738042930CD6ECDE9VDWSA");
    // The other way, from the JSON a test has at hand:
    let chats: Vec<plugchat_api::chats::GetChatsItem> =
        serde_json::from_value(serde_json::json!([{ "name": "Plug", "phone": "5511999999999" }])).unwrap();
    assert_eq!(chats[0].phone.as_deref(), Some("5511999999999"));
}

/// A server that caps the page size (asked for 3, sends 2), over records the generated type
/// cannot tell apart (they differ only in a key the docs do not list): the stream yields all
/// ten and ends at the empty page.
#[tokio::test]
async fn a_page_stream_ends_only_at_the_end_of_the_list() {
    use futures_util::StreamExt;
    let records: Vec<serde_json::Value> =
        (0..10).map(|i| serde_json::json!({ "phone": "5511999999999", "name": "Ana", "crmId": i })).collect();
    let server = plugchat_tests::ListServer::start(records, 2).await;
    let client = Client::builder().token(TOKEN).base_url(server.base_url()).build().unwrap();
    let items: Vec<_> = client.get_contacts_stream(3).into_stream().collect().await;
    assert_eq!(items.len(), 10, "{items:?}");
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(server.queries().len(), 6, "{:?}", server.queries());
    assert!(server.queries().iter().all(|q| q.contains("pageSize=3")), "{:?}", server.queries());
}

/// The answer as sent is always reachable: the bytes, and every key as JSON, documented or not.
#[tokio::test]
async fn the_body_as_sent_is_kept_beside_the_decoded_one() {
    let body = r#"{"zaapId":"z1","messageId":"m1","id":"i1","sentAt":{"when":1e400},"zaapId2":[1,2]}"#;
    let server = RecordingServer::start([Reply { status: axum::http::StatusCode::OK, body: body.into() }]).await;
    let client = Client::builder().token(TOKEN).base_url(server.base_url()).build().unwrap();
    let answer = client.send_text().phone("5511999999999").message("Olá").send().await.unwrap();
    assert_eq!(answer.zaap_id.as_deref(), Some("z1"));
    assert_eq!(answer.body_bytes().as_ref(), body.as_bytes());
    // `1e400` does not fit a `Value`: the bytes still hold it, `json()` says why it cannot.
    assert!(answer.json().is_err());
    let server = RecordingServer::start([Reply {
        status: axum::http::StatusCode::OK,
        body: r#"{"zaapId":"z1","extra":{"a":[1]}}"#.into(),
    }])
    .await;
    let client = Client::builder().token(TOKEN).base_url(server.base_url()).build().unwrap();
    let answer = client.send_text().phone("5511999999999").message("Olá").send().await.unwrap();
    assert_eq!(answer.json().unwrap()["extra"], serde_json::json!({ "a": [1] }));
}
