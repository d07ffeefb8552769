//! The YAML front matter between two `---` lines at the top of a page.

use yaml_rust2::Yaml;

use crate::diagnostic::{Diagnostic, LineIndex, Rule};

/// What the front matter says, and where the markdown after it starts.
#[derive(Debug, Default)]
pub(crate) struct FrontMatter {
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
    /// Byte offset of the first byte after the closing `---` line.
    pub(crate) body_start: usize,
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Reads the front matter of `text`, reporting what is wrong with it into `diagnostics`.
pub(crate) fn read(text: &str, index: &LineIndex<'_>, diagnostics: &mut Vec<Diagnostic>) -> FrontMatter {
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if is_delimiter(first) => {}
        _ => {
            diagnostics.push(Diagnostic::new(
                Rule::FrontMatterMissing,
                index.location(0),
                "page has no front matter (a `---` block with `id` and `title`)",
            ));
            return FrontMatter::default();
        }
    }
    let yaml_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = yaml_start;
    let mut close = None;
    for line in lines {
        if is_delimiter(line) {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = close else {
        diagnostics.push(Diagnostic::new(
            Rule::FrontMatterUnclosed,
            index.location(0),
            "front matter is never closed: expected a line `---` after it",
        ));
        return FrontMatter::default();
    };

    let mut front = FrontMatter { body_start, ..FrontMatter::default() };
    if let Some(pairs) = plain_pairs(&text[yaml_start..yaml_end]) {
        for (key, value) in pairs {
            match key {
                "id" => front.id = Some(value.to_owned()),
                "title" => front.title = Some(value.to_owned()),
                // As the YAML branch below reports it.
                "id:id" => {
                    diagnostics.push(Diagnostic::new(
                        Rule::FrontMatterIdDoubled,
                        index.location(yaml_start),
                        format!("front matter key `id:id` is a doubled `id:`; using `{value}` as the id"),
                    ));
                    front.id.get_or_insert_with(|| value.to_owned());
                }
                _ => {}
            }
        }
        return front;
    }
    let docs = match crate::yaml::load(&text[yaml_start..yaml_end]) {
        Ok(docs) => docs,
        Err(error) => {
            let marker = error.marker();
            diagnostics.push(Diagnostic::new(
                Rule::FrontMatterInvalid,
                index.relative(yaml_start, marker.line(), marker.col() + 1),
                format!("invalid front matter: {}", error.info()),
            ));
            return salvage(text, yaml_start, yaml_end, index, diagnostics).unwrap_or(front);
        }
    };
    let Some(Yaml::Hash(map)) = docs.into_iter().next() else {
        diagnostics.push(Diagnostic::new(
            Rule::FrontMatterInvalid,
            index.location(yaml_start),
            "invalid front matter: expected `key: value` lines",
        ));
        return front;
    };
    for (key, value) in map {
        let Yaml::String(key) = key else { continue };
        let value = match value {
            Yaml::String(s) | Yaml::Real(s) => s,
            Yaml::Integer(i) => i.to_string(),
            Yaml::Boolean(b) => b.to_string(),
            _ => continue,
        };
        match key.as_str() {
            "id" => front.id = Some(value),
            "title" => front.title = Some(value),
            // `id:id: x` reads as the key `id:id`: a doubled `id:`.
            "id:id" => {
                diagnostics.push(Diagnostic::new(
                    Rule::FrontMatterIdDoubled,
                    index.location(yaml_start),
                    format!("front matter key `id:id` is a doubled `id:`; using `{value}` as the id"),
                ));
                front.id.get_or_insert(value);
            }
            _ => {}
        }
    }
    front
}

/// The offset of the `id` value in the front matter of `text` (a line `id: x`, or `id:id: x`),
/// where a diagnostic about the id points; `None` when no such line is there.
pub(crate) fn id_offset(text: &str) -> Option<usize> {
    let mut lines = text.split_inclusive('\n');
    if !lines.next().is_some_and(is_delimiter) {
        return None;
    }
    let mut offset = text.find('\n')? + 1;
    for line in lines {
        if is_delimiter(line) {
            return None;
        }
        let key = line.strip_prefix("id:id:").or_else(|| line.strip_prefix("id:"));
        if let Some(value) = key {
            let value_start = line.len() - value.len() + (value.len() - value.trim_start().len());
            return Some(offset + value_start.min(line.trim_end().len()));
        }
        offset += line.len();
    }
    None
}

/// Front matter made only of `key: plain value` lines, read without a YAML parser: that is
/// nearly every page, and a YAML parser costs more than the rest of the page's reading. Any
/// line YAML could read differently (quotes, flow collections, anchors, comments, a second
/// `: `, indentation) returns `None` and the real parser decides.
///
/// A doubled `id:id:` key (YAML reads the key `id:id`) is taken here too, but only when every
/// key is distinct and every value is one YAML reads as that very string (words: it starts
/// with a letter, holds no mark YAML could read, and is no null or boolean): then YAML would give the same pairs in the same order.
fn plain_pairs(yaml: &str) -> Option<Vec<(&str, &str)>> {
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(4);
    for line in yaml.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let colon = find_pair(line, b": ")?;
        let (key, value) = (&line[..colon], line[colon + 2..].trim());
        let plain_key = key == "id:id"
            || (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        let special_start =
            value.starts_with(['\'', '"', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '#', '-', '?', ':']);
        let special_inside =
            find_pair(value, b": ").is_some() || find_pair(value, b" #").is_some() || value.ends_with(':');
        if !plain_key || value.is_empty() || special_start || special_inside {
            return None;
        }
        pairs.push((key, value));
    }
    if pairs.iter().any(|(key, _)| *key == "id:id") {
        let distinct = pairs.iter().enumerate().all(|(i, (key, _))| pairs[..i].iter().all(|(k, _)| k != key));
        let strings = pairs.iter().all(|(_, value)| {
            value.starts_with(|c: char| c.is_ascii_alphabetic())
                && value
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/' | ',' | '(' | ')'))
                && !["null", "true", "false", "yes", "no", "on", "off", "y", "n"]
                    .iter()
                    .any(|word| value.eq_ignore_ascii_case(word))
        });
        if !distinct || !strings {
            return None;
        }
    }
    Some(pairs)
}

/// The offset of the first `pair` of ASCII bytes in `text` (`str::find` with a string pattern
/// sets up a substring searcher each call, which costs more than these short lines).
fn find_pair(text: &str, pair: &[u8; 2]) -> Option<usize> {
    text.as_bytes().windows(2).position(|window| window == pair)
}

/// Reads `id:` and `title:` lines from front matter that is not YAML. When the block runs
/// into the page (a section heading before its closing `---`), the body starts at that heading.
fn salvage(
    text: &str,
    yaml_start: usize,
    yaml_end: usize,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let mut front = FrontMatter::default();
    let mut offset = yaml_start;
    for line in text[yaml_start..yaml_end].split_inclusive('\n') {
        let bare = line.trim().trim_start_matches('#').trim();
        if line.trim_start().starts_with('#') && crate::sections::is_section_heading(bare) {
            diagnostics.push(Diagnostic::new(
                Rule::FrontMatterRunsIntoPage,
                index.location(offset),
                "front matter runs into the page: the page starts at this heading",
            ));
            front.body_start = offset;
            break;
        }
        if let Some((key, value)) = bare.split_once(':') {
            let value = value.trim().trim_matches(['"', '\'']).to_owned();
            let plain = !value.is_empty() && !value.starts_with(['[', '{']);
            match key.trim() {
                "id" if plain => front.id = Some(value),
                "title" if plain => front.title = Some(value),
                _ => {}
            }
        }
        offset += line.len();
    }
    if front.body_start == 0 {
        front.body_start = text[yaml_end..].find('\n').map_or(text.len(), |i| yaml_end + i + 1);
    }
    (front.id.is_some() || front.title.is_some() || front.body_start < yaml_end).then_some(front)
}
