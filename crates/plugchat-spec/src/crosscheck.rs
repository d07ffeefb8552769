//! Checks across pages: what no single page shows wrong, but the tree does.
//!
//! Ordinary REST is not reported: a path nested under another endpoint (`/contacts/add`
//! beside `/contacts`), or one path read with GET and written with POST (a collection). What
//! is reported needs evidence in the names: an action nested under another action of the same
//! verb (`send-text/send-audio`), a path another one cut mid-word (`update-webhoo`), a path
//! named for a write (`send-…`) read with GET where another page writes to it.

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

/// Reports duplicate ids, pages that repeat another page's endpoint with the same
/// attributes (pages on one endpoint that send different things become separate methods), paths nested under
/// another endpoint or cut short of one, and one path used with two methods.
pub(crate) fn cross_check(pages: &[Page]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // Ids name generated methods, so only endpoint pages must not share one.
    let mut ids: HashMap<&str, &Page> = HashMap::new();
    for (page, operation) in pages.iter().filter_map(|p| p.operation.as_ref().map(|o| (p, o))) {
        if let Some(first) = ids.insert(page.id.as_str(), page) {
            diagnostics.push(Diagnostic::new(
                Rule::DuplicateId,
                operation.location.clone(),
                format!("id `{}` is also the id of {}", page.id, first.file),
            ));
        }
    }
    let operations: Vec<(&Page, &Operation)> =
        pages.iter().filter_map(|p| p.operation.as_ref().map(|o| (p, o))).collect();
    // Computed once: the comparisons below are quadratic in the number of operations.
    let signatures: Vec<_> = operations.iter().map(|(_, o)| signature(o)).collect();
    let splits: Vec<(&str, &str)> =
        operations.iter().map(|(_, o)| o.path.rsplit_once('/').unwrap_or(("", &o.path))).collect();
    for (i, (_, operation)) in operations.iter().enumerate() {
        let earlier = &operations[..i];
        let at = operation.location.clone();
        let duplicate = earlier.iter().zip(&signatures).find(|((_, o), signature)| {
            o.method == operation.method && o.path == operation.path && **signature == signatures[i]
        });
        if let Some(((other, _), _)) = duplicate {
            diagnostics.push(Diagnostic::new(
                Rule::DuplicateEndpoint,
                at.clone(),
                format!(
                    "`{} {}` with the same attributes is also documented by {}",
                    operation.method, operation.path, other.file
                ),
            ));
        }
        for (j, (other, o)) in operations.iter().enumerate() {
            if j == i {
                continue;
            }
            let nested = operation.path.len() > o.path.len()
                && operation.path.starts_with(&o.path)
                && operation.path.as_bytes()[o.path.len()] == b'/';
            let child = if nested { operation.path[o.path.len() + 1..].split('/').next().unwrap_or("") } else { "" };
            let parent = o.path.rsplit('/').next().unwrap_or("");
            if nested && !child.contains('{') && verb(child).is_some() && verb(child) == verb(parent) {
                diagnostics.push(Diagnostic::new(
                    Rule::PathNestedUnderAction,
                    at.clone(),
                    format!(
                        "path `{}` nests under the endpoint `{}` of {}: `{child}` under `{parent}`, a wrong path?",
                        operation.path, o.path, other.file
                    ),
                ));
                break;
            }
            let ((my_dir, mine), (their_dir, theirs)) = (splits[i], splits[j]);
            let same_dir = my_dir == their_dir;
            if same_dir
                && mine.len() >= 4
                && theirs.len() > mine.len()
                && theirs.starts_with(mine)
                && theirs.len() - mine.len() <= 2
                && cut_mid_word(mine, theirs)
            {
                diagnostics.push(Diagnostic::new(
                    Rule::PathTruncated,
                    at.clone(),
                    format!(
                        "path `{}` looks cut short of `{}` ({}): a truncated path?",
                        operation.path, o.path, other.file
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
                at,
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
    let word = segment[..end].to_ascii_lowercase();
    WRITE_VERBS.iter().chain(READ_VERBS).copied().find(|v| *v == word)
}

/// Whether `mine` is `theirs` cut inside a word (`update-webhoo` of `update-webhooks`), not a
/// singular beside its plural (`user`, `users`) or a word boundary (`send`, `send-x`).
fn cut_mid_word(mine: &str, theirs: &str) -> bool {
    let rest = &theirs[mine.len()..];
    !matches!(rest, "s" | "es") && rest.chars().next().is_some_and(char::is_alphanumeric)
}
