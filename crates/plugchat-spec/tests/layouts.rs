//! Page layouts other docs trees of the format's family use (issue 26): one fixture per layout
//! under `tests/layouts/`, with what the parser must read from it and the diagnostics it gives.

use plugchat_spec::{Attribute, Operation, Page, ParseOptions, parse_page};

fn parse(name: &str) -> (Page, Vec<String>) {
    let path = format!("{}/tests/layouts/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let (page, diagnostics) = parse_page(&format!("layouts/{name}"), &text, &options);
    (page, diagnostics.iter().map(ToString::to_string).collect())
}

fn operation(name: &str) -> (Operation, Vec<String>) {
    let (page, diagnostics) = parse(name);
    (page.operation.expect("the fixture documents an endpoint"), diagnostics)
}

fn names(rows: &[Attribute]) -> Vec<&str> {
    rows.iter().map(|a| a.name.as_str()).collect()
}

/// Layout 1: a short paragraph `Object (order)` / `Objeto (order)` above a table labels the
/// fields of the nested object `order`; under `### Opcionais` they are its optional fields.
#[test]
fn a_labelled_table_in_the_attributes_is_a_nested_object() {
    let (operation, diagnostics) = operation("object-label.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(names(&operation.required), ["phone", "order"]);
    assert_eq!(names(&operation.optional), ["delayMessage"]);
    assert_eq!(operation.objects.len(), 1);
    let order = &operation.objects[0];
    assert_eq!(order.name, "order");
    assert_eq!(names(&order.required), ["productId", "quantity"]);
    // The object's own `phone`, not the top level's a second time.
    assert_eq!(names(&order.optional), ["phone", "note"]);
    // The row's bare `object` now names the object, so its fields are typed.
    let row = &operation.required[1];
    assert_eq!(operation.object_named(&row.tipo()).map(|o| o.name.as_str()), Some("order"));
}

/// Layout 2: `(string) status` above a `| Valores | Tipo | Descrição |` table lists the
/// values `status` allows; they are not attributes.
#[test]
fn a_table_of_values_gives_the_field_its_allowed_values() {
    let (operation, diagnostics) = operation("allowed-values-table.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(names(&operation.required), ["phone", "status"]);
    assert_eq!(operation.required[1].allowed_values, ["OPEN", "CLOSED"]);
    assert!(operation.objects.is_empty());
}

/// Layout 3: `### Event` under the attributes, naming the Tipo of a row above it, is that
/// object's sub-table, not a webhook's `## Evento` section.
#[test]
fn a_sub_table_named_like_a_section_is_a_sub_table() {
    let (page, diagnostics) = parse("section-word-subtable.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert!(page.callback.is_none());
    let operation = page.operation.expect("operation");
    assert_eq!(names(&operation.required), ["phone", "event"]);
    assert_eq!(operation.objects.len(), 1);
    assert_eq!(operation.objects[0].name, "Event");
    assert_eq!(names(&operation.objects[0].required), ["name", "startsAt"]);
}

/// Layout 4: `#### Atributos do Contato` below `### Opcionais` is the sub-table `Contato`,
/// not a new attributes section (which would drop the grouping).
#[test]
fn attributes_of_an_object_is_a_sub_table() {
    let (operation, diagnostics) = operation("attributes-of-subtable.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(names(&operation.required), ["phone", "contact"]);
    assert_eq!(names(&operation.optional), ["delayMessage"]);
    assert_eq!(operation.objects.len(), 1);
    assert_eq!(operation.objects[0].name, "Contato");
    assert_eq!(names(&operation.objects[0].required), ["name", "number"]);
}

/// Layout 5: `#### Obrigatórios` / `#### Opcionais` tables inside `### Request Body`, with no
/// attributes section, are the attributes; the JSON fence after them is the example.
#[test]
fn required_and_optional_tables_under_the_request_body() {
    let (operation, diagnostics) = operation("groups-in-request-body.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(names(&operation.required), ["phone", "url"]);
    assert_eq!(names(&operation.optional), ["title"]);
    assert!(operation.request_example.is_some());
}

/// Layout 9: a path heading with the query string the URL shows, or another name for the
/// same placeholder, names the URL's path.
#[test]
fn a_path_heading_with_a_query_or_another_placeholder_name_matches() {
    let (operation, diagnostics) = operation("heading-with-query.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(operation.path, "/join-group");
    let (operation, diagnostics) = self::operation("heading-placeholder-name.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(operation.path, "/groups/{idDoGrupo}/leave");
}

/// Layout 10: a Tipo with its values in parentheses (`string (a ou b)`) is that type with
/// those allowed values.
#[test]
fn a_tipo_with_values_in_parentheses_is_the_type_with_allowed_values() {
    let (operation, diagnostics) = operation("tipo-with-values.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    let presence = &operation.required[1];
    assert_eq!(presence.ty, "string");
    assert_eq!(presence.allowed_values, ["available", "unavailable"]);
    let mode = &operation.optional[0];
    assert_eq!(mode.ty, "string");
    assert_eq!(mode.allowed_values, ["typing", "recording", "paused"]);
}

/// Parses the tree `tests/layouts/<name>/`: the layouts that span pages.
fn tree(name: &str) -> (plugchat_spec::Spec, Vec<String>) {
    let root = format!("{}/tests/layouts/{name}", env!("CARGO_MANIFEST_DIR"));
    let (spec, diagnostics) = plugchat_spec::parse_tree(std::path::Path::new(&root));
    let diagnostics = diagnostics.iter().map(|d| d.to_string().replace(&root, name)).collect();
    (spec, diagnostics)
}

/// Layout 7: pages on one method and path told apart only by the value their examples give
/// one string attribute (`"action": "clear"`, `"action": "delete"`) each send that value:
/// it is the attribute's one allowed value, and the pages are not duplicates. Alternatives
/// in an example (`"archive" ou "unarchive"`) are the values that page allows.
#[test]
fn pages_on_one_endpoint_told_apart_by_a_fixed_body_value() {
    let (spec, diagnostics) = tree("fixed-body-value");
    assert_eq!(
        diagnostics,
        [
            "fixed-body-value/chats/archive-chat.md:24:1: warning[json-repaired]: JSON example repaired: kept the first of alternatives written with `ou`"
        ]
    );
    let allowed: Vec<(&str, &[String])> = spec
        .pages
        .iter()
        .map(|p| {
            let operation = p.operation.as_ref().expect("operation");
            let action = operation.required.iter().find(|a| a.name == "action").expect("action");
            (p.id.as_str(), action.allowed_values.as_slice())
        })
        .collect();
    let strings = |values: &[&str]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
    assert_eq!(allowed[0], ("archive-chat", &strings(&["archive", "unarchive"])[..]));
    assert_eq!(allowed[1], ("clear-chat", &strings(&["clear"])[..]));
    assert_eq!(allowed[2], ("delete-chat", &strings(&["delete"])[..]));
    // `phone` differs in no example and stays free.
    assert!(spec.pages.iter().all(|p| p.operation.as_ref().unwrap().required[0].allowed_values.is_empty()));
}

/// Layout 8: one front-matter id in two folders names two pages (the site prefixes ids with
/// the folder); only pages of one folder sharing an id are `duplicate-id`.
#[test]
fn one_id_in_two_folders_is_not_a_duplicate() {
    let (spec, diagnostics) = tree("same-id-two-folders");
    assert_eq!(diagnostics, Vec::<String>::new());
    let pages: Vec<(&str, &str)> = spec.pages.iter().map(|p| (p.file.as_str(), p.id.as_str())).collect();
    assert_eq!(pages, [("contacts/get-all.md", "get-all"), ("groups/get-all.md", "get-all")]);
}

/// Missed defect: a `#### /path` heading right above the method line under `### API` (not
/// `## Método`) is the path heading, compared with the URL.
#[test]
fn a_path_heading_under_another_section_is_compared_with_the_url() {
    let (operation, diagnostics) = operation("method-under-api-heading.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/method-under-api-heading.md:10:1: warning[heading-path-mismatch]: heading `/update-every-webhook` does not match the URL path `/update-webhooks`"
        ]
    );
    assert_eq!(operation.path, "/update-webhooks");
}

/// Missed defect: an example whose only fault is a trailing comma says so, not "removed prose
/// lines".
#[test]
fn a_trailing_comma_is_named_as_the_only_repair() {
    let (operation, diagnostics) = operation("trailing-comma.md");
    assert_eq!(
        diagnostics,
        ["layouts/trailing-comma.md:22:1: warning[json-repaired]: JSON example repaired: removed trailing commas"]
    );
    assert!(operation.request_example.is_some());
}

/// Layout 12: a request body documented only by its example, with no attribute table at all:
/// one warning for the page saying the table is missing, not one `example-key-unknown` per key.
/// The example is still the request's.
#[test]
fn a_body_documented_only_by_its_example_is_one_missing_table() {
    let (operation, diagnostics) = operation("body-example-only.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/body-example-only.md:24:1: warning[attributes-table-missing]: the request example sends 3 keys (`phone`, `messageId`, `hours`) but the page has no attribute table documenting them"
        ]
    );
    assert!(operation.required.is_empty() && operation.optional.is_empty());
    assert!(operation.request_example.is_some());
}

/// Missed defect: a list example's elements are each checked against the table, not only the
/// first: a string where the table says integer in the second element is a mismatch, like one
/// in the first (not only a note that the elements disagree). A key the table does not list
/// (`color`) still gets the note.
#[test]
fn every_element_of_a_list_example_is_checked_against_the_table() {
    let (_, diagnostics) = operation("array-element-types.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/array-element-types.md:20:1: note[example-types-disagree]: response 200: the elements of the example show `color` as a string and a number: it is typed to hold them all",
            "layouts/array-element-types.md:26:1: warning[example-type-mismatch]: `chats` is declared `integer` but element 2 of the response 200 example shows \"12\" (a string)",
        ]
    );
}

/// Missed defect: a response table none of whose fields the example shows (copied from another
/// page) is one warning, not a note per field and per key.
#[test]
fn a_response_table_matching_nothing_in_its_example_is_a_warning() {
    let (_, diagnostics) = operation("response-table-copied.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/response-table-copied.md:20:1: warning[response-table-unrelated]: response 200: none of the table's 2 fields (`zaapId`, `messageId`) is in the example, which shows `total`, `unread`, `archived`: the table describes another response"
        ]
    );
}

/// Missed defect: a response table listing flat the fields the example nests in an array under
/// one key is `response-table-flat`, as for an object.
#[test]
fn a_flat_table_for_fields_nested_in_an_array_is_response_table_flat() {
    let (_, diagnostics) = operation("response-table-flat-array.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/response-table-flat-array.md:20:1: warning[response-table-flat]: response 200: the table lists fields flat that the example nests in the array under `tags`"
        ]
    );
}

/// Missed defect: a JSON fence under a heading that is no request or response section (a
/// free-standing example in the concept text, a fence under the attributes) is checked like
/// the examples: a reader copies it. It is not the request example.
#[test]
fn json_under_other_headings_is_checked() {
    let (operation, diagnostics) = operation("json-outside-examples.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/json-outside-examples.md:17:1: warning[json-repaired]: JSON example repaired: removed comments",
            "layouts/json-outside-examples.md:34:15: warning[json-unparsable]: JSON example does not parse and was dropped: expected value",
        ]
    );
    let Some(plugchat_spec::RequestExample::Json { body, .. }) = &operation.request_example else { panic!() };
    assert_eq!(body, &serde_json::json!({ "presence": "available" }));
}

/// Missed defect: `#### Body` above a fence on a page with no request heading (right under the
/// attributes) is the request's body: the example is read and checked.
#[test]
fn a_body_heading_without_a_request_heading_is_the_request_example() {
    let (operation, diagnostics) = operation("body-without-request-heading.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/body-without-request-heading.md:24:1: warning[json-repaired]: JSON example repaired: removed trailing commas"
        ]
    );
    let Some(plugchat_spec::RequestExample::Json { body, .. }) = &operation.request_example else { panic!() };
    assert_eq!(body["groupName"], "Family");
}

/// Layout 11: a row whose description says it goes in the path, while the URL shows an example
/// value where its placeholder belongs: the segment is the row's placeholder (the path the
/// heading names), with a note. The row is a path parameter, so the body example need not show it.
#[test]
fn an_example_value_in_the_url_for_a_path_row_is_its_placeholder() {
    let (operation, diagnostics) = operation("path-value-in-url.md");
    assert_eq!(
        diagnostics,
        [
            "layouts/path-value-in-url.md:10:1: note[path-segment-literal]: the URL shows `5511999999999` where `phone` goes (its description puts it in the path): read as the placeholder `{phone}`"
        ]
    );
    assert_eq!(operation.path, "/chats/{phone}/pin");
    let phone = &operation.required[0];
    assert_eq!(operation.location_of(phone), plugchat_model::ParamLocation::Path);

    // A description that does not put the row in the path leaves the URL as written.
    let path = format!("{}/tests/layouts/path-value-in-url.md", env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(path).expect("fixture").replace("sent in the path of the URL", "part of the URL");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let (page, _) = parse_page("layouts/path-value-in-url.md", &text, &options);
    assert_eq!(page.operation.expect("operation").path, "/chats/5511999999999/pin");
}

/// Layout 6: one status with two alternative shapes under headings, each with its table and
/// example: two responses of that status, in page order (the first is the one a client
/// decodes), each named by its heading and compared with its own example. Merged, the second
/// table's `messageId` was a duplicate row and the second example was never compared.
#[test]
fn alternative_shapes_of_one_status_are_two_responses() {
    let (operation, diagnostics) = operation("response-alternatives.md");
    assert_eq!(diagnostics, Vec::<String>::new());
    let responses: Vec<(u16, &str, Vec<&str>)> =
        operation.responses.iter().map(|r| (r.status, r.description.as_str(), names(&r.fields))).collect();
    assert_eq!(
        responses,
        [
            (200, "When the message is a text", vec!["messageId", "text"]),
            (
                200,
                "When the message is an image\n\nThe image's address and its caption.",
                vec!["messageId", "imageUrl", "caption"]
            ),
            (404, "No such message.", vec![]),
        ]
    );
    assert_eq!(operation.responses[1].example.as_ref().unwrap()["caption"], "a cat");
    assert_eq!(operation.success_index(), Some(0));
}

/// Layout 6's limit: a heading naming a field of the response table (or its Tipo) is that
/// field's sub-table, not another shape of the status.
#[test]
fn a_heading_naming_a_response_field_is_no_alternative() {
    let path = format!("{}/tests/layouts/response-alternatives.md", env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(path).expect("fixture").replace("#### When the message is an image", "#### Text");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let (page, _) = parse_page("layouts/response-alternatives.md", &text, &options);
    let statuses: Vec<u16> = page.operation.expect("operation").responses.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 404]);
}
