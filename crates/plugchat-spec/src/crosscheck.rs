//! Checks across pages: what no single page shows wrong, but the tree does.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Method, Operation, Page};

/// What a page sends: its attributes with their allowed values and the required fields of
/// its objects, plus the fixed values that tell pages on one endpoint apart.
fn signature(operation: &Operation) -> (Vec<String>, Vec<(String, String)>) {
    let attributes = operation.required.iter().chain(&operation.optional);
    let objects = operation.objects.iter().flat_map(|o| o.required.iter().map(move |f| format!("{}.{}", o.name, f.name)));
    let mut names: Vec<String> = attributes.map(|a| format!("{}={}", a.name, a.allowed_values.join("|"))).chain(objects).collect();
    names.sort();
    let fixed = operation
        .required
        .iter()
        .chain(&operation.optional)
        .filter_map(|a| a.fixed_value().map(|v| (a.name.clone(), v.to_owned())))
        .collect();
    (names, fixed)
}

fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
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
            diagnostics.push(Diagnostic::error(operation.location.clone(), format!("id `{}` is also the id of {}", page.id, first.file)));
        }
    }
    let operations: Vec<(&Page, &Operation)> = pages.iter().filter_map(|p| p.operation.as_ref().map(|o| (p, o))).collect();
    for (i, (page, operation)) in operations.iter().enumerate() {
        let earlier = &operations[..i];
        let at = operation.location.clone();
        if let Some((other, _)) = earlier.iter().find(|(_, o)| o.method == operation.method && o.path == operation.path && signature(o) == signature(operation)) {
            diagnostics.push(Diagnostic::warning(
                at.clone(),
                format!("`{} {}` with the same attributes is also documented by {}", operation.method, operation.path, other.file),
            ));
        }
        for (other, o) in &operations {
            if std::ptr::eq(*other, *page) {
                continue;
            }
            if operation.path.starts_with(&format!("{}/", o.path)) && !operation.path[o.path.len()..].contains('{') {
                diagnostics.push(Diagnostic::warning(
                    at.clone(),
                    format!("path `{}` nests under the endpoint `{}` of {}: a wrong path?", operation.path, o.path, other.file),
                ));
                break;
            }
            let (mine, theirs) = (last_segment(&operation.path), last_segment(&o.path));
            let same_dir = operation.path.rsplit_once('/').map(|(d, _)| d) == o.path.rsplit_once('/').map(|(d, _)| d);
            if same_dir && mine.len() >= 4 && theirs.len() > mine.len() && theirs.starts_with(mine) && theirs.len() - mine.len() <= 2 {
                diagnostics.push(Diagnostic::warning(
                    at.clone(),
                    format!("path `{}` looks cut short of `{}` ({}): a truncated path?", operation.path, o.path, other.file),
                ));
                break;
            }
        }
        // GET and DELETE on one resource are REST; a read and a write on one path are not.
        let reads = |m: Method| m == Method::Get;
        let writes = |m: Method| m.has_body();
        let clash = |a: Method, b: Method| (reads(a) && writes(b)) || (writes(a) && reads(b));
        if let Some((other, o)) = earlier.iter().find(|(_, o)| o.path == operation.path && clash(o.method, operation.method)) {
            diagnostics.push(Diagnostic::warning(
                at,
                format!("`{}` is `{}` here but `{}` in {}", operation.path, operation.method, o.method, other.file),
            ));
        }
    }
    diagnostics
}
