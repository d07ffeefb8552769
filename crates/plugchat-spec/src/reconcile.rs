//! Tables against examples: every disagreement between what a page's tables declare and
//! what its examples show becomes a warning. The model keeps both; the generator decides
//! (see ARCHITECTURE.md, "Reconciling tables and examples").

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Attribute, Location, Operation, ParamLocation, RequestExample, Tipo};

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
/// are too close to everything to judge, and names over [`MAX_EDITED`] letters are compared
/// for equality only (an edit distance costs their product).
pub(crate) fn near_miss(a: &str, b: &str) -> Option<usize> {
    Spelling::new(a).near_miss(&Spelling::new(b))
}

/// Names longer than this (in letters, after folding) are never near misses by edits: no
/// table has such names, and comparing two costs time and memory in the product of lengths.
const MAX_EDITED: usize = 64;

/// A name as [`near_miss`] compares it: lower case without `-` and `_`, its length in
/// characters, and which characters it holds (folded into 64 bits).
struct Spelling {
    folded: String,
    length: usize,
    letters: u64,
}

impl Spelling {
    fn new(name: &str) -> Spelling {
        let folded: String = name.chars().filter(|c| !matches!(c, '-' | '_')).flat_map(char::to_lowercase).collect();
        let length = folded.chars().count();
        let letters = folded.chars().fold(0u64, |bits, c| bits | 1 << (c as u32 % 64));
        Spelling { folded, length, letters }
    }

    fn near_miss(&self, other: &Spelling) -> Option<usize> {
        if self.folded == other.folded {
            return Some(0);
        }
        let limit = distance_limit(self.length.min(other.length));
        // An edit distance is at least the difference of the lengths, and each edit adds or
        // removes at most two of the characters held: both are exact filters.
        if limit == 0
            || self.length.max(other.length) > MAX_EDITED
            || self.length.abs_diff(other.length) > limit
            || (self.letters ^ other.letters).count_ones() as usize > 2 * limit
        {
            return None;
        }
        let distance = strsim::damerau_levenshtein(&self.folded, &other.folded);
        (distance <= limit).then_some(distance)
    }
}

/// The largest edit distance still a near miss, for keys of `shorter` letters (the shorter one).
fn distance_limit(shorter: usize) -> usize {
    if shorter < 4 {
        0
    } else if shorter <= 6 {
        1
    } else {
        2
    }
}

/// The table rows an example does not show, to find the closest to each unknown key without
/// comparing it with every row (a page of 1 MB of keys once took minutes that way). Every row
/// within one edit of a key shares with it a spelling with at most one character deleted, so
/// an index of those finds them all; only a key with none is compared with the rows whose
/// length is within two of its own, the most a near miss allows.
struct Unshown<'a> {
    rows: Vec<&'a Attribute>,
    taken: Vec<bool>,
    /// Built for the first unknown key: most examples have none.
    index: Option<Index>,
}

#[derive(Default)]
struct Index {
    spellings: Vec<Spelling>,
    by_length: HashMap<usize, Vec<usize>>,
    by_deletion: HashMap<String, Vec<usize>>,
}

/// `folded` and every spelling of it with one character deleted.
fn deletions(folded: &str) -> impl Iterator<Item = String> + '_ {
    let cuts = folded.char_indices().map(|(at, c)| format!("{}{}", &folded[..at], &folded[at + c.len_utf8()..]));
    std::iter::once(folded.to_owned()).chain(cuts)
}

impl<'a> Unshown<'a> {
    fn new(rows: Vec<&'a Attribute>) -> Self {
        Unshown { taken: vec![false; rows.len()], rows, index: None }
    }

    fn index(rows: &[&Attribute]) -> Index {
        let mut index = Index { spellings: rows.iter().map(|a| Spelling::new(&a.name)).collect(), ..Index::default() };
        for (i, spelling) in index.spellings.iter().enumerate() {
            index.by_length.entry(spelling.length).or_default().push(i);
            if spelling.length <= MAX_EDITED {
                for variant in deletions(&spelling.folded) {
                    let list = index.by_deletion.entry(variant).or_default();
                    // `aab` gives `ab` twice.
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            } else {
                index.by_deletion.entry(spelling.folded.clone()).or_default().push(i);
            }
        }
        index
    }

    /// Takes the closest row to `key` (the smallest distance, then the first in the table).
    fn take_closest(&mut self, key: &str) -> Option<&'a Attribute> {
        if self.rows.is_empty() {
            return None;
        }
        let key = Spelling::new(key);
        let index = self.index.get_or_insert_with(|| Self::index(&self.rows));
        let distance = |i: &usize| key.near_miss(&index.spellings[*i]).map(|d| (d, *i));
        let variants: Vec<String> =
            if key.length <= MAX_EDITED { deletions(&key.folded).collect() } else { vec![key.folded.clone()] };
        let mut best = variants
            .iter()
            .filter_map(|variant| index.by_deletion.get(variant))
            .flatten()
            .filter(|i| !self.taken[**i])
            .filter_map(distance)
            .min();
        // Two edits are allowed between names of 7 letters or more: those rows need not
        // share a deletion with the key.
        if best.is_none_or(|(d, _)| d > 1) && key.length >= 7 {
            best = (key.length - 2..=key.length + 2)
                .filter_map(|length| index.by_length.get(&length))
                .flatten()
                .filter(|i| !self.taken[**i])
                .filter_map(distance)
                .min();
        }
        let (_, i) = best?;
        self.taken[i] = true;
        Some(self.rows[i])
    }

    /// The rows not taken, in table order.
    fn rest(self) -> impl Iterator<Item = &'a Attribute> {
        self.rows.into_iter().zip(self.taken).filter(|(_, taken)| !taken).map(|(row, _)| row)
    }
}

/// A list example whose elements show one key with values of different JSON types (an integer
/// and a fraction count as one): the generated field gets the widest type that holds them all,
/// and the reader should know (one note per key).
fn disagreeing_elements(
    response: &plugchat_model::Response,
    items: &[Value],
    mismatched: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut kinds: Vec<(&str, Vec<&'static str>)> = Vec::new();
    for object in items.iter().filter_map(Value::as_object) {
        for (key, value) in object.iter().filter(|(_, v)| !v.is_null()) {
            let kind = match value {
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                Value::Array(_) => "an array",
                _ => "an object",
            };
            match kinds.iter_mut().find(|(k, _)| k == key) {
                Some((_, seen)) if !seen.contains(&kind) => seen.push(kind),
                Some(_) => {}
                None => kinds.push((key, vec![kind])),
            }
        }
    }
    // A key the table types is a mismatch where an element contradicts it (`check_responses`).
    for (key, seen) in kinds.into_iter().filter(|(key, seen)| seen.len() > 1 && !mismatched.contains(key)) {
        diagnostics.push(Diagnostic::new(
            Rule::ExampleTypesDisagree,
            response.location.clone(),
            format!(
                "response {}: the elements of the example show `{key}` as {}: it is typed to hold them all",
                response.status,
                seen.join(" and ")
            ),
        ));
    }
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
    let mut by_name: HashMap<&str, &Attribute> = HashMap::with_capacity(attributes.len());
    for attribute in attributes {
        by_name.entry(attribute.name.as_str()).or_insert(attribute);
    }
    let required: HashSet<&str> = required.iter().copied().collect();
    let mut missing = Unshown::new(attributes.iter().copied().filter(|a| !sample.contains_key(&a.name)).collect());
    for (key, value) in sample {
        if let Some(attribute) = by_name.get(key.as_str()) {
            if attribute.tipo().fits(value, Some(operation)) == Some(false) {
                diagnostics.push(Diagnostic::new(
                    Rule::ExampleTypeMismatch,
                    attribute.location.clone(),
                    format!("`{key}` is declared `{}` but the {what} shows {}", attribute.ty, describe(value)),
                ));
            }
            continue;
        }
        if let Some(attribute) = missing.take_closest(key) {
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
    for attribute in missing.rest() {
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
    has_attribute_table: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some((heading, at)) = path_heading {
        // Segments are compared from the end, letters and digits only. Placeholders are
        // compared by position, not name (`{groupId}` and `{idDoGrupo}` are one segment; a
        // heading may write the placeholder's name bare), and a heading's query string
        // (`/join?url={{x}}`) is not its path.
        let segments = |path: &str| -> Vec<(bool, String)> {
            let (path, _) = crate::url::url_path(&crate::url::join_placeholders(path.trim()), "");
            let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
            path.split('/').filter(|s| !s.is_empty()).map(|s| (s.starts_with('{'), key(s))).collect()
        };
        let same = |(a_placeholder, a): &(bool, String), (b_placeholder, b): &(bool, String)| {
            a == b || (*a_placeholder && *b_placeholder)
        };
        let ends_with = |path: &[(bool, String)], heading: &[(bool, String)]| {
            path.len() >= heading.len()
                && path[path.len() - heading.len()..].iter().zip(heading).all(|(p, h)| same(p, h))
        };
        // A heading of just `/` names no path: there is nothing to compare (a page copied
        // from another keeps the URL, which the cross-page rules report).
        let names_a_path = heading.chars().any(char::is_alphanumeric);
        if names_a_path && !ends_with(&segments(&operation.path), &segments(heading)) {
            diagnostics.push(Diagnostic::new(
                Rule::HeadingPathMismatch,
                at.clone(),
                format!("heading `{heading}` does not match the URL path `{}`", operation.path),
            ));
        }
    }

    let in_path = |a: &Attribute| operation.location_of(a) == ParamLocation::Path;
    let attributes: Vec<&Attribute> =
        operation.required.iter().chain(&operation.optional).filter(|a| !in_path(a)).collect();
    let mut by_name: HashMap<&str, &Attribute> = HashMap::with_capacity(attributes.len());
    for attribute in &attributes {
        by_name.entry(attribute.name.as_str()).or_insert(attribute);
    }
    // A table under no required/optional heading was read as required, but the page never
    // said so: an example without its rows is no evidence of a mistake.
    let ungrouped: HashSet<&str> = ungrouped.iter().map(String::as_str).collect();
    let required: Vec<&str> = operation
        .required
        .iter()
        .filter(|a| !in_path(a) && !ungrouped.contains(a.name.as_str()))
        .map(|a| a.name.as_str())
        .collect();
    let required_set: HashSet<&str> = required.iter().copied().collect();
    // A request documented only by its example: one diagnostic for the missing table says it
    // better than one `example-key-unknown` per key. A table the page has but that was read
    // as something else (the response's fields) keeps the per-key reports.
    if attributes.is_empty() && !has_attribute_table {
        let (keys, location): (Vec<String>, _) = match &operation.request_example {
            Some(RequestExample::Json { body: Value::Object(body), location }) => {
                (body.keys().cloned().collect(), Some(location))
            }
            Some(example @ RequestExample::Url { location, .. }) => {
                (example.query().into_iter().map(|(key, _)| key).filter(|k| !k.is_empty()).collect(), Some(location))
            }
            _ => (Vec::new(), None),
        };
        if let (Some(location), false) = (location, keys.is_empty()) {
            let what = match &operation.request_example {
                Some(RequestExample::Json { .. }) => "request example",
                _ => "example URL",
            };
            let shown: Vec<String> = keys.iter().take(6).map(|k| format!("`{k}`")).collect();
            let more = if keys.len() > shown.len() {
                format!(" and {} more", keys.len() - shown.len())
            } else {
                String::new()
            };
            diagnostics.push(Diagnostic::new(
                Rule::AttributesTableMissing,
                location.clone(),
                format!(
                    "the {what} sends {} ({}{more}) but the page has no attribute table documenting {}",
                    if keys.len() == 1 { "1 key".to_owned() } else { format!("{} keys", keys.len()) },
                    shown.join(", "),
                    if keys.len() == 1 { "it" } else { "them" },
                ),
            ));
            if let Some(RequestExample::Json { location, .. }) = &operation.request_example
                && !operation.method.has_body()
            {
                diagnostics.push(Diagnostic::new(
                    Rule::GetWithBody,
                    location.clone(),
                    format!("a {} request has a JSON body in its example", operation.method),
                ));
            }
            check_responses(operation, diagnostics);
            check_tipos(operation, diagnostics);
            return;
        }
    }
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
                attributes.iter().copied().filter(|a| !required_set.contains(a.name.as_str())).collect();
            compare(Side::Request, "example URL", &optional, &[], &Map::new(), location, operation, diagnostics);
        }
        Some(example @ RequestExample::Url { location, .. }) => {
            let query: Map<String, Value> = example
                .query()
                .into_iter()
                .map(|(key, value)| {
                    let tipo = by_name.get(key.as_str()).map(|a| a.tipo());
                    let value = query_value(&value, tipo);
                    (key, value)
                })
                .collect();
            compare(Side::Request, "example URL", &attributes, &required, &query, location, operation, diagnostics);
        }
        None => {}
    }

    check_responses(operation, diagnostics);
    check_tipos(operation, diagnostics);
}

/// Each response's table against its example.
fn check_responses(operation: &Operation, diagnostics: &mut Vec<Diagnostic>) {
    for response in &operation.responses {
        let Some(example) = &response.example else { continue };
        let items: &[Value] = match example {
            Value::Array(items) => items,
            _ => &[],
        };
        // Every element of a list example is checked against the table, not only the first:
        // a key the table types and an element contradicts is a mismatch (at the first such
        // element), not a disagreement between elements.
        let mismatches: Vec<(&Attribute, usize, &Value)> = response
            .fields
            .iter()
            .filter_map(|field| {
                let tipo = field.tipo();
                items.iter().enumerate().find_map(|(i, item)| {
                    let value = item.as_object()?.get(&field.name)?;
                    (tipo.fits(value, Some(operation)) == Some(false)).then_some((field, i, value))
                })
            })
            .collect();
        let mismatched: Vec<&str> = mismatches.iter().map(|(field, _, _)| field.name.as_str()).collect();
        if !items.is_empty() {
            disagreeing_elements(response, items, &mismatched, diagnostics);
        }
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
        // The fields nested under one key: in an object, or in the objects of an array.
        let nests = |value: &Value| match value {
            Value::Object(object) => missing.iter().any(|f| object.contains_key(&f.name)),
            Value::Array(elements) => elements
                .iter()
                .filter_map(Value::as_object)
                .any(|object| missing.iter().any(|f| object.contains_key(&f.name))),
            _ => false,
        };
        // An array the table lists is a list field whose element's rows were merged (an
        // unlabelled sub-table), not a flat table: `compare` reports the rows the top level
        // lacks. (An object the table lists is reported as before.)
        let listed = |key: &str| fields.iter().any(|f| f.name == key);
        let wrapper = sample.iter().find(|(key, v)| nests(v) && !(v.is_array() && listed(key)));
        if let (Some((wrapper, value)), false) = (wrapper, missing.is_empty()) {
            let under = if value.is_array() { "in the array under" } else { "under" };
            diagnostics.push(Diagnostic::new(
                Rule::ResponseTableFlat,
                response.location.clone(),
                format!(
                    "response {}: the table lists fields flat that the example nests {under} `{wrapper}`",
                    response.status
                ),
            ));
            continue;
        }
        if unrelated_table(response, &fields, items, sample, diagnostics) {
            continue;
        }
        let what = format!("response {} example", response.status);
        compare(Side::Response, &what, &fields, &[], sample, &response.location, operation, diagnostics);
        for (field, i, value) in mismatches.into_iter().filter(|(_, i, _)| *i > 0) {
            // The first element's mismatch is `compare`'s.
            if sample.get(&field.name).is_some_and(|v| field.tipo().fits(v, Some(operation)) == Some(false)) {
                continue;
            }
            diagnostics.push(Diagnostic::new(
                Rule::ExampleTypeMismatch,
                field.location.clone(),
                format!(
                    "`{}` is declared `{}` but element {} of the {what} shows {}",
                    field.name,
                    field.ty,
                    i + 1,
                    describe(value)
                ),
            ));
        }
    }
}

/// A response table none of whose fields the example shows (nor a near miss of one), while the
/// example shows keys of its own: the table describes something else (copied from another
/// page). One warning instead of a note per field and per key. Returns whether it was reported.
fn unrelated_table(
    response: &plugchat_model::Response,
    fields: &[&Attribute],
    items: &[Value],
    sample: &Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let objects: Vec<&Map<String, Value>> =
        if items.is_empty() { vec![sample] } else { items.iter().filter_map(Value::as_object).collect() };
    let keys: Vec<&String> = {
        let mut keys: Vec<&String> = Vec::new();
        for key in objects.iter().flat_map(|o| o.keys()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    };
    if fields.len() < 2 || keys.len() < 2 {
        return false;
    }
    let related = fields.iter().any(|f| keys.iter().any(|key| *key == &f.name || near_miss(key, &f.name).is_some()));
    if related {
        return false;
    }
    let list = |names: &mut dyn Iterator<Item = &str>| -> String {
        let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
        if names.len() > 5 { format!("{}, ...", names[..5].join(", ")) } else { names.join(", ") }
    };
    diagnostics.push(Diagnostic::new(
        Rule::ResponseTableUnrelated,
        response.location.clone(),
        format!(
            "response {}: none of the table's {} fields ({}) is in the example, which shows {}: the table describes another response",
            response.status,
            fields.len(),
            list(&mut fields.iter().map(|f| f.name.as_str())),
            list(&mut keys.iter().map(|k| k.as_str())),
        ),
    ));
    true
}

/// Every attribute's Tipo is a known type or names a sub-table of the page.
fn check_tipos(operation: &Operation, diagnostics: &mut Vec<Diagnostic>) {
    for attribute in operation.required.iter().chain(&operation.optional) {
        let ty = attribute.ty.trim();
        let tipo = attribute.tipo();
        // A name (`buttonList`, `button[]`) must be a sub-table of the page; every other Tipo is known.
        let unknown_name = |tipo: &Tipo| match tipo {
            Tipo::Named(name) if operation.object_named(tipo).is_none() => Some(name.clone()),
            _ => None,
        };
        let unknown = match &tipo {
            Tipo::List(element) => unknown_name(element),
            other => unknown_name(other),
        };
        let Some(name) = unknown else { continue };
        // A near miss of a known type is a typo that would silently make the value untyped.
        let misspelled = Tipo::KNOWN_SPELLINGS
            .iter()
            .filter_map(|known| near_miss(&name, known).filter(|d| *d > 0).map(|d| (d, *known)))
            .min();
        let (rule, message) = match misspelled {
            Some((_, known)) => (
                Rule::TypeMisspelled,
                format!("Tipo `{ty}` of `{}` is not a known type: did you mean `{known}`?", attribute.name),
            ),
            None => {
                (Rule::TypeUnknown, format!("Tipo `{ty}` of `{}` names no sub-table and no known type", attribute.name))
            }
        };
        diagnostics.push(Diagnostic::new(rule, attribute.location.clone(), message));
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

/// Whether the dotted `name` (`image.caption`, `items[].id`) leads to a key of `value`,
/// looking into every element of an array on the way.
fn shows_path(value: &Value, name: &str) -> bool {
    let (first, rest) = name.split_once('.').map_or((name, None), |(first, rest)| (first, Some(rest)));
    let key = first.trim_end_matches("[]");
    match value {
        Value::Array(items) => items.iter().any(|item| shows_path(item, name)),
        Value::Object(object) => match (object.get(key), rest) {
            (Some(_), None) => true,
            (Some(inner), Some(rest)) => shows_path(inner, rest),
            (None, _) => false,
        },
        _ => false,
    }
}

/// The top-level name a row describes: `image` for `image.caption`, `items` for `items[].id`.
fn root_of(name: &str) -> &str {
    name.split('.').next().unwrap_or(name).trim_end_matches("[]")
}

/// Moves the request attribute rows to the success response when the page's own examples show
/// they describe the response: none of them (nor a near miss of one) is a key of the request
/// example, while at least two of them and four in five are keys of the first 2xx response's
/// examples (`success_examples`: every example under that status, not only the first). One
/// warning at the table says so.
///
/// Why here, and why so strict: a table read as the request's gives the generated method a
/// setter per row, and a page mixing a configuration call with the payload it configures would
/// send the payload's fields. The evidence is the page's structure, never a name: an ordinary
/// request example shows some of its table (optional rows may be left out), and a request and a
/// response sharing a name or two is common (`phone`), so neither moves anything.
///
/// The moved rows become response fields; dotted rows (`image.caption`) become one field per
/// top-level key (`image`, an object), the shape the response decodes. Where the response has a
/// table of its own, it wins: only the rows it lacks are added.
pub(crate) fn attributes_describing_response(
    operation: &mut Operation,
    success_examples: &[&Value],
    table: Option<&Location>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Names, not a closure over `operation`: the rows are drained from it below.
    let path_names: Vec<String> = operation
        .attributes()
        .filter(|(a, _)| operation.location_of(a) == ParamLocation::Path)
        .map(|(a, _)| a.name.clone())
        .collect();
    let in_path = |a: &Attribute| path_names.contains(&a.name);
    let rows: Vec<&Attribute> = operation.required.iter().chain(&operation.optional).filter(|a| !in_path(a)).collect();
    if rows.len() < 2 {
        return;
    }
    let request_keys: Vec<String> = match &operation.request_example {
        Some(RequestExample::Json { body: Value::Object(body), .. }) => body.keys().cloned().collect(),
        Some(example @ RequestExample::Url { .. }) => example.query().into_iter().map(|(key, _)| key).collect(),
        _ => Vec::new(),
    };
    let request_keys: Vec<&str> = request_keys.iter().map(String::as_str).filter(|k| !k.is_empty()).collect();
    if request_keys.is_empty() {
        return;
    }
    let in_request =
        |a: &&Attribute| request_keys.iter().any(|key| near_miss(key, root_of(&a.name)).is_some() || *key == a.name);
    if rows.iter().any(in_request) {
        return;
    }
    let Some(success) = operation.success_index() else { return };
    let shown = rows.iter().filter(|a| success_examples.iter().any(|example| shows_path(example, &a.name))).count();
    if shown < 2 || shown * 5 < rows.len() * 4 {
        return;
    }

    let total = rows.len();
    let (mut taken, kept): (Vec<Attribute>, Vec<Attribute>) = operation.required.drain(..).partition(|a| !in_path(a));
    operation.required = kept;
    let (optional, kept): (Vec<Attribute>, Vec<Attribute>) = operation.optional.drain(..).partition(|a| !in_path(a));
    operation.optional = kept;
    taken.extend(optional);
    let response = &mut operation.responses[success];
    let own_rows = response.fields.len();
    let mut kept_by_response = 0;
    for row in taken {
        let root = root_of(&row.name);
        if let Some(at) = response.fields.iter().position(|f| f.name == root) {
            if at < own_rows {
                kept_by_response += 1;
            } else if root != row.name {
                // A further dotted row of an object made here: its documentation goes along.
                let object = &mut response.fields[at];
                object.description.push_str(&format!(
                    "; `{}` ({}): {}",
                    &row.name[root.len() + 1..],
                    row.ty,
                    row.description
                ));
            }
            continue;
        }
        if root == row.name {
            response.fields.push(row);
        } else {
            let description = format!("`{}` ({}): {}", &row.name[root.len() + 1..], row.ty, row.description);
            response.fields.push(Attribute {
                name: root.to_owned(),
                ty: "object".to_owned(),
                description,
                allowed_values: Vec::new(),
                location: row.location,
            });
        }
    }
    let mut message = format!(
        "the attribute table describes the response {} example, not the request: none of its {total} rows is in \
         the request example and {shown} are in the response's; read as the response's fields, not as request \
         attributes",
        response.status
    );
    if own_rows > 0 {
        message.push_str(&format!(" (the response table's own rows win: {kept_by_response} repeated rows ignored)"));
    }
    let at = table.cloned().unwrap_or_else(|| response.location.clone());
    diagnostics.push(Diagnostic::new(Rule::AttributesDescribeResponse, at, message));
}

#[cfg(test)]
mod tests {
    use super::{Unshown, near_miss};
    use crate::model::{Attribute, Location};

    /// The indexed search takes, for every key, the row a scan of every row takes: names at
    /// distance 0 (case, `-`, `_`), 1 and 2, transpositions, short, long and non-ASCII names.
    #[test]
    fn the_closest_row_is_the_one_a_scan_of_every_row_finds() {
        let words = [
            "phone",
            "phones",
            "Phone_",
            "status",
            "statsu",
            "deliveryStatus",
            "deliverStatus",
            "deliveryStat",
            "delvieryStatus",
            "id",
            "ids",
            "ação",
            "acão",
            "mensagem",
            "mensgaem",
            "mesnagem",
            "xab",
            "abx",
            "xxab",
            "abxx",
            "timestamp",
            "timestampz",
            "tmiestamp",
            "participants",
            "participantes",
            "aab",
            "ab",
        ];
        let mut names: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        names.push("a".repeat(70));
        names.push(format!("{}b", "a".repeat(69)));
        names.push(format!("{}-", "A".repeat(70)));
        let rows: Vec<Attribute> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Attribute {
                name: name.clone(),
                ty: "string".into(),
                description: String::new(),
                allowed_values: Vec::new(),
                location: Location { file: String::new(), line: i as u32 + 1, column: 1 },
            })
            .collect();
        // Every name against every subset of rows taken in some order: each key in turn,
        // rotating which key starts, so rows are taken in many orders.
        for start in 0..names.len() {
            let keys: Vec<&String> = names.iter().cycle().skip(start).take(names.len()).collect();
            let mut scan: Vec<&Attribute> = rows.iter().step_by(2).collect();
            let mut indexed = Unshown::new(rows.iter().step_by(2).collect());
            for key in &keys {
                let closest = scan
                    .iter()
                    .enumerate()
                    .filter_map(|(i, a)| near_miss(key, &a.name).map(|d| (d, i)))
                    .min()
                    .map(|(_, i)| scan.remove(i).name.clone());
                assert_eq!(indexed.take_closest(key).map(|a| a.name.clone()), closest, "key {key}");
            }
            let rest: Vec<&str> = indexed.rest().map(|a| a.name.as_str()).collect();
            assert_eq!(rest, scan.iter().map(|a| a.name.as_str()).collect::<Vec<_>>());
        }
    }
}
