//! `crates/plugchat-api/openapi.json` (written by `cargo xtask regen`, kept fresh by
//! `regen --check`) is a valid OpenAPI 3.1 document, and its schemas agree with the generated
//! Rust types: every documented answer decodes with the generated type exactly when it validates
//! against the document's schema, and so does every value probed into each of its fields.
//!
//! Offline: the official OpenAPI 3.1 schemas are vendored in `tests/openapi-3.1/` and registered
//! under their `$id`s; the JSON Schema 2020-12 meta-schemas ship inside the `jsonschema` crate.

use std::path::Path;

use jsonschema::{Registry, Validator};
use plugchat_api::webhooks::WebhookEvent;
use serde_json::{Value, json};

fn read_json(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn document() -> Value {
    read_json("../crates/plugchat-api/openapi.json")
}

/// A validator for `schema` (a fragment of the document) that resolves the document's
/// `#/components/...` references: the fragment is validated as the root of a copy of them.
fn fragment_validator(document: &Value, schema: &Value) -> Validator {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"].clone(),
    });
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                root[key] = value.clone();
            }
        }
        Value::Bool(true) => {}
        other => panic!("not a schema: {other}"),
    }
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema}"))
}

/// The operation object serving page `id` (its own, or the one merging pages of one endpoint).
fn operation_of<'a>(document: &'a Value, id: &str) -> &'a Value {
    document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|operation| {
            operation["operationId"] == id
                || operation["x-plugchat-pages"].as_array().is_some_and(|pages| pages.iter().any(|p| p == id))
        })
        .unwrap_or_else(|| panic!("no operation serves page `{id}`"))
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let schema_base = read_json("openapi-3.1/schema-base.json");
    let schema = read_json("openapi-3.1/schema.json");
    let dialect = read_json("openapi-3.1/dialect-base.schema.json");
    let meta = read_json("openapi-3.1/meta-base.schema.json");
    let registry = Registry::new()
        .add("https://spec.openapis.org/oas/3.1/schema/2021-04-15", &schema)
        .and_then(|r| r.add("https://spec.openapis.org/oas/3.1/dialect/base", &dialect))
        .and_then(|r| r.add("https://spec.openapis.org/oas/3.1/meta/base", &meta))
        .and_then(|r| r.prepare())
        .expect("the vendored schemas register");
    let validator = jsonschema::options().with_registry(&registry).build(&schema_base).expect("the schema compiles");
    let document = document();
    let errors: Vec<String> = validator.iter_errors(&document).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "openapi.json is not valid OpenAPI 3.1:\n{}", errors.join("\n"));

    // The validator is not vacuous: a document missing what 3.1 requires fails.
    let mut broken = document.clone();
    broken["info"].as_object_mut().unwrap().remove("title");
    assert!(!validator.is_valid(&broken), "a document without info.title passed");
    let mut broken = document.clone();
    broken["paths"]["/whatsapp/send-text"]["post"]["responses"] = json!({ "200": { "content": 5 } });
    assert!(!validator.is_valid(&broken), "a response without description passed");
}

#[test]
fn the_document_covers_every_page() {
    let document = document();
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    for (page, operation) in spec.operations() {
        let object = operation_of(&document, &page.id);
        assert!(object["tags"].as_array().unwrap().contains(&json!(page.section)), "{}", page.id);
        for response in &operation.responses {
            assert!(object["responses"].get(response.status.to_string()).is_some(), "{}: {}", page.id, response.status);
        }
    }
    let events = spec.pages.iter().filter(|p| p.callback.is_some()).count();
    assert_eq!(document["webhooks"].as_object().unwrap().len(), events);
    assert_eq!(document["servers"][0]["url"], json!(spec.base_url.unwrap()));
    assert_eq!(document["components"]["securitySchemes"]["token"]["name"], "Authorization");
}

/// Values probed into each response field: the lenient spellings the service uses and values
/// no field of that type accepts.
fn probes() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!("false"),
        json!("TRUE"),
        json!(0),
        json!(1),
        json!(2),
        json!(-7),
        json!(2.5),
        json!(3.0),
        json!("0"),
        json!(" 12 "),
        json!("+12"),
        json!("2.5"),
        json!("maybe"),
        json!(""),
        json!(9_223_372_036_854_775_808u64),
        json!({ "a": 1 }),
        json!([]),
        json!(["a"]),
        json!([1]),
    ]
}

#[test]
fn every_documented_answer_decodes_exactly_when_it_validates() {
    let document = document();
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    let mut failures = Vec::new();
    let (mut examples, mut probed) = (0, 0);
    for (page, operation) in spec.operations() {
        let Some(success) = operation.responses.iter().find(|r| (200..300).contains(&r.status)) else { continue };
        let Some(example) = &success.example else { continue };
        // The page's own schema (a merged endpoint's answer is `anyOf` its pages'): the schema
        // of the path's response when the page is the operation, else the page's component.
        let object = operation_of(&document, &page.id);
        let status = success.status.to_string();
        let schema = if object["operationId"] == page.id.as_str() && object.get("x-plugchat-pages").is_none() {
            object["responses"][&status]["content"]["application/json"]["schema"].clone()
        } else {
            let components = document["components"]["schemas"].as_object().unwrap();
            let reference = |name: &str| json!({ "$ref": format!("#/components/schemas/{}.{name}", page.id) });
            if components.contains_key(&format!("{}.Item", page.id)) {
                json!({ "anyOf": [{ "type": "array", "items": reference("Item") }, reference("Item")] })
            } else if components.contains_key(&format!("{}.Response", page.id)) {
                reference("Response")
            } else {
                json!({})
            }
        };
        let validator = fragment_validator(&document, &schema);
        let mut check = |value: &Value, what: &str| {
            let decodes = plugchat_api::dynamic::decode(&page.id, value.to_string().as_bytes()).expect("a known id");
            let valid = validator.is_valid(value);
            if decodes.is_ok() != valid {
                failures.push(format!(
                    "{} {what}: Rust {} but the schema {}: {value}",
                    page.id,
                    decodes.as_ref().map_or_else(|e| format!("refuses it ({e})"), |_| "decodes it".to_owned()),
                    if valid { "accepts it" } else { "refuses it" }
                ));
            }
        };
        examples += 1;
        check(example, "documented example");
        // Each field of the (first) item, set to each probe.
        let sample = match example {
            Value::Array(items) => items.first().cloned(),
            other => Some(other.clone()),
        };
        if let Some(Value::Object(fields)) = sample {
            for key in fields.keys() {
                for probe in probes() {
                    let mut item = Value::Object(fields.clone());
                    item[key] = probe;
                    let value = if example.is_array() { json!([item]) } else { item };
                    probed += 1;
                    check(&value, &format!("field `{key}`"));
                }
            }
        }
    }
    println!("documented answers: {examples}, probed values: {probed}");
    assert!(examples >= 60, "only {examples} documented answers were checked");
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_documented_request_body_validates() {
    let document = document();
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    let mut failures = Vec::new();
    for (page, operation) in spec.operations() {
        let Some(plugchat_spec::RequestExample::Json { body, .. }) = &operation.request_example else { continue };
        let object = operation_of(&document, &page.id);
        let schema = &object["requestBody"]["content"]["application/json"]["schema"];
        let validator = fragment_validator(&document, schema);
        let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{}: {e}", e.instance_path())).collect();
        if !errors.is_empty() {
            failures.push(format!("{}: {}", page.id, errors.join("; ")));
        }
        // A body without the required members fails (when there are any).
        if schema.get("required").is_some() && validator.is_valid(&json!({})) {
            failures.push(format!("{}: an empty body validates", page.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_webhook_example_validates_and_decodes_into_its_event() {
    let document = document();
    let mut failures = Vec::new();
    let mut count = 0;
    for (id, item) in document["webhooks"].as_object().unwrap() {
        let media = &item["post"]["requestBody"]["content"]["application/json"];
        let validator = fragment_validator(&document, &media["schema"]);
        for example in media["examples"].as_object().into_iter().flat_map(|e| e.values()) {
            count += 1;
            let payload = &example["value"];
            if let Some(error) = validator.iter_errors(payload).next() {
                failures.push(format!("{id}: {}: {error}", error.instance_path()));
            }
            match WebhookEvent::from_value(payload.clone()) {
                Ok(event) if event.name() == id => {}
                Ok(event) => failures.push(format!("{id}: decoded as {}", event.name())),
                Err(error) => failures.push(format!("{id}: {error}")),
            }
        }
        // The event's identifying field with another value does not validate.
        let schema = &document["components"]["schemas"][format!("{id}.Event")];
        if let Some(required) = schema["required"].as_array().and_then(|r| r.first()).and_then(Value::as_str)
            && let Some(example) = media["examples"].as_object().and_then(|e| e.values().next())
        {
            let mut other = example["value"].clone();
            other[required] = json!("SomethingElse");
            if validator.is_valid(&other) {
                failures.push(format!("{id}: a payload with another `{required}` validates"));
            }
        }
    }
    assert!(count >= 7, "{count} webhook examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
