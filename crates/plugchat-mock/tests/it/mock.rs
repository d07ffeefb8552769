//! The mock against raw HTTP requests (reqwest, no typed client): every documented example
//! passes, each kind of violation is caught and named, overrides and the binary work.

use std::time::{Duration, Instant};

use plugchat_mock::MockServer;
use plugchat_model::RequestExample;
use serde_json::{Value, json};

/// `value` without `null` members: the docs' examples show absent optionals as `null`.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        other => other.clone(),
    }
}

/// The template with each `{name}` taken from `values` (or `example`).
fn fill(template: &str, values: &serde_json::Map<String, Value>) -> String {
    template
        .split('/')
        .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                values.get(name).map_or("example".to_owned(), |v| v.as_str().map_or(v.to_string(), str::to_owned))
            }
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_example_request_passes_validation_and_gets_the_documented_answer() {
    let mock = MockServer::start().await;
    let spec = plugchat_mock::bundled_spec();
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for (page, operation) in spec.operations() {
        count += 1;
        let method = reqwest::Method::from_bytes(operation.method.as_str().as_bytes()).unwrap();
        let mut request = match &operation.request_example {
            Some(RequestExample::Url { url, .. }) => {
                let url = reqwest::Url::parse(url).unwrap();
                let path = url.path().strip_prefix("/api").unwrap_or(url.path()).to_owned();
                let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
                http.request(method, format!("{}{path}{query}", mock.base_url()))
            }
            Some(RequestExample::Json { body, .. }) => {
                let body = without_nulls(body);
                let path = fill(&operation.path, body.as_object().unwrap_or(&Default::default()));
                http.request(method, format!("{}{path}", mock.base_url())).json(&body)
            }
            None => http.request(method, format!("{}{}", mock.base_url(), fill(&operation.path, &Default::default()))),
        };
        for header in &operation.headers {
            request = request.header(header.name.as_str(), header.example.as_str());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
        let documented = operation.responses.iter().find(|r| (200..300).contains(&r.status));
        let expected_status = documented.map_or(200, |r| r.status);
        if status != expected_status {
            failures.push(format!("{}: {status} {body}", page.id));
        } else if let Some(example) = documented.and_then(|r| r.example.as_ref()).filter(|_| status != 204)
            && &body != example
        {
            failures.push(format!("{}: answered {body}, documented {example}", page.id));
        }
    }
    assert_eq!(count, 73);
    assert_eq!(mock.received().len(), 73);
    assert!(mock.received().iter().all(|r| r.operation.is_some()));
    assert!(failures.is_empty(), "{} examples refused:\n{}", failures.len(), failures.join("\n"));
}

async fn call(mock: &MockServer, method: &str, path: &str, body: Option<&str>, token: bool) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", mock.base_url()));
    if token {
        request = request.header("Authorization", "test-token");
    }
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null))
}

fn problems(body: &Value) -> Vec<String> {
    body["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_kind_of_violation_is_answered_with_what_is_wrong() {
    let mock = MockServer::start().await;

    let (status, body) = call(&mock, "POST", "/whatsapp/send-text", Some(r#"{"phone": "5511"}"#), true).await;
    assert_eq!(status, 400);
    assert_eq!(body["operation"], "send-text");
    assert_eq!(problems(&body), ["missing required attribute `message` (body)"]);

    // Every problem at once: a wrong type, an undocumented attribute, a missing one.
    let (status, body) =
        call(&mock, "POST", "/whatsapp/send-text", Some(r#"{"phone": 5511, "mesage": "hi"}"#), true).await;
    assert_eq!(status, 400);
    assert_eq!(
        problems(&body),
        [
            "attribute `phone` must be a string, got the number 5511",
            "missing required attribute `message` (body)",
            "unknown attribute `mesage` (body): the docs do not list it",
        ]
    );

    let (status, body) = call(&mock, "POST", "/whatsapp/send-text", Some(r#"{"phone": "5511", "#), true).await;
    assert_eq!(status, 400);
    assert!(problems(&body)[0].starts_with("the body is not well-formed JSON"), "{body}");
    let (_, body) = call(&mock, "POST", "/whatsapp/send-text", Some("[1]"), true).await;
    assert_eq!(problems(&body), ["the body must be a JSON object, got an array"]);

    // Allowed values, in the body and in the query; types of query values.
    let (status, body) =
        call(&mock, "POST", "/whatsapp/modify-chat", Some(r#"{"phone": "5511999999999", "action": "shelve"}"#), true)
            .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        problems(&body),
        [
            "attribute `action` is `shelve`, allowed on this route: `archive`, `unarchive` (archive-chat); `delete` (delete-chat); `pin`, `unpin` (pin-chat)"
        ]
    );
    assert_eq!(body["operations"], json!(["archive-chat", "delete-chat", "pin-chat"]));
    let (status, body) = call(&mock, "GET", "/whatsapp/chats?page=one&pageSize=10&x=1", None, true).await;
    assert_eq!(status, 400);
    assert_eq!(
        problems(&body),
        [
            "attribute `page` must be an integer, got the string \"one\"",
            "unknown attribute `x` (query): the docs do not list it"
        ]
    );
    let (_, body) = call(&mock, "GET", "/whatsapp/chats?page=1", None, true).await;
    assert_eq!(problems(&body), ["missing required attribute `pageSize` (query)"]);

    // No token, unknown route, wrong method.
    let (status, body) = call(&mock, "GET", "/whatsapp/chats?page=1&pageSize=10", None, false).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["error"].as_str().unwrap().contains("Authorization"));
    let (status, body) = call(&mock, "POST", "/whatsapp/send-txt", Some("{}"), true).await;
    assert_eq!(status, 404);
    assert_eq!(body["nearest"][0], "POST /whatsapp/send-text", "{body}");
    let (status, body) = call(&mock, "GET", "/whatsapp/send-text", None, true).await;
    assert_eq!(status, 405, "{body}");
    assert!(body["error"].as_str().unwrap().contains("POST"));

    let statuses: Vec<u16> = mock.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [400, 400, 400, 400, 400, 400, 400, 401, 404, 405]);
    assert_eq!(mock.received()[8].operation, None);
}

#[tokio::test]
async fn overrides_change_the_answer_and_requests_are_recorded() {
    let mock = MockServer::start().await;
    let send = r#"{"phone": "5511999999999", "message": "Olá"}"#;
    mock.on("send-text").fail_times(2, 503);
    assert_eq!(call(&mock, "POST", "/whatsapp/send-text", Some(send), true).await.0, 503);
    assert_eq!(call(&mock, "POST", "/whatsapp/send-text", Some(send), true).await.0, 503);
    let (status, body) = call(&mock, "POST", "/whatsapp/send-text", Some(send), true).await;
    assert_eq!(status, 200);
    assert!(body.get("zaapId").is_some(), "the documented example: {body}");

    mock.on("send-text").respond(201, json!({"zaapId": "custom"})).delay(Duration::from_millis(150));
    let started = Instant::now();
    let (status, body) = call(&mock, "POST", "/whatsapp/send-text", Some(send), true).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!((status, body), (201, json!({"zaapId": "custom"})));
    // An invalid request is still refused, whatever the override.
    assert_eq!(call(&mock, "POST", "/whatsapp/send-text", Some("{}"), true).await.0, 400);

    let received = mock.received_for("send-text");
    assert_eq!(received.len(), 5);
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/api/whatsapp/send-text");
    assert_eq!(received[0].header("authorization"), Some("test-token"));
    assert_eq!(received[0].body, Some(json!({"phone": "5511999999999", "message": "Olá"})));
    mock.reset();
    assert!(mock.received().is_empty());
    assert_eq!(call(&mock, "POST", "/whatsapp/send-text", Some(send), true).await.0, 200);
}

/// A placeholder spelled otherwise than the attribute filling it (`{{ph-one}}`, `phone`) is
/// matched as the generated client matches it: letters and digits. And path literals, which
/// pages spell in either case, match ignoring it.
#[tokio::test]
async fn path_values_reach_the_attribute_whose_letters_and_digits_name_the_placeholder() {
    let mut spec = plugchat_mock::bundled_spec();
    let operation = spec
        .pages
        .iter_mut()
        .filter_map(|page| page.operation.as_mut())
        .find(|o| o.path == "/whatsapp/chats/{phone}" && o.method == plugchat_model::Method::Get)
        .expect("docs-spec documents GET /whatsapp/chats/{phone}");
    operation.path = "/whatsapp/chats/{{ph-one}}".to_owned();
    let mock = MockServer::start_with(&spec, &plugchat_codegen::api_surface(&spec), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (status, body) = call(&mock, "GET", "/whatsapp/chats/5511999999999", None, true).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&mock, "GET", "/WhatsApp/Chats/5511999999999", None, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(mock.received().iter().filter(|r| r.operation.as_deref() == Some("get-chat-metadata")).count(), 2);
}

#[tokio::test]
#[should_panic(expected = "no operation has the id `send-txt`; nearest: send-text")]
async fn an_override_of_an_unknown_operation_names_the_nearest_ids() {
    let mock = MockServer::start().await;
    mock.on("send-txt");
}

#[tokio::test]
async fn webhooks_post_documented_and_custom_events_to_a_receiver() {
    let mock = MockServer::start().await;
    let (url, mut rx) = receiver(axum::http::StatusCode::OK).await;

    let events = mock.documented_events();
    assert!(events.len() >= 8, "{events:?}");
    let first = &events[0];
    assert_eq!(mock.send_webhook(&url, &first.id).await.unwrap(), 200);
    assert_eq!(rx.recv().await.unwrap(), first.payload);
    assert_eq!(plugchat_mock::webhooks::post_webhook(&url, &json!({"type": "Custom"})).await.unwrap(), 200);
    assert_eq!(rx.recv().await.unwrap(), json!({"type": "Custom"}));
    assert!(mock.send_webhook(&url, "no-such-event").await.is_err());
}

#[tokio::test]
async fn the_binary_serves_the_same_mock() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugchat-mock"))
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let base_url = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    assert!(base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/api"), "{base_url}");
    let response = reqwest::Client::new()
        .get(format!("{base_url}/whatsapp/chats?page=1&pageSize=2"))
        .header("Authorization", "t")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = reqwest::Client::new().get(format!("{base_url}/whatsapp/chats")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    child.kill().await.unwrap();
}

/// A page whose lists of a sub-table are spelled four ways (`array of Button`, `lista de
/// Button`, `array de Button`, `button[]`): each is a list of the generated struct, so the mock
/// checks every element's members, as the client would build them.
const BUTTONS_PAGE: &str = include_str!("../../../../tests/fixtures/sub-table-lists.md");

#[tokio::test]
async fn lists_of_a_sub_table_are_checked_member_by_member_however_they_are_spelled() {
    let (page, diagnostics) = plugchat_spec::parse_page(
        "buttons/send-buttons.md",
        BUTTONS_PAGE,
        &plugchat_spec::ParseOptions { base_url: Some("https://api.example.com/api".into()) },
    );
    assert!(diagnostics.iter().all(|d| d.severity != plugchat_spec::Severity::Error), "{diagnostics:?}");
    let spec = plugchat_model::Spec {
        format_version: plugchat_model::SPEC_FORMAT_VERSION,
        base_url: Some("https://api.example.com/api".into()),
        pages: vec![page],
    };
    let mock = MockServer::start_with(&spec, &plugchat_codegen::api_surface(&spec), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let good = r#"{"a": [{"label": "1", "kind": "x"}], "b": [{"label": "2", "kind": "y"}], "c": [], "d": [{"label": "3", "kind": "x"}]}"#;
    let (status, body) = call(&mock, "POST", "/send-buttons", Some(good), true).await;
    assert_eq!(status, 200, "{body}");
    let bad = r#"{"a": [{"kind": "z"}], "b": [{"label": 2, "kind": "x"}], "c": [{"label": "3", "kind": "x", "extra": 1}], "d": {"label": "4"}}"#;
    let (status, body) = call(&mock, "POST", "/send-buttons", Some(bad), true).await;
    assert_eq!(status, 400);
    assert_eq!(
        problems(&body),
        [
            "missing required attribute `a[0].label`",
            "attribute `a[0].kind` is `z`, allowed: `x`, `y`",
            "attribute `b[0].label` must be a string, got the number 2",
            "unknown attribute `c[0].extra`: the docs do not list it",
            "attribute `d` must be an array, got an object",
        ]
    );
}

/// The surface the mock and the CLI read from plugchat-api is the generator's reading of the
/// bundled spec (written in the same expansion as the code).
#[test]
fn the_bundled_surface_is_the_generators_reading_of_the_bundled_spec() {
    let spec = plugchat_mock::bundled_spec();
    assert_eq!(plugchat_mock::bundled_surface(), plugchat_codegen::api_surface(&spec));
}

async fn send_text(mock: &MockServer, message: &str) -> u16 {
    let body = json!({ "phone": "5511999999999", "message": message }).to_string();
    call(mock, "POST", "/whatsapp/send-text", Some(&body), true).await.0
}

fn messages(mock: &MockServer) -> Vec<String> {
    mock.received().iter().map(|r| r.body.as_ref().unwrap()["message"].as_str().unwrap().to_owned()).collect()
}

async fn start_limited(limits: plugchat_mock::Limits) -> MockServer {
    let spec = plugchat_mock::bundled_spec();
    let surface = plugchat_mock::bundled_surface();
    MockServer::start_with_limits(&spec, &surface, "127.0.0.1:0".parse().unwrap(), limits).await.unwrap()
}

#[tokio::test]
async fn the_journal_keeps_the_latest_requests_by_count() {
    let mock = start_limited(plugchat_mock::Limits::default().journal(3, usize::MAX)).await;
    for i in 0..5 {
        assert_eq!(send_text(&mock, &format!("m{i}")).await, 200);
    }
    assert_eq!(messages(&mock), ["m2", "m3", "m4"]);
    assert_eq!(mock.dropped(), 2);
    mock.clear_received();
    assert!(mock.received().is_empty());
    assert_eq!(send_text(&mock, "after").await, 200);
    assert_eq!(messages(&mock), ["after"]);
}

#[tokio::test]
async fn the_journal_keeps_the_latest_requests_by_bytes() {
    // Each request costs its 10,000-byte message and less than 2,000 bytes of the rest: two
    // fit in 25,000 bytes, three do not.
    let mock = start_limited(plugchat_mock::Limits::default().journal(1000, 25_000)).await;
    for i in 0..4 {
        assert_eq!(send_text(&mock, &format!("{i}{}", "x".repeat(9_999))).await, 200);
    }
    let kept: Vec<String> = messages(&mock).iter().map(|m| m[..1].to_owned()).collect();
    assert_eq!(kept, ["2", "3"]);
    assert_eq!(mock.dropped(), 2);
    // A request larger than the whole bound is not kept, and takes the others with it.
    assert_eq!(send_text(&mock, &"y".repeat(30_000)).await, 200);
    assert!(mock.received().is_empty());
}

/// A client that sends half a request line and stops is disconnected after the header timeout;
/// meanwhile (and after) real requests are answered.
#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = plugchat_mock::Limits::default().header_timeout(Duration::from_millis(300));
    let mock = start_limited(limits).await;
    let mut stalled = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    stalled.write_all(b"GET /api/whatsapp/chats?page=1 HT").await.unwrap();
    assert_eq!(call(&mock, "GET", "/whatsapp/chats?page=1&pageSize=2", None, true).await.0, 200);
    // The outer timeout keeps a broken server from hanging the test; it is below hyper's own
    // default (30 s), so the configured timeout is what closes the connection.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stalled.read_to_end(&mut rest)).await;
    let read = read.expect("the stalled connection is still open after 20 s");
    // Closed: at the end of the stream (or reset), with no answer to the half request but a 408 at most.
    assert!(
        read.is_err() || rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    assert_eq!(call(&mock, "GET", "/whatsapp/chats?page=1&pageSize=2", None, true).await.0, 200);
}

/// With one connection allowed, a second client is served once the first has gone: the limit
/// queues connections instead of refusing or dropping them.
#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_free_one() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = plugchat_mock::Limits::default().max_connections(1).header_timeout(Duration::from_secs(600));
    let mock = start_limited(limits).await;
    let mut first = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    let request = b"GET /api/whatsapp/chats?page=1&pageSize=2 HTTP/1.1\r\nhost: x\r\nauthorization: t\r\n\r\n";
    first.write_all(request).await.unwrap();
    let mut answer = [0u8; 12];
    first.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    // `first` is kept alive and holds the only slot: `second` is not answered until it closes.
    let mut second = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    second.write_all(request).await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(500), second.read(&mut answer)).await;
    assert!(waiting.is_err(), "a second connection was served while the only slot was taken");
    drop(first);
    let served = tokio::time::timeout(Duration::from_secs(60), second.read_exact(&mut answer)).await;
    served.expect("the waiting connection is served once the slot is free").unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    assert_eq!(mock.received().len(), 2);
}

#[tokio::test]
async fn a_body_over_the_limit_is_answered_413_and_a_stalled_body_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = plugchat_mock::Limits::default().max_body_bytes(1000).idle_timeout(Duration::from_millis(300));
    let mock = start_limited(limits).await;
    assert_eq!(send_text(&mock, &"z".repeat(2000)).await, 413);
    let mut stalled = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    let head = "POST /api/whatsapp/send-text HTTP/1.1\r\nhost: x\r\nauthorization: t\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"phone\"";
    stalled.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(60), stalled.read_to_end(&mut answer)).await;
    read.expect("the stalled body is still waited for after 60 s").unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 408"), "{}", String::from_utf8_lossy(&answer));
    let statuses: Vec<u16> = mock.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [413, 408]);
}

#[tokio::test]
async fn the_binary_refuses_a_non_loopback_host_without_allow_remote() {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugchat-mock"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the mock started on 0.0.0.0 instead of refusing")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("0.0.0.0") && stderr.contains("--allow-remote"), "{stderr}");
    assert!(output.stdout.is_empty(), "a base URL was printed: {}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn the_binarys_help_documents_the_limits() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_plugchat-mock")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--journal-requests",
        "--journal-bytes",
        "--header-timeout",
        "--idle-timeout",
        "--max-connections",
        "--allow-remote",
        "--token",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(help.contains("oldest dropped first"), "{help}");
}

/// GET `path` with a token; the status and the JSON answer.
async fn get(base_url: &str, path: &str) -> (u16, Value) {
    let response =
        reqwest::Client::new().get(format!("{base_url}{path}")).header("Authorization", "t").send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// The pages of `GET {path}&page=N&pageSize={size}` from page 1 until an empty one.
async fn all_pages(base_url: &str, path: &str, size: usize) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    for page in 1.. {
        let (status, body) = get(base_url, &format!("{path}page={page}&pageSize={size}")).await;
        assert_eq!(status, 200, "page {page}: {body}");
        let items = body.as_array().unwrap_or_else(|| panic!("page {page} is not a list: {body}")).clone();
        if items.is_empty() {
            return pages;
        }
        assert!(page <= 100, "page {page} is still not empty: the list has no end");
        pages.push(items);
    }
    unreachable!()
}

/// `page`/`pageSize` slice the documented items, and the list ends: a client that loops until
/// an empty page stops. Page numbers start at 1.
#[tokio::test]
async fn a_paginated_list_is_sliced_by_page_and_size_and_ends() {
    let mock = MockServer::start().await;
    let spec = plugchat_mock::bundled_spec();
    let documented = spec.operations().find(|(page, _)| page.id == "get-chats").unwrap().1;
    let documented = documented.success_response().unwrap().example.clone().unwrap();
    let documented = documented.as_array().unwrap();
    assert!(documented.len() >= 2, "{documented:?}");

    let pages = all_pages(&mock.base_url(), "/whatsapp/chats?", 1).await;
    assert_eq!(pages.len(), documented.len());
    assert_eq!(pages.concat(), *documented);
    let pages = all_pages(&mock.base_url(), "/whatsapp/chats?", 100).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0], *documented);
    assert_eq!(get(&mock.base_url(), "/whatsapp/chats?page=99&pageSize=1").await, (200, json!([])));
    let huge = format!("/whatsapp/chats?page={}&pageSize={}", i64::MAX, i64::MAX);
    assert_eq!(get(&mock.base_url(), &huge).await, (200, json!([])));

    let (status, body) = get(&mock.base_url(), "/whatsapp/chats?page=0&pageSize=0").await;
    assert_eq!(status, 400);
    assert_eq!(
        problems(&body),
        ["attribute `page` must be 1 or more, got 0", "attribute `pageSize` must be 1 or more, got 0"]
    );

    // A list set as the answer is the whole list, sliced the same way.
    let chats: Vec<Value> =
        (0..5).map(|i| json!({ "phone": format!("55119{i}"), "name": format!("chat {i}") })).collect();
    mock.on("get-chats").respond(200, Value::Array(chats.clone()));
    let pages = all_pages(&mock.base_url(), "/whatsapp/chats?", 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(pages.concat(), chats);
}

/// The typed client's page stream reads a set list to its end, each item once.
#[tokio::test]
async fn the_clients_page_stream_reads_the_list_to_its_end() {
    use futures_util::StreamExt;
    let mock = MockServer::start().await;
    let chats: Vec<Value> = (0..7).map(|i| json!({ "phone": format!("55119{i}") })).collect();
    mock.on("get-chats").respond(200, Value::Array(chats));
    let client = plugchat_api::Client::builder().token("t").base_url(mock.base_url()).build().unwrap();
    let items: Vec<_> = client.get_chats_stream(3).into_stream().collect().await;
    let phones: Vec<String> = items.into_iter().map(|item| item.unwrap().phone.unwrap()).collect();
    assert_eq!(phones, ["551190", "551191", "551192", "551193", "551194", "551195", "551196"]);
    let received = mock.received_for("get-chats");
    let asked: Vec<&str> = received.iter().map(|r| r.query_value("page").unwrap()).collect();
    assert_eq!(asked, ["1", "2", "3", "4"], "three pages, then the empty one that ends the list");
}

/// With a token required, only that exact `Authorization` passes; `Bearer <token>` (a
/// generator's default) is refused saying the prefix is the difference.
#[tokio::test]
async fn a_required_token_is_checked_exactly_and_a_bearer_prefix_is_explained() {
    let mock = MockServer::start().await;
    let url = format!("{}/whatsapp/chats?page=1&pageSize=1", mock.base_url());
    let send = |authorization: &'static str| {
        let url = url.clone();
        async move {
            let response = reqwest::Client::new().get(url).header("Authorization", authorization).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(send("Bearer anything").await.0, 200, "without a required token any value passes");
    mock.require_token(Some("s3cret"));
    assert_eq!(send("s3cret").await.0, 200);
    let (status, body) = send("Bearer s3cret").await;
    assert_eq!(status, 401);
    assert_eq!(body["operation"], "get-chats");
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("without the `Bearer ` prefix"), "{error}");
    assert!(!error.contains("s3cret"), "the token is not echoed: {error}");
    let (status, body) = send("other").await;
    assert_eq!(status, 401);
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("not the token the mock was given") && !error.contains("Bearer"), "{error}");
    mock.reset();
    assert_eq!(send("other").await.0, 401, "reset keeps the token");
    mock.require_token(None);
    assert_eq!(send("other").await.0, 200);
}

/// The binary on a free port with `args`; its base URL (`http://127.0.0.1:PORT/api`).
async fn start_binary(args: &[&str]) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugchat-mock"))
        .args(["--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let base_url = tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await.unwrap().unwrap().unwrap();
    (child, base_url)
}

/// An admin call: method, URL, optional JSON body; the status and the JSON answer.
async fn admin(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// A receiver of webhooks on 127.0.0.1 answering `status`: its URL and the payloads it got.
async fn receiver(status: axum::http::StatusCode) -> (String, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(payload): axum::Json<Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(payload);
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

/// What a test in another language does: start the binary, set answers and failures over
/// HTTP, page through a set list to its end, read the journal, reset, send a webhook.
#[tokio::test]
async fn the_admin_api_drives_the_binary_over_http() {
    let (_child, base_url) = start_binary(&["--token", "tok"]).await;
    let root = base_url.strip_suffix("/api").unwrap();
    let admin_url = |path: &str| format!("{root}/__admin{path}");
    let http = reqwest::Client::new();
    let call = |method: &str, path: &str, body: Option<Value>| {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = http.request(method, format!("{base_url}{path}")).header("Authorization", "tok");
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    // `--token`: the exact token only.
    let bearer = http.get(format!("{base_url}/whatsapp/chats?page=1&pageSize=1")).header("Authorization", "Bearer tok");
    let response = bearer.send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("`Bearer ` prefix"));

    let (status, body) = admin("GET", &admin_url("/operations"), None).await;
    assert_eq!(status, 200, "{body}");
    let operations = body["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 73);
    let get_chats = operations.iter().find(|o| o["id"] == "get-chats").unwrap();
    assert_eq!(get_chats["paginated"], true);
    assert_eq!(get_chats["path"], "/whatsapp/chats");

    // A list of five chats, read two at a time until an empty page.
    let chats: Vec<Value> = (0..5).map(|i| json!({ "phone": format!("55119{i}") })).collect();
    let put = json!({ "respond": { "status": 200, "body": chats } });
    let (status, body) = admin("PUT", &admin_url("/operations/get-chats"), Some(put)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["respond"]["status"], 200);
    let mut read = Vec::new();
    for page in 1.. {
        assert!(page <= 10, "the list never ended");
        let (status, items) = call("GET", &format!("/whatsapp/chats?page={page}&pageSize=2"), None).await;
        assert_eq!(status, 200, "{items}");
        let items = items.as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        read.push(items.len());
    }
    assert_eq!(read, [2, 2, 1]);

    // Two failures, then the documented answer; a delay is accepted and reported.
    let fail = json!({ "fail": { "times": 2, "status": 429 }, "delay_ms": 20 });
    let (status, body) = admin("PUT", &admin_url("/operations/send-text"), Some(fail)).await;
    assert_eq!((status, &body["fail"], &body["delay_ms"]), (200, &json!({ "times": 2, "status": 429 }), &json!(20)));
    let message = json!({ "phone": "5511999999999", "message": "Olá" });
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(call("POST", "/whatsapp/send-text", Some(message.clone())).await.0);
    }
    assert_eq!(statuses, [429, 429, 200]);

    let (status, journal) = admin("GET", &admin_url("/requests?operation=send-text"), None).await;
    assert_eq!(status, 200, "{journal}");
    let requests = journal["requests"].as_array().unwrap();
    let statuses: Vec<&Value> = requests.iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [429, 429, 200]);
    assert_eq!(requests[2]["method"], "POST");
    assert_eq!(requests[2]["path"], "/api/whatsapp/send-text");
    assert_eq!(requests[2]["body"], message);
    assert!(requests[2]["headers"].as_array().unwrap().contains(&json!(["authorization", "tok"])), "{journal}");
    let (_, all) = admin("GET", &admin_url("/requests"), None).await;
    assert_eq!(
        all["requests"].as_array().unwrap().len(),
        8,
        "the refused Bearer call, 4 pages, 3 sends; admin calls are not journaled"
    );
    assert_eq!(all["requests"][0]["status"], 401);
    assert_eq!(all["requests"][1]["query"], json!([["page", "1"], ["pageSize", "2"]]));

    // Back to the documented answer, then everything forgotten.
    assert_eq!(admin("DELETE", &admin_url("/operations/get-chats"), None).await.0, 200);
    let (_, page) = call("GET", "/whatsapp/chats?page=1&pageSize=100", None).await;
    assert_ne!(page.as_array().unwrap().len(), 5, "{page}");
    assert_eq!(admin("POST", &admin_url("/reset"), None).await.0, 200);
    assert_eq!(admin("GET", &admin_url("/requests"), None).await.1["requests"], json!([]));
    assert_eq!(call("POST", "/whatsapp/send-text", Some(message)).await.0, 200, "reset removed the failures");
    assert_eq!(admin("DELETE", &admin_url("/requests"), None).await.0, 200);
    assert_eq!(admin("GET", &admin_url("/requests"), None).await.1["requests"], json!([]));

    // A documented event, and any payload, POSTed to a receiver.
    let (hook, mut payloads) = receiver(axum::http::StatusCode::ACCEPTED).await;
    let (_, events) = admin("GET", &admin_url("/events"), None).await;
    let event = &events["events"][0];
    let send = json!({ "url": hook, "event": event["id"] });
    assert_eq!(admin("POST", &admin_url("/webhooks"), Some(send)).await, (200, json!({ "status": 202 })));
    assert_eq!(payloads.recv().await.unwrap(), event["payload"]);
    let send = json!({ "url": hook, "payload": { "type": "Custom" } });
    assert_eq!(admin("POST", &admin_url("/webhooks"), Some(send)).await.1, json!({ "status": 202 }));
    assert_eq!(payloads.recv().await.unwrap(), json!({ "type": "Custom" }));
}

/// Bad admin calls are answered with what is wrong, never a panic or a silent success.
#[tokio::test]
async fn bad_admin_calls_are_answered_with_what_is_wrong() {
    let mock = MockServer::start().await;
    let admin_url = |path: &str| format!("http://{}/__admin{path}", mock.addr());
    let error = |body: &Value| body["error"].as_str().unwrap_or_default().to_owned();

    let (status, body) = admin("PUT", &admin_url("/operations/send-txt"), Some(json!({ "delay_ms": 1 }))).await;
    assert_eq!(status, 404);
    assert!(error(&body).contains("no operation has the id `send-txt`; nearest: send-text"), "{body}");
    let (status, body) = admin("PUT", &admin_url("/operations/send-text"), Some(json!({ "delay": 1 }))).await;
    assert_eq!(status, 400);
    assert!(error(&body).contains("unknown field `delay`"), "{body}");
    let bad_status = json!({ "respond": { "status": 42, "body": {} } });
    let (status, body) = admin("PUT", &admin_url("/operations/send-text"), Some(bad_status)).await;
    assert_eq!(status, 400);
    assert!(error(&body).contains("`42` is not an HTTP status"), "{body}");
    let (status, body) = admin("GET", &admin_url("/journal"), None).await;
    assert_eq!(status, 404);
    assert!(error(&body).contains("/__admin/requests"), "{body}");
    assert_eq!(admin("POST", &admin_url("/operations"), None).await.0, 405);

    let (status, body) =
        admin("POST", &admin_url("/webhooks"), Some(json!({ "url": "http://x", "event": "nope" }))).await;
    assert_eq!(status, 404);
    assert!(error(&body).contains("message-received"), "the documented events are listed: {body}");
    let (status, body) = admin("POST", &admin_url("/webhooks"), Some(json!({ "url": "http://x" }))).await;
    assert_eq!(status, 400);
    assert!(error(&body).contains("give `event`"), "{body}");
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let send = json!({ "url": format!("http://{closed}/hook"), "payload": {} });
    let (status, body) = admin("POST", &admin_url("/webhooks"), Some(send)).await;
    assert_eq!(status, 502);
    assert!(error(&body).to_lowercase().contains("connection refused"), "{body}");

    // None of it changed the mock or reached the journal.
    assert_eq!(send_text(&mock, "oi").await, 200);
    assert_eq!(mock.received().len(), 1);
}
