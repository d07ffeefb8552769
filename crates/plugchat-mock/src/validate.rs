//! A request checked against its operation's docs: required attributes present, values of the
//! documented type and among the allowed values, no undocumented attribute, a well-formed JSON
//! body where the page shows one. Each problem is one sentence naming the attribute.
//!
//! Attributes are checked by the type the client gives them (the client's API surface),
//! members of objects by their struct's fields (`OperationSurface::objects`), so the mock
//! accepts exactly what the typed client can send, and never reads a Tipo itself.

use plugchat_model::same_name_key;
use plugchat_model::surface::{ParamLocation, ParamSurface, TypeSurface};
use serde_json::Value;

use crate::MockOperation;

/// What arrived, split up.
pub(crate) struct Incoming<'a> {
    pub(crate) path_values: &'a [(String, String)],
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a axum::http::HeaderMap,
    pub(crate) body: &'a [u8],
}

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    /// The sentence the 400 answer shows.
    pub(crate) text: String,
    /// For a value outside the documented ones, the attribute (its path) and the value: pages
    /// sharing a route report the values every one of them allows.
    pub(crate) not_allowed: Option<(String, String)>,
}

impl From<String> for Problem {
    fn from(text: String) -> Problem {
        Problem { text, not_allowed: None }
    }
}

/// Every problem with `incoming` for `operation`; empty when the request is valid.
pub(crate) fn problems(operation: &MockOperation, incoming: &Incoming<'_>) -> Vec<Problem> {
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
                problems.push(format!("missing required attribute `{}` ({place})", param.wire_name).into());
            }
            continue;
        }
        let from_text = param.location != ParamLocation::Body;
        let is_list = matches!(param.ty, TypeSurface::List { .. });
        if values.len() > 1 && !is_list {
            problems.push(format!("attribute `{}` ({place}) is given {} times", param.wire_name, values.len()).into());
        }
        if from_text && is_list {
            // A list in the query is the parameter repeated: each value is one element.
            for value in &values {
                check_param(param, param.ty.element(), value, true, operation, &mut problems);
            }
        } else if let Some(value) = values.first() {
            check_param(param, &param.ty, value, from_text, operation, &mut problems);
        }
    }
    check_pagination(operation, incoming, &mut problems);
    let documented = |name: &str, location: ParamLocation| {
        operation.surface.params.iter().any(|p| p.location == location && p.wire_name == name)
    };
    for (name, _) in incoming.query {
        if !documented(name, ParamLocation::Query) {
            problems.push(format!("unknown attribute `{name}` (query): the docs do not list it").into());
        }
    }
    if let Some(body) = &body {
        for name in body.keys() {
            if !documented(name, ParamLocation::Body) {
                problems.push(format!("unknown attribute `{name}` (body): the docs do not list it").into());
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
    problems: &mut Vec<Problem>,
) -> Option<serde_json::Map<String, Value>> {
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if !operation.takes_body {
        if !empty {
            problems.push("the docs show no body for this operation, but one was sent".to_owned().into());
        }
        return None;
    }
    if empty {
        problems.push("missing JSON body: the docs show a JSON object".to_owned().into());
        return None;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        Ok(other) => {
            problems.push(format!("the body must be a JSON object, got {}", kind(&other)).into());
            None
        }
        Err(error) => {
            problems.push(format!("the body is not well-formed JSON: {error}").into());
            None
        }
    }
}

/// A text value (path, query, header) as JSON, so that one checker serves every location.
fn text(value: &str) -> Value {
    Value::String(value.to_owned())
}

/// Structs nest at most this deep: a sub-table naming itself must not recurse forever.
const MAX_DEPTH: usize = 8;

/// Checks one top-level attribute by its setter's type. `from_text`: the value arrived as text
/// (path, query, header), where `5` and `true` are spelled as strings.
fn check_param(
    param: &ParamSurface,
    ty: &TypeSurface,
    value: &Value,
    from_text: bool,
    operation: &MockOperation,
    problems: &mut Vec<Problem>,
) {
    if let Some(problem) = not_allowed(&param.wire_name, &param.allowed_values, value) {
        problems.push(problem);
        return;
    }
    if param.allowed_values.is_empty() {
        check_value(ty, value, &param.wire_name, from_text, operation, problems, 0);
    }
}

/// A problem when `allowed` lists values and `value` is not one of them.
fn not_allowed(path: &str, allowed: &[String], value: &Value) -> Option<Problem> {
    if allowed.is_empty() {
        return None;
    }
    let spelled = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    if allowed.contains(&spelled) {
        return None;
    }
    let allowed: Vec<String> = allowed.iter().map(|v| format!("`{v}`")).collect();
    let text = format!("attribute `{path}` is `{spelled}`, allowed: {}", allowed.join(", "));
    Some(Problem { text, not_allowed: Some((path.to_owned(), spelled)) })
}

/// The values `operation` allows for the attribute or member at `path` (`action`,
/// `buttons[0].kind`), as documented; empty when it lists none.
pub(crate) fn allowed_values<'a>(operation: &'a MockOperation, path: &str) -> &'a [String] {
    let mut names = path.split('.').map(|name| name.split_once('[').map_or(name, |(name, _)| name));
    let Some(first) = names.next() else { return &[] };
    let Some(param) = operation.surface.params.iter().find(|p| p.wire_name == first) else { return &[] };
    let (mut allowed, mut ty) = (param.allowed_values.as_slice(), &param.ty);
    for name in names {
        let TypeSurface::Object { name: object } = ty.element() else { return &[] };
        let Some(object) = operation.surface.objects.iter().find(|o| &o.name == object) else { return &[] };
        let Some(member) = object.members.iter().find(|m| m.wire_name == name) else { return &[] };
        (allowed, ty) = (member.allowed_values.as_slice(), &member.ty);
    }
    match ty.element() {
        TypeSurface::Enum { values, .. } if allowed.is_empty() => values,
        _ => allowed,
    }
}

/// A page number or size below 1 (pages are numbered from 1): the mock could not answer it
/// as a list with an end.
fn check_pagination(operation: &MockOperation, incoming: &Incoming<'_>, problems: &mut Vec<Problem>) {
    let Some(pagination) = &operation.surface.pagination else { return };
    for name in [&pagination.page, &pagination.page_size] {
        if let Some(value) = integer(operation, incoming, name).filter(|value| *value < 1) {
            problems.push(format!("attribute `{name}` must be 1 or more, got {value}").into());
        }
    }
}

/// The integer attribute `name` of a request, from the query or the body (`None` when absent
/// or not an integer, which `problems` reports).
pub(crate) fn integer(operation: &MockOperation, incoming: &Incoming<'_>, name: &str) -> Option<i64> {
    let param = operation.surface.params.iter().find(|p| p.wire_name == name)?;
    match param.location {
        ParamLocation::Query | ParamLocation::Path | ParamLocation::Header => {
            let from_query = incoming.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            let from_path =
                || incoming.path_values.iter().find(|(n, _)| same_name_key(n, name)).map(|(_, v)| v.as_str());
            let from_header = || incoming.headers.get(name).and_then(|v| v.to_str().ok());
            from_query.or_else(from_path).or_else(from_header)?.trim().parse().ok()
        }
        ParamLocation::Body => serde_json::from_slice::<Value>(incoming.body).ok()?.get(name)?.as_i64(),
    }
}

/// Checks `value` (the attribute or member at `path`) against the type the client gives it.
fn check_value(
    ty: &TypeSurface,
    value: &Value,
    path: &str,
    from_text: bool,
    operation: &MockOperation,
    problems: &mut Vec<Problem>,
    depth: usize,
) {
    let ok = match (ty, value) {
        (TypeSurface::Json, _) => true,
        (TypeSurface::String, Value::String(_)) | (TypeSurface::Bool, Value::Bool(_)) => true,
        (TypeSurface::Integer, v) if v.is_i64() => true,
        (TypeSurface::Number, Value::Number(_)) => true,
        (TypeSurface::Bool, Value::String(s)) if from_text => s == "true" || s == "false",
        (TypeSurface::Integer, Value::String(s)) if from_text => s.parse::<i64>().is_ok(),
        (TypeSurface::Number, Value::String(s)) if from_text => s.parse::<f64>().is_ok_and(f64::is_finite),
        (TypeSurface::Enum { values, .. }, value) => {
            problems.extend(not_allowed(path, values, value));
            true
        }
        (TypeSurface::List { element }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(element, item, &format!("{path}[{i}]"), false, operation, problems, depth);
            }
            true
        }
        (TypeSurface::Object { name }, Value::Object(map)) => {
            if depth < MAX_DEPTH {
                check_object(name, map, path, operation, problems, depth + 1);
            }
            true
        }
        _ => false,
    };
    if !ok {
        problems.push(format!("attribute `{path}` must be {}, got {}", describe(ty), kind(value)).into());
    }
}

/// Checks an object against the struct `name`'s members: required ones present, each of its
/// type and among its allowed values, no member the docs do not list.
fn check_object(
    name: &str,
    map: &serde_json::Map<String, Value>,
    path: &str,
    operation: &MockOperation,
    problems: &mut Vec<Problem>,
    depth: usize,
) {
    let Some(object) = operation.surface.objects.iter().find(|o| o.name == name) else { return };
    for member in &object.members {
        let at = format!("{path}.{}", member.wire_name);
        match map.get(&member.wire_name).filter(|v| !v.is_null()) {
            None if member.required => problems.push(format!("missing required attribute `{at}`").into()),
            None => {}
            Some(value) => match not_allowed(&at, &member.allowed_values, value) {
                Some(problem) => problems.push(problem),
                None if member.allowed_values.is_empty() => {
                    check_value(&member.ty, value, &at, false, operation, problems, depth)
                }
                None => {}
            },
        }
    }
    for key in map.keys() {
        if !object.members.iter().any(|m| m.wire_name == *key) {
            problems.push(format!("unknown attribute `{path}.{key}`: the docs do not list it").into());
        }
    }
}

fn describe(ty: &TypeSurface) -> String {
    match ty {
        TypeSurface::String => "a string".to_owned(),
        TypeSurface::Bool => "a boolean".to_owned(),
        TypeSurface::Integer => "an integer".to_owned(),
        TypeSurface::Number => "a number".to_owned(),
        TypeSurface::List { .. } => "an array".to_owned(),
        TypeSurface::Object { .. } => "an object".to_owned(),
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
