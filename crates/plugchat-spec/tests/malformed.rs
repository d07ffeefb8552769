//! Malformed pages: each gives exact `path:line:col` diagnostics, no panic, and parsing
//! goes on after the problem.

use plugchat_spec::{Diagnostic, Page, ParseOptions, Rule, parse_page};

#[path = "malformed/big_pages.rs"]
mod big_pages;

fn parse(name: &str) -> (Page, Vec<String>) {
    let path = format!("{}/tests/malformed/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let (page, diagnostics) = parse_page(&format!("malformed/{name}"), &text, &options);
    (page, diagnostics.iter().map(ToString::to_string).collect())
}

#[test]
fn page_without_a_method_line_has_no_operation_and_says_where() {
    let (page, diagnostics) = parse("no-method-line.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/no-method-line.md:6:1: error[method-line-missing]: no method line: expected an HTTP method and a URL such as `GET` https://host/path"
        ]
    );
    assert!(page.operation.is_none());
    assert_eq!(page.id, "no-method-line");
}

#[test]
fn table_without_delimiter_row_is_reported() {
    let (page, diagnostics) = parse("broken-table.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/broken-table.md:14:1: error[table-malformed]: malformed table: no delimiter row (`| --- | --- |`) under its header, so its rows are read as text"
        ]
    );
    let operation = page.operation.expect("the method line still counts");
    assert_eq!(operation.path, "/send-text");
    assert!(operation.required.is_empty());
}

#[test]
fn unclosed_fence_is_reported_and_the_sections_after_it_survive() {
    let (page, diagnostics) = parse("unclosed-fence.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/unclosed-fence.md:14:1: error[fence-unclosed]: code fence is never closed: it swallows the rest of the page; close it with a line of backticks"
        ]
    );
    let operation = page.operation.expect("operation");
    let statuses: Vec<u16> = operation.responses.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 405]);
    assert_eq!(operation.responses[0].example, Some(serde_json::json!([{ "phone": "5511999999999" }])));
    assert_eq!(operation.responses[1].description, "Wrong method.");
}

#[test]
fn invalid_front_matter_is_reported_and_the_page_still_parses() {
    let (page, diagnostics) = parse("invalid-front-matter.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/invalid-front-matter.md:3:6: error[front-matter-invalid]: invalid front matter: illegal placement of ':' indicator",
            "malformed/invalid-front-matter.md:1:1: error[front-matter-no-id]: front matter has no `id`; using the file name `invalid-front-matter`",
        ]
    );
    assert_eq!(page.id, "invalid-front-matter");
    assert_eq!(page.operation.expect("operation").path, "/chats");
}

#[test]
fn json_with_a_comment_is_repaired_and_reported() {
    let (page, diagnostics) = parse("bad-json.md");
    assert_eq!(
        diagnostics,
        ["malformed/bad-json.md:15:1: warning[json-repaired]: JSON example repaired: removed comments"]
    );
    assert_eq!(page.operation.expect("operation").responses[0].example, Some(serde_json::json!({"value": true})));
}

#[test]
fn json_no_repair_saves_is_dropped_and_points_inside_the_fence() {
    let (page, diagnostics) = parse("broken-json.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/broken-json.md:16:12: warning[json-unparsable]: JSON example does not parse and was dropped: expected value"
        ]
    );
    assert_eq!(page.operation.expect("operation").responses[0].example, None);
}

/// Issue 22: the page's own line and column of the bad token, not the fence's coordinates (a
/// word cut short at the end of its line used to be reported at the next line's column 1).
#[test]
fn a_json_error_points_at_the_bad_token_on_the_page() {
    let text = "---\nid: t\n---\n\n## Método\n\n`POST` https://api.example.com/api/t\n\n## Response\n\n### 200\n\n\
                ```json\n{\n  \"ok\": tru\n}\n```\n";
    let (_, diagnostics) = parse_page("t.md", text, &ParseOptions::default());
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["t.md:15:9: warning[json-unparsable]: JSON example does not parse and was dropped: expected ident"]
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    let options = ParseOptions::default();
    for text in [
        "",
        "---",
        "---\n",
        "```",
        "|",
        "## Método\n`GET`",
        "# \u{0}\n| a |\n|---|\n| \u{FFFD} |",
        "---\nid: x\n---\n```json\n{",
    ] {
        let _ = parse_page("x.md", text, &options);
    }
}

#[test]
fn repeated_rows_keep_the_first_and_required_wins_with_a_warning_at_each_row() {
    let (page, diagnostics) = parse("repeated-rows.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/repeated-rows.md:16:1: warning[duplicate-header]: header `ticket` is given twice (first at line 15): this row is ignored",
            "malformed/repeated-rows.md:26:1: warning[duplicate-attribute]: `phone` is listed twice in the required attributes table (first at line 24): this row is ignored",
            "malformed/repeated-rows.md:32:1: warning[required-and-optional]: `name` is both required (line 25) and optional: read as required, this row is ignored",
            "malformed/repeated-rows.md:45:1: warning[required-and-optional]: `id` is both required (line 39) and optional: read as required, this row is ignored",
            "malformed/repeated-rows.md:55:1: warning[duplicate-attribute]: `phone` is listed twice in the response 200 table (first at line 53): this row is ignored",
        ]
    );
    let operation = page.operation.expect("operation");
    let names = |rows: &[plugchat_spec::Attribute]| rows.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&operation.required), ["phone", "name"]);
    assert_eq!(operation.required[0].ty, "string", "the first row is kept");
    assert_eq!(names(&operation.optional), ["topic"]);
    assert_eq!(names(&operation.objects[0].required), ["id"]);
    assert!(operation.objects[0].optional.is_empty());
    assert_eq!(names(&operation.responses[0].fields), ["phone", "participants", "Phone"], "`Phone` is another name");
    let headers: Vec<&str> = operation.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(headers, ["Authorization", "Ticket"]);
}

/// A Tipo that is neither a known type nor the name of a sub-table of the page is reported at
/// its row; a sub-table name, a list of known types and `object` are not.
#[test]
fn a_tipo_naming_no_sub_table_is_reported() {
    let (_, diagnostics) = parse("unknown-tipo.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/unknown-tipo.md:17:1: warning[type-unknown]: Tipo `array de tag` of `tags` names no sub-table and no known type"
        ]
    );
}

/// A configuration call whose attribute table lists the payload its response examples show:
/// one warning at the table, the rows become the response's fields (dotted rows one object),
/// and the request keeps no attribute the example does not send.
#[test]
fn attribute_table_describing_the_response_is_read_as_the_response() {
    let (page, diagnostics) = parse("attributes-describe-response.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/attributes-describe-response.md:22:1: warning[attributes-describe-response]: the attribute table describes the response 200 example, not the request: none of its 6 rows is in the request example and 6 are in the response's; read as the response's fields, not as request attributes",
            "malformed/attributes-describe-response.md:12:1: warning[example-key-unknown]: request example key `value` is not in the table",
            // The response is compared with its first example only, which shows no media.
            "malformed/attributes-describe-response.md:27:1: note[response-field-missing-from-example]: `media` is in the response 200 table but not in its example",
        ]
    );
    let operation = page.operation.expect("operation");
    assert!(operation.required.is_empty() && operation.optional.is_empty(), "{operation:?}");
    let fields: Vec<(&str, &str)> =
        operation.responses[0].fields.iter().map(|f| (f.name.as_str(), f.ty.as_str())).collect();
    assert_eq!(
        fields,
        [
            ("phone", "string"),
            ("status", "string"),
            ("sentAt", "timestamp"),
            ("media", "object"),
            ("customId", "string")
        ]
    );
    assert!(operation.responses[0].fields[3].description.contains("`mimeType` (string)"));
}

/// The same page where the evidence is weaker: nothing moves and the usual per-row
/// diagnostics stay.
#[test]
fn attribute_table_stays_the_request_without_evidence() {
    let path = format!("{}/tests/malformed/attributes-describe-response.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let variants = [
        // An ordinary request: it sends the required rows and leaves optional ones out.
        text.replacen(
            "\"value\": \"https://example.org/hooks/delivery\"",
            "\"phone\": \"5511\", \"status\": \"x\", \"sentAt\": 1, \"media\": {}",
            1,
        ),
        // A request sharing one name with the response (`phone`).
        text.replacen("\"value\": \"https://example.org/hooks/delivery\"", "\"phone\": \"5511\"", 1),
        // A request showing none of the rows, but a response showing only two of six.
        text.replace("  \"status\": \"DELIVERED\",\n  \"sentAt\": 1632228638000,\n", "")
            .replace("\"customId\": \"a1\"", "\"zaapId\": \"a1\"")
            .replace("\"media\": { \"url\": \"https://example.org/a.png\", \"mimeType\": \"image/png\" }", "\"id\": 1"),
    ];
    for (i, variant) in variants.iter().enumerate() {
        assert_ne!(variant, &text, "variant {i} edits the page");
        let (page, diagnostics) = parse_page("malformed/variant.md", variant, &options);
        let rules: Vec<&str> = diagnostics.iter().map(|d| d.rule.id()).collect();
        assert!(!rules.contains(&"attributes-describe-response"), "variant {i}: {rules:?}");
        let operation = page.operation.expect("operation");
        assert_eq!(operation.required.len(), 5, "variant {i}");
        assert_eq!(operation.optional.len(), 1, "variant {i}");
    }
}

/// Response fields as read, by name.
fn response_fields(page: &Page) -> Vec<String> {
    let operation = page.operation.as_ref().expect("operation");
    operation.responses[0].fields.iter().map(|f| f.name.clone()).collect()
}

#[test]
fn a_labelled_table_under_the_response_describes_a_nested_object_not_more_fields() {
    let (page, diagnostics) = parse("response-nested-table.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/response-nested-table.md:25:1: note[response-nested-table]: table describes the nested `participants` of the response 200: its 2 rows are not read as top-level fields",
            "malformed/response-nested-table.md:32:1: note[response-nested-table]: table describes the nested `createdBy` of the response 200: its 2 rows are not read as top-level fields",
        ]
    );
    assert_eq!(response_fields(&page), ["phone", "subject", "participants", "createdBy"]);
    // The labels describe the tables, not the response.
    assert_eq!(page.operation.unwrap().responses[0].description, "Everything known about the group.");
}

#[test]
fn prose_or_a_label_before_the_first_table_does_not_make_a_nested_table() {
    let text =
        std::fs::read_to_string(format!("{}/tests/malformed/response-nested-table.md", env!("CARGO_MANIFEST_DIR")))
            .expect("fixture");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let rules = |text: &str| {
        let (page, diagnostics) = parse_page("p.md", text, &options);
        (response_fields(&page), diagnostics.iter().map(|d| d.rule.id()).collect::<Vec<_>>())
    };

    // A sentence is no label: its table's rows stay the response's (and `phone` repeats).
    let prose = text.replacen(
        "Array String (participants)",
        "Each participant of the group is listed with the keys below, one row per key.",
        1,
    );
    let (fields, found) = rules(&prose);
    assert_eq!(found, ["response-nested-table", "duplicate-attribute", "response-field-missing-from-example"]);
    assert_eq!(fields, ["phone", "subject", "participants", "createdBy", "isAdmin"]);

    // A label naming nothing read so far, and not shaped `Array X`/`Objeto X`, is prose.
    let (_, found) = rules(&text.replacen("Objeto Creator", "See also", 1));
    assert_eq!(found, ["response-nested-table", "duplicate-attribute", "response-table-flat"]);

    // `Objeto X` naming no field read so far still labels a nested object by its shape.
    let (fields, found) = rules(&text.replacen("Objeto Creator", "Objeto Owner", 1));
    assert_eq!(found, ["response-nested-table", "response-nested-table"]);
    assert_eq!(fields, ["phone", "subject", "participants", "createdBy"]);

    // A label above the response's first table introduces the response itself.
    let first = text.replacen("Everything known about the group.", "Array Groups", 1);
    let (fields, found) = rules(&first);
    assert_eq!(found, ["response-nested-table", "response-nested-table"]);
    assert_eq!(fields, ["phone", "subject", "participants", "createdBy"]);
}

#[test]
fn json_fences_holding_code_are_one_diagnostic_for_the_page() {
    let (page, diagnostics) = parse("code-in-json-fence.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/code-in-json-fence.md:23:1: warning[json-fence-holds-code]: ```json fence holds code, not JSON (`case 'GROUP_CREATE':`), as does 1 more fence on this page (line 29): dropped as examples"
        ]
    );
    // The examples around them are read as usual.
    let operation = page.operation.expect("operation");
    assert_eq!(operation.responses[0].example, Some(serde_json::json!({ "messageId": "3EB0" })));

    // Broken JSON is still broken JSON, one diagnostic per fence.
    let text = std::fs::read_to_string(format!("{}/tests/malformed/code-in-json-fence.md", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    let options = ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let broken = text.replacen("{ \"messageId\": \"3EB0\" }", "{ messageId: <the id>; }", 1);
    let (_, diagnostics) = parse_page("p.md", &broken, &options);
    let rules: Vec<&str> = diagnostics.iter().map(|d| d.rule.id()).collect();
    assert_eq!(rules, ["json-unparsable", "json-fence-holds-code"]);
}

#[test]
fn comments_whose_close_overlaps_the_open_are_whole_comments() {
    // `<!-->` and `<!--->` once made the allow-comment scan slice backwards and panic.
    for (text, unknown) in [
        ("# A\n<!-->\n`GET` https://x.test/a\n", 0),
        ("# A\n<!--->\n<!-- check: allow nope -->\n", 1),
        ("# A\n<!-- check: allow nope", 1),
        ("<!--", 0),
    ] {
        let sources = vec![("a.md".to_owned(), text.as_bytes().to_vec())];
        let (_, diagnostics) = plugchat_spec::parse_sources("docs", &sources, Some("https://x.test".into()));
        let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered.iter().filter(|d| d.contains("names no rule `nope`")).count(),
            unknown,
            "{text:?}: {rendered:?}"
        );
    }
}

/// `id: !x` is a YAML tag with no value (found by the mutation property test): the id falls back
/// to the file name, with an error, as for a missing id.
#[test]
fn an_id_that_yaml_reads_as_empty_falls_back_to_the_file_name() {
    for (front, name, said) in [
        ("id: !send-text", "tagged-id.md", "front matter's `id` is empty"),
        ("id: ''", "quoted-id.md", "front matter's `id` is empty"),
        ("id:", "empty-id.md", "front matter has no `id`"),
    ] {
        let text =
            format!("---\n{front}\ntitle: Enviar\n---\n\n## Método\n\n`POST` https://api.example.com/api/send-text\n");
        let (page, diagnostics) = parse_page(&format!("malformed/{name}"), &text, &ParseOptions::default());
        let stem = name.trim_end_matches(".md");
        assert_eq!(page.id, stem, "{front}");
        let expected = format!("malformed/{name}:1:1: error[front-matter-no-id]: {said}; using the file name `{stem}`");
        assert!(diagnostics.iter().any(|d| d.to_string() == expected), "{front}: {diagnostics:?}");
    }
}

/// Nine levels of ten aliases each expand to 10⁹ nodes (GBs) in a YAML loader that copies
/// anchors: front matter refuses the first alias, at its position, and the id and title are
/// still read.
#[test]
fn a_yaml_alias_bomb_in_front_matter_is_refused_at_the_first_alias() {
    let (page, diagnostics) = parse("yaml-alias-bomb.md");
    assert_eq!(
        diagnostics,
        [
            "malformed/yaml-alias-bomb.md:5:8: error[front-matter-invalid]: invalid front matter: YAML alias `*a` refused: aliases are not allowed here (write the value out)"
        ]
    );
    assert_eq!((page.id.as_str(), page.title.as_str()), ("yaml-alias-bomb", "Nine levels of aliases, ten each"));
    assert_eq!(page.operation.expect("operation").path, "/chats");
}

/// The same bomb as a tree's `api.yml`: a manifest error at the alias, the pages still read.
#[test]
fn a_yaml_alias_bomb_in_api_yml_is_refused_at_the_first_alias() {
    let fixture = std::fs::read_to_string(format!("{}/tests/malformed/yaml-alias-bomb.md", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    let yaml: String = fixture.lines().skip(3).take_while(|l| *l != "---").map(|l| format!("{l}\n")).collect();
    let dir = std::env::temp_dir().join(format!("plugchat-malformed-{}-bomb", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("chats")).unwrap();
    std::fs::write(dir.join("api.yml"), format!("base_url: https://api.example.com/api\n{yaml}")).unwrap();
    let page = "---\nid: list\ntitle: List\n---\n\n`GET` https://api.example.com/api/chats\n";
    std::fs::write(dir.join("chats/list.md"), page).unwrap();
    let (spec, diagnostics) = plugchat_spec::parse_tree(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let shown: Vec<String> =
        diagnostics.iter().map(|d| d.to_string().replace(&dir.display().to_string(), "docs")).collect();
    assert_eq!(
        shown,
        [
            "docs/api.yml:3:8: error[manifest-invalid]: invalid manifest: YAML alias `*a` refused: aliases are not allowed here (write the value out)"
        ]
    );
    assert_eq!(spec.pages.len(), 1);
}

/// `message/big.md` parsed as a tree would be.
fn parse_big(page: String) -> Vec<Diagnostic> {
    let sources = vec![("message/big.md".to_owned(), page.into_bytes())];
    plugchat_spec::parse_sources("docs", &sources, Some("https://x.example/api".into())).1
}

/// 40 000 rows and one repeated (compared pair by pair it took 22 s): the repeat is found,
/// pointing at its first row, and every row the example lacks is reported once.
#[test]
fn big_pages_a_40k_row_table_finds_its_one_repeated_row() {
    let diagnostics = parse_big(big_pages::rows(40_000));
    let repeated: Vec<String> =
        diagnostics.iter().filter(|d| d.rule == Rule::DuplicateAttribute).map(ToString::to_string).collect();
    let first = big_pages::FIRST_ROW_LINE;
    assert_eq!(
        repeated,
        [format!(
            "docs/message/big.md:{}:1: warning[duplicate-attribute]: `fieldaaaa` is listed twice in the required attributes table (first at line {first}): this row is ignored",
            first + 40_000
        )]
    );
    let missing = diagnostics.iter().filter(|d| d.rule == Rule::RequiredMissingFromExample).count();
    assert_eq!((missing, diagnostics.len()), (39_999, 40_000));
}

/// Every key of a 256 KB example is one edit from one row of the table: each is reported as
/// a misspelling of its own row (the check once compared every key with every row).
#[test]
fn big_pages_near_miss_keys_each_name_their_own_row() {
    let (page, count) = big_pages::near_miss_keys_counted(256 << 10);
    let diagnostics = parse_big(page);
    let mut said: Vec<String> = diagnostics.iter().map(|d| format!("{}: {}", d.rule.id(), d.message)).collect();
    let mut expected: Vec<String> = (0..count)
        .map(|i| {
            format!(
                "example-key-misspelled: `{}` in the request example: did you mean `{}` (line {} of the table)?",
                big_pages::near_miss_key(i),
                big_pages::near_miss_name(i),
                big_pages::FIRST_ROW_LINE + i
            )
        })
        .collect();
    said.sort();
    expected.sort();
    assert!(count > 4_000, "{count}");
    assert_eq!(said, expected);
}

/// 1 MB of unknown ids in one allow comment: one diagnostic per id, all at the comment (the
/// line index was once rebuilt for each).
#[test]
fn big_pages_an_allow_comment_of_unknown_ids_reports_each_at_the_comment() {
    let (page, count) = big_pages::allow_comment_counted(1 << 20);
    let diagnostics = parse_big(page);
    assert!(count > 50_000, "{count}");
    assert!(
        diagnostics.iter().all(|d| d.rule == Rule::UnknownRule && d.location.to_string() == "docs/message/big.md:10:1")
    );
    let named: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    let expected: Vec<String> =
        (0..count).map(|i| format!("`check: allow` names no rule `nope{}`", big_pages::code(i))).collect();
    assert_eq!(named, expected);
}
