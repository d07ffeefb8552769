//! `drift`: where a service and its docs disagree, read from recorded traffic (HAR files, such
//! as `HarRecorder` writes, and NDJSON files of webhook payloads) against a docs tree.
//!
//! Per operation: the statuses seen and the undocumented ones; per response status and per
//! event: keys the docs do not list, keys they list and nothing sent, JSON types other than the
//! Tipo, `null` where the docs only ever show a value; per operation, request attributes sent
//! that the docs do not list. [`suggestions`] turns the findings a table can fix into rows in
//! the docs' own format. Documented means listed in the table or shown in an example, as the
//! generator reads a page; dotted rows (`image.url`, `items[].id`) are followed into nested
//! objects.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plugchat_model::{Attribute, Callback, Operation, Page, Spec, Tipo};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::Error;

/// The output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// One line per finding, then a summary.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// Markdown: a table per page, then the summary.
    Markdown,
}

/// What a finding is about; its `rule` in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A status no response section of the page documents.
    UndocumentedStatus,
    /// A key sent that the docs do not list.
    UndocumentedKey,
    /// A key sent with another JSON type than the Tipo (or the example) says.
    TypeMismatch,
    /// `null` where every example of the docs shows a value.
    NullWhereShown,
    /// A documented key never sent.
    NeverSeen,
    /// A request attribute sent that the page does not list.
    UndocumentedAttribute,
    /// An exchange no operation matches, or a payload no event page recognises.
    Unmatched,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::UndocumentedStatus => "undocumented-status",
            Kind::UndocumentedKey => "undocumented-key",
            Kind::TypeMismatch => "type-mismatch",
            Kind::NullWhereShown => "null-where-shown",
            Kind::NeverSeen => "never-seen",
            Kind::UndocumentedAttribute => "undocumented-attribute",
            Kind::Unmatched => "unmatched",
        }
    }
}

/// One disagreement between the recordings and a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What kind of disagreement.
    pub rule: Kind,
    /// The page's id (empty for an unmatched exchange or payload).
    pub page: String,
    /// The page's file, relative to the docs tree.
    pub file: String,
    /// The line the finding is about: the row, the status heading, the method line.
    pub line: u32,
    /// The response status, for findings about a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The key or attribute (dotted for nested keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The Tipo the docs give (written, or inferred from their example).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documented: Option<String>,
    /// The JSON type seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<String>,
    /// How many times it was seen.
    pub count: usize,
    /// Out of how many objects (responses, list items, payloads, requests).
    pub of: usize,
    /// A value seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// The finding in words.
    pub message: String,
}

/// What was seen of one page: an operation's statuses, or an event's payloads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seen {
    /// The page's id.
    pub page: String,
    /// The page's file, relative to the docs tree.
    pub file: String,
    /// Responses per status (operations), or `{"payloads": n}` (events).
    pub responses: BTreeMap<String, usize>,
}

/// The drift report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// HAR entries read (attempts without an answer left out).
    pub exchanges: usize,
    /// Webhook payloads read.
    pub payloads: usize,
    /// What was seen, per page, in page order.
    pub seen: Vec<Seen>,
    /// The findings, per page in page order.
    pub findings: Vec<Finding>,
    /// Lines of the recordings that could not be used (`file:line: why`).
    pub skipped: Vec<String>,
}

/// One recorded exchange, as read from a HAR entry.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// The custom field `_operation` (the page id), when the recorder wrote it.
    pub operation: Option<String>,
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// Query parameters.
    pub query: Vec<(String, String)>,
    /// The request body, when it was JSON.
    pub request_body: Option<Value>,
    /// The status (never 0: attempts without an answer are left out).
    pub status: u16,
    /// The response body, when it was whole JSON.
    pub response_body: Option<Value>,
}

/// What the recordings hold.
#[derive(Debug, Clone, Default)]
pub struct Recordings {
    /// HAR entries.
    pub exchanges: Vec<Exchange>,
    /// Webhook payloads.
    pub payloads: Vec<Value>,
    /// What could not be used, with where and why.
    pub skipped: Vec<String>,
}

impl Recordings {
    /// Reads a HAR file (`log.entries`); an entry without an answer (status 0) or a body that is
    /// not whole JSON (cut by the recorder, base64) is kept without that body.
    pub fn read_har(&mut self, path: &Path) -> Result<(), Error> {
        let text = std::fs::read_to_string(path).map_err(Error::io("read", path))?;
        let bad = |message: String| Error::Recording { path: path.to_owned(), message };
        let document: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let entries = document
            .pointer("/log/entries")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("not a HAR file: no `log.entries` array".into()))?;
        for (index, entry) in entries.iter().enumerate() {
            let at = format!("{}: entry {}", path.display(), index + 1);
            let text = |pointer: &str| entry.pointer(pointer).and_then(Value::as_str);
            let (Some(method), Some(url)) = (text("/request/method"), text("/request/url")) else {
                self.skipped.push(format!("{at}: no request method or URL"));
                continue;
            };
            let status = entry.pointer("/response/status").and_then(Value::as_u64).unwrap_or(0);
            if status == 0 {
                self.skipped.push(format!("{at}: no answer"));
                continue;
            }
            let query = match entry.pointer("/request/queryString").and_then(Value::as_array) {
                Some(pairs) if !pairs.is_empty() => pairs
                    .iter()
                    .filter_map(|p| {
                        Some((p["name"].as_str()?.to_owned(), p["value"].as_str().unwrap_or("").to_owned()))
                    })
                    .collect(),
                _ => plugchat_model::query_pairs(url),
            };
            let json_text = |pointer: &str, encoding: &str| {
                let text = text(pointer).filter(|t| !t.trim().is_empty())?;
                if text_of(entry, encoding) == Some("base64") {
                    return None;
                }
                serde_json::from_str::<Value>(text).ok()
            };
            self.exchanges.push(Exchange {
                operation: entry.get("_operation").and_then(Value::as_str).map(str::to_owned),
                method: method.to_owned(),
                url: url.to_owned(),
                query,
                request_body: json_text("/request/postData/text", "/request/postData/encoding"),
                status: u16::try_from(status).unwrap_or(0),
                response_body: json_text("/response/content/text", "/response/content/encoding"),
            });
        }
        Ok(())
    }

    /// Reads an NDJSON file of webhook payloads (blank lines skipped).
    pub fn read_payloads(&mut self, path: &Path) -> Result<(), Error> {
        let text = std::fs::read_to_string(path).map_err(Error::io("read", path))?;
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(payload) => self.payloads.push(payload),
                Err(error) => self.skipped.push(format!("{}:{}: not JSON ({error})", path.display(), index + 1)),
            }
        }
        Ok(())
    }
}

fn text_of<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// How often a key was seen, with which JSON types and values.
#[derive(Debug, Default)]
struct KeyStats {
    count: usize,
    nulls: usize,
    /// Per JSON type: how often, and the first value.
    types: BTreeMap<&'static str, (usize, Value)>,
    /// Every value that is not null, for inferring a Tipo (bounded: a few are enough).
    values: Vec<Value>,
}

impl KeyStats {
    fn add(&mut self, value: &Value) {
        self.count += 1;
        if value.is_null() {
            self.nulls += 1;
            return;
        }
        self.types.entry(json_type(value)).or_insert_with(|| (0, value.clone())).0 += 1;
        if self.values.len() < 32 {
            self.values.push(value.clone());
        }
    }

    fn example(&self) -> Value {
        self.values.first().cloned().unwrap_or(Value::Null)
    }
}

/// The keys of the objects seen in one place (a response status, an event, a request).
#[derive(Debug, Default)]
struct Shape {
    objects: usize,
    keys: BTreeMap<String, KeyStats>,
}

impl Shape {
    /// Adds one object, following into nested objects the keys `names` has dotted rows for.
    fn add(&mut self, object: &Map<String, Value>, names: &[&str]) {
        self.objects += 1;
        let mut flat = Vec::new();
        flatten(object, "", names, &mut flat);
        for (key, value) in flat {
            self.keys.entry(key).or_default().add(value);
        }
    }
}

/// Every key of `object` as a path (`a`, `a.b`, `a[].b`), descending only where a name of
/// `names` continues the path: an undocumented object is one key, not one per leaf.
fn flatten<'v>(object: &'v Map<String, Value>, prefix: &str, names: &[&str], out: &mut Vec<(String, &'v Value)>) {
    for (key, value) in object {
        let path = format!("{prefix}{key}");
        out.push((path.clone(), value));
        let below = |tail: &str| names.iter().any(|n| n.starts_with(&format!("{path}{tail}")));
        match value {
            Value::Object(inner) if below(".") => flatten(inner, &format!("{path}."), names, out),
            Value::Array(items) if below("[].") => {
                for inner in items.iter().filter_map(Value::as_object) {
                    flatten(inner, &format!("{path}[]."), names, out);
                }
            }
            _ => {}
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The Tipo, as docs-spec writes it, of `values` (nulls left out): one JSON type gives its
/// Tipo, integers with fractions `number`, lists `array de X`; nothing or a mix gives the
/// empty Tipo (any value), which the maintainer should narrow.
pub fn infer_tipo<'v>(values: impl IntoIterator<Item = &'v Value>) -> String {
    tipo_of(values.into_iter().collect())
}

fn tipo_of(values: Vec<&Value>) -> String {
    let values: Vec<&Value> = values.into_iter().filter(|v| !v.is_null()).collect();
    let mut types: Vec<&str> = values.iter().map(|v| json_type(v)).collect();
    types.sort_unstable();
    types.dedup();
    match types.as_slice() {
        ["integer", "number"] => "number".into(),
        ["array"] => {
            let element = tipo_of(values.iter().filter_map(|v| v.as_array()).flatten().collect());
            if element.is_empty() { "array".into() } else { format!("array de {element}") }
        }
        [single] => (*single).into(),
        _ => String::new(),
    }
}

/// What the docs say about one key of a place.
struct DocKey<'s> {
    row: Option<&'s Attribute>,
    /// Values the page's examples show for it.
    shown: Vec<&'s Value>,
}

impl DocKey<'_> {
    fn tipo(&self) -> Option<Tipo> {
        match self.row {
            Some(row) => Some(row.tipo()),
            None => {
                let inferred = infer_tipo(self.shown.iter().copied());
                (!inferred.is_empty()).then(|| Tipo::parse(&inferred))
            }
        }
    }

    fn written_tipo(&self) -> String {
        match self.row {
            Some(row) => row.ty.clone(),
            None => infer_tipo(self.shown.iter().copied()),
        }
    }
}

/// The documented keys of a place: table rows, then keys only the examples show.
fn documented_keys<'s>(rows: &[&'s Attribute], examples: &[&'s Value]) -> BTreeMap<String, DocKey<'s>> {
    let mut keys: BTreeMap<String, DocKey<'s>> = BTreeMap::new();
    for row in rows {
        keys.entry(row.name.clone()).or_insert(DocKey { row: Some(row), shown: Vec::new() });
    }
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    for example in examples {
        let objects: Vec<&Map<String, Value>> = match example {
            Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
            Value::Object(object) => vec![object],
            _ => Vec::new(),
        };
        for object in objects {
            let mut flat = Vec::new();
            flatten(object, "", &names, &mut flat);
            for (key, value) in flat {
                keys.entry(key).or_insert(DocKey { row: None, shown: Vec::new() }).shown.push(value);
            }
        }
    }
    keys
}

/// Whether `key` is documented: listed, or the parent of a listed dotted key.
fn is_documented(docs: &BTreeMap<String, DocKey<'_>>, key: &str) -> bool {
    docs.contains_key(key)
        || docs
            .keys()
            .any(|name| name.strip_prefix(key).is_some_and(|rest| rest.starts_with('.') || rest.starts_with("[].")))
}

/// One place of a page where keys are compared: a response status or an event.
struct Place<'s> {
    page: &'s Page,
    file: String,
    status: Option<u16>,
    /// The line of the status heading or the event table.
    line: u32,
    operation: Option<&'s Operation>,
}

impl Place<'_> {
    fn finding(&self, rule: Kind, line: u32, message: String) -> Finding {
        Finding {
            rule,
            page: self.page.id.clone(),
            file: self.file.clone(),
            line,
            status: self.status,
            key: None,
            documented: None,
            seen: None,
            count: 0,
            of: 0,
            example: None,
            message,
        }
    }
}

/// Compares the keys seen in one place with the keys its docs list.
fn compare_keys(place: &Place<'_>, docs: &BTreeMap<String, DocKey<'_>>, shape: &Shape, out: &mut Vec<Finding>) {
    let of = shape.objects;
    let noun = if place.status.is_some() { "objects" } else { "payloads" };
    for (key, stats) in &shape.keys {
        let Some(doc) = docs.get(key) else {
            if is_documented(docs, key) {
                continue;
            }
            let example = stats.example();
            let mut finding = place.finding(
                Kind::UndocumentedKey,
                place.line,
                format!("`{key}` is not documented; seen in {} of {of} {noun}, e.g. {example}", stats.count),
            );
            finding.key = Some(key.clone());
            finding.seen = Some(infer_tipo(&stats.values)).filter(|t| !t.is_empty());
            (finding.count, finding.of, finding.example) = (stats.count, of, Some(example));
            out.push(finding);
            continue;
        };
        let line = doc.row.map_or(place.line, |row| row.location.line);
        if let Some(tipo) = doc.tipo() {
            for (seen, (count, example)) in &stats.types {
                if tipo.fits(example, place.operation) == Some(false) {
                    let written = doc.written_tipo();
                    let mut finding = place.finding(
                        Kind::TypeMismatch,
                        line,
                        format!(
                            "`{key}` is documented `{written}` but was {seen} in {count} of {of} {noun}, e.g. {example}"
                        ),
                    );
                    finding.key = Some(key.clone());
                    (finding.documented, finding.seen) = (Some(written), Some((*seen).to_owned()));
                    (finding.count, finding.of, finding.example) = (*count, of, Some(example.clone()));
                    out.push(finding);
                }
            }
        }
        let shows_value = doc.shown.iter().any(|v| !v.is_null());
        let shows_null = doc.shown.iter().any(|v| v.is_null());
        if stats.nulls > 0 && shows_value && !shows_null {
            let mut finding = place.finding(
                Kind::NullWhereShown,
                line,
                format!("`{key}` was null in {} of {of} {noun}; the docs only show values", stats.nulls),
            );
            finding.key = Some(key.clone());
            finding.seen = Some("null".into());
            (finding.count, finding.of, finding.example) = (stats.nulls, of, Some(Value::Null));
            out.push(finding);
        }
    }
    if of == 0 {
        return;
    }
    for (key, doc) in docs {
        if shape.keys.contains_key(key) {
            continue;
        }
        // A dotted key whose parent was never an object was not looked for.
        let parent_seen = parent(key).is_none_or(|p| shape.keys.contains_key(p));
        if parent_seen {
            let line = doc.row.map_or(place.line, |row| row.location.line);
            let mut finding =
                place.finding(Kind::NeverSeen, line, format!("`{key}` is documented but was in none of {of} {noun}"));
            finding.key = Some(key.clone());
            finding.documented = Some(doc.written_tipo());
            finding.of = of;
            out.push(finding);
        }
    }
}

/// `a.b` → `a`, `a[].b` → `a`, `a` → none.
fn parent(key: &str) -> Option<&str> {
    let cut = key.rfind('.')?;
    Some(key[..cut].trim_end_matches("[]"))
}

/// What was recorded of one operation.
#[derive(Default)]
struct OperationTraffic {
    statuses: BTreeMap<u16, usize>,
    responses: BTreeMap<u16, Shape>,
    requests: usize,
    attributes: Shape,
}

/// The operation an exchange calls: its `_operation`, else the method and the path (with the
/// base URL's path taken off), the template with the most literal segments winning.
fn operation_of<'s>(spec: &'s Spec, exchange: &Exchange) -> Option<&'s Page> {
    if let Some(id) = &exchange.operation
        && let Some(page) = spec.pages.iter().find(|p| &p.id == id && p.operation.is_some())
    {
        return Some(page);
    }
    let rest = exchange.url.split_once("://").map_or(exchange.url.as_str(), |(_, rest)| rest);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let base_path = spec
        .base_url
        .as_deref()
        .and_then(|b| b.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].trim_end_matches('/').to_owned()))
        .unwrap_or_default();
    let path = path.strip_prefix(base_path.as_str()).filter(|p| p.starts_with('/')).unwrap_or(path);
    spec.operations()
        .filter(|(_, op)| op.method.as_str().eq_ignore_ascii_case(&exchange.method))
        .filter_map(|(page, op)| op.match_path(path).map(|m| (m.literal_segments, page)))
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, page)| page)
}

/// The event page a payload is: every discriminator of the page holds (as text), the page
/// with the most discriminators winning.
fn event_of<'s>(spec: &'s Spec, payload: &Value) -> Option<(&'s Page, &'s Callback)> {
    spec.pages
        .iter()
        .filter_map(|page| Some((page, page.callback.as_ref()?)))
        .filter(|(_, callback)| {
            !callback.discriminator.is_empty()
                && callback.discriminator.iter().all(|d| {
                    let value = d.field.split('.').try_fold(payload, |v, k| v.get(k));
                    match value {
                        Some(Value::String(s)) => *s == d.value,
                        Some(Value::Null) | None => false,
                        Some(other) => d.value.parse::<Value>().is_ok_and(|v| v == *other),
                    }
                })
        })
        .max_by_key(|(_, callback)| callback.discriminator.len())
}

/// The objects of a body: the object, or the objects of a list.
fn objects_of(body: &Value) -> Vec<&Map<String, Value>> {
    match body {
        Value::Object(object) => vec![object],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

/// `page.file` relative to the docs tree `root`.
fn relative(root: &Path, file: &str) -> String {
    let file = Path::new(file);
    file.strip_prefix(root).unwrap_or(file).display().to_string()
}

/// The report of `recordings` against `spec` (read from the tree at `root`).
pub fn report(spec: &Spec, root: &Path, recordings: &Recordings) -> Report {
    let mut traffic: BTreeMap<&str, OperationTraffic> = BTreeMap::new();
    let mut findings = Vec::new();
    let unmatched = |message: String| Finding {
        rule: Kind::Unmatched,
        page: String::new(),
        file: String::new(),
        line: 0,
        status: None,
        key: None,
        documented: None,
        seen: None,
        count: 1,
        of: 1,
        example: None,
        message,
    };
    let mut unmatched_findings = Vec::new();
    for exchange in &recordings.exchanges {
        let Some(page) = operation_of(spec, exchange) else {
            unmatched_findings
                .push(unmatched(format!("{} {} matches no operation of the docs", exchange.method, exchange.url)));
            continue;
        };
        let operation = page.operation.as_ref().expect("operation_of returns operation pages");
        let seen = traffic.entry(page.id.as_str()).or_default();
        *seen.statuses.entry(exchange.status).or_default() += 1;
        let names: Vec<&str> = operation
            .responses
            .iter()
            .filter(|r| r.status == exchange.status)
            .flat_map(|r| r.fields.iter().map(|f| f.name.as_str()))
            .collect();
        let shape = seen.responses.entry(exchange.status).or_default();
        for object in exchange.response_body.as_ref().map(objects_of).unwrap_or_default() {
            shape.add(object, &names);
        }
        let mut sent: Map<String, Value> =
            exchange.query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        if let Some(Value::Object(body)) = &exchange.request_body {
            sent.extend(body.clone());
        }
        seen.requests += 1;
        seen.attributes.add(&sent, &[]);
    }

    let mut events: BTreeMap<&str, Shape> = BTreeMap::new();
    for payload in &recordings.payloads {
        let Some((page, callback)) = payload.as_object().and_then(|_| event_of(spec, payload)) else {
            let name = payload.get("type").map_or_else(|| "no `type`".to_owned(), |t| format!("type {t}"));
            unmatched_findings.push(unmatched(format!("a payload ({name}) matches no event page of the docs")));
            continue;
        };
        let names: Vec<&str> = callback.required.iter().chain(&callback.optional).map(|a| a.name.as_str()).collect();
        if let Some(object) = payload.as_object() {
            events.entry(page.id.as_str()).or_default().add(object, &names);
        }
    }

    let mut seen_pages = Vec::new();
    for page in &spec.pages {
        let file = relative(root, &page.file);
        if let (Some(operation), Some(traffic)) = (&page.operation, traffic.get(page.id.as_str())) {
            seen_pages.push(Seen {
                page: page.id.clone(),
                file: file.clone(),
                responses: traffic.statuses.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
            });
            let mut page_findings = Vec::new();
            for (status, shape) in &traffic.responses {
                let documented: Vec<_> = operation.responses.iter().filter(|r| r.status == *status).collect();
                let line = documented.first().map_or(operation.location.line, |r| r.location.line);
                let place = Place { page, file: file.clone(), status: Some(*status), line, operation: Some(operation) };
                if documented.is_empty() {
                    let count = traffic.statuses[status];
                    let mut finding = place.finding(
                        Kind::UndocumentedStatus,
                        line,
                        format!("status {status} is not documented; seen {count} time(s)"),
                    );
                    (finding.count, finding.of) = (count, traffic.requests);
                    page_findings.push(finding);
                }
                let rows: Vec<&Attribute> = documented.iter().flat_map(|r| &r.fields).collect();
                let examples: Vec<&Value> = documented.iter().filter_map(|r| r.example.as_ref()).collect();
                compare_keys(&place, &documented_keys(&rows, &examples), shape, &mut page_findings);
            }
            let place =
                Place { page, file: file.clone(), status: None, line: operation.location.line, operation: None };
            for (name, stats) in &traffic.attributes.keys {
                if operation.attributes().any(|(a, _)| &a.name == name) {
                    continue;
                }
                let example = stats.example();
                let mut finding = place.finding(
                    Kind::UndocumentedAttribute,
                    operation.location.line,
                    format!(
                        "request attribute `{name}` is not documented; sent in {} of {} requests, e.g. {example}",
                        stats.count, traffic.requests
                    ),
                );
                finding.key = Some(name.clone());
                finding.seen = Some(infer_tipo(&stats.values)).filter(|t| !t.is_empty());
                (finding.count, finding.of, finding.example) = (stats.count, traffic.requests, Some(example));
                page_findings.push(finding);
            }
            findings.extend(page_findings);
        }
        if let (Some(callback), Some(shape)) = (&page.callback, events.get(page.id.as_str())) {
            seen_pages.push(Seen {
                page: page.id.clone(),
                file: file.clone(),
                responses: BTreeMap::from([("payloads".to_owned(), shape.objects)]),
            });
            let place = Place { page, file: file.clone(), status: None, line: callback.location.line, operation: None };
            let rows: Vec<&Attribute> = callback.required.iter().chain(&callback.optional).collect();
            let examples: Vec<&Value> = callback.examples.iter().map(|e| &e.payload).collect();
            compare_keys(&place, &documented_keys(&rows, &examples), shape, &mut findings);
        }
    }
    findings.extend(unmatched_findings);
    Report {
        exchanges: recordings.exchanges.len(),
        payloads: recordings.payloads.len(),
        seen: seen_pages,
        findings,
        skipped: recordings.skipped.clone(),
    }
}

impl Report {
    /// The summary line.
    pub fn summary(&self) -> String {
        let count = |kind| self.findings.iter().filter(|f| f.rule == kind).count();
        let matched = self.seen.len();
        format!(
            "exchanges: {}, payloads: {}, pages seen: {matched}, findings: {} (undocumented statuses: {}, undocumented keys: {}, type mismatches: {}, nulls: {}, never seen: {}, undocumented attributes: {}, unmatched: {})",
            self.exchanges,
            self.payloads,
            self.findings.len(),
            count(Kind::UndocumentedStatus),
            count(Kind::UndocumentedKey),
            count(Kind::TypeMismatch),
            count(Kind::NullWhereShown),
            count(Kind::NeverSeen),
            count(Kind::UndocumentedAttribute),
            count(Kind::Unmatched),
        )
    }

    /// The report in `format`; text paths are prefixed with `root` as `check` prints them.
    pub fn render(&self, format: Format, root: &str) -> String {
        let path = |file: &str| if root.is_empty() { file.to_owned() } else { format!("{root}/{file}") };
        let mut out = String::new();
        match format {
            Format::Text => {
                for skipped in &self.skipped {
                    let _ = writeln!(out, "{skipped}: skipped");
                }
                for seen in &self.seen {
                    let responses: Vec<String> = seen.responses.iter().map(|(s, n)| format!("{s} x{n}")).collect();
                    let _ = writeln!(out, "{}: seen: {}: {}", path(&seen.file), seen.page, responses.join(", "));
                    for f in self.findings.iter().filter(|f| f.page == seen.page) {
                        let place = Place::subject_of(f);
                        let _ =
                            writeln!(out, "{}:{}: {}: {place}: {}", path(&f.file), f.line, f.rule.as_str(), f.message);
                    }
                }
                for f in self.findings.iter().filter(|f| f.rule == Kind::Unmatched) {
                    let _ = writeln!(out, "{}: {}", f.rule.as_str(), f.message);
                }
                let _ = writeln!(out, "{}", self.summary());
            }
            Format::Json => {
                let mut value = serde_json::to_value(self).expect("the report serialises");
                value["summary"] = json!(self.summary());
                out = serde_json::to_string_pretty(&value).expect("the report serialises");
                out.push('\n');
            }
            Format::Markdown => {
                let _ = writeln!(out, "# Drift between the recordings and the docs\n");
                for seen in &self.seen {
                    let responses: Vec<String> = seen.responses.iter().map(|(s, n)| format!("`{s}` x{n}")).collect();
                    let _ = writeln!(out, "## {} (`{}`)\n\nSeen: {}.\n", seen.page, seen.file, responses.join(", "));
                    let findings: Vec<&Finding> = self.findings.iter().filter(|f| f.page == seen.page).collect();
                    if findings.is_empty() {
                        let _ = writeln!(out, "No drift.\n");
                        continue;
                    }
                    let _ = writeln!(out, "| Line | Rule | Status | Key | Finding |\n| --: | :-- | :-- | :-- | :-- |");
                    for f in findings {
                        let status = f.status.map(|s| s.to_string()).unwrap_or_default();
                        let key = f.key.as_deref().map(|k| format!("`{k}`")).unwrap_or_default();
                        let message = f.message.replace('|', "\\|");
                        let _ = writeln!(out, "| {} | {} | {status} | {key} | {message} |", f.line, f.rule.as_str());
                    }
                    out.push('\n');
                }
                let unmatched: Vec<&Finding> = self.findings.iter().filter(|f| f.rule == Kind::Unmatched).collect();
                if !unmatched.is_empty() {
                    let _ = writeln!(out, "## Unmatched\n");
                    for f in unmatched {
                        let _ = writeln!(out, "- {}", f.message.replace('|', "\\|"));
                    }
                    out.push('\n');
                }
                let _ = writeln!(out, "**{}**", self.summary());
            }
        }
        out
    }
}

impl Place<'_> {
    fn subject_of(finding: &Finding) -> String {
        match finding.status {
            Some(status) => format!("{} {status}", finding.page),
            None => finding.page.clone(),
        }
    }
}

/// One edit of a page that would make the docs say what was seen.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Insert `rows` after line `after` (the last row of the table they belong to).
    AddRows { after: u32, rows: Vec<String> },
    /// Insert a table (header and `rows`) after line `after` (a heading without a table).
    AddTable { after: u32, rows: Vec<String> },
    /// Replace line `line` (a row) with `row`.
    ReplaceRow { line: u32, row: String },
    /// Insert a response section (`### status` and its table) before line `before`, or at the
    /// end of the `## Response` section when `before` is `None`.
    AddSection { before: Option<u32>, status: u16, rows: Vec<String> },
}

/// The edits of one page, with where each goes in words.
#[derive(Debug, Clone, PartialEq)]
pub struct PageEdits {
    /// The page's file, relative to the docs tree.
    pub file: String,
    /// The page's id.
    pub page: String,
    /// `(where, edit)`, in the page's line order.
    pub edits: Vec<(String, Edit)>,
}

/// A table row in docs-spec's format; the description is left for the maintainer.
fn row(name: &str, tipo: &str, description: &str) -> String {
    format!("| {name} | {tipo} | {description} |")
}

const TABLE_HEAD: [&str; 2] = ["| Atributos | Tipo | Descrição |", "| :-- | :-- | :-- |"];

/// The table edits that answer `report`'s undocumented statuses, keys and attributes and its
/// type mismatches (with the Tipo inferred from every value seen). Nulls and keys never seen
/// have no row to add: the format has no nullability marker, and a key not seen may still be
/// sent by other calls.
pub fn suggestions(spec: &Spec, report: &Report) -> Vec<PageEdits> {
    let mut out = Vec::new();
    for page in &spec.pages {
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.page == page.id).collect();
        if findings.is_empty() {
            continue;
        }
        let mut edits: Vec<(String, Edit)> = Vec::new();
        let tipo_of = |f: &Finding| f.seen.clone().unwrap_or_default();
        let new_row = |f: &Finding| row(f.key.as_deref().unwrap_or_default(), &tipo_of(f), "");
        let keys = |status: Option<u16>, kind: Kind| -> Vec<&Finding> {
            findings.iter().copied().filter(|f| f.status == status && f.rule == kind).collect()
        };
        if let Some(operation) = &page.operation {
            let statuses: std::collections::BTreeSet<u16> = findings.iter().filter_map(|f| f.status).collect();
            for status in statuses {
                let added: Vec<String> = keys(Some(status), Kind::UndocumentedKey).into_iter().map(new_row).collect();
                let documented: Vec<_> = operation.responses.iter().filter(|r| r.status == status).collect();
                let Some(response) = documented.first() else {
                    let before =
                        operation.responses.iter().filter(|r| r.status > status).map(|r| r.location.line).min();
                    let place = match before {
                        Some(line) => format!("`## Response`: before line {line}, a new section"),
                        None => "the end of `## Response`: a new section".to_owned(),
                    };
                    edits.push((place, Edit::AddSection { before, status, rows: added }));
                    continue;
                };
                push_row_edits(
                    &mut edits,
                    &format!("`### {status}` table"),
                    response.location.line,
                    &response.fields,
                    added,
                );
                for f in keys(Some(status), Kind::TypeMismatch) {
                    push_change(&mut edits, &format!("`### {status}` table"), &response.fields, f, report);
                }
            }
            let added: Vec<String> = keys(None, Kind::UndocumentedAttribute).into_iter().map(new_row).collect();
            if !added.is_empty() {
                let last = operation.optional.iter().chain(&operation.required).map(|a| a.location.line).max();
                let after = operation.optional.iter().map(|a| a.location.line).max().or(last);
                let place = "`## Atributos` `### Opcionais` table".to_owned();
                match after {
                    Some(after) => edits.push((place, Edit::AddRows { after, rows: added })),
                    None => edits.push((place, Edit::AddTable { after: operation.location.line, rows: added })),
                }
            }
        }
        if let Some(callback) = &page.callback {
            let added: Vec<String> = keys(None, Kind::UndocumentedKey).into_iter().map(new_row).collect();
            let rows: Vec<Attribute> = callback.optional.clone();
            let after = rows.iter().map(|a| a.location.line).max();
            let last_required = callback.required.iter().map(|a| a.location.line).max();
            if !added.is_empty() {
                let place = "`## Atributos` `### Opcionais` table".to_owned();
                match after.or(last_required) {
                    Some(after) => edits.push((place, Edit::AddRows { after, rows: added })),
                    None => edits.push((place, Edit::AddTable { after: callback.location.line, rows: added })),
                }
            }
            let all: Vec<Attribute> = callback.required.iter().chain(&callback.optional).cloned().collect();
            for f in keys(None, Kind::TypeMismatch) {
                push_change(&mut edits, "`## Atributos` table", &all, f, report);
            }
        }
        if edits.is_empty() {
            continue;
        }
        edits.sort_by_key(|(_, edit)| match edit {
            Edit::AddRows { after, .. } | Edit::AddTable { after, .. } => *after,
            Edit::ReplaceRow { line, .. } => *line,
            Edit::AddSection { before, .. } => before.unwrap_or(u32::MAX),
        });
        out.push(PageEdits { file: relative_file(report, page), page: page.id.clone(), edits });
    }
    out
}

fn relative_file(report: &Report, page: &Page) -> String {
    report.findings.iter().find(|f| f.page == page.id).map_or_else(|| page.file.clone(), |f| f.file.clone())
}

/// Rows added to a status's table: after its last row, or as a new table under the heading.
fn push_row_edits(edits: &mut Vec<(String, Edit)>, place: &str, heading: u32, fields: &[Attribute], rows: Vec<String>) {
    if rows.is_empty() {
        return;
    }
    match fields.iter().map(|f| f.location.line).max() {
        Some(after) => edits.push((place.to_owned(), Edit::AddRows { after, rows })),
        None => edits.push((place.to_owned(), Edit::AddTable { after: heading, rows })),
    }
}

/// A type mismatch on a row: the row with the Tipo of every value seen. A key only the example
/// shows gets no change (the example is what to fix there).
fn push_change(edits: &mut Vec<(String, Edit)>, place: &str, rows: &[Attribute], finding: &Finding, report: &Report) {
    let Some(key) = finding.key.as_deref() else { return };
    let Some(attribute) = rows.iter().find(|a| a.name == key) else { return };
    if edits.iter().any(|(_, e)| matches!(e, Edit::ReplaceRow { line, .. } if *line == attribute.location.line)) {
        return;
    }
    // Every type seen for the key (one finding per type), so the new Tipo holds them all.
    let seen: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.page == finding.page && f.status == finding.status && f.key == finding.key)
        .filter(|f| f.rule == Kind::TypeMismatch)
        .filter_map(|f| f.example.clone())
        .collect();
    let tipo = infer_tipo(&seen);
    edits.push((
        place.to_owned(),
        Edit::ReplaceRow { line: attribute.location.line, row: row(key, &tipo, &attribute.description) },
    ));
}

/// The suggestions as text, ready to paste: per page, where each edit goes, then its lines.
pub fn render_suggestions(pages: &[PageEdits]) -> String {
    let mut out = String::new();
    for page in pages {
        let _ = writeln!(out, "== {} ({})", page.file, page.page);
        for (place, edit) in &page.edits {
            match edit {
                Edit::AddRows { after, rows } => {
                    let _ = writeln!(out, "-- {place}: add after line {after}:");
                    rows.iter().for_each(|r| {
                        let _ = writeln!(out, "{r}");
                    });
                }
                Edit::AddTable { after, rows } => {
                    let _ = writeln!(out, "-- {place}: add after line {after}:");
                    let _ = writeln!(out, "\n{}\n{}", TABLE_HEAD[0], TABLE_HEAD[1]);
                    rows.iter().for_each(|r| {
                        let _ = writeln!(out, "{r}");
                    });
                }
                Edit::ReplaceRow { line, row } => {
                    let _ = writeln!(out, "-- {place}: replace line {line} with:\n{row}");
                }
                Edit::AddSection { status, rows, .. } => {
                    let _ = writeln!(out, "-- {place}:\n### {status}\n");
                    if !rows.is_empty() {
                        let _ = writeln!(out, "{}\n{}", TABLE_HEAD[0], TABLE_HEAD[1]);
                        rows.iter().for_each(|r| {
                            let _ = writeln!(out, "{r}");
                        });
                    }
                }
            }
        }
    }
    if pages.is_empty() {
        out.push_str("no table edits to suggest\n");
    }
    out
}

/// What `drift` reads.
#[derive(Debug, Clone)]
pub struct Options {
    /// HAR files.
    pub har: Vec<PathBuf>,
    /// NDJSON files of webhook payloads.
    pub payloads: Vec<PathBuf>,
    /// Output format of the report.
    pub format: Format,
    /// Print the table edits instead of the report.
    pub suggest: bool,
}

/// The report (or the suggestions) of `options`' recordings against the tree `docs`.
pub fn output(docs: &Path, options: &Options) -> Result<String, Error> {
    if !docs.is_dir() {
        return Err(Error::NotADirectory(docs.to_owned()));
    }
    if options.har.is_empty() && options.payloads.is_empty() {
        return Err(Error::Usage("nothing to compare: pass --har FILE and/or --payloads FILE".into()));
    }
    let mut recordings = Recordings::default();
    for path in &options.har {
        recordings.read_har(path)?;
    }
    for path in &options.payloads {
        recordings.read_payloads(path)?;
    }
    let (spec, _) = plugchat_spec::parse_tree(docs);
    let report = report(&spec, docs, &recordings);
    Ok(match options.suggest {
        true => render_suggestions(&suggestions(&spec, &report)),
        false => report.render(options.format, &docs.display().to_string()),
    })
}

/// Prints [`output`].
pub fn run(docs: &Path, options: &Options) -> Result<(), Error> {
    let text = output(docs, options)?;
    // `drift | head` closes the pipe early: not worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    Ok(())
}
