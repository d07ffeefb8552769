//! Where a tree to compare comes from: a directory, or the docs tree at a git revision of the
//! repository that holds it (read with `git ls-tree` and `git cat-file --batch`, into a
//! temporary directory).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use plugchat_spec::{Severity, Spec};

use super::Unparsed;

/// Why a tree could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("`{0}` is neither a directory nor a git revision of the repository holding the docs")]
    NotFound(String),
    #[error("git failed reading `{revision}`: {message}")]
    Git { revision: String, message: String },
    #[error("cannot stage `{revision}` in a temporary directory: {source}")]
    Io {
        revision: String,
        #[source]
        source: std::io::Error,
    },
}

/// A parsed tree and the pages that did not parse cleanly.
pub struct Tree {
    pub spec: Spec,
    pub errors: Vec<String>,
}

/// Parses `root`; errors are `path:line:col: message` relative to the root.
pub fn parse_dir(root: &Path) -> Tree {
    let (spec, diagnostics) = plugchat_spec::parse_tree(root);
    let prefix = format!("{}/", root.display().to_string().trim_end_matches('/'));
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string().replace(&prefix, ""))
        .collect();
    Tree { spec, errors }
}

/// Reads `spec` and parses it: a directory, or a git revision of the repository holding
/// `docs`, whose copy of `docs` at that revision is read.
pub fn load(spec: &str, docs: &Path) -> Result<Tree, SourceError> {
    let as_dir = Path::new(spec);
    if as_dir.is_dir() {
        return Ok(parse_dir(as_dir));
    }
    load_revision(spec, docs)
}

/// Reads the docs tree `docs` (a directory of a git work tree) as it was at `revision`, and
/// parses it.
pub fn load_revision(revision: &str, docs: &Path) -> Result<Tree, SourceError> {
    let not_found = |_| SourceError::NotFound(revision.to_owned());
    let line = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).trim_end_matches(['\n', '\r']).to_owned();
    let top = line(git(docs, revision, &["rev-parse", "--show-toplevel"]).map_err(not_found)?);
    let prefix = line(git(docs, revision, &["rev-parse", "--show-prefix"]).map_err(not_found)?);
    let docs_dir = match prefix.trim_end_matches('/') {
        "" => ".".to_owned(),
        dir => dir.to_owned(),
    };
    let staged = tempfile::tempdir().map_err(|source| SourceError::Io { revision: revision.to_owned(), source })?;
    let root = extract(revision, Path::new(&top), &docs_dir, staged.path())?;
    Ok(parse_dir(&root))
}

fn git(repository: &Path, revision: &str, args: &[&str]) -> Result<Vec<u8>, SourceError> {
    let output = Command::new("git")
        .current_dir(repository)
        .args(args)
        .output()
        .map_err(|e| SourceError::Git { revision: revision.to_owned(), message: e.to_string() })?;
    if !output.status.success() {
        return Err(SourceError::Git {
            revision: revision.to_owned(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(output.stdout)
}

/// Writes the files of `docs_dir` at `revision` under `into`; returns the tree's root there.
pub fn extract(revision: &str, repository: &Path, docs_dir: &str, into: &Path) -> Result<PathBuf, SourceError> {
    let io = |source| SourceError::Io { revision: revision.to_owned(), source };
    let commit = format!("{revision}^{{commit}}");
    if git(repository, revision, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        return Err(SourceError::NotFound(revision.to_owned()));
    }
    let listing = git(repository, revision, &["ls-tree", "-r", "-z", "--full-name", revision, "--", docs_dir])?;
    // `<mode> blob <object>\t<path>` records, NUL-separated.
    let entries: Vec<(String, String)> = listing
        .split(|b| *b == 0)
        .filter_map(|record| {
            let record = String::from_utf8_lossy(record);
            let (meta, path) = record.split_once('\t')?;
            let mut meta = meta.split(' ');
            let (_, kind, object) = (meta.next()?, meta.next()?, meta.next()?);
            (kind == "blob").then(|| (object.to_owned(), path.to_owned()))
        })
        .collect();
    let mut child = Command::new("git")
        .current_dir(repository)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(io)?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let objects: String = entries.iter().map(|(object, _)| format!("{object}\n")).collect();
    // Feed the names from a thread: git answers as it reads, and both pipes have limits.
    let feeder = std::thread::spawn(move || stdin.write_all(objects.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    for (_, path) in &entries {
        let mut header = String::new();
        stdout.read_line(&mut header).map_err(io)?;
        let size: usize =
            header.split_whitespace().nth(2).and_then(|s| s.parse().ok()).ok_or_else(|| SourceError::Git {
                revision: revision.to_owned(),
                message: format!("unexpected cat-file answer `{}`", header.trim()),
            })?;
        let mut contents = vec![0; size + 1];
        stdout.read_exact(&mut contents).map_err(io)?;
        contents.truncate(size);
        let target = into.join(path);
        std::fs::create_dir_all(target.parent().unwrap_or(into)).map_err(io)?;
        std::fs::write(target, contents).map_err(io)?;
    }
    feeder.join().expect("feeder thread").map_err(io)?;
    child.wait().map_err(io)?;
    Ok(into.join(docs_dir))
}

/// Pages with errors in either tree, for the diff's report.
pub fn unparsed(from: &Tree, to: &Tree) -> Vec<Unparsed> {
    let first_per_page = |tree: &'static str, errors: &[String]| {
        let mut seen = Vec::new();
        errors
            .iter()
            .filter(|error| {
                let page = error.split(':').next().unwrap_or_default().to_owned();
                let new = !seen.contains(&page);
                seen.push(page);
                new
            })
            .map(|error| Unparsed { tree, error: error.clone() })
            .collect::<Vec<_>>()
    };
    let mut all = first_per_page("from", &from.errors);
    all.extend(first_per_page("to", &to.errors));
    all
}
