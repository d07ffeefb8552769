//! Shared by the tests that build generated crates: they are generated into a temporary
//! directory, then synced into a fixed one under `target/generated/`, file by file and only
//! where the content changed. Cargo decides that a path crate is stale from its files' mtimes, so
//! a crate regenerated to the same bytes in a new temporary directory was rebuilt on every run;
//! synced, a warm run builds nothing the generator did not change.

use std::path::{Path, PathBuf};

/// The fixed directory `name` for built workspaces, under the checkout's `target/generated/`.
pub fn stable_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("target/generated/workspaces").join(name)
}

/// Makes `to` hold exactly the files of `from`: a file is written only when its bytes differ,
/// files `from` lacks are removed, and `to`'s own `target/` (if any) is left alone.
pub fn sync_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            if target.is_file() {
                std::fs::remove_file(&target).unwrap();
            }
            sync_dir(&source, &target);
        } else {
            let bytes = std::fs::read(&source).unwrap();
            if target.is_dir() {
                std::fs::remove_dir_all(&target).unwrap();
            }
            if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&target, bytes).unwrap();
            }
        }
    }
    for entry in std::fs::read_dir(to).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || from.join(&name).exists() {
            continue;
        }
        let path = entry.path();
        if path.is_dir() { std::fs::remove_dir_all(path).unwrap() } else { std::fs::remove_file(path).unwrap() }
    }
}
