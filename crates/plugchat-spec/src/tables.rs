//! Attribute and header tables: rows into `Attribute`s and `Header`s, with allowed values read
//! from the descriptions.

use crate::diagnostic::LineIndex;
use crate::markdown::Row;
use crate::model::{Attribute, Header};
use crate::sections::normalize;

/// `Valores: \`a\`, \`b\`` at the end of a description: the values it allows.
pub(crate) fn allowed_values(description: &str) -> Vec<String> {
    if !description.contains('`') {
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

pub(crate) fn clean_cell(cell: &str) -> String {
    cell.trim().trim_matches(|c| matches!(c, '`' | '*')).trim().to_owned()
}

/// The index of the first header cell (already normalised) starting with one of `words`.
pub(crate) fn column(header: &[String], words: &[&str], fallback: usize) -> usize {
    header.iter().position(|name| words.iter().any(|w| name.starts_with(w))).unwrap_or(fallback)
}

/// The rows of an attribute table; empty rows and "no attributes" rows stand for nothing.
pub(crate) fn attributes(rows: &[Row], index: &LineIndex<'_>) -> Vec<Attribute> {
    let Some((header, body)) = rows.split_first() else { return Vec::new() };
    let header: Vec<String> = header.cells.iter().map(|c| normalize(c)).collect();
    let name_col =
        column(&header, &["atribut", "nome", "name", "campo", "attribute", "parametro", "parameter", "key"], 0);
    let type_col = column(&header, &["tipo", "type"], 1);
    let description_col = column(&header, &["descri"], 2);
    fn cell(row: &Row, i: usize) -> &str {
        row.cells.get(i).map(String::as_str).unwrap_or("").trim()
    }
    // "Sem Atributos" / "No attributes": a row standing for an empty table.
    let says_none =
        |name: &str| name.len() < 20 && matches!(normalize(name).as_str(), "sem atributos" | "no attributes");
    body.iter()
        .filter(|row| row.cells.iter().any(|c| !c.trim().is_empty()))
        .filter(|row| !says_none(cell(row, name_col)))
        .map(|row| {
            let description = cell(row, description_col).to_owned();
            Attribute {
                name: clean_cell(cell(row, name_col)),
                ty: clean_cell(cell(row, type_col)),
                allowed_values: allowed_values(&description),
                description,
                location: index.location(row.start),
            }
        })
        .collect()
}

pub(crate) fn headers(rows: &[Row], index: &LineIndex<'_>) -> Vec<Header> {
    rows.iter()
        .skip(1)
        .filter_map(|row| {
            let name = clean_cell(row.cells.first()?).trim_end_matches(':').trim().to_owned();
            let example = clean_cell(row.cells.get(1).map(String::as_str).unwrap_or(""));
            (!name.is_empty()).then(|| Header { name, example, location: index.location(row.start) })
        })
        .collect()
}
