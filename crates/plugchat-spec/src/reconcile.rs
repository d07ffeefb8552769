//! Tables against examples: every disagreement between what a page's tables declare and
//! what its examples show becomes a warning. The model keeps both; the generator decides
//! (see ARCHITECTURE.md, "Reconciling tables and examples").

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Rule};
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

/// Whether `a` and `b` look like one name spelled two ways: equal but for case, `-` and `_`,
/// or within a small edit distance (Damerau-Levenshtein, so a swapped pair of letters counts
/// once): one edit for names up to 6 letters, two for longer ones. Short names (`id`, `to`)
/// are too close to everything to judge.
pub(crate) fn near_miss(a: &str, b: &str) -> Option<usize> {
    let key = |s: &str| s.to_lowercase().replace(['-', '_'], "");
    let (a, b) = (key(a), key(b));
    if a == b {
        return Some(0);
    }
    let shorter = a.chars().count().min(b.chars().count());
    let limit = if shorter < 4 {
        0
    } else if shorter <= 6 {
        1
    } else {
        2
    };
    let distance = strsim::damerau_levenshtein(&a, &b);
    (distance <= limit).then_some(distance)
}

/// Which of the rules about a table and its example apply: a request's or a response's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Compares a table with an example object: misspelled keys (one diagnostic naming both
/// spellings), table rows the example lacks, example keys the table lacks, values of the
/// wrong type. `required` names the rows the example must show.
#[allow(clippy::too_many_arguments)]
fn compare(
    side: Side,
    what: &str,
    attributes: &[&Attribute],
    required: &[&str],
    sample: &Map<String, Value>,
    at: &Location,
    operation: &Operation,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut missing: Vec<&Attribute> = attributes.iter().copied().filter(|a| !sample.contains_key(&a.name)).collect();
    for (key, value) in sample {
        if let Some(attribute) = attributes.iter().find(|a| &a.name == key) {
            if attribute.tipo().fits(value, Some(operation)) == Some(false) {
                diagnostics.push(Diagnostic::new(
                    Rule::ExampleTypeMismatch,
                    attribute.location.clone(),
                    format!("`{key}` is declared `{}` but the {what} shows {}", attribute.ty, describe(value)),
                ));
            }
            continue;
        }
        let closest = missing
            .iter()
            .enumerate()
            .filter_map(|(i, a)| near_miss(key, &a.name).map(|d| (d, i)))
            .min()
            .map(|(_, i)| i);
        if let Some(i) = closest {
            let attribute = missing.remove(i);
            diagnostics.push(Diagnostic::new(
                Rule::ExampleKeyMisspelled,
                at.clone(),
                format!(
                    "`{key}` in the {what}: did you mean `{}` (line {} of the table)?",
                    attribute.name, attribute.location.line
                ),
            ));
            continue;
        }
        let (rule, message) = match side {
            Side::Request => (Rule::ExampleKeyUnknown, format!("{what} key `{key}` is not in the table")),
            Side::Response => (Rule::ResponseKeyUndocumented, format!("{what} key `{key}` is not in the table")),
        };
        diagnostics.push(Diagnostic::new(rule, at.clone(), message));
    }
    for attribute in missing {
        let (rule, message) = match side {
            Side::Request if required.contains(&attribute.name.as_str()) => {
                (Rule::RequiredMissingFromExample, format!("required `{}` is not in the {what}", attribute.name))
            }
            Side::Request => (
                Rule::OptionalMissingFromExample,
                format!("`{}` is in the table but not in the {what}", attribute.name),
            ),
            Side::Response => (
                Rule::ResponseFieldMissingFromExample,
                format!(
                    "`{}` is in the {} table but not in its example",
                    attribute.name,
                    what.trim_end_matches(" example")
                ),
            ),
        };
        diagnostics.push(Diagnostic::new(rule, attribute.location.clone(), message));
    }
}

/// Reports disagreements inside one operation.
pub(crate) fn reconcile(
    operation: &Operation,
    path_heading: Option<&(String, Location)>,
    ungrouped: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some((heading, at)) = path_heading {
        let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric() || *c == '/').collect::<String>().to_lowercase();
        if !key(&operation.path).ends_with(&key(heading)) {
            diagnostics.push(Diagnostic::new(
                Rule::HeadingPathMismatch,
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
    // A table under no required/optional heading was read as required, but the page never
    // said so: an example without its rows is no evidence of a mistake.
    let required: Vec<&str> = operation
        .required
        .iter()
        .filter(|a| !in_path(a) && !ungrouped.contains(&a.name))
        .map(|a| a.name.as_str())
        .collect();
    match &operation.request_example {
        Some(RequestExample::Json { body, location }) => {
            if !operation.method.has_body() {
                diagnostics.push(Diagnostic::new(
                    Rule::GetWithBody,
                    location.clone(),
                    format!("a {} request has a JSON body in its example", operation.method),
                ));
            }
            if let Value::Object(sample) = body {
                compare(
                    Side::Request,
                    "request example",
                    &attributes,
                    &required,
                    sample,
                    location,
                    operation,
                    diagnostics,
                );
            }
        }
        Some(RequestExample::Url { url, location }) if !url.contains('?') && !required.is_empty() => {
            // A bare URL is the request line, not a demonstration of the query: one note, not
            // one warning per attribute it does not show.
            diagnostics.push(Diagnostic::new(
                Rule::ExampleUrlWithoutQuery,
                location.clone(),
                format!(
                    "the example URL has no query string, so it shows no required attribute ({})",
                    required.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            ));
            let optional: Vec<&Attribute> =
                attributes.iter().copied().filter(|a| !required.contains(&a.name.as_str())).collect();
            compare(Side::Request, "example URL", &optional, &[], &Map::new(), location, operation, diagnostics);
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
            compare(Side::Request, "example URL", &attributes, &required, &query, location, operation, diagnostics);
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
            diagnostics.push(Diagnostic::new(
                Rule::ResponseTableFlat,
                response.location.clone(),
                format!(
                    "response {}: the table lists fields flat that the example nests under `{wrapper}`",
                    response.status
                ),
            ));
            continue;
        }
        let what = format!("response {} example", response.status);
        compare(Side::Response, &what, &fields, &[], sample, &response.location, operation, diagnostics);
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
            diagnostics.push(Diagnostic::new(
                Rule::TypeUnknown,
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
