//! Every docs-spec operation, end to end: its page's request example goes through the typed
//! client (via `dynamic::call`, which decodes the example into the operation's typed
//! parameters), the request on the wire must match the example, and the page's documented
//! response example must decode into the generated type.

use std::path::Path;

use plugchat_api::Client;
use plugchat_spec::{Operation, Page, RequestExample};
use plugchat_tests::examples::{complete, example_args, fill_template, url_query, without_nulls};
use plugchat_tests::{RecordingServer, Reply};
use serde_json::Value;

async fn check(page: &Page, operation: &Operation) -> Result<(), String> {
    let success = operation.responses.iter().find(|r| (200..300).contains(&r.status));
    let reply_body = success.and_then(|r| r.example.clone()).unwrap_or(Value::Null);
    let status = success.map_or(200, |r| r.status);
    let server = RecordingServer::start([Reply {
        status: axum::http::StatusCode::from_u16(status).unwrap(),
        body: if reply_body.is_null() { String::new() } else { reply_body.to_string() },
    }])
    .await;
    let client = Client::builder()
        .token("my-token")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .map_err(|e| e.to_string())?;

    let (mut args, query) = example_args(operation);
    complete(&mut args, operation);
    let decoded =
        plugchat_api::dynamic::call(&client, &page.id, args.clone()).await.map_err(|e| format!("call failed: {e}"))?;

    let requests = server.requests();
    let request = requests.first().ok_or("no request reached the server")?;
    if request.method.as_str() != operation.method.as_str() {
        return Err(format!("method {} on the wire, {} documented", request.method, operation.method));
    }
    let expected_path = format!("/api{}", fill_template(&operation.path, &args));
    if plugchat_tests::examples::percent_decode(&request.path) != expected_path {
        return Err(format!("path {} on the wire, {expected_path} expected", request.path));
    }
    if request.headers.get("authorization").is_none_or(|v| v != "my-token") {
        return Err("no Authorization header".into());
    }
    match &operation.request_example {
        Some(RequestExample::Json { body, .. }) => {
            let sent = request.body.clone().unwrap_or(Value::Null);
            if sent != without_nulls(body) {
                return Err(format!("body {sent} on the wire, {body} in the example"));
            }
        }
        Some(RequestExample::Url { .. }) => {
            let mut sent = url_query(&format!("?{}", request.query.clone().unwrap_or_default()));
            let mut expected = query.clone();
            sent.sort();
            expected.sort();
            if sent != expected {
                return Err(format!("query {sent:?} on the wire, {expected:?} in the example"));
            }
        }
        None => {}
    }
    // Every non-null value of the documented answer survives decoding into the typed struct,
    // in every element of a list. (`None` fields serialise as `null`, so a lost value is a
    // `null` or a missing key.)
    let elements = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for (index, (documented, got)) in elements(&reply_body).iter().zip(elements(&decoded)).enumerate() {
        let (Value::Object(documented), Value::Object(got)) = (documented, &got) else { continue };
        for (key, value) in documented.iter().filter(|(_, v)| !v.is_null()) {
            if got.get(key).is_none_or(Value::is_null) {
                return Err(format!(
                    "documented response field `{key}` ({value}) of item {index} was lost in decoding"
                ));
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_operation_sends_its_example_and_decodes_its_documented_answer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    let mut failures = Vec::new();
    let mut count = 0;
    for (page, operation) in spec.operations() {
        count += 1;
        if let Err(why) = check(page, operation).await {
            failures.push(format!("{} ({}): {why}", page.id, page.file));
        }
    }
    println!("operations: {count}, passed: {}", count - failures.len());
    assert_eq!(count, 73, "docs-spec documents every upstream endpoint");
    assert!(failures.is_empty(), "{} operations failed:\n{}", failures.len(), failures.join("\n"));
}
