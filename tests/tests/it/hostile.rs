//! The hostile suite: servers on 127.0.0.1 that redirect, echo, drip, bomb and lie, and values
//! with every special character. Each test names the guarantee it holds (README, "Security");
//! the numbered ones reproduce the findings of issue 15.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use plugchat_api::{Client, Error, RequestOptions, RetryPolicy};
use plugchat_spec::Operation;
use plugchat_tests::examples::url_query;
use plugchat_tests::{Fault, FaultServer, RecordingServer, Reply};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "hostile-Tok3n/with\"quote";
const SENT: &str = r#"{"zaapId":"z1","messageId":"m1"}"#;

fn builder(base_url: &str) -> plugchat_api::ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::with_max_retries(2).backoff(Duration::from_millis(5), Duration::from_millis(10)))
}

fn client(base_url: &str) -> Client {
    builder(base_url).build().expect("client")
}

/// Starts an axum app on an ephemeral port of 127.0.0.1; returns `http://ADDR`.
async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

/// A raw TCP server answering every connection with `answer` after reading the request head.
async fn raw_server(
    answer: impl Fn(Arc<AtomicU32>, tokio::net::TcpStream) -> BoxFuture + Send + Sync + 'static,
) -> (String, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (answer, counter) = (answer.clone(), counter.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                // Read the body too: closing with unread bytes would reset the connection.
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").and_then(|v| v.trim().parse().ok()))
                    .unwrap_or(0usize);
                let mut body = vec![0u8; length];
                if stream.read_exact(&mut body).await.is_err() {
                    return;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                answer(counter, stream).await;
            });
        }
    });
    (format!("http://{addr}/api"), count)
}

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

// ---------------------------------------------------------------------------------------------
// 1. A path value cannot change the endpoint.

/// The attributes a page's request example spells, with the required attributes and headers
/// it leaves out filled in.
fn example_args(operation: &Operation) -> Map<String, Value> {
    let (mut args, _) = plugchat_tests::examples::example_args(operation);
    plugchat_tests::examples::complete(&mut args, operation);
    args
}

#[tokio::test]
async fn item1_empty_and_dot_path_values_are_refused_for_every_operation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let client = client(&server.base_url());
    let mut operations = 0;
    let mut failures = Vec::new();
    for (page, operation) in spec.operations() {
        let placeholders: Vec<&str> = operation.placeholders().collect();
        if placeholders.is_empty() {
            continue;
        }
        operations += 1;
        for placeholder in placeholders {
            // The documented attribute the placeholder names (or the placeholder itself).
            let wire = operation
                .required
                .iter()
                .chain(&operation.optional)
                .find(|a| plugchat_model::same_name_key(&a.name, placeholder))
                .map_or(placeholder.to_owned(), |a| a.name.clone());
            for bad in ["", ".", ".."] {
                let mut args = example_args(operation);
                args.insert(wire.clone(), Value::String(bad.into()));
                let result = plugchat_api::dynamic::call(&client, &page.id, args).await;
                match result {
                    Err(Error::InvalidRequest { message, .. }) if message.contains(&wire) => {}
                    other => failures.push(format!("{} `{wire}` = {bad:?}: {other:?}", page.id)),
                }
            }
        }
    }
    let reached: Vec<String> = server.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(operations, 10, "docs-spec has ten operations with a path parameter");
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    assert!(reached.is_empty(), "requests reached the server: {reached:?}");
}

#[tokio::test]
async fn item1_the_issue_s_examples_send_nothing() {
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let client = client(&server.base_url());
    for bad in ["", ".", ".."] {
        let error = client.delete_queue_message().zaap_id(bad).send().await.expect_err("refused");
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains("zaapId"), "{error}");
        let error = client.get_chat_metadata().phone(bad).send().await.expect_err("refused");
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // Dots inside a value are an ordinary value, and reach the documented endpoint.
    client.delete_queue_message().zaap_id("...").send().await.expect("three dots are a value");
    client.delete_queue_message().zaap_id("a..b").send().await.expect("dots inside a value");
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/api/whatsapp/queue/...", "/api/whatsapp/queue/a..b"]);
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. The base URL: no query, no fragment, no credentials.

#[test]
fn item2_a_base_url_with_a_query_or_fragment_is_refused() {
    for (url, why) in [
        ("http://127.0.0.1:1/api?tenant=1", "query"),
        ("http://127.0.0.1:1/api?", "query"),
        ("http://127.0.0.1:1/api#x", "fragment"),
        ("https://example.com/api/#", "fragment"),
    ] {
        let error = Client::builder().token("t").base_url(url).build().expect_err(url);
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
        assert!(error.to_string().contains(why), "{url}: {error}");
    }
}

#[tokio::test]
async fn item3_credentials_in_the_base_url_are_refused_and_never_printed() {
    let server = RecordingServer::start([Reply::json(json!([]))]).await;
    let with_password = server.base_url().replace("http://", "http://user:hunter2pass@");
    let builder = Client::builder().token("t").base_url(with_password.as_str());
    assert!(!format!("{builder:?}").contains("hunter2pass"), "{builder:?}");
    let error = builder.build().expect_err("userinfo refused");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("user"), "says why: {error}");
    assert!(!format!("{error} {error:?}").contains("hunter2pass"), "{error}");
    assert!(server.requests().is_empty());

    // Every other refusal of such a URL keeps the password out too.
    for url in [
        "http://user:hunter2pass@127.0.0.1:99999/api",
        "ftp://user:hunter2pass@example.com/api",
        "http://user:hunter2pass@example.com/api",
        "https://:hunter2pass@example.com/api",
        "https://hunter2pass@example.com/api",
    ] {
        let builder = Client::builder().token("t").base_url(url);
        assert!(!format!("{builder:?}").contains("hunter2pass"), "{builder:?}");
        let error = builder.build().expect_err(url);
        assert!(!format!("{error} {error:?}").contains("hunter2pass"), "{url}: {error}");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. A server that echoes the token.

async fn echo(request: Request) -> Response {
    let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let status = if request.uri().path().ends_with("profile-picture") { 503 } else { 401 };
    let escaped = serde_json::to_string(&authorization).expect("json");
    let body = format!(r#"{{"error": "invalid token {authorization}", "json": {escaped}}}"#);
    (StatusCode::from_u16(status).unwrap(), [("x-echo", authorization.clone())], body).into_response()
}

#[tokio::test]
async fn item4_a_token_the_server_echoes_never_reaches_errors_or_events() {
    // The "retrying" tracing event is checked in `tests/tracing_output.rs`, a binary of its own:
    // a subscriber set for one test thread races with the other tests' callsite registrations.
    let addr = serve(axum::Router::new().fallback(echo)).await;
    let client = client(&format!("http://{addr}/api"));
    let leaks = |what: &str, text: &str| {
        assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
        assert!(!text.contains("hostile-Tok3n"), "{what} shows part of the token: {text}");
    };

    let error = client.send_text().phone("1").message("m").send().await.expect_err("401");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.status, 401);
    assert!(api.body.contains("invalid token"), "the rest of the body stays: {}", api.body);
    leaks("ApiError.body", &api.body);
    leaks("ApiError.headers", &format!("{:?}", api.headers));
    leaks("Display", &error.to_string());
    leaks("Debug", &format!("{error:?}"));

    // A read answered 503 is retried, and its error keeps no token either.
    let error = client.get_profile_picture().phone("1").send().await.expect_err("503");
    leaks("Display", &error.to_string());
    leaks("Debug", &format!("{error:?}"));
}

#[tokio::test]
async fn item4_a_token_in_a_2xx_body_that_does_not_decode_is_redacted() {
    let body = format!(r#"[{{"link": {{"echo": "{}"}}}}]"#, TOKEN.replace('"', "\\\""));
    let server = RecordingServer::start([Reply::status(200, &body)]).await;
    let error = client(&server.base_url()).get_profile_picture().phone("1").send().await.expect_err("decode");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("hostile-Tok3n"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// 5. Large numbers in string fields keep their exact text.

#[tokio::test]
async fn item5_large_numbers_in_string_fields_keep_their_digits() {
    let body = r#"[{"link": 18446744073709551616}, {"link": -92233720368547758090}, {"link": 0.1000000000000000055511151231257827}]"#;
    let server = RecordingServer::start([Reply::status(200, body)]).await;
    let pictures = client(&server.base_url()).get_profile_picture().phone("1").send().await.expect("decodes");
    let links: Vec<&str> = pictures.iter().map(|p| p.link.as_deref().unwrap_or_default()).collect();
    assert_eq!(links, ["18446744073709551616", "-92233720368547758090", "0.1000000000000000055511151231257827"]);
}

/// The same in webhook payloads: a string field gets every digit; an integer field that cannot
/// hold the number is `None` with the exact digits kept in its mismatch.
#[test]
fn item5_large_numbers_in_webhook_payloads_keep_their_digits() {
    let payload = br#"{"type": "ReceivedCallback", "phone": 18446744073709551616, "messageId": "m",
        "momment": 98765432109876543210, "chatName": 0.1000000000000000055511151231257827}"#;
    let event = plugchat_api::webhooks::WebhookEvent::from_slice(payload).expect("a recognised event decodes");
    let plugchat_api::webhooks::WebhookEvent::MessageReceived(message) = &event else { panic!("{event:?}") };
    assert_eq!(message.phone.as_deref(), Some("18446744073709551616"));
    assert_eq!(message.chat_name.as_deref(), Some("0.1000000000000000055511151231257827"));
    assert_eq!(message.momment, None);
    let mismatch = message.mismatches().iter().find(|m| m.path == "momment").expect("momment is a mismatch");
    assert_eq!(mismatch.value, json!("98765432109876543210"));
}

// ---------------------------------------------------------------------------------------------
// 6. Errors say whether anything was sent; InvalidRequest is never retried.

#[tokio::test]
async fn item6_a_url_too_long_to_send_is_invalid_and_nothing_leaves() {
    let server = RecordingServer::start([Reply::json(json!([]))]).await;
    let client = client(&server.base_url());
    let long = "9".repeat(70_000);
    let error = client.get_profile_picture().phone(long.as_str()).send().await.expect_err("too long");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(!error.is_retryable());
    let error = client.delete_queue_message().zaap_id(long.as_str()).send().await.expect_err("too long");
    assert!(matches!(error, Error::InvalidRequest { .. }), "a DELETE that never left is not `Transport`: {error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn item6_invalid_requests_are_never_retried() {
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let client = builder(&server.base_url())
        .retry_policy(RetryPolicy::with_max_retries(2).backoff(Duration::from_millis(400), Duration::from_millis(400)))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_attendance_by_task().ticket("1\r\nX-Injected: yes").send().await.expect_err("CRLF");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(150), "retried with backoff: {:?}", started.elapsed());
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// 7. Smaller holes.

#[test]
fn item7_an_empty_token_is_refused() {
    for token in ["", " ", "\t"] {
        let error = Client::builder().token(token).base_url("http://127.0.0.1:1/api").build().expect_err("empty");
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(error.to_string().contains("empty"), "{error}");
    }
}

#[tokio::test]
async fn item7_a_zero_timeout_is_refused_per_call_as_by_the_builder() {
    let server = RecordingServer::start([Reply::json(json!([]))]).await;
    let error = client(&server.base_url())
        .get_profile_picture()
        .phone("1")
        .request_options(RequestOptions::new().timeout(Duration::ZERO))
        .send()
        .await
        .expect_err("zero timeout");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("timeout"), "{error}");
    assert!(server.requests().is_empty());
}

/// A page server: `page(n)` gives the items of page `n`; counts requests.
async fn page_server(page: fn(i64) -> Value) -> (String, Arc<AtomicU32>) {
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    let app = axum::Router::new().fallback(move |request: Request| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let query = request.uri().query().unwrap_or("").to_owned();
            let n: i64 = url_query(&format!("?{query}"))
                .into_iter()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            axum::Json(page(n))
        }
    });
    let addr = serve(app).await;
    (format!("http://{addr}/api"), count)
}

fn chat(name: &str) -> Value {
    json!({"name": name, "phone": "1", "unread": "0", "lastMessageTime": "0", "isMuted": "0", "isMarkedSpam": false, "messagesUnread": 0})
}

#[tokio::test]
async fn item7_a_stream_whose_pages_alternate_ends() {
    let (base_url, requests) =
        page_server(|n| if n % 2 == 1 { json!([chat("a1"), chat("a2")]) } else { json!([chat("b1"), chat("b2")]) })
            .await;
    let client = client(&base_url);
    let items =
        tokio::time::timeout(Duration::from_secs(10), client.get_chats_stream(2).into_stream().collect::<Vec<_>>())
            .await
            .expect("the stream ends");
    let names: Vec<String> = items.into_iter().map(|item| item.expect("item").name.unwrap_or_default()).collect();
    assert_eq!(names, ["a1", "a2", "b1", "b2"]);
    assert_eq!(requests.load(Ordering::SeqCst), 3, "stops after the first page with no new item");
}

#[tokio::test]
async fn item7_a_stream_of_endless_new_pages_stops_at_the_page_cap() {
    let (base_url, requests) = page_server(|n| json!([chat(&format!("{n}-a")), chat(&format!("{n}-b"))])).await;
    let client = client(&base_url);
    let items =
        tokio::time::timeout(Duration::from_secs(30), client.get_chats_stream(2).into_stream().collect::<Vec<_>>())
            .await
            .expect("the stream ends");
    let last = items.last().expect("items");
    assert!(matches!(last, Err(Error::PageLimit { .. })), "ends with an error naming the cap: {last:?}");
    assert_eq!(requests.load(Ordering::SeqCst), plugchat_api::DEFAULT_MAX_PAGES, "one request per page");
    assert_eq!(items.len(), 2 * plugchat_api::DEFAULT_MAX_PAGES as usize + 1);

    // The cap is the client's setting.
    let (base_url, requests) = page_server(|n| json!([chat(&format!("{n}-a")), chat(&format!("{n}-b"))])).await;
    let client = builder(&base_url).max_pages(5).build().expect("client");
    let items: Vec<_> = client.get_chats_stream(2).into_stream().collect().await;
    assert_eq!(items.len(), 11);
    assert!(matches!(&items[10], Err(Error::PageLimit { max_pages: 5, .. })), "{:?}", items[10]);
    assert_eq!(requests.load(Ordering::SeqCst), 5);
    let error = builder(&base_url).max_pages(0).build().expect_err("zero pages");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

#[tokio::test]
async fn item7_a_page_size_below_one_is_refused() {
    let server = RecordingServer::start([Reply::json(json!([chat("x")]))]).await;
    let client = client(&server.base_url());
    for size in [0, -1, i64::MIN] {
        let items: Vec<_> = client.get_chats_stream(size).into_stream().collect().await;
        assert_eq!(items.len(), 1, "{size}: {items:?}");
        assert!(
            matches!(&items[0], Err(Error::InvalidRequest { message, .. }) if message.contains("pageSize")),
            "{items:?}"
        );
        let error = client.get_chats().page(1).page_size(size).send().await.expect_err("refused");
        assert!(matches!(&error, Error::InvalidRequest { message, .. } if message.contains("pageSize")), "{error:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn item7_a_retry_after_date_in_the_past_falls_back_to_the_backoff() {
    let server = FaultServer::start([Fault::retry_after(503, "Wed, 21 Oct 2015 07:28:00 GMT")]).await;
    let client = builder(&server.base_url())
        .retry_policy(RetryPolicy::with_max_retries(2).backoff(Duration::from_millis(200), Duration::from_millis(200)))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_profile_picture().phone("1").send().await.expect_err("503");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.connections(), 3);
    assert!(started.elapsed() >= Duration::from_millis(200), "two waits of at least 100 ms: {:?}", started.elapsed());
}

#[tokio::test]
async fn item7_an_array_where_an_object_is_documented_is_a_decode_error() {
    let server = RecordingServer::start([Reply::json(json!(["a", "b"]))]).await;
    let error = client(&server.base_url()).send_text().phone("1").message("m").send().await.expect_err("array");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    // The same inside a list: an item must be an object.
    let server = RecordingServer::start([Reply::json(json!([["https://pps.example/1.jpg"]]))]).await;
    let error = client(&server.base_url()).get_profile_picture().phone("1").send().await.expect_err("array item");
    assert!(matches!(&error, Error::Decode { path, .. } if path == "[0]"), "{error:?}");
}

#[tokio::test]
async fn item7_an_empty_or_null_2xx_to_a_send_says_the_request_was_processed() {
    for body in ["", "null", "  "] {
        let server = RecordingServer::start([Reply::status(200, body)]).await;
        let error = client(&server.base_url()).send_text().phone("1").message("m").send().await.expect_err(body);
        assert!(matches!(error, Error::Decode { .. }), "{body:?}: {error:?}");
        assert!(error.to_string().contains("was processed"), "{body:?}: {error}");
        assert_eq!(server.requests().len(), 1, "not resent");
    }
}

// ---------------------------------------------------------------------------------------------
// What already held, kept from regressing.

#[tokio::test]
async fn redirects_are_not_followed_and_the_token_does_not_reach_the_target() {
    let target = RecordingServer::start([Reply::json(json!([]))]).await;
    for status in [301u16, 302, 303, 307, 308] {
        let location = format!("{}/whatsapp/profile-picture", target.base_url());
        let app = axum::Router::new().fallback(move || {
            let location = location.clone();
            async move { (StatusCode::from_u16(status).unwrap(), [("location", location)], "") }
        });
        let addr = serve(app).await;
        let client = client(&format!("http://{addr}/api"));
        let error = client.get_profile_picture().phone("1").send().await.expect_err("redirect");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
        let error = client.send_text().phone("1").message("m").send().await.expect_err("redirect");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
    }
    assert!(target.requests().is_empty(), "a redirect was followed: {:?}", target.requests());
}

#[tokio::test]
async fn values_with_every_special_character_arrive_intact() {
    let nasty = "a&b=c?d#e/f g+h%2e%00\0\r\nX-Injected: 1\u{7f}é😀\"'\\<>{}[]|^`;,.";
    let server = RecordingServer::start([Reply::json(json!({"zaapId": "z", "messageId": "m"}))]).await;
    let client = client(&server.base_url());
    let _ = client.get_profile_picture().phone(nasty).send().await;
    client.send_text().phone(nasty).message(nasty).send().await.expect("send");
    let _ = client.get_chat_metadata().phone(nasty).send().await;
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let query = url_query(&format!("?{}", requests[0].query.clone().unwrap_or_default()));
    assert_eq!(query, [("phone".to_owned(), nasty.to_owned())], "the query value round-trips");
    assert_eq!(requests[1].body, Some(json!({"phone": nasty, "message": nasty})), "the body round-trips");
    let path = &requests[2].path;
    let segment = path.strip_prefix("/api/whatsapp/chats/").expect("the documented endpoint");
    assert!(!segment.contains('/'), "one segment: {path}");
    assert_eq!(plugchat_tests::examples::percent_decode(segment).replace(' ', "+"), nasty.replace(' ', "+"));
    for request in &requests {
        assert!(request.headers.get("x-injected").is_none(), "CRLF reached a header: {:?}", request.headers);
    }
}

#[tokio::test]
async fn an_endless_or_dripping_body_is_bounded() {
    // Endless chunked body: refused at the limit, without buffering it whole.
    let (base_url, _) = raw_server(|_, mut stream| {
        Box::pin(async move {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await;
            let chunk = format!("{:x}\r\n{}\r\n", 8192, "[".repeat(8192));
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
        })
    })
    .await;
    let client = builder(&base_url).max_response_bytes(64 * 1024).build().expect("client");
    let error = client.send_text().phone("1").message("m").send().await.expect_err("endless");
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");

    // A body dripped one byte a second: the per-attempt timeout covers the body.
    let (base_url, _) = raw_server(|_, mut stream| {
        Box::pin(async move {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").await;
            while stream.write_all(b" ").await.is_ok() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    })
    .await;
    let client = builder(&base_url).timeout(Duration::from_millis(300)).build().expect("client");
    let started = Instant::now();
    let error = client.send_text().phone("1").message("m").send().await.expect_err("drip");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

/// A gzip member whose deflate stream expands to `expanded` zero bytes (fixed Huffman codes:
/// one literal, then matches of length 258 at distance 1), about 1/160 of its size.
fn gzip_bomb(expanded: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, len: u32) {
            self.acc |= value << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u64, len: u32) {
            let reversed = (0..len).fold(0, |r, i| r | (((code >> i) & 1) << (len - 1 - i)));
            self.put(reversed, len);
        }
    }
    let mut bits = Bits { out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255], acc: 0, n: 0 };
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman
    bits.code(0x30, 8); // literal 0
    for _ in 0..(expanded - 1) / 258 {
        bits.code(0b1100_0101, 8); // length code 285 = 258
        bits.code(0, 5); // distance code 0 = 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    let mut out = bits.out;
    out.extend_from_slice(&[0; 8]); // CRC and size are not checked before the body is refused
    out
}

#[tokio::test]
async fn a_gzip_bomb_is_never_decoded() {
    let bomb = Arc::new(gzip_bomb(64 * 1024 * 1024));
    assert!(bomb.len() < 512 * 1024, "{}", bomb.len());
    let (base_url, _) = raw_server(move |_, mut stream| {
        let bomb = bomb.clone();
        Box::pin(async move {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                bomb.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&bomb).await;
        })
    })
    .await;
    let client = builder(&base_url).max_response_bytes(1024 * 1024).build().expect("client");
    let error = client.send_text().phone("1").message("m").send().await.expect_err("not JSON");
    // Decoding would have made 64 MiB (BodyTooLarge); undecoded, it is 400 KiB of not-JSON.
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn json_nested_100k_deep_is_refused_without_overflowing_the_stack() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let objects = "{\"a\":".repeat(100_000) + &"}".repeat(100_000);
    for body in [deep, objects] {
        let server = RecordingServer::start([Reply::status(200, &body)]).await;
        let client = client(&server.base_url());
        let error = client.get_profile_picture().phone("1").send().await.expect_err("deep");
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        let error = client.send_text().phone("1").message("m").send().await.expect_err("deep");
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = FaultServer::start([Fault::retry_after(429, "86400"), Fault::json(200, SENT)]).await;
    let client = builder(&server.base_url())
        .retry_policy(RetryPolicy::with_max_retries(1).max_retry_after(Duration::from_millis(300)))
        .build()
        .expect("client");
    let started = Instant::now();
    client.send_text().phone("1").message("m").send().await.expect("after one 429");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_sends_are_each_processed_at_most_once() {
    // Every kind of answer, interleaved: resets after reading, 429/503 (not processed), 500,
    // and successes.
    let cycle = [
        Fault::ResetAfterRequest,
        Fault::json(503, "{}"),
        Fault::json(200, SENT),
        Fault::retry_after(429, "0"),
        Fault::json(500, "{}"),
        Fault::json(200, SENT),
    ];
    let server = FaultServer::start(cycle.iter().cycle().take(3000).cloned()).await;
    let client = builder(&server.base_url())
        .retry_policy(RetryPolicy::with_max_retries(3).backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .expect("client");
    let calls: Vec<_> = (0..500)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send_text().phone(format!("c{i}")).message("m").send().await.is_ok() })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        ok += u32::from(call.await.expect("no panic"));
    }
    let mut duplicates = 0;
    for i in 0..500 {
        duplicates += server.processed(&format!("c{i}")).saturating_sub(1);
    }
    assert_eq!(duplicates, 0, "a send was processed twice");
    assert!(ok > 0, "some sends succeeded");
}

// ---------------------------------------------------------------------------------------------
// Issue 23, item 8: the client reports what the server said.

#[tokio::test]
async fn issue23_item8_a_retry_after_beyond_the_deadline_returns_that_answer_at_once() {
    for status in [429u16, 503] {
        let server = FaultServer::start([Fault::retry_after(status, "5"), Fault::json(200, SENT)]).await;
        let client = builder(&server.base_url()).operation_timeout(Duration::from_secs(1)).build().expect("client");
        let error = client.send_text().phone("1").message("m").send().await.expect_err("the answer");
        // Not `Timeout` after sleeping to the deadline: the 429/503 proves nothing was processed.
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
        assert!(error.is_retryable(), "{error:?}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(5)), "{error:?}");
        assert_eq!(server.connections(), 1, "no retry was started");
    }
}

#[tokio::test]
async fn issue23_item8_a_retry_after_too_large_for_a_number_is_the_cap() {
    for huge in ["100000000000000000000", "18446744073709551616", "18446744073709551615"] {
        let server = FaultServer::start([Fault::retry_after(429, huge), Fault::json(200, SENT)]).await;
        // The cap (30 s) outlasts the deadline, so the 429 is the answer; a Retry-After read as
        // nothing would have been retried after the 5 ms backoff and succeeded.
        let client = builder(&server.base_url()).operation_timeout(Duration::from_secs(2)).build().expect("client");
        let error = client.send_text().phone("1").message("m").send().await.expect_err(huge);
        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS), "{huge}: {error:?}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)), "{huge}");
        assert_eq!(server.connections(), 1, "{huge}: retried without waiting");
    }
}

#[tokio::test]
async fn issue23_item8_a_repeated_key_in_a_2xx_body_takes_its_last_value_as_webhooks_do() {
    let body = r#"{"zaapId":"a","messageId":"m","zaapId":{"not":"a string"},"zaapId":"b"}"#;
    let server = RecordingServer::start([Reply::status(200, body)]).await;
    let sent = client(&server.base_url()).send_text().phone("1").message("m").send().await.expect("decodes");
    assert_eq!((sent.zaap_id.as_deref(), sent.message_id.as_deref()), (Some("b"), Some("m")));
    assert_eq!(sent.json().expect("json")["zaapId"], "b", "the same value as `json()`");
    assert_eq!(sent.body_bytes().as_ref(), body.as_bytes(), "the body as sent");
    // In a list, and with a number that keeps its digits.
    let body = r#"[{"link":"x","link":18446744073709551616}]"#;
    let server = RecordingServer::start([Reply::status(200, body)]).await;
    let pictures = client(&server.base_url()).get_profile_picture().phone("1").send().await.expect("decodes");
    assert_eq!(pictures[0].link.as_deref(), Some("18446744073709551616"));
    // The webhook decoder reads the same payload shape the same way.
    let payload = br#"{"type":"ReceivedCallback","messageId":"m","phone":"a","phone":"b"}"#;
    let event = plugchat_api::webhooks::WebhookEvent::from_slice(payload).expect("decodes");
    let plugchat_api::webhooks::WebhookEvent::MessageReceived(message) = &event else { panic!("{event:?}") };
    assert_eq!(message.phone.as_deref(), Some("b"));
}

#[tokio::test]
async fn issue23_item8_a_path_value_spelling_dots_in_percent_encoding_is_sent_encoded() {
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let client = client(&server.base_url());
    for value in ["%2e%2e", "%2E", ".%2e", "%2e."] {
        client.delete_queue_message().zaap_id(value).send().await.expect(value);
    }
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/whatsapp/queue/%252e%252e",
            "/api/whatsapp/queue/%252E",
            "/api/whatsapp/queue/.%252e",
            "/api/whatsapp/queue/%252e."
        ]
    );
    // Real dots still cannot climb.
    for bad in [".", ".."] {
        let error = client.delete_queue_message().zaap_id(bad).send().await.expect_err(bad);
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn issue23_item8_a_control_byte_in_a_header_value_names_the_header() {
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let client = client(&server.base_url());
    for (value, byte) in [("1\0", "0x00"), ("1\r\nX-Injected: yes", "0x0D"), ("1\n", "0x0A"), ("1\u{7f}", "0x7F")] {
        let error = client.get_attendance_by_task().ticket(value).send().await.expect_err("refused");
        let Error::InvalidRequest { message, .. } = &error else { panic!("{value:?}: {error:?}") };
        assert!(message.contains("header `Ticket`") && message.contains(byte), "{value:?}: {message}");
        assert!(!message.contains("builder error"), "{message}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}
