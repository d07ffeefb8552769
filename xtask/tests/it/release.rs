//! `cargo xtask release` on a temporary git repository with a real history: a workspace
//! manifest, a member crate and docs-spec with one page (the workflow fixture), tagged as
//! released; then an edit, a commit, a release; then a second release with no change.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MANIFEST: &str = r#"[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.3.1" # set by `cargo xtask release`
edition = "2024"

[workspace.dependencies]
plugchat-api = { path = "crates/plugchat-api", version = "=0.3.1" }
serde = "1"
"#;

const MEMBER: &str = r#"[package]
name = "plugchat-mock"
version.workspace = true

[dependencies]
plugchat-api = { path = "../plugchat-api", version = "=0.3.1", default-features = false }
serde.workspace = true
"#;

const PAGE: &str = "docs-spec/message/send-message-text.md";

struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workflow/send-message-text.md");
        std::fs::create_dir_all(root.join("docs-spec/message")).unwrap();
        std::fs::create_dir_all(root.join("crates/plugchat-mock")).unwrap();
        std::fs::copy(fixture, root.join(PAGE)).unwrap();
        std::fs::write(root.join("docs-spec/api.yml"), "base_url: https://api.example.com/api\n").unwrap();
        std::fs::write(root.join("Cargo.toml"), MANIFEST).unwrap();
        std::fs::write(root.join("crates/plugchat-mock/Cargo.toml"), MEMBER).unwrap();
        let repo = Repo { _dir: dir, root };
        repo.git(&["init", "-q"]);
        repo.commit("0.3.1");
        repo.git(&["tag", "v0.3.1"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let output = Command::new("git")
            .current_dir(&self.root)
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
            .args(["-c", "tag.gpgsign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn release(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--workspace")
            .arg(&self.root)
            .arg("release")
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1796515200") // 2026-12-06
            .output()
            .unwrap()
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap_or_default()
    }

    fn edit(&self, old: &str, new: &str) {
        let text = self.read(PAGE);
        assert_eq!(text.matches(old).count(), 1, "`{old}` must occur once");
        std::fs::write(self.root.join(PAGE), text.replace(old, new)).unwrap();
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_release_after_a_breaking_edit_bumps_the_minor_number_on_0x_and_writes_the_changelog() {
    let repo = Repo::new();
    let unchanged = repo.release(&[]);
    assert!(unchanged.status.success(), "{}", String::from_utf8_lossy(&unchanged.stderr));
    assert!(stdout(&unchanged).contains("nothing to release: the API has not changed since v0.3.1"));
    assert!(!repo.root.join("CHANGELOG.md").exists());

    // A required attribute (major: 0.3.1 -> 0.4.0) and an optional one (minor), committed.
    repo.edit(
        "| message | string | O texto da mensagem |\n",
        "| message | string | O texto da mensagem |\n| linkPreview | boolean | Mostra a prévia do link |\n",
    );
    repo.commit("send-text: linkPreview");

    let dry = repo.release(&["--dry-run"]);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let out = stdout(&dry);
    assert!(out.contains("would release 0.4.0 (from 0.3.1)"), "{out}");
    assert!(out.contains("## 0.4.0 (2026-12-06)"), "{out}");
    assert_eq!(repo.read("Cargo.toml"), MANIFEST, "a dry run writes nothing");
    assert!(!repo.root.join("CHANGELOG.md").exists());

    let released = repo.release(&[]);
    assert!(released.status.success(), "{}", String::from_utf8_lossy(&released.stderr));
    assert!(stdout(&released).contains("git tag v0.4.0"), "{}", stdout(&released));
    // Versions and exact requirements move together; comments and the rest stay.
    assert_eq!(repo.read("Cargo.toml"), MANIFEST.replace("0.3.1\" #", "0.4.0\" #").replace("=0.3.1", "=0.4.0"));
    assert_eq!(repo.read("crates/plugchat-mock/Cargo.toml"), MEMBER.replace("=0.3.1", "=0.4.0"));
    let changelog = repo.read("CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    let entry = changelog.split("## 0.4.0 (2026-12-06)\n").nth(1).expect("the entry");
    assert!(entry.contains("API changes since v0.3.1: changes: 1, breaking: 1, bump: major."), "{entry}");
    assert!(entry.contains("### Breaking changes\n\n#### `send-text` (message/send-message-text.md)\n"), "{entry}");
    assert!(entry.contains("(required-attribute-added: wire breaking, rust major)"), "{entry}");

    // Released but not tagged: a second run refuses rather than bump again.
    let untagged = repo.release(&[]);
    assert!(!untagged.status.success());
    assert!(String::from_utf8_lossy(&untagged.stderr).contains("git tag v0.4.0"));

    // Tagged: a second release with no change does nothing.
    repo.commit("Release 0.4.0");
    repo.git(&["tag", "v0.4.0"]);
    let before = (repo.read("Cargo.toml"), repo.read("CHANGELOG.md"));
    let again = repo.release(&[]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("nothing to release: the API has not changed since v0.4.0"), "{}", stdout(&again));
    assert_eq!((repo.read("Cargo.toml"), repo.read("CHANGELOG.md")), before);

    // A compatible edit is a patch on 0.x, and the new entry goes on top.
    repo.edit("| message | string | O texto da mensagem |", "| message | string | O texto da mensagem, em markdown |");
    repo.commit("a description");
    let third = repo.release(&[]);
    assert!(third.status.success(), "{}", String::from_utf8_lossy(&third.stderr));
    let changelog = repo.read("CHANGELOG.md");
    let (newest, older) = (changelog.find("## 0.4.1 (").unwrap(), changelog.find("## 0.4.0 (").unwrap());
    assert!(newest < older, "{changelog}");
    assert!(changelog[newest..older].contains("### Other changes"), "{changelog}");
    assert!(repo.read("Cargo.toml").contains("version = \"0.4.1\""), "{}", stdout(&third));
}
