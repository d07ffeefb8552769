//! `plugchat-docs diff` on trees where one page id names operations in several folders
//! (issue 26): such operations are named from their section (`contacts_get_all`), so adding
//! the second folder renames the first one's method and types, and removing one leaves the
//! other with bare names. Old and new operations pair by id and page, never by a shared id
//! across folders.

use std::path::Path;

use plugchat_docs::diff::{self, Bump, Change, Kind, Wire};

/// A `GET` list page with id `get-all` in folder `folder`, sent to `/<folder>`, with an enum
/// attribute (a type named after the operation).
fn get_all(folder: &str) -> String {
    format!(
        "---\nid: get-all\ntitle: Todos de {folder}\n---\n\n## Method\n\n\
         `GET` https://api.example.test/v1/{folder}\n\n## Attributes\n\n### Optional\n\n\
         | Attributes | Type | Description |\n| --- | --- | --- |\n\
         | order | string | Ordem. Valores: `asc`, `desc` |\n\n\
         ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n\
         | name | string | Name |\n\n```json\n[{{ \"name\": \"Ana\" }}]\n```\n"
    )
}

/// A tree of `get-all` pages, one per folder, under `root/<name>`.
fn tree(root: &Path, name: &str, folders: &[&str]) -> diff::source::Tree {
    let files: Vec<String> = folders.iter().map(|folder| format!("{folder}/get-all.md")).collect();
    let tree = tree_of(root, name, &files.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(tree.errors.is_empty(), "{:?}", tree.errors);
    tree
}

/// A tree of `get-all` pages at `files` (`<folder>/<name>.md`, sent to `/<folder>`).
fn tree_of(root: &Path, name: &str, files: &[&str]) -> diff::source::Tree {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("api.yml"), "base_url: https://api.example.test/v1\n").unwrap();
    for file in files {
        let folder = file.split('/').next().unwrap();
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(dir.join(file), get_all(folder)).unwrap();
    }
    diff::source::parse_dir(&dir)
}

fn between(from: &[&str], to: &[&str]) -> diff::ApiDiff {
    let dir = tempfile::tempdir().unwrap();
    diff::between(&tree(dir.path(), "from", from), &tree(dir.path(), "to", to))
}

fn show(changes: &[Change]) -> String {
    changes.iter().map(|c| format!("{} {:?}: {}\n", c.page, c.kind, c.message)).collect()
}

/// Adding `groups/get-all` next to `contacts/get-all` adds an operation and renames the
/// existing one's method and types (`Client::get_all` is `Client::contacts_get_all`): rust
/// major, though nothing changes on the wire.
#[test]
fn a_second_folder_using_an_id_renames_the_first_ones_method_and_types() {
    let diff = between(&["contacts"], &["contacts", "groups"]);
    let text = show(&diff.changes);
    assert_eq!(diff.changes.len(), 2, "{text}");
    assert_eq!(diff.bump, Bump::Major, "{text}");
    let added = diff.changes.iter().find(|c| c.kind == Kind::OperationAdded).expect(&text);
    assert_eq!(added.page, "groups/get-all.md", "{text}");
    assert!(added.message.contains("`Client::groups_get_all`"), "{text}");
    let renamed = diff.changes.iter().find(|c| c.kind == Kind::OperationRenamed).expect(&text);
    assert_eq!((renamed.page.as_str(), renamed.wire), ("contacts/get-all.md", Wire::Compatible), "{text}");
    for part in [
        "`Client::get_all` is now `Client::contacts_get_all`",
        "the types named `GetAll…` are now `ContactsGetAll…`",
        "`GetAllOrder` is now `ContactsGetAllOrder`",
        "`dynamic::call` names it `contacts/get-all`, not `get-all`",
    ] {
        assert!(renamed.message.contains(part), "no {part:?} in {text}");
    }
}

/// Removing `contacts/get-all` from a tree that also has `groups/get-all` removes that
/// operation; `groups/get-all` is compared with itself (its names lose the section), not with
/// the removed page (which would read as a path change `/contacts` → `/groups`).
#[test]
fn removing_one_folder_of_a_shared_id_pairs_the_other_with_itself() {
    let diff = between(&["contacts", "groups"], &["groups"]);
    let text = show(&diff.changes);
    assert!(!diff.changes.iter().any(|c| c.kind == Kind::PathChanged), "{text}");
    assert!(!diff.changes.iter().any(|c| c.kind == Kind::DescriptionChanged), "{text}");
    let removed = diff.changes.iter().find(|c| c.kind == Kind::OperationRemoved).expect(&text);
    assert_eq!(removed.page, "contacts/get-all.md", "{text}");
    assert!(removed.message.contains("`Client::contacts_get_all` no longer exists"), "{text}");
    let renamed = diff.changes.iter().find(|c| c.kind == Kind::OperationRenamed).expect(&text);
    assert_eq!(renamed.page, "groups/get-all.md", "{text}");
    assert!(renamed.message.contains("`Client::groups_get_all` is now `Client::get_all`"), "{text}");
    assert_eq!(diff.changes.len(), 2, "{text}");
    assert_eq!(diff.bump, Bump::Major, "{text}");
}

/// A page moved to another folder keeps its id, which no other page uses: it is the same
/// operation at a new path (paired by its id alone), not one removed and one added.
#[test]
fn a_page_moved_to_another_folder_is_paired_by_its_unique_id() {
    let diff = between(&["contacts"], &["groups"]);
    let text = show(&diff.changes);
    let kinds: Vec<Kind> = diff.changes.iter().map(|c| c.kind).collect();
    assert!(kinds.contains(&Kind::PathChanged), "{text}");
    assert!(!kinds.contains(&Kind::OperationAdded) && !kinds.contains(&Kind::OperationRemoved), "{text}");
    assert!(!kinds.contains(&Kind::OperationRenamed), "{text}");
}

/// Three folders sharing an id, one of them dropped: the two left keep their names (both still
/// shared), so they have no change at all.
#[test]
fn folders_that_still_share_an_id_keep_their_names() {
    let diff = between(&["chats", "contacts", "groups"], &["chats", "groups"]);
    let text = show(&diff.changes);
    assert_eq!(diff.changes.len(), 1, "{text}");
    assert_eq!((diff.changes[0].kind, diff.changes[0].page.as_str()), (Kind::OperationRemoved, "contacts/get-all.md"));
}

/// A page moved to a folder where two pages now have its id (the checker's `duplicate-id`,
/// numbered `get_all_2`): the one that kept the `Client` method (the first, `people/a.md`) is
/// the old operation, at a new path; the other one is new. (As in the corpus's two revisions.)
#[test]
fn a_folders_duplicate_id_pairs_the_page_that_kept_the_method() {
    let dir = tempfile::tempdir().unwrap();
    let from = tree_of(dir.path(), "from", &["contacts/get-all.md"]);
    let to = tree_of(dir.path(), "to", &["people/a.md", "people/b.md"]);
    assert_eq!(to.errors.len(), 2, "the checker's duplicate-id: {:?}", to.errors);
    let diff = diff::between(&from, &to);
    let text = show(&diff.changes);
    let kinds: Vec<(&str, Kind)> = diff.changes.iter().map(|c| (c.page.as_str(), c.kind)).collect();
    assert!(kinds.contains(&("people/a.md", Kind::PathChanged)), "{text}");
    assert!(kinds.contains(&("people/b.md", Kind::OperationAdded)), "{text}");
    assert!(!kinds.iter().any(|(_, k)| matches!(k, Kind::OperationRemoved | Kind::OperationRenamed)), "{text}");
}

/// The adversarial fixture tree (ids in three folders, a name both a header and a body
/// attribute, ...) compared with itself has no change.
#[test]
fn a_tree_compared_with_itself_has_no_change() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/tests/fixtures/adversarial");
    let tree = diff::source::parse_dir(&root);
    let diff = diff::between(&tree, &tree);
    assert!(diff.changes.is_empty(), "{}", show(&diff.changes));
}

/// The OpenAPI export of such a tree: one operation per folder, each with its own unique
/// `operationId` (the `<folder>/<id>` key `dynamic::call` and the CLI use), its own answer
/// component, and the page that documents it.
#[test]
fn the_openapi_export_keeps_one_operation_per_folder() {
    let dir = tempfile::tempdir().unwrap();
    let tree = tree(dir.path(), "tree", &["contacts", "groups"]);
    let export = plugchat_docs::openapi::document(&tree.spec);
    let document = &export.document;
    for folder in ["contacts", "groups"] {
        let operation = &document["paths"][format!("/{folder}")]["get"];
        assert_eq!(operation["operationId"], format!("{folder}/get-all"), "{operation:#}");
        let description = operation["description"].as_str().unwrap();
        assert!(description.contains(&format!("Documented in `{folder}/get-all.md`")), "{description}");
        assert!(description.contains(&format!("`plugchat {folder}/get-all`")), "{description}");
        let component = format!("{folder}_get-all.Item");
        assert!(document["components"]["schemas"].get(&component).is_some(), "no {component} in {document:#}");
    }
}
