//! The maintainer's loop, run for real: a temporary copy of the workspace's generated files
//! and one folder of docs-spec (a git repository, like a clone), a real edit of a page, then
//! the `xtask` binary. The page the tests edit is this test's own fixture (`fixtures/workflow/`), put in
//! place of docs-spec's and regenerated before the first commit, so a maintainer's edit of the
//! real page never breaks these tests. Asserts what the maintainer sees: the exit status, the files touched (and only
//! those), the API diff's verdicts, and a tree left exactly as it was after a failure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What regen reads and writes, copied from the real workspace. Of docs-spec, its top-level
/// files and the folder of the page the tests edit (15 of the 73 pages): regen, diff and git
/// on the copy then cost a fifth of the whole tree's, and every test here runs several of them.
/// The template's regen drops what the other folders contributed to spec.json and openapi.json.
const COPIED: &[&str] = &[
    "docs-spec/message",
    "crates/plugchat-api/spec.json",
    "crates/plugchat-api/openapi.json",
    "crates/plugchat-api/Cargo.toml",
];

/// Snapshot directories, of which the copy takes the copied folder's snapshots.
const SNAPSHOT_DIRS: &[&str] = &["crates/plugchat-spec/tests/snapshots", "crates/plugchat-codegen/tests/snapshots"];
const SNAPSHOT_PREFIX: &str = "snapshots__docs_spec__message__";

const SEND_TEXT: &str = "docs-spec/message/send-message-text.md";
/// The page the tests edit, owned by them.
const SEND_TEXT_FIXTURE: &str = "xtask/tests/fixtures/workflow/send-message-text.md";
const SEND_TEXT_CODE: &str =
    "crates/plugchat-codegen/tests/snapshots/snapshots__docs_spec__message__send-message-text.md.snap";
const SEND_TEXT_MODEL: &str =
    "crates/plugchat-spec/tests/snapshots/snapshots__docs_spec__message__send-message-text.md.snap";

struct Workspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(root)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

/// The committed workspace every test starts from, made once per run of this binary (a regen
/// and a commit): each test copies it, `.git` included.
fn template() -> &'static Path {
    static TEMPLATE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, root) = TEMPLATE.get_or_init(|| {
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("workspace");
        for path in COPIED {
            copy(&real.join(path), &root.join(path));
        }
        for entry in std::fs::read_dir(real.join("docs-spec")).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                copy(&path, &root.join("docs-spec").join(path.file_name().unwrap()));
            }
        }
        for dir in SNAPSHOT_DIRS {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            for entry in std::fs::read_dir(real.join(dir)).unwrap() {
                let name = entry.unwrap().file_name();
                if name.to_string_lossy().starts_with(SNAPSHOT_PREFIX) {
                    copy(&real.join(dir).join(&name), &root.join(dir).join(&name));
                }
            }
        }
        copy(&real.join(SEND_TEXT_FIXTURE), &root.join(SEND_TEXT));
        let regen = xtask_in(&root, &["regen"]);
        assert!(regen.status.success(), "regen of the fixture: {}", stderr(&regen));
        git(&root, &["init", "-q"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", "docs as published"]);
        (dir, root)
    });
    root
}

/// The xtask binary on the workspace at `root`.
fn xtask_in(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        // The corpus is not part of this copy, wherever the environment says it is.
        .env_remove("PLUGCHAT_CORPUS")
        .arg("--workspace")
        .arg(root)
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

impl Workspace {
    /// A committed copy of the real workspace's docs and generated files, with the fixture page
    /// in place of send-text's and the files regenerated from it.
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        // Inside a subdirectory, so `../shared/corpus` is absent: regen skips those snapshots.
        let root = dir.path().join("workspace");
        copy(template(), &root);
        Workspace { _dir: dir, root }
    }

    fn xtask(&self, args: &[&str]) -> Output {
        xtask_in(&self.root, args)
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap()
    }

    /// Replaces `old` (which must occur once) in a file.
    fn edit(&self, relative: &str, old: &str, new: &str) {
        let text = self.read(relative);
        assert_eq!(text.matches(old).count(), 1, "`{old}` must occur once in {relative}");
        std::fs::write(self.root.join(relative), text.replace(old, new)).unwrap();
    }

    /// The README's example edit: a required `linkPreview` row on send-text (the example left
    /// as it is, so it is also a `required-missing-from-example` warning).
    fn add_required_link_preview(&self) {
        self.edit(
            SEND_TEXT,
            "| message | string | O texto da mensagem |\n",
            "| message | string | O texto da mensagem |\n| linkPreview | boolean | Mostra a prévia do link |\n",
        );
    }

    /// Every file under the root (but `.git`), with its bytes.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.file_name().is_some_and(|n| n == ".git") {
                    continue;
                }
                if path.is_dir() {
                    walk(&path, root, out);
                } else {
                    let relative = path.strip_prefix(root).unwrap().display().to_string();
                    out.insert(relative, std::fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.root, &self.root, &mut out);
        out
    }

    /// The files that differ between two listings.
    fn touched(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
        let mut paths: Vec<String> = before.keys().chain(after.keys()).cloned().collect();
        paths.sort();
        paths.dedup();
        paths.into_iter().filter(|p| before.get(p) != after.get(p)).collect()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The diff's JSON changes as `(operation, kind, wire, rust)`.
fn changes(ws: &Workspace) -> (String, Vec<(String, String, String, String)>) {
    let output = ws.xtask(&["diff", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let field = |c: &serde_json::Value, k: &str| c[k].as_str().unwrap().to_owned();
    let list = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (field(c, "operation"), field(c, "kind"), field(c, "wire"), field(c, "rust")))
        .collect();
    (json["bump"].as_str().unwrap().to_owned(), list)
}

#[test]
fn an_unchanged_tree_is_up_to_date() {
    let ws = Workspace::new();
    let before = ws.files();
    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("everything was up to date"), "{}", stdout(&output));
    assert!(stdout(&output).ends_with("changes: 0, breaking: 0, bump: none\n"), "{}", stdout(&output));
    assert_eq!(Workspace::touched(&before, &ws.files()), Vec::<String>::new());
    assert!(ws.xtask(&["regen", "--check"]).status.success());
}

/// The first scenario: a required row added without touching the example is a warning;
/// regen goes through, touches exactly the page's files, and says the bump is major.
#[test]
fn a_warning_never_stops_regen_and_nothing_is_deleted() {
    let ws = Workspace::new();
    let before = ws.files();
    ws.add_required_link_preview();
    let stale = ws.xtask(&["regen", "--check"]);
    assert!(!stale.status.success());
    assert!(stderr(&stale).contains("crates/plugchat-api/spec.json"), "{}", stderr(&stale));

    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("send-message-text.md:36:1: warning[required-missing-from-example]: required `linkPreview`"),
        "{}",
        stderr(&output)
    );
    let out = stdout(&output);
    assert!(out.contains("[required-attribute-added, wire breaking, rust major]"), "{out}");
    assert!(out.ends_with("changes: 1, breaking: 1, bump: major\n"), "{out}");
    let touched = Workspace::touched(&before, &ws.files());
    assert_eq!(
        touched,
        [
            "crates/plugchat-api/openapi.json",
            "crates/plugchat-api/spec.json",
            SEND_TEXT_CODE,
            SEND_TEXT_MODEL,
            SEND_TEXT
        ]
        .map(String::from)
    );
    assert!(ws.read(SEND_TEXT_CODE).contains("link_preview: bool"));
    assert!(ws.xtask(&["regen", "--check"]).status.success());
}

/// The second scenario: a required attribute, a removed response field and a
/// changed type, each named with its verdicts.
#[test]
fn a_breaking_edit_is_reported_as_major() {
    let ws = Workspace::new();
    ws.add_required_link_preview();
    ws.edit(
        SEND_TEXT,
        "\"message\": \"Olá, *Plug Chat*\"\n",
        "\"message\": \"Olá, *Plug Chat*\",\n  \"linkPreview\": true\n",
    );
    ws.edit(SEND_TEXT, "| delayMessage | number |", "| delayMessage | integer |");
    let text = ws.read(SEND_TEXT);
    let zaap_row = text.lines().find(|l| l.starts_with("| zaapId")).unwrap().to_owned();
    let zaap_example = text.lines().find(|l| l.trim_start().starts_with("\"zaapId\"")).unwrap().to_owned();
    ws.edit(SEND_TEXT, &format!("{zaap_row}\n"), "");
    ws.edit(SEND_TEXT, &format!("{zaap_example}\n"), "");

    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "the edit is consistent: {}", stderr(&output));
    assert!(stdout(&output).ends_with("bump: major\n"), "{}", stdout(&output));

    // `cargo xtask diff` (HEAD against the work tree) names each change for the reviewer.
    let output = ws.xtask(&["diff", "--from", "HEAD", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["bump"], "major");
    let kinds: Vec<(&str, &str, &str, &str)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["page"].as_str().unwrap(),
                c["kind"].as_str().unwrap(),
                c["wire"].as_str().unwrap(),
                c["rust"].as_str().unwrap(),
            )
        })
        .collect();
    let page = "message/send-message-text.md";
    for expected in [
        (page, "required-attribute-added", "breaking", "major"),
        (page, "attribute-type-changed", "breaking", "major"),
        (page, "response-field-removed", "breaking", "major"),
    ] {
        assert!(kinds.contains(&expected), "{expected:?} not in {kinds:?}");
    }
    assert!(json["changes"].as_array().unwrap().iter().all(|c| c["operation"] == "send-text"));
}

#[test]
fn a_new_page_creates_its_snapshots_and_is_minor() {
    let ws = Workspace::new();
    let before = ws.files();
    let page =
        ws.read(SEND_TEXT).replace("id: send-text", "id: send-text-later").replace("/send-text", "/send-text-later");
    std::fs::write(ws.root.join("docs-spec/message/send-text-later.md"), page).unwrap();
    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let touched = Workspace::touched(&before, &ws.files());
    assert_eq!(
        touched,
        [
            "crates/plugchat-api/openapi.json",
            "crates/plugchat-api/spec.json",
            "crates/plugchat-codegen/tests/snapshots/snapshots__docs_spec__message__send-text-later.md.snap",
            "crates/plugchat-spec/tests/snapshots/snapshots__docs_spec__message__send-text-later.md.snap",
            "docs-spec/message/send-text-later.md",
        ]
        .map(String::from)
    );
    let (bump, changes) = changes(&ws);
    assert_eq!(bump, "minor");
    assert_eq!(changes, [("send-text-later".into(), "operation-added".into(), "compatible".into(), "minor".into())]);
}

#[test]
fn a_removed_page_removes_only_its_snapshots_and_is_major() {
    let ws = Workspace::new();
    let before = ws.files();
    std::fs::remove_file(ws.root.join(SEND_TEXT)).unwrap();
    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = ws.files();
    assert_eq!(
        Workspace::touched(&before, &after),
        [
            "crates/plugchat-api/openapi.json",
            "crates/plugchat-api/spec.json",
            SEND_TEXT_CODE,
            SEND_TEXT_MODEL,
            SEND_TEXT
        ]
        .map(String::from)
    );
    assert!(!after.contains_key(SEND_TEXT_CODE) && !after.contains_key(SEND_TEXT_MODEL));
    assert!(stdout(&output).contains(&format!("removed {SEND_TEXT_CODE}")), "{}", stdout(&output));
    let (bump, changes) = changes(&ws);
    assert_eq!(bump, "major");
    assert_eq!(changes, [("send-text".into(), "operation-removed".into(), "breaking".into(), "major".into())]);
}

#[test]
fn a_renamed_id_is_a_rename_not_a_removal() {
    let ws = Workspace::new();
    ws.edit(SEND_TEXT, "id: send-text\n", "id: send-message-text\n");
    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Issue 22: the review shows the rename as edits of the same files (snapshots are named by
    // the page's path), never as a deleted snapshot and an untracked one.
    let changed = numstat(&ws);
    assert_eq!(
        changed.keys().collect::<Vec<_>>(),
        [
            "crates/plugchat-api/openapi.json",
            "crates/plugchat-api/spec.json",
            SEND_TEXT_CODE,
            SEND_TEXT_MODEL,
            SEND_TEXT
        ]
    );
    let status = Command::new("git").current_dir(&ws.root).args(["status", "--porcelain"]).output().unwrap();
    assert!(stdout(&status).lines().all(|line| line.starts_with("M ")), "{}", stdout(&status));
    let (bump, changes) = changes(&ws);
    assert_eq!(bump, "major");
    assert_eq!(
        changes,
        [("send-message-text".into(), "operation-renamed".into(), "compatible".into(), "major".into())]
    );
}

/// A failure halfway through writing (a snapshot path that cannot be written) leaves every
/// file as it was, though spec.json and other snapshots were due to change.
#[test]
fn a_failure_halfway_leaves_the_tree_as_it_was() {
    let ws = Workspace::new();
    let page =
        ws.read(SEND_TEXT).replace("id: send-text", "id: send-text-later").replace("/send-text", "/send-text-later");
    std::fs::write(ws.root.join("docs-spec/message/send-text-later.md"), page).unwrap();
    ws.edit(SEND_TEXT, "| message | string |", "| message | texto |");
    // A directory (with a file in it) where the new page's code snapshot must go.
    let blocker =
        ws.root.join("crates/plugchat-codegen/tests/snapshots/snapshots__docs_spec__message__send-text-later.md.snap");
    std::fs::create_dir_all(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), "x").unwrap();
    let before = ws.files();

    let output = ws.xtask(&["regen"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(
            "cannot write crates/plugchat-codegen/tests/snapshots/snapshots__docs_spec__message__send-text-later.md.snap"
        ),
        "{message}"
    );
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(Workspace::touched(&before, &ws.files()), Vec::<String>::new());
}

/// A page with an error stops regen before anything is written, naming the page.
#[test]
fn a_page_with_an_error_stops_regen_before_writing() {
    let ws = Workspace::new();
    ws.edit(
        SEND_TEXT,
        "| message | string | O texto da mensagem |\n",
        "| message | string | O texto da mensagem |\n| linkPreview | boolean | x |\n",
    );
    let text = ws.read(SEND_TEXT);
    let method_line = text.lines().find(|l| l.contains("https://") && l.contains("send-text")).unwrap().to_owned();
    ws.edit(SEND_TEXT, &method_line, "no method here");
    let before = ws.files();
    let output = ws.xtask(&["regen"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("docs-spec/message/send-message-text.md:"), "{message}");
    assert!(message.contains("error: docs-spec/ has 1 error(s)"), "{message}");
    assert_eq!(Workspace::touched(&before, &ws.files()), Vec::<String>::new());
}

/// The two upstream revisions (from the corpus, which CI always has): a large diff of
/// trees with parse errors, compared as far as they parse.
#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn diff_of_the_two_corpus_revisions() {
    let corpus = Path::new(env!("PLUGCHAT_CORPUS_DIR"));
    assert!(corpus.is_dir(), "{} is missing", corpus.display());
    let (from, to) = (corpus.join("plugchat-docs-2022-03/docs"), corpus.join("plugchat-docs/docs"));
    let run = |format: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["diff", "--from", from.to_str().unwrap(), "--to", to.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["bump"], "major");
    let has = |page: &str, kind: &str| {
        json["changes"].as_array().unwrap().iter().any(|c| c["page"] == page && c["kind"] == kind)
    };
    assert!(has("chats/get-pending-chats.md", "operation-added"));
    assert!(has("webhooks/webhooksConf/update-webhook-receive.md", "operation-removed"));
    assert!(has("group/metadata-group.md", "response-field-added"));
    assert!(has("webhooks/update-webhook-disconnected.md", "path-changed"));
    let errors: Vec<&str> = json["errors"].as_array().unwrap().iter().map(|e| e["error"].as_str().unwrap()).collect();
    assert!(errors.iter().any(|e| e.starts_with("buttons/api-buttons.md:")), "{errors:?}");

    let text = run("text");
    let last = text.lines().last().unwrap();
    let count = json["changes"].as_array().unwrap().len();
    assert_eq!(last, format!("changes: {count}, breaking: {}, bump: major", text.matches("wire breaking").count()));
    let markdown = run("markdown");
    assert!(markdown.contains("### Operation `get-pending-chats` (`chats/get-pending-chats.md`)\n"), "{markdown}");
    assert!(markdown.contains("| Change | Wire | Rust | Details |"), "{markdown}");
    let rows = markdown.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Change |")).count();
    assert_eq!(rows, count);
}

/// `cargo xtask generate` run again after the docs change: the crate follows the edit, files the
/// user added beside it stay, and a run that fails (a page with an error) changes nothing.
#[test]
fn generate_again_after_a_docs_edit() {
    let ws = Workspace::new();
    let docs = ws.root.join("docs-spec");
    let out = ws.root.join("client");
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "--docs", docs.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend(extra);
        ws.xtask(&args)
    };
    let first = generate(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    std::fs::write(out.join("src/main.rs"), "fn main() {}\n").unwrap();
    let spec = |out: &Path| std::fs::read_to_string(out.join("spec.json")).unwrap();
    assert!(!spec(&out).contains("linkPreview"));

    ws.add_required_link_preview();
    let second = generate(&[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(spec(&out).contains("linkPreview"), "the crate follows the edit");
    assert_eq!(std::fs::read_to_string(out.join("src/main.rs")).unwrap(), "fn main() {}\n");

    let text = ws.read(SEND_TEXT);
    let method_line = text.lines().find(|l| l.contains("https://") && l.contains("send-text")).unwrap().to_owned();
    ws.edit(SEND_TEXT, &method_line, "no method here");
    let crate_before: Vec<(String, Vec<u8>)> = ["Cargo.toml", "spec.json", "src/lib.rs", "src/main.rs"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(out.join(f)).unwrap()))
        .collect();
    let failed = generate(&[]);
    assert!(!failed.status.success());
    assert!(stderr(&failed).contains("--allow-errors"), "{}", stderr(&failed));
    for (file, bytes) in &crate_before {
        assert_eq!(&std::fs::read(out.join(file)).unwrap(), bytes, "{file} changed after a failed generate");
    }
    // With --allow-errors the page is left out, and said so.
    let allowed = generate(&["--allow-errors"]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    assert!(stdout(&allowed).contains("left out: message/send-message-text.md"), "{}", stdout(&allowed));
    assert!(!spec(&out).contains("\"send-text\""));
}

/// A typo'd Tipo would silently make a setter untyped: it is an error naming the type meant, and
/// regen writes nothing. `--deny warnings` stops regen on a warning (here a required row the
/// example lacks) the same way; without it the warning is printed and regen goes on.
#[test]
fn a_typod_tipo_stops_regen_and_deny_warnings_stops_it_on_a_warning() {
    let ws = Workspace::new();
    ws.edit(SEND_TEXT, "| message | string | O texto da mensagem |", "| message | strng | O texto da mensagem |");
    let before = ws.files();
    let output = ws.xtask(&["regen"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(
            "send-message-text.md:35:1: error[type-misspelled]: Tipo `strng` of `message` is not a known type: did you mean `string`?"
        ),
        "{message}"
    );
    assert_eq!(Workspace::touched(&before, &ws.files()), Vec::<String>::new());

    ws.edit(SEND_TEXT, "| message | strng | O texto da mensagem |", "| message | string | O texto da mensagem |");
    ws.add_required_link_preview();
    let before = ws.files();
    let denied = ws.xtask(&["regen", "--deny", "warnings"]);
    assert!(!denied.status.success());
    assert!(stderr(&denied).contains("warning[required-missing-from-example]"), "{}", stderr(&denied));
    assert!(stderr(&denied).contains("1 warning(s) (listed above), denied by --deny warnings"), "{}", stderr(&denied));
    assert_eq!(Workspace::touched(&before, &ws.files()), Vec::<String>::new());
    assert!(ws.xtask(&["regen"]).status.success());
}

/// `git diff --numstat` of the working tree against the last commit, new files included:
/// changed lines per file as `(added, removed)`.
fn numstat(ws: &Workspace) -> BTreeMap<String, (u32, u32)> {
    git(&ws.root, &["add", "-A"]);
    let output = Command::new("git").current_dir(&ws.root).args(["diff", "--cached", "--numstat"]).output().unwrap();
    stdout(&output)
        .lines()
        .map(|line| {
            let mut fields = line.split('\t');
            let mut count = || fields.next().unwrap().parse::<u32>().unwrap();
            let (added, removed) = (count(), count());
            (fields.next().unwrap().to_owned(), (added, removed))
        })
        .collect()
}

/// Issue 22: a sentence of prose changes only the lines that show that prose, in every file a
/// reviewer reads (positions are not part of spec.json or the snapshots).
#[test]
fn a_prose_edit_changes_only_the_lines_that_show_it() {
    let ws = Workspace::new();
    ws.edit(SEND_TEXT, "emojis e quebras de linha.", "emojis e quebras de linha. Uma frase nova.");
    ws.edit(SEND_TEXT, "## Conceituação\n", "## Conceituação\n\nUma linha acima, só para deslocar as outras.\n");
    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The page: the sentence, and a new paragraph (+2) above everything else; each generated
    // file: the description's line (the rustdoc gains the paragraph's two lines).
    assert_eq!(
        numstat(&ws),
        BTreeMap::from([
            ("crates/plugchat-api/openapi.json".to_owned(), (1, 1)),
            ("crates/plugchat-api/spec.json".to_owned(), (1, 1)),
            (SEND_TEXT_CODE.to_owned(), (3, 1)),
            (SEND_TEXT_MODEL.to_owned(), (1, 1)),
            (SEND_TEXT.to_owned(), (3, 1)),
        ])
    );
}

/// Issue 22: a one-row edit (a row's Tipo) changes only what that row means.
#[test]
fn a_one_row_edit_changes_only_what_the_row_means() {
    let ws = Workspace::new();
    ws.edit(SEND_TEXT, "| delayMessage | number |", "| delayMessage | integer |");
    let output = ws.xtask(&["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The row's type in the model, spec.json and OpenAPI (`"type": "integer"` and a
    // format); in the generated code, the setter's and the field's type and their docs.
    assert_eq!(
        numstat(&ws),
        BTreeMap::from([
            ("crates/plugchat-api/openapi.json".to_owned(), (2, 1)),
            ("crates/plugchat-api/spec.json".to_owned(), (1, 1)),
            (SEND_TEXT_CODE.to_owned(), (6, 17)),
            (SEND_TEXT_MODEL.to_owned(), (1, 1)),
            (SEND_TEXT.to_owned(), (1, 1)),
        ])
    );
}

/// The docs pull-request workflow (`.github/workflows/docs.yml`, which cannot run here) only
/// calls `cargo xtask` the way it accepts: each command line, with `--help` appended, parses
/// (an unknown flag or value fails before `--help` is read).
#[test]
fn the_docs_pull_request_workflow_calls_xtask_as_it_accepts() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let workflow = std::fs::read_to_string(real.join(".github/workflows/docs.yml")).unwrap();
    let commands: Vec<Vec<String>> = workflow
        .lines()
        .filter_map(|line| line.split_once("cargo xtask ").map(|(_, rest)| rest))
        .map(|rest| {
            rest.split_whitespace()
                .map(|word| {
                    let word = word.trim_matches('"');
                    if word.contains('$') { "HEAD".to_owned() } else { word.to_owned() }
                })
                .collect()
        })
        .collect();
    let names: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(names, ["check", "regen", "diff"], "{workflow}");
    for command in &commands {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(command).arg("--help").output().unwrap();
        assert!(output.status.success(), "cargo xtask {}: {}", command.join(" "), stderr(&output));
    }
}
