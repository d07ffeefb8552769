//! `crates/plugchat-api/openapi.json` (written by `cargo xtask regen`, kept fresh by
//! `regen --check`) is a valid OpenAPI 3.1 document, and its schemas agree with the generated
//! Rust types: every documented answer decodes with the generated type exactly when it validates
//! against the document's schema read with its leniency (`x-plugchat-lenient`), and so does every
//! value probed into each of its fields. As written (what generators read) the schemas are
//! strict, every example in the document validates against them, and the document has what
//! Spectral's and Redocly's rule sets ask of it; `cargo xtask interop` runs those tools.
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

/// A validator for `schema` (a fragment of the document) as the client reads it (the schemas'
/// leniency applied), resolving the document's `#/components/...` references: the fragment is
/// validated as the root of a copy of them.
fn fragment_validator(document: &Value, schema: &Value) -> Validator {
    let lenient = plugchat_docs::openapi::with_leniency_applied;
    strict_validator(&lenient(document), &lenient(schema))
}

/// A validator for `schema` as written: what generators and plain validators read.
fn strict_validator(document: &Value, schema: &Value) -> Validator {
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
        // A status that has no body in HTTP (204) has no schema: nothing to compare.
        if matches!(success.status, 204 | 205 | 304) {
            continue;
        }
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
                json!({ "type": "array", "items": reference("Item"), "x-plugchat-lenient": reference("Item") })
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

/// Every schema object of `value` (a document or part of one), with its JSON pointer.
fn schemas_in<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("type") || map.contains_key("anyOf") || map.contains_key("$ref") {
                out.push((pointer.clone(), value));
            }
            for (key, child) in map {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" {
                    schemas_in(child, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), out);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                schemas_in(child, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// What generators need to give each value one plain type: a `type` names at most one type
/// besides `null` (a union of scalars became `bool | str | int` in openapi-python-client), no
/// `anyOf` chooses between scalars, an array says what its items are, and the spellings the
/// client also accepts are in the `x-plugchat-lenient` extension, whose schemas are scalars.
#[test]
fn schemas_give_generators_one_type_per_value() {
    let document = document();
    let mut schemas = Vec::new();
    schemas_in(&document, String::new(), &mut schemas);
    let lenient = plugchat_docs::openapi::LENIENT;
    let mut failures = Vec::new();
    let (mut with_leniency, mut checked) = (0, 0);
    for (pointer, schema) in &schemas {
        if pointer.contains(&format!("/{lenient}")) {
            continue; // the extension's own schemas: read by validators only
        }
        checked += 1;
        let types: Vec<&str> = match &schema["type"] {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.iter().filter(|t| **t != "null").count() > 1 {
            failures.push(format!("{pointer}: a union of types {types:?}"));
        }
        if types.contains(&"array") && schema.get("items").is_none() {
            failures.push(format!("{pointer}: an array without `items`"));
        }
        for alternative in schema["anyOf"].as_array().into_iter().flatten() {
            let scalar = alternative.get("pattern").is_some()
                || alternative.get("enum").is_some()
                || alternative["type"].as_str().is_some_and(|t| !matches!(t, "object" | "array"));
            if scalar {
                failures.push(format!("{pointer}: `anyOf` holds a scalar alternative {alternative}"));
            }
        }
        if schema.get(lenient).is_some() {
            with_leniency += 1;
        }
    }
    println!("schemas: {checked}, with leniency in the extension: {with_leniency}");
    assert!(with_leniency >= 100, "only {with_leniency} schemas carry the leniency: is it still exported?");
    assert!(failures.is_empty(), "{} schemas generators cannot type:\n{}", failures.len(), failures.join("\n"));
}

/// The examples the document shows validate against its schemas as written (strict): Redocly's
/// `no-invalid-media-type-examples`, and what a reader of the document expects.
#[test]
fn every_example_validates_against_the_strict_schema() {
    let document = document();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut check = |schema: &Value, example: &Value, where_: String| {
        count += 1;
        let validator = strict_validator(&document, schema);
        if let Some(error) = validator.iter_errors(example).next() {
            failures.push(format!("{where_} {}: {error}", error.instance_path()));
        }
    };
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                let media = &response["content"]["application/json"];
                if let (Some(schema), Some(example)) = (media.get("schema"), media.get("example")) {
                    check(schema, example, format!("{method} {path} {status}"));
                }
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if let Some(example) = parameter.get("example") {
                    check(&parameter["schema"], example, format!("{method} {path} {}", parameter["name"]));
                }
            }
        }
    }
    for (id, item) in document["webhooks"].as_object().unwrap() {
        let media = &item["post"]["requestBody"]["content"]["application/json"];
        for example in media["examples"].as_object().into_iter().flat_map(|e| e.values()) {
            check(&media["schema"], &example["value"], format!("webhook {id}"));
        }
    }
    assert!(count >= 100, "only {count} examples");
    assert!(failures.is_empty(), "{} examples do not fit their schema:\n{}", failures.len(), failures.join("\n"));
}

/// A strict boolean field refuses `"false"` as written and accepts it with the leniency applied,
/// as the client does: the extension is what makes the difference.
#[test]
fn leniency_is_in_the_extension_only() {
    let document = document();
    let (name, schema) = document["components"]["schemas"]
        .as_object()
        .unwrap()
        .iter()
        .find_map(|(name, schema)| {
            let (field, _) =
                schema["properties"].as_object()?.iter().find(|(_, f)| f["type"] == json!(["boolean", "null"]))?;
            Some((format!("{name}.{field}"), json!({ "$ref": format!("#/components/schemas/{name}") })))
        })
        .expect("a response with a boolean field");
    let field = name.rsplit('.').next().unwrap();
    let value = json!({ field: "false" });
    assert!(!strict_validator(&document, &schema).is_valid(&value), "{name}: the strict schema accepts \"false\"");
    assert!(fragment_validator(&document, &schema).is_valid(&value), "{name}: the lenient reading refuses \"false\"");
    assert!(!fragment_validator(&document, &schema).is_valid(&json!({ field: "maybe" })), "{name}");
}

/// Each schema gets a class of its own in generated code: titles are unique, and so are the
/// names generators derive (a title, else the component's name) compared by letters and digits.
#[test]
fn schema_titles_and_component_names_are_unique() {
    let document = document();
    let mut schemas = Vec::new();
    schemas_in(&document, String::new(), &mut schemas);
    let mut titles = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for (pointer, schema) in &schemas {
        if let Some(title) = schema["title"].as_str()
            && let Some(first) = titles.insert(title.to_owned(), pointer.clone())
        {
            failures.push(format!("title `{title}` at {first} and {pointer}"));
        }
    }
    let key = |name: &str| name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    let mut classes = std::collections::BTreeMap::new();
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        let class = key(schema["title"].as_str().unwrap_or(name));
        if let Some(first) = classes.insert(class.clone(), name.clone()) {
            failures.push(format!("components `{first}` and `{name}` both name a class `{class}`"));
        }
    }
    assert!(titles.len() >= 10, "only {} titles", titles.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What Spectral's `spectral:oas` and Redocly's `recommended` rules ask of every operation and of
/// the document: a success and an error answer, an operation id, a contact.
#[test]
fn every_operation_has_a_success_and_an_error_answer() {
    let document = document();
    let mut failures = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !operation["operationId"].is_string() {
                failures.push(format!("{method} {path}: no operationId"));
            }
            let statuses: Vec<&String> = operation["responses"].as_object().unwrap().keys().collect();
            if !statuses.iter().any(|s| s.starts_with('2') || s.starts_with('3')) {
                failures.push(format!("{method} {path}: no 2xx answer in {statuses:?}"));
            }
            if !statuses.iter().any(|s| s.starts_with('4')) {
                failures.push(format!("{method} {path}: no 4xx answer in {statuses:?}"));
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if matches!(status.as_str(), "204" | "205" | "304") && response.get("content").is_some() {
                    failures.push(format!("{method} {path}: {status} with content"));
                }
            }
        }
    }
    assert!(document["info"]["contact"]["url"].as_str().is_some_and(|u| u.starts_with("https://")));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The exporter knows no API: a tree of one made-up page yields a document naming nothing of
/// PlugChat, titled after its base URL's host.
#[test]
fn the_exporter_knows_no_particular_api() {
    let text = include_str!("../../fixtures/sub-table-lists.md");
    let options = plugchat_spec::ParseOptions { base_url: Some("https://api.example.com/v2".into()) };
    let (page, _) = plugchat_spec::parse_page("buttons/send-buttons.md", text, &options);
    let spec = plugchat_spec::Spec {
        format_version: plugchat_model::SPEC_FORMAT_VERSION,
        base_url: options.base_url,
        pages: vec![page],
    };
    let export = plugchat_docs::openapi::document(&spec);
    let rendered = plugchat_docs::openapi::render(&export.document);
    assert_eq!(export.document["info"]["title"], "API at api.example.com");
    for word in ["PlugChat", "WhatsApp", "plugchat.com"] {
        assert!(!rendered.contains(word), "the document of another API says `{word}`:\n{rendered}");
    }
}
