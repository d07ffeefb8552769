//! Writing generated files all-or-nothing.
//!
//! `regen` first computes every file it owns, then hands them to a [`FileSet`]: it compares
//! each with what is on disk (JSON files as values, the rest as text), and either reports the
//! stale ones (check mode) or writes them. Writing stages each new file beside its target and
//! renames it into place; if any step fails, every file already replaced or removed is put
//! back as it was, so a failed regen leaves the work tree untouched. No crate does this
//! journal-and-rollback over a set of files, hence this module.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// How two versions of a file are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Byte for byte.
    Text,
    /// As JSON values: formatting differences do not count.
    Json,
}

/// A change the set would make, relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Write(PathBuf),
    Create(PathBuf),
    Remove(PathBuf),
}

impl Change {
    pub fn path(&self) -> &Path {
        match self {
            Change::Write(p) | Change::Create(p) | Change::Remove(p) => p,
        }
    }
}

/// Why writing the set failed; the tree was restored.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {path}: {source} (nothing was changed: every file is as it was)")]
pub struct WriteError {
    action: &'static str,
    path: String,
    #[source]
    source: io::Error,
}

/// Files a command owns, with their wanted contents, under one root.
pub struct FileSet {
    root: PathBuf,
    writes: Vec<(PathBuf, String, Compare)>,
    removals: Vec<PathBuf>,
}

/// What a file looked like before the set touched it, to restore it.
enum Original {
    Absent,
    Present(Vec<u8>),
}

impl FileSet {
    pub fn new(root: &Path) -> Self {
        FileSet { root: root.to_owned(), writes: Vec::new(), removals: Vec::new() }
    }

    /// Wants `relative` to hold `contents`.
    pub fn write(&mut self, relative: impl Into<PathBuf>, contents: String, compare: Compare) {
        self.writes.push((relative.into(), contents, compare));
    }

    /// Wants `relative` gone (if it exists).
    pub fn remove(&mut self, relative: impl Into<PathBuf>) {
        self.removals.push(relative.into());
    }

    /// The changes applying the set would make, in a stable order.
    pub fn changes(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        for (relative, contents, compare) in &self.writes {
            match fs::read(self.root.join(relative)) {
                Err(_) => changes.push(Change::Create(relative.clone())),
                Ok(current) if !same(&current, contents, *compare) => changes.push(Change::Write(relative.clone())),
                Ok(_) => {}
            }
        }
        for relative in &self.removals {
            if self.root.join(relative).exists() {
                changes.push(Change::Remove(relative.clone()));
            }
        }
        changes.sort_by(|a, b| a.path().cmp(b.path()));
        changes
    }

    /// Proves every path of the set stays under the root before anything is written: each is
    /// relative and made of plain names (no `..`, no root, no drive), and the deepest of its
    /// directories that exists is, once symbolic links are resolved, inside the root. A docs
    /// page's id is part of regen's snapshot names: `pwn/../../../../tmp/x/PWNED` once wrote
    /// `/tmp/x/PWNED.snap`.
    pub fn check_contained(&self) -> Result<(), WriteError> {
        let paths = self.writes.iter().map(|(p, ..)| (p, "write")).chain(self.removals.iter().map(|p| (p, "remove")));
        for (relative, action) in paths {
            contained(&self.root, relative).map_err(|why| WriteError {
                action,
                path: relative.display().to_string(),
                source: io::Error::new(io::ErrorKind::InvalidInput, why),
            })?;
        }
        Ok(())
    }

    /// Applies every change, or none: on the first failure everything done so far is undone.
    /// A path leading out of the root fails it before anything is written.
    pub fn apply(&self) -> Result<Vec<Change>, WriteError> {
        self.check_contained()?;
        let changes = self.changes();
        let mut journal: Vec<(PathBuf, Original)> = Vec::new();
        let result = self.apply_changes(&changes, &mut journal);
        if result.is_err() {
            for (path, original) in journal.into_iter().rev() {
                // Best effort: the original bytes are in memory, so a restore can only fail
                // where the very same write just succeeded.
                let _ = match original {
                    Original::Absent => fs::remove_file(&path),
                    Original::Present(bytes) => fs::write(&path, bytes),
                };
            }
        }
        result.map(|()| changes)
    }

    fn apply_changes(&self, changes: &[Change], journal: &mut Vec<(PathBuf, Original)>) -> Result<(), WriteError> {
        for change in changes {
            let path = self.root.join(change.path());
            let shown = change.path().display().to_string();
            let original = match fs::read(&path) {
                Ok(bytes) => Original::Present(bytes),
                Err(_) => Original::Absent,
            };
            match change {
                Change::Remove(_) => {
                    fs::remove_file(&path).map_err(|source| WriteError { action: "remove", path: shown, source })?;
                }
                Change::Write(relative) | Change::Create(relative) => {
                    let contents =
                        &self.writes.iter().find(|(p, ..)| p == relative).expect("a change comes from a write").1;
                    replace(&path, contents.as_bytes()).map_err(|source| WriteError {
                        action: "write",
                        path: shown,
                        source,
                    })?;
                }
            }
            journal.push((path, original));
        }
        Ok(())
    }
}

/// Why `relative` would not stay under `root`, if it would not.
fn contained(root: &Path, relative: &Path) -> Result<(), String> {
    let plain = relative.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || relative.as_os_str().is_empty() {
        return Err(format!(
            "the path is not a plain relative path (no `..`, `.`, root or drive) under {}",
            root.display()
        ));
    }
    // The root itself may not exist yet (`generate --out new-dir`): then nothing under it does.
    let Ok(canonical_root) = fs::canonicalize(root) else { return Ok(()) };
    let mut existing = root.join(relative);
    existing.pop();
    // `symlink_metadata`: a dangling link counts as existing, and then cannot be resolved.
    while fs::symlink_metadata(&existing).is_err() && existing.pop() {}
    match fs::canonicalize(&existing) {
        Ok(directory) if directory.starts_with(&canonical_root) => Ok(()),
        Ok(directory) => Err(format!(
            "a symbolic link leads out of {}: `{}` is {}",
            root.display(),
            existing.strip_prefix(root).unwrap_or(&existing).display(),
            directory.display()
        )),
        Err(error) => Err(format!("cannot resolve `{}`: {error}", existing.display())),
    }
}

fn same(current: &[u8], wanted: &str, compare: Compare) -> bool {
    match compare {
        Compare::Text => current == wanted.as_bytes(),
        Compare::Json => {
            let current = serde_json::from_slice::<serde_json::Value>(current).ok();
            current.is_some() && current == serde_json::from_str::<serde_json::Value>(wanted).ok()
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so `path`
/// holds either its old or its new contents, never a torn write.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staged = parent.join(format!(".{name}.regen-tmp"));
    fs::write(&staged, bytes)?;
    fs::rename(&staged, path).inspect_err(|_| {
        let _ = fs::remove_file(&staged);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_halfway_restores_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.txt"), "old a").unwrap();
        fs::write(root.join("gone.txt"), "old gone").unwrap();
        // `c.txt` is a non-empty directory: renaming a file over it fails.
        fs::create_dir_all(root.join("c.txt/inside")).unwrap();
        let mut set = FileSet::new(root);
        set.write("a.txt", "new a".into(), Compare::Text);
        set.write("b.txt", "new b".into(), Compare::Text);
        set.write("c.txt", "new c".into(), Compare::Text);
        set.remove("gone.txt");
        let error = set.apply().unwrap_err().to_string();
        assert!(error.starts_with("cannot write c.txt:"), "{error}");
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "old a");
        assert!(!root.join("b.txt").exists());
        assert_eq!(fs::read_to_string(root.join("gone.txt")).unwrap(), "old gone");
        let leftovers: Vec<_> = fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 3, "{leftovers:?}");
    }

    #[test]
    fn json_is_compared_as_values() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("s.json"), "{\"a\": 1,\n \"b\": [2]}").unwrap();
        let mut set = FileSet::new(dir.path());
        set.write("s.json", "{\"a\":1,\"b\":[2]}".into(), Compare::Json);
        assert!(set.changes().is_empty());
        set.write("t.json", "{}".into(), Compare::Json);
        assert_eq!(set.changes(), vec![Change::Create("t.json".into())]);
    }

    /// Root and outside side by side in one temporary directory.
    fn root_and_outside() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let base = tempfile::tempdir().unwrap();
        let (root, outside) = (base.path().join("root"), base.path().join("outside"));
        fs::create_dir_all(root.join("snapshots")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        (base, root, outside)
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    /// A `..` (a page id in a snapshot name) or an absolute path fails the set before anything
    /// is written, even the files listed before it.
    #[test]
    fn a_path_leading_out_of_the_root_fails_before_anything_is_written() {
        let (_base, root, outside) = root_and_outside();
        for escaping in [
            PathBuf::from("snapshots/snapshots__docs_spec__pwn/../../../outside/PWNED.snap"),
            outside.join("PWNED.snap"),
        ] {
            let mut set = FileSet::new(&root);
            set.write("first.txt", "x".into(), Compare::Text);
            set.write(&escaping, "pwned".into(), Compare::Text);
            let error = set.apply().unwrap_err().to_string();
            assert_eq!(
                error,
                format!(
                    "cannot write {}: the path is not a plain relative path (no `..`, `.`, root or drive) under {} (nothing was changed: every file is as it was)",
                    escaping.display(),
                    root.display()
                )
            );
            assert_eq!(entries(&outside), Vec::<String>::new());
            assert_eq!(entries(&root), ["snapshots"]);
        }
        let mut set = FileSet::new(&root);
        set.remove("../outside/kept");
        fs::write(outside.join("kept"), "kept").unwrap();
        assert!(set.apply().unwrap_err().to_string().starts_with("cannot remove ../outside/kept: the path is not"));
        assert_eq!(entries(&outside), ["kept"]);
    }

    /// A directory of the root that is a symbolic link to elsewhere (`src` → a user's
    /// directory) is not written through.
    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_root_is_not_written_through() {
        let (_base, root, outside) = root_and_outside();
        std::os::unix::fs::symlink(&outside, root.join("src")).unwrap();
        let mut set = FileSet::new(&root);
        set.write("Cargo.toml", "x".into(), Compare::Text);
        set.write("src/deep/lib.rs", "pwned".into(), Compare::Text);
        let error = set.apply().unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "cannot write src/deep/lib.rs: a symbolic link leads out of {}: `src` is {} (nothing was changed: every file is as it was)",
                root.display(),
                fs::canonicalize(&outside).unwrap().display()
            )
        );
        assert_eq!(entries(&outside), Vec::<String>::new());
        assert_eq!(entries(&root), ["snapshots", "src"]);
        // A link that stays inside the root is a directory like any other.
        fs::remove_file(root.join("src")).unwrap();
        std::os::unix::fs::symlink(root.join("snapshots"), root.join("src")).unwrap();
        set.apply().unwrap();
        assert_eq!(fs::read_to_string(root.join("snapshots/deep/lib.rs")).unwrap(), "pwned");
    }
}
