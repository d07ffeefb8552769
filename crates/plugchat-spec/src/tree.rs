//! A docs tree: every `.md` page under a directory, plus the tree's manifest.

use std::fs;
use std::path::{Path, PathBuf};

use yaml_rust2::YamlLoader;

use crate::ParseOptions;
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::model::{Location, SPEC_FORMAT_VERSION, Spec};
use crate::page::parse_page;

/// Name of the optional file at a docs tree's root holding what no page states.
pub const MANIFEST_FILE: &str = "api.yml";

/// The manifest's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `base_url:` the API's default base URL.
    pub base_url: Option<String>,
}

fn read_manifest(root: &Path, display: &str, diagnostics: &mut Vec<Diagnostic>) -> Manifest {
    let file = format!("{display}/{MANIFEST_FILE}");
    let Ok(text) = fs::read_to_string(root.join(MANIFEST_FILE)) else { return Manifest::default() };
    let index = LineIndex::new(&file, &text);
    match YamlLoader::load_from_str(&text) {
        Ok(docs) => Manifest { base_url: docs.first().and_then(|doc| doc["base_url"].as_str()).map(str::to_owned) },
        Err(error) => {
            let marker = error.marker();
            diagnostics.push(Diagnostic::error(
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

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>, skipped: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            markdown_files(&path, out, skipped)?;
        } else if path.extension().is_some_and(|ext| ext == "md") && !is_tree_document(&path) {
            out.push(path);
        } else if path.extension().is_none() && fs::read(&path).is_ok_and(|bytes| bytes.starts_with(b"---")) {
            skipped.push(path);
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
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    if let Err(error) = markdown_files(root, &mut files, &mut skipped) {
        diagnostics.push(Diagnostic::error(
            Location { file: display.clone(), line: 1, column: 1 },
            format!("cannot read the docs tree: {error}"),
        ));
    }
    for path in skipped {
        diagnostics.push(Diagnostic::warning(
            Location { file: path.display().to_string(), line: 1, column: 1 },
            "file looks like a page (it starts with front matter) but has no `.md` extension: not read",
        ));
    }
    let mut sources = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let relative: String =
            relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        match fs::read(&path) {
            Ok(bytes) => sources.push((relative, bytes)),
            Err(error) => diagnostics.push(Diagnostic::error(
                Location { file: format!("{display}/{relative}"), line: 1, column: 1 },
                format!("cannot read page: {error}"),
            )),
        }
    }
    let (spec, page_diagnostics) = parse_sources(&display, &sources, manifest.base_url);
    diagnostics.extend(page_diagnostics);
    (spec, diagnostics)
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
    for (relative, bytes) in sources {
        let shown = format!("{display}/{relative}");
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(error) => {
                let text = String::from_utf8_lossy(bytes);
                let valid = &text[..error.valid_up_to()];
                let index = LineIndex::new(&shown, valid);
                diagnostics.push(Diagnostic::warning(
                    index.location(valid.len()),
                    "page is not valid UTF-8: invalid bytes were replaced with U+FFFD",
                ));
                text
            }
        };
        let (page, page_diagnostics) = parse_page(relative, &text, &options);
        diagnostics.extend(page_diagnostics.into_iter().map(|mut d| {
            d.location.file = shown.clone();
            d
        }));
        pages.push(page);
    }
    diagnostics.extend(crate::crosscheck::cross_check(&pages).into_iter().map(|mut d| {
        d.location.file = format!("{display}/{}", d.location.file);
        d
    }));
    (Spec { format_version: SPEC_FORMAT_VERSION, base_url, pages }, diagnostics)
}
