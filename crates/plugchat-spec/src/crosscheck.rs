//! Checks across pages: what no single page shows wrong, but the tree does.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
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
            diagnostics.push(Diagnostic::error(
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
            diagnostics.push(Diagnostic::warning(
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
            if nested && !operation.path[o.path.len()..].contains('{') {
                diagnostics.push(Diagnostic::warning(
                    at.clone(),
                    format!(
                        "path `{}` nests under the endpoint `{}` of {}: a wrong path?",
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
            {
                diagnostics.push(Diagnostic::warning(
                    at.clone(),
                    format!(
                        "path `{}` looks cut short of `{}` ({}): a truncated path?",
                        operation.path, o.path, other.file
                    ),
                ));
                break;
            }
        }
        // GET and DELETE on one resource are REST; a read and a write on one path are not.
        let reads = |m: Method| m == Method::Get;
        let writes = |m: Method| m.has_body();
        let clash = |a: Method, b: Method| (reads(a) && writes(b)) || (writes(a) && reads(b));
        if let Some((other, o)) =
            earlier.iter().find(|(_, o)| o.path == operation.path && clash(o.method, operation.method))
        {
            diagnostics.push(Diagnostic::warning(
                at,
                format!("`{}` is `{}` here but `{}` in {}", operation.path, operation.method, o.method, other.file),
            ));
        }
    }
    diagnostics
}
