//! YAML as front matter and `api.yml` need it: no aliases, little nesting.
//!
//! yaml-rust2 expands every alias into a copy of its anchor, so nine levels of ten aliases
//! each make 10⁹ nodes from 500 bytes. Neither front matter nor a manifest needs an alias,
//! so a first pass over the parser's events refuses the first one (and nesting deeper than
//! any settings file has) before the loader builds anything: memory stays linear in the text.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::ScanError;
use yaml_rust2::{Yaml, YamlLoader};

/// Deeper than `lint: { rules: { x: off } }` by far; deep enough nesting would overflow the
/// stack when the loaded value is dropped.
const MAX_DEPTH: usize = 32;

/// The documents of `text`; an alias, nesting deeper than [`MAX_DEPTH`] or a YAML error is
/// an error at its position.
pub(crate) fn load(text: &str) -> Result<Vec<Yaml>, ScanError> {
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        let (event, marker) = parser.next_token()?;
        match event {
            Event::StreamEnd => break,
            Event::Alias(_) => {
                return Err(ScanError::new_string(
                    marker,
                    format!(
                        "YAML alias `{}` refused: aliases are not allowed here (write the value out)",
                        alias_at(text, marker.line(), marker.col())
                    ),
                ));
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ScanError::new_string(
                        marker,
                        format!("YAML nested more than {MAX_DEPTH} levels deep: not a settings file"),
                    ));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    YamlLoader::load_from_str(text)
}

/// The alias token (`*name`) at 1-based `line` and 0-based `column` (in characters) of `text`,
/// for the message; `*` when it cannot be found there.
fn alias_at(text: &str, line: usize, column: usize) -> String {
    let Some(line) = text.lines().nth(line.saturating_sub(1)) else { return "*".to_owned() };
    let rest: String = line.chars().skip(column).collect();
    let rest = rest.trim_start();
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}')).unwrap_or(rest.len());
    let token = &rest[..end];
    if token.starts_with('*') && token.chars().count() <= 64 { token.to_owned() } else { "*".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::load;

    #[test]
    fn plain_yaml_loads_and_anchors_without_aliases_are_fine() {
        let docs = load("id: a\ntitle: &t Title\nlist: [1, 2]\n").unwrap();
        assert_eq!(docs[0]["title"].as_str(), Some("Title"));
    }

    #[test]
    fn an_alias_is_an_error_at_its_position() {
        let error = load("a: &a [x, x]\nb: [*a, *a]\n").unwrap_err();
        assert_eq!(error.info(), "YAML alias `*a` refused: aliases are not allowed here (write the value out)");
        assert_eq!(error.marker().line(), 2);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        // Flow collections stop at 255 levels in the scanner; block sequences (`- - - x`) do not.
        for deep in [format!("a: {}{}\n", "[".repeat(200), "]".repeat(200)), format!("{}x\n", "- ".repeat(100_000))] {
            let error = load(&deep).unwrap_err();
            assert!(error.info().contains("nested more than 32 levels"), "{}", error.info());
        }
    }
}
