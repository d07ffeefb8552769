//! The upstream HAR request examples, replayed through the typed client: each example whose
//! operation exists in docs-spec is decoded into that operation's typed parameters and sent;
//! what reaches the server is compared with the HAR (method, path, query, JSON body). Every
//! disagreement is expected by name below, with the reason docs-spec differs from the HAR.

use std::collections::BTreeSet;
use std::path::Path;

use plugchat_api::Client;
use plugchat_spec::{HarRequest, Operation, check_examples, read_har};
use plugchat_tests::examples::{match_template, url_query, without_nulls};
use plugchat_tests::{RecordingServer, Reply};
use serde_json::{Map, Value};

/// (HAR file, what differs on the wire or why it cannot be built, why docs-spec differs).
/// Each is a place where docs-spec follows other evidence than the HAR (CORRECTIONS.md).
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "add-admin.json",
        "not built: add-admin: invalid request: missing field `groupId`",
        "the HAR body is not JSON (`[\"...\"}`)",
    ),
    (
        "add-participant.json",
        "not built: add-participant: invalid request: missing field `groupId`",
        "the HAR body is not JSON",
    ),
    (
        "archive-chat.json",
        "not built: archive-chat: invalid request: unknown variant `archive / unarchive / delete*`, expected `archive` or `unarchive`",
        "the HAR lists the choices as one value",
    ),
    ("create-group.json", "body", "the HAR sends `profileImage`, which the page says a new group cannot take"),
    (
        "delete-message.json",
        "not built: delete-message: invalid request: invalid value: string \"\", expected a boolean (or \"true\"/\"false\")",
        "the HAR sends `owner` empty; the page documents a boolean",
    ),
    (
        "delete-product.json",
        "not built: delete-product: invalid request: missing field `productId`",
        "the HAR path is `/product/{{id}}`, the page's `/products/{productId}`",
    ),
    ("delete-queue-id.json", "method", "the HAR uses GET; the page documents DELETE"),
    (
        "edit-product.json",
        "not built: edit-product: invalid request: invalid type: string \"https://avatars.githubusercontent.com/u/60630101?s=200&v=4\", expected a sequence",
        "the HAR sends `images` as one string; the page's example is a list",
    ),
    (
        "get-all-operators.json",
        "not built: get-operators: invalid request: missing field `Ticket`",
        "the page requires the `Ticket` header, the HAR omits it",
    ),
    (
        "get-message-chat.json",
        "query",
        "the HAR calls `/chats/{phone}` with message parameters: it belongs to get-chat-messages",
    ),
    (
        "get-metadata-chat.json",
        "not built: get-chat-metadata: invalid request: missing field `phone`",
        "the HAR path is `/chat/{phone}`, the page's `/chats/{phone}`",
    ),
    (
        "get-metadata-contact.json",
        "not built: get-contact-metadata: invalid request: missing field `phone`",
        "the HAR path is `/contact/{phone}`, the page's `/contacts/{phone}`",
    ),
    ("get-product-id.json", "body", "the HAR puts a response-like body on a GET"),
    ("get-products-phone.json", "body", "the HAR puts a response-like body on a GET"),
    ("get-products.json", "body", "the HAR puts a response-like body on a GET"),
    (
        "pin-chat.json",
        "not built: pin-chat: invalid request: unknown variant `pin / unpin `, expected `pin` or `unpin`",
        "the HAR lists the choices as one value",
    ),
    (
        "remove-admin.json",
        "not built: remove-admin: invalid request: missing field `groupId`",
        "the HAR body is not JSON",
    ),
    (
        "remove-participant.json",
        "not built: remove-participant: invalid request: missing field `groupId`",
        "the HAR body is not JSON",
    ),
    (
        "send-location.json",
        "not built: send-link: invalid request: missing field `message`",
        "the HAR posts a location to `/send-link`",
    ),
    ("sign-instance.json", "body", "the page's example sends `{}`; the HAR sends no body"),
    ("unsubscribe-instance.json", "body", "the page's example sends `{}`; the HAR sends no body"),
    (
        "update-group-photo.json",
        "not built: update-group-photo: invalid request: missing field `groupId`",
        "the HAR spells it `groupID`",
    ),
    (
        "update-group-settings.json",
        "not built: update-group-settings: invalid request: missing field `phone`",
        "the HAR sends `groupId`; the page's table and example say `phone`",
    ),
];

fn args(example: &HarRequest, operation: &Operation) -> Map<String, Value> {
    let path = example.path().strip_prefix("/api").unwrap_or(example.path());
    let mut args = match_template(&operation.path, path).unwrap_or_default();
    for (k, v) in &example.query {
        args.insert(k.clone(), Value::String(v.clone()));
    }
    if let Some(Ok(Value::Object(body))) = example.body() {
        args.extend(body);
    }
    args
}

async fn replay(example: &HarRequest, id: &str, operation: &Operation) -> BTreeSet<String> {
    let mut differs = BTreeSet::new();
    let server = RecordingServer::start([Reply::json(Value::Null)]).await;
    let client = Client::builder().token("TOKEN").base_url(server.base_url()).max_retries(0).build().expect("client");
    let result = plugchat_api::dynamic::call(&client, id, args(example, operation)).await;
    let Some(request) = server.requests().into_iter().next() else {
        differs.insert(format!("not built: {}", result.err().map(|e| e.to_string()).unwrap_or_default()));
        return differs;
    };
    if !request.method.as_str().eq_ignore_ascii_case(&example.method) {
        differs.insert("method".into());
    }
    if plugchat_tests::examples::percent_decode(&request.path)
        != plugchat_tests::examples::percent_decode(example.path())
    {
        differs.insert("path".into());
    }
    let mut sent = url_query(&format!("?{}", request.query.unwrap_or_default()));
    let mut documented = example.query.clone();
    sent.sort();
    documented.sort();
    if sent != documented {
        differs.insert("query".into());
    }
    let documented_body = match example.body() {
        Some(Ok(body)) => without_nulls(&body),
        _ => Value::Null,
    };
    if request.body.unwrap_or(Value::Null) != documented_body {
        differs.insert("body".into());
    }
    differs
}

#[tokio::test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
async fn har_examples_through_the_typed_client() {
    let har_dir = Path::new(env!("PLUGCHAT_CORPUS_DIR")).join("plugchat-docs/json-examples");
    assert!(har_dir.is_dir(), "{} is missing", har_dir.display());
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    let mut files: Vec<_> =
        std::fs::read_dir(&har_dir).expect("HAR directory").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let examples: Vec<HarRequest> = files.iter().filter_map(|f| read_har(f).ok()).collect();
    let findings = check_examples(&spec, &examples);

    let mut found = Vec::new();
    let mut replayed = 0;
    for (example, finding) in examples.iter().zip(&findings) {
        let Some(id) = &finding.operation else { continue };
        let (_, operation) = spec.operations().find(|(p, _)| &p.id == id).expect("matched operation");
        replayed += 1;
        for difference in replay(example, id, operation).await {
            found.push((example.file.clone(), difference));
        }
    }
    let expected: Vec<(String, String)> = KNOWN.iter().map(|(f, d, _)| (f.to_string(), d.to_string())).collect();
    println!(
        "HAR examples: {}, replayed through the typed client: {replayed}, with known differences: {}",
        examples.len(),
        found.len()
    );
    assert_eq!(found, expected, "the differences between the HAR files and the typed client changed");
}
