//! Names of operations whose id repeats across folders, and the method doc of a status the
//! docs describe in more than one shape (issue 26, layouts 8 and 6).

/// A page with id `id` in `file`, answering `GET /v1/<path>` with one `name` field.
fn page(file: &str, id: &str, path: &str) -> (String, Vec<u8>) {
    let text = format!(
        "---\nid: {id}\ntitle: T\n---\n\n## Method\n\n`GET` https://api.example.test/v1/{path}\n\n\
         ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n| name | string | Name |\n"
    );
    (file.to_owned(), text.into_bytes())
}

fn spec(sources: &[(String, Vec<u8>)]) -> plugchat_model::Spec {
    plugchat_spec::parse_sources("docs", sources, Some("https://api.example.test/v1".into())).0
}

/// `(file, Client method)` of every operation, in page order.
fn methods(spec: &plugchat_model::Spec) -> Vec<(String, String)> {
    let surface = plugchat_codegen::api_surface(spec);
    surface.operations.iter().map(|o| (o.file.clone(), o.method_name.clone())).collect()
}

fn code(spec: &plugchat_model::Spec) -> String {
    plugchat_codegen::pretty(plugchat_codegen::generate(spec).expect("generates"))
}

/// Layout 8: `get-all` in `contacts/` and in `groups/` is two operations, each named from its
/// section and id (the first one too, and one at the root, in module `general`); ids that do
/// not repeat keep their bare names.
#[test]
fn an_id_in_two_folders_is_named_by_section() {
    let spec = spec(&[
        page("contacts/get-all.md", "get-all", "contacts"),
        page("contacts/get-contact.md", "get-contact", "contacts/one"),
        page("groups/get-all.md", "get-all", "groups"),
        page("get-all.md", "get-all", "everything"),
        page("groups/send.md", "send", "groups/send"),
    ]);
    assert_eq!(
        methods(&spec),
        [
            ("contacts/get-all.md".to_owned(), "contacts_get_all".to_owned()),
            ("contacts/get-contact.md".to_owned(), "get_contact".to_owned()),
            ("groups/get-all.md".to_owned(), "groups_get_all".to_owned()),
            ("get-all.md".to_owned(), "general_get_all".to_owned()),
            ("groups/send.md".to_owned(), "send".to_owned()),
        ]
    );
    let code = code(&spec);
    for name in [
        "pub struct ContactsGetAllResponse",
        "pub struct GroupsGetAllResponse",
        "pub struct GeneralGetAllResponse",
        "pub struct GetContactResponse",
        "pub struct SendResponse",
        "pub fn contacts_get_all(",
        "pub fn groups_get_all(",
        "ClientContactsGetAllBuilder",
        "ClientGroupsGetAllBuilder",
        // `dynamic` tells them apart by folder (the root has none).
        "\"contacts/get-all\" =>",
        "\"groups/get-all\" =>",
        "\"get-all\" =>",
        "\"get-contact\" =>",
    ] {
        assert!(code.contains(name), "no `{name}` in:\n{code}");
    }
    for numbered in ["get_all_2", "GetAll2", "struct GetAllResponse"] {
        assert!(!code.contains(numbered), "`{numbered}` in:\n{code}");
    }
}

/// Ids that read alike but are not the same id keep today's numbering, as do two pages of
/// one folder with one id (a `duplicate-id` error, generated with `--allow-errors`).
#[test]
fn ids_that_only_read_alike_are_numbered_as_before() {
    let spec = spec(&[
        page("contacts/get-all.md", "get-all", "contacts"),
        page("contacts/get-all-too.md", "get-all", "contacts/too"),
        page("groups/get_all.md", "get_all", "groups"),
    ]);
    let names: Vec<String> = methods(&spec).into_iter().map(|(_, method)| method).collect();
    assert_eq!(names, ["get_all", "get_all_2", "get_all_3"]);
}

const ALTERNATIVES: &str = "---\nid: get-message\ntitle: Get a message\n---\n\n## Method\n\n\
`GET` https://api.example.test/v1/messages/{messageId}\n\n## Attributes\n\n### Required\n\n\
| Attributes | Type | Description |\n| --- | --- | --- |\n| messageId | string | Id of the message |\n\n\
## Response\n\n### 200\n\n#### When the message is a text\n\n\
| Attributes | Type | Description |\n| --- | --- | --- |\n| messageId | string | Id |\n| text | string | The text |\n\n\
```json\n{ \"messageId\": \"3EB0\", \"text\": \"hello\" }\n```\n\n\
#### When the message is an image\n\nThe image's address and its caption.\n\n\
| Attributes | Type | Description |\n| --- | --- | --- |\n| messageId | string | Id |\n| imageUrl | string | Where the image is |\n| caption | string | Its caption |\n\n\
```json\n{ \"messageId\": \"3EB1\", \"imageUrl\": \"https://example.test/a.png\", \"caption\": \"a cat\" }\n```\n\n\
### 404\n\nNo such message.\n";

/// Layout 6: the method's doc names the other shape of the 200 answer (its heading, fields
/// and prose) and which one `send()` decodes; a page with one shape has no such section.
#[test]
fn the_method_doc_names_the_other_shapes_of_the_answer() {
    let (alternatives, diagnostics) = plugchat_spec::parse_sources(
        "docs",
        &[("messages/get-message.md".to_owned(), ALTERNATIVES.as_bytes().to_vec())],
        Some("https://api.example.test/v1".into()),
    );
    let statuses: Vec<u16> =
        alternatives.pages[0].operation.as_ref().unwrap().responses.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 404], "{diagnostics:?}");
    let generated = code(&alternatives);
    let doc: String =
        generated.lines().map(str::trim).filter_map(|l| l.strip_prefix("///")).collect::<Vec<_>>().join("\n");
    for expected in [
        " # Other shapes of the answer",
        " The docs describe the 200 answer in more than one shape, and `send()` decodes every 200 answer as the first (When the message is a text).",
        " - When the message is an image: `messageId` (string), `imageUrl` (string), `caption` (string). The image's address and its caption.",
    ] {
        assert!(doc.contains(expected), "no `{expected}` in:\n{doc}");
    }
    // The decoded type is the first shape's.
    assert!(generated.contains("pub text: ::core::option::Option<"), "{generated}");

    let one_shape = spec(&[page("messages/get-message.md", "get-message", "messages")]);
    assert!(!code(&one_shape).contains("Other shapes"));
}

/// The adversarial tree (which `cargo test -p xtask --test it generated_crates::adversarial`
/// generates and compiles without warnings) has `get-all` in three folders, one of them outside
/// ASCII, and a page answering 200 in two shapes: the names it compiles with.
#[test]
fn the_adversarial_tree_names_its_repeated_id_by_section() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/tests/fixtures/adversarial");
    let (spec, _) = plugchat_spec::parse_tree(&root);
    let surface = plugchat_codegen::api_surface(&spec);
    let mut named: Vec<(&str, &str, Option<&str>)> = surface
        .operations
        .iter()
        .filter(|o| o.id == "get-all")
        .map(|o| (o.file.as_str(), o.method_name.as_str(), o.pagination.as_ref().map(|p| p.stream_method.as_str())))
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("chats/get-all.md", "chats_get_all", Some("chats_get_all_stream")),
            ("groups/get-all.md", "groups_get_all", Some("groups_get_all_stream")),
            ("área/get-all.md", "area_get_all", Some("area_get_all_stream")),
        ]
    );
    let code = code(&spec);
    for name in ["pub struct AreaGetAllItem", "\"área/get-all\" =>", "# Other shapes of the answer"] {
        assert!(code.contains(name), "no `{name}` in the adversarial crate");
    }
}
