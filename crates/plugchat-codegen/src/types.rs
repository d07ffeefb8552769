//! The Rust type for a Tipo column value.

use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type of a documented `Tipo`, or `None` when the docs name nothing we know
/// (the caller then uses `serde_json::Value`, which accepts anything).
pub(crate) fn rust_type(documented: &str) -> Option<TokenStream> {
    let ty = documented.trim().to_lowercase();
    let scalar = |name: &str| -> Option<TokenStream> {
        Some(match name {
            "string" | "str" | "texto" | "text" | "url" | "https" => quote!(::std::string::String),
            "boolean" | "bool" => quote!(bool),
            "integer" | "int" | "timestamp" | "timetamp" | "long" => quote!(i64),
            "number" | "float" | "double" | "decimal" => quote!(::plugchat_runtime::__private::serde_json::Number),
            _ => return None,
        })
    };
    if let Some(scalar) = scalar(&ty) {
        return Some(scalar);
    }
    // `array string`, `array de string`, `string[]`, `array<string>`
    let element = ty
        .strip_prefix("array de ")
        .or_else(|| ty.strip_prefix("array of "))
        .or_else(|| ty.strip_prefix("array "))
        .or_else(|| ty.strip_suffix("[]"))
        .map(|e| e.trim_matches(['<', '>', ' ']));
    match element {
        Some(element) => {
            let element = scalar(element).unwrap_or_else(|| quote!(::plugchat_runtime::__private::serde_json::Value));
            Some(quote!(::std::vec::Vec<#element>))
        }
        None => None,
    }
}

/// [`rust_type`], falling back to `serde_json::Value`.
pub(crate) fn rust_type_or_value(documented: &str) -> TokenStream {
    rust_type(documented).unwrap_or_else(|| quote!(::plugchat_runtime::__private::serde_json::Value))
}

/// The `plugchat_runtime::__private::lenient` decoder for a scalar type, if `ty` is one.
pub(crate) fn lenient_decoder(ty: &TokenStream) -> Option<&'static str> {
    let ty = ty.to_string();
    [
        (quote!(::std::string::String), "string"),
        (quote!(bool), "bool"),
        (quote!(i64), "i64"),
        (quote!(::plugchat_runtime::__private::serde_json::Number), "number"),
    ]
    .into_iter()
    .find(|(scalar, _)| scalar.to_string() == ty)
    .map(|(_, decoder)| decoder)
}
