//! Diagnostics: a problem in a page, with its position, its rule and its level, printed as
//! `path:line:col: level[rule]: message`.
//!
//! Every diagnostic belongs to a [`Rule`]: a stable kebab-case id with a default level, what
//! it means and how to fix it. [`Rule::ALL`] is the one table of rules: the README's rules
//! table is generated from it (a test compares them), and a tree's `api.yml` or a page's
//! `<!-- check: allow rule -->` comment name rules by these ids.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Location;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, often fine (an optional attribute the example does not use). Notes are
    /// shown only when asked for and never fail anything.
    Note,
    /// The page contradicts itself, or a likely mistake: something was read, but perhaps not
    /// as the author meant it.
    Warning,
    /// The page cannot be used as documented: something could not be read.
    Error,
}

impl Severity {
    /// `note`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The level named `name` (`note`, `warning`, `error`).
    pub fn from_name(name: &str) -> Option<Severity> {
        [Severity::Note, Severity::Warning, Severity::Error].into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`Rule`] and its table in one place, so a rule cannot lack an id, a level or
/// its explanation.
macro_rules! rules {
    ($($variant:ident = $id:literal, $level:ident, $meaning:literal, $fix:literal;)*) => {
        /// What a [`Diagnostic`] is about: one stable id per kind of problem.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in the order of the README's table.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case id (`example-key-unknown`).
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The level a diagnostic of this rule has unless the tree's `api.yml` says otherwise.
            pub fn default_level(self) -> Severity {
                match self { $(Rule::$variant => Severity::$level,)* }
            }

            /// What a diagnostic of this rule means, in one sentence.
            pub fn meaning(self) -> &'static str {
                match self { $(Rule::$variant => $meaning,)* }
            }

            /// How to fix the page (or when to leave it).
            pub fn fix(self) -> &'static str {
                match self { $(Rule::$variant => $fix,)* }
            }
        }
    };
}

rules! {
    FileUnreadable = "file-unreadable", Error,
        "The docs tree or a page in it cannot be read from disk.",
        "Check the path and the file's permissions.";
    ManifestInvalid = "manifest-invalid", Error,
        "The tree's `api.yml` is not valid YAML, or its `lint` settings are malformed.",
        "Fix the YAML at the position given; `lint: { rules: { <rule-id>: off|note|warning|error } }`.";
    UnknownRule = "unknown-rule", Warning,
        "`api.yml` or a `<!-- check: allow ... -->` comment names a rule that does not exist.",
        "Use an id from this table.";
    SymlinkNotFollowed = "symlink-not-followed", Error,
        "A directory of the tree is a symbolic link, or a page (or `api.yml`) links to a file outside the tree: it is not read, nor shown in any message.",
        "Copy the pages into the tree, or link to a file inside it.";
    PageWithoutExtension = "page-without-extension", Warning,
        "A file starts with front matter like a page but has no `.md` extension, so it is not read.",
        "Rename it to `<name>.md`.";
    PageNotUtf8 = "page-not-utf8", Warning,
        "A page holds bytes that are not UTF-8; they were replaced with U+FFFD.",
        "Save the page as UTF-8.";
    FrontMatterMissing = "front-matter-missing", Warning,
        "A page has no front matter (`---` block with `id` and `title`); its id is the file name.",
        "Add a `---` block with `id:` and `title:` lines at the top.";
    FrontMatterUnclosed = "front-matter-unclosed", Error,
        "The front matter has no closing `---`.",
        "Add a line `---` after the front matter.";
    FrontMatterInvalid = "front-matter-invalid", Error,
        "The front matter is not YAML `key: value` lines (id and title were salvaged where possible).",
        "Fix the YAML at the position given (quote values holding `:`).";
    FrontMatterRunsIntoPage = "front-matter-runs-into-page", Warning,
        "A section heading appears before the front matter's closing `---`.",
        "Close the front matter before the first heading.";
    FrontMatterIdDoubled = "front-matter-id-doubled", Warning,
        "The front matter says `id:id:`, which YAML reads as a key named `id:id`.",
        "Write `id: <id>`.";
    FrontMatterNoId = "front-matter-no-id", Error,
        "The front matter has no `id`; the file name is used, and generated names follow it.",
        "Add `id: <id>` to the front matter.";
    NameInvalid = "name-invalid", Error,
        "A page id (or the file name standing for one) or a section directory's name is empty or holds a character other than a letter, a digit, `-` or `_`: ids and section names become file names and identifiers, so a `/` or `..` could reach outside the repository.",
        "Use letters, digits, `-` and `_` only (`send-text`).";
    FenceUnclosed = "fence-unclosed", Error,
        "A code fence is never closed and swallows the rest of the page (repaired at the next heading or `---`).",
        "Close the fence with a line of backticks.";
    TableMalformed = "table-malformed", Error,
        "A table has no delimiter row under its header, so its rows are read as text.",
        "Add `| --- | --- |` under the header row.";
    MethodLineMissing = "method-line-missing", Error,
        "A page with endpoint tables or a method heading has no method line (HTTP method and URL).",
        "Add a line such as `` `GET` https://host/api/path `` under the method heading.";
    MethodLineWithoutUrl = "method-line-without-url", Warning,
        "The method line names a path but no URL; the path was taken as written.",
        "Write the full URL after the method.";
    PathSegmentLiteral = "path-segment-literal", Note,
        "An attribute's description puts it in the path, while the URL shows an example value (`5511999999999`) where its placeholder belongs: the segment was read as the placeholder `{name}`.",
        "Write the placeholder in the URL (`/chats/{phone}/pin`), and the example value in an example.";
    UrlOutsideBase = "url-outside-base", Warning,
        "The method line's URL is not under the tree's base path (`base_url` in `api.yml`).",
        "Fix the URL, or the manifest's `base_url`.";
    HeadingPathMismatch = "heading-path-mismatch", Warning,
        "The `#### /path` heading under the method heading does not match the URL's path.",
        "Make the heading and the URL agree (one of them has a typo).";
    EventDiscriminatorMissing = "event-discriminator-missing", Error,
        "A webhook page's event section has no `| Campo | Valor |` table telling its payload apart.",
        "Add the table naming the field and value that identify the event.";
    AttributeTableUngrouped = "attribute-table-ungrouped", Warning,
        "An attribute table is under no required/optional heading; it was read as required.",
        "Put it under `### Obrigatórios` or `### Opcionais`.";
    DuplicateAttribute = "duplicate-attribute", Warning,
        "A table lists the same name twice; the first row is kept.",
        "Delete the repeated row (or rename it if it is a nested object's field).";
    RequiredAndOptional = "required-and-optional", Warning,
        "The same attribute is in the required and in the optional table; it is read as required.",
        "Keep it in one table.";
    DuplicateHeader = "duplicate-header", Warning,
        "The header table names the same header twice (compared without case).",
        "Delete the repeated row.";
    TypeMisspelled = "type-misspelled", Error,
        "An attribute's Tipo is a near miss of a known type (`boolen`, `strng`): left as it is, the value would be typed as any JSON value.",
        "Spell the type as the message suggests (or add the sub-table, if it names one).";
    TypeUnknown = "type-unknown", Warning,
        "An attribute's Tipo is neither a known type nor the name of a sub-table; it is typed as any JSON value.",
        "Use a known type (string, boolean, integer, number, array string, ...) or add the sub-table it names.";
    JsonRepaired = "json-repaired", Warning,
        "A JSON example is not valid JSON but was repaired (comments, `ou` alternatives, prose, missing commas).",
        "Make the example valid JSON.";
    JsonUnparsable = "json-unparsable", Warning,
        "A JSON example does not parse even after repairs and was dropped.",
        "Make the example valid JSON.";
    JsonFenceHoldsCode = "json-fence-holds-code", Warning,
        "Fences labelled `json` hold program code (`case ...:`, statements ending `;`), not JSON; they were dropped (one diagnostic per page).",
        "Label the fences with their language (```` ```js ````), or replace them with the JSON they stand for.";
    AttributesDescribeResponse = "attributes-describe-response", Warning,
        "The attribute table lists what the success response's example shows, not the request example (none of its rows is in the request, nearly all in the response): its rows were read as the response's fields.",
        "Move the table under the response's status heading, or put the request's own attributes in it.";
    GetWithBody = "get-with-body", Warning,
        "A request whose method has no body (GET, DELETE) shows a JSON body as its example.",
        "Show an example URL with a query string, or fix the method.";
    RequiredMissingFromExample = "required-missing-from-example", Warning,
        "A required attribute is not in the request example.",
        "Add it to the example (a request without it is invalid).";
    OptionalMissingFromExample = "optional-missing-from-example", Note,
        "An optional attribute (or one of a table under no required/optional heading) is not in the request example.",
        "Often fine: an example need not use every optional attribute.";
    ExampleUrlWithoutQuery = "example-url-without-query", Note,
        "The example URL has no query string, so it shows none of the required query attributes.",
        "Add a query string with the required attributes to the example URL.";
    AttributesTableMissing = "attributes-table-missing", Warning,
        "The request example sends keys but the page has no attribute table at all: the body (or query) is documented only by its example (one diagnostic per page, instead of an `example-key-unknown` per key).",
        "Add an attribute table (`## Atributos`, `### Obrigatórios` / `### Opcionais`) listing the example's keys with their types.";
    ExampleKeyUnknown = "example-key-unknown", Warning,
        "The request example sends a key no attribute table declares.",
        "Add the attribute to a table, or remove it from the example.";
    ExampleKeyMisspelled = "example-key-misspelled", Warning,
        "A key of an example is a near miss (edit distance) of a table's name: one of the two is misspelled.",
        "Spell the example and the table the same way.";
    ExampleTypeMismatch = "example-type-mismatch", Warning,
        "An example shows a value of another type than the table declares.",
        "Fix the table's Tipo or the example's value.";
    ExampleTypesDisagree = "example-types-disagree", Note,
        "The elements of a list example show one key with values of different types; the field is typed to hold them all (a string holds numbers and booleans; otherwise any JSON).",
        "Often fine (the service sends both); if one element is a mistake, make the examples agree.";
    ResponseFieldMissingFromExample = "response-field-missing-from-example", Note,
        "A response table's field is not in the response example.",
        "Often fine: responses omit fields that have no value.";
    ResponseKeyUndocumented = "response-key-undocumented", Note,
        "A response example shows a key the response table does not list (it is typed from the example).",
        "Add the field to the response table if clients rely on it.";
    ResponseNestedTable = "response-nested-table", Note,
        "A table in a response section, labelled by a short paragraph (`Objeto X`, `Array X`, or a field's name), describes a nested object; its rows are left out of the response's top-level fields.",
        "Fine as documentation: the model keeps response fields flat, and the nested value is typed from the table's Tipo or the example.";
    ResponseTableFlat = "response-table-flat", Warning,
        "The response table lists fields flat that the example nests under one key.",
        "List the wrapper key, and the nested fields in a sub-table.";
    ResponseTableUnrelated = "response-table-unrelated", Warning,
        "None of a response table's fields is in the response example, which shows keys of its own: the table describes another response (often copied from another page).",
        "Replace the table with the fields this response returns (or fix the example).";
    DuplicateId = "duplicate-id", Error,
        "Two endpoint pages share an id, which names the generated method.",
        "Give each page its own `id`.";
    DuplicateEndpoint = "duplicate-endpoint", Warning,
        "Two pages document the same method and path with the same attributes.",
        "Merge the pages, or tell them apart (different fixed values).";
    PathNestedUnderAction = "path-nested-under-action", Warning,
        "A path nests one action under another (`send-text/send-audio`): usually a copy-paste slip.",
        "Fix the path; nesting under a collection (`/contacts/add`) is not reported.";
    PathTruncated = "path-truncated", Warning,
        "A path is another page's path cut short mid-word (`update-webhoo` beside `update-webhooks`).",
        "Complete the path.";
    ActionMethodConflict = "action-method-conflict", Warning,
        "A path named for a write action (`send-…`, `update-…`) is read with GET here but written by another page (or the reverse).",
        "Fix the method or the path; a collection read and written on one path is not reported.";
}

/// A problem found while reading a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: Location,
    /// How bad it is: the rule's level, or what the tree's `api.yml` sets.
    pub severity: Severity,
    /// What kind of problem it is.
    pub rule: Rule,
    /// What is wrong, in one line.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `rule` at its default level.
    pub fn new(rule: Rule, location: Location, message: impl Into<String>) -> Self {
        Diagnostic { location, severity: rule.default_level(), rule, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}[{}]: {}", self.location, self.severity, self.rule.id(), self.message)
    }
}

/// The rules table of the README: id, level, meaning, fix (markdown).
pub fn rules_table() -> String {
    let mut table = String::from("| rule | level | what it means | how to fix |\n|---|---|---|---|\n");
    for rule in Rule::ALL {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            rule.id(),
            rule.default_level(),
            rule.meaning().replace('|', "\\|"),
            rule.fix().replace('|', "\\|")
        ));
    }
    table
}

impl Rule {
    /// The rule whose id is `id`.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

/// Turns byte offsets of one file into 1-based lines and columns (columns count characters).
pub(crate) struct LineIndex<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

/// The offset of every line's first byte.
///
/// Lines of the pages are short (about 30 bytes), so a branch per newline (a `memchr` call or
/// a test per byte) mispredicts often: the newlines of 64 bytes are found at once, as a bit
/// mask, and four offsets are written per block whether or not they are all used (a block
/// holds about two).
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    // Moves the high bit of byte k (bit 8k + 7, shifted to 8k) to bit 56 + k.
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let mut starts = vec![0; bytes.len() / 16 + 8];
    let mut len = 1;
    let blocks = bytes.chunks_exact(64);
    let tail = blocks.remainder();
    for (b, block) in blocks.enumerate() {
        let mut mask = 0u64;
        for (k, chunk) in block.chunks_exact(8).enumerate() {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ NEWLINES;
            // The high bit of each byte that was a newline (now zero), and of no other byte.
            let zeros = !(((word & LOW) + LOW) | word | LOW);
            mask |= ((zeros >> 7).wrapping_mul(GATHER) >> 56) << (k * 8);
        }
        let count = mask.count_ones() as usize;
        if len + count.max(4) > starts.len() {
            starts.resize((len + count.max(4)) * 2, 0);
        }
        let first = b * 64 + 1;
        for k in 0..4 {
            starts[len + k] = first + mask.trailing_zeros() as usize;
            mask &= mask.wrapping_sub(1);
        }
        let mut k = 4;
        while mask != 0 {
            starts[len + k] = first + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            k += 1;
        }
        len += count;
    }
    starts.truncate(len);
    let base = bytes.len() - tail.len();
    starts.extend(tail.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| base + i + 1));
    starts
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        LineIndex { file, text, line_starts: line_starts(text.as_bytes()) }
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

#[cfg(test)]
mod tests {
    use super::line_starts;

    #[test]
    fn line_starts_are_the_offsets_after_each_newline() {
        let naive = |text: &[u8]| {
            let mut starts = vec![0];
            starts.extend(text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
            starts
        };
        // Every block shape: empty, short, newline-dense (more than four per 64 bytes), bytes
        // with the high bit set, lengths around the block size.
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"\n".to_vec(), b"a\nb".to_vec(), vec![b'\n'; 200]];
        for len in [63, 64, 65, 127, 128, 129, 300] {
            cases.push((0..len).map(|i| if i % 7 == 3 { b'\n' } else { b'a' + (i % 26) as u8 }).collect());
            cases.push((0..len).map(|i| if i % 3 == 0 { b'\n' } else { 0x8a }).collect());
            cases.push((0..len).map(|i| [b'\n', 0x0b, 0x8a, 0x09, 0xff][i % 5]).collect());
        }
        for case in cases {
            assert_eq!(line_starts(&case), naive(&case), "{case:?}");
        }
    }
}
