//! Diagnostics: a problem in a page, with its position, printed as `path:line:col: severity: message`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Location;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something was read, but perhaps not as the author meant it.
    Warning,
    /// Something could not be read; the spec lacks what it described.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found while reading a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: Location,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { location, severity: Severity::Error, message: message.into() }
    }

    pub(crate) fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { location, severity: Severity::Warning, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.severity, self.message)
    }
}

/// Turns byte offsets of one file into 1-based lines and columns (columns count characters).
pub(crate) struct LineIndex<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { file, text, line_starts }
    }

    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        // A byte offset may land inside a character only through a bug upstream of here;
        // count the characters of the longest valid prefix rather than panic.
        let prefix = self.text.get(start..offset).unwrap_or_else(|| {
            let mut end = offset;
            while !self.text.is_char_boundary(end) {
                end -= 1;
            }
            &self.text[start..end]
        });
        Location { file: self.file.to_owned(), line: line as u32 + 1, column: prefix.chars().count() as u32 + 1 }
    }

    /// The location of a 1-based `line` and `column` relative to the line holding `offset`.
    pub(crate) fn relative(&self, offset: usize, line: usize, column: usize) -> Location {
        let base = self.location(offset);
        Location {
            file: base.file,
            line: base.line + line.saturating_sub(1) as u32,
            column: if line <= 1 { base.column + column.saturating_sub(1) as u32 } else { column.max(1) as u32 },
        }
    }
}
