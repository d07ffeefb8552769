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
                index.relative(content_start, error.line(), error.column()),
                format!("JSON example does not parse and was dropped: {error}"),
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
