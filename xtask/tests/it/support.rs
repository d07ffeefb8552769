//! Shared by the tests that build generated crates: they are generated into a temporary
//! directory, then synced into a fixed one under `target/generated/`, file by file and only
//! where the content changed. Cargo decides that a path crate is stale from its files' mtimes, so
//! a crate regenerated to the same bytes in a new temporary directory was rebuilt on every run;
//! synced, a warm run builds nothing the generator did not change.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo` in `dir` on the shared target dir `target/generated`, without the variables `cargo
/// test` sets for a test process (`OUT_DIR`, `CARGO_MANIFEST_DIR`, `CARGO_PKG_NAME`, ...).
/// Build scripts such as ring's rerun when those change (`rerun-if-env-changed`): without this,
/// this binary run by `cargo test` and then by hand (or by `cargo test -p xtask` after `cargo
/// test --workspace`) rebuilt ring, rustls, reqwest and every generated crate (10 to 15 s).
pub fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || [
                "OUT_DIR",
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&&*name)
        {
            command.env_remove(&*name);
        }
    }
    command.current_dir(dir).env("CARGO_TARGET_DIR", workspace_root().join("target/generated"));
    command
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The fixed directory `name` for built workspaces, under the checkout's `target/generated/`.
pub fn stable_dir(name: &str) -> PathBuf {
    workspace_root().join("target/generated/workspaces").join(name)
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
