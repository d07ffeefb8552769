//! Tables against examples: every disagreement between what a page's tables declare and
//! what its examples show becomes a warning. The model keeps both; the generator decides
//! (see ARCHITECTURE.md, "Reconciling tables and examples").

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::model::{Attribute, Location, Operation, RequestExample, Tipo};

fn describe(value: &Value) -> String {
    let kind = match value {
        Value::String(_) => "a string",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        Value::Null => "null",
    };
    let mut shown = value.to_string();
    if shown.len() > 40 {
        shown = format!("{}…", shown.chars().take(40).collect::<String>());
    }
    format!("{shown} ({kind})")
}

/// A key of `keys` spelled like `name` but not equal to it (`departmentId` for `departamentId`).
fn near_miss<'k>(name: &str, keys: impl Iterator<Item = &'k String>) -> Option<&'k String> {
    let key = |s: &str| s.to_lowercase().replace(['-', '_'], "");
    keys.filter(|k| *k != name).find(|k| {
        let (a, b) = (key(k), key(name));
        a == b
            || (a.len().abs_diff(b.len()) <= 1
                && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() + a.len().abs_diff(b.len()) <= 2
                && a.len() > 5)
    })
}

fn compare(
    what: &str,
    attributes: &[&Attribute],
    required: &[&Attribute],
    sample: &Map<String, Value>,
    at: &Location,
    operation: &Operation,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for attribute in required {
        if !sample.contains_key(&attribute.name) {
            let hint =
                near_miss(&attribute.name, sample.keys()).map(|k| format!(" (it has `{k}`)")).unwrap_or_default();
            diagnostics.push(Diagnostic::warning(
                attribute.location.clone(),
                format!("`{}` is in the table but not in the {what}{hint}", attribute.name),
            ));
        }
    }
    for (key, value) in sample {
        match attributes.iter().find(|a| &a.name == key) {
            None => {
                let hint = near_miss(key, attributes.iter().map(|a| &a.name))
                    .map(|k| format!(" (the table has `{k}`)"))
                    .unwrap_or_default();
                diagnostics
                    .push(Diagnostic::warning(at.clone(), format!("{what} key `{key}` is not in the table{hint}")));
            }
            Some(attribute) => {
                if attribute.tipo().fits(value, Some(operation)) == Some(false) {
                    diagnostics.push(Diagnostic::warning(
                        attribute.location.clone(),
                        format!("`{key}` is declared `{}` but the {what} shows {}", attribute.ty, describe(value)),
                    ));
                }
            }
        }
    }
}

/// Reports disagreements inside one operation.
pub(crate) fn reconcile(
    operation: &Operation,
    path_heading: Option<&(String, Location)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some((heading, at)) = path_heading {
        let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric() || *c == '/').collect::<String>().to_lowercase();
        if !key(&operation.path).ends_with(&key(heading)) {
            diagnostics.push(Diagnostic::warning(
                at.clone(),
                format!("heading `{heading}` does not match the URL path `{}`", operation.path),
            ));
        }
    }

    let placeholders: Vec<String> = operation
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}').map(str::to_lowercase))
        .collect();
    let in_path = |a: &Attribute| placeholders.contains(&a.name.to_lowercase());
    let attributes: Vec<&Attribute> =
        operation.required.iter().chain(&operation.optional).filter(|a| !in_path(a)).collect();
    let required: Vec<&Attribute> = operation.required.iter().filter(|a| !in_path(a)).collect();
    match &operation.request_example {
        Some(RequestExample::Json { body, location }) => {
            if !operation.method.has_body() {
                diagnostics.push(Diagnostic::warning(
                    location.clone(),
                    format!("a {} request has a JSON body in its example", operation.method),
                ));
            }
            if let Value::Object(sample) = body {
                compare("request example", &attributes, &required, sample, location, operation, diagnostics);
            }
        }
        Some(RequestExample::Url { url, location }) => {
            let query: Map<String, Value> = url
                .split_once('?')
                .map(|(_, q)| {
                    q.split('&')
                        .filter_map(|kv| kv.split_once('='))
                        .map(|(k, v)| {
                            let tipo = attributes.iter().find(|a| a.name == k).map(|a| a.tipo());
                            (k.to_owned(), query_value(v, tipo))
                        })
                        .collect()
                })
                .unwrap_or_default();
            compare("example URL", &attributes, &required, &query, location, operation, diagnostics);
        }
        None => {}
    }

    for response in &operation.responses {
        let Some(example) = &response.example else { continue };
        if response.fields.is_empty() {
            continue;
        }
        let sample = match example {
            Value::Array(items) => items.first().and_then(Value::as_object),
            Value::Object(object) => Some(object),
            _ => None,
        };
        let Some(sample) = sample else { continue };
        let fields: Vec<&Attribute> = response.fields.iter().collect();
        let missing: Vec<&&Attribute> = fields.iter().filter(|f| !sample.contains_key(&f.name)).collect();
        let wrapper =
            sample.iter().find(|(_, v)| v.as_object().is_some_and(|o| missing.iter().any(|f| o.contains_key(&f.name))));
        if let (Some((wrapper, _)), false) = (wrapper, missing.is_empty()) {
            diagnostics.push(Diagnostic::warning(
                response.location.clone(),
                format!(
                    "response {}: the table lists fields flat that the example nests under `{wrapper}`",
                    response.status
                ),
            ));
            continue;
        }
        let what = format!("response {} example", response.status);
        // Response fields have no required set: missing ones are reported just below.
        compare(&what, &fields, &[], sample, &response.location, operation, diagnostics);
        for field in missing {
            diagnostics.push(Diagnostic::warning(
                field.location.clone(),
                format!("`{}` is in the response {} table but not in its example", field.name, response.status),
            ));
        }
    }

    for attribute in operation.required.iter().chain(&operation.optional) {
        let ty = attribute.ty.trim();
        let tipo = attribute.tipo();
        // A name (`buttonList`, `button[]`) must be a sub-table of the page; every other Tipo is known.
        let names_something = |tipo: &Tipo| matches!(tipo, Tipo::Named(_)) && operation.object_named(tipo).is_none();
        let unknown = match &tipo {
            Tipo::List(element) => names_something(element),
            other => names_something(other),
        };
        if unknown {
            diagnostics.push(Diagnostic::warning(
                attribute.location.clone(),
                format!("Tipo `{ty}` of `{}` names no sub-table and no known type", attribute.name),
            ));
        }
    }
}

/// A query value as the JSON value the attribute's type would hold: query values are text
/// on the wire, so `1` fits a string attribute and an integer one alike.
fn query_value(text: &str, tipo: Option<Tipo>) -> Value {
    let spelled = serde_json::from_str::<Value>(text).ok().filter(|v| !v.is_object() && !v.is_array() && !v.is_null());
    match (tipo.unwrap_or(Tipo::Any), spelled) {
        (Tipo::String | Tipo::Https | Tipo::Any, _) | (_, None) => Value::String(text.to_owned()),
        (_, Some(value)) => value,
    }
}
