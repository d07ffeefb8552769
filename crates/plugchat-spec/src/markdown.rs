//! The markdown layer: a page's body as a flat list of blocks with byte offsets.
//!
//! pulldown-cmark does the parsing (with its offset iterator, so every block knows where it
//! starts). This module adds one repair the pages need: a code fence that is never closed
//! swallows the rest of the page, so it is closed before the next heading or `---` line and
//! the page is read again, with an error pointing at the fence.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, LineIndex, Rule};

/// A top-level piece of a page. Offsets are byte offsets into the page's text. Text is
/// borrowed from the page wherever the page spells it as read (most cells, headings and code),
/// and owned where markup had to be rewritten or a fence repaired.
#[derive(Debug, Clone)]
pub(crate) enum Block<'a> {
    Heading {
        level: u8,
        text: Cow<'a, str>,
        start: usize,
    },
    /// A paragraph or a list item, with inline markup kept as markdown.
    Paragraph {
        text: Cow<'a, str>,
        start: usize,
        source_starts_with_pipe: bool,
    },
    Table {
        table: Table<'a>,
        start: usize,
    },
    Code {
        lang: Cow<'a, str>,
        text: Cow<'a, str>,
        start: usize,
        content_start: usize,
    },
}

/// A table: its cells, row after row, in one vector (the first row is its header).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table<'a> {
    cells: Vec<Cow<'a, str>>,
    /// Each row's first cell (an index into `cells`) and where the row starts in the page.
    rows: Vec<(usize, usize)>,
}

/// A row of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'t, 'a> {
    pub(crate) cells: &'t [Cow<'a, str>],
    pub(crate) start: usize,
}

impl<'a> Table<'a> {
    /// A table of `columns` columns (room is made for a few rows at once).
    fn new(columns: usize) -> Self {
        Table { cells: Vec::with_capacity(columns * 8), rows: Vec::with_capacity(8) }
    }

    /// The rows, header first.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_, 'a>> + '_ {
        self.rows.iter().enumerate().map(|(i, &(first, start))| {
            let end = self.rows.get(i + 1).map_or(self.cells.len(), |&(next, _)| next);
            Row { cells: &self.cells[first..end], start }
        })
    }
}

impl Block<'_> {
    /// The block with its text owned, for blocks read from a repaired copy of the page.
    fn into_owned(self) -> Block<'static> {
        let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        match self {
            Block::Heading { level, text, start } => Block::Heading { level, text: own(text), start },
            Block::Paragraph { text, start, source_starts_with_pipe } => {
                Block::Paragraph { text: own(text), start, source_starts_with_pipe }
            }
            Block::Table { table, start } => Block::Table {
                table: Table { cells: table.cells.into_iter().map(own).collect(), rows: table.rows },
                start,
            },
            Block::Code { lang, text, start, content_start } => {
                Block::Code { lang: own(lang), text: own(text), start, content_start }
            }
        }
    }
}

/// A fence closed by this module: where in the patched source, and how many bytes were added.
#[derive(Debug, Clone, Copy)]
struct Insertion {
    at: usize,
    len: usize,
}

/// Reads `text[body_start..]` into blocks, reporting unclosed fences into `diagnostics`.
///
/// A page without an unclosed fence (nearly all of them) is read once, in place; only a page
/// that needs a repair is copied.
pub(crate) fn blocks<'a>(
    text: &'a str,
    body_start: usize,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Block<'a>> {
    let (blocks, unclosed) = collect(&text[body_start..], &|p| body_start + p);
    match unclosed {
        None => blocks,
        Some(fence) => repaired(text, body_start, blocks, fence, index, diagnostics),
    }
}

/// [`blocks`] for a page whose first reading (`blocks`) found the unclosed `fence`: each
/// round closes one fence in a copy of the page and reads the copy again.
fn repaired<'a>(
    text: &'a str,
    body_start: usize,
    blocks: Vec<Block<'a>>,
    mut fence: Range<usize>,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Block<'a>> {
    let owned = |blocks: Vec<Block<'_>>| blocks.into_iter().map(Block::into_owned).collect();
    let mut source = text[body_start..].to_owned();
    let mut insertions: Vec<Insertion> = Vec::new();
    let mut first = Some(blocks);
    // Each round closes one fence; the bound only guards against a repair that does not take.
    for _ in 0..64 {
        let to_original = |patched: usize| {
            let shift: usize = insertions.iter().filter(|i| i.at <= patched).map(|i| i.len).sum();
            body_start + patched.saturating_sub(shift)
        };
        // The first round's reading is the one `blocks` made of the unpatched page.
        let reread = if first.is_some() {
            None
        } else {
            let (blocks, unclosed) = collect(&source, &to_original);
            match unclosed {
                None => return owned(blocks),
                Some(unclosed) => fence = unclosed,
            }
            Some(blocks)
        };
        diagnostics.push(Diagnostic::new(
            Rule::FenceUnclosed,
            index.location(to_original(fence.start)),
            "code fence is never closed: it swallows the rest of the page; close it with a line of backticks",
        ));
        let Some(at) = repair_point(&source, &fence) else {
            return match reread {
                Some(blocks) => owned(blocks),
                None => first.take().unwrap_or_default(),
            };
        };
        first = None;
        drop(reread);
        let marker: String =
            source[fence.start..].trim_start().chars().take_while(|c| *c == '`' || *c == '~').collect();
        let closing = format!("{marker}\n");
        insertions.push(Insertion { at, len: closing.len() });
        source.insert_str(at, &closing);
    }
    owned(collect(&source, &|p| body_start + p).0)
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
    // The opening run of fence characters; the closing line repeats its first one.
    let opening = slice.trim_start().bytes().take_while(|b| matches!(b, b'`' | b'~'));
    let (count, first) = opening.fold((0, 0), |(n, first), b| (n + 1, if n == 0 { b } else { first }));
    let Some((_, last_line)) = slice.rsplit_once('\n') else { return false };
    let last_line = last_line.trim();
    count > 0 && last_line.len() >= count && last_line.bytes().all(|b| b == first)
}

/// The text of the block being read, accumulated from inline events: a slice of the source
/// while the events are consecutive slices of it (the common case), a buffer otherwise.
struct Inline<'a> {
    source: &'a str,
    /// `Some(range)` of `source` while the text is that slice; `None` when it is `buffer`.
    slice: Option<Range<usize>>,
    buffer: String,
}

impl<'a> Inline<'a> {
    fn new(source: &'a str) -> Self {
        Inline { source, slice: Some(0..0), buffer: String::new() }
    }

    fn clear(&mut self) {
        self.slice = Some(0..0);
        self.buffer.clear();
    }

    /// Appends `text`, which may be a slice of the source. Whether it is comes from the
    /// addresses: a `&str` lying inside `source`'s bytes is those bytes, so extending the slice
    /// over it spells exactly the concatenation (nothing else is assumed of the parser).
    fn push(&mut self, text: &str) {
        let offset = (text.as_ptr() as usize).wrapping_sub(self.source.as_ptr() as usize);
        let in_source = offset <= self.source.len() && text.len() <= self.source.len() - offset;
        if let Some(slice) = &mut self.slice {
            let empty = slice.start == slice.end;
            if in_source && (empty || slice.end == offset) {
                if empty {
                    slice.start = offset;
                }
                slice.end = offset + text.len();
                return;
            }
            self.buffer.push_str(&self.source[slice.clone()]);
            self.slice = None;
        }
        self.buffer.push_str(text);
    }

    /// Appends `text`, spelled in the source at `range` when the source reads so there.
    fn push_spelled(&mut self, text: &str, range: Range<usize>) {
        match self.source.get(range) {
            Some(spelled) if spelled == text => self.push(spelled),
            _ => self.push(text),
        }
    }

    /// The text so far, trimmed or not, leaving the accumulator empty.
    fn take(&mut self, trim: bool) -> Cow<'a, str> {
        match self.slice.replace(0..0) {
            Some(slice) => {
                let text = &self.source[slice];
                Cow::Borrowed(if trim { text.trim() } else { text })
            }
            None => {
                let text = std::mem::take(&mut self.buffer);
                let kept = if trim { text.trim() } else { &text };
                if kept.len() == text.len() { Cow::Owned(text) } else { Cow::Owned(kept.to_owned()) }
            }
        }
    }
}

/// A `CowStr` of the parser as a `Cow`, borrowed when the parser borrowed it.
fn cow(text: CowStr<'_>) -> Cow<'_, str> {
    match text {
        CowStr::Borrowed(text) => Cow::Borrowed(text),
        other => Cow::Owned(other.to_string()),
    }
}

/// One pass of pulldown-cmark over `source`, returning the blocks and the first unclosed fence.
fn collect<'a>(source: &'a str, to_original: &dyn Fn(usize) -> usize) -> (Vec<Block<'a>>, Option<Range<usize>>) {
    let options = Options::ENABLE_TABLES;
    // About one block per 50 bytes of the pages.
    let mut blocks = Vec::with_capacity(source.len() / 48 + 4);
    let mut unclosed = None;
    let mut inline = Inline::new(source);
    let mut table: Option<(Table<'a>, usize)> = None;
    let mut code: Option<(Cow<'a, str>, usize, usize)> = None;

    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::TableCell) => inline.clear(),
            Event::End(TagEnd::Heading(level)) => blocks.push(Block::Heading {
                level: level as u8,
                text: inline.take(true),
                start: to_original(range.start),
            }),
            Event::End(TagEnd::Paragraph) if table.is_none() => {
                blocks.push(Block::Paragraph {
                    text: inline.take(true),
                    start: to_original(range.start),
                    source_starts_with_pipe: source[range.clone()].trim_start().starts_with('|'),
                });
            }
            Event::Start(Tag::Item) => inline.clear(),
            Event::End(TagEnd::Item) => {
                let text = inline.take(true);
                if !text.is_empty() {
                    blocks.push(Block::Paragraph {
                        text,
                        start: to_original(range.start),
                        source_starts_with_pipe: false,
                    });
                }
            }
            Event::Start(Tag::Table(columns)) => table = Some((Table::new(columns.len()), to_original(range.start))),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some((table, _)) = table.as_mut() {
                    table.rows.push((table.cells.len(), to_original(range.start)));
                }
            }
            Event::End(TagEnd::TableCell) => {
                // (A cell outside a row is not kept, as it was when each row held its cells.)
                if let Some((table, _)) = table.as_mut().filter(|(table, _)| !table.rows.is_empty()) {
                    table.cells.push(inline.take(true));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((table, start)) = table.take() {
                    blocks.push(Block::Table { table, start });
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let fenced = matches!(kind, CodeBlockKind::Fenced(_));
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => match cow(info) {
                        Cow::Borrowed(info) => Cow::Borrowed(info.split_whitespace().next().unwrap_or("")),
                        Cow::Owned(info) => Cow::Owned(info.split_whitespace().next().unwrap_or("").to_owned()),
                    },
                    CodeBlockKind::Indented => Cow::Borrowed(""),
                };
                let content_start = if fenced {
                    source[range.clone()].find('\n').map_or(range.end, |i| range.start + i + 1)
                } else {
                    range.start
                };
                if fenced && unclosed.is_none() && !is_closed(source, &range) {
                    unclosed = Some(range.clone());
                }
                code = Some((lang, to_original(range.start), to_original(content_start)));
                inline.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, start, content_start)) = code.take() {
                    blocks.push(Block::Code { lang, text: inline.take(false), start, content_start });
                }
            }
            Event::Text(text) => inline.push(&text),
            Event::Code(text) => {
                // Spelled `` `text` `` in the source nearly always: then the source is the text.
                let spelled = source.get(range.clone()).is_some_and(|s| {
                    s.len() == text.len() + 2 && s.starts_with('`') && s.ends_with('`') && s[1..s.len() - 1] == *text
                });
                if spelled {
                    inline.push(&source[range]);
                } else {
                    inline.push("`");
                    inline.push(&text);
                    inline.push("`");
                }
            }
            Event::SoftBreak | Event::HardBreak => inline.push_spelled("\n", range),
            Event::Start(Tag::Strong) => inline.push_spelled("**", range.start..range.start + 2),
            Event::End(TagEnd::Strong) => inline.push_spelled("**", range.end.saturating_sub(2)..range.end),
            Event::Start(Tag::Emphasis) => inline.push_spelled("_", range.start..range.start + 1),
            Event::End(TagEnd::Emphasis) => inline.push_spelled("_", range.end.saturating_sub(1)..range.end),
            _ => {}
        }
    }
    (blocks, unclosed)
}
