//! The one-pass decoders (issue 27) against what real traffic sends: webhook payloads read as
//! raw members borrowed from the input, and lenient response scalars read without a boxed copy.
//! Nulls, missing and extra fields, scalars of another kind, numbers beyond `f64`, escaped
//! strings and keys, nested objects and arrays, repeated keys (the last wins, as in
//! `serde_json::Value`), whitespace; and every decoding path agreeing with the others.

use std::path::Path;

use plugchat_api::webhooks::{MessageReceived, WebhookEvent};
use serde_json::{Value, json};

fn received(payload: &[u8]) -> MessageReceived {
    match WebhookEvent::from_slice(payload) {
        Ok(WebhookEvent::MessageReceived(m)) => m,
        other => panic!("{other:?}: {}", String::from_utf8_lossy(payload)),
    }
}

/// `(path, value)` of each mismatch, sorted.
fn mismatches(m: &MessageReceived) -> Vec<(String, Value)> {
    let mut found: Vec<(String, Value)> = m.mismatches().iter().map(|m| (m.path.clone(), m.value.clone())).collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

#[test]
fn nulls_missing_and_extra_fields_at_every_level() {
    let m = received(
        br#"{"type":"ReceivedCallback","phone":"1","photo":null,"undocumented":{"deep":[1,{"x":null}]},
        "text":{"message":null,"title":"t","extra":[1,2]},"image":null,"contact":{},"notificationParameters":null}"#,
    );
    assert_eq!(m.phone.as_deref(), Some("1"));
    assert_eq!((m.photo.as_ref(), m.image.as_ref(), m.notification_parameters.as_ref()), (None, None, None));
    let text = m.text.as_ref().expect("text");
    assert_eq!((text.message.as_deref(), text.title.as_deref()), (None, Some("t")));
    let contact = m.contact.as_ref().expect("an empty object is an object");
    assert_eq!((contact.display_name.as_ref(), contact.phones.as_ref()), (None, None));
    assert!(m.message_id.is_none() && m.momment.is_none());
    assert!(m.mismatches().is_empty(), "{:?}", m.mismatches());
}

#[test]
fn scalars_of_another_kind_convert_or_are_kept_as_mismatches() {
    let m = received(
        br#"{"type":"ReceivedCallback","phone":5511999999999,"fromMe":"true","isGroup":0,"broadcast":"FALSE",
        "momment":"1632228638000","chatName":true,"forwarded":"maybe","isEdit":2,"waitingMessage":1.0,
        "document":{"pageCount":3.0,"title":7},"location":{"latitude":"-23.5","longitude":-46.6}}"#,
    );
    assert_eq!(m.phone.as_deref(), Some("5511999999999"));
    assert_eq!((m.from_me, m.is_group, m.broadcast), (Some(true), Some(false), Some(false)));
    assert_eq!(m.momment, Some(1632228638000));
    assert_eq!(m.chat_name.as_deref(), Some("true"));
    assert_eq!((m.forwarded, m.is_edit, m.waiting_message), (None, None, None));
    let document = m.document.as_ref().unwrap();
    assert_eq!((document.page_count, document.title.as_deref()), (Some(3), Some("7")));
    let location = m.location.as_ref().unwrap();
    assert_eq!(location.latitude.as_ref().map(ToString::to_string).as_deref(), Some("-23.5"));
    assert_eq!(location.longitude.as_ref().map(ToString::to_string).as_deref(), Some("-46.6"));
    assert_eq!(
        mismatches(&m),
        [("forwarded".into(), json!("maybe")), ("isEdit".into(), json!(2)), ("waitingMessage".into(), json!(1.0))]
    );
    let reasons: Vec<&str> = m.mismatches().iter().map(|m| m.reason.as_str()).collect();
    assert!(reasons.iter().all(|r| r.contains("expected a boolean")), "{reasons:?}");

    // Containers where a scalar belongs, and a scalar where a container belongs.
    let m = received(
        br#"{"type":"ReceivedCallback","phone":["1"],"momment":{"at":1},"text":"oi","contact":{"phones":"5544"},
        "image":[{"imageUrl":"u"}]}"#,
    );
    assert_eq!((m.phone.as_ref(), m.momment, m.text.as_ref(), m.image.as_ref()), (None, None, None, None));
    assert_eq!(m.contact.as_ref().unwrap().phones, None);
    assert_eq!(
        mismatches(&m),
        [
            ("contact.phones".into(), json!("5544")),
            ("image".into(), json!([{"imageUrl": "u"}])),
            ("momment".into(), json!({"at": 1})),
            ("phone".into(), json!(["1"])),
            ("text".into(), json!("oi")),
        ]
    );
}

#[test]
fn numbers_beyond_f64_keep_their_digits() {
    let m = received(
        br#"{"type":"ReceivedCallback","phone":18446744073709551616,"chatName":2.50,"senderName":-0,
        "participantPhone":1e400,"photo":0.1000000000000000055511151231257827,"momment":-92233720368547758090,
        "location":{"latitude":1e400,"longitude":18446744073709551616},
        "notificationParameters":[98765432109876543210, 1.5e3, "x"]}"#,
    );
    assert_eq!(m.phone.as_deref(), Some("18446744073709551616"));
    assert_eq!(m.chat_name.as_deref(), Some("2.50"), "the number's text, not `2.5`");
    assert_eq!(m.sender_name.as_deref(), Some("-0"));
    assert_eq!(m.participant_phone.as_deref(), Some("1e400"));
    assert_eq!(m.photo.as_deref(), Some("0.1000000000000000055511151231257827"));
    assert_eq!(
        m.notification_parameters.as_deref(),
        Some(&["98765432109876543210".into(), "1.5e3".into(), "x".into()][..])
    );
    assert_eq!(m.momment, None);
    let location = m.location.as_ref().unwrap();
    // A number field holds the nearest `f64`, as before.
    assert_eq!(location.longitude.as_ref().and_then(serde_json::Number::as_f64), Some(18446744073709551616.0));
    assert_eq!(
        mismatches(&m),
        [("location.latitude".into(), json!("1e400")), ("momment".into(), json!("-92233720368547758090"))]
    );
    // In a field typed as any JSON value, and in the raw JSON, numbers a `Value` would round
    // are strings of their digits.
    let payload = br#"{"attendance":{"status":"FINISH"},"chat":{"id":18446744073709551616,"n":[1e400,1.5]}}"#;
    let (event, raw) = WebhookEvent::from_slice_with_raw(payload).unwrap();
    let WebhookEvent::AttendanceFinished(finished) = &event else { panic!("{event:?}") };
    let expected = json!({"id": "18446744073709551616", "n": ["1e400", 1.5]});
    assert_eq!(finished.chat.as_ref(), Some(&expected));
    assert_eq!(raw["chat"], expected);
}

#[test]
fn escaped_strings_and_keys_are_unescaped() {
    let m = received(
        r#"{"type":"ReceivedCallback","ph\u006fne":"55\\11","text":{"message":"linha\nnova \"aspas\" \u00e9 \ud83d\ude00 \/"},
        "senderName":"Jos\u00e9","chatName":"caf\u00e9 \\","caption":"\u0000","image":{"caption":"sem escape: é ✓"}}"#
            .as_bytes(),
    );
    assert_eq!(m.phone.as_deref(), Some("55\\11"), "a key spelled with an escape is the same key");
    assert_eq!(m.text.as_ref().unwrap().message.as_deref(), Some("linha\nnova \"aspas\" é 😀 /"));
    assert_eq!(m.sender_name.as_deref(), Some("José"));
    assert_eq!(m.chat_name.as_deref(), Some("café \\"));
    assert_eq!(m.image.as_ref().unwrap().caption.as_deref(), Some("sem escape: é ✓"));
    // An escape in the value naming the event.
    assert_eq!(WebhookEvent::from_slice(br#"{"type":"Received\u0043allback"}"#).unwrap().name(), "message-received");
    // Escapes in a long string, on both sides of an eight-byte boundary.
    for at in 0..20 {
        let message = format!("{}\\\"{}", "a".repeat(at), "b".repeat(20 - at));
        let payload = format!(r#"{{"type":"ReceivedCallback","text":{{"message":"{message}"}}}}"#);
        let expected = format!("{}\"{}", "a".repeat(at), "b".repeat(20 - at));
        assert_eq!(received(payload.as_bytes()).text.unwrap().message.as_deref(), Some(expected.as_str()), "{at}");
    }
}

#[test]
fn nested_objects_and_arrays_report_their_paths() {
    let payload =
        br#"{"attendance":{"status":"FINISH","attendanceCategories":[{"categoryId":"1","itemId":{"x":1}},null,"c",
        {"categoryId":2}],"customer":{"name":"n","phone":[1]}}}"#;
    let event = WebhookEvent::from_slice(payload).unwrap();
    let WebhookEvent::AttendanceFinished(finished) = &event else { panic!("{event:?}") };
    let attendance = finished.attendance.as_ref().unwrap();
    let categories = attendance.attendance_categories.as_ref().unwrap();
    let ids: Vec<Option<&str>> = categories.iter().map(|c| c.category_id.as_deref()).collect();
    assert_eq!(ids, [Some("1"), Some("2")]);
    assert_eq!(attendance.customer.as_ref().unwrap().name.as_deref(), Some("n"));
    let mut paths: Vec<&str> = event.mismatches().iter().map(|m| m.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "attendance.attendanceCategories[0].itemId",
            "attendance.attendanceCategories[2]",
            "attendance.customer.phone"
        ]
    );
    // Lists of scalars: `null` elements are left out, elements that do not fit are recorded.
    let m = received(br#"{"type":"ReceivedCallback","contact":{"phones":["1",null,2,{"a":1},true]}}"#);
    assert_eq!(m.contact.unwrap().phones.unwrap(), ["1", "2", "true"]);
}

#[test]
fn a_repeated_key_takes_its_last_value_everywhere() {
    // The first value would be a mismatch: it is replaced, as in a `Value`, so none is kept.
    let m = received(
        br#"{"type":"ReceivedCallback","momment":{"bad":1},"momment":7,"text":{"message":"a","message":"b"},
        "text":{"title":"t"},"phone":"1","phone":null}"#,
    );
    assert_eq!(m.momment, Some(7));
    let text = m.text.as_ref().unwrap();
    assert_eq!((text.message.as_deref(), text.title.as_deref()), (None, Some("t")), "the last `text` whole");
    assert_eq!(m.phone, None, "a later null replaces the value");
    assert!(m.mismatches().is_empty(), "{:?}", m.mismatches());
    // And the other way: a fitting value replaced by one that does not fit.
    let m = received(br#"{"type":"ReceivedCallback","momment":7,"momment":"x"}"#);
    assert_eq!((m.momment, mismatches(&m)), (None, vec![("momment".into(), json!("x"))]));
    // The event is the one the last `type` names.
    let event = WebhookEvent::from_slice(br#"{"type":"DisconnectedCallback","type":"ReceivedCallback"}"#).unwrap();
    assert_eq!(event.name(), "message-received");
    let event = WebhookEvent::from_slice(br#"{"attendance":{"status":"FINISH","status":"PROGRESS"}}"#).unwrap();
    assert_eq!(event.name(), "attendance-started");
    let (_, raw) = WebhookEvent::from_slice_with_raw(br#"{"type":"ReceivedCallback","x":1,"x":2}"#).unwrap();
    assert_eq!(raw, json!({"type": "ReceivedCallback", "x": 2}));
}

#[test]
fn whitespace_anywhere_is_no_part_of_a_value() {
    let payload = b"\xEF\xBB\xBF \r\n{ \"type\" :\t\"ReceivedCallback\" ,\n \"phone\" : 5511 , \"fromMe\" :\r\n true ,\
        \"text\" : { \"message\" : \" oi \" } , \"momment\" : \"12\" } \n";
    let m = received(payload);
    assert_eq!(m.phone.as_deref(), Some("5511"));
    assert_eq!((m.from_me, m.momment), (Some(true), Some(12)));
    assert_eq!(m.text.unwrap().message.as_deref(), Some(" oi "));
}

/// The documented examples, compact and pretty-printed.
fn documented_payloads() -> Vec<Vec<u8>> {
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    let payloads: Vec<Value> = spec
        .pages
        .iter()
        .filter_map(|p| p.callback.as_ref())
        .flat_map(|c| c.examples.iter().map(|e| e.payload.clone()))
        .collect();
    assert!(payloads.len() > 15, "{}", payloads.len());
    payloads.iter().flat_map(|p| [serde_json::to_vec(p).unwrap(), serde_json::to_vec_pretty(p).unwrap()]).collect()
}

/// Bytes, an already parsed `Value`, serde (`Deserialize`) and the event struct's own
/// `from_object` decode every documented payload to the same event.
#[test]
fn every_path_decodes_the_documented_payloads_alike() {
    for bytes in documented_payloads() {
        let text = String::from_utf8_lossy(&bytes);
        let from_slice = WebhookEvent::from_slice(&bytes).unwrap();
        assert_ne!(from_slice.name(), "unknown", "{text}");
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(WebhookEvent::from_value(value.clone()).unwrap(), from_slice, "{text}");
        assert_eq!(serde_json::from_slice::<WebhookEvent>(&bytes).unwrap(), from_slice, "{text}");
        let (with_raw, raw) = WebhookEvent::from_slice_with_raw(&bytes).unwrap();
        assert_eq!((&with_raw, &raw), (&from_slice, &value), "{text}");
        if let WebhookEvent::MessageReceived(m) = &from_slice {
            assert_eq!(&MessageReceived::from_object(value.as_object().unwrap()), m, "{text}");
            assert_eq!(&serde_json::from_slice::<MessageReceived>(&bytes).unwrap(), m, "{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers: lenient scalars read from the input without a boxed copy.

/// An answer through each way serde_json reads: a slice (what `send()` uses), a `str`, a
/// reader (owned text) and a `Value`.
/// `value_rounds`: the body holds a number a `Value` does not keep as sent.
fn every_reader<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(body: &str, value_rounds: bool) -> T {
    let from_slice: T = serde_json::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"));
    assert_eq!(serde_json::from_str::<T>(body).unwrap(), from_slice, "{body}");
    assert_eq!(serde_json::from_reader::<_, T>(body.as_bytes()).unwrap(), from_slice, "{body}");
    if !value_rounds {
        let value: Value = serde_json::from_str(body).unwrap();
        assert_eq!(serde_json::from_value::<T>(value).unwrap(), from_slice, "{body}");
    }
    from_slice
}

#[test]
fn answer_strings_keep_every_spelling_exactly() {
    use plugchat_api::message::SendTextResponse;
    for (sent, expected) in [
        (r#""plain""#, Some("plain")),
        (r#""linha\nnova \"x\" \u00e9 \ud83d\ude00""#, Some("linha\nnova \"x\" é 😀")),
        (r#""sem escape é ✓""#, Some("sem escape é ✓")),
        ("18446744073709551616", Some("18446744073709551616")),
        ("-92233720368547758090", Some("-92233720368547758090")),
        ("2.50", Some("2.50")),
        ("1e400", Some("1e400")),
        ("-0", Some("-0")),
        ("5511999999999", Some("5511999999999")),
        ("true", Some("true")),
        ("null", None),
    ] {
        let body = format!(r#"{{"zaapId": {sent}, "messageId": "m", "extra": {{"ignored": [1, {sent}]}}}}"#);
        let rounds = matches!(sent, "18446744073709551616" | "-92233720368547758090" | "2.50" | "1e400" | "-0");
        let answer: SendTextResponse = every_reader(&body, rounds);
        assert_eq!(answer.zaap_id.as_deref(), expected, "{body}");
        assert_eq!(answer.message_id.as_deref(), Some("m"));
    }
    let answer: SendTextResponse = every_reader(r#"{"messageId":"m"}"#, false);
    assert_eq!(answer.zaap_id, None);
    for wrong in [r#"{"x": 1}"#, "[1]"] {
        let body = format!(r#"{{"zaapId": {wrong}}}"#);
        let error = serde_json::from_str::<SendTextResponse>(&body).unwrap_err().to_string();
        assert!(error.contains("expected a string, number or boolean"), "{body}: {error}");
        assert!(serde_json::from_reader::<_, SendTextResponse>(body.as_bytes()).is_err(), "{body}");
    }
}

#[test]
fn answer_booleans_and_integers_accept_the_services_spellings() {
    use plugchat_api::chats::GetChatMessagesItem;
    for (from_me, momment, expected) in [
        ("true", "1", (Some(true), Some(1))),
        (r#""false""#, r#""1632228638000""#, (Some(false), Some(1632228638000))),
        (r#"" TRUE ""#, "3.0", (Some(true), Some(3))),
        ("0", "-5", (Some(false), Some(-5))),
        ("1", "9007199254740993", (Some(true), Some(9007199254740993))),
        ("null", "null", (None, None)),
    ] {
        let body =
            format!(r#"{{"fromMe": {from_me}, "momment": {momment}, "phone": 5544, "text": {{"message": "oi"}}}}"#);
        let item: GetChatMessagesItem = every_reader(&body, false);
        assert_eq!((item.from_me, item.momment), expected, "{body}");
        assert_eq!(item.phone.as_deref(), Some("5544"));
        assert_eq!(item.text, Some(json!({"message": "oi"})));
    }
    for (field, wrong) in
        [("fromMe", r#""maybe""#), ("fromMe", "2"), ("momment", "1.5"), ("momment", r#""x""#), ("momment", "1e400")]
    {
        let body = format!(r#"{{"{field}": {wrong}}}"#);
        assert!(serde_json::from_str::<GetChatMessagesItem>(&body).is_err(), "{body}");
    }
}

/// A documented field holding JSON nested far deeper than `serde_json::Value` allows: the
/// event decodes, the mismatch (or the field typed as any value) is built down to
/// `MAX_WEBHOOK_DEPTH` and keeps the rest as text, and nothing recurses deeper.
#[test]
fn deep_values_in_documented_fields_are_bounded() {
    let depth = 1_000;
    let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let payload = format!(r#"{{"type":"ReceivedCallback","phone":"1","text":{{"message":{deep}}},"momment":{deep}}}"#);
    let m = received(payload.as_bytes());
    assert_eq!((m.phone.as_deref(), m.momment), (Some("1"), None));
    assert_eq!(m.text.as_ref().map(|t| t.message.as_ref()), Some(None));
    let mut paths: Vec<&str> = m.mismatches().iter().map(|m| m.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["momment", "text.message"]);
    let mut below = &m.mismatches().iter().find(|m| m.path == "momment").unwrap().value;
    for _ in 1..plugchat_api::MAX_WEBHOOK_DEPTH {
        below = &below[0];
    }
    assert!(below.as_str().is_some_and(|text| text.starts_with("[[")), "{below}");

    let payload = format!(r#"{{"attendance":{{"status":"FINISH"}},"chat":{deep}}}"#);
    let WebhookEvent::AttendanceFinished(finished) = WebhookEvent::from_slice(payload.as_bytes()).unwrap() else {
        panic!()
    };
    let mut below = finished.chat.as_ref().expect("chat");
    for _ in 1..plugchat_api::MAX_WEBHOOK_DEPTH {
        below = &below[0];
    }
    assert!(below.is_string(), "{below}");
}
