//! The diff as text (one line per change, then the summary), a markdown table for a PR, or JSON.

use std::fmt::Write;

use super::{ApiDiff, Wire};

/// Output format of `cargo xtask diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Markdown,
    Json,
}

pub(crate) fn render(diff: &ApiDiff, format: Format) -> String {
    match format {
        Format::Text => text(diff),
        Format::Markdown => markdown(diff),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(diff).expect("the diff serialises");
            json.push('\n');
            json
        }
    }
}

fn wire(wire: Wire) -> &'static str {
    match wire {
        Wire::Compatible => "compatible",
        Wire::Breaking => "breaking",
    }
}

fn text(diff: &ApiDiff) -> String {
    let mut out = String::new();
    for change in &diff.changes {
        let _ = writeln!(
            out,
            "{} ({}): {} [{}, wire {}, rust {}]",
            change.operation,
            change.page,
            change.message,
            change.kind.name(),
            wire(change.wire),
            change.rust.as_str()
        );
    }
    for unparsed in &diff.errors {
        let _ = writeln!(out, "not fully compared ({} tree): {}", unparsed.tree, unparsed.error);
    }
    let _ = writeln!(out, "{}", diff.summary());
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(diff: &ApiDiff) -> String {
    let mut out = format!(
        "**API changes: {}** ({} breaking on the wire; semver bump of the generated crate: **{}**)\n\n",
        diff.changes.len(),
        diff.breaking(),
        diff.bump.as_str()
    );
    if !diff.changes.is_empty() {
        out.push_str("| Operation | Page | Change | Wire | Rust | Details |\n|---|---|---|---|---|---|\n");
        for change in &diff.changes {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} | {} |",
                change.operation,
                change.page,
                change.kind.name(),
                wire(change.wire),
                change.rust.as_str(),
                cell(&change.message)
            );
        }
    }
    if !diff.errors.is_empty() {
        out.push_str("\nPages compared only as far as they parsed:\n\n");
        for unparsed in &diff.errors {
            let _ = writeln!(out, "- {} tree: `{}`", unparsed.tree, cell(&unparsed.error));
        }
    }
    out
}
