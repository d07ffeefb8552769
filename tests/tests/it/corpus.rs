//! The upstream docs as published, from the corpus (`$PLUGCHAT_CORPUS` or `../shared/corpus`;
//! ignored when absent, and CI requires it): every endpoint page yields an operation, nothing panics,
//! every defect FORMAT.md lists is reported, and the whole diagnostics report is a snapshot
//! (`cargo xtask regen` writes it with the same rendering).

use std::path::{Path, PathBuf};

fn corpus(revision: &str) -> PathBuf {
    let root = Path::new(env!("PLUGCHAT_CORPUS_DIR")).join(revision).join("docs");
    assert!(root.is_dir(), "{} is missing", root.display());
    root
}

fn report(root: &Path) -> (plugchat_spec::Spec, Vec<String>) {
    let (spec, mut diagnostics) = plugchat_spec::parse_tree(root);
    // As `cargo xtask regen` writes it: notes included, sorted by path, line and column.
    diagnostics.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
    let prefix = format!("{}/", root.display());
    let lines = diagnostics.iter().map(|d| d.to_string().replace(&prefix, "")).collect();
    (spec, lines)
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn upstream_docs_parse_with_every_defect_reported() {
    let root = corpus("plugchat-docs");
    let (spec, report) = report(&root);
    assert_eq!(spec.pages.len(), 102);
    assert_eq!(spec.operations().count(), 73, "every endpoint page yields an operation");

    // One line per defect class of FORMAT.md, each a fragment of the diagnostic that reports it.
    let expected = [
        ("message/send-message-audio.md", "nests under the endpoint `/api/whatsapp/send-text`"),
        ("message/send-message-sticker.md", "nests under the endpoint `/api/whatsapp/send-text`"),
        ("message/send-option-list.md", "nests under the endpoint `/api/whatsapp/send-text`"),
        ("webhooks/update-webhook-ReceiveMessage.md", "looks cut short of `/api/integrations/update-webhooks`"),
        ("message/send-message-product.md", "`/api/whatsapp/send-text` is `GET` here but `POST`"),
        ("chats/change-departament.md", "heading `/change-departament` does not match the URL path"),
        ("chats/change-departament.md", "`departmentId` in the request example: did you mean `departamentId`"),
        ("chats/get-attendance-by-task.md", "heading `/get-attendance-by-task` does not match"),
        ("departament/get-all-departaments.md", "heading `/departaments` does not match"),
        ("chats/get-metadata-chat.md", "heading `/chat/{phone}` does not match"),
        ("group/remove-participant.md", "heading `/add-participant` does not match"),
        ("chats/get-chats.md", "`isMarkedSpam` is declared `boolean` but the response 200 example shows \"false\""),
        ("business/edit-product.md", "`images` is declared `string` but the request example shows"),
        ("chats/delete-chat.md", "`phone` is declared `integer` but the request example shows \"5544999999999\""),
        (
            "chats/get-pending-chats.md",
            "`unreadMessagesCount` is declared `string` but the response 200 example shows 0",
        ),
        ("business/get-product-id.md", "the table lists fields flat that the example nests under `product`"),
        // Not a defect since issue 26: modify-chat's three pages are told apart by the `action`
        // their examples send, as docs-spec's are (FORMAT.md lists the shared path as a fact).
        ("chats/archive-chat.md", "JSON example repaired: kept the first of alternatives written with `ou`"),
        ("webhooks/update-webhook-sending-mesage.md", "code fence is never closed"),
        ("group/add-admin.md", "front matter key `id:id` is a doubled `id:`"),
        ("operators/get-operatorOnline.md", "invalid front matter"),
        ("webhooks/update-webook-WhenDisconnecting.md", "id `update-webhook-disconnected` is also the id of"),
        ("buttons/api-buttons.md", "no method line"),
        ("message/reply-message.md", "no method line"),
        ("webhooks/update-webhook-IniciarAtendimento", "has no `.md` extension"),
    ];
    let missing: Vec<String> = expected
        .iter()
        .filter(|(file, fragment)| !report.iter().any(|line| line.starts_with(file) && line.contains(fragment)))
        .map(|(file, fragment)| format!("{file}: {fragment}"))
        .collect();
    assert!(missing.is_empty(), "defects not reported:\n{}", missing.join("\n"));

    let placeholders: Vec<&str> = spec.operations().map(|(_, o)| o.path.as_str()).filter(|p| p.contains('{')).collect();
    assert!(placeholders.contains(&"/api/whatsapp/products/{id-do-produto}"), "{placeholders:?}");
    assert!(placeholders.contains(&"/api/whatsapp/send-document/{extension}"), "{placeholders:?}");

    insta::assert_snapshot!("upstream_diagnostics", report.join("\n"));
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the upstream corpus: put it at ../shared/corpus or set PLUGCHAT_CORPUS (README, Test data)"
)]
fn earlier_revision_parses_without_panic() {
    let root = corpus("plugchat-docs-2022-03");
    let (spec, report) = report(&root);
    assert!(spec.operations().count() > 50, "{} operations", spec.operations().count());
    insta::assert_snapshot!("upstream_2022_03_diagnostics", report.join("\n"));
}
