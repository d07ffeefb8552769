//! Request examples in HAR form, matched against a spec: which operation each example
//! calls, and where the example and the operation's attributes disagree.
//!
//! A HAR example is evidence, not truth (upstream's are sometimes right where the pages are
//! wrong), so the report names disagreements; it decides nothing.

use std::path::Path;

use serde_json::Value;

use crate::model::{Attribute, Method, Operation, Page, ParamLocation, Spec};

/// One request of a HAR file.
#[derive(Debug, Clone, PartialEq)]
pub struct HarRequest {
    /// The file's name (`send-text.json`).
    pub file: String,
    /// The method as written.
    pub method: String,
    /// The URL as written.
    pub url: String,
    /// Query parameters, from `queryString` and the URL.
    pub query: Vec<(String, String)>,
    /// The body's text, when it has one.
    pub body_text: Option<String>,
}

impl HarRequest {
    /// The URL's path (host and query dropped).
    pub fn path(&self) -> &str {
        let rest = self.url.split_once("://").map_or(self.url.as_str(), |(_, rest)| rest);
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        path.split(['?', '#']).next().unwrap_or(path)
    }

    /// The body parsed as JSON: `None` without a body, `Err` when it is not JSON.
    pub fn body(&self) -> Option<Result<Value, serde_json::Error>> {
        self.body_text.as_deref().filter(|t| !t.trim().is_empty()).map(serde_json::from_str)
    }
}

/// Reads one HAR request file (a bare request object, or a full HAR log's first entry).
pub fn read_har(path: &Path) -> Result<HarRequest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let request = json.pointer("/log/entries/0/request").unwrap_or(&json);
    let field = |name: &str| request.get(name).and_then(Value::as_str).map(str::to_owned);
    let url = field("url").ok_or("no `url`")?;
    let method = field("method").ok_or("no `method`")?;
    let mut query: Vec<(String, String)> = request
        .get("queryString")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|q| Some((q.get("name")?.as_str()?.to_owned(), q.get("value")?.as_str().unwrap_or("").to_owned())))
        .collect();
    for (key, value) in crate::model::query_pairs(&url) {
        if !query.iter().any(|(name, _)| *name == key) {
            query.push((key, value));
        }
    }
    let body_text = request.pointer("/postData/text").and_then(Value::as_str).map(str::to_owned);
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(HarRequest { file, method, url, query, body_text })
}

/// What the conformance check found for one example.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The example's file name.
    pub example: String,
    /// The matched operation's page id, if any.
    pub operation: Option<String>,
    /// Each disagreement, in one line.
    pub disagreements: Vec<String>,
}

fn stem(name: &str) -> String {
    name.trim_end_matches(".json").trim_end_matches(".md").to_lowercase()
}

/// Disagreements between one example and one operation.
fn disagreements(example: &HarRequest, operation: &Operation, base_path: &str) -> Vec<String> {
    let mut found = Vec::new();
    if !example.method.eq_ignore_ascii_case(operation.method.as_str()) {
        found.push(format!("method {} but the operation is {}", example.method, operation.method));
    }
    let path = example.path().strip_prefix(base_path).unwrap_or(example.path());
    if operation.match_path(path).is_none() {
        found.push(format!("path {path} but the operation's is {}", operation.path));
    }
    let attributes: Vec<(&Attribute, bool)> =
        operation.required.iter().map(|a| (a, true)).chain(operation.optional.iter().map(|a| (a, false))).collect();

    let mut sent: Vec<(String, Value)> =
        example.query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    match example.body() {
        Some(Ok(Value::Object(body))) => {
            if !Method::from_token(&example.method.to_uppercase()).is_some_and(Method::has_body) {
                found.push(format!("a {} request with a JSON body", example.method));
            }
            sent.extend(body);
        }
        Some(Ok(other)) => found.push(format!("body is JSON but not an object: {other}")),
        Some(Err(error)) => found.push(format!("body is not valid JSON ({error})")),
        None => {}
    }
    for (name, value) in &sent {
        match attributes.iter().find(|(a, _)| &a.name == name) {
            None => found.push(format!("`{name}` is not an attribute of the operation")),
            Some((attribute, _)) if attribute.tipo().fits_text(value, None) == Some(false) => {
                found.push(format!("`{name}` is documented `{}` but the example sends {value}", attribute.ty))
            }
            Some(_) => {}
        }
    }
    for (attribute, required) in &attributes {
        let in_path = operation.location_of(attribute) == ParamLocation::Path;
        if *required && !in_path && !sent.iter().any(|(name, _)| name == &attribute.name) {
            found.push(format!("required `{}` is missing", attribute.name));
        }
    }
    found
}

/// Matches every example to an operation (method and path, host ignored, a placeholder
/// fitting any segment; among several, the one it disagrees with least, then the one named
/// like the file; failing that, the path alone) and lists the disagreements. Examples no method and path fit are matched
/// by name when a page is named like the file, so a wrong path is reported rather than lost.
pub fn check_examples(spec: &Spec, examples: &[HarRequest]) -> Vec<Finding> {
    let base_path = spec
        .base_url
        .as_deref()
        .map_or(String::new(), |url| crate::ParseOptions { base_url: Some(url.to_owned()) }.base_path().to_owned());
    let operations: Vec<(&Page, &Operation)> = spec.operations().collect();
    examples
        .iter()
        .map(|example| {
            let path = example.path().strip_prefix(base_path.as_str()).unwrap_or(example.path());
            let named = |page: &Page| {
                let file = stem(page.file.rsplit('/').next().unwrap_or(&page.file));
                u8::from(file != stem(&example.file) && stem(&page.id) != stem(&example.file))
            };
            let by_route = operations
                .iter()
                .filter(|(_, o)| example.method.eq_ignore_ascii_case(o.method.as_str()) && o.match_path(path).is_some())
                .map(|(p, o)| (disagreements(example, o, &base_path), named(p), *p))
                .min_by_key(|(d, n, _)| (d.len(), *n));
            let by_path = || {
                operations
                    .iter()
                    .filter(|(_, o)| o.match_path(path).is_some())
                    .map(|(p, o)| (disagreements(example, o, &base_path), named(p), *p))
                    .min_by_key(|(d, n, _)| (d.len(), *n))
            };
            let by_name = || {
                operations
                    .iter()
                    .find(|(p, _)| named(p) == 0)
                    .map(|(p, o)| (disagreements(example, o, &base_path), 0, *p))
            };
            match by_route.or_else(by_path).or_else(by_name) {
                Some((disagreements, _, page)) => {
                    Finding { example: example.file.clone(), operation: Some(page.id.clone()), disagreements }
                }
                None => Finding {
                    example: example.file.clone(),
                    operation: None,
                    disagreements: vec!["no operation has this method and path".into()],
                },
            }
        })
        .collect()
}
