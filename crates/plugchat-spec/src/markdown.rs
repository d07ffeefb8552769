//! The markdown layer: a page's body as a flat list of blocks with byte offsets.
//!
//! pulldown-cmark does the parsing (with its offset iterator, so every block knows where it
//! starts). This module adds one repair the pages need: a code fence that is never closed
//! swallows the rest of the page, so it is closed before the next heading or `---` line and
//! the page is read again, with an error pointing at the fence.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, LineIndex, Rule};

/// A top-level piece of a page. Offsets are byte offsets into the page's text.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Heading {
        level: u8,
        text: String,
        start: usize,
    },
    /// A paragraph or a list item, with inline markup kept as markdown.
    Paragraph {
        text: String,
        start: usize,
        source_starts_with_pipe: bool,
    },
    Table {
        rows: Vec<Row>,
        start: usize,
    },
    Code {
        lang: String,
        text: String,
        start: usize,
        content_start: usize,
    },
}

/// A table row (the first row of a table is its header).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Vec<String>,
    pub(crate) start: usize,
}

/// A fence closed by this module: where in the patched source, and how many bytes were added.
#[derive(Debug, Clone, Copy)]
struct Insertion {
    at: usize,
    len: usize,
}

/// Reads `text[body_start..]` into blocks, reporting unclosed fences into `diagnostics`.
pub(crate) fn blocks(
    text: &str,
    body_start: usize,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    let mut source = text[body_start..].to_owned();
    let mut insertions: Vec<Insertion> = Vec::new();
    // Each round closes one fence; the bound only guards against a repair that does not take.
    for _ in 0..64 {
        let to_original = |patched: usize| {
            let shift: usize = insertions.iter().filter(|i| i.at <= patched).map(|i| i.len).sum();
            body_start + patched.saturating_sub(shift)
        };
        let (blocks, unclosed) = collect(&source, &to_original);
        let Some(fence) = unclosed else { return blocks };
        diagnostics.push(Diagnostic::new(
            Rule::FenceUnclosed,
            index.location(to_original(fence.start)),
            "code fence is never closed: it swallows the rest of the page; close it with a line of backticks",
        ));
        let Some(at) = repair_point(&source, &fence) else { return blocks };
        let marker: String =
            source[fence.start..].trim_start().chars().take_while(|c| *c == '`' || *c == '~').collect();
        let closing = format!("{marker}\n");
        insertions.push(Insertion { at, len: closing.len() });
        source.insert_str(at, &closing);
    }
    collect(&source, &|p| body_start + p).0
}

/// Where an unclosed fence should have ended: the start of the first line in it that is a
/// heading or a thematic break, if any.
fn repair_point(source: &str, fence: &Range<usize>) -> Option<usize> {
    let slice = &source[fence.clone()];
    let first_line_end = slice.find('\n')? + 1;
    let mut offset = first_line_end;
    for line in slice[first_line_end..].split_inclusive('\n') {
        let trimmed = line.trim();
        let is_heading = trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with(' ');
        if is_heading || trimmed == "---" {
            return Some(fence.start + offset);
        }
        offset += line.len();
    }
    None
}

/// Whether the fenced block at `range` of `source` ends with a closing fence line.
fn is_closed(source: &str, range: &Range<usize>) -> bool {
    let slice = source[range.clone()].trim_end();
    let opening: String = slice.trim_start().chars().take_while(|c| *c == '`' || *c == '~').collect();
    let Some((_, last_line)) = slice.rsplit_once('\n') else { return false };
    let last_line = last_line.trim();
    !opening.is_empty() && last_line.len() >= opening.len() && last_line.chars().all(|c| opening.starts_with(c))
}

#[derive(Default)]
struct Inline {
    text: String,
}

impl Inline {
    fn take(&mut self) -> String {
        std::mem::take(&mut self.text).trim().to_owned()
    }
}

/// One pass of pulldown-cmark over `source`, returning the blocks and the first unclosed fence.
fn collect(source: &str, to_original: &dyn Fn(usize) -> usize) -> (Vec<Block>, Option<Range<usize>>) {
    let options = Options::ENABLE_TABLES;
    let mut blocks = Vec::new();
    let mut unclosed = None;
    let mut inline = Inline::default();
    let mut table: Option<(Vec<Row>, usize)> = None;
    let mut code: Option<(String, usize, usize)> = None;

    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::TableCell) => {
                inline.text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                blocks.push(Block::Heading { level: level as u8, text: inline.take(), start: to_original(range.start) })
            }
            Event::End(TagEnd::Paragraph) if table.is_none() => {
                blocks.push(Block::Paragraph {
                    text: inline.take(),
                    start: to_original(range.start),
                    source_starts_with_pipe: source[range.clone()].trim_start().starts_with('|'),
                });
            }
            Event::Start(Tag::Item) => inline.text.clear(),
            Event::End(TagEnd::Item) => {
                let text = inline.take();
                if !text.is_empty() {
                    blocks.push(Block::Paragraph {
                        text,
                        start: to_original(range.start),
                        source_starts_with_pipe: false,
                    });
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), to_original(range.start))),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some((rows, _)) = table.as_mut() {
                    rows.push(Row { cells: Vec::new(), start: to_original(range.start) });
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(row) = table.as_mut().and_then(|(rows, _)| rows.last_mut()) {
                    row.cells.push(inline.take());
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((rows, start)) = table.take() {
                    blocks.push(Block::Table { rows, start });
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                let content_start = match kind {
                    CodeBlockKind::Fenced(_) => {
                        source[range.clone()].find('\n').map_or(range.end, |i| range.start + i + 1)
                    }
                    CodeBlockKind::Indented => range.start,
                };
                if matches!(kind, CodeBlockKind::Fenced(_)) && unclosed.is_none() && !is_closed(source, &range) {
                    unclosed = Some(range.clone());
                }
                code = Some((lang, to_original(range.start), to_original(content_start)));
                inline.text.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, start, content_start)) = code.take() {
                    let text = std::mem::take(&mut inline.text);
                    blocks.push(Block::Code { lang, text, start, content_start });
                }
            }
            Event::Text(text) => inline.text.push_str(&text),
            Event::Code(text) => {
                inline.text.push('`');
                inline.text.push_str(&text);
                inline.text.push('`');
            }
            Event::SoftBreak | Event::HardBreak => inline.text.push('\n'),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => inline.text.push_str("**"),
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => inline.text.push('_'),
            _ => {}
        }
    }
    (blocks, unclosed)
}
