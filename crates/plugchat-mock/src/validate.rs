//! A request checked against its operation's docs: required attributes present, values of the
//! documented type and among the allowed values, no undocumented attribute, a well-formed JSON
//! body where the page shows one. Each problem is one sentence naming the attribute.
//!
//! Top-level attributes are checked by the Rust type the client's setter has
//! (`plugchat_codegen::api_surface`), so the mock accepts exactly what the typed client can
//! send; members of objects (sub-tables) by their documented Tipo.

use plugchat_codegen::{ParamLocation, ParamSurface};
use plugchat_model::{Attribute, ObjectType, same_name_key};
use serde_json::Value;

use crate::MockOperation;

/// What arrived, split up.
pub(crate) struct Incoming<'a> {
    pub(crate) path_values: &'a [(String, String)],
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a axum::http::HeaderMap,
    pub(crate) body: &'a [u8],
}

/// Every problem with `incoming` for `operation`; empty when the request is valid.
pub(crate) fn problems(operation: &MockOperation, incoming: &Incoming<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    let body = body_object(operation, incoming.body, &mut problems);
    for param in &operation.surface.params {
        let values: Vec<Value> = match param.location {
            ParamLocation::Path => {
                // Values are named by placeholder, which may spell the attribute otherwise.
                let values = incoming.path_values.iter().filter(|(n, _)| same_name_key(n, &param.wire_name));
                values.map(|(_, v)| text(v)).collect()
            }
            ParamLocation::Query => {
                incoming.query.iter().filter(|(n, _)| *n == param.wire_name).map(|(_, v)| text(v)).collect()
            }
            ParamLocation::Header => incoming
                .headers
                .get_all(param.wire_name.as_str())
                .iter()
                .map(|v| text(&String::from_utf8_lossy(v.as_bytes())))
                .collect(),
            ParamLocation::Body => body
                .as_ref()
                .and_then(|b| b.get(&param.wire_name))
                .filter(|v| !v.is_null())
                .cloned()
                .into_iter()
                .collect(),
        };
        let place = param.location.as_str();
        if values.is_empty() {
            // Without a body, its problem is already reported once.
            let body_missing = param.location == ParamLocation::Body && body.is_none();
            if param.required && !body_missing {
                problems.push(format!("missing required attribute `{}` ({place})", param.wire_name));
            }
            continue;
        }
        let from_text = param.location != ParamLocation::Body;
        if values.len() > 1 && !param.rust_type.starts_with("Vec<") {
            problems.push(format!("attribute `{}` ({place}) is given {} times", param.wire_name, values.len()));
        }
        if from_text && param.rust_type.starts_with("Vec<") {
            // A list in the query is the parameter repeated: each value is one element.
            let element = ParamSurface { rust_type: element_type(&param.rust_type).to_owned(), ..param.clone() };
            for value in &values {
                check_param(&element, value, true, operation, &mut problems);
            }
        } else if let Some(value) = values.first() {
            check_param(param, value, from_text, operation, &mut problems);
        }
    }
    let documented = |name: &str, location: ParamLocation| {
        operation.surface.params.iter().any(|p| p.location == location && p.wire_name == name)
    };
    for (name, _) in incoming.query {
        if !documented(name, ParamLocation::Query) {
            problems.push(format!("unknown attribute `{name}` (query): the docs do not list it"));
        }
    }
    if let Some(body) = &body {
        for name in body.keys() {
            if !documented(name, ParamLocation::Body) {
                problems.push(format!("unknown attribute `{name}` (body): the docs do not list it"));
            }
        }
    }
    problems
}

/// The JSON body as an object, when the operation takes one; a problem when it is missing or
/// not a JSON object, or when an operation without a body gets one.
fn body_object(
    operation: &MockOperation,
    body: &[u8],
    problems: &mut Vec<String>,
) -> Option<serde_json::Map<String, Value>> {
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if !operation.takes_body {
        if !empty {
            problems.push("the docs show no body for this operation, but one was sent".to_owned());
        }
        return None;
    }
    if empty {
        problems.push("missing JSON body: the docs show a JSON object".to_owned());
        return None;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        Ok(other) => {
            problems.push(format!("the body must be a JSON object, got {}", kind(&other)));
            None
        }
        Err(error) => {
            problems.push(format!("the body is not well-formed JSON: {error}"));
            None
        }
    }
}

/// A text value (path, query, header) as JSON, so that one checker serves every location.
fn text(value: &str) -> Value {
    Value::String(value.to_owned())
}

fn element_type(rust_type: &str) -> &str {
    rust_type.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')).unwrap_or("Value")
}

/// Checks one top-level attribute by its setter's Rust type. `from_text`: the value arrived as
/// text (path, query, header), where `5` and `true` are spelled as strings.
fn check_param(
    param: &ParamSurface,
    value: &Value,
    from_text: bool,
    operation: &MockOperation,
    problems: &mut Vec<String>,
) {
    let name = &param.wire_name;
    if !param.allowed_values.is_empty() {
        let spelled = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !param.allowed_values.contains(&spelled) {
            let allowed: Vec<String> = param.allowed_values.iter().map(|v| format!("`{v}`")).collect();
            problems.push(format!("attribute `{name}` is `{spelled}`, allowed: {}", allowed.join(", ")));
        }
        return;
    }
    let ok = match (param.rust_type.as_str(), value) {
        ("String", Value::String(_)) => true,
        ("bool", Value::Bool(_)) => true,
        ("i64", v) if v.is_i64() => true,
        ("Number", Value::Number(_)) => true,
        ("bool", Value::String(s)) if from_text => s == "true" || s == "false",
        ("i64", Value::String(s)) if from_text => s.parse::<i64>().is_ok(),
        ("Number", Value::String(s)) if from_text => s.parse::<f64>().is_ok_and(f64::is_finite),
        ("Value", _) => true,
        (ty, Value::Array(items)) if ty.starts_with("Vec<") => {
            let element = ParamSurface { rust_type: element_type(ty).to_owned(), ..param.clone() };
            for item in items {
                check_param(&element, item, false, operation, problems);
            }
            true
        }
        (ty, _) if ty.starts_with("Vec<") => false,
        ("String" | "bool" | "i64" | "Number", _) => false,
        // A struct of a sub-table: its members by their documented Tipo.
        (_, value) => match object_named(operation, &param.documented_type) {
            Some(object) => {
                check_object(object, value, name, operation, problems, 0);
                true
            }
            None => true,
        },
    };
    if !ok {
        problems.push(format!("attribute `{name}` must be {}, got {}", describe(&param.rust_type), kind(value)));
    }
}

fn object_named<'a>(operation: &'a MockOperation, documented: &str) -> Option<&'a ObjectType> {
    let name = documented.trim().trim_end_matches("[]");
    operation.objects.iter().find(|o| o.is_named_by(name))
}

/// Checks a sub-table object (or a list of them, for a Tipo `button[]`), members by Tipo.
fn check_object(
    object: &ObjectType,
    value: &Value,
    path: &str,
    operation: &MockOperation,
    problems: &mut Vec<String>,
    depth: usize,
) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                check_object(object, item, &format!("{path}[{i}]"), operation, problems, depth);
            }
            return;
        }
        problems.push(format!("attribute `{path}` must be an object, got {}", kind(value)));
        return;
    };
    let members: Vec<(&Attribute, bool)> =
        object.required.iter().map(|a| (a, true)).chain(object.optional.iter().map(|a| (a, false))).collect();
    for (attribute, required) in &members {
        let member = format!("{path}.{}", attribute.name);
        match map.get(&attribute.name).filter(|v| !v.is_null()) {
            None if *required => problems.push(format!("missing required attribute `{member}`")),
            None => {}
            Some(value) => check_member(attribute, value, &member, operation, problems, depth),
        }
    }
    for name in map.keys() {
        if !members.iter().any(|(a, _)| a.name == *name) {
            problems.push(format!("unknown attribute `{path}.{name}`: the docs do not list it"));
        }
    }
}

/// A member of an object, by its documented Tipo.
fn check_member(
    attribute: &Attribute,
    value: &Value,
    path: &str,
    operation: &MockOperation,
    problems: &mut Vec<String>,
    depth: usize,
) {
    if !attribute.allowed_values.is_empty() {
        let spelled = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        if !attribute.allowed_values.contains(&spelled) {
            problems
                .push(format!("attribute `{path}` is `{spelled}`, allowed: {}", attribute.allowed_values.join(", ")));
        }
        return;
    }
    let tipo = attribute.ty.trim().to_lowercase();
    let expected = match tipo.as_str() {
        "string" | "text" | "texto" | "url" | "https" => Some(("a string", value.is_string())),
        "boolean" | "bool" => Some(("a boolean", value.is_boolean())),
        "integer" | "int" | "long" | "timestamp" => Some(("an integer", value.is_i64())),
        "number" | "float" | "double" | "decimal" => Some(("a number", value.is_number())),
        t if t.starts_with("array") => Some(("an array", value.is_array())),
        _ => None,
    };
    match expected {
        Some((what, false)) => problems.push(format!("attribute `{path}` must be {what}, got {}", kind(value))),
        Some(_) => {}
        // Nesting is bounded: a sub-table naming itself must not recurse forever.
        None if depth < 8 => {
            if let Some(object) = object_named(operation, &attribute.ty) {
                check_object(object, value, path, operation, problems, depth + 1);
            }
        }
        None => {}
    }
}

fn describe(rust_type: &str) -> String {
    match rust_type {
        "String" => "a string".to_owned(),
        "bool" => "a boolean".to_owned(),
        "i64" => "an integer".to_owned(),
        "Number" => "a number".to_owned(),
        ty if ty.starts_with("Vec<") => "an array".to_owned(),
        other => format!("a `{other}`"),
    }
}

/// The JSON kind of `value`, as a problem names it.
fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
