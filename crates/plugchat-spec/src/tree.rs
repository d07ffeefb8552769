//! A docs tree: every `.md` page under a directory, plus the tree's manifest.
//!
//! The manifest can set a rule's level or turn it off for the whole tree:
//!
//! ```yaml
//! lint:
//!   rules:
//!     optional-missing-from-example: off
//!     response-table-flat: error
//! ```
//!
//! and a page can silence rules where the docs are right, with an HTML comment (invisible in
//! the rendered page): `<!-- check: allow example-key-unknown, json-repaired -->`.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use yaml_rust2::Yaml;

use crate::ParseOptions;
use crate::diagnostic::{Diagnostic, LineIndex, Rule, Severity};
use crate::model::{Location, SPEC_FORMAT_VERSION, Spec};
use crate::page::parse_page;

/// Name of the optional file at a docs tree's root holding what no page states.
pub const MANIFEST_FILE: &str = "api.yml";

/// The manifest's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `base_url:` the API's default base URL.
    pub base_url: Option<String>,
    /// `lint: { rules: { <rule>: off|note|warning|error } }`: levels the tree sets, `None`
    /// for a rule turned off.
    pub rule_levels: Vec<(Rule, Option<Severity>)>,
}

impl Manifest {
    /// `diagnostics` at the levels the manifest sets, without the rules it turns off.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut d| match self.rule_levels.iter().find(|(rule, _)| *rule == d.rule) {
                Some((_, None)) => None,
                Some((_, Some(level))) => {
                    d.severity = *level;
                    Some(d)
                }
                None => Some(d),
            })
            .collect()
    }
}

/// The manifest's `lint.rules` map; a wrong level or an unknown rule is reported at its key.
fn rule_levels(
    doc: &Yaml,
    text: &str,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Rule, Option<Severity>)> {
    let lint = &doc["lint"];
    if lint.is_badvalue() {
        return Vec::new();
    }
    let rules = &lint["rules"];
    let Yaml::Hash(rules) = rules else {
        diagnostics.push(Diagnostic::new(
            Rule::ManifestInvalid,
            index.location(text.find("lint").unwrap_or(0)),
            "`lint` must hold `rules:`, a map from rule id to `off`, `note`, `warning` or `error`",
        ));
        return Vec::new();
    };
    let mut levels = Vec::new();
    for (key, value) in rules {
        let id = key.as_str().unwrap_or("");
        let at = index.location(text.find(id).filter(|_| !id.is_empty()).unwrap_or(0));
        let Some(rule) = Rule::from_id(id) else {
            diagnostics.push(Diagnostic::new(Rule::UnknownRule, at, format!("`lint.rules` names no rule `{id}`")));
            continue;
        };
        // YAML 1.1 reads a bare `off` as the boolean false.
        let level = match value {
            Yaml::Boolean(false) => Some(None),
            Yaml::String(name) if name == "off" => Some(None),
            Yaml::String(name) => Severity::from_name(name).map(Some),
            _ => None,
        };
        match level {
            Some(level) => levels.push((rule, level)),
            None => diagnostics.push(Diagnostic::new(
                Rule::ManifestInvalid,
                at,
                format!("the level of `{id}` must be `off`, `note`, `warning` or `error`"),
            )),
        }
    }
    levels
}

/// The rules a page silences with `<!-- check: allow rule-a, rule-b -->` comments (each once);
/// unknown ids are reported at their comment.
fn allowed_rules(file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Rule> {
    const OPEN: &str = "<!--";
    let mut allowed = Vec::new();
    // Built on the first unknown id only (most pages have none), and once: 1 MB of unknown
    // ids once rebuilt it per id and took seconds.
    let mut index: Option<LineIndex<'_>> = None;
    let mut from = 0;
    while let Some(start) = memchr::memmem::find(&text.as_bytes()[from..], OPEN.as_bytes()).map(|i| from + i) {
        // The close may overlap the open: `<!-->` and `<!--->` are whole (empty) comments.
        let end = memchr::memmem::find(&text.as_bytes()[start + 2..], b"-->").map_or(text.len(), |i| start + 2 + i);
        from = (end + 3).min(text.len());
        let comment = text.get(start + OPEN.len()..end).unwrap_or_default().trim();
        let Some(ids) = comment.strip_prefix("check:").map(str::trim).and_then(|c| c.strip_prefix("allow")) else {
            continue;
        };
        let mut at = None;
        for id in ids.split([',', ' ']).map(str::trim).filter(|id| !id.is_empty()) {
            match Rule::from_id(id) {
                // A short list (there are few rules), so `retain` below stays linear.
                Some(rule) if !allowed.contains(&rule) => allowed.push(rule),
                Some(_) => {}
                None => {
                    let at = at
                        .get_or_insert_with(|| index.get_or_insert_with(|| LineIndex::new(file, text)).location(start));
                    diagnostics.push(Diagnostic::new(
                        Rule::UnknownRule,
                        at.clone(),
                        format!("`check: allow` names no rule `{id}`"),
                    ))
                }
            }
        }
    }
    allowed
}

fn read_manifest(root: &Path, display: &str, diagnostics: &mut Vec<Diagnostic>) -> Manifest {
    let file = format!("{display}/{MANIFEST_FILE}");
    let path = root.join(MANIFEST_FILE);
    // As for pages: a manifest linked from outside the tree is not read (an error message
    // with a snippet would show its lines).
    let outside = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
        && !fs::canonicalize(&path)
            .is_ok_and(|target| fs::canonicalize(root).is_ok_and(|root| target.starts_with(root)));
    if outside {
        diagnostics.push(Diagnostic::new(
            Rule::SymlinkNotFollowed,
            Location { file: file.clone(), line: 1, column: 1 },
            format!("`{MANIFEST_FILE}` is a symbolic link to a file outside the docs tree: not read"),
        ));
        return Manifest::default();
    }
    let Ok(text) = fs::read_to_string(&path) else { return Manifest::default() };
    let index = LineIndex::new(&file, &text);
    match crate::yaml::load(&text) {
        Ok(docs) => {
            let Some(doc) = docs.first() else { return Manifest::default() };
            Manifest {
                base_url: doc["base_url"].as_str().map(str::to_owned),
                rule_levels: rule_levels(doc, &text, &index, diagnostics),
            }
        }
        Err(error) => {
            let marker = error.marker();
            diagnostics.push(Diagnostic::new(
                Rule::ManifestInvalid,
                index.relative(0, marker.line(), marker.col() + 1),
                format!("invalid manifest: {}", error.info()),
            ));
            Manifest::default()
        }
    }
}

/// `README.md`, `CORRECTIONS.md`, ...: files about the tree, not pages of the API. Their
/// names are upper case by the usual convention; page names are not.
fn is_tree_document(path: &Path) -> bool {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    stem.chars().any(|c| c.is_ascii_alphabetic()) && !stem.chars().any(|c| c.is_ascii_lowercase())
}

/// What the walk of a tree found.
#[derive(Default)]
struct Found {
    pages: Vec<PathBuf>,
    /// Files that start like a page but have no `.md` extension.
    without_extension: Vec<PathBuf>,
    /// Symbolic links not followed, and why.
    links: Vec<(PathBuf, &'static str)>,
}

/// Whether a file name is that of a page.
fn is_page_name(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "md") && !is_tree_document(path)
}

/// Whether a regular file starts with `---` (reads three bytes, not the file).
fn starts_like_a_page(path: &Path) -> bool {
    use std::io::Read;
    let mut start = Vec::with_capacity(3);
    fs::File::open(path).and_then(|file| file.take(3).read_to_end(&mut start)).is_ok() && start == b"---"
}

/// Walks `dir`, a directory of the tree whose canonical root is `root`. A symbolic link to a
/// directory is never followed (it may lead out of the tree, or loop), and a link to a file
/// outside the tree is never opened: its contents must not end up in a diagnostic or a spec.
fn markdown_files(root: &Path, dir: &Path, found: &mut Found) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let mut file_type = entry.file_type()?;
        if file_type.is_symlink() {
            match fs::canonicalize(&path) {
                Ok(target) if target.is_dir() => {
                    found
                        .links
                        .push((path, "is a symbolic link to a directory: not followed, the pages there are not read"));
                    continue;
                }
                Ok(target) if !target.starts_with(root) => {
                    if is_page_name(&path) {
                        found.links.push((path, "is a symbolic link to a file outside the docs tree: not read"));
                    }
                    continue;
                }
                Ok(target) => file_type = fs::metadata(target)?.file_type(),
                // A dangling link: a page that cannot be read, reported as such.
                Err(_) => {
                    if is_page_name(&path) {
                        found.pages.push(path);
                    }
                    continue;
                }
            }
        }
        if file_type.is_dir() {
            markdown_files(root, &path, found)?;
        } else if is_page_name(&path) {
            found.pages.push(path);
        } else if path.extension().is_none() && file_type.is_file() && starts_like_a_page(&path) {
            found.without_extension.push(path);
        }
    }
    Ok(())
}

/// Reads every `.md` page under `root` (in path order) and the manifest beside them.
///
/// Diagnostics name files as `root` joined with the page's relative path; the spec stores
/// relative paths so it does not change with the directory it was read from.
pub fn parse_tree(root: &Path) -> (Spec, Vec<Diagnostic>) {
    let display = root.display().to_string().trim_end_matches('/').to_owned();
    let mut diagnostics = Vec::new();
    let manifest = read_manifest(root, &display, &mut diagnostics);
    let mut found = Found::default();
    let walked = fs::canonicalize(root).and_then(|canonical| markdown_files(&canonical, root, &mut found));
    if let Err(error) = walked {
        diagnostics.push(Diagnostic::new(
            Rule::FileUnreadable,
            Location { file: display.clone(), line: 1, column: 1 },
            format!("cannot read the docs tree: {error}"),
        ));
    }
    for path in found.without_extension {
        diagnostics.push(Diagnostic::new(
            Rule::PageWithoutExtension,
            Location { file: path.display().to_string(), line: 1, column: 1 },
            "file looks like a page (it starts with front matter) but has no `.md` extension: not read",
        ));
    }
    for (path, why) in found.links {
        let relative = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        diagnostics.push(Diagnostic::new(
            Rule::SymlinkNotFollowed,
            Location { file: format!("{display}/{relative}"), line: 1, column: 1 },
            format!("`{relative}` {why}"),
        ));
    }
    let files = found.pages;
    let mut sources = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let relative: String =
            relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        match fs::read(&path) {
            Ok(bytes) => sources.push((relative, bytes)),
            Err(error) => diagnostics.push(Diagnostic::new(
                Rule::FileUnreadable,
                Location { file: format!("{display}/{relative}"), line: 1, column: 1 },
                format!("cannot read page: {error}"),
            )),
        }
    }
    let (spec, page_diagnostics) = parse_sources(&display, &sources, manifest.base_url.clone());
    diagnostics.extend(page_diagnostics);
    (spec, manifest.apply(diagnostics))
}

/// The first character of `name` that may not be in a page id or a section name (letters,
/// digits, `-` and `_` may), or `Err(())` for an empty name.
fn forbidden_character(name: &str) -> Result<Option<char>, ()> {
    if name.is_empty() {
        return Err(());
    }
    Ok(name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_'))))
}

/// `what` (`page id`, `section directory`) named `name` must be a plain name: it becomes file
/// names (regen's snapshots) and identifiers.
fn check_name(what: &str, name: &str, at: impl FnOnce() -> Location, diagnostics: &mut Vec<Diagnostic>) {
    const WHY: &str = "it names generated files and identifiers, so only letters, digits, `-` and `_` are allowed";
    let message = match forbidden_character(name) {
        Ok(None) => return,
        Ok(Some(c)) => format!("{what} `{}` holds {c:?}: {WHY}", name.escape_debug()),
        Err(()) => format!("{what} is empty: {WHY}"),
    };
    diagnostics.push(Diagnostic::new(Rule::NameInvalid, at(), message));
}

/// Reads pages already in memory: `(path relative to the tree, bytes)`, in the order given.
/// Diagnostics name files as `display/path`. This is [`parse_tree`] without the file system
/// (benchmarks and fuzzing use it).
pub fn parse_sources(
    display: &str,
    sources: &[(String, Vec<u8>)],
    base_url: Option<String>,
) -> (Spec, Vec<Diagnostic>) {
    let options = ParseOptions { base_url: base_url.clone() };
    let mut diagnostics = Vec::new();
    let mut pages = Vec::new();
    let mut allowed_by_page: HashMap<&str, Vec<Rule>> = HashMap::new();
    let mut sections_seen: HashSet<String> = HashSet::new();
    for (relative, bytes) in sources {
        let shown = format!("{display}/{relative}");
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(error) => {
                let text = String::from_utf8_lossy(bytes);
                let valid = &text[..error.valid_up_to()];
                let index = LineIndex::new(&shown, valid);
                diagnostics.push(Diagnostic::new(
                    Rule::PageNotUtf8,
                    index.location(valid.len()),
                    "page is not valid UTF-8: invalid bytes were replaced with U+FFFD",
                ));
                text
            }
        };
        let (page, mut page_diagnostics) = parse_page(relative, &text, &options);
        let id_at = || LineIndex::new(&shown, &text).location(crate::frontmatter::id_offset(&text).unwrap_or(0));
        check_name("page id", &page.id, id_at, &mut page_diagnostics);
        if relative.contains('/') && sections_seen.insert(page.section.clone()) {
            let at = || Location { file: format!("{display}/{}", page.section), line: 1, column: 1 };
            check_name("section directory", &page.section, at, &mut diagnostics);
        }
        let allowed = allowed_rules(relative, &text, &mut page_diagnostics);
        page_diagnostics.retain(|d| !allowed.contains(&d.rule));
        diagnostics.extend(page_diagnostics.into_iter().map(|mut d| {
            d.location.file = shown.clone();
            d
        }));
        if !allowed.is_empty() {
            allowed_by_page.entry(relative.as_str()).or_default().extend(allowed);
        }
        pages.push(page);
    }
    let allowed =
        |d: &Diagnostic| allowed_by_page.get(d.location.file.as_str()).is_some_and(|rules| rules.contains(&d.rule));
    crate::crosscheck::fix_values_telling_pages_apart(&mut pages);
    diagnostics.extend(crate::crosscheck::cross_check(&pages).into_iter().filter(|d| !allowed(d)).map(|mut d| {
        d.location.file = format!("{display}/{}", d.location.file);
        d
    }));
    (Spec { format_version: SPEC_FORMAT_VERSION, base_url, pages }, diagnostics)
}
