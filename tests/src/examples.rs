//! Turning the docs' examples into calls and expectations, shared by the tests that replay
//! docs-spec examples and upstream HAR files through the typed client.

use plugchat_spec::{Operation, RequestExample};
use serde_json::{Map, Value};

/// Query pairs of `url`, percent-decoded (the model's reading).
pub use plugchat_model::query_pairs as url_query;

/// Decodes `%XX` escapes and `+`, as a query string spells them.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// Matches `path` against a template (`/whatsapp/chats/{phone}`) with the model's matcher; on
/// success, the placeholder values by name.
pub fn match_template(template: &str, path: &str) -> Option<Map<String, Value>> {
    let fit = plugchat_model::match_path(template, path)?;
    Some(fit.values.into_iter().map(|(name, value)| (name.to_owned(), Value::String(value))).collect())
}

/// `template` with its placeholders replaced from `args` (or `example` where `args` has none).
pub fn fill_template(template: &str, args: &Map<String, Value>) -> String {
    template
        .split('/')
        .map(|segment| match segment.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            Some(name) => match args.get(name) {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => "example".to_owned(),
            },
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `value` without `null` members, recursively: the typed client omits absent optionals.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The arguments a page's request example spells (the model's reading), and the query it
/// expects on the wire.
pub fn example_args(operation: &Operation) -> (Map<String, Value>, Vec<(String, String)>) {
    let query = operation.request_example.as_ref().map(RequestExample::query).unwrap_or_default();
    (operation.example_values(), query)
}

/// Fills required attributes the example leaves out (path parameters of JSON-body pages).
pub fn complete(args: &mut Map<String, Value>, operation: &Operation) {
    for attribute in &operation.required {
        if !args.contains_key(&attribute.name) && attribute.fixed_value().is_none() {
            args.insert(attribute.name.clone(), Value::String("example".into()));
        }
    }
    for header in operation.headers.iter().filter(|h| !h.name.eq_ignore_ascii_case("authorization")) {
        args.entry(header.name.clone()).or_insert_with(|| Value::String(header.example.clone()));
    }
}
