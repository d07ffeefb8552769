//! JSON examples in fences: parsed, repaired where possible, reported where not, and fences
//! that hold code told apart from broken JSON.

use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::json::{self, Example};
use crate::model::Location;

pub(crate) fn is_json(lang: &str, text: &str) -> bool {
    lang.eq_ignore_ascii_case("json") || (lang.is_empty() && text.trim_start().starts_with(['{', '[']))
}

/// Parses a JSON example, repairing what it can and reporting where it breaks. A fence
/// holding code instead (`json::looks_like_code`) goes to `code_fences`, reported once per
/// page by [`report_code_fences`].
pub(crate) fn json_example(
    text: &str,
    content_start: usize,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    code_fences: &mut Vec<(Location, String)>,
) -> Option<serde_json::Value> {
    match json::read(text) {
        Example::Parsed(value) => Some(value),
        Example::Repaired(value, repairs) => {
            diagnostics.push(Diagnostic::new(
                Rule::JsonRepaired,
                index.location(content_start),
                format!("JSON example repaired: {}", repairs.join(", ")),
            ));
            Some(value)
        }
        Example::Broken(error) => {
            if let Some(first_line) = json::looks_like_code(text) {
                code_fences.push((index.location(content_start), first_line.to_owned()));
                return None;
            }
            diagnostics.push(Diagnostic::new(
                Rule::JsonUnparsable,
                index.location(content_start + error_offset(text, &error)),
                format!("JSON example does not parse and was dropped: {}", without_position(&error)),
            ));
            None
        }
    }
}

/// One diagnostic for the page's JSON fences that hold code: one mislabelled snippet copied
/// a dozen times is one defect, and a `json-unparsable` per fence (each at line 1 column 1)
/// would bury it.
pub(crate) fn report_code_fences(code_fences: &[(Location, String)], diagnostics: &mut Vec<Diagnostic>) {
    let Some(((first, line), others)) = code_fences.split_first() else { return };
    let mut message = format!("```json fence holds code, not JSON (`{line}`)");
    let lines: Vec<String> = others.iter().map(|(at, _)| at.line.to_string()).collect();
    match others.len() {
        0 => {}
        1 => message.push_str(&format!(", as does 1 more fence on this page (line {})", lines[0])),
        n => message.push_str(&format!(", as do {n} more fences on this page (lines {})", lines.join(", "))),
    }
    message.push_str(": dropped as examples");
    diagnostics.push(Diagnostic::new(Rule::JsonFenceHoldsCode, first.clone(), message));
}

/// Where in `text` a parse error is, as a byte offset: the start of the bad token. serde_json
/// points just past the byte it stopped at (column 0 is just past a newline), and for a word
/// that is not `true`/`false`/`null` at the letter that differs; the page's reader wants the
/// token itself.
fn error_offset(text: &str, error: &serde_json::Error) -> usize {
    let line_start = |line: usize| -> usize {
        text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>().min(text.len())
    };
    let start = line_start(error.line());
    let mut offset = match error.column() {
        0 => start.saturating_sub(1),
        column => (start + column - 1).min(text.len()),
    };
    let bytes = text.as_bytes();
    let in_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'.');
    if error.to_string().starts_with("expected ident") || error.to_string().starts_with("invalid number") {
        while offset > 0 && in_word(bytes[offset - 1]) {
            offset -= 1;
        }
    }
    // serde_json counts bytes; stay on a character boundary for the column count.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// serde_json's message without its ` at line L column C`, which counts inside the fence.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

/// The alternatives an example writes for a key's string value:
/// `"action": "archive" ou "unarchive"` → (`action`, [archive, unarchive]). The JSON repair
/// keeps the first; these are the values the page's author allows.
pub(crate) fn string_alternatives(text: &str) -> Vec<(String, Vec<String>)> {
    if !text.contains(" ou ") && !text.contains(" or ") {
        return Vec::new();
    }
    // Tokens: string literals (without escapes: keys and words), `:`, `ou`/`or`, anything else.
    #[derive(PartialEq)]
    enum Token<'t> {
        Str(&'t str),
        Colon,
        Or,
        Other,
    }
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            let Some(end) = rest[1..].find('"') else { break };
            tokens.push(Token::Str(&rest[1..1 + end]));
            rest = &rest[end + 2..];
        } else if c == ':' {
            tokens.push(Token::Colon);
            rest = &rest[1..];
        } else if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | ':')).unwrap_or(rest.len()).max(1);
            tokens.push(if matches!(&rest[..end], "ou" | "or") { Token::Or } else { Token::Other });
            rest = &rest[end..];
        }
    }
    let mut found = Vec::new();
    for (i, window) in tokens.windows(3).enumerate() {
        let [Token::Str(key), Token::Colon, Token::Str(first)] = window else { continue };
        let mut values = vec![first.to_string()];
        let mut next = i + 3;
        while let (Some(Token::Or), Some(Token::Str(value))) = (tokens.get(next), tokens.get(next + 1)) {
            values.push(value.to_string());
            next += 2;
        }
        if values.len() >= 2 {
            found.push((key.to_string(), values));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::error_offset;

    fn offset_of(text: &str) -> usize {
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        error_offset(text, &error)
    }

    #[test]
    fn errors_point_at_the_bad_token() {
        // At a word cut short by the end of its line (serde_json says the next line's column 0).
        let text = "{\n  \"ok\": tru\n}";
        assert_eq!(offset_of(text), text.find("tru").unwrap());
        // At a word that differs in its second letter.
        let text = "{\"ok\": nope}";
        assert_eq!(offset_of(text), text.find("nope").unwrap());
        // At a stray comma.
        let text = "{\n  \"value\": ,\n}";
        assert_eq!(offset_of(text), text.find(',').unwrap());
        // After multi-byte characters on the same line.
        let text = "{\"ação\": x}";
        assert_eq!(offset_of(text), text.find('x').unwrap());
    }
}
