//! `cargo xtask regen [--check]`: docs-spec/ → crates/plugchat-api/spec.json, plus snapshots.
//!
//! Writing goes through one compare-first helper; in check mode a difference is an error
//! naming the command to run. The spec file is compared as a JSON value, not as bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use plugchat_spec::Severity;

/// The docs tree the client is generated from.
pub(crate) const DOCS: &str = "docs-spec";
/// Where the macro reads the spec.
pub(crate) const SPEC_FILE: &str = "crates/plugchat-api/spec.json";

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_owned()
}

/// Reads docs-spec and renders the spec file's contents.
pub(crate) fn spec_json(root: &Path) -> Result<(String, String), String> {
    let (spec, diagnostics) = plugchat_spec::parse_tree(&root.join(DOCS));
    for diagnostic in &diagnostics {
        eprintln!("{diagnostic}");
    }
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(format!("{DOCS}/ has errors: fix them first (`cargo xtask check` lists them)"));
    }
    let mut json = serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())?;
    json.push('\n');
    let summary = format!(
        "pages: {}, operations: {}, diagnostics: {}",
        spec.pages.len(),
        spec.operations().count(),
        diagnostics.len()
    );
    Ok((json, summary))
}

/// Writes `contents` to `path` unless it already holds the same JSON value; in check mode,
/// fails instead of writing.
fn update_json(path: &Path, contents: &str, check: bool) -> Result<bool, String> {
    let current = std::fs::read_to_string(path).ok();
    let same = current.as_deref().and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
        == serde_json::from_str::<serde_json::Value>(contents).ok();
    if same {
        return Ok(false);
    }
    let shown = path.strip_prefix(workspace_root()).unwrap_or(path).display().to_string();
    if check {
        return Err(format!("{shown} is not up to date with {DOCS}/: run `cargo xtask regen`"));
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(true)
}

/// The tests owning snapshots that follow docs-spec, its generator or the parser.
const SNAPSHOT_TESTS: &[(&str, &str)] = &[
    ("plugchat-spec", "snapshots"),
    ("plugchat-codegen", "snapshots"),
    ("plugchat-spec", "corpus"),
    ("plugchat-tests", "webhook_payloads"),
];

/// Reruns the snapshot tests, letting insta rewrite every snapshot in place.
fn refresh_snapshots(root: &Path) -> Result<(), String> {
    for dir in ["crates/plugchat-spec/tests/snapshots", "crates/plugchat-codegen/tests/snapshots"] {
        // Snapshots of pages that no longer exist would be reported as unreferenced.
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().contains("__docs_spec__") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (package, test) in SNAPSHOT_TESTS {
        let status = Command::new(&cargo)
            .current_dir(root)
            .args(["test", "--quiet", "-p", package, "--test", test])
            .env("INSTA_UPDATE", "always")
            .env("INSTA_FORCE_PASS", "1")
            .status()
            .map_err(|e| format!("cannot run cargo test: {e}"))?;
        if !status.success() {
            return Err(format!("refreshing the snapshots of {package}/{test} failed (see the test output above)"));
        }
    }
    Ok(())
}

/// The generated modules are gated by one cargo feature per docs section: plugchat-api must
/// declare each, and enable each by default.
fn check_features(root: &Path, spec_json: &str) -> Result<(), String> {
    let spec: plugchat_spec::Spec = serde_json::from_str(spec_json).map_err(|e| e.to_string())?;
    let manifest = std::fs::read_to_string(root.join("crates/plugchat-api/Cargo.toml")).map_err(|e| e.to_string())?;
    let default = manifest.lines().find(|l| l.trim_start().starts_with("default =")).unwrap_or("");
    let missing: Vec<String> = plugchat_codegen::section_features(&spec)
        .into_iter()
        .filter(|f| {
            !manifest.lines().any(|l| l.trim_start().starts_with(&format!("{f} = ")))
                || !default.contains(&format!("\"{f}\""))
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crates/plugchat-api/Cargo.toml must declare, and enable by default, a feature per docs section; missing: {}",
            missing.join(", ")
        ))
    }
}

pub(crate) fn run(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let (json, summary) = spec_json(&root)?;
    check_features(&root, &json)?;
    let changed = update_json(&root.join(SPEC_FILE), &json, check)?;
    if !check {
        refresh_snapshots(&root)?;
        println!(
            "{} {SPEC_FILE}; snapshots refreshed (review with `git diff`)",
            if changed { "wrote" } else { "unchanged:" }
        );
    }
    println!("{summary}");
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A docs change without `cargo xtask regen` fails `cargo test`, not only CI.
    #[test]
    fn checked_in_spec_is_up_to_date() {
        if let Err(message) = super::run(true) {
            panic!("{message}");
        }
    }
}
