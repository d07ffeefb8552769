//! `cargo xtask generate` on whole docs trees, then `cargo check` of what it wrote: the
//! adversarial tree in `tests/fixtures/adversarial` (names that collide after case
//! conversion, Rust keywords, repeated rows, sub-tables named like other operations' types,
//! sub-tables that hold themselves or each other, ids whose builders read alike (`type`,
//! `r-type`), very long and non-ASCII names) and the two upstream revisions of the corpus (ignored when
//! it is absent). What a user checks: the crate compiles, and the repairs are warnings naming
//! the page and line.
//!
//! The crates are generated with `--workspace-member` into a temporary workspace, synced into a
//! fixed one (`support::sync_dir`), and checked by one `cargo check` each, in `target/generated`,
//! so a warm run rechecks only what the generator changed. `check` finds every error and warning
//! a user's build would (the generated crates are libraries: there is nothing to link), and it
//! skips code generation for reqwest, tokio and the rest, which a cold run would otherwise spend
//! most of its time on.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).arg("--workspace").arg(root()).args(args).output().unwrap()
}

fn corpus(revision: &str) -> PathBuf {
    let docs = Path::new(env!("PLUGCHAT_CORPUS_DIR")).join(revision).join("docs");
    assert!(docs.is_dir(), "{} is missing", docs.display());
    docs
}

/// Generates the crate `name` from `docs` into `workspace/name`; returns xtask's stderr.
fn generate(workspace: &Path, docs: &Path, name: &str, allow_errors: bool) -> String {
    let out = workspace.join(name);
    let mut args = vec!["generate", "--docs", docs.to_str().unwrap(), "--out", out.to_str().unwrap()];
    // Path dependencies on this checkout: the published crates of this version may not exist yet.
    let deps = format!("path={}", root().display());
    args.extend(["--name", name, "--workspace-member", "--deps", &deps]);
    if allow_errors {
        args.push("--allow-errors");
    }
    let output = xtask(&args);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "generate {name}:\n{stdout}\n{stderr}");
    stderr.into_owned()
}

/// Checks the generated `crates` as one workspace made from `dir`, in the fixed directory
/// `stable` (`support::stable_dir`): no errors, no warnings.
fn build(staging: &Path, stable: &str, crates: &[&str]) {
    let members = crates.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    std::fs::write(staging.join("Cargo.toml"), format!("[workspace]\nresolver = \"3\"\nmembers = [{members}]\n"))
        .unwrap();
    // The workspace's lock, so the generated crates build against the versions it tests.
    std::fs::copy(root().join("Cargo.lock"), staging.join("Cargo.lock")).unwrap();
    let dir = support::stable_dir(stable);
    support::sync_dir(staging, &dir);
    let build = support::cargo(&dir)
        .args(["check", "--workspace", "--all-features", "--message-format=short"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "the generated crates do not compile:\n{stderr}");
    // Warnings in generated code are the user's noise: there must be none.
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "the generated crates compile with warnings:\n{}", warnings.join("\n"));
}

#[test]
fn adversarial_tree_generates_a_crate_that_compiles() {
    let adversarial = root().join("xtask/tests/fixtures/adversarial");
    // The invariant: a tree `check` passes without errors generates code that compiles.
    let check = xtask(&["check", "--docs", adversarial.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "the adversarial tree has errors:\n{report}");
    for repair in [
        "chats/repeated.md:60:1: warning[duplicate-attribute]: `phone` is listed twice in the response 200 table (first at line 57): this row is ignored",
        "chats/repeated.md:33:1: warning[required-and-optional]: `phone` is both required (line 24) and optional: read as required, this row is ignored",
        "chats/repeated.md:16:1: warning[duplicate-header]: header `ticket` is given twice (first at line 15): this row is ignored",
        "events/message-received.md:21:1: warning[duplicate-attribute]: `phone` is listed twice in the required fields table (first at line 19): this row is ignored",
    ] {
        assert!(report.contains(repair), "no `{repair}` in:\n{report}");
    }
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &adversarial, "adversarial", false);
    build(dir.path(), "adversarial", &["adversarial"]);
    types_only(&support::stable_dir("adversarial"), "adversarial", "groups");
}

/// The generated crate without its default features, with one section: it compiles with no
/// warnings, and its dependency tree has no HTTP stack (issue 27: a webhook receiver or another
/// HTTP client's user builds the types only).
fn types_only(dir: &Path, krate: &str, section: &str) {
    let cargo = |args: &[&str]| {
        support::cargo(dir)
            .args(args)
            .args(["-p", krate, "--no-default-features", "--features", section])
            .output()
            .unwrap()
    };
    let check = cargo(&["check", "--message-format=short"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{krate} without `client` does not compile:\n{stderr}");
    assert!(!stderr.lines().any(|l| l.contains("warning")), "{krate} without `client` warns:\n{stderr}");
    let tree = cargo(&["tree", "-e", "normal", "--prefix", "none", "--offline"]);
    assert!(tree.status.success(), "{}", String::from_utf8_lossy(&tree.stderr));
    let tree = String::from_utf8_lossy(&tree.stdout);
    for http in ["reqwest ", "hyper ", "tokio ", "rustls "] {
        assert!(!tree.lines().any(|l| l.starts_with(http)), "{krate} without `client` depends on {http}:\n{tree}");
    }
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn corpus_trees_generate_crates_that_compile() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &corpus("plugchat-docs"), "upstream", true);
    generate(dir.path(), &corpus("plugchat-docs-2022-03"), "upstream-2022-03", true);
    build(dir.path(), "upstream", &["upstream", "upstream-2022-03"]);
}

/// By default a generated crate names the published crates by version: its manifest holds no
/// path, so it builds wherever it is copied. `cargo package --list` accepts the manifest (a full
/// `cargo package` resolves the dependencies on crates.io, so it needs this version published).
#[test]
fn a_generated_crate_is_portable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let docs = root().join("xtask/tests/fixtures/adversarial");
    let output = xtask(&["generate", "--docs", docs.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(manifest.contains(&format!("plugchat-macros = \"={version}\"")), "{manifest}");
    assert!(
        manifest.contains(&format!("plugchat-runtime = {{ version = \"={version}\", default-features = false }}")),
        "{manifest}"
    );
    assert!(manifest.contains("\"client\" = [\"plugchat-runtime/client\"]"), "{manifest}");
    assert!(!manifest.contains("path ="), "{manifest}");
    assert!(!manifest.contains(&*root().to_string_lossy()), "an absolute path in:\n{manifest}");
    assert!(!manifest.contains(&*dir.path().to_string_lossy()), "an absolute path in:\n{manifest}");

    let package = support::cargo(&out).args(["package", "--list", "--allow-dirty", "--offline"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&package.stderr);
    assert!(package.status.success(), "cargo package refuses the generated crate:\n{stderr}");
    let listed = String::from_utf8_lossy(&package.stdout);
    for file in ["Cargo.toml", "spec.json", "src/lib.rs"] {
        assert!(listed.lines().any(|l| l == file), "{file} is not packaged:\n{listed}");
    }
}
