//! Property tests of webhook decoding: documented payloads with keys removed, values
//! replaced by arbitrary JSON, the event field changed, wrapped, truncated or replaced by
//! arbitrary bytes never panic and never take a second; documented payloads with any field but
//! the ones naming the event set to `null`, removed or given another type still decode into
//! their own event, and a value of another type is kept as a mismatch at its path.
//! Cases: `PLUGCHAT_PROPTEST_CASES / 3` each (default 2000, for the maintainer's loop; `.ci/run`
//! sets `PLUGCHAT_PROPTEST_CASES=60000`, 20000 each).

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use plugchat_api::webhooks::WebhookEvent;
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;

/// XorShift, not proptest's default ChaCha: the cases are as varied for these properties, and
/// ChaCha's rounds in a debug build were a tenth of the suite's time.
const RNG: RngAlgorithm = RngAlgorithm::XorShift;
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

/// A documented payload: its event (page id), the payload, the dotted fields naming the event
/// and the fields its page documents as scalars.
type Event = (String, Value, Vec<String>, Vec<String>);

fn events() -> &'static Vec<Event> {
    static EVENTS: OnceLock<Vec<Event>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
        let mut out = Vec::new();
        for page in &spec.pages {
            let Some(callback) = &page.callback else { continue };
            let fields: Vec<String> = callback.discriminator.iter().map(|d| d.field.clone()).collect();
            let scalars: Vec<String> = callback
                .required
                .iter()
                .chain(&callback.optional)
                .filter(|a| ["string", "boolean", "integer", "number"].contains(&a.ty.to_lowercase().as_str()))
                .map(|a| a.name.clone())
                .collect();
            out.extend(
                callback.examples.iter().map(|e| (page.id.clone(), e.payload.clone(), fields.clone(), scalars.clone())),
            );
        }
        out
    })
}

/// A step of a JSON path.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Every path in `value` (object keys and array elements, at any depth).
fn all_paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    let children: Vec<(Step, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Step::Index(i), v)).collect(),
        _ => return,
    };
    for (step, child) in children {
        prefix.push(step);
        out.push(prefix.clone());
        all_paths(child, prefix, out);
        prefix.pop();
    }
}

/// The paths that may be mutated: all but the fields naming the event and the objects holding them.
fn mutable_paths(payload: &Value, discriminators: &[String]) -> Vec<Vec<Step>> {
    let mut paths = Vec::new();
    all_paths(payload, &mut Vec::new(), &mut paths);
    paths.retain(|path| {
        let dotted = render(path);
        !discriminators.iter().any(|d| *d == dotted || d.starts_with(&format!("{dotted}.")))
    });
    paths
}

fn parent_of<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key.as_str()),
        Step::Index(i) => value.get_mut(*i),
    })
}

/// Replaces (`Some`) or removes (`None`) the value at `path`.
fn set(payload: &mut Value, path: &[Step], replacement: Option<Value>) {
    let Some((last, parent)) = path.split_last() else { return };
    let Some(parent) = parent_of(payload, parent) else { return };
    match (last, parent, replacement) {
        (Step::Key(key), Value::Object(map), Some(value)) => {
            map.insert(key.clone(), value);
        }
        (Step::Key(key), Value::Object(map), None) => {
            map.remove(key);
        }
        (Step::Index(i), Value::Array(items), Some(value)) => items[*i] = value,
        (Step::Index(i), Value::Array(items), None) => {
            items.remove(*i);
        }
        _ => {}
    }
}

fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// What happens to a field that does not name the event.
#[derive(Debug, Clone)]
enum FieldMutation {
    Null(usize),
    Remove(usize),
    Retype(usize, Value),
}

fn field_mutation() -> impl Strategy<Value = FieldMutation> {
    prop_oneof![
        any::<usize>().prop_map(FieldMutation::Null),
        any::<usize>().prop_map(FieldMutation::Remove),
        (any::<usize>(), json_value()).prop_map(|(i, v)| FieldMutation::Retype(i, v)),
    ]
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
    std::env::var("PLUGCHAT_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(6_000) / 3
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, rng_algorithm: RNG, ..ProptestConfig::default() })]

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

    #[test]
    fn fields_set_to_null_removed_or_retyped_keep_the_event(index in any::<usize>(), mutations in proptest::collection::vec(field_mutation(), 1..5)) {
        let (event, original, discriminators, _) = &events()[index % events().len()];
        let mut payload = original.clone();
        for mutation in &mutations {
            let paths = mutable_paths(&payload, discriminators);
            if paths.is_empty() {
                break;
            }
            match mutation {
                FieldMutation::Null(i) => set(&mut payload, &paths[i % paths.len()], Some(Value::Null)),
                FieldMutation::Remove(i) => set(&mut payload, &paths[i % paths.len()], None),
                FieldMutation::Retype(i, value) => {
                    let path = &paths[i % paths.len()];
                    let old = parent_of(&mut payload, path).map(|v| kind(v));
                    // Another type than the value had: wrap a value of the same type in an array.
                    let value = if old == Some(kind(value)) { Value::Array(vec![value.clone()]) } else { value.clone() };
                    set(&mut payload, path, Some(value));
                }
            }
        }
        let bytes = serde_json::to_vec(&payload).unwrap();
        match WebhookEvent::from_slice(&bytes) {
            Ok(decoded) => prop_assert_eq!(decoded.name(), event.as_str(), "{}", payload),
            Err(error) => prop_assert!(false, "{} refused: {}\n{}", event, error, payload),
        }
    }

    #[test]
    fn a_scalar_replaced_by_an_object_is_kept_as_a_mismatch(index in any::<usize>(), at in any::<usize>(), probe in any::<i64>()) {
        let (event, original, discriminators, scalars) = &events()[index % events().len()];
        let mut payload = original.clone();
        // The fields outside arrays that the page documents as scalars.
        let paths: Vec<Vec<Step>> = mutable_paths(&payload, discriminators)
            .into_iter()
            .filter(|p| p.iter().all(|s| matches!(s, Step::Key(_))) && scalars.contains(&render(p)))
            .collect();
        prop_assume!(!paths.is_empty());
        let path = &paths[at % paths.len()];
        let value = serde_json::json!({ "probe": probe });
        set(&mut payload, path, Some(value.clone()));
        let decoded = WebhookEvent::from_value(payload.clone()).unwrap();
        prop_assert_eq!(decoded.name(), event.as_str());
        let rendered = render(path);
        prop_assert!(
            decoded.mismatches().iter().any(|m| m.path == rendered && m.value == value),
            "no mismatch at {} in {:?}", rendered, decoded.mismatches()
        );
    }
}
