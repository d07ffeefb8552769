//! The `plugchat` binary end to end, against servers on 127.0.0.1: every docs-spec operation
//! through its flags (each page's request example), errors and their exit codes, `--dry-run`,
//! `--all`, the token's sources, `list`, `describe`, `--help` and completions.

use std::path::Path;
use std::process::{Command, Output};

use futures_util::StreamExt;
use plugchat_spec::{Operation, RequestExample};
use plugchat_tests::examples::{fill_template, percent_decode, without_nulls};
use plugchat_tests::{RecordingServer, Reply};
use serde_json::{Map, Value, json};

fn plugchat(base_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plugchat"))
        .args(args)
        .env("PLUGCHAT_TOKEN", "my-token")
        .env("PLUGCHAT_BASE_URL", base_url)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The attributes a page's request example spells, with the required attributes and headers
/// it leaves out filled in.
fn example_args(operation: &Operation) -> Map<String, Value> {
    let (mut args, _) = plugchat_tests::examples::example_args(operation);
    plugchat_tests::examples::complete(&mut args, operation);
    args
}

/// The flags spelling `args`, by the generator's setter names; a fixed value is not a flag.
fn flags(surface: &plugchat_codegen::OperationSurface, args: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in args {
        let Some(param) = surface.params.iter().find(|p| &p.wire_name == name) else { continue };
        let Some(setter) = &param.setter else { continue };
        let flag = format!("--{}", setter.trim_start_matches("r#").replace('_', "-"));
        match value {
            Value::Null => {}
            Value::Array(items)
                if param.ty
                    == plugchat_codegen::TypeSurface::List {
                        element: Box::new(plugchat_codegen::TypeSurface::String),
                    } =>
            {
                for item in items {
                    out.push(flag.clone());
                    out.push(item.as_str().map_or_else(|| item.to_string(), str::to_owned));
                }
            }
            Value::String(s) => {
                out.push(flag);
                out.push(s.clone());
            }
            other => {
                out.push(flag);
                out.push(other.to_string());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_reachable_from_its_flags() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    let surface = plugchat_codegen::api_surface(&spec);
    // One server and one run of the binary per operation, four at a time: the runs are
    // independent, and one after another they were the CLI suite's longest test.
    let checks = spec.operations().map(|(page, operation)| {
        let op_surface = surface.operations.iter().find(|o| o.id == page.id).unwrap();
        async move { reach(&page.id, operation, op_surface).await.map_err(|why| format!("{}: {why}", page.id)) }
    });
    let results: Vec<Result<(), String>> = futures_util::stream::iter(checks).buffer_unordered(4).collect().await;
    assert_eq!(results.len(), 73);
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{} operations failed:\n{}", failures.len(), failures.join("\n"));
}

/// Calls `operation` through its flags (its request example's values) against a server answering
/// its documented success; `Err` says what the server saw or the binary printed that is wrong.
async fn reach(id: &str, operation: &Operation, op_surface: &plugchat_codegen::OperationSurface) -> Result<(), String> {
    let success = operation.responses.iter().find(|r| (200..300).contains(&r.status));
    let reply = success.and_then(|r| r.example.clone()).unwrap_or(Value::Null);
    let server = RecordingServer::start([Reply {
        status: axum::http::StatusCode::from_u16(success.map_or(200, |r| r.status)).unwrap(),
        body: if reply.is_null() { String::new() } else { reply.to_string() },
    }])
    .await;
    let args = example_args(operation);
    let mut argv = vec![id.to_owned()];
    argv.extend(flags(op_surface, &args));
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        plugchat(&base, &argv)
    })
    .await
    .unwrap();
    if !output.status.success() {
        return Err(format!("exit {:?}: {}", output.status.code(), text(&output.stderr)));
    }
    let printed: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("stdout is not JSON ({e})"))?;
    let requests = server.requests();
    let request = requests.first().ok_or("no request reached the server")?;
    if request.method.as_str() != operation.method.as_str() {
        return Err(format!("method {}", request.method));
    }
    let expected_path = format!("/api{}", fill_template(&operation.path, &args));
    if percent_decode(&request.path) != expected_path {
        return Err(format!("path {} on the wire, {expected_path} expected", request.path));
    }
    if request.headers.get("authorization").is_none_or(|v| v != "my-token") {
        return Err("no Authorization header".into());
    }
    if let Some(RequestExample::Json { body, .. }) = &operation.request_example
        && request.body.clone().unwrap_or(Value::Null) != without_nulls(body)
    {
        return Err(format!("body {:?} on the wire, {body} in the example", request.body));
    }
    // A 204 carries no body: `null` is the answer then.
    if !reply.is_null() && printed.is_null() && success.is_some_and(|r| r.status != 204) {
        return Err("the answer was not printed".into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_error_has_its_exit_code_and_message() {
    // API status: 404 with the server's text on stderr.
    let server = RecordingServer::start([Reply::status(404, r#"{"error":"instance not found"}"#)]).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || plugchat(&base, &["send-text", "--phone", "1", "--message", "x"]))
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("404") && text(&output.stderr).contains("instance not found"));
    assert!(output.stdout.is_empty());

    // Decode: a structure where the answer has a string.
    let server = RecordingServer::start([Reply::json(json!({ "zaapId": { "not": "a string" } }))]).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || plugchat(&base, &["send-text", "--phone", "1", "--message", "x"]))
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("zaapId"), "{}", text(&output.stderr));

    // Connect: nothing listens.
    let refused = plugchat_tests::FaultServer::refused_base_url().await;
    let output =
        tokio::task::spawn_blocking(move || plugchat(&refused, &["get-chats", "--page", "1", "--page-size", "2"]))
            .await
            .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));

    // Config: no token, a token file that is missing, a base URL that is not one.
    let output = Command::new(env!("CARGO_BIN_EXE_plugchat"))
        .args(["send-text", "--phone", "1", "--message", "x"])
        .env_remove("PLUGCHAT_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(text(&output.stderr).contains("PLUGCHAT_TOKEN"));
    let output = plugchat(
        "http://127.0.0.1:1/api",
        &["--token-file", "/nonexistent/token", "get-chats", "--page", "1", "--page-size", "2"],
    );
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let output = plugchat("not a url", &["get-chats", "--page", "1", "--page-size", "2"]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));

    // Usage: a missing required flag, a value outside the documented ones, a `--token` flag.
    let output = plugchat("http://127.0.0.1:1/api", &["send-text", "--phone", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--message"));
    let output = plugchat("http://127.0.0.1:1/api", &["archive-chat", "--phone", "1", "--action", "explode"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("archive"), "{}", text(&output.stderr));
    let output = plugchat("http://127.0.0.1:1/api", &["--token", "secret", "list"]);
    assert_eq!(output.status.code(), Some(2), "a --token flag would show the token in ps");

    // Invalid request: a path value that would change the endpoint.
    let output = plugchat("http://127.0.0.1:1/api", &["get-product", "--product-id", ".."]);
    assert_eq!(output.status.code(), Some(7), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("productId"), "{}", text(&output.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_request_and_sends_nothing() {
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || {
        plugchat(&base, &["--dry-run", "send-text", "--phone", "5511999999999", "--message", "Olá"])
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["method"], "POST");
    assert_eq!(printed["url"], format!("{}/whatsapp/send-text", server.base_url()));
    assert_eq!(printed["headers"]["authorization"], "[redacted]");
    assert_eq!(printed["body"], json!({ "phone": "5511999999999", "message": "Olá" }));
    assert!(!text(&output.stdout).contains("my-token"));
    assert!(server.requests().is_empty(), "a dry run reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_streams_every_page_as_json_lines() {
    let page = |ids: &[&str]| Reply::json(Value::Array(ids.iter().map(|id| json!({ "phone": id })).collect()));
    let server = RecordingServer::start([page(&["1", "2"]), page(&["3", "4"]), page(&["5"]), page(&[])]).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || plugchat(&base, &["get-chats", "--all", "--page-size", "2"]))
        .await
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines: Vec<Value> = text(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let phones: Vec<&str> = lines.iter().map(|l| l["phone"].as_str().unwrap()).collect();
    assert_eq!(phones, ["1", "2", "3", "4", "5"]);
    let queries: Vec<String> = server.requests().iter().map(|r| r.query.clone().unwrap_or_default()).collect();
    assert_eq!(queries, ["page=1&pageSize=2", "page=2&pageSize=2", "page=3&pageSize=2", "page=4&pageSize=2"]);
}

/// A server that caps the page size (asked for 3, sends 2) and records that differ only in keys
/// the docs do not list: `--all` prints all ten, as the server sent them, and stops at the
/// empty page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_prints_every_record_of_a_server_that_caps_page_sizes() {
    let contacts: Vec<Value> =
        (0..10).map(|i| json!({ "phone": "5511999999999", "name": "Ana", "crmId": i, "tags": [i] })).collect();
    let server = plugchat_tests::ListServer::start(contacts.clone(), 2).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || plugchat(&base, &["get-contacts", "--all", "--page-size", "3"]))
        .await
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines: Vec<Value> = text(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, contacts, "every record, with its undocumented keys");
    assert_eq!(server.queries().len(), 6, "five pages of two, then the empty one: {:?}", server.queries());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_file_and_body_file_are_read() {
    let dir = std::env::temp_dir().join(format!("plugchat-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (token, body) = (dir.join("token"), dir.join("body.json"));
    std::fs::write(&token, "file-token\n").unwrap();
    std::fs::write(&body, r#"{"phone": "5511", "message": "from the file"}"#).unwrap();
    let server = RecordingServer::start([Reply::json(json!({ "zaapId": "z", "messageId": "m", "id": "m" }))]).await;
    let base = server.base_url();
    let (token_arg, body_arg) = (token.display().to_string(), body.display().to_string());
    let output = tokio::task::spawn_blocking(move || {
        plugchat(&base, &["--token-file", &token_arg, "send-text", "--body-file", &body_arg, "--message", "flag wins"])
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["zaapId"], "z");
    let request = &server.requests()[0];
    assert_eq!(request.headers["authorization"], "file-token");
    assert_eq!(request.body, Some(json!({ "phone": "5511", "message": "flag wins" })));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn help_list_describe_and_completions_come_from_the_docs() {
    let output = plugchat("", &["--help"]);
    let help = text(&output.stdout);
    assert!(output.status.success());
    let (chats, message) = (help.find("\nchats:").unwrap(), help.find("\nmessage:").unwrap());
    let send_text = help.find("  send-text ").unwrap();
    assert!(chats < message && message < send_text, "operations are grouped by section:\n{help}");

    let output = plugchat("", &["list"]);
    assert_eq!(text(&output.stdout).lines().count(), 73);
    assert!(text(&output.stdout).contains("POST   /whatsapp/send-text"));

    let output = plugchat("", &["describe", "send-text"]);
    let described = text(&output.stdout);
    assert!(output.status.success());
    assert!(described.contains("--phone (phone, body, required, string)"), "{described}");
    assert!(described.contains("zaapId"), "{described}");

    for shell in ["bash", "zsh", "fish"] {
        let output = plugchat("", &["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = text(&output.stdout);
        assert!(script.contains("send-text") && script.contains("button-list"), "{shell}");
    }
}

/// The mock answers `get-chat-messages` with its documented example: messages of different
/// kinds, each with its own object. Every one is printed, as sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_message_is_printed_as_sent() {
    let mock = plugchat_mock::MockServer::start().await;
    let base = mock.base_url();
    let args = ["get-chat-messages", "--phone", "5511999999999", "--amount", "10", "--last-message-id", "x"];
    let output = tokio::task::spawn_blocking(move || plugchat(&base, &args)).await.unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    let items = answer.as_array().expect("a list of messages");
    for kind in ["text", "image", "document", "contact"] {
        assert!(items.iter().any(|m| m[kind].is_object()), "no `{kind}` object in {answer:#}");
    }
    assert_eq!(items[1]["image"]["mimeType"], "image/jpeg", "{answer:#}");
}

/// `plugchat ARGS` run by `sh` with its address space limited to 1 GiB, so that a read without a
/// bound fails the test (out of memory) instead of taking the machine's memory.
#[cfg(unix)]
fn plugchat_in_1_gib(base_url: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_plugchat"))
        .args(args)
        .env("PLUGCHAT_TOKEN", "my-token")
        .env("PLUGCHAT_BASE_URL", base_url)
        .output()
        .expect("sh runs")
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_and_token_files_are_read_within_the_request_body_limit() {
    let server = RecordingServer::start([Reply::json(json!({}))]).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || {
        let body = plugchat_in_1_gib(&base, &["send-text", "--body-file", "/dev/zero"]);
        let token =
            plugchat_in_1_gib(&base, &["--token-file", "/dev/zero", "send-text", "--phone", "1", "--message", "x"]);
        (body, token)
    })
    .await
    .unwrap();
    let (body, token) = output;
    assert_eq!(body.status.code(), Some(2), "{}", text(&body.stderr));
    assert_eq!(text(&body.stderr), "error: /dev/zero is larger than 4 MiB, the most a request body may be\n");
    assert_eq!(token.status.code(), Some(3), "{}", text(&token.stderr));
    assert_eq!(
        text(&token.stderr),
        "error: the token file /dev/zero is larger than 4 MiB, the most a request body may be\n"
    );
    assert!(server.requests().is_empty());
}

/// A key of `--body-file` or inside a JSON flag that no attribute has is an error naming it,
/// with the nearest name; `--allow-unknown` calls without it, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_are_an_error_naming_them_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, r#"{"phone": "5511999999999", "message": "Olá", "delayMesage": 5}"#).unwrap();
    let body = body.display().to_string();
    let server = RecordingServer::start([Reply::json(json!({ "zaapId": "z", "messageId": "m" }))]).await;
    let base = server.base_url();
    let (refused, nested, allowed) = tokio::task::spawn_blocking(move || {
        let refused = plugchat(&base, &["send-text", "--body-file", &body]);
        let button_list = r#"{"buttons": [{"label": "Sim"}, {"lable": "Não"}], "titel": "x"}"#;
        let nested =
            plugchat(&base, &["send-button-list", "--phone", "1", "--message", "m", "--button-list", button_list]);
        let allowed = plugchat(&base, &["send-text", "--body-file", &body, "--allow-unknown"]);
        (refused, nested, allowed)
    })
    .await
    .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert_eq!(
        text(&refused.stderr),
        "error: keys that no attribute of send-text has (pass --allow-unknown to call it without them):\n  `delayMesage` in --body-file: did you mean `delayMessage`?\n"
    );
    assert_eq!(nested.status.code(), Some(2), "{}", text(&nested.stderr));
    let stderr = text(&nested.stderr);
    assert!(stderr.contains("`buttonList.buttons[1].lable` in --button-list: did you mean `label`?"), "{stderr}");
    assert!(stderr.contains("`buttonList.titel` in --button-list"), "{stderr}");
    assert_eq!(server.requests().len(), 1, "only the allowed call is sent");

    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stderr).contains("warning: not sent") && text(&allowed.stderr).contains("delayMesage"));
    assert_eq!(server.requests()[0].body, Some(json!({ "phone": "5511999999999", "message": "Olá" })));
}

/// Runs `plugchat ARGS` with its stdout closed before it writes: it must end quietly with status
/// 0, as ripgrep does (not a panic, exit 101, nor a "configuration" error, exit 3).
fn with_stdout_closed(base_url: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plugchat"))
        .args(args)
        .env("PLUGCHAT_TOKEN", "my-token")
        .env("PLUGCHAT_BASE_URL", base_url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("the binary ends")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly_with_status_0() {
    let page = Reply::json(json!([{ "phone": "1" }, { "phone": "2" }]));
    let server = RecordingServer::start([Reply::json(json!({ "zaapId": "z" })), page, Reply::json(json!([]))]).await;
    let base = server.base_url();
    let runs = [
        vec!["completions", "bash"],
        vec!["list"],
        vec!["describe", "send-text"],
        vec!["--help"],
        vec!["send-text", "--phone", "1", "--message", "x"],
        vec!["get-chats", "--all"],
        vec!["--dry-run", "send-text", "--phone", "1", "--message", "x"],
    ];
    for args in runs {
        let base = base.clone();
        let run = args.clone();
        let output = tokio::task::spawn_blocking(move || with_stdout_closed(&base, &run)).await.unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", text(&output.stderr));
        assert_eq!(text(&output.stderr), "", "{args:?}");
    }
    assert_eq!(server.requests().len(), 2, "the call, then the first page only");
}

/// `--dry-run` prints the URL the client sends, also under base URLs with spaces, `..` and
/// `.` segments: each is compared with the URL a server on 127.0.0.1 sees from the real call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_url_the_client_sends() {
    let server = RecordingServer::start([Reply::json(json!([]))]).await;
    let origin = server.base_url().trim_end_matches("/api").to_owned();
    for path in ["/a b", "/a b/../api", "/api/./v1/..", "/%7Euser/caf\u{e9}", "/x%2Fy"] {
        let base = format!("{origin}{path}");
        let args = ["get-chats", "--page", "1", "--page-size", "2"];
        let (dry, real) = tokio::task::spawn_blocking({
            let base = base.clone();
            move || {
                let dry = plugchat(&base, &[&["--dry-run"][..], &args].concat());
                let real = plugchat(&base, &args);
                (dry, real)
            }
        })
        .await
        .unwrap();
        assert!(dry.status.success() && real.status.success(), "{base}: {} {}", text(&dry.stderr), text(&real.stderr));
        let printed: Value = serde_json::from_slice(&dry.stdout).unwrap();
        let requests = server.requests();
        let seen = requests.last().unwrap();
        let sent = format!("{origin}{}?{}", seen.path, seen.query.as_deref().unwrap_or(""));
        assert_eq!(printed["url"], sent, "base URL `{base}`");
        assert_eq!(printed["headers"]["host"], origin.trim_start_matches("http://"), "{base}");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "file-token\n").unwrap();
    let token_arg = token.display().to_string();
    let run = |mode: u32| {
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(mode)).unwrap();
        plugchat("http://127.0.0.1:1/api", &["--token-file", &token_arg, "--dry-run", "get-chats", "--all"])
    };
    for mode in [0o644, 0o640, 0o604] {
        let output = run(mode);
        assert!(output.status.success(), "{}", text(&output.stderr));
        let expected = format!(
            "warning: the token file {token_arg} can be read by other users (mode {mode:03o}); run `chmod 600 {token_arg}`\n"
        );
        assert_eq!(text(&output.stderr), expected);
    }
    for mode in [0o600, 0o400] {
        let output = run(mode);
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(text(&output.stderr), "", "mode {mode:o}");
    }
}

/// `--record FILE` appends each exchange as a HAR entry naming the operation, token redacted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_appends_each_exchange_as_har_without_the_token() {
    let dir = std::env::temp_dir().join(format!("plugchat-cli-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let har = dir.join("calls.har");
    let server = RecordingServer::start([Reply::json(json!({ "zaapId": "z", "messageId": "m", "extra": 1 }))]).await;
    let base = server.base_url();
    let har_arg = har.display().to_string();
    let output = tokio::task::spawn_blocking(move || {
        for _ in 0..2 {
            let output = plugchat(&base, &["--record", &har_arg, "send-text", "--phone", "5511", "--message", "oi"]);
            assert!(output.status.success(), "{}", text(&output.stderr));
        }
    })
    .await;
    output.unwrap();
    let recorded = std::fs::read_to_string(&har).unwrap();
    assert!(!recorded.contains("my-token"), "{recorded}");
    let har: Value = serde_json::from_str(&recorded).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["_operation"], "send-text");
    assert_eq!(entries[1]["request"]["postData"]["text"], r#"{"phone":"5511","message":"oi"}"#);
    assert_eq!(entries[1]["response"]["content"]["text"], r#"{"zaapId":"z","messageId":"m","extra":1}"#);
    std::fs::remove_dir_all(dir).ok();
}

/// The binary with `args` and extra environment, no token or base URL unless given.
fn plugchat_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plugchat"));
    command.args(args).env_remove("PLUGCHAT_TOKEN").env_remove("PLUGCHAT_BASE_URL").env_remove("PLUGCHAT_PROFILE");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

/// `--jq` filters the answer with jaq (strings raw), also item by item with `--all`; a
/// filter that does not parse is a usage error before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jq_filters_the_answer() {
    let mock = plugchat_mock::MockServer::start().await;
    let chats =
        json!([{ "phone": "1", "unread": "0" }, { "phone": "2", "unread": "3" }, { "phone": "3", "unread": "1" }]);
    mock.on("get-chats").respond(200, chats);
    let base = mock.base_url();
    let (unread, all, bad) = tokio::task::spawn_blocking(move || {
        let filter = r#"map(select(.unread != "0")) | length"#;
        (
            plugchat(&base, &["get-chats", "--page", "1", "--page-size", "10", "--jq", filter]),
            plugchat(&base, &["get-chats", "--all", "--page-size", "2", "--jq", ".phone"]),
            plugchat(&base, &["get-chats", "--page", "1", "--page-size", "10", "--jq", ".[] |"]),
        )
    })
    .await
    .unwrap();
    assert!(unread.status.success(), "{}", text(&unread.stderr));
    assert_eq!(text(&unread.stdout), "2\n");
    assert!(all.status.success(), "{}", text(&all.stderr));
    assert_eq!(text(&all.stdout), "1\n2\n3\n", "each item's phone, raw");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--jq `.[] |`: expected"), "{}", text(&bad.stderr));
    let pages: Vec<String> =
        mock.received_for("get-chats").iter().map(|r| r.query_value("page").unwrap().to_owned()).collect();
    assert_eq!(pages, ["1", "1", "2", "3"], "one call, then two pages and the empty one; the bad filter sent nothing");
}

/// `--output table` prints a list of objects as columns; `jsonl` one item per line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_table_and_jsonl() {
    let mock = plugchat_mock::MockServer::start().await;
    mock.on("get-chats")
        .respond(200, json!([{ "phone": "5511", "name": "Ana" }, { "phone": "5522", "name": "Bia Lima" }]));
    let base = mock.base_url();
    let (table, jsonl) = tokio::task::spawn_blocking(move || {
        (
            plugchat(&base, &["get-chats", "--page", "1", "--page-size", "10", "--output", "table"]),
            plugchat(&base, &["get-chats", "--page", "1", "--page-size", "10", "-o", "jsonl"]),
        )
    })
    .await
    .unwrap();
    assert!(table.status.success(), "{}", text(&table.stderr));
    assert_eq!(text(&table.stdout), "PHONE  NAME\n5511   Ana\n5522   Bia Lima\n");
    assert_eq!(
        text(&jsonl.stdout),
        "{\"phone\":\"5511\",\"name\":\"Ana\"}\n{\"phone\":\"5522\",\"name\":\"Bia Lima\"}\n"
    );
}

/// `--verbose` shows the request and the answer on stderr, never the token (also when the
/// server echoes it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_prints_the_exchange_without_the_token() {
    let server = RecordingServer::start([Reply::json(json!({ "zaapId": "z", "echo": "my-token" }))]).await;
    let base = server.base_url();
    let output = tokio::task::spawn_blocking(move || {
        plugchat(&base, &["--verbose", "send-text", "--phone", "5511", "--message", "oi"])
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&format!("> POST {}/whatsapp/send-text", server.base_url())), "{stderr}");
    assert!(stderr.contains("> authorization: [redacted]"), "{stderr}");
    assert!(stderr.contains(r#"> {"phone":"5511","message":"oi"}"#), "{stderr}");
    assert!(stderr.contains("< 200 OK"), "{stderr}");
    assert!(stderr.contains(r#""zaapId":"z""#), "{stderr}");
    assert!(!stderr.contains("my-token"), "the token leaked:\n{stderr}");
    assert_eq!(server.requests()[0].headers["authorization"], "my-token", "the token was sent");
}

/// `--profile NAME` takes the base URL and token file from the config file
/// (`PLUGCHAT_CONFIG`), a relative token file beside it; flags still win; an unknown profile
/// names the ones there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_gives_the_base_url_and_the_token_file() {
    let mock = plugchat_mock::MockServer::start().await;
    mock.require_token(Some("profile-token"));
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("staging.token");
    std::fs::write(&token, "profile-token\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&token).unwrap().permissions(), 0o600);
    #[cfg(unix)]
    std::fs::set_permissions(&token, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let config = dir.path().join("config.toml");
    let base = mock.base_url();
    std::fs::write(
        &config,
        format!("[profiles.staging]\nbase_url = \"{base}\"\ntoken_file = \"staging.token\"\n\n[profiles.other]\n"),
    )
    .unwrap();
    let config = config.display().to_string();
    let (ok, by_env, unknown, bad_key) = tokio::task::spawn_blocking(move || {
        let env = [("PLUGCHAT_CONFIG", config.as_str())];
        let args = ["get-chats", "--page", "1", "--page-size", "1", "--jq", ".[0].phone"];
        let ok = plugchat_env(&[&["--profile", "staging"], &args[..]].concat(), &env);
        let by_env = plugchat_env(&args, &[env[0], ("PLUGCHAT_PROFILE", "staging")]);
        let unknown = plugchat_env(&[&["--profile", "stagin"], &args[..]].concat(), &env);
        std::fs::write(&config, "[profiles.staging]\nbase_uri = \"x\"\n").unwrap();
        let bad_key = plugchat_env(&[&["--profile", "staging"], &args[..]].concat(), &env);
        (ok, by_env, unknown, bad_key)
    })
    .await
    .unwrap();
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), "5511999999999\n");
    assert_eq!(text(&ok.stderr), "");
    assert!(by_env.status.success(), "{}", text(&by_env.stderr));
    assert_eq!(mock.received_for("get-chats").len(), 2);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(text(&unknown.stderr).contains("no profile `stagin`") && text(&unknown.stderr).contains("other, staging"));
    assert_eq!(bad_key.status.code(), Some(3));
    assert!(text(&bad_key.stderr).contains("base_uri"), "{}", text(&bad_key.stderr));
}

/// A server that is down: the message names the URL and the cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_is_named_with_the_cause() {
    let refused = plugchat_tests::FaultServer::refused_base_url().await;
    let base = refused.clone();
    let output = tokio::task::spawn_blocking(move || plugchat(&base, &["send-text", "--phone", "1", "--message", "x"]))
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(
        text(&output.stderr),
        format!("error: send-text: cannot connect to {refused}: connection refused (is the server running?)\n")
    );
}

/// A plain-http host that is not loopback needs `--allow-insecure-http`, which the message
/// names; with it, the client goes on (here to a dry run).
#[test]
fn allow_insecure_http_reaches_a_plain_http_host() {
    let refused = plugchat("http://prism:4010/api", &["send-text", "--phone", "1", "--message", "x"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(text(&refused.stderr).contains("--allow-insecure-http"), "{}", text(&refused.stderr));
    let allowed = plugchat(
        "http://prism:4010/api",
        &["--allow-insecure-http", "--dry-run", "send-text", "--phone", "1", "--message", "x"],
    );
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stdout).contains("http://prism:4010/api/whatsapp/send-text"), "{}", text(&allowed.stdout));
}

/// Unknown operations get the nearest one, help marks required flags and shows the page's
/// example, and a nested value of the wrong type is named by its path.
#[test]
fn did_you_mean_required_flags_examples_and_value_paths() {
    let output = plugchat("", &["describe", "send-txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("did you mean `send-text`?"), "{}", text(&output.stderr));
    assert!(!text(&output.stderr).contains("send-audio"), "not every name: {}", text(&output.stderr));
    let output = plugchat("", &["send-txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("did you mean `send-text`?"), "{}", text(&output.stderr));
    assert!(!text(&output.stderr).contains("send-audio"), "not every name: {}", text(&output.stderr));

    let help = text(&plugchat("", &["send-text", "--help"]).stdout);
    assert!(help.contains("O texto da mensagem [required unless --body-file]"), "{help}");
    assert!(help.contains("plugchat send-text --phone 5511999999999 --message 'Olá, *Plug Chat*'"), "{help}");

    let output = plugchat(
        "http://127.0.0.1:1/api",
        &[
            "send-button-list",
            "--phone",
            "1",
            "--message",
            "x",
            "--button-list",
            r#"{"buttons":[{"id":1,"label":"Sim"}]}"#,
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--button-list `buttonList.buttons[0].id`: expected a string, got the number 1"),
        "{}",
        text(&output.stderr)
    );
}

/// The command's parts without a server: tables, did-you-mean, jq filters, and the commands an
/// id several folders use. (They were the binary's unit tests; the command is a library now, so
/// they need no second build of it after every docs edit.)
mod parts {
    mod output {
        use serde_json::json;

        #[test]
        fn a_list_of_objects_is_a_table_with_a_column_per_key() {
            let value = json!([{ "phone": "5511", "name": "Ana" }, { "phone": "5522", "unread": 3, "name": null }]);
            assert_eq!(plugchat_cli::output::table(&value), "PHONE  NAME  UNREAD\n5511   Ana\n5522         3\n");
            assert_eq!(plugchat_cli::output::table(&json!({ "a": { "b": 1 } })), "A\n{\"b\":1}\n");
            assert_eq!(plugchat_cli::output::table(&json!(["x", 2])), "x\n2\n");
        }
    }

    mod input {
        use plugchat_cli::input::nearest;

        #[test]
        fn near_names_are_suggested_and_far_ones_not() {
            let names = ["phone", "message", "delayMessage", "delayTyping"];
            assert_eq!(nearest("delayMesage", &names).as_deref(), Some("delayMessage"));
            assert_eq!(nearest("Phone", &names).as_deref(), Some("phone"));
            assert_eq!(nearest("colour", &names), None);
        }
    }

    mod jq {
        use serde_json::json;

        #[test]
        fn filters_run_and_bad_ones_say_where() {
            let filter = plugchat_cli::jq::Filter::new(".[] | select(.unread > 0) | .phone").unwrap();
            let answer = json!([{ "phone": "1", "unread": 0 }, { "phone": "2", "unread": 3 }]);
            assert_eq!(filter.run(&answer).unwrap(), [json!("2")]);
            assert_eq!(
                plugchat_cli::jq::Filter::new("map(.a) | length").unwrap().run(&json!([{ "a": 1 }])).unwrap(),
                [json!(1)]
            );
            let error = plugchat_cli::jq::Filter::new(".[] |").err().unwrap();
            assert!(error.starts_with("--jq `.[] |`: expected"), "{error}");
            let error = plugchat_cli::jq::Filter::new("nosuchfn").err().unwrap();
            assert_eq!(error, "--jq `nosuchfn`: undefined filter `nosuchfn`");
            let error = plugchat_cli::jq::Filter::new(".a").unwrap().run(&json!([1])).unwrap_err();
            assert!(error.starts_with("--jq: "), "{error}");
        }
    }

    mod commands {
        use plugchat_cli::commands::Api;

        /// An id that several folders use is one command per folder, named as `dynamic::call`
        /// names the operation (`contacts/get-all`), with its own page's title; other ids are
        /// their own command.
        #[test]
        fn an_id_several_folders_use_is_a_command_per_folder() {
            let page = |file: &str, id: &str, title: &str| {
                let text = format!(
                    "---\nid: {id}\ntitle: {title}\n---\n\n## Method\n\n`GET` https://api.example.test/v1/{file}\n\n\
                     ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n| name | string | N |\n"
                );
                (file.to_owned(), text.into_bytes())
            };
            let sources = [
                page("contacts/get-all.md", "get-all", "Contatos"),
                page("groups/get-all.md", "get-all", "Grupos"),
                page("groups/send.md", "send", "Enviar"),
            ];
            let spec = plugchat_spec::parse_sources("docs", &sources, Some("https://api.example.test/v1".into())).0;
            let api = Api { surface: plugchat_codegen::api_surface(&spec), spec };
            let command = plugchat_cli::commands::command(&api);
            for (name, title, section) in [
                ("contacts/get-all", "Contatos", "contacts"),
                ("groups/get-all", "Grupos", "groups"),
                ("send", "Enviar", "groups"),
            ] {
                let sub = command.find_subcommand(name).unwrap_or_else(|| panic!("no command `{name}`"));
                assert_eq!(sub.get_about().map(ToString::to_string).as_deref(), Some(title));
                let operation = api.operation(name).unwrap();
                assert_eq!((api.title(operation), api.section(operation)), (title, section));
                let example = plugchat_cli::commands::example(&api, operation).unwrap();
                assert_eq!(example, format!("plugchat {name}"));
            }
            assert!(command.find_subcommand("get-all").is_none());
            command.debug_assert();
        }
    }
}
