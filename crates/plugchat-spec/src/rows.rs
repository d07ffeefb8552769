//! Rows a page names twice: a table that repeats a name (a response table listing the fields
//! of nested objects flat, so the group's `phone` and each participant's `phone` follow each
//! other), an attribute in the required and in the optional table, a header given twice.
//!
//! The generated code can hold each name once, so the model is repaired here, with a warning
//! at the row dropped: a repeated row keeps the first; an attribute both required and
//! optional is required; header names are compared without case, as HTTP does.

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Attribute, Callback, Header, Operation};

/// Drops the rows of `rows` that `same` finds equal to an earlier one, with the diagnostic
/// `dropped(row, first)` for each. Rows are moved only when some row repeats (most tables do not).
fn keep_first<T>(
    rows: &mut Vec<T>,
    same: impl Fn(&T, &T) -> bool,
    mut dropped: impl FnMut(&T, &T) -> Diagnostic,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !rows.iter().enumerate().any(|(i, row)| rows[..i].iter().any(|k| same(k, row))) {
        return;
    }
    let mut kept: Vec<T> = Vec::with_capacity(rows.len());
    for row in rows.drain(..) {
        match kept.iter().find(|k| same(k, &row)) {
            Some(first) => diagnostics.push(dropped(&row, first)),
            None => kept.push(row),
        }
    }
    *rows = kept;
}

/// Drops the rows of `rows` that repeat an earlier name, warning at each. `table` names the
/// table in the warnings (made only for a table that repeats a name: most do not).
fn first_of_each(rows: &mut Vec<Attribute>, table: &dyn Fn() -> String, diagnostics: &mut Vec<Diagnostic>) {
    let mut table_name: Option<String> = None;
    keep_first(
        rows,
        |a, b| a.name == b.name,
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
    optional.retain(|row| match required.iter().find(|r| r.name == row.name) {
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
        |a, b| a.name.eq_ignore_ascii_case(&b.name),
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
