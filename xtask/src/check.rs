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
