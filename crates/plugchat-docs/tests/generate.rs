//! `plugchat-docs generate` against what a user already has in `--out`: a crate of their own is
//! refused and left as it was, `generate`'s own earlier output is written again, `--force`
//! overrides, and crate names cargo would refuse are refused first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PAGE: &str = "---\nid: send-text\ntitle: Send a text\n---\n\n## Method\n\n\
                    `POST` https://api.example.test/v1/send-text\n\n## Attributes\n\n### Required\n\n\
                    | Attributes | Type | Description |\n| --- | --- | --- |\n| phone | string | Recipient |\n\n\
                    ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n\
                    | id | string | Message id |\n";

/// A docs tree of one page in `dir/docs`.
fn docs(dir: &Path) -> PathBuf {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("send-text.md"), PAGE).unwrap();
    docs
}

fn generate(docs: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plugchat-docs"))
        .args(["generate", "--docs", docs.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                files.insert(path.strip_prefix(root).unwrap().to_owned(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// The user's own crate: `generate --out` there refuses, names the directory and the first file
/// it would overwrite, and changes nothing; `--force` writes.
#[test]
fn a_users_crate_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let docs = docs(dir.path());
    let out = dir.path().join("userproj");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("Cargo.toml"), "[package]\nname = \"my-app\"\nversion = \"0.1.0\"\n").unwrap();
    std::fs::write(out.join("src/lib.rs"), "pub fn mine() {}\n").unwrap();
    let before = snapshot(&out);

    let refused = generate(&docs, &out, &[]);
    assert!(!refused.status.success());
    let message = stderr(&refused);
    let expected = format!("error: `{}` holds files `generate` did not write (first: `Cargo.toml`)", out.display());
    assert!(message.starts_with(&expected), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(snapshot(&out), before, "a refused generate changed the user's files");

    let forced = generate(&docs, &out, &["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"userproj\""), "{manifest}");
}

/// Any file at all makes a directory foreign, not only a crate: the first one is named.
#[test]
fn a_non_empty_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let docs = docs(dir.path());
    let out = dir.path().join("notes");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("todo.txt"), "buy milk\n").unwrap();
    let refused = generate(&docs, &out, &[]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("(first: `todo.txt`)"), "{}", stderr(&refused));
    assert_eq!(snapshot(&out), BTreeMap::from([(PathBuf::from("todo.txt"), b"buy milk\n".to_vec())]));
}

/// `generate`'s own earlier output (with the files a user builds or adds beside it) is written
/// again without `--force`; an empty directory is fine too.
#[test]
fn its_own_output_is_regenerated() {
    let dir = tempfile::tempdir().unwrap();
    let docs = docs(dir.path());
    let out = dir.path().join("client");
    std::fs::create_dir_all(&out).unwrap();
    let first = generate(&docs, &out, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let marker = std::fs::read_to_string(out.join(".plugchat-generated")).unwrap();
    assert!(marker.lines().any(|l| l == "src/lib.rs"), "{marker}");
    std::fs::write(out.join("Cargo.lock"), "# built\n").unwrap();
    std::fs::write(out.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(docs.join("send-text.md"), PAGE.replace("Recipient", "The recipient")).unwrap();

    let again = generate(&docs, &out, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(std::fs::read_to_string(out.join("spec.json")).unwrap().contains("The recipient"));
    assert_eq!(std::fs::read_to_string(out.join("src/main.rs")).unwrap(), "fn main() {}\n");

    // Output of a version that left no marker is known by its manifest's first line.
    std::fs::remove_file(out.join(".plugchat-generated")).unwrap();
    let unmarked = generate(&docs, &out, &[]);
    assert!(unmarked.status.success(), "{}", stderr(&unmarked));
    assert!(out.join(".plugchat-generated").is_file());
}

/// A directory generate wrote, but where one of the files it would write is not on its list
/// (put there by the user since): refused, naming that file.
#[test]
fn an_unlisted_file_in_its_own_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let docs = docs(dir.path());
    let out = dir.path().join("client");
    assert!(generate(&docs, &out, &[]).status.success());
    std::fs::write(out.join(".plugchat-generated"), "# only the manifest\nCargo.toml\nspec.json\n").unwrap();
    let before = snapshot(&out);
    let refused = generate(&docs, &out, &[]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("(first: `src/lib.rs`)"), "{}", stderr(&refused));
    assert_eq!(snapshot(&out), before);
}

/// Names cargo refuses are refused before anything is read or written, with the reason.
#[test]
fn crate_names_cargo_refuses_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let docs = docs(dir.path());
    let out = dir.path().join("client");
    for (name, reason) in [
        ("1abc", "it starts with `1`"),
        ("-", "it starts with `-`"),
        ("", "it is empty"),
        ("my.app", "`.` is not allowed"),
        ("café", "`é` is not allowed"),
        ("self", "it is a Rust keyword"),
        ("async", "it is a Rust keyword"),
        ("_", "it is a Rust keyword"),
        ("test", "it is the name of a Rust built-in library"),
        ("proc-macro", "it is the name of a Rust built-in library"),
        ("plugchat-runtime", "the generated crate depends on a crate of that name"),
        ("nul", "it is a reserved file name on Windows"),
        ("COM1", "it is a reserved file name on Windows"),
    ] {
        let refused = generate(&docs, &out, &["--name", name]);
        assert!(!refused.status.success(), "`{name}` was accepted");
        let expected = format!("error: `{name}` is not a valid crate name: {reason}");
        assert!(stderr(&refused).starts_with(&expected), "`{name}`: {}", stderr(&refused));
        assert!(!out.exists(), "`{name}`: a refused name wrote files");
    }
    // The default name is the directory's: the message says where it came from.
    let digits = dir.path().join("2024");
    let refused = generate(&docs, &digits, &[]);
    assert!(stderr(&refused).contains("taken from --out's directory: pass --name"), "{}", stderr(&refused));
    for name in ["my-app", "my_app", "_private", "a1", "Tests", "com10"] {
        let out = dir.path().join(format!("ok-{name}"));
        let accepted = generate(&docs, &out, &["--name", name]);
        assert!(accepted.status.success(), "`{name}`: {}", stderr(&accepted));
    }
}

/// `--out` naming a file is refused, and the file kept.
#[test]
fn an_out_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let docs = docs(dir.path());
    let out = dir.path().join("client");
    std::fs::write(&out, "mine\n").unwrap();
    let refused = generate(&docs, &out, &["--force"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("is not a directory"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine\n");
}
