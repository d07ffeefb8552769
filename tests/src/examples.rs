//! Turning the docs' examples into calls and expectations, shared by the tests that replay
//! docs-spec examples and upstream HAR files through the typed client.

use plugchat_spec::{Operation, RequestExample};
use serde_json::{Map, Value};

/// The path of `url` (scheme, host and query dropped).
pub fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

/// Query pairs of `url`, percent-decoded.
pub fn url_query(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else { return Vec::new() };
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`, as a query string spells them.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// Matches `path` against a template (`/whatsapp/chats/{phone}`); on success, the
/// placeholder values by name.
pub fn match_template(template: &str, path: &str) -> Option<Map<String, Value>> {
    let (t, p): (Vec<&str>, Vec<&str>) =
        (template.trim_end_matches('/').split('/').collect(), path.trim_end_matches('/').split('/').collect());
    if t.len() != p.len() {
        return None;
    }
    let mut values = Map::new();
    for (t, p) in t.iter().zip(&p) {
        if let Some(name) = t.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            values.insert(name.to_owned(), Value::String(percent_decode(p)));
        } else if !t.eq_ignore_ascii_case(p) {
            return None;
        }
    }
    Some(values)
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

/// The arguments a page's request example spells, and the query it expects on the wire.
pub fn example_args(operation: &Operation) -> (Map<String, Value>, Vec<(String, String)>) {
    match &operation.request_example {
        Some(RequestExample::Json { body, .. }) => (body.as_object().cloned().unwrap_or_default(), Vec::new()),
        Some(RequestExample::Url { url, .. }) => {
            let path = url_path(url);
            let relative = path.strip_prefix("/api").unwrap_or(path);
            let mut args = match_template(&operation.path, relative).unwrap_or_default();
            let query = url_query(url);
            for (k, v) in &query {
                args.insert(k.clone(), Value::String(v.clone()));
            }
            (args, query)
        }
        None => (Map::new(), Vec::new()),
    }
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
