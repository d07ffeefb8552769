//! What `cargo publish` needs of every published crate, read from `cargo metadata`: the
//! metadata crates.io shows, version requirements on sibling crates, the license files, and a
//! `rust-version` that is true: at least the `rust-version` of every crate in Cargo.lock that
//! the published crates build (normal and build dependencies, every platform).
//! (`cargo package --workspace` in `.ci/run` then packages and builds each one.)

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn metadata() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let output = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap()).collect();
    parts.resize(3, 0);
    parts
}

/// Crates that `publish` allows (no `publish = false`).
fn published(metadata: &Value) -> Vec<&Value> {
    let members: BTreeSet<&str> =
        metadata["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()) && p["publish"] != serde_json::json!([]))
        .collect()
}

#[test]
fn every_published_crate_has_what_crates_io_needs() {
    let metadata = metadata();
    let crates = published(&metadata);
    let names: BTreeSet<&str> = crates.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for expected in ["plugchat-api", "plugchat-runtime", "plugchat-macros", "plugchat-codegen", "plugchat-docs"] {
        assert!(names.contains(expected), "{expected} is not published: {names:?}");
    }
    assert!(!names.contains("xtask") && !names.contains("plugchat-tests"), "{names:?}");
    let mut problems = Vec::new();
    for krate in &crates {
        let name = krate["name"].as_str().unwrap();
        for field in ["description", "license", "repository", "readme", "rust_version", "documentation"] {
            if !krate[field].is_string() {
                problems.push(format!("{name}: no {field}"));
            }
        }
        for field in ["keywords", "categories"] {
            if krate[field].as_array().is_none_or(Vec::is_empty) {
                problems.push(format!("{name}: no {field}"));
            }
        }
        let dir = Path::new(krate["manifest_path"].as_str().unwrap()).parent().unwrap();
        for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
            if !dir.join(file).is_file() {
                problems.push(format!("{name}: no {file}"));
            }
        }
        for dependency in krate["dependencies"].as_array().unwrap() {
            // A path dependency outside dev-dependencies must also name a version.
            if dependency["path"].is_string() && dependency["kind"] != "dev" && dependency["req"] == "*" {
                problems.push(format!("{name}: no version requirement on {}", dependency["name"]));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_declared_rust_version_is_true_for_every_dependency() {
    let metadata = metadata();
    let crates = published(&metadata);
    let declared = crates[0]["rust_version"].as_str().expect("a rust-version").to_owned();
    for krate in &crates {
        assert_eq!(krate["rust_version"].as_str(), Some(declared.as_str()), "{} does not inherit it", krate["name"]);
    }
    let packages: HashMap<&str, &Value> =
        metadata["packages"].as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap(), p)).collect();
    let nodes: HashMap<&str, &Value> =
        metadata["resolve"]["nodes"].as_array().unwrap().iter().map(|n| (n["id"].as_str().unwrap(), n)).collect();
    let mut stack: Vec<&str> = crates.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let mut seen = BTreeSet::new();
    let mut too_new = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let package = packages[id];
        if let Some(needed) = package["rust_version"].as_str()
            && version(needed) > version(&declared)
        {
            too_new.push(format!("{} {} needs {needed}", package["name"], package["version"]));
        }
        for dependency in nodes[id]["deps"].as_array().unwrap() {
            let built = dependency["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"] != "dev");
            if built {
                stack.push(dependency["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(seen.len() > 100, "only {} crates walked", seen.len());
    assert!(too_new.is_empty(), "rust-version {declared} is not enough:\n{}", too_new.join("\n"));
}
