//! Rows a page names twice: a table that repeats a name (a response table listing the fields
//! of nested objects flat, so the group's `phone` and each participant's `phone` follow each
//! other), an attribute in the required and in the optional table, a header given twice.
//!
//! The generated code can hold each name once, so the model is repaired here, with a warning
//! at the row dropped: a repeated row keeps the first; an attribute both required and
//! optional is required; header names are compared without case, as HTTP does.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Attribute, Callback, Header, Operation};

/// Drops the rows of `rows` whose `key` an earlier row has, with the diagnostic
/// `dropped(row, first)` for each. One pass with a map from key to first row: a table of
/// 40 000 rows once took seconds compared pair by pair.
fn keep_first<T>(
    rows: &mut Vec<T>,
    key: impl for<'a> Fn(&'a T) -> Cow<'a, str>,
    mut dropped: impl FnMut(&T, &T) -> Diagnostic,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // (row, the earlier row it repeats)
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    let mut first: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        match first.entry(key(row)) {
            Entry::Occupied(earlier) => repeats.push((i, *earlier.get())),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    drop(first);
    if repeats.is_empty() {
        return;
    }
    for &(row, earlier) in &repeats {
        diagnostics.push(dropped(&rows[row], &rows[earlier]));
    }
    let mut index = 0;
    let mut repeated = repeats.iter().map(|(row, _)| *row).peekable();
    rows.retain(|_| {
        let keep = repeated.next_if_eq(&index).is_none();
        index += 1;
        keep
    });
}

/// Drops the rows of `rows` that repeat an earlier name, warning at each. `table` names the
/// table in the warnings (made only for a table that repeats a name: most do not).
fn first_of_each(rows: &mut Vec<Attribute>, table: &dyn Fn() -> String, diagnostics: &mut Vec<Diagnostic>) {
    let mut table_name: Option<String> = None;
    keep_first(
        rows,
        |row| Cow::Borrowed(row.name.as_str()),
        |row, first| {
            let table = table_name.get_or_insert_with(table);
            Diagnostic::new(
                Rule::DuplicateAttribute,
                row.location.clone(),
                format!(
                    "`{}` is listed twice in the {table} table (first at line {}): this row is ignored",
                    row.name, first.location.line
                ),
            )
        },
        diagnostics,
    );
}

/// Repeated rows of both tables, then optional rows that repeat a required one.
fn required_and_optional(
    required: &mut Vec<Attribute>,
    optional: &mut Vec<Attribute>,
    what: &dyn Fn() -> String,
    diagnostics: &mut Vec<Diagnostic>,
) {
    first_of_each(required, &|| format!("required {}", what()), diagnostics);
    first_of_each(optional, &|| format!("optional {}", what()), diagnostics);
    let required_by_name: HashMap<&str, &Attribute> = required.iter().rev().map(|r| (r.name.as_str(), r)).collect();
    optional.retain(|row| match required_by_name.get(row.name.as_str()) {
        Some(first) => {
            diagnostics.push(Diagnostic::new(
                Rule::RequiredAndOptional,
                row.location.clone(),
                format!(
                    "`{}` is both required (line {}) and optional: read as required, this row is ignored",
                    row.name, first.location.line
                ),
            ));
            false
        }
        None => true,
    });
}

fn headers(headers: &mut Vec<Header>, diagnostics: &mut Vec<Diagnostic>) {
    keep_first(
        headers,
        |header| Cow::Owned(header.name.to_ascii_lowercase()),
        |header, first| {
            Diagnostic::new(
                Rule::DuplicateHeader,
                header.location.clone(),
                format!(
                    "header `{}` is given twice (first at line {}): this row is ignored",
                    header.name, first.location.line
                ),
            )
        },
        diagnostics,
    );
}

/// Repairs every table of an operation: attributes, headers, sub-tables, response tables.
pub(crate) fn operation(operation: &mut Operation, diagnostics: &mut Vec<Diagnostic>) {
    headers(&mut operation.headers, diagnostics);
    required_and_optional(&mut operation.required, &mut operation.optional, &|| "attributes".into(), diagnostics);
    for object in &mut operation.objects {
        let what = || format!("`{}` fields", object.name);
        required_and_optional(&mut object.required, &mut object.optional, &what, diagnostics);
    }
    for response in &mut operation.responses {
        let status = response.status;
        first_of_each(&mut response.fields, &|| format!("response {status}"), diagnostics);
    }
}

/// Repairs a webhook payload's field tables.
pub(crate) fn callback(callback: &mut Callback, diagnostics: &mut Vec<Diagnostic>) {
    required_and_optional(&mut callback.required, &mut callback.optional, &|| "fields".into(), diagnostics);
}
