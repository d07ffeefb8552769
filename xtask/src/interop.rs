//! `cargo xtask interop`: the OpenAPI document through the tools other people use, and a round
//! trip in another language.
//!
//! 1. Installs pinned tools from the package registries into `target/interop/` (npm:
//!    Spectral and Redocly; PyPI: openapi-python-client, with ruff, in a venv), once: a second
//!    run finds them and installs nothing.
//! 2. Lints `crates/plugchat-api/openapi.json` with Spectral (`interop/.spectral.yaml`) and
//!    Redocly (`interop/redocly.yaml`): any error or warning fails.
//! 3. Generates a Python client with `--fail-on-warning`.
//! 4. Starts `plugchat-mock` on a free loopback port and runs `interop/call_every_operation.py`,
//!    which calls every documented page through the generated client with its example values
//!    and checks each answer decodes.
//!
//! Never part of `cargo test` (it needs the registries once); `.ci/run` runs it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const SPECTRAL: (&str, &str) = ("@stoplight/spectral-cli", "6.16.3");
const REDOCLY: (&str, &str) = ("@redocly/cli", "2.77.0");
const GENERATOR: (&str, &str) = ("openapi-python-client", "0.29.1");
const DOCUMENT: &str = "crates/plugchat-api/openapi.json";

#[derive(Debug, thiserror::Error)]
pub(crate) enum InteropError {
    #[error("cannot run `{program}`: {source} (is it installed?)")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status}){output}")]
    Failed { command: String, status: String, output: String },
    #[error("{0}")]
    Check(String),
}

/// A command line, for messages.
fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs `command` to its end; its output (both streams) is returned, and printed when it fails.
fn run(command: &mut Command) -> Result<String, InteropError> {
    let line = describe(command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|source| InteropError::Spawn { program: line.clone(), source })?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        Ok(text)
    } else {
        Err(InteropError::Failed { command: line, status: output.status.to_string(), output: format!(":\n{text}") })
    }
}

/// The version an npm package installed under `prefix` declares.
fn npm_version(prefix: &Path, package: &str) -> Option<String> {
    let manifest = prefix.join("node_modules").join(package).join("package.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(manifest).ok()?).ok()?;
    json["version"].as_str().map(str::to_owned)
}

/// The pinned npm tools, installed into `prefix` unless already there.
fn install_npm(prefix: &Path) -> Result<(), InteropError> {
    let pins = [SPECTRAL, REDOCLY];
    if pins.iter().all(|(package, version)| npm_version(prefix, package).as_deref() == Some(*version)) {
        return Ok(());
    }
    eprintln!("interop: installing {} into {}", pins.map(|(p, v)| format!("{p}@{v}")).join(", "), prefix.display());
    let mut command = Command::new("npm");
    command.args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(prefix);
    command.args(pins.map(|(p, v)| format!("{p}@{v}")));
    run(&mut command).map(drop)
}

/// A venv at `venv` holding the pinned generator (and its dependencies: ruff, httpx, attrs,
/// which the generated client needs too), made unless already there.
fn install_python(venv: &Path) -> Result<(), InteropError> {
    let python = venv.join("bin/python");
    let (package, version) = GENERATOR;
    let installed = Command::new(&python)
        .args(["-m", "pip", "show", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == format!("Version: {version}")));
    if installed {
        return Ok(());
    }
    eprintln!("interop: installing {package}=={version} into {}", venv.display());
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(venv))?;
    }
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("{package}=={version}")))
    .map(drop)
}

/// Spectral with `interop/.spectral.yaml`: any result, down to a hint, fails.
fn lint_spectral(root: &Path, node: &Path, document: &Path) -> Result<(), InteropError> {
    let output = run(Command::new(node.join("node_modules/.bin/spectral"))
        .args(["lint", "--fail-severity", "hint", "--ruleset"])
        .arg(root.join("interop/.spectral.yaml"))
        .arg(document))?;
    println!("spectral {}: {}", SPECTRAL.1, output.trim());
    Ok(())
}

/// Redocly with `interop/redocly.yaml`: any error or warning fails (Redocly itself exits 0 on
/// warnings, so the JSON report's totals are read).
fn lint_redocly(root: &Path, node: &Path, document: &Path) -> Result<(), InteropError> {
    let mut command = Command::new(node.join("node_modules/.bin/redocly"));
    command
        .args(["lint", "--format", "json", "--config"])
        .arg(root.join("interop/redocly.yaml"))
        .arg(document)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .stderr(Stdio::null());
    let line = describe(&command);
    let output = command.output().map_err(|source| InteropError::Spawn { program: line.clone(), source })?;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| InteropError::Check(format!("`{line}` printed no JSON report ({e})")))?;
    let (errors, warnings) = (&report["totals"]["errors"], &report["totals"]["warnings"]);
    println!("redocly {}: {errors} errors, {warnings} warnings", REDOCLY.1);
    if errors != 0 || warnings != 0 || !output.status.success() {
        let problems: Vec<String> = report["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| format!("{} {}: {}", p["severity"], p["ruleId"], p["message"]))
            .collect();
        return Err(InteropError::Check(format!("Redocly reports problems:\n{}", problems.join("\n"))));
    }
    Ok(())
}

/// The Python client of `document`, written to `out/generated_client`; a warning fails.
fn generate_client(venv: &Path, document: &Path, out: &Path) -> Result<(), InteropError> {
    if out.exists() {
        std::fs::remove_dir_all(out)
            .map_err(|e| InteropError::Check(format!("cannot remove {}: {e}", out.display())))?;
    }
    // The generator formats its output with ruff, found on PATH (the venv's).
    let path = std::env::join_paths(
        std::iter::once(venv.join("bin")).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .map_err(|e| InteropError::Check(format!("PATH: {e}")))?;
    let output = run(Command::new(venv.join("bin/openapi-python-client"))
        .args(["generate", "--meta", "none", "--fail-on-warning", "--path"])
        .arg(document)
        .arg("--output-path")
        .arg(out.join("generated_client"))
        .env("PATH", path))?;
    let lower = output.to_lowercase();
    if lower.contains("warning") || lower.contains("unable") {
        return Err(InteropError::Check(format!("openapi-python-client warned:\n{output}")));
    }
    let endpoints = walk_py(&out.join("generated_client/api"));
    println!("openapi-python-client {}: generated, no warnings, {endpoints} endpoint modules", GENERATOR.1);
    Ok(())
}

/// The `.py` modules under `dir` other than packages' `__init__.py`.
fn walk_py(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                walk_py(&path)
            } else {
                usize::from(path.extension().is_some_and(|e| e == "py") && !path.ends_with("__init__.py"))
            }
        })
        .sum()
}

/// The mock server, stopped when dropped.
struct Mock(Child);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds plugchat-mock and starts it on a free loopback port; returns it and its base URL
/// (the first line it prints).
fn start_mock(root: &Path) -> Result<(Mock, String), InteropError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = run(Command::new(&cargo).current_dir(root).args([
        "build",
        "--quiet",
        "-p",
        "plugchat-mock",
        "--bin",
        "plugchat-mock",
        "--message-format",
        "json",
    ]))?;
    let executable = output
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == "plugchat-mock")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| InteropError::Check("cargo built no plugchat-mock executable".to_owned()))?;
    let mut child = Command::new(&executable)
        .args(["--host", "127.0.0.1", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| InteropError::Spawn { program: executable.display().to_string(), source })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mock = Mock(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| InteropError::Check(format!("plugchat-mock printed no base URL: {e}")))?;
    let base_url = line.trim().to_owned();
    if !base_url.starts_with("http://127.0.0.1:") {
        return Err(InteropError::Check(format!("plugchat-mock printed `{base_url}`, not a loopback base URL")));
    }
    Ok((mock, base_url))
}

/// The command.
pub(crate) fn run_all(root: &Path) -> Result<(), InteropError> {
    let dir = root.join("target/interop");
    let (node, venv, client) = (dir.join("node"), dir.join("venv"), dir.join("client"));
    let document = root.join(DOCUMENT);
    install_npm(&node)?;
    install_python(&venv)?;
    lint_spectral(root, &node, &document)?;
    lint_redocly(root, &node, &document)?;
    generate_client(&venv, &document, &client)?;
    let (_mock, base_url) = start_mock(root)?;
    println!("plugchat-mock at {base_url}");
    let mut command = Command::new(venv.join("bin/python"));
    command
        .arg(root.join("interop/call_every_operation.py"))
        .arg("--document")
        .arg(&document)
        .arg("--client")
        .arg(&client)
        .args(["--base-url", &base_url]);
    let line = describe(&command);
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|source| InteropError::Spawn { program: line.clone(), source })?;
    if !status.success() {
        return Err(InteropError::Failed { command: line, status: status.to_string(), output: String::new() });
    }
    Ok(())
}
