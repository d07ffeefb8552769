//! `cargo xtask release [--dry-run] [--since REV] [--bump LEVEL]`: the next version of the
//! published crates, from the API diff since the last release.
//!
//! The last release is the tag `v<version>` of the workspace's current version (or `--since`).
//! The diff of docs-spec from there to the work tree gives the bump, Cargo's semver rules give
//! the version (`plugchat_docs::diff::next_version`: on 0.x a major change bumps the minor
//! number), and the release writes it, all or nothing, into `[workspace.package]` (which every
//! published crate inherits) and the exact requirements of `[workspace.dependencies]`, then
//! prepends a `CHANGELOG.md` entry made from the diff. It commits, tags and publishes nothing:
//! it prints the commands that do. The API diff cannot see changes to hand-written code (the
//! runtime); `--bump` raises the level for those.

use std::path::Path;
use std::process::Command;

use plugchat_docs::diff::{self, Bump};
use plugchat_docs::transaction::{Compare, FileSet, WriteError};
use toml_edit::DocumentMut;

use crate::regen::DOCS;

const MANIFEST: &str = "Cargo.toml";
const CHANGELOG: &str = "CHANGELOG.md";
const CHANGELOG_HEADER: &str =
    "# Changelog\n\nEvery release of the published crates, newest first, written by `cargo xtask release`.\n\n";

/// Why no release was prepared. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReleaseError {
    #[error("cannot read {path}: {message}")]
    Manifest { path: String, message: String },
    #[error("{0}")]
    Version(String),
    #[error(transparent)]
    Source(#[from] diff::source::SourceError),
    #[error(
        "{version} is already prepared in {CHANGELOG} but not tagged: commit it and run `git tag v{version}`, then release again"
    )]
    Untagged { version: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The `--bump` option: at least this level, whatever the API diff says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Level {
    Patch,
    Minor,
    Major,
}

impl From<Level> for Bump {
    fn from(level: Level) -> Bump {
        match level {
            Level::Patch => Bump::Patch,
            Level::Minor => Bump::Minor,
            Level::Major => Bump::Major,
        }
    }
}

/// What a release would do.
pub(crate) enum Plan {
    /// Nothing changed since the last release.
    Nothing { since: String, current: String },
    /// The next version, its changelog entry, and the files with their new contents.
    Release { current: String, next: String, entry: String, files: FileSet },
}

/// `[workspace.package] version` of the workspace at `root`.
fn read_manifest(root: &Path) -> Result<(DocumentMut, String), ReleaseError> {
    let error = |message: String| ReleaseError::Manifest { path: MANIFEST.to_owned(), message };
    let text = std::fs::read_to_string(root.join(MANIFEST)).map_err(|e| error(e.to_string()))?;
    let manifest: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| error(e.to_string()))?;
    let version = manifest
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .ok_or_else(|| error("no `[workspace.package] version`".into()))?
        .to_owned();
    Ok((manifest, version))
}

/// The workspace's version, for `cargo xtask diff` to name the next one.
pub(crate) fn workspace_version(root: &Path) -> Option<String> {
    read_manifest(root).ok().map(|(_, version)| version)
}

/// Sets a string value, keeping the spaces and comment around the old one.
fn replace_keeping_decor(item: &mut toml_edit::Item, text: &str) {
    let mut value = toml_edit::Value::from(text);
    if let Some(old) = item.as_value() {
        *value.decor_mut() = old.decor().clone();
    }
    *item = toml_edit::Item::Value(value);
}

/// `next` as the exact requirement on every workspace crate a manifest names (the entries
/// with both a `path` and a `version`), in `[workspace.dependencies]` and a crate's own tables.
fn bump_requirements(manifest: &mut DocumentMut, next: &str) {
    let mut tables: Vec<&mut dyn toml_edit::TableLike> = Vec::new();
    for (name, item) in manifest.iter_mut() {
        match name.get() {
            "dependencies" | "dev-dependencies" | "build-dependencies" => tables.extend(item.as_table_like_mut()),
            "workspace" => tables.extend(item.get_mut("dependencies").and_then(|d| d.as_table_like_mut())),
            _ => {}
        }
    }
    for dependencies in tables {
        for (_, dependency) in dependencies.iter_mut() {
            if let Some(table) = dependency.as_table_like_mut()
                && table.contains_key("path")
                && let Some(version) = table.get_mut("version")
            {
                replace_keeping_decor(version, &format!("={next}"));
            }
        }
    }
}

/// The crates' own manifests (`crates/*/Cargo.toml`), relative to the root.
fn member_manifests(root: &Path) -> Vec<String> {
    let mut manifests: Vec<String> = std::fs::read_dir(root.join("crates"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| format!("crates/{}/Cargo.toml", entry.file_name().to_string_lossy()))
        .filter(|manifest| root.join(manifest).is_file())
        .collect();
    manifests.sort();
    manifests
}

fn tag_exists(root: &Path, tag: &str) -> bool {
    Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "--verify", "--quiet", &format!("refs/tags/{tag}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Today as `YYYY-MM-DD` (UTC), or from `SOURCE_DATE_EPOCH` when set (reproducible builds).
fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
    });
    // Howard Hinnant's days-to-civil algorithm: no date crate for one line of a changelog.
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Works out the release without writing anything.
pub(crate) fn plan(root: &Path, since: Option<&str>, at_least: Option<Level>) -> Result<Plan, ReleaseError> {
    let (manifest, current) = read_manifest(root)?;
    let changelog = std::fs::read_to_string(root.join(CHANGELOG)).unwrap_or_default();
    let docs = root.join(DOCS);
    let tag = format!("v{current}");
    let since = match since {
        Some(revision) => Some(revision.to_owned()),
        None if tag_exists(root, &tag) => Some(tag),
        None if changelog.contains(&format!("\n## {current} (")) => {
            return Err(ReleaseError::Untagged { version: current });
        }
        // The current version was never released: the first release is that version.
        None => None,
    };
    let date = today();
    let (next, entry) = match &since {
        Some(since) => {
            let from = diff::source::load_revision(since, &docs)?;
            let mut api_diff = diff::between(&from, &diff::source::parse_dir(&docs));
            api_diff.bump = api_diff.bump.max(at_least.map_or(Bump::None, Bump::from));
            if api_diff.bump == Bump::None {
                return Ok(Plan::Nothing { since: since.clone(), current });
            }
            let next = diff::next_version(&current, api_diff.bump).map_err(ReleaseError::Version)?;
            let entry = diff::changelog_entry(&api_diff, &next, &date, since);
            (next, entry)
        }
        None => {
            let spec = diff::source::parse_dir(&docs).spec;
            let events = spec.pages.iter().filter(|p| p.callback.is_some()).count();
            let operations = spec.operations().count();
            let entry = format!(
                "## {current} ({date})\n\nFirst release: {operations} operations, {events} webhook events.\n\n"
            );
            (current.clone(), entry)
        }
    };
    let mut files = FileSet::new(root);
    let mut manifest = manifest;
    replace_keeping_decor(&mut manifest["workspace"]["package"]["version"], &next);
    bump_requirements(&mut manifest, &next);
    files.write(MANIFEST, manifest.to_string(), Compare::Text);
    for path in member_manifests(root) {
        let error = |message: String| ReleaseError::Manifest { path: path.clone(), message };
        let text = std::fs::read_to_string(root.join(&path)).map_err(|e| error(e.to_string()))?;
        let mut member: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| error(e.to_string()))?;
        bump_requirements(&mut member, &next);
        files.write(&path, member.to_string(), Compare::Text);
    }
    let rest = changelog.strip_prefix(CHANGELOG_HEADER).unwrap_or(&changelog);
    files.write(CHANGELOG, format!("{CHANGELOG_HEADER}{entry}{rest}"), Compare::Text);
    Ok(Plan::Release { current, next, entry, files })
}

/// The command.
pub(crate) fn run(
    root: &Path,
    dry_run: bool,
    since: Option<&str>,
    at_least: Option<Level>,
) -> Result<(), ReleaseError> {
    match plan(root, since, at_least)? {
        Plan::Nothing { since, current } => {
            println!("nothing to release: the API has not changed since {since} (version {current})");
            println!("(changes to hand-written code are not in the API diff: `--bump patch` releases them)");
        }
        Plan::Release { current, next, entry, files } => {
            let verb = if dry_run { "would release" } else { "released" };
            if current == next {
                println!("{verb} {next} (its first release)");
            } else {
                println!("{verb} {next} (from {current})");
            }
            println!("\n{entry}");
            if dry_run {
                println!("dry run: nothing written ({MANIFEST} and {CHANGELOG} would change)");
                return Ok(());
            }
            for change in files.apply()? {
                println!("updated {}", change.path().display());
            }
            println!("\nnext:");
            println!("  cargo update --workspace          # Cargo.lock follows the new versions");
            println!("  git commit -am \"Release {next}\"");
            println!("  git tag v{next}");
            println!("  cargo publish --workspace");
        }
    }
    Ok(())
}
