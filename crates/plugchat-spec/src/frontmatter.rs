//! The YAML front matter between two `---` lines at the top of a page.

use yaml_rust2::{Yaml, YamlLoader};

use crate::diagnostic::{Diagnostic, LineIndex};

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
            diagnostics.push(Diagnostic::warning(
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
        diagnostics.push(Diagnostic::error(
            index.location(0),
            "front matter is never closed: expected a line `---` after it",
        ));
        return FrontMatter::default();
    };

    let mut front = FrontMatter { body_start, ..FrontMatter::default() };
    let docs = match YamlLoader::load_from_str(&text[yaml_start..yaml_end]) {
        Ok(docs) => docs,
        Err(error) => {
            let marker = error.marker();
            diagnostics.push(Diagnostic::error(
                index.relative(yaml_start, marker.line(), marker.col() + 1),
                format!("invalid front matter: {}", error.info()),
            ));
            return front;
        }
    };
    let Some(Yaml::Hash(map)) = docs.into_iter().next() else {
        diagnostics.push(Diagnostic::error(
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
            _ => {}
        }
    }
    front
}
