//! `include_api!("spec.json")`: expands the spec file that `cargo xtask regen` writes into
//! the client's code, through `plugchat-codegen`.
//!
//! Like sqlx's offline data, the file is checked in, so building needs neither the docs nor
//! any tool. A missing, damaged or stale file is a compile error naming the command that
//! fixes it, and the build reruns when the file changes (the expansion `include_str!`s it).

use std::path::{Path, PathBuf};

use plugchat_model::{SPEC_FORMAT_VERSION, Spec};
use proc_macro::TokenStream;
use quote::quote;
use syn::{LitStr, parse_macro_input};

const FIX: &str = "run `cargo xtask regen` to rewrite it from docs-spec/";

/// Expands to the whole client described by the spec file at the given path, relative to
/// the invoking crate's `Cargo.toml`.
#[proc_macro]
pub fn include_api(input: TokenStream) -> TokenStream {
    let file = parse_macro_input!(input as LitStr);
    expand(&file).unwrap_or_else(|error| error.to_compile_error()).into()
}

fn expand(file: &LitStr) -> syn::Result<proc_macro2::TokenStream> {
    let fail = |message: String| syn::Error::new(file.span(), message);
    let relative = file.value();
    if Path::new(&relative).is_absolute() {
        return Err(fail(format!(
            "`{relative}` is absolute: give the spec file's path relative to the crate's Cargo.toml"
        )));
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| fail("CARGO_MANIFEST_DIR is not set: build with cargo".into()))?;
    let path: PathBuf = Path::new(&dir).join(&relative);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| fail(format!("cannot read spec file `{}`: {e}; {FIX}", path.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| fail(format!("spec file `{}` is not JSON ({e}); {FIX}", path.display())))?;
    let version = value.get("format_version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(SPEC_FORMAT_VERSION)) {
        return Err(fail(format!(
            "spec file `{}` is stale: format version {}, this generator reads {SPEC_FORMAT_VERSION}; {FIX}",
            path.display(),
            version.map_or("none".to_owned(), |v| v.to_string()),
        )));
    }
    let spec: Spec = serde_json::from_value(value)
        .map_err(|e| fail(format!("spec file `{}` is stale or damaged ({e}); {FIX}", path.display())))?;
    // The doc examples (doctests) name the crate that expands the macro.
    let crate_name =
        std::env::var("CARGO_CRATE_NAME").unwrap_or_else(|_| plugchat_codegen::DEFAULT_CRATE_NAME.to_owned());
    let code = plugchat_codegen::generate_for_crate(&spec, &crate_name)
        .map_err(|e| fail(format!("cannot generate the client: {e}")))?;
    let tracked = path.to_string_lossy().into_owned();
    Ok(quote! {
        const _: &str = ::core::include_str!(#tracked);
        #code
    })
}
