//! The `rust` verdicts of `cargo xtask diff` are checked, not guessed: for each kind of change,
//! a small docs tree before and after it, and a consumer written against the crate generated
//! from the old tree. Both crates are generated with `cargo xtask generate` and compiled for real
//! by `cargo check` (one cargo invocation, a shared target dir: type and borrow checking is where
//! an API break shows, and it skips the dependencies' code generation); the consumer must compile against the old
//! crate always, and against the new one exactly when the diff did not say `major`. Against the
//! new crate the consumer is a crate of its own (`case-N-use`), so a run checks again only
//! those small crates that must fail (cargo caches no failure), not the generated APIs.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A page of the demo API, with the parts a case changes.
#[derive(Clone)]
struct Page {
    id: &'static str,
    /// The folder (docs section) the page is in.
    folder: &'static str,
    method: &'static str,
    path: &'static str,
    title: &'static str,
    /// `| name | Tipo | description |` rows.
    required: Vec<&'static str>,
    optional: Vec<&'static str>,
    request_example: &'static str,
    response_rows: Vec<&'static str>,
    response_example: &'static str,
    extra_statuses: &'static str,
}

fn send() -> Page {
    Page {
        id: "demo-send",
        folder: "demo",
        method: "POST",
        path: "/v1/demo/send",
        title: "Enviar",
        required: vec!["| phone | string | Telefone |"],
        optional: vec!["| delay | integer | Espera em segundos |", "| kind | string | Tipo. Valores: `a`, `b` |"],
        request_example: r#"{"phone": "5511999999999"}"#,
        response_rows: vec!["| id | string | Identificador |", "| note | string | Nota |"],
        response_example: r#"{"id": "abc"}"#,
        extra_statuses: "",
    }
}

fn other() -> Page {
    Page {
        id: "demo-other",
        folder: "demo",
        method: "GET",
        path: "/v1/demo/other",
        title: "Outro",
        required: vec![],
        optional: vec!["| page | integer | Página |"],
        request_example: "",
        response_rows: vec!["| ok | boolean | Deu certo |"],
        response_example: r#"{"ok": true}"#,
        extra_statuses: "",
    }
}

/// A webhook event page of the demo API.
#[derive(Clone)]
struct Event {
    id: &'static str,
    /// The value of `type` that recognises it.
    kind: &'static str,
    rows: Vec<&'static str>,
    example: &'static str,
}

fn presence() -> Event {
    Event {
        id: "demo-presence",
        kind: "PresenceCallback",
        rows: vec!["| type | string | Evento |", "| phone | string | Telefone |", "| lastSeen | integer | Visto |"],
        example: r#"{"type": "PresenceCallback", "phone": "5511", "lastSeen": 1}"#,
    }
}

fn render_event(event: &Event) -> String {
    format!(
        "---\nid: {}\ntitle: Evento\n---\n\n## Evento\n\n| Campo | Valor |\n| :-- | :-- |\n| type | {} |\n\n\
         ## Atributos\n\n### Obrigatórios\n\n{}\n## Exemplos\n\n### Exemplo\n\n```json\n{}\n```\n",
        event.id,
        event.kind,
        table(&event.rows),
        event.example
    )
}

fn table(rows: &[&str]) -> String {
    let mut out = String::from("| Atributos | Tipo | Descrição |\n| :-- | :-: | :-- |\n");
    for row in rows {
        out.push_str(row);
        out.push('\n');
    }
    out
}

fn render(page: &Page) -> String {
    let mut text = format!(
        "---\nid: {}\ntitle: {}\n---\n\n## Método\n\n`{}` https://api.example.com{}\n\n## Header\n\n\
         | Key | Value |\n| :-: | :-: |\n| Authorization: | token |\n\n## Conceituação\n\n{} algo.\n\n## Atributos\n\n",
        page.id, page.title, page.method, page.path, page.title
    );
    if !page.required.is_empty() {
        text.push_str(&format!("### Obrigatórios\n\n{}\n", table(&page.required)));
    }
    if !page.optional.is_empty() {
        text.push_str(&format!("### Opcionais\n\n{}\n", table(&page.optional)));
    }
    if !page.request_example.is_empty() {
        text.push_str(&format!("## Request Body\n\n```json\n{}\n```\n\n", page.request_example));
    }
    text.push_str(&format!(
        "## Response\n\n### 200\n\n{}\nExemplo\n\n```json\n{}\n```\n\n### 405\n\nMétodo errado.\n{}",
        table(&page.response_rows),
        page.response_example,
        page.extra_statuses
    ));
    text
}

struct Case {
    /// The kind of change the diff must report (and the case's name).
    kind: &'static str,
    /// The rust verdict the diff must give it.
    bump: &'static str,
    old: Vec<Page>,
    new: Vec<Page>,
    /// Webhook event pages of each tree (none unless the case is about events).
    old_events: Vec<Event>,
    new_events: Vec<Event>,
    /// A consumer module written against the old crate.
    consumer: &'static str,
}

/// A change to the operations (no webhook events).
fn case(kind: &'static str, bump: &'static str, old: Vec<Page>, new: Vec<Page>, consumer: &'static str) -> Case {
    Case { kind, bump, old, new, old_events: vec![], new_events: vec![], consumer }
}

/// A change to the webhook events (the operations stay the same).
fn event_case(
    kind: &'static str,
    bump: &'static str,
    old_events: Vec<Event>,
    new_events: Vec<Event>,
    consumer: &'static str,
) -> Case {
    Case { kind, bump, old: vec![send()], new: vec![send()], old_events, new_events, consumer }
}

/// Reads every field of the presence event, matching its variant.
const EVENT_CONSUMER: &str = r#"
pub fn consumer(event: &crate::webhooks::WebhookEvent) -> Option<(String, i64)> {
    match event {
        crate::webhooks::WebhookEvent::DemoPresence(presence) => {
            Some((presence.phone.clone()?, presence.last_seen?))
        }
        _ => None,
    }
}"#;

const CALL_SEND: &str = r#"
pub async fn consumer(client: &crate::Client) -> Result<(), crate::Error> {
    let answer = client.demo_send().phone("5511999999999").send().await?.into_inner();
    let _ = answer;
    Ok(())
}"#;

/// Reads the answer's `id` as a `String`.
const READ_ID: &str = r#"
pub async fn consumer(client: &crate::Client) -> Result<String, crate::Error> {
    let answer = client.demo_send().phone("1").send().await?.into_inner();
    Ok(answer.id.unwrap_or_default())
}"#;

fn cases() -> Vec<Case> {
    let with = |f: &dyn Fn(&mut Page)| {
        let mut page = send();
        f(&mut page);
        vec![page]
    };
    vec![
        case(
            "required-attribute-added",
            "major",
            vec![send()],
            with(&|p| {
                p.required.push("| message | string | Texto |");
                p.request_example = r#"{"phone": "5511999999999", "message": "oi"}"#;
            }),
            CALL_SEND,
        ),
        case(
            "optional-attribute-added",
            "minor",
            vec![send()],
            with(&|p| p.optional.push("| caption | string | Legenda |")),
            CALL_SEND,
        ),
        case(
            "attribute-removed",
            "major",
            vec![send()],
            with(&|p| p.optional.retain(|r| !r.contains("delay"))),
            r#"
pub async fn consumer(client: &crate::Client) -> Result<(), crate::Error> {
    client.demo_send().phone("1").delay(5).send().await?;
    Ok(())
}"#,
        ),
        case(
            "attribute-made-optional",
            "minor",
            vec![send()],
            with(&|p| {
                p.required.clear();
                p.optional.push("| phone | string | Telefone |");
            }),
            CALL_SEND,
        ),
        case(
            "attribute-made-required",
            "major",
            vec![send()],
            with(&|p| {
                p.optional.retain(|r| !r.contains("delay"));
                p.required.push("| delay | integer | Espera em segundos |");
                p.request_example = r#"{"phone": "5511999999999", "delay": 2}"#;
            }),
            CALL_SEND,
        ),
        case(
            "attribute-type-changed",
            "major",
            vec![send()],
            with(&|p| p.optional[0] = "| delay | boolean | Esperar |"),
            r#"
pub async fn consumer(client: &crate::Client) -> Result<(), crate::Error> {
    client.demo_send().phone("1").delay(5).send().await?;
    Ok(())
}"#,
        ),
        case(
            "allowed-values-added",
            "major",
            vec![send()],
            with(&|p| p.optional[1] = "| kind | string | Tipo. Valores: `a`, `b`, `c` |"),
            r#"
pub fn consumer(kind: crate::demo::DemoSendKind) -> &'static str {
    match kind {
        crate::demo::DemoSendKind::A => "a",
        crate::demo::DemoSendKind::B => "b",
    }
}"#,
        ),
        case(
            "response-field-added",
            "minor",
            vec![send()],
            with(&|p| {
                p.response_rows.push("| status | string | Situação |");
                p.response_example = r#"{"id": "abc", "status": "ok"}"#;
            }),
            r#"
pub async fn consumer(client: &crate::Client) -> Result<String, crate::Error> {
    let answer = client.demo_send().phone("1").send().await?.into_inner();
    Ok(answer.id.unwrap_or_default())
}"#,
        ),
        case(
            "response-field-removed",
            "major",
            vec![send()],
            with(&|p| p.response_rows.retain(|r| !r.contains("note"))),
            r#"
pub async fn consumer(client: &crate::Client) -> Result<Option<String>, crate::Error> {
    let answer = client.demo_send().phone("1").send().await?.into_inner();
    Ok(answer.note)
}"#,
        ),
        case("operation-added", "minor", vec![send()], vec![send(), other()], CALL_SEND),
        case(
            "operation-removed",
            "major",
            vec![send(), other()],
            vec![send()],
            r#"
pub async fn consumer(client: &crate::Client) -> Result<(), crate::Error> {
    client.demo_other().send().await?;
    Ok(())
}"#,
        ),
        case("operation-renamed", "major", vec![send()], with(&|p| p.id = "demo-send-message"), CALL_SEND),
        // Issue 26: a page of the same id in another folder names both from their section
        // (`demo_demo_send`, `extra_demo_send`): `demo-send` keeps its page, its method is renamed.
        case(
            "operation-renamed",
            "major",
            vec![send()],
            vec![send(), Page { folder: "extra", path: "/v1/extra/send", ..send() }],
            CALL_SEND,
        ),
        case("method-changed", "patch", vec![send()], with(&|p| p.method = "PUT"), CALL_SEND),
        case("path-changed", "patch", vec![send()], with(&|p| p.path = "/v1/demo/send-message"), CALL_SEND),
        case("description-changed", "patch", vec![send()], with(&|p| p.title = "Enviar agora"), CALL_SEND),
        case(
            "status-added",
            "patch",
            vec![send()],
            with(&|p| p.extra_statuses = "\n### 404\n\nNão achou.\n"),
            CALL_SEND,
        ),
        case(
            "fixed-attribute-removed",
            "patch",
            with(&|p| {
                p.required.push("| mode | string | Modo. Valores: `fast` |");
                p.request_example = r#"{"phone": "5511999999999", "mode": "fast"}"#;
            }),
            vec![send()],
            CALL_SEND,
        ),
        case(
            "status-removed",
            "patch",
            with(&|p| p.extra_statuses = "\n### 404\n\nNão achou.\n"),
            vec![send()],
            CALL_SEND,
        ),
        case(
            "attribute-documented-type-changed",
            "patch",
            vec![send()],
            with(&|p| p.required[0] = "| phone | texto | Telefone |"),
            CALL_SEND,
        ),
        case(
            "attribute-location-changed",
            "patch",
            vec![send()],
            with(&|p| p.path = "/v1/demo/send/{phone}"),
            CALL_SEND,
        ),
        case(
            "allowed-values-removed",
            "major",
            with(&|p| p.optional[1] = "| kind | string | Tipo. Valores: `a`, `b`, `c` |"),
            vec![send()],
            r#"
pub fn consumer(kind: crate::demo::DemoSendKind) -> &'static str {
    match kind {
        crate::demo::DemoSendKind::A => "a",
        crate::demo::DemoSendKind::B => "b",
        crate::demo::DemoSendKind::C => "c",
    }
}"#,
        ),
        case(
            "response-shape-changed",
            "major",
            vec![send()],
            with(&|p| p.response_example = r#"[{"id": "abc"}]"#),
            READ_ID,
        ),
        case(
            "response-field-type-changed",
            "major",
            vec![send()],
            with(&|p| {
                p.response_rows[0] = "| id | integer | Identificador |";
                p.response_example = r#"{"id": 7}"#;
            }),
            READ_ID,
        ),
        case(
            "fixed-attribute-added",
            "patch",
            vec![send()],
            with(&|p| {
                p.required.push("| mode | string | Modo. Valores: `fast` |");
                p.request_example = r#"{"phone": "5511999999999", "mode": "fast"}"#;
            }),
            CALL_SEND,
        ),
        event_case(
            "event-added",
            "minor",
            vec![presence()],
            vec![presence(), Event { id: "demo-typing", kind: "TypingCallback", ..presence() }],
            EVENT_CONSUMER,
        ),
        event_case(
            "event-removed",
            "major",
            vec![presence(), Event { id: "demo-typing", kind: "TypingCallback", ..presence() }],
            vec![presence()],
            r#"
pub fn consumer(event: &crate::webhooks::WebhookEvent) -> bool {
    matches!(event, crate::webhooks::WebhookEvent::DemoTyping(_))
}"#,
        ),
        event_case(
            "event-field-added",
            "minor",
            vec![presence()],
            vec![Event {
                rows: vec![
                    "| type | string | Evento |",
                    "| phone | string | Telefone |",
                    "| lastSeen | integer | Visto |",
                    "| name | string | Nome |",
                ],
                ..presence()
            }],
            EVENT_CONSUMER,
        ),
        event_case(
            "event-field-removed",
            "major",
            vec![presence()],
            vec![Event {
                rows: vec!["| type | string | Evento |", "| phone | string | Telefone |"],
                example: r#"{"type": "PresenceCallback", "phone": "5511"}"#,
                ..presence()
            }],
            EVENT_CONSUMER,
        ),
        event_case(
            "event-field-type-changed",
            "major",
            vec![presence()],
            vec![Event {
                rows: vec![
                    "| type | string | Evento |",
                    "| phone | string | Telefone |",
                    "| lastSeen | string | Visto |",
                ],
                example: r#"{"type": "PresenceCallback", "phone": "5511", "lastSeen": "ontem"}"#,
                ..presence()
            }],
            EVENT_CONSUMER,
        ),
        event_case(
            "event-discriminator-changed",
            "patch",
            vec![presence()],
            vec![Event { kind: "ChatPresenceCallback", ..presence() }],
            EVENT_CONSUMER,
        ),
    ]
}

fn write_tree(dir: &Path, pages: &[Page], events: &[Event]) {
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    std::fs::write(dir.join("api.yml"), "base_url: https://api.example.com/v1\n").unwrap();
    for page in pages {
        std::fs::create_dir_all(dir.join(page.folder)).unwrap();
        std::fs::write(dir.join(page.folder).join(format!("{}.md", page.id)), render(page)).unwrap();
    }
    if !events.is_empty() {
        std::fs::create_dir_all(dir.join("webhooks")).unwrap();
        for event in events {
            std::fs::write(dir.join("webhooks").join(format!("{}.md", event.id)), render_event(event)).unwrap();
        }
    }
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap()
}

/// A crate `name` of the test workspace holding `consumer`, written against `api` (the crate
/// `name` uses as `api`; the consumer's `crate::` paths are read as `api::`). A consumer that
/// must break lives apart from the API it breaks against: a crate that fails to compile leaves
/// cargo nothing to cache, so only this small crate is checked again on every run, not the
/// whole generated API with it.
fn consumer_crate(root: &Path, name: &str, api: &str, consumer: &str) {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\napi = {{ package = \"{api}\", path = \"../{api}\" }}\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let code = consumer.replace("crate::", "api::");
    std::fs::write(dir.join("src/lib.rs"), format!("#![allow(dead_code, unused_variables)]\n{code}\n")).unwrap();
}

/// Generates a member crate of the test workspace from `tree`, with the consumers beside the API.
fn member(root: &Path, name: &str, tree: &Path, consumers: &[&str]) {
    let out = root.join(name);
    // Members of the test workspace, not crates of their own, on this checkout's runtime and macro.
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let deps = format!("path={}", checkout.display());
    let (docs, dir) = (tree.to_str().unwrap(), out.to_str().unwrap());
    let output = xtask(&["generate", "--docs", docs, "--out", dir, "--workspace-member", "--deps", &deps]);
    assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    let mut lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    for (i, consumer) in consumers.iter().enumerate() {
        lib.push_str(&format!("\n#[allow(dead_code, unused_variables)]\nmod consumer_{i} {{{consumer}\n}}\n"));
    }
    std::fs::write(out.join("src/lib.rs"), lib).unwrap();
}

#[test]
fn rust_verdicts_match_what_compiles() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cases = cases();
    let mut members = Vec::new();
    // Cases sharing an old tree share one old crate, each consumer in a module of its own.
    // The text of an old tree, the first directory holding it, and the consumers written against it.
    let mut old_crates: Vec<(String, PathBuf, Vec<&str>)> = Vec::new();
    let mut old_crate_of = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let (old, new) = (root.join(format!("trees/{i}-old")), root.join(format!("trees/{i}-new")));
        write_tree(&old, &case.old, &case.old_events);
        write_tree(&new, &case.new, &case.new_events);
        let output =
            xtask(&["diff", "--from", old.to_str().unwrap(), "--to", new.to_str().unwrap(), "--format", "json"]);
        assert!(output.status.success(), "{}: {}", case.kind, String::from_utf8_lossy(&output.stderr));
        let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(diff["errors"].as_array().unwrap().is_empty(), "{}: {diff}", case.kind);
        let kinds: Vec<&str> =
            diff["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&case.kind), "{}: {kinds:?}", case.kind);
        assert_eq!(diff["bump"], case.bump, "{}: {diff:#}", case.kind);
        let old_text: String = case.old.iter().map(render).chain(case.old_events.iter().map(render_event)).collect();
        let position = old_crates.iter().position(|(text, ..)| *text == old_text).unwrap_or_else(|| {
            old_crates.push((old_text, old.clone(), Vec::new()));
            old_crates.len() - 1
        });
        old_crates[position].2.push(case.consumer);
        old_crate_of.push(format!("old-{position}"));
        member(root, &format!("case-{i}-new"), &new, &[]);
        consumer_crate(root, &format!("case-{i}-use"), &format!("case-{i}-new"), case.consumer);
        members.push(format!("\"case-{i}-new\", \"case-{i}-use\""));
    }
    for (position, (_, tree, consumers)) in old_crates.iter().enumerate() {
        member(root, &format!("old-{position}"), tree, consumers);
        members.push(format!("\"old-{position}\""));
    }
    std::fs::write(
        root.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", ")),
    )
    .unwrap();
    // The workspace's own lock file: the same dependency versions, already built by earlier runs.
    std::fs::copy(workspace.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();

    // Built in a fixed directory, synced file by file: a warm run rebuilds only the crates whose
    // generated code changed.
    let built = support::stable_dir("semver");
    support::sync_dir(root, &built);
    let output = support::cargo(&built)
        .args(["check", "--workspace", "--keep-going", "--message-format=json", "--quiet"])
        .output()
        .unwrap();
    // Crates whose compilation reported an error, from cargo's JSON messages.
    let mut failed = BTreeSet::new();
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in output.stdout.split(|b| *b == b'\n') {
        let Ok(message) = serde_json::from_slice::<serde_json::Value>(line) else { continue };
        if message["reason"] == "compiler-message" && message["message"]["level"] == "error" {
            let krate = message["target"]["name"].as_str().unwrap_or_default().replace('_', "-");
            errors
                .entry(krate.clone())
                .or_default()
                .push(message["message"]["message"].as_str().unwrap_or("").to_owned());
            failed.insert(krate);
        }
    }
    let mut wrong = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let (old, new, new_api) = (&old_crate_of[i], format!("case-{i}-use"), format!("case-{i}-new"));
        if failed.contains(old) {
            wrong.push(format!(
                "{}: the consumer does not even compile against the old crate {old}: {:?}",
                case.kind, errors[old]
            ));
        }
        if failed.contains(&new_api) {
            wrong
                .push(format!("{}: the generated crate {new_api} does not compile: {:?}", case.kind, errors[&new_api]));
        }
        let breaks = failed.contains(&new);
        if breaks != (case.bump == "major") {
            wrong.push(format!(
                "{}: verdict `{}` but the consumer {} against the new crate {:?}",
                case.kind,
                case.bump,
                if breaks { "fails to compile" } else { "compiles" },
                errors.get(&new)
            ));
        }
    }
    // A required member left out is named by the error, as users read it.
    for (kind, member) in [("required-attribute-added", "message"), ("attribute-made-required", "delay")] {
        let i = cases.iter().position(|c| c.kind == kind).unwrap();
        let messages = errors.get(&format!("case-{i}-use")).cloned().unwrap_or_default();
        // Inside the generated crate rustc prints the marker's bare name; from outside, its path.
        let (bare, path) = (
            format!("the required member `{member}` is not set"),
            format!("::client_demo_send_builder::{member}` is not set"),
        );
        if !messages.iter().any(|m| *m == bare || m.starts_with("the required member `") && m.ends_with(&path)) {
            wrong.push(format!("{kind}: no error names the missing member `{member}`: {messages:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}\n\ncargo stderr:\n{}", wrong.join("\n"), String::from_utf8_lossy(&output.stderr));
}

/// Every kind the README's table lists (`diff --list-kinds`) has a case above: the diff produces
/// it and a consumer proves its rust verdict. A kind no case produces must leave the table.
#[test]
fn every_kind_of_change_has_a_case() {
    let output = xtask(&["diff", "--list-kinds"]);
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    let listed: BTreeSet<&str> =
        table.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split('`').next()).collect();
    assert!(listed.len() >= 20, "{table}");
    let cased: BTreeSet<&str> = cases().iter().map(|c| c.kind).collect();
    let missing: Vec<&&str> = listed.difference(&cased).collect();
    assert!(missing.is_empty(), "kinds in the table without a case: {missing:?}");
    let unknown: Vec<&&str> = cased.difference(&listed).collect();
    assert!(unknown.is_empty(), "cases of kinds not in the table: {unknown:?}");
}

/// `diff --format json` between two trees written from pages.
fn diff_json(old: &[Page], new: &[Page]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("old"), dir.path().join("new"));
    write_tree(&from, old, &[]);
    write_tree(&to, new, &[]);
    let output = xtask(&["diff", "--from", from.to_str().unwrap(), "--to", to.to_str().unwrap(), "--format", "json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Issue 22: renaming a page id renames the types named after it (`DemoSendKind`); that is part
/// of the one rename, wire compatible, not a type change of `kind` (the same values are sent).
#[test]
fn a_renamed_id_is_one_change_naming_the_types_it_renames() {
    let renamed = Page { id: "demo-send-message", ..send() };
    let diff = diff_json(&[send()], &[renamed]);
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{diff:#}");
    assert_eq!(changes[0]["kind"], "operation-renamed");
    assert_eq!(changes[0]["wire"], "compatible");
    assert_eq!(changes[0]["rust"], "major");
    let message = changes[0]["message"].as_str().unwrap();
    assert!(message.contains("`DemoSendKind` is now `DemoSendMessageKind`"), "{message}");
}

/// Issue 22: the changes come grouped by operation (a renamed operation's other changes used to
/// come last, after every other operation's), and the markdown form heads each group with the
/// operation's id and page.
#[test]
fn changes_are_grouped_by_operation() {
    let mut renamed = Page { id: "demo-send-message", ..send() };
    renamed.optional.push("| note | string | Nota |");
    let mut changed = other();
    changed.optional.push("| size | integer | Tamanho |");
    let diff = diff_json(&[send(), other()], &[renamed, changed]);
    let operations: Vec<&str> =
        diff["changes"].as_array().unwrap().iter().map(|c| c["operation"].as_str().unwrap()).collect();
    assert_eq!(operations, ["demo-other", "demo-send-message", "demo-send-message"], "{diff:#}");

    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("old"), dir.path().join("new"));
    let mut renamed = Page { id: "demo-send-message", ..send() };
    renamed.optional.push("| note | string | Nota |");
    write_tree(&from, &[send(), other()], &[]);
    write_tree(&to, &[renamed, other()], &[]);
    let output =
        xtask(&["diff", "--from", from.to_str().unwrap(), "--to", to.to_str().unwrap(), "--format", "markdown"]);
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(markdown.contains("### Operation `demo-send-message` (`demo/demo-send-message.md`)\n"), "{markdown}");
    assert_eq!(markdown.matches("### Operation").count(), 1, "{markdown}");
    let text = xtask(&["diff", "--from", from.to_str().unwrap(), "--to", to.to_str().unwrap()]);
    assert!(String::from_utf8(text.stdout).unwrap().ends_with("changes: 2, breaking: 0, bump: major\n"));
}
