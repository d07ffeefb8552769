//! `cargo xtask regen` builds xtask alone; `cargo test --workspace` builds everything. Cargo
//! resolves features for the packages a command builds, and a crate built with other features is
//! another build of it, with everything above it. A fresh clone runs regen first, so every
//! crate xtask builds must get the features the whole workspace gives it, on the host side (proc
//! macros, build scripts) and the target side alike: then the test build reuses all of regen's
//! work, and syn, serde_json and the docs tools are built once, not once for the macro and once
//! for the tools. `xtask/Cargo.toml` turns the missing features on; this checks it stays so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Each package `cargo tree` lists, with the feature sets it is built with (one per side).
fn features(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let output = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["tree", "--locked", "--prefix", "none", "--format", "{p}|{f}"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo tree: {}", String::from_utf8_lossy(&output.stderr));
    let mut packages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else { continue };
        // `serde_json v1.0.1`, without a path or a `(proc-macro)` mark.
        let package = package.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let features = features.trim_end_matches(" (*)").to_owned();
        packages.entry(package).or_default().insert(features);
    }
    packages
}

#[test]
fn regen_builds_every_crate_as_the_workspace_test_build_does() {
    let alone = features(&["--package", "xtask", "--edges", "normal,build"]);
    let workspace = features(&["--workspace", "--edges", "normal,build,dev"]);
    assert!(alone.len() > 50, "{alone:?}");
    let mut differ = Vec::new();
    for (package, sets) in &alone {
        // Every feature the workspace turns on for this package, on any side.
        let all: BTreeSet<&str> =
            workspace[package].iter().flat_map(|set| set.split(',')).filter(|f| !f.is_empty()).collect();
        let all = all.into_iter().collect::<Vec<_>>().join(",");
        if sets.len() != 1 || !sets.contains(&all) {
            differ.push(format!("{package}: built by xtask with {sets:?}, by the workspace with [{all}]"));
        }
    }
    assert!(
        differ.is_empty(),
        "crates `cargo xtask regen` builds differently from `cargo test --workspace` (add the \
         features to xtask/Cargo.toml):\n{}",
        differ.join("\n")
    );
}
