//! Attribute and header tables: rows into `Attribute`s and `Header`s, with allowed values read
//! from the descriptions.

use std::borrow::Cow;

use crate::diagnostic::LineIndex;
use crate::markdown::{Row, Table};
use crate::model::{Attribute, Header};
use crate::sections::{normalize, normalize_into};

/// `Valores: \`a\`, \`b\`` at the end of a description: the values it allows.
pub(crate) fn allowed_values(description: &str) -> Vec<String> {
    // Every marker ends with a colon, which lower-casing neither makes nor removes.
    if !description.contains('`') || !description.contains(':') {
        return Vec::new();
    }
    let lower = description.to_lowercase();
    let Some(at) =
        ["valores:", "values:", "allowed values:", "valores aceitos:"].iter().filter_map(|m| lower.rfind(m)).max()
    else {
        return Vec::new();
    };
    description[at..].split('`').skip(1).step_by(2).map(str::to_owned).filter(|v| !v.is_empty()).collect()
}

/// A Tipo with its allowed values in parentheses: `string (a ou b)`, ``string (`a`, `b` or
/// `c`)`` → (`string`, [a, b, c]). Two values at least, each one word: `string (ISO 8601)` is
/// a type with a remark, not values.
fn tipo_with_values(ty: &str) -> Option<(String, Vec<String>)> {
    let (tipo, rest) = ty.split_once('(')?;
    let inside = rest.trim_end().strip_suffix(')')?;
    let tipo = tipo.trim();
    if tipo.is_empty() || tipo.contains(' ') {
        return None;
    }
    let mut values = Vec::new();
    for part in inside.split([',', '|', '/']) {
        for value in part.split(" ou ").flat_map(|v| v.split(" or ")) {
            let value = value.trim().trim_start_matches("ou ").trim_start_matches("or ");
            let value = value.trim().trim_matches(|c| matches!(c, '`' | '"' | '\'' | '*')).trim();
            if value.is_empty() || value.contains(char::is_whitespace) {
                return None;
            }
            values.push(value.to_owned());
        }
    }
    (values.len() >= 2).then(|| (tipo.to_owned(), values))
}

pub(crate) fn clean_cell(cell: &str) -> String {
    cell.trim().trim_matches(|c| matches!(c, '`' | '*')).trim().to_owned()
}

/// The name, Tipo and description columns of a table, from its header row: the first cell
/// (normalised) starting with one of each column's words, else the second, third and first.
fn columns(header: &[Cow<'_, str>], normalized: &mut String) -> (usize, usize, usize) {
    const NAME: &[&str] = &["atribut", "nome", "name", "campo", "attribute", "parametro", "parameter", "key"];
    let (mut name, mut tipo, mut description) = (None, None, None);
    for (i, cell) in header.iter().enumerate() {
        normalize_into(cell, normalized);
        let starts = |words: &[&str]| words.iter().any(|w| normalized.starts_with(w));
        if name.is_none() && starts(NAME) {
            name = Some(i);
        }
        if tipo.is_none() && starts(&["tipo", "type"]) {
            tipo = Some(i);
        }
        if description.is_none() && starts(&["descri"]) {
            description = Some(i);
        }
    }
    (name.unwrap_or(0), tipo.unwrap_or(1), description.unwrap_or(2))
}

/// The rows of an attribute table; empty rows and "no attributes" rows stand for nothing.
/// `normalized` is a buffer to reuse.
pub(crate) fn attributes(table: &Table<'_>, index: &LineIndex<'_>, normalized: &mut String) -> Vec<Attribute> {
    let mut body = table.rows();
    let Some(header) = body.next() else { return Vec::new() };
    let (name_col, type_col, description_col) = columns(header.cells, normalized);
    fn cell<'r>(row: Row<'r, '_>, i: usize) -> &'r str {
        row.cells.get(i).map(|c| c.as_ref()).unwrap_or("").trim()
    }
    // "Sem Atributos" / "No attributes": a row standing for an empty table.
    // (Both spell a space, which normalising neither makes nor removes inside a name.)
    let says_none = |name: &str| {
        name.len() < 20 && name.contains(' ') && matches!(normalize(name).as_str(), "sem atributos" | "no attributes")
    };
    body.filter(|row| row.cells.iter().any(|c| !c.trim().is_empty()))
        .filter(|row| !says_none(cell(*row, name_col)))
        .map(|row| {
            let description = cell(row, description_col).to_owned();
            let mut ty = clean_cell(cell(row, type_col));
            let mut allowed = allowed_values(&description);
            if let Some((tipo, values)) = tipo_with_values(&ty) {
                allowed.extend(values.into_iter().filter(|v| !allowed.contains(v)).collect::<Vec<_>>());
                ty = tipo;
            }
            Attribute {
                name: clean_cell(cell(row, name_col)),
                ty,
                allowed_values: allowed,
                description,
                location: index.location(row.start),
            }
        })
        .collect()
}

/// The values a table of allowed values lists (`| Valores | Tipo | Descrição |`: its first
/// column is headed by a word for values, not names), or `None` for any other table.
pub(crate) fn listed_values(table: &Table<'_>, normalized: &mut String) -> Option<Vec<String>> {
    let mut rows = table.rows();
    let header = rows.next()?;
    normalize_into(header.cells.first()?, normalized);
    if !matches!(normalized.as_str(), "valores" | "valor" | "values" | "value" | "allowed values" | "valores aceitos") {
        return None;
    }
    Some(rows.filter_map(|row| row.cells.first().map(|c| clean_cell(c))).filter(|value| !value.is_empty()).collect())
}

pub(crate) fn headers(table: &Table<'_>, index: &LineIndex<'_>) -> Vec<Header> {
    table
        .rows()
        .skip(1)
        .filter_map(|row| {
            let name = clean_cell(row.cells.first()?).trim_end_matches(':').trim().to_owned();
            let example = clean_cell(row.cells.get(1).map(|c| c.as_ref()).unwrap_or(""));
            (!name.is_empty()).then(|| Header { name, example, location: index.location(row.start) })
        })
        .collect()
}
