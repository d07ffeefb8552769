//! Every webhook payload example of the docs decodes into its own `WebhookEvent` variant
//! (never `Unknown`, never an error): docs-spec's into its page's event, both upstream
//! revisions' as an insta snapshot lists. Also: what is not an event (size limit, bad JSON, not
//! an object, no event named), unknown events, and real-traffic shapes: null and missing
//! fields, notifications, values of another type.

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

/// The upstream revisions' payloads (from the corpus, which CI always has) each decode
/// into a documented event, never `Unknown` or an error; the snapshot lists the event of each.
#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn every_upstream_payload_decodes_into_a_documented_event() {
    let shared = Path::new(env!("PLUGCHAT_CORPUS_DIR"));
    assert!(shared.is_dir(), "{} is missing", shared.display());
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
fn payloads_that_are_not_events_are_typed_errors() {
    let big = vec![b' '; plugchat_api::DEFAULT_MAX_WEBHOOK_BYTES + 1];
    assert!(matches!(WebhookEvent::from_slice(&big), Err(WebhookError::TooLarge { .. })));
    assert!(matches!(WebhookEvent::from_slice(b"{\"type\": "), Err(WebhookError::NotJson(_))));
    for (bytes, found) in [
        (&br#"[{"type":"ReceivedCallback","phone":"1"}]"#[..], "array"),
        (b"null", "null"),
        (br#""ReceivedCallback""#, "string"),
        (b"5", "number"),
    ] {
        assert_eq!(WebhookEvent::from_slice(bytes), Err(WebhookError::NotAnObject { found }), "{bytes:?}");
    }
    for (bytes, found) in
        [(&br#"{"type":5,"phone":"1"}"#[..], "number"), (br#"{"type":["ReceivedCallback"]}"#, "array")]
    {
        assert_eq!(WebhookEvent::from_slice(bytes), Err(WebhookError::BadDiscriminator { field: "type", found }));
    }
    // `null` is no value, as in every other field: the payload names no event.
    assert_eq!(
        WebhookEvent::from_slice(br#"{"type":null}"#),
        Err(WebhookError::NoDiscriminator { fields: WebhookEvent::DISCRIMINATORS })
    );
    assert_eq!(
        WebhookEvent::from_slice(br#"{"phone":"5544999999999","momment":1}"#),
        Err(WebhookError::NoDiscriminator { fields: WebhookEvent::DISCRIMINATORS })
    );
    assert_eq!(WebhookEvent::DISCRIMINATORS, ["attendance.status", "type"]);
    assert!(matches!(WebhookEvent::from_slice(b"{}"), Err(WebhookError::NoDiscriminator { .. })));
}

#[test]
fn unknown_events_keep_their_json() {
    let unknown = WebhookEvent::from_slice(br#"{"type":"SomethingNewCallback","x":1}"#).unwrap();
    assert_eq!(unknown, WebhookEvent::Unknown(serde_json::json!({"type":"SomethingNewCallback","x":1})));
    assert!(unknown.mismatches().is_empty());
    let unknown = WebhookEvent::from_slice(br#"{"attendance":{"status":"PAUSED"}}"#).unwrap();
    assert_eq!(unknown.name(), "unknown");
    let event: WebhookEvent =
        serde_json::from_str(r#"{"type":"DisconnectedCallback","momment":1,"error":"x","disconnected":true}"#).unwrap();
    assert_eq!(event.name(), "disconnected");
}

#[test]
fn a_byte_order_mark_before_the_payload_is_accepted() {
    let event = WebhookEvent::from_slice(b"\xEF\xBB\xBF{\"type\":\"DisconnectedCallback\",\"momment\":1}").unwrap();
    assert_eq!(event.name(), "disconnected");
    assert!(matches!(WebhookEvent::from_slice(b"\xEF\xBB\xBF"), Err(WebhookError::NotJson(_))));
}

/// A received text from a contact without a profile picture or name: the shape of real
/// traffic that used to be refused at `photo`.
#[test]
fn null_fields_of_a_received_message_are_none() {
    let payload = br#"{"instanceId":"I","messageId":"M","phone":"5544999999999","fromMe":false,
        "momment":1632228638000,"status":"RECEIVED","chatName":null,"senderPhoto":null,"senderName":null,
        "participantPhone":null,"photo":null,"broadcast":false,"referenceMessageId":null,
        "type":"ReceivedCallback","text":{"message":"oi","title":null}}"#;
    let WebhookEvent::MessageReceived(m) = WebhookEvent::from_slice(payload).unwrap() else { panic!() };
    assert!(m.photo.is_none() && m.chat_name.is_none() && m.sender_name.is_none() && m.reference_message_id.is_none());
    assert_eq!(m.phone.as_deref(), Some("5544999999999"));
    assert_eq!(m.momment, Some(1632228638000));
    assert_eq!(m.text.as_ref().and_then(|t| t.message.as_deref()), Some("oi"));
    assert!(m.mismatches().is_empty(), "{:?}", m.mismatches());
}

#[test]
fn notifications_decode_with_their_parameters() {
    let payload = br#"{"instanceId":"I","phone":"5544999999999","fromMe":false,"momment":1,"status":"RECEIVED",
        "chatName":"x","senderName":"x","photo":null,"broadcast":false,"type":"ReceivedCallback",
        "notification":"PROFILE_NAME_UPDATED","profileName":"Novo"}"#;
    let WebhookEvent::MessageReceived(m) = WebhookEvent::from_slice(payload).unwrap() else { panic!() };
    assert_eq!(m.message_id, None);
    assert_eq!(m.notification.as_deref(), Some("PROFILE_NAME_UPDATED"));
    assert_eq!(m.profile_name.as_deref(), Some("Novo"));

    let payload = br#"{"phone":"120363019502650977-group","type":"ReceivedCallback","momment":1,
        "notification":"MEMBERSHIP_APPROVAL_REQUEST","notificationParameters":["5544999999999", 5544888888888]}"#;
    let WebhookEvent::MessageReceived(m) = WebhookEvent::from_slice(payload).unwrap() else { panic!() };
    assert_eq!(m.notification.as_deref(), Some("MEMBERSHIP_APPROVAL_REQUEST"));
    assert_eq!(m.notification_parameters.unwrap(), ["5544999999999", "5544888888888"]);

    // A call notification with fields these docs do not list: decoded, and the raw JSON keeps them.
    let payload = br#"{"phone":"5544999999999","type":"ReceivedCallback","notification":"CALL_MISSED_VOICE",
        "callId":"C1","code":"missed","notificationParameters":null}"#;
    let (event, raw) = WebhookEvent::from_slice_with_raw(payload).unwrap();
    let WebhookEvent::MessageReceived(m) = event else { panic!() };
    assert_eq!((m.call_id.as_deref(), m.notification_parameters), (Some("C1"), None));
    assert_eq!(raw["code"], "missed");
}

/// Values of the wrong type do not reject the event: the field is `None` and the value is kept
/// with its path.
#[test]
fn values_of_another_type_are_mismatches_not_errors() {
    let payload = br#"{"type":"ReceivedCallback","phone":"1","messageId":"m","momment":{"x":1},
        "fromMe":"maybe","text":"hello","contact":{"phones":"5544"},"image":{"imageUrl":["a"]}}"#;
    let event = WebhookEvent::from_slice(payload).unwrap();
    let WebhookEvent::MessageReceived(m) = &event else { panic!("{event:?}") };
    assert_eq!((m.momment, m.from_me, &m.text), (None, None, &None));
    assert_eq!(m.phone.as_deref(), Some("1"));
    let mut found: Vec<(&str, &serde_json::Value)> =
        event.mismatches().iter().map(|m| (m.path.as_str(), &m.value)).collect();
    found.sort_by_key(|(path, _)| *path);
    assert_eq!(
        found,
        [
            ("contact.phones", &serde_json::json!("5544")),
            ("fromMe", &serde_json::json!("maybe")),
            ("image.imageUrl", &serde_json::json!(["a"])),
            ("momment", &serde_json::json!({"x": 1})),
            ("text", &serde_json::json!("hello")),
        ]
    );
    let momment = event.mismatches().iter().find(|m| m.path == "momment").unwrap();
    assert!(momment.reason.starts_with("invalid type: map"), "{momment}");

    let event = WebhookEvent::from_slice(
        br#"{"attendance":{"status":"FINISH","attendanceCategories":[{"categoryId":"1"},3,null],"customer":"x"}}"#,
    )
    .unwrap();
    assert_eq!(event.name(), "attendance-finished");
    let mut paths: Vec<&str> = event.mismatches().iter().map(|m| m.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["attendance.attendanceCategories[1]", "attendance.customer"]);
}

/// What the README promises to keep: a number no JSON value holds (kept as its digits, in
/// `mismatches()` when the field is an integer), nesting past `serde_json::Value`'s limit in a
/// field the docs do not type, and an event named by one discriminator while another is `null`.
#[test]
fn events_with_huge_numbers_deep_nesting_or_a_null_discriminator_still_decode() {
    let payload = br#"{"type":"ReceivedCallback","phone":"1","momment":1e400}"#;
    let WebhookEvent::MessageReceived(m) = WebhookEvent::from_slice(payload).unwrap() else { panic!() };
    assert_eq!(m.phone.as_deref(), Some("1"));
    assert_eq!(m.momment, None);
    let mismatch = m.mismatches().iter().find(|x| x.path == "momment").expect("momment's mismatch");
    assert_eq!(mismatch.value, serde_json::json!("1e400"));

    for depth in [200, 100_000] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let payload = format!(r#"{{"type":"ReceivedCallback","phone":"1","extra":{deep},"fromMe":true}}"#);
        let (event, raw) = WebhookEvent::from_slice_with_raw(payload.as_bytes()).unwrap();
        let WebhookEvent::MessageReceived(m) = event else { panic!("{depth}: {}", event.name()) };
        assert_eq!((m.phone.as_deref(), m.from_me), (Some("1"), Some(true)), "{depth}");
        // Built as values down to the bound, kept as text below it: nothing is lost.
        let mut below = &raw["extra"];
        for _ in 1..plugchat_api::MAX_WEBHOOK_DEPTH {
            below = &below[0];
        }
        let text = below.as_str().expect("the deepest part as text");
        assert_eq!(text.len(), 2 * (depth - plugchat_api::MAX_WEBHOOK_DEPTH + 1) + 1, "{depth}");
    }

    let payload = br#"{"type":null,"attendance":{"status":"TRANSFERRED"}}"#;
    let event = WebhookEvent::from_slice(payload).unwrap();
    assert_eq!(event.name(), "unknown");
    let payload = br#"{"type":null,"attendance":{"status":"FINISH"}}"#;
    assert_eq!(WebhookEvent::from_slice(payload).unwrap().name(), "attendance-finished");
}
