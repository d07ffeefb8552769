//! Every webhook payload example of the docs decodes into its own `WebhookEvent` variant
//! (never `Unknown`, never an error): docs-spec's into its page's event, both upstream
//! revisions' as an insta snapshot lists. Also: size limit, bad JSON, bad fields and unknown events.

use std::path::{Path, PathBuf};

use plugchat_api::WebhookError;
use plugchat_api::webhooks::WebhookEvent;
use serde_json::Value;

/// The ```json fences of a page (an unclosed one ends at the next heading), with the
/// heading above each.
fn json_fences(text: &str) -> Vec<(String, String)> {
    let mut fences = Vec::new();
    let mut heading = String::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match &mut current {
            Some(body) if trimmed.starts_with("```") || trimmed.starts_with("#") => {
                fences.push((heading.clone(), std::mem::take(body)));
                current = None;
                if trimmed.starts_with('#') {
                    heading = trimmed.trim_start_matches('#').trim().to_owned();
                }
            }
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None if trimmed.starts_with("```json") => current = Some(String::new()),
            None if trimmed.starts_with('#') => heading = trimmed.trim_start_matches('#').trim().to_owned(),
            None => {}
        }
    }
    if let Some(body) = current {
        fences.push((heading, body));
    }
    fences
}

/// Whether every string in `value` is a URL and nothing else is but booleans: the shape of
/// the webhook configuration bodies (`{"value": {"receiveMessage": "https://..."}}`).
fn only_urls(value: &Value) -> bool {
    match value {
        Value::String(s) => s.starts_with("http"),
        Value::Bool(_) | Value::Null => true,
        Value::Object(map) => map.values().all(only_urls),
        Value::Array(items) => items.iter().all(only_urls),
        Value::Number(_) => false,
    }
}

/// A payload: a JSON object that is not a webhook configuration body.
fn is_payload(value: &Value) -> bool {
    value.as_object().is_some_and(|o| !o.is_empty()) && !only_urls(value)
}

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(pages(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every payload example of `dir`'s pages, as `(page relative to dir, place, payload)`.
fn payloads(dir: &Path) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for page in pages(dir) {
        let name = page.strip_prefix(dir).unwrap().display().to_string();
        let text = String::from_utf8_lossy(&std::fs::read(&page).unwrap()).into_owned();
        for (i, (heading, fence)) in json_fences(&text).into_iter().enumerate() {
            // Several payloads written one after another in one fence are each an example.
            let stream: Result<Vec<Value>, _> =
                serde_json::Deserializer::from_str(&fence).into_iter::<Value>().collect();
            let values = match stream {
                Ok(values) if values.len() > 1 => values,
                _ => plugchat_spec::read_json_example(&fence).map(|(value, _)| vec![value]).unwrap_or_default(),
            };
            let many = values.len() > 1;
            for (j, value) in values.into_iter().enumerate() {
                let place = if many { format!("#{i}.{j} ({heading})") } else { format!("#{i} ({heading})") };
                if is_payload(&value) {
                    out.push((name.clone(), place, value));
                }
            }
        }
    }
    out
}

/// docs-spec's callback pages: each example decodes into the event of its own page. (No
/// snapshot here: `cargo xtask regen` refreshes what follows docs-spec without building the
/// client, so this test asserts the rule itself.)
#[test]
fn every_docs_spec_payload_decodes_into_its_own_page_event() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&docs);
    let mut problems = Vec::new();
    let mut decoded = 0;
    for (name, place, payload) in payloads(&docs.join("webhooks")) {
        let file = format!("webhooks/{name}");
        let Some(page) = spec.pages.iter().find(|p| p.file == file && p.callback.is_some()) else { continue };
        match WebhookEvent::from_value(payload) {
            Ok(event) if event.name() == page.id => decoded += 1,
            Ok(event) => problems.push(format!("{file}{place}: decoded as `{}`, not `{}`", event.name(), page.id)),
            Err(error) => problems.push(format!("{file}{place}: {error}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let callbacks = spec.pages.iter().filter(|p| p.callback.is_some()).count();
    assert!(decoded >= callbacks, "{decoded} payloads decoded for {callbacks} callback pages");
}

/// The upstream revisions' payloads (from `../shared/corpus`, which CI always has) each decode
/// into a documented event, never `Unknown` or an error; the snapshot lists the event of each.
#[test]
fn every_upstream_payload_decodes_into_a_documented_event() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    assert!(shared.is_dir(), "{} is missing: this test needs ../shared/corpus", shared.display());
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (tree, dir) in [
        ("upstream", shared.join("plugchat-docs/docs/webhooks")),
        ("upstream-2022-03", shared.join("plugchat-docs-2022-03/docs/webhooks")),
    ] {
        for (name, place, payload) in payloads(&dir) {
            let place = format!("{tree}/{name}{place}");
            match WebhookEvent::from_value(payload) {
                Ok(WebhookEvent::Unknown(_)) => problems.push(format!("{place}: decoded as Unknown")),
                Ok(event) => lines.push(format!("{place} -> {}", event.name())),
                Err(error) => problems.push(format!("{place}: {error}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (page, event) in [
        ("upstream-2022-03/on-message-received.md", "message-received"),
        ("upstream-2022-03/on-message-send.md", "message-sent"),
        ("upstream-2022-03/on-whatsapp-message-status-changes.md", "message-status"),
        ("upstream-2022-03/on-chat-presence.md", "chat-presence"),
        ("upstream-2022-03/on-whatsapp-disconnected.md", "disconnected"),
    ] {
        let of_page: Vec<&String> = lines.iter().filter(|l| l.starts_with(page)).collect();
        assert!(!of_page.is_empty(), "no payload found in {page}");
        assert!(of_page.iter().all(|l| l.ends_with(&format!("-> {event}"))), "{of_page:?}");
    }
    insta::assert_snapshot!("upstream_payload_events", lines.join("\n"));
}

#[test]
fn bad_payloads_are_typed_errors() {
    let big = vec![b' '; plugchat_api::DEFAULT_MAX_WEBHOOK_BYTES + 1];
    assert!(matches!(WebhookEvent::from_slice(&big), Err(WebhookError::TooLarge { .. })));
    assert!(matches!(WebhookEvent::from_slice(b"{\"type\": "), Err(WebhookError::NotJson(_))));
    let error =
        WebhookEvent::from_slice(br#"{"type":"ReceivedCallback","phone":"1","messageId":"m","momment":{"x":1}}"#)
            .unwrap_err();
    let WebhookError::Invalid { event, path, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*event, path.as_str()), ("message-received", "momment"));
    let unknown = WebhookEvent::from_slice(br#"{"type":"SomethingNewCallback","x":1}"#).unwrap();
    assert_eq!(unknown, WebhookEvent::Unknown(serde_json::json!({"type":"SomethingNewCallback","x":1})));
    let event: WebhookEvent =
        serde_json::from_str(r#"{"type":"DisconnectedCallback","momment":1,"error":"x","disconnected":true}"#).unwrap();
    assert_eq!(event.name(), "disconnected");
}
