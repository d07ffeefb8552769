//! Issue 25's loop: the client records real exchanges (`HarRecorder`) and webhook payloads
//! (`PayloadRecorder`) against a loopback server that answers with undocumented fields, other
//! types, nulls and an undocumented status; `plugchat-docs drift` reports the disagreements and
//! suggests table rows; applying them to a copy of the docs removes those findings. The docs
//! are a frozen copy of three docs-spec pages (`tests/fixtures/drift/`), so the exact lines
//! asserted do not move with edits of docs-spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plugchat_api::{Client, HarRecorder, Hook, HookRequest, PayloadRecorder};
use plugchat_docs::drift::{self, Edit, Format};
use plugchat_tests::{RecordingServer, Reply};
use serde::Deserialize;
use serde_json::{Value, json};

const TOKEN: &str = "tok-8f3a-secret";

fn fixture() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/drift")).to_owned()
}

/// A directory removed when dropped (tempfile is not among this crate's dependencies).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("plugchat-drift-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy of `from` in a new temporary directory.
fn copy_tree(from: &Path) -> TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = TempDir::new();
    copy(from, dir.path());
    dir
}

/// Adds a session header the recorder is told is secret.
struct Session;

impl Hook for Session {
    fn before_send(&self, request: &mut HookRequest<'_>) {
        request.headers_mut().insert("x-session", "sess-77c1".parse().unwrap());
    }
}

/// An exchange another tool exported (pretty-printed HAR, no `_operation`): a send-text with
/// an attribute the page does not list. The recorder appends to this file.
const OTHER_TOOL_HAR: &str = r#"{
  "log": {
    "version": "1.2",
    "creator": {"name": "curl-to-har", "version": "1.0"},
    "entries": [
      {
        "startedDateTime": "2025-01-31T12:00:00.000Z",
        "time": 12.5,
        "request": {
          "method": "POST",
          "url": "https://app.plugchat.com.br/api/whatsapp/send-text",
          "httpVersion": "HTTP/1.1",
          "cookies": [],
          "headers": [{"name": "content-type", "value": "application/json"}],
          "queryString": [],
          "postData": {"mimeType": "application/json", "text": "{\"phone\":\"5511999999999\",\"message\":\"oi\",\"linkPreview\":false}"},
          "headersSize": -1,
          "bodySize": 61
        },
        "response": {
          "status": 200,
          "statusText": "OK",
          "httpVersion": "HTTP/1.1",
          "cookies": [],
          "headers": [],
          "content": {"size": 41, "mimeType": "application/json", "text": "{\"zaapId\":\"3999\",\"messageId\":\"D241\"}"},
          "redirectURL": "",
          "headersSize": -1,
          "bodySize": 41
        },
        "cache": {},
        "timings": {"send": 1, "wait": 10, "receive": 1.5}
      }
    ]
  }
}"#;

/// Records two get-chats calls (a 200 with drift, a 404 echoing the token) after the other
/// tool's exchange, and three webhook payloads (one of an undocumented event) plus a body that
/// is not JSON. Returns the HAR and NDJSON paths.
async fn record(dir: &Path) -> (PathBuf, PathBuf) {
    let chats = json!([
        {"name": "Ana", "phone": "5511911111111", "unread": "0", "lastMessageTime": "1622991687",
         "isMuted": "0", "isMarkedSpam": "false", "profileThumbnail": null, "archived": true},
        {"name": null, "phone": "5511922222222", "unread": "2", "lastMessageTime": "1622990503",
         "isMuted": "0", "isMarkedSpam": "true", "profileThumbnail": null, "archived": false, "pinnedAt": 1700000000}
    ]);
    let not_found = format!(r#"{{"error": "no instance for token {TOKEN}", "code": 404}}"#);
    let server = RecordingServer::start([Reply::json(chats), Reply::status(404, &not_found)]).await;
    let har = dir.join("exchanges.har");
    std::fs::write(&har, OTHER_TOOL_HAR).unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.base_url())
        .max_retries(0)
        .hook(Session)
        .hook(HarRecorder::new(&har).secret_field("phone").secret_header("X-Session"))
        .build()
        .unwrap();
    let chats = client.get_chats().page(1).page_size(2).send().await.expect("the client copes with the drift");
    assert_eq!(chats.len(), 2);
    let error = client.get_chats().page(2).page_size(2).send().await.expect_err("a 404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));

    let payloads = dir.join("payloads.ndjson");
    let recorder = PayloadRecorder::new(&payloads).secret_field("phone");
    for payload in [
        json!({"type": "MessageStatusCallback", "status": "READ", "ids": ["1"], "momment": "1632234645000",
               "phone": "5544999999999", "instanceId": null, "participantPhone": "5511"}),
        json!({"type": "MessageStatusCallback", "status": "SENT", "ids": ["2"], "momment": "1632234645001",
               "phone": "5544999999999", "instanceId": "i-1", "phoneDevice": 0, "isGroup": false}),
        json!({"type": "PollVoteCallback", "vote": 1}),
    ] {
        recorder.record(payload.to_string().as_bytes());
    }
    recorder.record(b"not json");
    (har, payloads)
}

fn options(har: &Path, payloads: &Path, format: Format, suggest: bool) -> drift::Options {
    drift::Options { har: vec![har.to_owned()], payloads: vec![payloads.to_owned()], format, suggest }
}

const REPORT: &str = "\
chats/get-chats.md: seen: get-chats: 200 x1, 404 x1
chats/get-chats.md:55: undocumented-key: get-chats 200: `archived` is not documented; seen in 2 of 2 objects, e.g. true
chats/get-chats.md:64: type-mismatch: get-chats 200: `isMarkedSpam` is documented `boolean` but was string in 2 of 2 objects, e.g. \"false\"
chats/get-chats.md:59: null-where-shown: get-chats 200: `name` was null in 1 of 2 objects; the docs only show values
chats/get-chats.md:55: undocumented-key: get-chats 200: `pinnedAt` is not documented; seen in 1 of 2 objects, e.g. 1700000000
chats/get-chats.md:66: never-seen: get-chats 200: `messagesUnread` is documented but was in none of 2 objects
chats/get-chats.md:10: undocumented-status: get-chats 404: status 404 is not documented; seen 1 time(s)
chats/get-chats.md:10: undocumented-key: get-chats 404: `code` is not documented; seen in 1 of 1 objects, e.g. 404
chats/get-chats.md:10: undocumented-key: get-chats 404: `error` is not documented; seen in 1 of 1 objects, e.g. \"no instance for token [redacted]\"
message/send-message-text.md: seen: send-text: 200 x1
message/send-message-text.md:10: undocumented-attribute: send-text: request attribute `linkPreview` is not documented; sent in 1 of 1 requests, e.g. false
webhooks/callbacks/message-status.md: seen: message-status: payloads x2
webhooks/callbacks/message-status.md:36: null-where-shown: message-status: `instanceId` was null in 1 of 2 payloads; the docs only show values
webhooks/callbacks/message-status.md:28: type-mismatch: message-status: `momment` is documented `integer` but was string in 2 of 2 payloads, e.g. \"1632234645000\"
webhooks/callbacks/message-status.md:6: undocumented-key: message-status: `participantPhone` is not documented; seen in 1 of 2 payloads, e.g. \"5511\"
unmatched: a payload (type \"PollVoteCallback\") matches no event page of the docs
exchanges: 3, payloads: 3, pages seen: 3, findings: 13 (undocumented statuses: 1, undocumented keys: 5, type mismatches: 2, nulls: 2, never seen: 1, undocumented attributes: 1, unmatched: 1)
";

const SUGGESTIONS: &str = "\
== chats/get-chats.md (get-chats)
-- `### 200` table: replace line 64 with:
| isMarkedSpam | string | Se o chat foi marcado como spam |
-- `### 200` table: add after line 66:
| archived | boolean |  |
| pinnedAt | integer |  |
-- `## Response`: before line 95, a new section:
### 404

| Atributos | Tipo | Descrição |
| :-- | :-- | :-- |
| code | integer |  |
| error | string |  |
== message/send-message-text.md (send-text)
-- `## Atributos` `### Opcionais` table: add after line 42:
| linkPreview | boolean |  |
== webhooks/callbacks/message-status.md (message-status)
-- `## Atributos` table: replace line 28 with:
| momment | string | Instante da mudança, em milissegundos desde 01/01/1970 (UTC). |
-- `## Atributos` `### Opcionais` table: add after line 38:
| participantPhone | string |  |
";

#[tokio::test]
async fn the_report_and_the_suggestions_name_every_disagreement_and_applying_them_removes_it() {
    let dir = TempDir::new();
    let (har, payloads) = record(dir.path()).await;
    let docs = copy_tree(&fixture());

    let text = drift::output(docs.path(), &options(&har, &payloads, Format::Text, false)).unwrap();
    let root = format!("{}/", docs.path().display());
    assert_eq!(text.replace(&root, ""), REPORT);
    let suggestions = drift::output(docs.path(), &options(&har, &payloads, Format::Text, true)).unwrap();
    assert_eq!(suggestions, SUGGESTIONS);

    // JSON: one document, the same findings with their data; markdown: a table per page.
    let json: Value =
        serde_json::from_str(&drift::output(docs.path(), &options(&har, &payloads, Format::Json, false)).unwrap())
            .unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 13);
    assert_eq!(
        json["findings"][1],
        json!({"rule": "type-mismatch", "page": "get-chats", "file": "chats/get-chats.md", "line": 64,
               "status": 200, "key": "isMarkedSpam", "documented": "boolean", "seen": "string",
               "count": 2, "of": 2, "example": "false",
               "message": "`isMarkedSpam` is documented `boolean` but was string in 2 of 2 objects, e.g. \"false\""})
    );
    assert_eq!(json["seen"][0]["responses"], json!({"200": 1, "404": 1}));
    assert_eq!(json["skipped"], json!([]));
    let markdown = drift::output(docs.path(), &options(&har, &payloads, Format::Markdown, false)).unwrap();
    assert!(markdown.contains("## get-chats (`chats/get-chats.md`)\n\nSeen: `200` x1, `404` x1.\n"), "{markdown}");
    assert!(
        markdown.contains("| 64 | type-mismatch | 200 | `isMarkedSpam` | `isMarkedSpam` is documented"),
        "{markdown}"
    );
    assert!(markdown.ends_with(&format!("**{}**\n", REPORT.lines().last().unwrap())), "{markdown}");

    // The maintainer applies the suggestions; the same recordings then only report what no
    // table row can say: the nulls, the key never sent, the unknown event.
    let (spec, _) = plugchat_spec::parse_tree(docs.path());
    let report = drift::report(&spec, docs.path(), &read(&har, &payloads));
    apply(docs.path(), &drift::suggestions(&spec, &report));
    let after = drift::output(docs.path(), &options(&har, &payloads, Format::Text, false)).unwrap();
    assert_eq!(
        after.replace(&root, ""),
        "\
chats/get-chats.md: seen: get-chats: 200 x1, 404 x1
chats/get-chats.md:59: null-where-shown: get-chats 200: `name` was null in 1 of 2 objects; the docs only show values
chats/get-chats.md:66: never-seen: get-chats 200: `messagesUnread` is documented but was in none of 2 objects
message/send-message-text.md: seen: send-text: 200 x1
webhooks/callbacks/message-status.md: seen: message-status: payloads x2
webhooks/callbacks/message-status.md:36: null-where-shown: message-status: `instanceId` was null in 1 of 2 payloads; the docs only show values
unmatched: a payload (type \"PollVoteCallback\") matches no event page of the docs
exchanges: 3, payloads: 3, pages seen: 3, findings: 4 (undocumented statuses: 0, undocumented keys: 0, type mismatches: 0, nulls: 2, never seen: 1, undocumented attributes: 0, unmatched: 1)
"
    );
    let (_, diagnostics) = plugchat_spec::parse_tree(docs.path());
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == plugchat_spec::Severity::Error).collect();
    assert!(errors.is_empty(), "the edited pages parse without errors: {errors:?}");
}

fn read(har: &Path, payloads: &Path) -> drift::Recordings {
    let mut recordings = drift::Recordings::default();
    recordings.read_har(har).unwrap();
    recordings.read_payloads(payloads).unwrap();
    recordings
}

/// Applies the edits as a maintainer pasting them would: each page from its last line up, so
/// the lines of the edits above stay right.
fn apply(docs: &Path, pages: &[drift::PageEdits]) {
    const HEAD: [&str; 2] = ["| Atributos | Tipo | Descrição |", "| :-- | :-- | :-- |"];
    for page in pages {
        let path = docs.join(&page.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut edits: Vec<&Edit> = page.edits.iter().map(|(_, edit)| edit).collect();
        let at = |edit: &Edit| match edit {
            Edit::AddRows { after, .. } | Edit::AddTable { after, .. } => *after as usize,
            Edit::ReplaceRow { line, .. } => *line as usize,
            Edit::AddSection { before, .. } => before.map_or(usize::MAX, |b| b as usize - 1),
        };
        edits.sort_by_key(|edit| std::cmp::Reverse(at(edit)));
        for edit in edits {
            match edit {
                Edit::AddRows { after, rows } => {
                    let after = *after as usize;
                    lines.splice(after..after, rows.iter().cloned());
                }
                Edit::AddTable { after, rows } => {
                    let after = *after as usize;
                    let table = [String::new()].into_iter().chain(HEAD.map(String::from)).chain(rows.iter().cloned());
                    lines.splice(after..after, table);
                }
                Edit::ReplaceRow { line, row } => lines[*line as usize - 1] = row.clone(),
                Edit::AddSection { before, status, rows } => {
                    let at = before.map_or(lines.len(), |b| b as usize - 1);
                    let section = [format!("### {status}"), String::new()]
                        .into_iter()
                        .chain(HEAD.map(String::from))
                        .chain(rows.iter().cloned())
                        .chain([String::new()]);
                    lines.splice(at..at, section);
                }
            }
        }
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
}

/// A strict reader of HAR 1.2: every required field with its type, no field the format does
/// not define (custom fields start with `_`, and only entries carry ours).
// The fields are there to be checked while reading; the test reads only some.
#[allow(dead_code)]
mod har {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Har {
        pub log: Log,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Log {
        pub version: String,
        pub creator: Creator,
        pub browser: Option<Creator>,
        pub pages: Option<Vec<Value>>,
        pub entries: Vec<Entry>,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Creator {
        pub name: String,
        pub version: String,
        pub comment: Option<String>,
    }

    /// `deny_unknown_fields` does not combine with `flatten`: the custom fields are collected
    /// and checked by the test.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Entry {
        pub pageref: Option<String>,
        pub started_date_time: String,
        pub time: f64,
        pub request: Request,
        pub response: Response,
        pub cache: Cache,
        pub timings: Timings,
        #[serde(rename = "serverIPAddress")]
        pub server_ip_address: Option<String>,
        pub connection: Option<String>,
        pub comment: Option<String>,
        #[serde(flatten)]
        pub custom: BTreeMap<String, Value>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Request {
        pub method: String,
        pub url: String,
        pub http_version: String,
        pub cookies: Vec<Value>,
        pub headers: Vec<NameValue>,
        pub query_string: Vec<NameValue>,
        pub post_data: Option<PostData>,
        pub headers_size: i64,
        pub body_size: i64,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Response {
        pub status: u16,
        pub status_text: String,
        pub http_version: String,
        pub cookies: Vec<Value>,
        pub headers: Vec<NameValue>,
        pub content: Content,
        #[serde(rename = "redirectURL")]
        pub redirect_url: String,
        pub headers_size: i64,
        pub body_size: i64,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct NameValue {
        pub name: String,
        pub value: String,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct PostData {
        pub mime_type: String,
        pub params: Option<Vec<Value>>,
        pub text: Option<String>,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Content {
        pub size: i64,
        pub compression: Option<i64>,
        pub mime_type: String,
        pub text: Option<String>,
        pub encoding: Option<String>,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Cache {
        pub before_request: Option<Value>,
        pub after_request: Option<Value>,
        pub comment: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Timings {
        pub blocked: Option<f64>,
        pub dns: Option<f64>,
        pub connect: Option<f64>,
        pub send: f64,
        pub wait: f64,
        pub receive: f64,
        pub ssl: Option<f64>,
        pub comment: Option<String>,
    }
}

#[tokio::test]
async fn the_recording_is_har_1_2_and_holds_no_secret() {
    let dir = TempDir::new();
    let (har_path, payloads) = record(dir.path()).await;
    let text = std::fs::read_to_string(&har_path).unwrap();
    for secret in [TOKEN, "sess-77c1", "5511911111111", "5511922222222"] {
        assert!(!text.contains(secret), "`{secret}` is in the recording:\n{text}");
    }
    let har: har::Har = serde_json::from_str(&text).expect("a HAR 1.2 document");
    assert_eq!(har.log.version, "1.2");
    assert_eq!(har.log.entries.len(), 3, "the other tool's entry, then one per call");
    for entry in &har.log.entries {
        let timings = &entry.timings;
        assert!(timings.send >= 0.0 && timings.wait >= 0.0 && timings.receive >= 0.0);
        let date = &entry.started_date_time;
        assert!(date.len() == 24 && &date[10..11] == "T" && date.ends_with('Z'), "{date}");
        assert!(entry.custom.keys().all(|k| k.starts_with('_')), "{:?}", entry.custom.keys());
    }
    let [_, ok, not_found] = &har.log.entries[..] else { unreachable!() };
    assert_eq!(ok.custom["_operation"], "get-chats");
    assert_eq!((ok.request.method.as_str(), ok.response.status, not_found.response.status), ("GET", 200, 404));
    assert!(ok.request.url.ends_with("/api/whatsapp/chats?page=1&pageSize=2"), "{}", ok.request.url);
    let header = |name: &str| ok.request.headers.iter().find(|h| h.name == name).map(|h| h.value.as_str());
    assert_eq!((header("authorization"), header("x-session")), (Some("[redacted]"), Some("[redacted]")));
    let body: Value = serde_json::from_str(ok.response.content.text.as_deref().unwrap()).unwrap();
    assert_eq!((&body[0]["phone"], &body[1]["archived"]), (&json!("[redacted]"), &json!(false)));
    assert_eq!(ok.response.content.mime_type, "application/json");
    assert!(not_found.response.content.text.as_deref().unwrap().contains("no instance for token [redacted]"));

    let lines = std::fs::read_to_string(payloads).unwrap();
    assert_eq!(lines.lines().count(), 3, "the body that is not JSON is not recorded:\n{lines}");
    assert!(!lines.contains("5544999999999") && lines.contains(r#""phone":"[redacted]""#), "{lines}");
}

/// Bodies over the limit are cut and say so; a file that cannot be written never fails a call
/// and is reported once.
#[tokio::test]
async fn bodies_are_bounded_and_a_write_error_is_reported_once() {
    let captured = crate::tracing_output::captured();
    let dir = TempDir::new();
    let big = json!({"zaapId": "z".repeat(300), "messageId": "m"});
    let server = RecordingServer::start([Reply::json(big)]).await;
    let har = dir.path().join("cut.har");
    let unwritable = dir.path().join("no-such-dir/exchanges.har");
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.base_url())
        .hook(HarRecorder::new(&har).max_body_bytes(100))
        .hook(HarRecorder::new(&unwritable))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.send_text().phone("5511999999999").message("oi").send().await.expect("recording never fails a call");
    }
    let har: har::Har = serde_json::from_str(&std::fs::read_to_string(&har).unwrap()).unwrap();
    let content = &har.log.entries[0].response.content;
    assert_eq!((content.text.as_ref().unwrap().len(), content.size), (100, 329));
    assert_eq!(content.comment.as_deref(), Some("truncated to 100 of 329 bytes"));

    let logged = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let reports =
        logged.lines().filter(|l| l.contains("cannot record the exchange") && l.contains("no-such-dir")).count();
    assert_eq!(reports, 1, "{logged}");
}
