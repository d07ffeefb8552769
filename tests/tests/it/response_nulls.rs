//! A `null` (or a missing key) in an answer is never a decode error: every documented 2xx
//! example of docs-spec still decodes into its generated type with any one field of it set to
//! `null` or removed, and the field reads `None`.

use std::path::Path;

use plugchat_api::Client;
use plugchat_tests::{RecordingServer, Reply};
use serde_json::{Value, json};

/// Each documented success example of an operation with its id.
fn examples() -> Vec<(String, Value)> {
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    spec.operations()
        .filter_map(|(page, operation)| {
            let response = operation.responses.iter().find(|r| (200..300).contains(&r.status))?;
            Some((page.id.clone(), response.example.clone()?))
        })
        .collect()
}

/// The objects whose fields are mutated: the example itself, or each item of an array.
fn objects(example: &mut Value) -> Vec<&mut serde_json::Map<String, Value>> {
    match example {
        Value::Object(map) => vec![map],
        Value::Array(items) => items.iter_mut().filter_map(Value::as_object_mut).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_documented_answer_decodes_with_any_field_null_or_missing() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for (id, example) in examples() {
        let keys: Vec<String> =
            objects(&mut example.clone()).first().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        for key in keys {
            for null in [true, false] {
                let mut mutated = example.clone();
                for object in objects(&mut mutated) {
                    if null {
                        object.insert(key.clone(), Value::Null);
                    } else {
                        object.remove(&key);
                    }
                }
                let body = serde_json::to_vec(&mutated).unwrap();
                match plugchat_api::dynamic::decode(&id, &body).expect("known id") {
                    Ok(()) => checked += 1,
                    Err(error) => {
                        problems.push(format!("{id} with `{key}` {}: {error}", if null { "null" } else { "removed" }))
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 100, "only {checked} mutated answers");
}

#[tokio::test]
async fn a_null_field_reads_none() {
    let server = RecordingServer::start([
        Reply::json(json!({"zaapId": null, "messageId": "D241", "id": "D241"})),
        Reply::json(json!([{"link": null}, {}])),
    ])
    .await;
    let client = Client::builder().token("my-token").base_url(server.base_url()).build().unwrap();
    let sent = client.send_text().phone("5511999999999").message("oi").send().await.expect("a null zaapId is no error");
    assert_eq!((sent.zaap_id.as_deref(), sent.message_id.as_deref()), (None, Some("D241")));
    let pictures = client.get_profile_picture().phone("5511999999999").send().await.expect("a null link is no error");
    assert_eq!(pictures.iter().map(|p| p.link.clone()).collect::<Vec<_>>(), [None, None]);
}

#[test]
fn a_value_of_another_type_is_still_a_decode_error() {
    // Only nulls and missing keys are tolerated in answers: a structure where the docs promise
    // a string still fails, naming the field.
    let error = plugchat_api::dynamic::decode("send-text", br#"{"zaapId":{"x":1},"messageId":"m"}"#)
        .expect("known id")
        .unwrap_err();
    assert!(error.to_string().contains("expected a string"), "{error}");
}
