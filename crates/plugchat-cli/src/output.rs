//! What the answer looks like on stdout: `--output json|jsonl|table`, after `--jq`.
//!
//! The table is written here rather than with a table crate: it is one header row and one
//! row per object of a list, columns in the order keys first appear, nested values as compact
//! JSON; the crates that do this (comfy-table, tabled) bring terminal styling and width
//! detection the command does not use.

use std::io::IsTerminal;

use serde_json::Value;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON: pretty on a terminal, one line in a pipe.
    Json,
    /// One JSON value per line (a list's items each on its own line).
    Jsonl,
    /// A list of objects as columns (a single object as a one-row table).
    Table,
}

/// The text of `values` (the answer, or what `--jq` made of it) in `format`. A string that
/// `--jq` produced is printed raw (`--jq .zaapId` prints the id, as `gh --jq` does).
pub fn render(values: &[Value], format: Format, raw_strings: bool) -> String {
    let mut out = String::new();
    for value in values {
        match (value, format) {
            (Value::String(text), _) if raw_strings => out.push_str(text),
            (_, Format::Json) if std::io::stdout().is_terminal() => {
                out.push_str(&serde_json::to_string_pretty(value).expect("a JSON value serialises"))
            }
            (Value::Array(items), Format::Jsonl) => {
                let lines: Vec<String> = items.iter().map(Value::to_string).collect();
                out.push_str(&lines.join("\n"));
                if lines.is_empty() {
                    continue;
                }
            }
            (_, Format::Json | Format::Jsonl) => out.push_str(&value.to_string()),
            (_, Format::Table) => {
                out.push_str(&table(value));
                continue;
            }
        }
        out.push('\n');
    }
    out
}

/// One line of a `--all` stream.
pub fn line(value: &Value, format: Format, raw_strings: bool) -> String {
    match (value, format) {
        (Value::String(text), _) if raw_strings => format!("{text}\n"),
        (_, Format::Table) => table(value),
        _ => format!("{value}\n"),
    }
}

fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    // One line per row: a newline inside a value would break the columns.
    text.replace(['\n', '\r', '\t'], " ")
}

/// `value` as a table: a list of objects by their keys, a single object as one row, a list of
/// scalars as one column, a scalar as itself.
pub fn table(value: &Value) -> String {
    let rows: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        if let Value::Object(map) = row {
            for key in map.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| match row {
            Value::Object(map) => columns.iter().map(|c| map.get(c).map(cell).unwrap_or_default()).collect(),
            other => vec![cell(other)],
        })
        .collect();
    if columns.is_empty() {
        return cells.iter().map(|row| format!("{}\n", row.concat())).collect();
    }
    let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&cells) {
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text}{}", " ".repeat(width - text.chars().count())))
            .collect();
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    }
    out
}
