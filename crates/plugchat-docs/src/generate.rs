//! `generate --docs DIR --out DIR`: a standalone client crate for any docs tree of this format:
//! `Cargo.toml` (depending on the published runtime and macro crates of this toolchain's
//! version, or on a checkout's with `--deps path=DIR`; a feature per docs section),
//! `spec.json`, and `src/lib.rs` with `include_api!`, plus [`MARKER`] listing them: without
//! `--force` it writes only into a new or empty directory, or one it wrote before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plugchat_spec::{Severity, Spec};

use crate::transaction::{Compare, FileSet, WriteError};

/// Where a generated crate finds `plugchat-macros` and `plugchat-runtime`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Deps {
    /// The published crates, at exactly this toolchain's version: the crate builds anywhere.
    #[default]
    Registry,
    /// Path dependencies on a plugchat-rs checkout (its root): for working offline and for
    /// the checkout's own tests. The crate then builds on this machine only.
    Path(PathBuf),
}

impl std::str::FromStr for Deps {
    type Err = String;

    /// `registry` or `path=DIR`.
    fn from_str(text: &str) -> Result<Deps, String> {
        match text.split_once('=') {
            None if text == "registry" => Ok(Deps::Registry),
            Some(("path", dir)) if !dir.is_empty() => {
                let dir = PathBuf::from(dir);
                Ok(Deps::Path(std::path::absolute(&dir).unwrap_or(dir)))
            }
            _ => Err(format!("`{text}`: expected `registry` or `path=DIR` (a plugchat-rs checkout)")),
        }
    }
}

/// Why no crate was written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("`{0}` is not a directory")]
    NoDocs(PathBuf),
    #[error("{0} page(s) have errors (listed above): fix them, or pass --allow-errors to leave them out")]
    PageErrors(usize),
    #[error("no base URL: the tree has no api.yml with `base_url`, and no page has a method line with a URL")]
    NoBaseUrl,
    #[error("the generator refuses the tree:\n{0}")]
    Generator(plugchat_codegen::Error),
    #[error("`{name}` is not a valid crate name: {reason}{hint}", hint = if *from_out {
        " (the name was taken from --out's directory: pass --name)"
    } else {
        ""
    })]
    CrateName {
        name: String,
        /// What cargo would say.
        reason: String,
        /// The name is `--out`'s directory name, not a `--name`.
        from_out: bool,
    },
    #[error(
        "`{}` holds files `generate` did not write (first: `{}`): nothing was written. Choose a new or \
         empty directory, or pass --force to overwrite {} in it",
        out.display(),
        foreign.display(),
        FILES.join(", ")
    )]
    NotOurs { out: PathBuf, foreign: PathBuf },
    #[error("`{0}` is not a directory: --out names the crate's directory")]
    OutNotADirectory(PathBuf),
    #[error("cannot read `{}`: {source}", path.display())]
    ReadOut {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` is not a plugchat-rs checkout (no crates/plugchat-runtime/Cargo.toml in it)")]
    NotACheckout(PathBuf),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What was generated.
pub struct Generated {
    /// Pages left out for their errors, as `path:line:col: message`.
    pub left_out: Vec<String>,
    pub operations: usize,
    pub features: Vec<String>,
}

/// The scheme and host most method lines use (`https://app.example.com`): operation paths are
/// then full paths, so any prefix the pages share stays in them.
fn base_url_from_pages(spec: &Spec) -> Option<String> {
    let mut hosts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, operation) in spec.operations() {
        let Some((scheme, rest)) = operation.url.split_once("://") else { continue };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if !host.is_empty() && !host.contains(['{', '}', ' ']) {
            *hosts.entry(format!("{scheme}://{host}")).or_default() += 1;
        }
    }
    hosts.into_iter().max_by_key(|(_, count)| *count).map(|(host, _)| host)
}

/// A dependency line on one of this toolchain's crates; `lean` leaves its default features out
/// (the runtime's `client`, which the generated crate's own `client` feature turns on).
fn dependency(krate: &str, deps: &Deps, lean: bool) -> String {
    let features = if lean { ", default-features = false" } else { "" };
    match deps {
        // Exact: the macro's code calls the runtime's private items, released in lockstep.
        Deps::Registry if !lean => format!("{krate} = \"={}\"\n", env!("CARGO_PKG_VERSION")),
        Deps::Registry => format!("{krate} = {{ version = \"={}\"{features} }}\n", env!("CARGO_PKG_VERSION")),
        Deps::Path(checkout) => {
            let path = checkout.join("crates").join(krate).display().to_string().replace('\\', "/");
            format!("{krate} = {{ path = {path:?}{features} }}\n")
        }
    }
}

fn cargo_toml(name: &str, docs: &Path, features: &[String], deps: &Deps, member: bool) -> String {
    let default = features.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", ");
    // The HTTP client is a feature like plugchat-api's: without it (`default-features = false`
    // and a section) the crate is the types and the webhook decoder, and compiles no reqwest,
    // hyper, tokio or rustls.
    let declared: String = features
        .iter()
        .map(|f| match f.as_str() {
            plugchat_codegen::CLIENT_FEATURE => {
                format!(
                    "# The HTTP client (`Client` and the builders' `send`).\n\"{f}\" = [\"plugchat-runtime/client\"]\n"
                )
            }
            _ => format!("\"{f}\" = []\n"),
        })
        .collect();
    // Only the tree's directory name: an absolute path would say where it was generated.
    let docs = docs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "docs".into());
    format!(
        "# Generated by `plugchat-docs generate` from the docs tree `{docs}`: run it again rather than edit.\n\
         [package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         description = \"A typed client generated from the API's documentation pages.\"\n\n\
         [dependencies]\n{macros}{runtime}\n\
         [features]\n# One feature per docs section.\ndefault = [{default}]\n{declared}\
         # `dynamic::call` and `dynamic::decode`: any operation by page id, from JSON.\ndynamic = []\n{workspace}",
        workspace =
            if member { "" } else { "\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n" },
        macros = dependency("plugchat-macros", deps, false),
        runtime = dependency("plugchat-runtime", deps, true),
    )
}

/// The file `generate` leaves beside the crate, listing the files it wrote: what lets a later
/// run overwrite them without `--force`.
pub const MARKER: &str = ".plugchat-generated";

/// The files `generate` writes, besides [`MARKER`].
const FILES: [&str; 3] = ["Cargo.toml", "spec.json", "src/lib.rs"];

/// The first line of the `Cargo.toml` `generate` writes; earlier versions left no [`MARKER`],
/// and a directory whose manifest starts so is theirs.
const CARGO_TOML_HEADER: &str = "# Generated by `plugchat-docs generate`";

fn marker() -> String {
    let mut text = "# Written by `plugchat-docs generate`: the files below are its own, and it writes them again\n\
                    # without --force. Files not listed are left alone. Delete this file to make it refuse the directory.\n"
        .to_owned();
    for file in FILES {
        text.push_str(file);
        text.push('\n');
    }
    text
}

/// The files of `out` a run may overwrite: those [`MARKER`] lists, or [`FILES`] when the
/// manifest is an earlier version's; `None` when `generate` did not write the directory.
fn own_files(out: &Path) -> Result<Option<Vec<String>>, GenerateError> {
    let read = |path: PathBuf| match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(GenerateError::ReadOut { path, source }),
    };
    if let Some(listed) = read(out.join(MARKER))? {
        let files = listed.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
        return Ok(Some(files.map(str::to_owned).collect()));
    }
    // Read as bytes: a user's manifest need not be UTF-8 to be theirs.
    let manifest = std::fs::read(out.join("Cargo.toml")).unwrap_or_default();
    Ok(manifest.starts_with(CARGO_TOML_HEADER.as_bytes()).then(|| FILES.map(str::to_owned).to_vec()))
}

/// The first file of `out` a run must not overwrite: any entry of a non-empty directory
/// `generate` did not write (a file it would overwrite named first), or in one it wrote, a file
/// it would overwrite that it did not list.
fn first_foreign(out: &Path) -> Result<Option<PathBuf>, GenerateError> {
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(GenerateError::ReadOut { path: out.to_owned(), source }),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| GenerateError::ReadOut { path: out.to_owned(), source })?;
        names.push(PathBuf::from(entry.file_name()));
    }
    if names.is_empty() {
        return Ok(None);
    }
    let present: Vec<&str> =
        FILES.into_iter().filter(|file| std::fs::symlink_metadata(out.join(file)).is_ok()).collect();
    Ok(match own_files(out)? {
        Some(own) => present.into_iter().find(|file| !own.iter().any(|o| o == file)).map(PathBuf::from),
        None => {
            names.sort();
            present.first().map(PathBuf::from).or_else(|| names.into_iter().next())
        }
    })
}

/// Rust keywords (strict, reserved and `_`): a crate named so cannot be `use`d.
const KEYWORDS: &[&str] = &[
    "_", "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do",
    "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Why cargo (or the generated crate) would refuse `name` as a package name, if it would:
/// cargo's rules for `cargo new`, restricted to ASCII.
fn crate_name_problem(name: &str) -> Option<String> {
    let first = name.chars().next()?;
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Some(format!("`{}` is not allowed (only ASCII letters, digits, `-` and `_`)", bad.escape_debug()));
    }
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Some(format!("it starts with `{first}` (the first character must be a letter or `_`)"));
    }
    let lib = name.replace('-', "_");
    if KEYWORDS.contains(&lib.as_str()) {
        return Some("it is a Rust keyword".to_owned());
    }
    if ["test", "core", "std", "alloc", "proc_macro"].contains(&lib.as_str()) {
        return Some("it is the name of a Rust built-in library".to_owned());
    }
    if ["plugchat_macros", "plugchat_runtime"].contains(&lib.as_str()) {
        return Some("the generated crate depends on a crate of that name".to_owned());
    }
    let windows = ["con", "prn", "aux", "nul"].contains(&name.to_ascii_lowercase().as_str())
        || (name.len() == 4
            && ["com", "lpt"].iter().any(|d| name[..3].eq_ignore_ascii_case(d))
            && name[3..].chars().all(|c| ('1'..='9').contains(&c)));
    windows.then(|| "it is a reserved file name on Windows".to_owned())
}

const LIB_RS: &str = "//! A typed client generated by `plugchat-docs generate`; see `spec.json` for what it was read from.\n\n\
                      #![allow(missing_docs)]\n\nplugchat_macros::include_api!(\"spec.json\");\n\n\
                      #[cfg(feature = \"client\")]\n\
                      pub use plugchat_runtime::{Error, RequestOptions, RetryPolicy};\n\
                      pub use plugchat_runtime::{Response, WebhookError};\n";

/// Generates the crate for `docs` into `out`, all files or none.
pub fn generate(options: &Options, name: &str) -> Result<Generated, GenerateError> {
    let Options { docs, out, allow_errors, deps, workspace_member: member, .. } = options;
    let (docs, out, allow_errors, member) = (docs.as_path(), out.as_path(), *allow_errors, *member);
    if !docs.is_dir() {
        return Err(GenerateError::NoDocs(docs.to_owned()));
    }
    if let Deps::Path(checkout) = deps
        && !checkout.join("crates/plugchat-runtime/Cargo.toml").is_file()
    {
        return Err(GenerateError::NotACheckout(checkout.clone()));
    }
    let problem = if name.is_empty() { Some("it is empty".to_owned()) } else { crate_name_problem(name) };
    if let Some(reason) = problem {
        return Err(GenerateError::CrateName { name: name.to_owned(), reason, from_out: options.name.is_none() });
    }
    if out.exists() && !out.is_dir() {
        return Err(GenerateError::OutNotADirectory(out.to_owned()));
    }
    if !options.force
        && let Some(foreign) = first_foreign(out)?
    {
        return Err(GenerateError::NotOurs { out: out.to_owned(), foreign });
    }
    let (mut spec, diagnostics) = plugchat_spec::parse_tree(docs);
    let prefix = format!("{}/", docs.display().to_string().trim_end_matches('/'));
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    for diagnostic in &errors {
        eprintln!("{diagnostic}");
    }
    if !errors.is_empty() && !allow_errors {
        return Err(GenerateError::PageErrors(errors.len()));
    }
    let mut left_out = Vec::new();
    spec.pages.retain(|page| {
        let shown = format!("{prefix}{}", page.file);
        match errors.iter().find(|d| d.location.file == shown) {
            Some(error) => {
                left_out.push(error.to_string().replace(&prefix, ""));
                false
            }
            None => true,
        }
    });
    if spec.base_url.is_none() {
        spec.base_url = Some(base_url_from_pages(&spec).ok_or(GenerateError::NoBaseUrl)?);
    }
    plugchat_codegen::generate(&spec).map_err(GenerateError::Generator)?;
    let features = plugchat_codegen::section_features(&spec);
    let mut files = FileSet::new(out);
    files.write("Cargo.toml", cargo_toml(name, docs, &features, deps, member), Compare::Text);
    files.write("spec.json", crate::spec_json(&spec), Compare::Json);
    files.write("src/lib.rs", LIB_RS.to_owned(), Compare::Text);
    files.write(MARKER, marker(), Compare::Text);
    files.apply()?;
    Ok(Generated { left_out, operations: spec.operations().count(), features })
}

/// What `generate` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The docs tree.
    pub docs: PathBuf,
    /// The crate's directory.
    pub out: PathBuf,
    /// The crate's name (default: the directory's name).
    pub name: Option<String>,
    /// Leave out pages with errors instead of refusing the tree.
    pub allow_errors: bool,
    /// Where the runtime and macro crates come from.
    pub deps: Deps,
    /// No `[workspace]` table: the crate joins an enclosing workspace.
    pub workspace_member: bool,
    /// Write into `out` even when it holds files `generate` did not write (overwriting
    /// its own files' names there).
    pub force: bool,
}

/// The command: generate, then say what was written.
pub fn run(options: &Options) -> Result<(), GenerateError> {
    let out = &options.out;
    let default_name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "client".into());
    let name = options.name.as_deref().unwrap_or(&default_name);
    let generated = generate(options, name)?;
    for page in &generated.left_out {
        println!("left out: {page}");
    }
    println!(
        "wrote {} (crate `{name}`): operations: {}, features: {}, pages left out: {}",
        out.display(),
        generated.operations,
        generated.features.join(" "),
        generated.left_out.len()
    );
    Ok(())
}
