//! The typed client's whole suite of example calls against `plugchat-mock`: each docs-spec
//! page's request example goes through the client (`dynamic::call`), the mock validates
//! it against the docs and answers the documented example, which the client decodes. A
//! disagreement between what the client sends and what the mock accepts fails here.

use std::path::Path;

use plugchat_api::Client;
use plugchat_tests::examples::{complete, example_args};

#[tokio::test]
async fn every_example_call_of_the_client_is_valid_for_the_mock_and_decodes_its_answer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    let mock = plugchat_mock::MockServer::start().await;
    let client = Client::builder().token("test-token").base_url(mock.base_url()).max_retries(0).build().unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for (page, operation) in spec.operations() {
        count += 1;
        let (mut args, _) = example_args(operation);
        complete(&mut args, operation);
        let before = mock.received().len();
        let result = plugchat_api::dynamic::call(&client, &page.id, args).await;
        let received = mock.received();
        let Some(request) = received.get(before) else {
            failures.push(format!("{}: nothing reached the mock ({result:?})", page.id));
            continue;
        };
        if let Err(error) = result {
            failures.push(format!("{}: {error}", page.id));
        } else if request.operation.as_deref() != Some(page.id.as_str()) {
            // Pages sharing a method and path (modify-chat) must still be told apart.
            failures.push(format!("{}: the mock took it for {:?}", page.id, request.operation));
        }
    }
    assert_eq!(count, 73);
    assert!(failures.is_empty(), "{} calls failed:\n{}", failures.len(), failures.join("\n"));
}
