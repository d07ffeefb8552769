//! `cargo xtask bench-compile`: what plugchat-api costs to compile.
//!
//! Builds plugchat-api alone (its dependencies already built) in debug and release, and the
//! same generated code pre-expanded (written out as plain Rust in a scratch crate under
//! `target/bench-compile/` that shares the target directory, so it reuses the same built
//! dependencies). Each build is timed `runs` times after touching the crate's source; the
//! medians give seconds, seconds per operation, and the macro's overhead over pre-expanded code.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::regen::{SPEC_FILE, workspace_root};

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cargo build` in `dir` (with `args`), failing with its output on error.
fn build(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(cargo())
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .args(["build", "--quiet"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!(
            "cargo build {args:?} in {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(elapsed)
}

/// The median of `runs` builds, each after touching `source` so only that crate rebuilds.
fn median_build(dir: &Path, target_dir: &Path, source: &Path, args: &[&str], runs: usize) -> Result<Duration, String> {
    build(dir, target_dir, args)?; // dependencies, and a warm cache
    let mut times = Vec::new();
    for _ in 0..runs {
        let text = std::fs::read(source).map_err(|e| e.to_string())?;
        std::fs::write(source, text).map_err(|e| e.to_string())?;
        times.push(build(dir, target_dir, args)?);
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Writes the scratch crate holding the generated code as plain Rust; returns its directory.
fn write_preexpanded(root: &Path) -> Result<std::path::PathBuf, String> {
    let spec: plugchat_spec::Spec =
        serde_json::from_str(&std::fs::read_to_string(root.join(SPEC_FILE)).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let code = plugchat_codegen::generate(&spec).map_err(|e| e.to_string())?;
    let dir = root.join("target/bench-compile/preexpanded");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let features = plugchat_codegen::section_features(&spec);
    let feature_lines: String = features.iter().map(|f| format!("{f} = []\n")).collect();
    let default = features.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", ");
    let runtime = root.join("crates/plugchat-runtime");
    let manifest = format!(
        "[package]\nname = \"plugchat-api-preexpanded\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nplugchat-runtime = {{ path = \"{}\" }}\n\n[features]\ndefault = [{default}]\n{feature_lines}testing = []\n\n\
         [workspace]\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
        runtime.display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let source = format!(
        "//! plugchat-api's generated code, pre-expanded by `cargo xtask bench-compile`.\n#![allow(missing_docs)]\n{}",
        plugchat_codegen::pretty(code)
    );
    std::fs::write(dir.join("src/lib.rs"), source).map_err(|e| e.to_string())?;
    Ok(dir)
}

pub(crate) fn run(runs: usize) -> Result<(), String> {
    let root = workspace_root();
    let target_dir = root.join("target");
    let spec: plugchat_spec::Spec =
        serde_json::from_str(&std::fs::read_to_string(root.join(SPEC_FILE)).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let operations = spec.operations().count() as f64;
    let preexpanded = write_preexpanded(&root)?;
    let api_source = root.join("crates/plugchat-api/src/lib.rs");
    let pre_source = preexpanded.join("src/lib.rs");
    println!(
        "compile time of plugchat-api ({operations} operations), median of {runs} builds, dependencies already built:"
    );
    for (profile, args) in [("debug", vec![]), ("release", vec!["--release"])] {
        let mut api_args = vec!["-p", "plugchat-api"];
        api_args.extend(&args);
        let api = median_build(&root, &target_dir, &api_source, &api_args, runs)?;
        let pre = median_build(&preexpanded, &target_dir, &pre_source, &args, runs)?;
        println!(
            "  {profile:7} macro: {:.2} s ({:.4} s/operation)   pre-expanded: {:.2} s ({:.4} s/operation)   macro overhead: {:+.1}%",
            api.as_secs_f64(),
            api.as_secs_f64() / operations,
            pre.as_secs_f64(),
            pre.as_secs_f64() / operations,
            (api.as_secs_f64() / pre.as_secs_f64() - 1.0) * 100.0
        );
    }
    let one = median_build(
        &root,
        &target_dir,
        &api_source,
        &["-p", "plugchat-api", "--no-default-features", "--features", "message"],
        runs,
    )?;
    println!("  debug, only the `message` section: {:.2} s", one.as_secs_f64());
    Ok(())
}
