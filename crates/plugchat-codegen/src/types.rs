//! The Rust types the generator emits, as data: a [`RustType`] is matched on, never compared
//! as token text, and turns into tokens only when it is written out.

use plugchat_model::Tipo;
use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};
use serde_json::Value;

/// A Rust type in generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RustType {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i64`.
    I64,
    /// `serde_json::Number` (setters take any integer, or a `Number` for a fraction).
    Number,
    /// `serde_json::Value`: anything the docs do not type.
    Value,
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// A generated enum or struct of the same module.
    Named(Ident),
}

impl RustType {
    /// The Rust type of a Tipo, or `None` when the Tipo names something the caller must
    /// resolve (a sub-table) or nothing known (the caller then uses [`RustType::Value`]).
    pub(crate) fn of_tipo(tipo: &Tipo) -> Option<RustType> {
        Some(match tipo {
            Tipo::String | Tipo::Https => RustType::String,
            Tipo::Boolean => RustType::Bool,
            Tipo::Integer => RustType::I64,
            Tipo::Number => RustType::Number,
            Tipo::List(element) => {
                let element = match element.as_ref() {
                    scalar if scalar.is_scalar() => RustType::of_tipo(scalar).unwrap_or(RustType::Value),
                    _ => RustType::Value,
                };
                RustType::Vec(Box::new(element))
            }
            Tipo::Object | Tipo::Any | Tipo::Named(_) => return None,
        })
    }

    /// [`RustType::of_tipo`], falling back to `serde_json::Value`.
    pub(crate) fn of_tipo_or_value(tipo: &Tipo) -> RustType {
        RustType::of_tipo(tipo).unwrap_or(RustType::Value)
    }

    /// The Rust type of a JSON example value.
    pub(crate) fn of_example(value: &Value) -> RustType {
        match value {
            Value::String(_) => RustType::String,
            Value::Bool(_) => RustType::Bool,
            Value::Number(n) if n.is_i64() || n.is_u64() => RustType::I64,
            Value::Number(_) => RustType::Number,
            Value::Array(items) => RustType::Vec(Box::new(match items.first() {
                Some(Value::String(_)) => RustType::String,
                _ => RustType::Value,
            })),
            _ => RustType::Value,
        }
    }

    /// The narrowest type that holds values of both types, for a key whose examples disagree:
    /// an integer and a fraction make a number; a string holds any scalar (its lenient decoder
    /// reads numbers and booleans as their text); lists widen their elements; anything else is
    /// `serde_json::Value`.
    pub(crate) fn widen(self, other: RustType) -> RustType {
        match (self, other) {
            (a, b) if a == b => a,
            (RustType::I64, RustType::Number) | (RustType::Number, RustType::I64) => RustType::Number,
            (RustType::String, b) | (b, RustType::String) if b.lenient_decoder().is_some() => RustType::String,
            (RustType::Vec(a), RustType::Vec(b)) => RustType::Vec(Box::new(a.widen(*b))),
            _ => RustType::Value,
        }
    }

    /// The `plugchat_runtime::__private::lenient` decoder for a scalar type (`string`, `bool`,
    /// `i64`, `number`), if this is one: such fields accept the other spellings the service sends.
    pub(crate) fn lenient_decoder(&self) -> Option<&'static str> {
        Some(match self {
            RustType::String => "string",
            RustType::Bool => "bool",
            RustType::I64 => "i64",
            RustType::Number => "number",
            _ => return None,
        })
    }

    /// Whether values of this type are sent as a list (one query pair per element).
    pub(crate) fn is_vec(&self) -> bool {
        matches!(self, RustType::Vec(_))
    }

    /// Readable text for tools and docs: `Vec<String>`, `Number`, `SendTextButton`.
    pub(crate) fn text(&self) -> String {
        match self {
            RustType::String => "String".to_owned(),
            RustType::Bool => "bool".to_owned(),
            RustType::I64 => "i64".to_owned(),
            RustType::Number => "Number".to_owned(),
            RustType::Value => "Value".to_owned(),
            RustType::Vec(element) => format!("Vec<{}>", element.text()),
            RustType::Named(ident) => ident.to_string(),
        }
    }
}

impl ToTokens for RustType {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            RustType::String => quote!(::std::string::String),
            RustType::Bool => quote!(bool),
            RustType::I64 => quote!(i64),
            RustType::Number => quote!(::plugchat_runtime::__private::serde_json::Number),
            RustType::Value => quote!(::plugchat_runtime::__private::serde_json::Value),
            RustType::Vec(element) => quote!(::std::vec::Vec<#element>),
            RustType::Named(ident) => quote!(#ident),
        });
    }
}
