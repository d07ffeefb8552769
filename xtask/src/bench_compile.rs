//! `cargo xtask bench-compile`: what plugchat-api costs to compile.
//!
//! Builds plugchat-api alone (its dependencies already built) in debug and release, and the
//! same generated code pre-expanded (written out as plain Rust in a scratch crate under
//! `target/bench-compile/` that shares the target directory, so it reuses the same built
//! dependencies). Each build is timed `runs` times after touching the crate's source; the
//! medians give seconds, seconds per operation, and the macro's overhead over pre-expanded code.
//!
//! With `--cold`, what a user pays: a one-call consumer of plugchat-api and the same call
//! written by hand with reqwest + serde, each built from scratch (a fresh target dir, the same
//! lock file, no incremental compilation, as cargo builds registry dependencies), interleaved so
//! both see the same machine load.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::regen::{SPEC_FILE, workspace_root};

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cargo build` in `dir` (with `args` and the environment `env`), failing with its output
/// on error.
fn build(dir: &Path, target_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Duration, Error> {
    let started = Instant::now();
    let output = Command::new(cargo())
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .envs(env.iter().copied())
        .args(["build", "--quiet"])
        .args(args)
        .output()
        .map_err(Error::Cargo)?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(Error::CargoFailed {
            args: format!("build {args:?}"),
            dir: dir.to_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(elapsed)
}

/// The median of `runs` builds, each after touching `source` so only that crate rebuilds.
fn median_build(dir: &Path, target_dir: &Path, source: &Path, args: &[&str], runs: usize) -> Result<Duration, Error> {
    build(dir, target_dir, args, &[])?; // dependencies, and a warm cache
    let mut times = Vec::new();
    for _ in 0..runs {
        let text = std::fs::read(source).map_err(Error::io("read", source))?;
        std::fs::write(source, text).map_err(Error::io("write", source))?;
        times.push(build(dir, target_dir, args, &[])?);
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Writes the scratch crate holding the generated code as plain Rust; returns its directory.
fn write_preexpanded(root: &Path) -> Result<std::path::PathBuf, Error> {
    let spec: plugchat_spec::Spec =
        serde_json::from_str(&std::fs::read_to_string(root.join(SPEC_FILE)).map_err(Error::io("read", SPEC_FILE))?)
            .map_err(|source| Error::SpecFile { path: SPEC_FILE.into(), source })?;
    let code = plugchat_codegen::generate(&spec)?;
    let dir = root.join("target/bench-compile/preexpanded");
    std::fs::create_dir_all(dir.join("src")).map_err(Error::io("create", dir.join("src")))?;
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
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(Error::io("write", dir.join("Cargo.toml")))?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(Error::io("write", dir.join("Cargo.lock")))?;
    let source = format!(
        "//! plugchat-api's generated code, pre-expanded by `cargo xtask bench-compile`.\n#![allow(missing_docs)]\n{}",
        plugchat_codegen::pretty(code)
    );
    std::fs::write(dir.join("src/lib.rs"), source).map_err(Error::io("write", dir.join("src/lib.rs")))?;
    Ok(dir)
}

/// `main.rs` of the consumer that uses plugchat-api.
const WITH_API: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = plugchat_api::Client::builder().token("token").build().expect("client");
    match client.get_profile_picture().phone("5511999999999").send().await {
        Ok(pictures) => println!("{} pictures", pictures.len()),
        Err(error) => eprintln!("{error}"),
    }
}
"#;

/// `main.rs` of the same call written by hand.
const BY_HAND: &str = r#"#[derive(Debug, serde::Deserialize)]
struct Picture {
    link: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let answer = reqwest::Client::new()
        .get("https://app.plugchat.com.br/api/whatsapp/profile-picture")
        .query(&[("phone", "5511999999999")])
        .header("Authorization", "token")
        .send()
        .await;
    match answer {
        Ok(response) => match response.json::<Vec<Picture>>().await {
            Ok(pictures) => println!("{} pictures, first {:?}", pictures.len(), pictures.first().map(|p| &p.link)),
            Err(error) => eprintln!("{error}"),
        },
        Err(error) => eprintln!("{error}"),
    }
}
"#;

/// Writes a consumer crate; returns its directory.
fn write_consumer(root: &Path, name: &str, dependencies: &str, main: &str) -> Result<std::path::PathBuf, Error> {
    let dir = root.join("target/bench-compile").join(name);
    std::fs::create_dir_all(dir.join("src")).map_err(Error::io("create", dir.join("src")))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependencies}tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(Error::io("write", dir.join("Cargo.toml")))?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(Error::io("write", dir.join("Cargo.lock")))?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(Error::io("write", dir.join("src/main.rs")))?;
    Ok(dir)
}

/// How many crates `cargo build` compiles for `dir` (from its dependency tree).
fn crate_count(dir: &Path) -> Result<usize, Error> {
    let output = Command::new(cargo())
        .current_dir(dir)
        .args(["tree", "-e", "normal,build", "--prefix", "none"])
        .output()
        .map_err(Error::Cargo)?;
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    names.sort();
    names.dedup();
    Ok(names.len())
}

/// The consumer names plugchat-api by path, and cargo compiles path dependencies
/// incrementally, which costs a cold build about a second more; a user gets it from a registry,
/// which cargo never compiles incrementally. Both consumers build without it, so plugchat-api
/// is compiled the way a user's build compiles it (and the by-hand one loses nothing: all its
/// dependencies come from the registry).
const REGISTRY_LIKE: &[(&str, &str)] = &[("CARGO_INCREMENTAL", "0")];

/// Cold debug builds of the two consumers, interleaved; medians of `runs`.
pub(crate) fn run_cold(runs: usize) -> Result<(), Error> {
    let root = workspace_root();
    let api = root.join("crates/plugchat-api").display().to_string();
    let with_api =
        write_consumer(&root, "consumer-plugchat-api", &format!("plugchat-api = {{ path = \"{api}\" }}\n"), WITH_API)?;
    let by_hand = write_consumer(
        &root,
        "consumer-by-hand",
        "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"json\"] }\n\
         serde = { version = \"1\", features = [\"derive\"] }\n",
        BY_HAND,
    )?;
    let (mut api_times, mut hand_times) = (Vec::new(), Vec::new());
    for run in 0..runs {
        for (dir, times) in [(&with_api, &mut api_times), (&by_hand, &mut hand_times)] {
            let target = dir.join("target-cold");
            let _ = std::fs::remove_dir_all(&target);
            let elapsed = build(dir, &target, &[], REGISTRY_LIKE)?;
            println!(
                "  run {}: {}: {:.1} s",
                run + 1,
                dir.file_name().unwrap_or_default().to_string_lossy(),
                elapsed.as_secs_f64()
            );
            times.push(elapsed);
        }
    }
    api_times.sort();
    hand_times.sort();
    let (api, hand) = (api_times[runs / 2].as_secs_f64(), hand_times[runs / 2].as_secs_f64());
    println!(
        "cold debug build of a one-call consumer, median of {runs}: plugchat-api {api:.1} s ({} crates), \
         by hand with reqwest + serde {hand:.1} s ({} crates): {:.2}x",
        crate_count(&with_api)?,
        crate_count(&by_hand)?,
        api / hand
    );
    Ok(())
}

pub(crate) fn run(runs: usize) -> Result<(), Error> {
    let root = workspace_root();
    let target_dir = root.join("target");
    let spec: plugchat_spec::Spec =
        serde_json::from_str(&std::fs::read_to_string(root.join(SPEC_FILE)).map_err(Error::io("read", SPEC_FILE))?)
            .map_err(|source| Error::SpecFile { path: SPEC_FILE.into(), source })?;
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
