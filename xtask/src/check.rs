//! `cargo xtask check`: lint any docs tree of this format.

use std::path::Path;

use plugchat_spec::{Diagnostic, Severity, Spec};

/// The last line of a report: `pages: N, endpoints: M, errors: E, warnings: W`.
pub(crate) fn summary(spec: &Spec, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    format!(
        "pages: {}, endpoints: {}, errors: {errors}, warnings: {}",
        spec.pages.len(),
        spec.operations().count(),
        diagnostics.len() - errors
    )
}

pub(crate) fn run(docs: &Path, allow_errors: bool) -> Result<(), String> {
    if !docs.is_dir() {
        return Err(format!("`{}` is not a directory", docs.display()));
    }
    let (spec, diagnostics) = plugchat_spec::parse_tree(docs);
    for diagnostic in &diagnostics {
        println!("{diagnostic}");
    }
    println!("{}", summary(&spec, &diagnostics));
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    if errors && !allow_errors {
        return Err(format!("`{}` has errors (pass --allow-errors to exit 0 anyway)", docs.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A tree with an error fails the check unless errors are allowed; the summary counts.
    #[test]
    fn errors_fail_the_check_unless_allowed() {
        let dir = std::env::temp_dir().join(format!("plugchat-check-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("chats")).unwrap();
        std::fs::write(
            dir.join("chats/ok.md"),
            "---\nid: ok\ntitle: Ok\n---\n\n## Método\n\n`GET` https://x.example/api/chats\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("chats/broken.md"),
            "---\nid: broken\ntitle: Broken\n---\n\n## Método\n\nno method here\n",
        )
        .unwrap();
        let (spec, diagnostics) = plugchat_spec::parse_tree(&dir);
        assert_eq!(super::summary(&spec, &diagnostics), "pages: 2, endpoints: 1, errors: 1, warnings: 0");
        assert!(super::run(&dir, false).is_err());
        assert!(super::run(&dir, true).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
