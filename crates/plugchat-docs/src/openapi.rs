//! `cargo xtask openapi [--docs DIR] [--out FILE]`: the API as an OpenAPI 3.1 document.
//!
//! `regen` keeps `crates/plugchat-api/openapi.json` (docs-spec's document) in step, so
//! `regen --check` fails when it is stale. The document is read from the generator's view of
//! the API ([`plugchat_codegen::api_surface`]: where each parameter goes, its type as data, the
//! structs of the sub-tables, the success response's fields) plus the model for what the surface
//! does not carry (titles, examples, status texts, callbacks), so it describes what the
//! generated client sends and accepts, not a second reading of the pages.
//!
//! Schemas and the Rust types:
//! - Requests are strict: a `bool` setter sends a JSON boolean, an `i64` an integer, an enum one of
//!   its values; sub-tables are components with their `required` lists.
//! - Responses and webhook payloads describe what the client *accepts*. Every field is an `Option`
//!   (`null` or absent is fine, so no `required` list and `null` in every type), and scalars
//!   decode leniently because the service sends `"false"` and `"0"`. The schema itself holds the
//!   strict type (`type: [boolean, null]`), which generators turn into a plain `bool | None`; the
//!   other spellings the client converts are the vendor extension `x-plugchat-lenient` beside it
//!   (a boolean also `0|1` and `"true"`/`"false"`/`"1"`/`"0"` in any case, an integer a string of
//!   digits, a string any scalar), and [`with_leniency_applied`] reads a schema as
//!   `anyOf: [schema, its extension]`. Why not the `anyOf` in the schema: openapi-python-client made
//!   `bool | Enum | None | str | Unset` of it, and no generator can type such a union; why not
//!   a second document: one file, one set of examples, and every documented example already fits
//!   the strict types (a test checks it), so only validators that must mirror the client read the
//!   extension. `tests/tests/it/openapi.rs` decodes every documented answer with the generated
//!   types and validates it against the lenient reading, and checks both refuse the same wrong values.
//! - A list answer is `type: array` with the item as its leniency: the client decodes a bare
//!   object as a list of one.
//! - Every operation has a success and an error answer (`2XX`/`4XX` without a body where the page
//!   documents none), arrays say what their items are, and struct components are titled with the
//!   generated struct's (unique) name, so Spectral's `spectral:oas` and Redocly's `recommended`
//!   rules pass and generators name one class per schema (`cargo xtask interop` measures both).
//!
//! The JSON is built with `serde_json::json!` rather than a typed OpenAPI crate: the document
//! uses a small part of the format, and typed crates for 3.1 (`utoipa`, `oas3`) either target
//! server frameworks or lag the 3.1 schema features used here (type unions, `const`, webhooks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use plugchat_codegen::{ApiSurface, FieldSurface, OperationSurface, ParamLocation, ParamSurface, TypeSurface};
use plugchat_model::{PathPiece, name_key, path_pieces, same_name_key};
use plugchat_spec::{Operation, Page, RequestExample, Severity, Spec};
use serde_json::{Map, Value, json};

use crate::error::Error;

/// A document and what could not be put in it.
pub struct Export {
    pub document: Value,
    /// Operations left out (a path and method another page already defines), one line each.
    pub warnings: Vec<String>,
}

/// A component name: the characters OpenAPI allows there (`^[a-zA-Z0-9._-]+$`).
fn component_name(parts: &[&str]) -> String {
    let joined = parts.join(".");
    joined.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn with_description(mut schema: Value, description: &str) -> Value {
    // Beside a `$ref`, 3.1 allows a `description` that overrides the component's.
    if let (Value::Object(map), false) = (&mut schema, description.trim().is_empty()) {
        map.insert("description".into(), Value::String(description.trim().to_owned()));
    }
    schema
}

/// The schema of a scalar the client *sends*; `documented` is the Tipo as written (`https`
/// adds a URI pattern to a string).
fn strict_scalar(ty: &TypeSurface, documented: &str) -> Value {
    match ty {
        TypeSurface::String if documented.trim().eq_ignore_ascii_case("https") => {
            json!({ "type": "string", "format": "uri", "pattern": "^https://" })
        }
        TypeSurface::String => json!({ "type": "string" }),
        TypeSurface::Bool => json!({ "type": "boolean" }),
        TypeSurface::Integer => json!({ "type": "integer", "format": "int64" }),
        TypeSurface::Number => json!({ "type": "number" }),
        // `serde_json::Value`: anything (lists, enums and objects are not scalars).
        _ => json!({}),
    }
}

/// The name of the vendor extension holding the spellings a schema's client also accepts.
pub const LENIENT: &str = "x-plugchat-lenient";

/// A strict `schema` that the client reads more leniently: the values matching `also` decode too.
///
/// Generators read the strict type and give a plain `bool` or `int`; a validator that must accept
/// what the client accepts reads `anyOf: [schema, schema[LENIENT]]` ([`with_leniency_applied`]).
fn with_lenient(mut schema: Value, also: Value) -> Value {
    schema[LENIENT] = also;
    schema
}

/// The schema of a value the client *accepts* (response and webhook fields): `null` included,
/// the strict type in the schema and the other spellings `plugchat_runtime::__private::lenient`
/// converts in [`LENIENT`].
fn lenient(ty: &TypeSurface) -> Value {
    match ty {
        TypeSurface::String => {
            with_lenient(json!({ "type": ["string", "null"] }), json!({ "type": ["number", "boolean"] }))
        }
        TypeSurface::Bool => with_lenient(
            json!({ "type": ["boolean", "null"] }),
            json!({ "anyOf": [
                { "enum": [0, 1] },
                { "type": "string", "pattern": "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|0|1)\\s*$" },
            ] }),
        ),
        TypeSurface::Integer => with_lenient(
            json!({ "type": ["integer", "null"], "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX }),
            json!({ "type": "string", "pattern": "^\\s*[+-]?[0-9]+\\s*$" }),
        ),
        TypeSurface::Number => with_lenient(
            json!({ "type": ["number", "null"] }),
            json!({ "type": "string", "pattern": "^\\s*-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?\\s*$" }),
        ),
        // Elements are strict: the client decodes a list's elements as their type says.
        TypeSurface::List { element } => json!({ "type": ["array", "null"], "items": strict_scalar(element, "") }),
        _ => json!({}),
    }
}

/// `schema` as the client reads it: every schema holding [`LENIENT`] becomes `anyOf` itself
/// (without the extension) and the extension's schema. For validators and tests that must accept
/// exactly what the client accepts.
pub fn with_leniency_applied(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut strict: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != LENIENT)
                .map(|(k, v)| (k.clone(), with_leniency_applied(v)))
                .collect();
            match map.get(LENIENT) {
                Some(also) => {
                    let description = strict.remove("description");
                    let mut any = json!({ "anyOf": [Value::Object(strict), with_leniency_applied(also)] });
                    if let Some(description) = description {
                        any["description"] = description;
                    }
                    any
                }
                None => Value::Object(strict),
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(with_leniency_applied).collect()),
        other => other.clone(),
    }
}

/// Builds the request schemas of one operation from its surface, registering the structs of
/// its sub-tables as components.
struct RequestSchemas<'a> {
    surface: &'a OperationSurface,
    components: &'a mut BTreeMap<String, Value>,
}

impl RequestSchemas<'_> {
    /// The component of the struct `name` ([`TypeSurface::Object`]), named after its sub-table.
    fn object_component(&mut self, name: &str) -> Option<String> {
        let object = self.surface.objects.iter().find(|o| o.name == name)?;
        let component = component_name(&[self.surface.key(), &object.table.replace(' ', "")]);
        if self.components.contains_key(&component) {
            return Some(component);
        }
        // Reserve first: an object may name itself in a field.
        self.components.insert(component.clone(), json!({}));
        let mut properties = Map::new();
        for member in &object.members {
            let schema = self.schema(&member.ty, &member.documented_type);
            properties.insert(member.wire_name.clone(), with_description(schema, &member.description));
        }
        let required: Vec<&str> = object.members.iter().filter(|m| m.required).map(|m| m.wire_name.as_str()).collect();
        let mut schema = json!({
            "type": "object",
            // The generated struct's name: unique across the client, so other generators
            // name their class like the Rust one (the table's own title repeats across pages).
            "title": object.name,
            "description": format!("The object `{}` of the docs (a sub-table of the attributes).", object.table),
            "properties": properties,
        });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        self.components.insert(component.clone(), schema);
        Some(component)
    }

    /// A value's schema by its type, as the client sends it.
    fn schema(&mut self, ty: &TypeSurface, documented: &str) -> Value {
        match ty {
            TypeSurface::Enum { values, .. } => json!({ "type": "string", "enum": values }),
            TypeSurface::Object { name } => self.object_component(name).map_or_else(|| json!({}), |c| schema_ref(&c)),
            TypeSurface::List { element } if **element == TypeSurface::Json => json!({ "type": "array" }),
            TypeSurface::List { element } => json!({ "type": "array", "items": self.schema(element, "") }),
            scalar => strict_scalar(scalar, documented),
        }
    }

    /// A setter's schema; a fixed value (no setter) is a `const` of its type.
    fn param(&mut self, param: &ParamSurface) -> Value {
        if param.setter.is_none()
            && let [value] = param.allowed_values.as_slice()
        {
            let constant = match param.ty {
                TypeSurface::Bool => value.parse::<bool>().map(Value::Bool).unwrap_or_else(|_| json!(value)),
                TypeSurface::Integer => value.parse::<i64>().map(|i| json!(i)).unwrap_or_else(|_| json!(value)),
                _ => json!(value),
            };
            return with_description(json!({ "const": constant }), &param.description);
        }
        let schema = self.schema(&param.ty, &param.documented_type);
        with_description(schema, &param.description)
    }
}

/// A response or webhook field.
fn field_schema(field: &FieldSurface) -> Value {
    with_description(lenient(&field.ty), &field.description)
}

/// The success answer's schema, registered as `<id>.Response` (or `<id>.Item` for lists).
fn success_schema(surface: &OperationSurface, components: &mut BTreeMap<String, Value>) -> Value {
    let Some(response) = &surface.response else {
        return json!({ "description": "Untyped JSON: the docs show no fields (the client returns `serde_json::Value`)." });
    };
    let mut properties = Map::new();
    for field in &response.fields {
        properties.insert(field.wire_name.clone(), field_schema(field));
    }
    let name = component_name(&[surface.key(), if response.is_list { "Item" } else { "Response" }]);
    components.insert(
        name.clone(),
        json!({
            "type": "object",
            "description": format!(
                "{} of `{}` (status {}). Every field may be null or absent; fields not listed are ignored.",
                if response.is_list { "One item of the answer" } else { "The answer" },
                surface.method_name,
                response.status
            ),
            "properties": properties,
        }),
    );
    if response.is_list {
        with_lenient(json!({ "type": "array", "items": schema_ref(&name) }), schema_ref(&name))
    } else {
        schema_ref(&name)
    }
}

/// A path template with each placeholder spelled as its parameter's wire name (the generator
/// matches them by letters and digits, OpenAPI by exact name).
fn openapi_path(surface: &OperationSurface) -> String {
    let mut out = String::new();
    for piece in path_pieces(&surface.path) {
        match piece {
            PathPiece::Literal(text) => out.push_str(text),
            PathPiece::Placeholder(placeholder) => {
                let name = surface
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && same_name_key(&p.wire_name, placeholder))
                    .map_or(placeholder, |p| p.wire_name.as_str());
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// The value the page's example gives a path, query or header parameter (a header's from the
/// header table), typed as the parameter: other tools fill calls and mocks from it.
fn parameter_example(operation: &Operation, param: &ParamSurface, values: &Map<String, Value>) -> Option<Value> {
    let text = match param.location {
        ParamLocation::Header => {
            operation.headers.iter().find(|h| h.name.eq_ignore_ascii_case(&param.wire_name))?.example.trim().to_owned()
        }
        _ => match values.iter().find(|(name, _)| same_name_key(name, &param.wire_name))?.1 {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        },
    };
    if text.is_empty() {
        return None;
    }
    Some(match &param.ty {
        TypeSurface::Integer => text.parse::<i64>().map_or(Value::String(text), |i| json!(i)),
        TypeSurface::Bool => text.parse::<bool>().map_or(Value::String(text), Value::Bool),
        TypeSurface::Number => {
            serde_json::from_str::<serde_json::Number>(&text).map_or(Value::String(text), Value::Number)
        }
        _ => Value::String(text),
    })
}

/// Fallback text for a status the page describes with nothing.
fn status_text(status: u16) -> String {
    format!("Status {status}.")
}

fn operation_object(
    page: &Page,
    operation: &Operation,
    surface: &OperationSurface,
    components: &mut BTreeMap<String, Value>,
) -> Value {
    let mut schemas = RequestSchemas { surface, components };
    let example_values = operation.example_values();
    let mut parameters = Vec::new();
    let mut body_properties = Map::new();
    let mut body_required = Vec::new();
    for param in &surface.params {
        let schema = schemas.param(param);
        let required = param.required || param.setter.is_none();
        let place = match param.location {
            ParamLocation::Body => {
                if required {
                    body_required.push(param.wire_name.clone());
                }
                body_properties.insert(param.wire_name.clone(), schema);
                continue;
            }
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let mut parameter = json!({ "name": param.wire_name, "in": place, "required": required || place == "path" });
        if !param.description.trim().is_empty() {
            parameter["description"] = json!(param.description.trim());
        }
        let mut schema = schema;
        if let Value::Object(map) = &mut schema {
            map.remove("description");
        }
        parameter["schema"] = schema;
        if let Some(example) = parameter_example(operation, param, &example_values) {
            parameter["example"] = example;
        }
        parameters.push(parameter);
    }
    let mut object = json!({
        // The key, not the page id: an id that several folders use is `<folder>/<id>`, as in
        // `dynamic::call` and the CLI, and operation ids must be unique.
        "operationId": surface.key(),
        "summary": page.title,
        "tags": [tag_of(&page.section)],
    });
    let mut description = operation.description.trim().to_owned();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "Client method: `Client::{}`; CLI: `plugchat {}`. Documented in `{}`.",
        surface.method_name,
        surface.key(),
        page.file
    ));
    object["description"] = json!(description);
    if let Some(RequestExample::Url { url, .. }) = &operation.request_example {
        object["x-request-example-url"] = json!(url);
    }
    if !parameters.is_empty() {
        object["parameters"] = json!(parameters);
    }
    let json_example = match &operation.request_example {
        Some(RequestExample::Json { body, .. }) => Some(body),
        _ => None,
    };
    if !body_properties.is_empty() || json_example.is_some() {
        let mut schema = json!({ "type": "object", "properties": body_properties });
        if !body_required.is_empty() {
            schema["required"] = json!(body_required);
        }
        let mut media = json!({ "schema": schema });
        if let Some(body) = json_example {
            media["example"] = body.clone();
        }
        object["requestBody"] = json!({ "required": true, "content": { "application/json": media } });
    }
    let success = operation.success_response().map(|r| r.status);
    let mut responses = Map::new();
    for response in &operation.responses {
        let status = response.status.to_string();
        if responses.contains_key(&status) {
            continue; // the first of a repeated status, as the client's documented texts
        }
        let text = response.description.trim();
        let mut entry =
            json!({ "description": if text.is_empty() { status_text(response.status) } else { text.to_owned() } });
        // No content where HTTP allows none (204, 205, 304), nor where the docs show no body:
        // a client must not expect JSON there (the answer of such a page may be empty).
        let bodiless = matches!(response.status, 204 | 205 | 304);
        let documents_body = surface.response.is_some() || response.example.is_some();
        let schema = (Some(response.status) == success && documents_body && !bodiless)
            .then(|| success_schema(surface, schemas.components));
        if !bodiless && (schema.is_some() || response.example.is_some()) {
            let mut media = Map::new();
            if let Some(schema) = schema {
                media.insert("schema".into(), schema);
            }
            if let Some(example) = &response.example {
                media.insert("example".into(), example.clone());
            }
            entry["content"] = json!({ "application/json": media });
        }
        responses.insert(status, entry);
    }
    // Every operation answers some 2xx and may be refused; where the page documents neither,
    // the ranges say so (linters and generators want both), without inventing a body.
    if success.is_none() {
        responses.insert(
            "2XX".into(),
            json!({ "description": "Success. The docs describe no answer; the client returns the body as untyped JSON." }),
        );
    }
    if !operation.responses.iter().any(|r| (400..500).contains(&r.status)) {
        responses.insert(
            "4XX".into(),
            json!({ "description": "Refused (a missing or wrong token, an invalid request). The docs show no error \
                                    answer for this operation; the client reports the status and the body." }),
        );
    }
    object["responses"] = Value::Object(responses);
    object
}

fn tag_of(section: &str) -> String {
    if section.is_empty() { "general".to_owned() } else { section.to_owned() }
}

/// Whether a field's schema already holds nested fields (documented before or after it).
fn is_container(schema: &Value) -> bool {
    schema.get("properties").is_some() || schema.get("items").is_some_and(|items| items.get("properties").is_some())
}

/// The `properties` map of an object schema, made one if needed.
fn properties_of(node: &mut Value) -> &mut Map<String, Value> {
    if !node.is_object() {
        *node = json!({});
    }
    let map = node.as_object_mut().expect("made an object above");
    let properties = map.entry("properties").or_insert_with(|| json!({}));
    if !properties.is_object() {
        *properties = json!({});
    }
    properties.as_object_mut().expect("made an object above")
}

/// Inserts `leaf` at a dotted path (`image.imageUrl`, `items[].id`) of an object schema. The
/// pages list a parent (`attendance`) beside its children (`attendance.status`) in any order:
/// the parent keeps its description and becomes the object of its children.
fn insert_dotted(root: &mut Value, path: &str, leaf: Value) {
    let segments: Vec<&str> = path.split('.').collect();
    let mut node = root;
    for (index, segment) in segments.iter().enumerate() {
        let (name, is_list) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (*segment, false),
        };
        let properties = properties_of(node);
        if index + 1 == segments.len() {
            match properties.get_mut(name) {
                // A documented field that is also a discriminator keeps the discriminator's `const`.
                Some(existing) if existing.get("const").is_some() => {}
                Some(existing) if is_container(existing) => {
                    if let (Some(description), Some(map)) = (leaf.get("description"), existing.as_object_mut()) {
                        map.insert("description".into(), description.clone());
                    }
                }
                _ => {
                    properties.insert(name.to_owned(), leaf);
                }
            }
            return;
        }
        let child = properties.entry(name.to_owned()).or_insert_with(|| json!({}));
        let description = child.get("description").cloned();
        if is_list {
            if child.get("items").is_none_or(|items| items.get("properties").is_none()) {
                *child = json!({ "type": ["array", "null"], "items": { "type": "object", "properties": {} } });
            }
        } else if child.get("properties").is_none() {
            *child = json!({ "type": ["object", "null"], "properties": {} });
        }
        if let (Some(description), Some(map)) = (description, child.as_object_mut()) {
            map.insert("description".into(), description);
        }
        node = if is_list { &mut child["items"] } else { child };
    }
}

fn webhook_object(
    page: &Page,
    surface: &plugchat_codegen::EventSurface,
    components: &mut BTreeMap<String, Value>,
) -> Value {
    let callback = page.callback.as_ref().expect("an event page has a callback");
    let mut schema = json!({
        "type": "object",
        "description": "Every field may be null or absent, or of another type (the receiver records it in `mismatches()`), \
                        except the fields that identify the event.",
    });
    let mut required_top = BTreeSet::new();
    for (field, value) in &surface.discriminator {
        insert_dotted(&mut schema, field, json!({ "const": value }));
        if let Some(top) = field.split('.').next() {
            required_top.insert(top.trim_end_matches("[]").to_owned());
        }
    }
    for field in &surface.fields {
        insert_dotted(&mut schema, &field.wire_name, field_schema(field));
    }
    schema["required"] = json!(required_top);
    let name = component_name(&[&page.id, "Event"]);
    components.insert(name.clone(), schema);
    let mut examples = Map::new();
    for (index, example) in callback.examples.iter().enumerate() {
        let mut entry = json!({ "value": example.payload });
        if !example.title.is_empty() {
            entry["summary"] = json!(example.title);
        }
        examples.insert(format!("example-{}", index + 1), entry);
    }
    let mut media = json!({ "schema": schema_ref(&name) });
    if !examples.is_empty() {
        media["examples"] = Value::Object(examples);
    }
    let conditions: Vec<String> = surface.discriminator.iter().map(|(f, v)| format!("`{f}` = `{v}`")).collect();
    json!({
        "post": {
            "operationId": page.id,
            "summary": page.title,
            "description": format!(
                "POSTed by the service to the URL set with the webhook operations; recognised by {}. \
                 Decoded by `webhooks::WebhookEvent`. Documented in `{}`.",
                conditions.join(" and "),
                page.file
            ),
            "tags": [tag_of(&page.section)],
            "requestBody": { "required": true, "content": { "application/json": media } },
            "responses": { "200": { "description": "The receiver took the event." } },
        }
    })
}

/// One operation for pages that share a method and path. OpenAPI allows one operation per
/// method and path, and the pages are one endpoint sent different bodies (`action: pin` or
/// `action: delete` to `/whatsapp/modify-chat`). The operation is the page named like the path's
/// last segment (else the first page); `x-plugchat-pages` lists every page id; the request body
/// is `anyOf` the pages' bodies (they may overlap, so not `oneOf`) with each page's example; a
/// parameter is required only when every page requires it; a status documented by several pages
/// keeps the first text, and its schema is `anyOf` theirs when they differ.
fn merge(path: &str, mut variants: Vec<Value>) -> Value {
    if variants.len() == 1 {
        return variants.pop().expect("one variant");
    }
    let last_segment = name_key(path.rsplit('/').next().unwrap_or(""));
    let primary =
        variants.iter().position(|v| v["operationId"].as_str().is_some_and(|id| name_key(id) == last_segment));
    variants.swap(0, primary.unwrap_or(0));
    let mut merged = variants[0].clone();
    let ids: Vec<&str> = variants.iter().filter_map(|v| v["operationId"].as_str()).collect();
    merged["x-plugchat-pages"] = json!(ids);
    let mut description = merged["description"].as_str().unwrap_or("").to_owned();
    description.push_str("\n\nThe same endpoint is documented by several pages, each sending its own body:");
    for variant in &variants {
        description.push_str(&format!(
            "\n- `{}`: {} (`plugchat {}`)",
            variant["operationId"].as_str().unwrap_or(""),
            variant["summary"].as_str().unwrap_or(""),
            variant["operationId"].as_str().unwrap_or("")
        ));
    }
    merged["description"] = json!(description);
    let mut tags: Vec<Value> = Vec::new();
    for tag in variants.iter().flat_map(|v| v["tags"].as_array().cloned().unwrap_or_default()) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    merged["tags"] = json!(tags);

    let mut parameters: Vec<Value> = Vec::new();
    for variant in &variants {
        for parameter in variant["parameters"].as_array().into_iter().flatten() {
            match parameters.iter_mut().find(|p| p["name"] == parameter["name"] && p["in"] == parameter["in"]) {
                Some(existing) => {
                    if parameter["required"] != json!(true) {
                        existing["required"] = json!(existing["in"] == "path");
                    }
                }
                None => parameters.push(parameter.clone()),
            }
        }
    }
    for parameter in &mut parameters {
        let everywhere = variants.iter().all(|v| {
            v["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == parameter["name"] && p["in"] == parameter["in"]))
        });
        if !everywhere && parameter["in"] != "path" {
            parameter["required"] = json!(false);
        }
    }
    let map = merged.as_object_mut().expect("an operation object");
    map.remove("parameters");
    map.remove("requestBody");
    if !parameters.is_empty() {
        merged["parameters"] = json!(parameters);
    }

    let bodies: Vec<(&str, &Value)> = variants
        .iter()
        .filter_map(|v| {
            Some((v["operationId"].as_str()?, v.get("requestBody")?.get("content")?.get("application/json")?))
        })
        .collect();
    if !bodies.is_empty() {
        let schemas: Vec<Value> = bodies
            .iter()
            .map(|(id, media)| {
                let mut schema = media["schema"].clone();
                schema["title"] = json!(id);
                schema
            })
            .collect();
        let mut examples = Map::new();
        for (id, media) in &bodies {
            if let Some(example) = media.get("example") {
                examples.insert((*id).to_owned(), json!({ "summary": format!("`plugchat {id}`"), "value": example }));
            }
        }
        let mut media = json!({ "schema": { "anyOf": schemas } });
        if !examples.is_empty() {
            media["examples"] = Value::Object(examples);
        }
        merged["requestBody"] = json!({ "required": true, "content": { "application/json": media } });
    }

    let mut responses = Map::new();
    for variant in &variants {
        for (status, response) in variant["responses"].as_object().into_iter().flatten() {
            let Some(existing) = responses.get_mut(status) else {
                responses.insert(status.clone(), response.clone());
                continue;
            };
            let (Some(theirs), Some(ours)) = (
                response.pointer("/content/application~1json/schema"),
                existing.pointer("/content/application~1json/schema").cloned(),
            ) else {
                continue;
            };
            if let Some(alternatives) = ours.get("anyOf").filter(|_| ours.get("x-plugchat-merged").is_some()) {
                let mut alternatives = alternatives.as_array().cloned().unwrap_or_default();
                if !alternatives.contains(theirs) {
                    alternatives.push(theirs.clone());
                }
                existing["content"]["application/json"]["schema"]["anyOf"] = json!(alternatives);
            } else if &ours != theirs {
                existing["content"]["application/json"]["schema"] =
                    json!({ "anyOf": [ours, theirs], "x-plugchat-merged": true });
            }
        }
    }
    merged["responses"] = Value::Object(responses);
    merged
}

/// What the document says that the docs tree does not.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `info.title` [default: `API at <host of the base URL>`].
    pub title: Option<String>,
}

const INFO_DESCRIPTION: &str = "The API as `plugchat-docs` reads its documentation pages, from the same model as \
the Rust client generated from them; do not edit by hand (regenerate it with `plugchat-docs openapi`).

Answers are described as that client accepts them. Every field may be `null` or absent. A schema holding \
`x-plugchat-lenient` is strict for generators (a boolean is `boolean`), and the client also accepts the \
values matching the extension's schema (`\"false\"` for a boolean, `\"12\"` for an integer, a bare object \
where a list belongs), because the service sends them so: a validator that must accept what the client \
accepts reads such a schema as `anyOf: [the schema, its x-plugchat-lenient]`.

Where a page documents no success or no error answer, `2XX` and `4XX` stand for them with no body. No \
license is stated: the documentation states none.";

/// The OpenAPI 3.1 document of `spec`, with the default [`Options`].
pub fn document(spec: &Spec) -> Export {
    document_with(spec, &Options::default())
}

/// The title when none is given: the base URL's host, else a plain `API`.
fn default_title(spec: &Spec) -> String {
    let host = spec.base_url.as_deref().and_then(|url| {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        rest.split(['/', ':']).next().filter(|host| !host.is_empty())
    });
    host.map_or_else(|| "API".to_owned(), |host| format!("API at {host}"))
}

/// The OpenAPI 3.1 document of `spec`.
pub fn document_with(spec: &Spec, options: &Options) -> Export {
    let title = options.title.clone().unwrap_or_else(|| default_title(spec));
    let surface: ApiSurface = plugchat_codegen::api_surface(spec);
    // By file: an id may name pages in several folders.
    let pages: BTreeMap<&str, (&Page, &Operation)> =
        spec.operations().map(|(p, o)| (p.file.as_str(), (p, o))).collect();
    let mut components = BTreeMap::new();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    // Templates compared without parameter names: OpenAPI forbids `/a/{x}` beside `/a/{y}`.
    let mut templates: BTreeMap<String, String> = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut tags = BTreeSet::new();
    // Pages sharing a method and path (modify-chat's actions, the update-webhook pages): OpenAPI
    // has one operation per method and path, so they are merged (see [`merge`]).
    let mut groups: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for operation in &surface.operations {
        let Some(&(page, model)) = pages.get(operation.file.as_str()) else { continue };
        let path = openapi_path(operation);
        let shape: String = {
            let mut depth = 0;
            path.chars()
                .filter_map(|c| match c {
                    '{' => {
                        depth += 1;
                        Some('{')
                    }
                    '}' => {
                        depth -= 1;
                        Some('}')
                    }
                    _ if depth > 0 => None,
                    c => Some(c),
                })
                .collect()
        };
        let method = operation.http_method.to_lowercase();
        if let Some(first) = templates.get(&shape).filter(|first| **first != path) {
            warnings.push(format!(
                "{}: left out: its path {path} is {first} with other parameter names, which OpenAPI does not allow",
                page.file
            ));
            continue;
        }
        templates.insert(shape, path.clone());
        tags.insert(tag_of(&page.section));
        let object = operation_object(page, model, operation, &mut components);
        groups.entry((path, method)).or_default().push(object);
    }
    for ((path, method), variants) in groups {
        paths.entry(path.clone()).or_default().insert(method, merge(&path, variants));
    }
    let mut webhooks = Map::new();
    for event in &surface.events {
        let Some(page) = spec.pages.iter().find(|p| p.id == event.id && p.callback.is_some()) else { continue };
        tags.insert(tag_of(&page.section));
        webhooks.insert(event.id.clone(), webhook_object(page, event, &mut components));
    }
    let tags: Vec<Value> = tags
        .iter()
        .map(|tag| json!({ "name": tag, "description": format!("Pages under `{tag}/` in the docs.") }))
        .collect();
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": env!("CARGO_PKG_VERSION"),
            "description": INFO_DESCRIPTION,
            // Who answers for this description: the toolchain that wrote it from the docs.
            "contact": { "name": "plugchat-docs", "url": env!("CARGO_PKG_REPOSITORY") },
        },
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "The account's token, sent as the whole header value (no `Bearer` prefix).",
                },
            },
        },
        "security": [{ "token": [] }],
        "tags": tags,
    });
    if let Some(base_url) = &spec.base_url {
        document["servers"] = json!([{ "url": base_url }]);
    }
    if !warnings.is_empty() {
        document["x-plugchat-left-out"] = json!(warnings);
    }
    Export { document, warnings }
}

/// The file's contents: pretty JSON and a final newline.
pub fn render(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// The command.
pub fn run(docs: &Path, out: Option<&Path>) -> Result<(), Error> {
    run_with(docs, out, &Options::default())
}

/// The command, with `options`.
pub fn run_with(docs: &Path, out: Option<&Path>, options: &Options) -> Result<(), Error> {
    let (spec, diagnostics) = plugchat_spec::parse_tree(docs);
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        for error in &errors {
            eprintln!("{error}");
        }
        return Err(Error::ExportErrors { docs: docs.to_owned(), count: errors.len() });
    }
    let export = document_with(&spec, options);
    for warning in &export.warnings {
        eprintln!("warning: {warning}");
    }
    let text = render(&export.document);
    match out {
        Some(out) => std::fs::write(out, text).map_err(Error::io("write", out)),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_the_parameters_wire_names() {
        let (spec, _) =
            plugchat_spec::parse_tree(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs-spec"));
        let export = document(&spec);
        assert!(export.warnings.is_empty(), "{:?}", export.warnings);
        let paths = export.document["paths"].as_object().unwrap();
        for (path, item) in paths {
            for (_, operation) in item.as_object().unwrap() {
                let declared: Vec<&str> = operation["parameters"]
                    .as_array()
                    .map(|ps| ps.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect())
                    .unwrap_or_default();
                let mut used = Vec::new();
                let mut rest = path.as_str();
                while let Some(open) = rest.find('{') {
                    let close = rest[open..].find('}').unwrap() + open;
                    used.push(&rest[open + 1..close]);
                    rest = &rest[close + 1..];
                }
                assert_eq!(declared, used, "{path}");
            }
        }
    }

    #[test]
    fn dotted_fields_nest() {
        let mut schema = json!({ "type": "object" });
        insert_dotted(&mut schema, "type", json!({ "const": "X" }));
        insert_dotted(&mut schema, "type", json!({ "type": "string" }));
        insert_dotted(&mut schema, "image.imageUrl", json!({ "type": "string" }));
        insert_dotted(&mut schema, "items[].id", json!({ "type": "string" }));
        assert_eq!(schema["properties"]["type"], json!({ "const": "X" }));
        assert_eq!(schema["properties"]["image"]["properties"]["imageUrl"], json!({ "type": "string" }));
        assert_eq!(schema["properties"]["items"]["items"]["properties"]["id"], json!({ "type": "string" }));
    }

    /// Lists of a sub-table, however the Tipo spells them, are arrays of the struct's component
    /// (the surface's reading, the same as the generated code's).
    #[test]
    fn lists_of_a_sub_table_are_arrays_of_its_component() {
        let text = include_str!("../../../tests/fixtures/sub-table-lists.md");
        let options = plugchat_spec::ParseOptions { base_url: Some("https://api.example.com/api".into()) };
        let (page, _) = plugchat_spec::parse_page("buttons/send-buttons.md", text, &options);
        let spec =
            Spec { format_version: plugchat_model::SPEC_FORMAT_VERSION, base_url: options.base_url, pages: vec![page] };
        let export = document(&spec);
        let body =
            &export.document["paths"]["/send-buttons"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        for name in ["a", "b", "c", "d"] {
            let property = &body["properties"][name];
            assert_eq!(property["type"], "array", "{name}: {property}");
            assert_eq!(property["items"]["$ref"], "#/components/schemas/send-buttons.Button", "{name}: {property}");
        }
        let button = &export.document["components"]["schemas"]["send-buttons.Button"];
        assert_eq!(button["required"], json!(["label", "kind"]), "{button}");
        assert_eq!(button["properties"]["kind"]["enum"], json!(["x", "y"]), "{button}");
        assert_eq!(button["properties"]["label"]["type"], "string", "{button}");
    }
}
