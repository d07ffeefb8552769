//! How `cargo xtask check` and `cargo xtask regen` print diagnostics: one renderer, four
//! formats.
//!
//! - `text`: `path:line:col: level[rule]: message`, sorted by path and line, optionally with
//!   the source line and a caret under the column, like rustc;
//! - `json`: one document `{"diagnostics": [...], "pages", "endpoints", "errors", "warnings", "notes"}`;
//! - `sarif`: SARIF 2.1.0 for GitHub code scanning, each result with its `ruleId`;
//! - `github`: GitHub Actions workflow commands (`::warning file=…,line=…,col=…,title=…::message`).
//!
//! SARIF and the workflow commands are small, fixed shapes, written here with `serde_json`
//! and `format!` rather than through a SARIF crate: the few fields GitHub reads are all we
//! emit, and a test checks them against the schema's required fields.

use std::collections::HashMap;
use std::fmt::Write as _;

use plugchat_spec::{Diagnostic, Rule, Severity};
use serde_json::{Value, json};

/// The output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: level[rule]: message` lines, then a summary.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

/// What to print besides the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub format: Format,
    /// Print notes too (they are counted either way).
    pub notes: bool,
    /// In text, the source line and a caret under the column.
    pub snippets: bool,
}

/// What was read: the tree's root as diagnostics name it, and its size.
pub struct Tree<'a> {
    /// The prefix of diagnostics' paths that names the docs root (`docs-spec`); JSON paths
    /// are relative to it.
    pub root: &'a str,
    pub pages: usize,
    pub endpoints: usize,
}

/// Diagnostics counted by level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let count = |level| diagnostics.iter().filter(|d| d.severity == level).count();
        Counts { errors: count(Severity::Error), warnings: count(Severity::Warning), notes: count(Severity::Note) }
    }
}

/// `diagnostics` sorted by path, line and column (the order pages were read is not the order
/// a reader looks for them), without notes unless asked for.
pub fn shown<'d>(diagnostics: &'d [Diagnostic], options: &Options) -> Vec<&'d Diagnostic> {
    let mut shown: Vec<&Diagnostic> =
        diagnostics.iter().filter(|d| options.notes || d.severity != Severity::Note).collect();
    shown.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
    shown
}

/// The path of a diagnostic relative to the docs root.
fn relative<'p>(path: &'p str, root: &str) -> &'p str {
    let root = root.trim_end_matches('/');
    path.strip_prefix(root).and_then(|rest| rest.strip_prefix('/')).unwrap_or(path)
}

/// The last line of a text report: `pages: N, endpoints: M, errors: E, warnings: W, notes: K`.
pub fn summary(tree: &Tree<'_>, counts: Counts) -> String {
    format!(
        "pages: {}, endpoints: {}, errors: {}, warnings: {}, notes: {}",
        tree.pages, tree.endpoints, counts.errors, counts.warnings, counts.notes
    )
}

/// The whole report in `options.format`.
pub fn render(diagnostics: &[Diagnostic], tree: &Tree<'_>, options: &Options) -> String {
    let shown = shown(diagnostics, options);
    let counts = Counts::of(diagnostics);
    match options.format {
        Format::Text => {
            let mut out = text(&shown, options.snippets);
            let hidden = if options.notes || counts.notes == 0 { "" } else { " (notes shown with --notes)" };
            let _ = writeln!(out, "{}{hidden}", summary(tree, counts));
            out
        }
        Format::Json => {
            let diagnostics: Vec<Value> = shown
                .iter()
                .map(|d| {
                    json!({
                        "path": relative(&d.location.file, tree.root),
                        "line": d.location.line,
                        "column": d.location.column,
                        "severity": d.severity.as_str(),
                        "rule": d.rule.id(),
                        "message": d.message,
                    })
                })
                .collect();
            let document = json!({
                "diagnostics": diagnostics,
                "pages": tree.pages,
                "endpoints": tree.endpoints,
                "errors": counts.errors,
                "warnings": counts.warnings,
                "notes": counts.notes,
            });
            serde_json::to_string_pretty(&document).expect("JSON values serialise") + "\n"
        }
        Format::Sarif => serde_json::to_string_pretty(&sarif(&shown)).expect("JSON values serialise") + "\n",
        Format::Github => shown.iter().map(|d| github(d) + "\n").collect(),
    }
}

/// Text lines; with `snippets`, each followed by its source line and a caret, like rustc.
pub fn text(diagnostics: &[&Diagnostic], snippets: bool) -> String {
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
        // A link not followed may lead to a secret: its file is never opened, for a snippet either.
        if !snippets || diagnostic.rule == Rule::SymlinkNotFollowed {
            continue;
        }
        let file = diagnostic.location.file.as_str();
        let source = sources.entry(file).or_insert_with(|| std::fs::read_to_string(file).ok());
        let Some(line) = source.as_deref().and_then(|s| s.lines().nth(diagnostic.location.line as usize - 1)) else {
            continue;
        };
        let number = diagnostic.location.line.to_string();
        let gutter = " ".repeat(number.len());
        // The caret goes under the column's character; tabs keep their width.
        let before: String = line
            .chars()
            .take(diagnostic.location.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{gutter} |\n{number} | {line}\n{gutter} | {before}^");
    }
    out
}

/// SARIF's level for ours: the same three words.
fn sarif_level(severity: Severity) -> &'static str {
    severity.as_str()
}

/// A SARIF 2.1.0 log with one run: every rule in the driver, one result per diagnostic.
pub fn sarif(diagnostics: &[&Diagnostic]) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id(),
                "shortDescription": { "text": rule.meaning() },
                "help": { "text": rule.fix() },
                "defaultConfiguration": { "level": sarif_level(rule.default_level()) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "ruleId": d.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule).expect("every rule is in Rule::ALL"),
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.location.file },
                        "region": { "startLine": d.location.line.max(1), "startColumn": d.location.column.max(1) },
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "plugchat-check", "rules": rules } },
            "results": results,
        }],
    })
}

/// A workflow command's data: `%`, CR and LF escaped (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,` (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::warning file=…,line=…,col=…,title=…::message`; notes are `::notice`.
pub fn github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    format!(
        "::{command} file={},line={},col={},title={}::{}",
        escape_property(&diagnostic.location.file),
        diagnostic.location.line,
        diagnostic.location.column,
        escape_property(diagnostic.rule.id()),
        escape_data(&diagnostic.message)
    )
}

#[cfg(test)]
mod tests {
    use plugchat_spec::{Diagnostic, Location, Rule, Severity};
    use serde_json::Value;

    fn diagnostic(file: &str, line: u32, column: u32, rule: Rule, message: &str) -> Diagnostic {
        Diagnostic::new(rule, Location { file: file.to_owned(), line, column }, message)
    }

    /// The fields SARIF 2.1.0's schema (sarif-schema-2.1.0.json) requires of every object we
    /// emit, and the values it constrains. Written by hand: the schema is not vendored and
    /// tests have no network.
    fn sarif_violations(log: &Value) -> Vec<String> {
        fn require(errors: &mut Vec<String>, object: &Value, path: &str, fields: &[&str]) {
            for field in fields {
                if object.get(field).is_none() {
                    errors.push(format!("{path}: missing required `{field}`"));
                }
            }
        }
        let mut errors = Vec::new();
        require(&mut errors, log, "sarifLog", &["version", "runs"]);
        if log["version"] != "2.1.0" {
            errors.push("sarifLog.version must be \"2.1.0\"".into());
        }
        let levels = ["none", "note", "warning", "error"];
        for (r, run) in log["runs"].as_array().into_iter().flatten().enumerate() {
            require(&mut errors, run, &format!("runs[{r}]"), &["tool"]);
            require(&mut errors, &run["tool"], &format!("runs[{r}].tool"), &["driver"]);
            let driver = &run["tool"]["driver"];
            require(&mut errors, driver, &format!("runs[{r}].tool.driver"), &["name"]);
            let rules = driver["rules"].as_array().cloned().unwrap_or_default();
            for (i, rule) in rules.iter().enumerate() {
                let path = format!("runs[{r}].tool.driver.rules[{i}]");
                require(&mut errors, rule, &path, &["id"]);
                for text in ["shortDescription", "fullDescription", "help"] {
                    if let Some(message) = rule.get(text) {
                        require(&mut errors, message, &format!("{path}.{text}"), &["text"]);
                    }
                }
                if let Some(level) = rule["defaultConfiguration"].get("level")
                    && !levels.contains(&level.as_str().unwrap_or(""))
                {
                    errors.push(format!("{path}: level {level}"));
                }
            }
            for (i, result) in run["results"].as_array().into_iter().flatten().enumerate() {
                let path = format!("runs[{r}].results[{i}]");
                require(&mut errors, result, &path, &["message"]);
                if result["message"].get("text").is_none() && result["message"].get("id").is_none() {
                    errors.push(format!("{path}.message: needs `text` or `id`"));
                }
                if !levels.contains(&result["level"].as_str().unwrap_or("")) {
                    errors.push(format!("{path}: level {}", result["level"]));
                }
                let index = result["ruleIndex"].as_u64().map(|i| i as usize);
                if index.and_then(|i| rules.get(i)).map(|rule| &rule["id"]) != Some(&result["ruleId"]) {
                    errors.push(format!("{path}: ruleIndex does not point at ruleId {}", result["ruleId"]));
                }
                for location in result["locations"].as_array().into_iter().flatten() {
                    let physical = &location["physicalLocation"];
                    if physical.get("artifactLocation").is_none() && physical.get("address").is_none() {
                        errors.push(format!("{path}: physicalLocation needs `artifactLocation` or `address`"));
                    }
                    if !physical["artifactLocation"]["uri"].is_string() {
                        errors.push(format!("{path}: artifactLocation.uri must be a string"));
                    }
                    for field in ["startLine", "startColumn"] {
                        if physical["region"][field].as_u64().is_none_or(|n| n < 1) {
                            errors.push(format!("{path}: region.{field} must be an integer >= 1"));
                        }
                    }
                }
            }
        }
        errors
    }

    #[test]
    fn sarif_has_every_required_field_and_a_rule_id_per_result() {
        let diagnostics = [
            diagnostic("docs/b.md", 3, 1, Rule::JsonRepaired, "JSON example repaired: removed comments"),
            diagnostic("docs/a.md", 0, 0, Rule::DuplicateId, "id `x` is also the id of b.md"),
        ];
        let log = super::sarif(&diagnostics.iter().collect::<Vec<_>>());
        assert_eq!(sarif_violations(&log), Vec::<String>::new());
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results[0]["ruleId"], "json-repaired");
        assert_eq!(results[1]["level"], "error");
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), Rule::ALL.len());
        // The checker catches what it must: a result without message, a broken rule index.
        let mut broken = log.clone();
        broken["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
        broken["runs"][0]["results"][1]["ruleIndex"] = 0.into();
        assert_eq!(sarif_violations(&broken).len(), 3, "{:?}", sarif_violations(&broken));
    }

    #[test]
    fn github_commands_escape_data_and_properties() {
        let d = diagnostic("docs/a,b:c.md", 2, 5, Rule::ExampleKeyUnknown, "50% of\nthe key");
        assert_eq!(
            super::github(&d),
            "::warning file=docs/a%2Cb%3Ac.md,line=2,col=5,title=example-key-unknown::50%25 of%0Athe key"
        );
        let note = Diagnostic { severity: Severity::Note, ..d };
        assert!(super::github(&note).starts_with("::notice "));
    }

    /// With snippets, the source line follows, and the caret sits under the column.
    #[test]
    fn snippets_put_a_caret_under_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.md");
        std::fs::write(&file, "---\n| phone | Telefone |\n").unwrap();
        let file = file.display().to_string();
        let d = diagnostic(&file, 2, 11, Rule::TypeUnknown, "Tipo `Telefone` names no sub-table");
        let text = super::text(&[&d], true);
        assert_eq!(
            text,
            format!(
                "{file}:2:11: warning[type-unknown]: Tipo `Telefone` names no sub-table\n  |\n2 | | phone | Telefone |\n  |           ^\n"
            )
        );
        // A file that cannot be read prints the line alone.
        let gone = diagnostic("/no/such/page.md", 1, 1, Rule::TypeUnknown, "x");
        assert_eq!(super::text(&[&gone], true), "/no/such/page.md:1:1: warning[type-unknown]: x\n");
    }
}
