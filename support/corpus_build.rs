// Shared by the build scripts of the two crates whose tests read the upstream corpus (xtask and
// plugchat-tests, neither published), through `include!`.
//
// libtest cannot mark a test ignored at run time, so the decision is made here, at build time:
// when the corpus is absent, the crate is compiled with `cfg(corpus_missing)` and its corpus
// tests carry `#[cfg_attr(corpus_missing, ignore = "...")]`, so `cargo test` lists them as
// ignored with the reason, never as passed. With `PLUGCHAT_REQUIRE_CORPUS=1` (CI) a missing
// corpus fails the build instead.

use std::path::{Path, PathBuf};

/// The corpus directory: `$PLUGCHAT_CORPUS` (relative to the workspace root) or
/// `../shared/corpus` beside the workspace.
fn corpus_dir(workspace: &Path) -> PathBuf {
    match std::env::var_os("PLUGCHAT_CORPUS") {
        Some(dir) if !dir.is_empty() => workspace.join(dir),
        _ => workspace.join("../shared/corpus"),
    }
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=../support/corpus_build.rs");
    println!("cargo::rerun-if-env-changed=PLUGCHAT_CORPUS");
    println!("cargo::rerun-if-env-changed=PLUGCHAT_REQUIRE_CORPUS");
    println!("cargo::rustc-check-cfg=cfg(corpus_missing)");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest.parent().expect("the crate is a directory of the workspace");
    let corpus = corpus_dir(workspace);
    let corpus = std::path::absolute(&corpus).unwrap_or(corpus);
    println!("cargo::rustc-env=PLUGCHAT_CORPUS_DIR={}", corpus.display());
    if corpus.join("plugchat-docs/docs").is_dir() {
        // Watched only when present: a missing path would make cargo rerun this script, and
        // rebuild every test of the crate, on every build.
        println!("cargo::rerun-if-changed={}", corpus.display());
        return;
    }
    let required = std::env::var_os("PLUGCHAT_REQUIRE_CORPUS").is_some_and(|v| !v.is_empty() && v != "0");
    if required {
        panic!(
            "PLUGCHAT_REQUIRE_CORPUS is set but the upstream corpus is not at {}: put it there or set PLUGCHAT_CORPUS",
            corpus.display()
        );
    }
    println!("cargo::rustc-cfg=corpus_missing");
}
