//! JSON examples as humans write them: parsed strictly first, then repaired step by step.
//!
//! Each repair is one defect seen in real pages: `//` comments, trailing commas,
//! alternatives written `"archive" ou "unarchive"`, missing commas between lines, prose lines
//! inside the fence, several values one after another. A repaired example is kept and the
//! repairs are reported; an example no repair saves is dropped and reported.

use serde_json::Value;

/// The outcome of reading a JSON example.
pub(crate) enum Example {
    Parsed(Value),
    /// Parsed after these repairs.
    Repaired(Value, Vec<&'static str>),
    /// Not JSON even after every repair: the strict parser's error.
    Broken(serde_json::Error),
}

/// A named repair: what it did, and the function doing it.
type Repair = (&'static str, fn(&str) -> String);

pub(crate) fn read(text: &str) -> Example {
    let strict = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Example::Parsed(value),
        Err(error) => error,
    };
    let repairs: [Repair; 5] = [
        ("removed comments", strip_comments),
        ("kept the first of alternatives written with `ou`", drop_alternatives),
        ("removed prose lines", drop_prose_lines),
        ("added missing commas", add_missing_commas),
        ("removed trailing commas", strip_trailing_commas),
    ];
    let mut current = text.to_owned();
    let mut applied = Vec::new();
    for (i, (_, repair)) in repairs.iter().enumerate() {
        let next = repair(&current);
        if next != current {
            applied.push(i);
            current = next;
            let value = if parses(&current) { serde_json::from_str::<Value>(&current).ok() } else { None };
            if let Some(mut value) = value {
                // A repair that changed the text on the way but is not needed (a trailing
                // comma also read as a prose line) is not named: the message says what is wrong.
                let mut k = 0;
                while k < applied.len() && applied.len() > 1 {
                    let without: Vec<usize> = applied.iter().copied().filter(|&j| j != applied[k]).collect();
                    let text = without.iter().fold(text.to_owned(), |t, &j| (repairs[j].1)(&t));
                    match serde_json::from_str::<Value>(&text) {
                        Ok(fewer) => {
                            value = fewer;
                            applied = without;
                        }
                        Err(_) => k += 1,
                    }
                }
                return Example::Repaired(value, applied.iter().map(|&j| repairs[j].0).collect());
            }
        }
    }
    let mut applied: Vec<&'static str> = applied.iter().map(|&j| repairs[j].0).collect();
    // Several values one after another: keep the first.
    // (Another value follows when anything but JSON whitespace does: the stream would read
    // it, and its reading, right or wrong, is not needed.)
    let mut stream = serde_json::Deserializer::from_str(&current).into_iter::<Value>();
    if let Some(Ok(first)) = stream.next() {
        let more = current[stream.byte_offset()..].trim_start_matches([' ', '\n', '\t', '\r']);
        if !more.is_empty() {
            applied.push("kept the first of several values");
            return Example::Repaired(first, applied);
        }
    }
    Example::Broken(strict)
}

/// Whether `text` may parse as a JSON value: checked without building one (most repairs
/// leave an example still broken). Never false for text that parses into a `Value`: skipping
/// a value accepts all the same syntax, and more (no depth limit, no range check on numbers,
/// no check of `\u` surrogates).
fn parses(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// The first line of a fence that holds program code rather than broken JSON (a `case ...:`
/// of a `switch`, a statement ending `;`, an assignment, an arrow function), or `None`.
///
/// Only asked of a fence that no repair saves. JSON starts with a value; code starts with
/// a word (not `true`, `false` or `null`) and shows at least one statement. A fence opening
/// with `{` or `[` is broken JSON however many semicolons it holds.
pub(crate) fn looks_like_code(text: &str) -> Option<&str> {
    const KEYWORDS: &[&str] = &[
        "case", "switch", "function", "const", "let", "var", "if", "else", "return", "import", "export", "break",
        "default", "for", "while", "async", "await", "class", "def", "curl",
    ];
    let lines = || text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//"));
    let first = lines().next()?;
    let word: String = first.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$')).collect();
    let starts_with_word = first.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '_' | '$'));
    if !starts_with_word || matches!(word.as_str(), "true" | "false" | "null") {
        return None;
    }
    let statement = |line: &str| {
        let word = line.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("");
        KEYWORDS.contains(&word) || line.ends_with(';') || line.contains("=>") || line.contains(" = ")
    };
    lines().any(statement).then_some(first)
}

/// Whether bytes of a text are inside a JSON string (an opening quote is not, a closing one
/// is), asked at offsets that never decrease: one pass over the text, however many questions.
struct Strings<'t> {
    bytes: &'t [u8],
    /// The offset of the first byte not yet read.
    next: usize,
    in_string: bool,
    escaped: bool,
}

impl<'t> Strings<'t> {
    fn new(text: &'t str) -> Self {
        Strings { bytes: text.as_bytes(), next: 0, in_string: false, escaped: false }
    }

    /// Whether the byte at `at` is inside a string. `at` must not be less than in the last call.
    fn inside(&mut self, at: usize) -> bool {
        let end = at.min(self.bytes.len());
        while self.next < end {
            let byte = self.bytes[self.next];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                }
            } else if byte == b'"' {
                self.in_string = true;
            }
            self.next += 1;
        }
        self.in_string
    }
}

fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut strings = Strings::new(text);
    // Comments start at a `/` and end before a newline or after `*/`, so the kept pieces are
    // whole characters.
    let mut out = String::with_capacity(text.len());
    let (mut kept_from, mut i) = (0, 0);
    while let Some(slash) = memchr::memchr(b'/', bytes.get(i..).unwrap_or_default()).map(|k| i + k) {
        i = slash;
        match bytes.get(i + 1) {
            Some(b'/') if !strings.inside(i) => {
                out.push_str(&text[kept_from..i]);
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |k| i + k);
                kept_from = i;
            }
            Some(b'*') if !strings.inside(i) => {
                out.push_str(&text[kept_from..i]);
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                kept_from = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[kept_from..]);
    out
}

fn strip_trailing_commas(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut strings = Strings::new(text);
    let mut out = String::with_capacity(text.len());
    let mut kept_from = 0;
    for i in memchr::memchr_iter(b',', bytes) {
        if strings.inside(i) {
            continue;
        }
        let next = bytes[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
        if matches!(next, Some(b'}') | Some(b']')) {
            out.push_str(&text[kept_from..i]);
            kept_from = i + 1;
        }
    }
    out.push_str(&text[kept_from..]);
    out
}

/// `"archive" ou "unarchive"` → `"archive"`; `true ou false` → `true`.
fn drop_alternatives(text: &str) -> String {
    let has = |connective: &str| memchr::memmem::find(text.as_bytes(), connective.as_bytes()).is_some();
    if !has(" ou ") && !has(" or ") {
        return text.to_owned();
    }
    let mut strings = Strings::new(text);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if (rest.starts_with(" ou ") || rest.starts_with(" or ")) && !strings.inside(i) {
            // Skip the connective and the alternative value after it.
            let after = &rest[4..];
            let skip = if let Some(stripped) = after.strip_prefix('"') {
                stripped.find('"').map_or(after.len(), |end| end + 2)
            } else {
                after.find([',', '\n', '}', ']']).unwrap_or(after.len())
            };
            i += 4 + skip;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Lines that are prose (start with a letter, hold no quote and no bracket) cannot be JSON.
fn drop_prose_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let kept = text.lines().filter(|line| {
        let t = line.trim();
        !(t.starts_with(|c: char| c.is_alphabetic())
            && !t.contains(['"', '{', '}', '[', ']'])
            && !matches!(t.trim_end_matches(','), "true" | "false" | "null"))
    });
    for (i, line) in kept.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// A line ending in a value followed by a line starting a key or value gets a comma.
fn add_missing_commas(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let t = line.trim_end();
        let next = lines[i + 1..].iter().map(|l| l.trim()).find(|l| !l.is_empty());
        let ends_value = t.ends_with(['"', '}', ']'])
            || t.ends_with(|c: char| c.is_ascii_digit())
            || t.ends_with("true")
            || t.ends_with("false")
            || t.ends_with("null");
        let opens_entry = next.is_some_and(|n| n.starts_with(['"', '{', '[']));
        let is_opener = t.trim().len() == 1 && t.trim().starts_with(['{', '[']);
        if ends_value && opens_entry && !is_opener && !t.ends_with(',') {
            out.push_str(t);
            out.push(',');
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(text: &str) -> (Value, Vec<&'static str>) {
        match read(text) {
            Example::Repaired(value, repairs) => (value, repairs),
            Example::Parsed(_) => panic!("parsed without repair"),
            Example::Broken(error) => panic!("not repaired: {error}"),
        }
    }

    #[test]
    fn code_in_a_json_fence_is_told_apart_from_broken_json() {
        let switch = "case 'GROUP_CREATE':\nhtml = \"<div>\" + name + \"</div>\"\nbreak;\n";
        assert_eq!(looks_like_code(switch), Some("case 'GROUP_CREATE':"));
        assert_eq!(looks_like_code("// handler\nconst x = await f();"), Some("const x = await f();"));
        // Broken JSON, prose, or a bare word are not code.
        assert_eq!(looks_like_code("{ phone: <the number>; }"), None);
        assert_eq!(looks_like_code("[1, 2;]"), None);
        assert_eq!(looks_like_code("Sem retorno"), None);
        assert_eq!(looks_like_code("true false"), None);
        assert_eq!(looks_like_code(""), None);
    }

    #[test]
    fn each_defect_of_the_real_pages_is_repaired() {
        assert_eq!(repaired("{\n \"a\": 1, // one\n \"b\": 2,\n}").0, serde_json::json!({"a": 1, "b": 2}));
        assert_eq!(repaired("{\"phone\": \"1\", \"action\": \"archive\" ou \"unarchive\"}").0["action"], "archive");
        assert_eq!(repaired("{\"value\": true ou false}").0["value"], true);
        assert_eq!(repaired("{\n \"a\": \"x\"\n \"b\": 2\n}").0, serde_json::json!({"a": "x", "b": 2}));
        assert_eq!(repaired("Forma antiga\n{\"a\": 1}").0, serde_json::json!({"a": 1}));
        assert_eq!(repaired("{\"a\": 1}\n{\"b\": 2}").0, serde_json::json!({"a": 1}));
        assert!(matches!(read("{\"url\": \"http://x//y\"}"), Example::Parsed(_)));
        assert!(matches!(read("{ not json at all"), Example::Broken(_)));
    }
}
