//! The success response's type: which answer `send()` decodes, its fields (every one an
//! `Option`, see ARCHITECTURE.md "Nulls"), and the struct (or list of items) generated for it.

use plugchat_model::Response;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::docs::doc_lines;
use crate::names;
use crate::plan::OperationNames;
use crate::types::RustType;

/// The success response's type: its definition (if a struct is needed) and how to decode it.
pub(crate) struct ResponseType {
    /// The struct, or nothing for untyped JSON.
    pub(crate) definition: TokenStream,
    /// The element type, for lists.
    pub(crate) item: TokenStream,
    /// What `send()` returns inside `Response<..>`.
    pub(crate) returned: TokenStream,
    /// What the runtime decodes (differs from `returned` for one-or-many lists).
    pub(crate) decoded: TokenStream,
    pub(crate) is_list: bool,
}

/// A field of the success response: wire name, Rust type (inside the `Option` every response
/// field is), and its documentation.
pub(crate) struct ResponseField {
    pub(crate) wire_name: String,
    pub(crate) ty: RustType,
    pub(crate) doc: String,
}

/// What the success response decodes into: a list of items or one object, and its fields.
/// `None` when the docs show neither fields nor an example (the answer is untyped JSON).
pub(crate) struct ResponseShape {
    pub(crate) is_list: bool,
    pub(crate) fields: Vec<ResponseField>,
}

/// What an example shows of each key, over every element of a list example: the first non-null
/// value (in order of first appearance) and the widest type of all the non-null values. A list
/// of messages of different kinds (text, image, document, ...) shows each kind's key in its own
/// element; the type has all of them.
struct Shown<'e> {
    keys: Vec<(&'e str, &'e Value, RustType)>,
}

impl<'e> Shown<'e> {
    fn of(objects: impl IntoIterator<Item = &'e serde_json::Map<String, Value>>) -> Shown<'e> {
        let mut keys: Vec<(&'e str, &'e Value, RustType)> = Vec::new();
        for object in objects {
            for (key, value) in object {
                match keys.iter_mut().find(|(k, ..)| k == key) {
                    Some((_, first, ty)) if !value.is_null() => {
                        let seen = RustType::of_example(value);
                        if first.is_null() {
                            *first = value;
                            *ty = seen;
                        } else {
                            *ty = std::mem::replace(ty, RustType::Value).widen(seen);
                        }
                    }
                    Some(_) => {}
                    None => keys.push((key, value, RustType::of_example(value))),
                }
            }
        }
        Shown { keys }
    }

    /// The first non-null value shown for `key`.
    fn value(&self, key: &str) -> Option<&'e Value> {
        self.keys.iter().find(|(k, ..)| *k == key).map(|(_, v, _)| *v).filter(|v| !v.is_null())
    }
}

pub(crate) fn response_shape(response: &Response) -> Option<ResponseShape> {
    let (is_list, shown) = match &response.example {
        Some(Value::Array(items)) => (true, Some(Shown::of(items.iter().filter_map(Value::as_object)))),
        Some(Value::Object(object)) => (false, Some(Shown::of([object]))),
        _ => (false, None),
    };
    // Every field is an `Option`: the docs never prove a field cannot be `null` (the format has
    // no such marker, and an example only shows one filled value), and a call that did its work
    // must not fail over one empty field (ARCHITECTURE.md, "Nulls").
    let mut fields: Vec<ResponseField> = response
        .fields
        .iter()
        .map(|f| {
            let shown_value = shown.as_ref().and_then(|s| s.value(&f.name));
            // A table that says scalar where the example shows an array or object (or the
            // reverse) cannot both be right: the type follows the example.
            let declared = RustType::of_tipo(&f.tipo()).filter(|ty| {
                let scalar = ty.lenient_decoder().is_some();
                shown_value.is_none_or(|v| scalar != (v.is_array() || v.is_object()))
            });
            let example_type = || {
                let shown = shown.as_ref()?;
                shown.value(&f.name)?;
                shown.keys.iter().find(|(k, ..)| *k == f.name).map(|(.., ty)| ty.clone())
            };
            let ty = declared.or_else(example_type).unwrap_or(RustType::Value);
            ResponseField { wire_name: f.name.clone(), ty, doc: f.description.clone() }
        })
        .collect();
    if let Some(shown) = shown {
        for (key, _, ty) in shown.keys {
            if !fields.iter().any(|field| field.wire_name == key) {
                fields.push(ResponseField {
                    wire_name: key.to_owned(),
                    ty,
                    doc: "Shown in the docs' example; not in its table.".to_owned(),
                });
            }
        }
    }
    (!fields.is_empty()).then_some(ResponseShape { is_list, fields })
}

/// The type `send()` returns for `response`, whose shape is `shape` ([`response_shape`]).
pub(crate) fn response_type(
    names: &OperationNames,
    response: Option<&Response>,
    shape: Option<&ResponseShape>,
) -> ResponseType {
    let method = &names.method;
    let value = quote!(::plugchat_runtime::__private::serde_json::Value);
    let untyped = ResponseType {
        definition: quote!(),
        item: value.clone(),
        returned: value.clone(),
        decoded: value.clone(),
        is_list: false,
    };
    let (Some(response), Some(&ResponseShape { is_list, ref fields })) = (response, shape) else { return untyped };
    let name = if is_list { names.item() } else { names.response() };
    let mut unique = names::Unique::default();
    let idents: Vec<_> = fields.iter().map(|field| unique.snake(&field.wire_name)).collect();
    let field_tokens = fields.iter().zip(&idents).map(|(ResponseField { wire_name: wire, ty, doc }, ident)| {
        let rename = (ident.to_string().trim_start_matches("r#") != wire).then(|| quote!(#[serde(rename = #wire)]));
        let docs = doc_lines(doc);
        quote! { #docs #rename pub #ident: ::core::option::Option<#ty>, }
    });
    // Decoding goes through a twin whose scalar fields are `Lenient<T>` (see `lenient::Lenient`).
    let (wire_fields, moves): (Vec<_>, Vec<_>) = fields
        .iter()
        .zip(&idents)
        .map(|(ResponseField { wire_name: wire, ty, .. }, ident)| match ty.lenient_decoder() {
            Some(_) => (
                quote!(#[serde(rename = #wire, default)] #ident: ::plugchat_runtime::__private::lenient::Lenient<#ty>,),
                quote!(#ident: wire.#ident.0,),
            ),
            None => (
                quote!(#[serde(rename = #wire, default)] #ident: ::core::option::Option<#ty>,),
                quote!(#ident: wire.#ident,),
            ),
        })
        .unzip();
    let mut doc = format!(
        "{} of [`Client::{method}`](crate::Client::{method}) (status {}).",
        if is_list { "One item of the answer" } else { "The answer" },
        response.status
    );
    doc.push_str(
        "\n\nEvery field is an `Option`: `null` or absent is `None`, never a decode error. Fields the service \
         adds later are ignored.\n\nIn your own tests, build one with `Default` and set the fields you need \
         (`let mut answer = T::default(); answer.field = Some(..);`): the struct is `#[non_exhaustive]`, so \
         a literal does not compile outside this crate.",
    );
    if let Some(example) = &response.example {
        doc.push_str("\n\nExample from the docs:\n```json\n");
        doc.push_str(&serde_json::to_string_pretty(example).unwrap_or_default());
        doc.push_str("\n```");
    }
    let docs = doc_lines(&doc);
    let definition = quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, ::plugchat_runtime::__private::serde::Serialize)]
        #[serde(crate = "::plugchat_runtime::__private::serde")]
        #[non_exhaustive]
        pub struct #name {
            #(#field_tokens)*
        }

        impl<'de> ::plugchat_runtime::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::plugchat_runtime::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                #[derive(::plugchat_runtime::__private::serde::Deserialize)]
                #[serde(crate = "::plugchat_runtime::__private::serde")]
                struct Wire {
                    #(#wire_fields)*
                }
                let wire = <Wire as ::plugchat_runtime::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(#name { #(#moves)* })
            }
        }
    };
    if is_list {
        ResponseType {
            definition,
            item: quote!(#name),
            returned: quote!(::std::vec::Vec<#name>),
            decoded: quote!(::plugchat_runtime::OneOrMany<#name>),
            is_list,
        }
    } else {
        ResponseType { definition, item: quote!(#name), returned: quote!(#name), decoded: quote!(#name), is_list }
    }
}

#[cfg(test)]
mod tests {
    use plugchat_model::{Location, Response};
    use serde_json::json;

    use super::response_shape;
    use crate::types::RustType;

    /// A list whose elements carry different keys, and keys whose values disagree in type: the
    /// item has every key, each with the widest type of its values.
    #[test]
    fn a_list_is_typed_from_every_element() {
        let example = json!([
            { "id": 1, "text": { "message": "oi" } },
            { "id": 1.5, "image": { "imageUrl": "https://x" }, "code": "A1" },
            { "id": 2, "code": 7, "tags": null },
            { "tags": ["a"], "flag": true },
            { "tags": [1], "flag": "x", "when": null },
        ]);
        let response = Response {
            status: 200,
            description: String::new(),
            fields: Vec::new(),
            example: Some(example),
            location: Location { file: "p.md".into(), line: 1, column: 1 },
        };
        let shape = response_shape(&response).expect("a shape");
        assert!(shape.is_list);
        let fields: Vec<(&str, RustType)> = shape.fields.iter().map(|f| (f.wire_name.as_str(), f.ty.clone())).collect();
        assert_eq!(
            fields,
            [
                ("id", RustType::Number),
                ("text", RustType::Value),
                ("image", RustType::Value),
                ("code", RustType::String),
                ("tags", RustType::Vec(Box::new(RustType::Value))),
                ("flag", RustType::String),
                ("when", RustType::Value),
            ]
        );
    }
}
