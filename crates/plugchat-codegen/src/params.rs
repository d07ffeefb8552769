//! An operation's parameters as the builder exposes them: each attribute, path placeholder
//! and header with its setter name, Rust type, whether it is required, and where it goes on the
//! wire. Computed once per operation and read by the method, the doc example, the test
//! dispatcher and the API surface.

use plugchat_model::{Attribute, Operation, ParamLocation};
use proc_macro2::Ident;

use crate::names;
use crate::objects::TypeResolver;
use crate::types::RustType;

pub(crate) struct Param {
    pub(crate) ident: Ident,
    pub(crate) wire_name: String,
    pub(crate) ty: RustType,
    pub(crate) required: bool,
    pub(crate) doc: String,
    pub(crate) place: ParamLocation,
    /// The one value the page always sends: no setter, the method sends it.
    pub(crate) fixed: Option<String>,
}

/// Names a setter must not have: the method's own locals and members (a parameter `body`
/// would be shadowed by the JSON body being built), the builder's own member and setters
/// (`request_options`), and its finishing methods.
const RESERVED_PARAMS: &[&str] = &["request_options", "maybe_request_options", "parts", "body", "send", "into_stream"];

/// The operation's parameters, with setter names unique after case conversion (`phone`,
/// `Phone`, `PHONE` → `phone`, `phone_2`, `phone_3`) and the wire names as written.
pub(crate) fn params(operation: &Operation, types: &TypeResolver<'_>) -> Vec<Param> {
    let placeholders: Vec<&str> = operation.placeholders().collect();
    let mut params: Vec<Param> = Vec::new();
    let mut unique = names::Unique::reserving(RESERVED_PARAMS);
    let mut push = |attribute: &Attribute, required: bool| {
        let place = operation.location_of(attribute);
        let is_placeholder = place == ParamLocation::Path;
        let ty = types.attribute_type(attribute);
        let optional = !(required || is_placeholder) && attribute.fixed_value().is_none();
        params.push(Param {
            ident: unique.setter(&attribute.name, optional.then_some("maybe_")),
            wire_name: attribute.name.clone(),
            ty,
            required: required || is_placeholder,
            doc: attribute.description.clone(),
            place,
            fixed: attribute.fixed_value().map(str::to_owned),
        });
    };
    for attribute in &operation.required {
        push(attribute, true);
    }
    for attribute in &operation.optional {
        push(attribute, false);
    }
    for placeholder in &placeholders {
        if !params
            .iter()
            .any(|p| p.place == ParamLocation::Path && plugchat_model::same_name_key(&p.wire_name, placeholder))
        {
            params.push(Param {
                ident: unique.setter(placeholder, None),
                wire_name: (*placeholder).to_owned(),
                ty: RustType::String,
                required: true,
                doc: format!("The `{placeholder}` part of the path."),
                place: ParamLocation::Path,
                fixed: None,
            });
        }
    }
    for header in operation.headers.iter().filter(|h| !h.name.eq_ignore_ascii_case("authorization")) {
        params.push(Param {
            ident: unique.setter(&header.name, None),
            wire_name: header.name.clone(),
            ty: RustType::String,
            required: true,
            doc: format!("Sent as the `{}` header (example: `{}`).", header.name, header.example),
            place: ParamLocation::Header,
            fixed: None,
        });
    }
    params
}
