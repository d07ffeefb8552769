//! The diff as text (one line per change, then the summary), a markdown table for a PR, or JSON.

use std::fmt::Write;

use super::{ApiDiff, Wire};

/// Output format of `cargo xtask diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

pub fn render(diff: &ApiDiff, format: Format) -> String {
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
    if let Some(version) = &diff.version {
        let _ = writeln!(out, "version: {} -> {}", version.current, version.next);
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
    if let Some(version) = &diff.version {
        let _ = writeln!(out, "Version: `{}` → `{}`\n", version.current, version.next);
    }
    // One section per operation or event (the changes are grouped already), headed by its id
    // and page, so a reviewer reads what happened to each in one place.
    let mut start = 0;
    while start < diff.changes.len() {
        let first = &diff.changes[start];
        let end = diff.changes[start..]
            .iter()
            .position(|c| (&c.operation, &c.page) != (&first.operation, &first.page))
            .map_or(diff.changes.len(), |n| start + n);
        let what = if first.kind.is_event() { "Event" } else { "Operation" };
        let _ = writeln!(out, "### {what} `{}` (`{}`)\n", first.operation, first.page);
        out.push_str("| Change | Wire | Rust | Details |\n|---|---|---|---|\n");
        for change in &diff.changes[start..end] {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                change.kind.name(),
                wire(change.wire),
                change.rust.as_str(),
                cell(&change.message)
            );
        }
        out.push('\n');
        start = end;
    }
    if !diff.errors.is_empty() {
        out.push_str("\nPages compared only as far as they parsed:\n\n");
        for unparsed in &diff.errors {
            let _ = writeln!(out, "- {} tree: `{}`", unparsed.tree, cell(&unparsed.error));
        }
    }
    out
}

/// A `CHANGELOG.md` entry for `version` (dated `date`) made from `diff`, the API changes since
/// `since`: breaking changes first (wire-breaking, or a major bump for code), then the others;
/// in each, one heading per operation or event, and one line per change with its verdicts.
pub fn changelog_entry(diff: &ApiDiff, version: &str, date: &str, since: &str) -> String {
    let mut out = format!("## {version} ({date})\n\n");
    let _ = writeln!(out, "API changes since {since}: {}.\n", diff.summary());
    let breaking = |c: &&super::Change| c.wire == Wire::Breaking || c.rust == super::Bump::Major;
    let (first, rest): (Vec<_>, Vec<_>) = diff.changes.iter().partition(breaking);
    for (title, changes) in [("Breaking changes", first), ("Other changes", rest)] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        // Grouped by operation, in the order each first appears.
        let mut operations: Vec<&str> = Vec::new();
        for change in &changes {
            if !operations.contains(&change.operation.as_str()) {
                operations.push(&change.operation);
            }
        }
        for operation in operations {
            let mine: Vec<_> = changes.iter().filter(|c| c.operation == operation).collect();
            let _ = writeln!(out, "#### `{operation}` ({})\n", mine[0].page);
            for change in mine {
                let _ = writeln!(
                    out,
                    "- {} ({}: wire {}, rust {})",
                    change.message,
                    change.kind.name(),
                    wire(change.wire),
                    change.rust.as_str()
                );
            }
            out.push('\n');
        }
    }
    if !diff.errors.is_empty() {
        out.push_str("### Pages compared only as far as they parsed\n\n");
        for unparsed in &diff.errors {
            let _ = writeln!(out, "- {} tree: `{}`", unparsed.tree, unparsed.error);
        }
        out.push('\n');
    }
    out
}
