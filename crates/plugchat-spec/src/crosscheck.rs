//! Checks across pages: what no single page shows wrong, but the tree does.
//!
//! Ordinary REST is not reported: a path nested under another endpoint (`/contacts/add`
//! beside `/contacts`), or one path read with GET and written with POST (a collection). What
//! is reported needs evidence in the names: an action nested under another action of the same
//! verb (`send-text/send-audio`), a path another one cut mid-word (`update-webhoo`), a path
//! named for a write (`send-…`) read with GET where another page writes to it.

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Method, Operation, Page};

/// What a page sends: its attributes with their allowed values and the required fields of
/// its objects, plus the fixed values that tell pages on one endpoint apart.
fn signature(operation: &Operation) -> (Vec<String>, Vec<(String, String)>) {
    let attributes = operation.required.iter().chain(&operation.optional);
    let objects =
        operation.objects.iter().flat_map(|o| o.required.iter().map(move |f| format!("{}.{}", o.name, f.name)));
    let mut names: Vec<String> =
        attributes.map(|a| format!("{}={}", a.name, a.allowed_values.join("|"))).chain(objects).collect();
    names.sort();
    let fixed = operation
        .required
        .iter()
        .chain(&operation.optional)
        .filter_map(|a| a.fixed_value().map(|v| (a.name.clone(), v.to_owned())))
        .collect();
    (names, fixed)
}

/// Pages on one method and path told apart by the value their request examples give one
/// string attribute the table leaves open (`"action": "clear"` on one page, `"delete"` on
/// the other, `pin`/`unpin` allowed on a third): each page sends its value, so it becomes that
/// page's one allowed value (its fixed value). Only word-like values count (`clear`,
/// `add-admin`), and only a value no other page on the endpoint sends or allows: a phone
/// number, a sentence, or one word repeated by two copies of a page tells nothing apart.
pub(crate) fn fix_values_telling_pages_apart(pages: &mut [Page]) {
    fn word(v: &serde_json::Value) -> Option<&str> {
        v.as_str().filter(|s| {
            (1..=40).contains(&s.len())
                && s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
    }
    let mut groups: HashMap<(Method, &str), Vec<usize>> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(operation) = &page.operation {
            groups.entry((operation.method, operation.path.as_str())).or_default().push(i);
        }
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    // (page, attribute, value) to fix, found before any page is changed.
    let mut fixes: Vec<(usize, String, String)> = Vec::new();
    for group in &groups {
        // Per page: each attribute's example word (when open) or allowed values.
        let values = |i: usize, name: &str| -> (Option<String>, Vec<String>) {
            let Some(operation) = pages[i].operation.as_ref() else { return (None, Vec::new()) };
            let Some(row) = operation.required.iter().chain(&operation.optional).find(|a| a.name == name) else {
                return (None, Vec::new());
            };
            let open = row.allowed_values.is_empty() && row.tipo() == crate::model::Tipo::String;
            let sent = match &operation.request_example {
                Some(crate::model::RequestExample::Json { body, .. }) if open => {
                    body.get(name).and_then(word).map(str::to_owned)
                }
                _ => None,
            };
            (sent, row.allowed_values.clone())
        };
        let Some(first) = pages[group[0]].operation.as_ref() else { continue };
        let names: Vec<String> = first.required.iter().chain(&first.optional).map(|a| a.name.clone()).collect();
        for name in names {
            let per_page: Vec<(Option<String>, Vec<String>)> = group.iter().map(|&i| values(i, &name)).collect();
            for (k, (sent, _)) in per_page.iter().enumerate() {
                let Some(sent) = sent else { continue };
                let elsewhere = per_page
                    .iter()
                    .enumerate()
                    .any(|(l, (theirs, allowed))| l != k && (theirs.as_ref() == Some(sent) || allowed.contains(sent)));
                if !elsewhere {
                    fixes.push((group[k], name.clone(), sent.clone()));
                }
            }
        }
    }
    for (i, name, value) in fixes {
        let Some(operation) = pages[i].operation.as_mut() else { continue };
        if let Some(row) = operation.required.iter_mut().chain(operation.optional.iter_mut()).find(|a| a.name == name) {
            row.allowed_values = vec![value];
        }
    }
}

/// Reports duplicate ids, pages that repeat another page's endpoint with the same
/// attributes (pages on one endpoint that send different things become separate methods), paths nested under
/// another endpoint or cut short of one, and one path used with two methods.
pub(crate) fn cross_check(pages: &[Page]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // Ids name generated methods, so only endpoint pages must not share one.
    // The site generator prefixes ids with the folder: the same id in two folders names two
    // pages (the generator renames the second method).
    let folder = |page: &Page| page.file.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
    let mut ids: HashMap<(String, &str), &Page> = HashMap::new();
    for (page, operation) in pages.iter().filter_map(|p| p.operation.as_ref().map(|o| (p, o))) {
        if let Some(first) = ids.insert((folder(page), page.id.as_str()), page) {
            diagnostics.push(Diagnostic::new(
                Rule::DuplicateId,
                operation.location.clone(),
                format!("id `{}` is also the id of {}", page.id, first.file),
            ));
            // At both pages: the one just edited may be either, and its author looks there.
            if let Some(first_operation) = &first.operation {
                diagnostics.push(Diagnostic::new(
                    Rule::DuplicateId,
                    first_operation.location.clone(),
                    format!("id `{}` is also the id of {}", page.id, page.file),
                ));
            }
        }
    }
    let operations: Vec<(&Page, &Operation)> =
        pages.iter().filter_map(|p| p.operation.as_ref().map(|o| (p, o))).collect();
    // Computed once, and only for pages compared (those sharing a method and path): the
    // comparisons below are quadratic in the number of operations.
    let signatures: Vec<OnceCell<_>> = operations.iter().map(|_| OnceCell::new()).collect();
    let signature_of = |i: usize| signatures[i].get_or_init(|| signature(operations[i].1));
    // The paths side by side, and split at their last `/`: the pair loop below reads nothing else
    // until a rule fires.
    let paths: Vec<&str> = operations.iter().map(|(_, o)| o.path.as_str()).collect();
    let methods: Vec<Method> = operations.iter().map(|(_, o)| o.method).collect();
    let splits: Vec<(&str, &str)> = paths.iter().map(|path| path.rsplit_once('/').unwrap_or(("", path))).collect();
    for (i, (_, operation)) in operations.iter().enumerate() {
        let at = || operation.location.clone();
        let path = paths[i];
        let duplicate =
            (0..i).find(|&j| methods[j] == operation.method && paths[j] == path && signature_of(j) == signature_of(i));
        if let Some(other) = duplicate.map(|j| operations[j].0) {
            diagnostics.push(Diagnostic::new(
                Rule::DuplicateEndpoint,
                at(),
                format!(
                    "`{} {}` with the same attributes is also documented by {}",
                    operation.method, operation.path, other.file
                ),
            ));
        }
        for (j, &their_path) in paths.iter().enumerate() {
            if j == i {
                continue;
            }
            // The cheap tests first: nearly every pair fails both rules on lengths alone.
            let nested = path.len() > their_path.len()
                && path.as_bytes()[their_path.len()] == b'/'
                && path.starts_with(their_path);
            if nested {
                let child = path[their_path.len() + 1..].split('/').next().unwrap_or("");
                let parent = their_path.rsplit('/').next().unwrap_or("");
                if !child.contains('{') && verb(child).is_some() && verb(child) == verb(parent) {
                    diagnostics.push(Diagnostic::new(
                        Rule::PathNestedUnderAction,
                        at(),
                        format!(
                            "path `{path}` nests under the endpoint `{their_path}` of {}: `{child}` under `{parent}`, a wrong path?",
                            operations[j].0.file
                        ),
                    ));
                    break;
                }
            }
            let ((my_dir, mine), (their_dir, theirs)) = (splits[i], splits[j]);
            if mine.len() >= 4
                && theirs.len() > mine.len()
                && theirs.len() - mine.len() <= 2
                && my_dir == their_dir
                && theirs.starts_with(mine)
                && cut_mid_word(mine, theirs)
            {
                diagnostics.push(Diagnostic::new(
                    Rule::PathTruncated,
                    at(),
                    format!(
                        "path `{path}` looks cut short of `{their_path}` ({}): a truncated path?",
                        operations[j].0.file
                    ),
                ));
                break;
            }
        }
        // A collection read with GET and written with POST is REST; a path named for a write
        // and read with GET (or named for a read and written) contradicts its own name.
        let action = operation.path.rsplit('/').next().and_then(verb);
        let against_name = match action {
            Some(v) if WRITE_VERBS.contains(&v) => operation.method == Method::Get,
            Some(v) if READ_VERBS.contains(&v) => operation.method.has_body(),
            _ => false,
        };
        let other_agrees = |m: Method| if operation.method == Method::Get { m.has_body() } else { m == Method::Get };
        if let Some((other, o)) =
            operations.iter().find(|(_, o)| against_name && o.path == operation.path && other_agrees(o.method))
        {
            diagnostics.push(Diagnostic::new(
                Rule::ActionMethodConflict,
                at(),
                format!(
                    "`{}` is `{}` here but `{}` in {}: a path named `{}` is not read that way",
                    operation.path,
                    operation.method,
                    o.method,
                    other.file,
                    operation.path.rsplit('/').next().unwrap_or("")
                ),
            ));
        }
    }
    diagnostics
}

/// Leading words of path segments that name a write (English, the usual language of paths).
const WRITE_VERBS: &[&str] = &[
    "send", "create", "add", "update", "delete", "remove", "set", "modify", "edit", "change", "upload", "post", "put",
];
/// Leading words of path segments that name a read.
const READ_VERBS: &[&str] = &["get", "list", "read", "fetch", "search", "find"];

/// The verb an action segment starts with: `send` of `send-text` or `sendText`; `None` for a
/// noun (`contacts`) or a placeholder.
fn verb(segment: &str) -> Option<&'static str> {
    let end = segment.find(|c: char| c == '-' || c == '_' || c.is_ascii_uppercase())?;
    let word = &segment[..end];
    WRITE_VERBS.iter().chain(READ_VERBS).copied().find(|v| v.eq_ignore_ascii_case(word))
}

/// Whether `mine` is `theirs` cut inside a word (`update-webhoo` of `update-webhooks`), not a
/// singular beside its plural (`user`, `users`) or a word boundary (`send`, `send-x`).
fn cut_mid_word(mine: &str, theirs: &str) -> bool {
    let rest = &theirs[mine.len()..];
    !matches!(rest, "s" | "es") && rest.chars().next().is_some_and(char::is_alphanumeric)
}
