//! Property tests of webhook decoding: documented payloads with keys removed, values
//! replaced by arbitrary JSON, the event field changed, wrapped, truncated or replaced by
//! arbitrary bytes never panic and never take a second. Cases: `PLUGCHAT_PROPTEST_CASES / 3`
//! (default 20000).

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use plugchat_api::webhooks::WebhookEvent;
use proptest::prelude::*;
use serde_json::Value;

fn payloads() -> &'static Vec<Value> {
    static PAYLOADS: OnceLock<Vec<Value>> = OnceLock::new();
    PAYLOADS.get_or_init(|| {
        let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
        spec.pages
            .iter()
            .filter_map(|p| p.callback.as_ref())
            .flat_map(|c| c.examples.iter().map(|e| e.payload.clone()))
            .collect()
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(".{0,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    RemoveKey(usize),
    ReplaceValue(usize, Value),
    SetEvent(String),
    Wrap,
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::RemoveKey),
        (any::<usize>(), json_value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        prop_oneof![Just("ReceivedCallback".to_owned()), Just("DeliveryCallback".to_owned()), ".{0,20}"]
            .prop_map(Mutation::SetEvent),
        Just(Mutation::Wrap),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut payload: Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut truncate = None;
    for mutation in mutations {
        match (mutation, &mut payload) {
            (Mutation::RemoveKey(i), Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(i % map.len()).cloned().unwrap();
                map.remove(&key);
            }
            (Mutation::ReplaceValue(i, value), Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(i % map.len()).cloned().unwrap();
                map.insert(key, value.clone());
            }
            (Mutation::SetEvent(event), Value::Object(map)) => {
                map.insert("type".into(), Value::String(event.clone()));
            }
            (Mutation::Wrap, _) => payload = Value::Array(vec![payload.clone()]),
            (Mutation::Truncate(at), _) => truncate = Some(*at),
            _ => {}
        }
    }
    let mut bytes = serde_json::to_vec(&payload).unwrap();
    if let Some(at) = truncate {
        bytes.truncate(at % (bytes.len() + 1));
    }
    bytes
}

fn cases() -> u32 {
    std::env::var("PLUGCHAT_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(60_000) / 3
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_payloads_never_panic_nor_take_a_second(index in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..5)) {
        let payloads = payloads();
        let bytes = mutate(payloads[index % payloads.len()].clone(), &mutations);
        let started = Instant::now();
        let _ = WebhookEvent::from_slice(&bytes);
        prop_assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let started = Instant::now();
        let _ = WebhookEvent::from_slice(&bytes);
        prop_assert!(started.elapsed() < Duration::from_secs(1));
    }
}
