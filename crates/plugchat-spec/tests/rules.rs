//! Every rule, both ways: a small tree that must trigger it and one that must not (most often
//! the clean page below, or the trigger with its defect fixed). A rule without a case fails
//! `every_rule_has_a_case`. Then the configuration: `api.yml` levels, `check: allow` comments.

use std::path::{Path, PathBuf};

use plugchat_spec::{Diagnostic, Rule, Severity};

/// A page every rule accepts: front matter, method line, required and optional attributes,
/// a request example using both, a response table with its example.
const CLEAN: &str = r#"---
id: send-text
title: Send text
---

## Método

#### /send-text

`POST` https://x.example/api/send-text

## Header

| Key | Value |
| :-- | :-- |
| Authorization: | token |

## Atributos

### Obrigatórios

| Atributos | Tipo | Descrição |
| :-- | :-: | :-- |
| phone | string | Destination |

### Opcionais

| Atributos | Tipo | Descrição |
| :-- | :-: | :-- |
| delayMessage | integer | Delay in seconds |

## Request Body

```json
{ "phone": "5511999999999", "delayMessage": 2 }
```

## Response

### 200

| Atributos | Tipo | Descrição |
| :-- | :-: | :-- |
| messageId | string | Id |

```json
{ "messageId": "3EB0" }
```
"#;

/// A configuration call whose attribute table lists the fields its response examples show.
const RESPONSE_TABLE_PAGE: &str = include_str!("malformed/attributes-describe-response.md");

/// A response with sub-tables labelled `Array String (participants)` and `Objeto Creator`.
const NESTED_TABLE_PAGE: &str = include_str!("malformed/response-nested-table.md");

/// The clean page as another endpoint: `id` and path replaced.
fn page(id: &str, method: &str, path: &str) -> String {
    CLEAN
        .replace("id: send-text", &format!("id: {id}"))
        .replace("#### /send-text", &format!("#### /{}", path.rsplit('/').next().unwrap_or(path)))
        .replace("`POST` https://x.example/api/send-text", &format!("`{method}` https://x.example/api/{path}"))
}

/// The clean page with `from` replaced by `to` (which must occur).
fn edit(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "the clean page has no `{from}`");
    CLEAN.replacen(from, to, 1)
}

/// A file of a test tree; `Link` is a symbolic link to a file that does not exist.
enum File {
    Text(&'static str, String),
    Bytes(&'static str, Vec<u8>),
    #[cfg_attr(not(unix), allow(dead_code))]
    Link(&'static str),
    /// A symbolic link to a directory outside the tree (the system's temporary directory).
    #[cfg_attr(not(unix), allow(dead_code))]
    DirLink(&'static str),
}

fn text(path: &'static str, contents: impl Into<String>) -> File {
    File::Text(path, contents.into())
}

/// Writes `files` to a fresh directory and parses it as a docs tree.
fn check(name: &str, files: &[File]) -> Vec<Diagnostic> {
    let dir: PathBuf = std::env::temp_dir().join(format!("plugchat-rules-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in files {
        let write = |path: &str, bytes: &[u8]| {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        match file {
            File::Text(path, contents) => write(path, contents.as_bytes()),
            File::Bytes(path, bytes) => write(path, bytes),
            #[cfg(unix)]
            File::Link(path) => {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::os::unix::fs::symlink(dir.join("nowhere.md"), path).unwrap();
            }
            #[cfg(unix)]
            File::DirLink(path) => {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::os::unix::fs::symlink(std::env::temp_dir(), path).unwrap();
            }
            #[cfg(not(unix))]
            File::Link(_) | File::DirLink(_) => {}
        }
    }
    let (_, diagnostics) = plugchat_spec::parse_tree(Path::new(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
    diagnostics
}

/// One rule's case: a tree that triggers it, one that must not.
struct Case {
    rule: Rule,
    triggers: Vec<File>,
    passes: Vec<File>,
}

fn case(rule: Rule, triggers: Vec<File>, passes: Vec<File>) -> Case {
    Case { rule, triggers, passes }
}

/// The clean page alone.
fn clean() -> Vec<File> {
    vec![text("message/send-text.md", CLEAN)]
}

/// One page at `message/send-text.md`.
fn one(page: String) -> Vec<File> {
    vec![text("message/send-text.md", page)]
}

const BASE: &str = "base_url: https://x.example/api\n";

fn cases() -> Vec<Case> {
    let attributes_table = "| Atributos | Tipo | Descrição |\n| :-- | :-: | :-- |\n| phone | string | Destination |\n";
    let get_page = |request: &str| {
        edit("`POST` https://x.example/api/send-text", "`GET` https://x.example/api/send-text")
            .replace("## Request Body\n\n```json\n{ \"phone\": \"5511999999999\", \"delayMessage\": 2 }\n```", request)
    };
    let callback = |event: &str| {
        format!(
            "---\nid: on-receive\ntitle: Received\n---\n\n## Evento\n\n{event}\n## Atributos\n\n### Obrigatórios\n\n{attributes_table}"
        )
    };
    vec![
        #[cfg(unix)]
        case(Rule::FileUnreadable, vec![File::Link("message/gone.md")], clean()),
        #[cfg(unix)]
        case(Rule::SymlinkNotFollowed, vec![text("message/send-text.md", CLEAN), File::DirLink("chats")], clean()),
        case(Rule::ManifestInvalid, vec![text("api.yml", "base_url: [\n")], vec![text("api.yml", BASE)]),
        case(
            Rule::UnknownRule,
            vec![text("api.yml", "lint:\n  rules:\n    no-such-rule: off\n")],
            vec![text("api.yml", "lint:\n  rules:\n    json-repaired: note\n")],
        ),
        case(Rule::PageWithoutExtension, vec![text("message/send-text", CLEAN)], clean()),
        case(
            Rule::PageNotUtf8,
            vec![File::Bytes("message/send-text.md", [CLEAN.as_bytes(), b"\xff\xfe"].concat())],
            clean(),
        ),
        case(
            Rule::FrontMatterMissing,
            one(CLEAN.replacen("---\nid: send-text\ntitle: Send text\n---\n", "", 1)),
            clean(),
        ),
        case(
            Rule::FrontMatterUnclosed,
            one("---\nid: send-text\ntitle: Send text\n".to_owned()),
            one("---\nid: send-text\ntitle: Send text\n---\n".to_owned()),
        ),
        case(Rule::FrontMatterInvalid, one(edit("id: send-text", "id: [send-text")), clean()),
        case(
            Rule::FrontMatterRunsIntoPage,
            one(CLEAN.replacen("title: Send text\n---\n", "title: `Send text\n", 1).replacen(
                "## Header",
                "---\n\n## Header",
                1,
            )),
            clean(),
        ),
        case(Rule::FrontMatterIdDoubled, one(edit("id: send-text", "id:id: send-text")), clean()),
        case(Rule::FrontMatterNoId, one(edit("id: send-text\n", "")), clean()),
        case(
            Rule::NameInvalid,
            one(edit("id: send-text", "id: send/../text")),
            one(edit("id: send-text", "id: send_Text-2")),
        ),
        case(
            Rule::NameInvalid,
            vec![text("message s/send-text.md", CLEAN)],
            vec![text("message-s_2/send-text.md", CLEAN)],
        ),
        case(Rule::FenceUnclosed, one(edit("\"3EB0\" }\n```", "\"3EB0\" }\n")), clean()),
        case(
            Rule::TableMalformed,
            one(edit(
                "| Atributos | Tipo | Descrição |\n| :-- | :-: | :-- |\n| phone",
                "| Atributos | Tipo | Descrição |\n| phone",
            )),
            clean(),
        ),
        case(Rule::MethodLineMissing, one(edit("`POST` https://x.example/api/send-text", "")), clean()),
        case(
            Rule::MethodLineWithoutUrl,
            one(edit("`POST` https://x.example/api/send-text", "#### `POST` send-text")),
            clean(),
        ),
        case(
            Rule::UrlOutsideBase,
            vec![
                text("api.yml", BASE),
                text("message/send-text.md", edit("x.example/api/send-text", "x.example/v2/send-text")),
            ],
            vec![text("api.yml", BASE), text("message/send-text.md", CLEAN)],
        ),
        case(Rule::HeadingPathMismatch, one(edit("#### /send-text", "#### /send-txt")), clean()),
        // A heading of just `/` names no path, so it contradicts none.
        case(
            Rule::HeadingPathMismatch,
            one(edit("#### /send-text", "#### /Send-Txt")),
            one(edit("#### /send-text", "#### /")),
        ),
        case(
            Rule::EventDiscriminatorMissing,
            one(callback("")),
            one(callback("| Campo | Valor |\n| :-- | :-- |\n| type | ReceivedCallback |\n")),
        ),
        case(Rule::AttributeTableUngrouped, one(edit("### Obrigatórios\n\n", "")), clean()),
        case(
            Rule::DuplicateAttribute,
            one(edit(
                "| phone | string | Destination |\n",
                "| phone | string | Destination |\n| phone | string | Again |\n",
            )),
            clean(),
        ),
        case(
            Rule::RequiredAndOptional,
            one(edit("| delayMessage | integer | Delay in seconds |", "| phone | string | Again |")),
            clean(),
        ),
        case(
            Rule::DuplicateHeader,
            one(edit("| Authorization: | token |\n", "| Authorization: | token |\n| authorization: | again |\n")),
            clean(),
        ),
        case(Rule::TypeUnknown, one(edit("| phone | string |", "| phone | Telefone |")), clean()),
        case(
            Rule::TypeMisspelled,
            one(edit("| phone | string |", "| phone | strng |")),
            // A word far from every type is a sub-table that is missing, not a typo.
            one(edit("| phone | string |", "| phone | Telefone |")),
        ),
        case(Rule::JsonRepaired, one(edit("{ \"phone\"", "// the destination\n{ \"phone\"")), clean()),
        case(Rule::JsonUnparsable, one(edit("{ \"phone\": \"5511999999999\",", "{ phone: <the number>,")), clean()),
        case(
            Rule::JsonFenceHoldsCode,
            one(include_str!("malformed/code-in-json-fence.md").to_owned()),
            // The same snippets labelled with their language are not examples at all.
            one(include_str!("malformed/code-in-json-fence.md").replace("```json\ncase", "```js\ncase")),
        ),
        case(
            Rule::AttributesDescribeResponse,
            one(RESPONSE_TABLE_PAGE.to_owned()),
            // The request sends one of the rows (the response shows it too): an ordinary request.
            one(RESPONSE_TABLE_PAGE.replacen(
                "\"value\": \"https://example.org/hooks/delivery\"",
                "\"phone\": \"5511\"",
                1,
            )),
        ),
        case(
            Rule::GetWithBody,
            one(edit("`POST` https://x.example/api/send-text", "`GET` https://x.example/api/send-text")),
            clean(),
        ),
        case(
            Rule::RequiredMissingFromExample,
            one(edit("\"phone\": \"5511999999999\", ", "")),
            one(edit("\"delayMessage\": 2", "\"delayMessage\": 2, \"phones\": 1").replacen(", \"phones\": 1", "", 1)),
        ),
        case(Rule::OptionalMissingFromExample, one(edit(", \"delayMessage\": 2", "")), clean()),
        case(
            Rule::ExampleUrlWithoutQuery,
            one(get_page("## Request Params\n\n`GET` https://x.example/api/send-text")),
            one(get_page("## Request Params\n\n`GET` https://x.example/api/send-text?phone=5511&delayMessage=2")),
        ),
        case(
            Rule::PathSegmentLiteral,
            one(page("send-text", "POST", "send-text/5511999999999")
                .replacen("| phone | string | Destination |", "| phone | string | Destination, in the path |", 1)
                .replacen("\"phone\": \"5511999999999\", ", "", 1)),
            // Without the description's word, an example value in the URL is left as written.
            one(page("send-text", "POST", "send-text/5511999999999")),
        ),
        case(
            Rule::AttributesTableMissing,
            // The clean page without its attributes section: the example is all that documents the body.
            one(CLEAN[..CLEAN.find("## Atributos").unwrap()].to_owned()
                + &CLEAN[CLEAN.find("## Request Body").unwrap()..]),
            clean(),
        ),
        case(
            Rule::ExampleKeyUnknown,
            one(edit("\"delayMessage\": 2", "\"delayMessage\": 2, \"linkUrl\": \"x\"")),
            clean(),
        ),
        case(Rule::ExampleKeyMisspelled, one(edit("\"delayMessage\"", "\"delayMesage\"")), clean()),
        case(Rule::ExampleTypeMismatch, one(edit("\"phone\": \"5511999999999\"", "\"phone\": 5511999999999")), clean()),
        case(Rule::ResponseFieldMissingFromExample, one(edit("{ \"messageId\": \"3EB0\" }", "{}")), clean()),
        case(
            Rule::ExampleTypesDisagree,
            // A key the table does not type (a typed one an element contradicts is a mismatch).
            one(edit(
                "{ \"messageId\": \"3EB0\" }",
                "[{ \"messageId\": \"3EB0\", \"n\": \"1\" }, { \"messageId\": \"3EB1\", \"n\": 5 }]",
            )),
            // Elements that differ in keys, or in an integer against a fraction, agree.
            one(edit("{ \"messageId\": \"3EB0\" }", "[{ \"messageId\": \"3EB0\", \"n\": 1 }, { \"n\": 1.5 }]")),
        ),
        case(
            Rule::ResponseKeyUndocumented,
            one(edit("{ \"messageId\": \"3EB0\" }", "{ \"messageId\": \"3EB0\", \"zaapId\": \"1\" }")),
            clean(),
        ),
        case(
            Rule::ResponseTableUnrelated,
            one(edit("{ \"messageId\": \"3EB0\" }", "{ \"total\": 3, \"unread\": 1 }").replacen(
                "| messageId | string | Id |",
                "| messageId | string | Id |\n| zaapId | string | Id |",
                1,
            )),
            // One field of the table shown is enough to relate them.
            one(edit("{ \"messageId\": \"3EB0\" }", "{ \"messageId\": \"3EB0\", \"unread\": 1 }")),
        ),
        case(
            Rule::ResponseTableFlat,
            one(edit("{ \"messageId\": \"3EB0\" }", "{ \"data\": { \"messageId\": \"3EB0\" } }")),
            clean(),
        ),
        case(
            Rule::ResponseNestedTable,
            one(NESTED_TABLE_PAGE.to_owned()),
            // Without their labels the tables are the response's own (and repeat `phone`).
            one(NESTED_TABLE_PAGE.replacen("Array String (participants)\n\n", "", 1).replacen(
                "Objeto Creator\n\n",
                "",
                1,
            )),
        ),
        case(
            Rule::DuplicateId,
            vec![text("message/a.md", page("same", "POST", "a")), text("message/b.md", page("same", "POST", "b"))],
            vec![text("message/a.md", page("a", "POST", "a")), text("message/b.md", page("b", "POST", "b"))],
        ),
        case(
            Rule::DuplicateEndpoint,
            vec![text("message/a.md", page("a", "POST", "send")), text("message/b.md", page("b", "POST", "send"))],
            vec![text("message/a.md", page("a", "POST", "send")), text("message/b.md", page("b", "PUT", "send"))],
        ),
        case(
            Rule::PathNestedUnderAction,
            vec![
                text("message/a.md", page("a", "POST", "send-text")),
                text("message/b.md", page("b", "POST", "send-text/send-audio")),
            ],
            vec![
                text("message/a.md", page("a", "GET", "contacts")),
                text("message/b.md", page("b", "POST", "contacts/add")),
            ],
        ),
        case(
            Rule::PathTruncated,
            vec![
                text("message/a.md", page("a", "PUT", "update-webhooks")),
                text("message/b.md", page("b", "PUT", "update-webhoo")),
            ],
            vec![text("message/a.md", page("a", "GET", "users")), text("message/b.md", page("b", "GET", "user"))],
        ),
        case(
            Rule::ActionMethodConflict,
            vec![
                text("message/a.md", page("a", "POST", "send-text")),
                text("message/b.md", get_page("").replace("id: send-text", "id: b")),
            ],
            vec![text("message/a.md", page("a", "POST", "queue")), text("message/b.md", page("b", "GET", "queue"))],
        ),
    ]
}

fn rules_of(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
}

#[test]
fn every_rule_triggers_on_its_case_and_not_on_the_clean_tree() {
    let mut failures = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        let id = case.rule.id();
        let found = check(&format!("{i}-t"), &case.triggers);
        if !found.iter().any(|d| d.rule == case.rule) {
            failures.push(format!("{id} not reported on its trigger; got:\n  {}", rules_of(&found).join("\n  ")));
        }
        let found = check(&format!("{i}-p"), &case.passes);
        if found.iter().any(|d| d.rule == case.rule) {
            failures.push(format!("{id} reported on the passing tree:\n  {}", rules_of(&found).join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_clean_page_has_no_diagnostic() {
    assert_eq!(rules_of(&check("clean", &clean())), Vec::<String>::new());
}

#[test]
fn every_rule_has_a_case() {
    let covered: Vec<Rule> = cases().iter().map(|c| c.rule).collect();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| !covered.contains(r))
        .map(|r| r.id())
        .filter(|id| !["file-unreadable", "symlink-not-followed"].contains(id) || cfg!(unix))
        .collect();
    assert!(missing.is_empty(), "rules without a test case: {missing:?}");
}

/// The misspelling the issue names gives one diagnostic naming both spellings, not two.
#[test]
fn a_misspelled_example_key_is_one_diagnostic_naming_both_spellings() {
    let found = check("misspelled", &one(edit("\"delayMessage\"", "\"delayMesage\"")));
    assert_eq!(
        rules_of(&found).iter().map(|l| l.split_once(": ").unwrap().1).collect::<Vec<_>>(),
        [
            "warning[example-key-misspelled]: `delayMesage` in the request example: did you mean `delayMessage` (line 30 of the table)?"
        ]
    );
}

/// `#### URL` (the request line) then `#### Body` (the JSON): the body is the request example,
/// so a POST's attributes go in the body, not the query string.
#[test]
fn a_body_heading_after_a_url_heading_holds_the_request_example() {
    let page = edit(
        "## Request Body\n\n```json",
        "## Request Body\n\n#### URL\n\n`POST` https://x.example/api/send-text?phone=1\n\n#### Body\n\n```json",
    );
    let (page, diagnostics) = plugchat_spec::parse_page("message/send-text.md", &page, &Default::default());
    assert_eq!(rules_of(&diagnostics), Vec::<String>::new());
    let example = page.operation.unwrap().request_example.unwrap();
    assert!(matches!(example, plugchat_spec::RequestExample::Json { .. }), "{example:?}");
}

/// The checks and the generated client agree on what goes in the path: a placeholder spelled
/// `{{id-do-produto}}` is filled by the attribute `idDoProduto`, so the JSON example need not
/// show it; and an example URL's query is read percent-decoded (`%32` is `2`, an integer).
#[test]
fn path_attributes_match_placeholders_by_letters_and_digits_and_queries_are_decoded() {
    let post = page("send-text", "POST", "products/{{id-do-produto}}/send-text").replace(
        "| phone | string | Destination |",
        "| phone | string | Destination |\n| idDoProduto | string | Product |",
    );
    let (parsed, diagnostics) = plugchat_spec::parse_page("message/send-text.md", &post, &Default::default());
    assert_eq!(rules_of(&diagnostics), Vec::<String>::new());
    let operation = parsed.operation.unwrap();
    let in_path: Vec<&str> = operation
        .attributes()
        .filter(|(a, _)| operation.location_of(a) == plugchat_model::ParamLocation::Path)
        .map(|(a, _)| a.name.as_str())
        .collect();
    assert_eq!(in_path, ["idDoProduto"]);

    let get = page("send-text", "GET", "send-text").replace(
        "## Request Body\n\n```json\n{ \"phone\": \"5511999999999\", \"delayMessage\": 2 }\n```",
        "## Request\n\n`GET` https://x.example/api/send-text?phone=5511&delayMessage=%32",
    );
    let (_, diagnostics) = plugchat_spec::parse_page("message/send-text.md", &get, &Default::default());
    assert_eq!(rules_of(&diagnostics), Vec::<String>::new());
    let undecodable = get.replace("delayMessage=%32", "delayMessage=%7A");
    let (_, diagnostics) = plugchat_spec::parse_page("message/send-text.md", &undecodable, &Default::default());
    assert_eq!(rules_of(&diagnostics).len(), 1, "`z` is no integer: {diagnostics:?}");
}

#[test]
fn api_yml_sets_levels_and_turns_rules_off() {
    let page =
        one(edit(", \"delayMessage\": 2", "").replace("\"phone\": \"5511999999999\"", "\"phone\": 5511999999999"));
    let levels = |found: &[Diagnostic]| {
        let mut levels: Vec<(Rule, Severity)> = found.iter().map(|d| (d.rule, d.severity)).collect();
        levels.sort();
        levels
    };
    let default = check("levels-default", &page);
    assert_eq!(
        levels(&default),
        [(Rule::OptionalMissingFromExample, Severity::Note), (Rule::ExampleTypeMismatch, Severity::Warning)]
    );
    let manifest = "lint:\n  rules:\n    optional-missing-from-example: off\n    example-type-mismatch: error\n";
    let mut files = page;
    files.push(text("api.yml", manifest));
    assert_eq!(levels(&check("levels-set", &files)), [(Rule::ExampleTypeMismatch, Severity::Error)]);

    let files = vec![text("api.yml", "lint:\n  rules:\n    json-repaired: loud\n")];
    assert_eq!(levels(&check("levels-bad", &files)), [(Rule::ManifestInvalid, Severity::Error)]);
}

#[test]
fn a_page_comment_allows_rules_on_that_page_only() {
    let defect = edit("\"delayMessage\": 2", "\"delayMessage\": 2, \"linkUrl\": \"x\"");
    let allowed = defect.replacen("## Método", "<!-- check: allow example-key-unknown -->\n\n## Método", 1);
    let found = check(
        "allow",
        &[
            text("message/a.md", allowed.replace("id: send-text", "id: a")),
            text("message/b.md", defect.replace("id: send-text", "id: b")),
        ],
    );
    let rules: Vec<(String, Rule)> =
        found.iter().map(|d| (d.location.file.rsplit('/').next().unwrap().to_owned(), d.rule)).collect();
    assert!(rules.contains(&("b.md".to_owned(), Rule::ExampleKeyUnknown)), "{rules:?}");
    assert!(!rules.contains(&("a.md".to_owned(), Rule::ExampleKeyUnknown)), "{rules:?}");

    // Cross-page rules are allowed at the page they are reported at; a wrong id is reported.
    let truncated = page("b", "PUT", "update-webhoo").replacen(
        "## Método",
        "<!-- check: allow path-truncated, no-such-rule -->\n\n## Método",
        1,
    );
    let found = check(
        "allow-cross",
        &[text("message/a.md", page("a", "PUT", "update-webhooks")), text("message/b.md", truncated)],
    );
    assert_eq!(found.iter().map(|d| d.rule).collect::<Vec<_>>(), [Rule::UnknownRule], "{:?}", rules_of(&found));
}

/// The README's rules table is generated from `Rule::ALL`; this keeps them equal.
#[test]
fn readme_rules_table_matches_the_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let table = plugchat_spec::rules_table();
    assert!(
        readme.contains(&table),
        "README.md's rules table is out of date; replace it with the output of `cargo xtask check --list-rules`:\n{table}"
    );
}

/// Issue 22: a duplicate id is reported at both pages, each naming the other: the page just
/// edited may be either one.
#[test]
fn a_duplicate_id_is_reported_at_both_pages() {
    let diagnostics = check(
        "duplicate-id-both",
        &[text("message/a.md", page("same", "POST", "a")), text("message/b.md", page("same", "POST", "b"))],
    );
    let mut found: Vec<(String, String)> = diagnostics
        .iter()
        .filter(|d| d.rule == Rule::DuplicateId)
        .map(|d| {
            let file = Path::new(&d.location.file).file_name().unwrap().to_string_lossy().into_owned();
            (file, d.message.clone())
        })
        .collect();
    found.sort();
    let tail = |m: &str| m.rsplit('/').next().unwrap().to_owned();
    let found: Vec<(String, String)> = found.into_iter().map(|(f, m)| (f, tail(&m))).collect();
    assert_eq!(found, [("a.md".to_owned(), "b.md".to_owned()), ("b.md".to_owned(), "a.md".to_owned())]);
}

/// A page id is a file name for regen (`snapshots__docs_spec__<id>.snap`): one that climbs out
/// with `..` (it checked clean, and regen wrote `/tmp/x/PWNED.snap`) is an error at the id.
#[test]
fn a_page_id_with_a_path_in_it_is_an_error_at_the_id() {
    let evil = "pwn/../../../../tmp/x/PWNED";
    for (front, column) in [(format!("id: {evil}"), 5), (format!("id:id:  {evil}"), 9)] {
        let found = check("evil-id", &one(edit("id: send-text", &front)));
        let shown: Vec<String> = found
            .iter()
            .filter(|d| d.rule == Rule::NameInvalid)
            .map(|d| d.to_string().split_once("/message/").unwrap().1.to_owned())
            .collect();
        assert_eq!(
            shown,
            [format!(
                "send-text.md:2:{column}: error[name-invalid]: page id `{evil}` holds '/': it names generated files and identifiers, so only letters, digits, `-` and `_` are allowed"
            )],
            "{front}"
        );
    }
    // Without an id the file name stands for it, and an empty one is named as such.
    let sources = [("message/.md".to_owned(), edit("id: send-text\n", "").into_bytes())];
    let (_, found) = plugchat_spec::parse_sources("docs", &sources, None);
    assert!(
        found.iter().any(|d| d.rule == Rule::NameInvalid && d.message.starts_with("page id is empty")),
        "{:?}",
        rules_of(&found)
    );
}

/// A symbolic link to a directory (a section) is reported, not skipped in silence; a page or
/// `api.yml` linking outside the tree is reported and never read, so nothing of it reaches
/// the spec or a message.
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_reported_and_never_read() {
    use std::os::unix::fs::symlink;
    let base = std::env::temp_dir().join(format!("plugchat-rules-{}-symlinks", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (tree, outside) = (base.join("docs"), base.join("outside"));
    std::fs::create_dir_all(tree.join("message")).unwrap();
    std::fs::create_dir_all(outside.join("chats")).unwrap();
    std::fs::write(tree.join("message/send-text.md"), CLEAN).unwrap();
    std::fs::write(outside.join("chats/list.md"), page("list", "GET", "chats")).unwrap();
    std::fs::write(outside.join("secret"), "---\nid: SECRET-LINE\n---\n").unwrap();
    std::fs::write(outside.join("secret.yml"), "base_url: SECRET-LINE\nlint: [\n").unwrap();
    symlink(outside.join("chats"), tree.join("chats")).unwrap();
    symlink(outside.join("secret"), tree.join("message/secret.md")).unwrap();
    symlink(outside.join("secret"), tree.join("message/secret")).unwrap();
    symlink(outside.join("secret.yml"), tree.join("api.yml")).unwrap();
    // A link to a page inside the tree is read as that page.
    std::fs::create_dir_all(tree.join("shared")).unwrap();
    std::fs::write(tree.join("shared/status.md"), page("status", "POST", "status")).unwrap();
    symlink(tree.join("shared/status.md"), tree.join("message/status.md")).unwrap();

    let (spec, diagnostics) = plugchat_spec::parse_tree(&tree);
    std::fs::remove_dir_all(&base).unwrap();
    let shown: Vec<String> =
        diagnostics.iter().map(|d| d.to_string().replace(&tree.display().to_string(), "docs")).collect();
    assert_eq!(
        shown.iter().filter(|d| !d.contains("[duplicate-")).collect::<Vec<_>>(),
        [
            "docs/api.yml:1:1: error[symlink-not-followed]: `api.yml` is a symbolic link to a file outside the docs tree: not read",
            "docs/chats:1:1: error[symlink-not-followed]: `chats` is a symbolic link to a directory: not followed, the pages there are not read",
            "docs/message/secret.md:1:1: error[symlink-not-followed]: `message/secret.md` is a symbolic link to a file outside the docs tree: not read",
        ]
    );
    let files: Vec<&str> = spec.pages.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, ["message/send-text.md", "message/status.md", "shared/status.md"]);
    assert!(!format!("{spec:?}{shown:?}").contains("SECRET"));
}
