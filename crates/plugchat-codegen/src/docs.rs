//! Rustdoc in generated code: `#[doc]` attributes from the pages' markdown.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = " line"]` for each line of `text`.
pub(crate) fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = format!(" {line}");
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}
