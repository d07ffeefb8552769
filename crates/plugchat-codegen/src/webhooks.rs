//! `WebhookEvent`: one variant per callback page, told apart by the payload itself, with
//! typed nested content built from the pages' dotted field names (`image.imageUrl`).

use plugchat_spec::{Attribute, Page};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::names::Unique;
use crate::operation::doc_lines;
use crate::types;

/// A field of a payload, with the fields nested under it.
struct Node<'a> {
    /// The field's name (without the `[]` that marks a list of objects).
    segment: String,
    /// Whether some path wrote `segment[]`: the field is a list of objects.
    is_list: bool,
    attribute: Option<&'a Attribute>,
    required: bool,
    children: Vec<Node<'a>>,
}

fn insert<'a>(nodes: &mut Vec<Node<'a>>, path: &[&str], attribute: &'a Attribute, required: bool) {
    let Some((first, rest)) = path.split_first() else { return };
    let segment = first.trim_end_matches("[]");
    let position = nodes.iter().position(|n| n.segment == segment).unwrap_or_else(|| {
        nodes.push(Node {
            segment: segment.to_owned(),
            is_list: false,
            attribute: None,
            required: false,
            children: Vec::new(),
        });
        nodes.len() - 1
    });
    let node = &mut nodes[position];
    node.is_list |= first.ends_with("[]");
    if rest.is_empty() {
        node.attribute = Some(attribute);
        node.required = required;
    } else {
        insert(&mut node.children, rest, attribute, false);
    }
}

/// The payload's fields as a tree. A required field that some example shows as `null` is
/// optional in Rust: the examples are what the service sends.
fn tree(page: &Page) -> Vec<Node<'_>> {
    let mut nodes = Vec::new();
    if let Some(callback) = &page.callback {
        let null_somewhere =
            |name: &str| callback.examples.iter().any(|e| e.payload.get(name).is_some_and(|v| v.is_null()));
        for (attribute, required) in
            callback.required.iter().map(|a| (a, true)).chain(callback.optional.iter().map(|a| (a, false)))
        {
            let path: Vec<&str> = attribute.name.split('.').collect();
            insert(&mut nodes, &path, attribute, required && !null_somewhere(&attribute.name));
        }
    }
    nodes
}

/// The struct `name` for `nodes`, preceded by the structs of its nested objects.
/// `types` holds the type names taken in the module (see [`crate::plan`]).
fn structs(name: &Ident, doc: &str, nodes: &[Node<'_>], types: &mut Unique, out: &mut Vec<TokenStream>) {
    let mut unique = Unique::default();
    let fields: Vec<TokenStream> = nodes
        .iter()
        .map(|node| {
            let wire = node.segment.as_str();
            let ident = unique.snake(wire);
            let declared = node.attribute.map_or("", |a| a.ty.as_str()).to_lowercase();
            let description = node.attribute.map_or(String::new(), |a| a.description.clone());
            let docs = doc_lines(&description);
            let (ty, decoder) = if node.children.is_empty() {
                let ty = match declared.as_str() {
                    "object" | "" => quote!(::plugchat_runtime::__private::serde_json::Value),
                    "array" => quote!(::std::vec::Vec<::plugchat_runtime::__private::serde_json::Value>),
                    other => types::rust_type_or_value(other),
                };
                let decoder = types::lenient_decoder(&ty);
                (ty, decoder)
            } else {
                let child = types.camel(&name.to_string(), wire);
                structs(&child, &format!("`{wire}` of [`{name}`]. {description}"), &node.children, types, out);
                let is_list = node.is_list || declared.starts_with("array");
                (if is_list { quote!(::std::vec::Vec<#child>) } else { quote!(#child) }, None)
            };
            match (node.required, decoder) {
                (true, Some(decoder)) => {
                    let path = format!("::plugchat_runtime::__private::lenient::{decoder}");
                    quote!(#docs #[serde(rename = #wire, deserialize_with = #path)] pub #ident: #ty,)
                }
                (true, None) => quote!(#docs #[serde(rename = #wire)] pub #ident: #ty,),
                (false, Some(decoder)) => {
                    let path = format!("::plugchat_runtime::__private::lenient::option_{decoder}");
                    quote! {
                        #docs
                        #[serde(rename = #wire, default, deserialize_with = #path, skip_serializing_if = "::core::option::Option::is_none")]
                        pub #ident: ::core::option::Option<#ty>,
                    }
                }
                (false, None) => quote! {
                    #docs
                    #[serde(rename = #wire, default, skip_serializing_if = "::core::option::Option::is_none")]
                    pub #ident: ::core::option::Option<#ty>,
                },
            }
        })
        .collect();
    let docs = doc_lines(doc);
    out.push(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::plugchat_runtime::__private::serde::Serialize, ::plugchat_runtime::__private::serde::Deserialize)]
        #[serde(crate = "::plugchat_runtime::__private::serde")]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    });
}

/// The payload types and the `WebhookEvent` enum for the callback pages, or nothing if
/// there are none.
pub fn generate_webhooks(pages: &[&Page]) -> TokenStream {
    let mut types = Unique::default();
    types.take_camel("WebhookEvent");
    generate_webhooks_avoiding(pages, types)
}

/// [`generate_webhooks`] with type names that differ from those `types` holds (the module's
/// operation types).
pub(crate) fn generate_webhooks_avoiding(pages: &[&Page], mut types: Unique) -> TokenStream {
    if pages.is_empty() {
        return quote!();
    }
    let mut items = Vec::new();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut names_arms = Vec::new();
    for page in pages {
        let Some(callback) = &page.callback else { continue };
        let variant = types.camel("", &page.id);
        let conditions: Vec<String> =
            callback.discriminator.iter().map(|d| format!("`{}` = `{}`", d.field, d.value)).collect();
        let doc = format!(
            "{}.\n\nRecognised by {}; documented in `{}`.",
            page.title.trim_end_matches('.'),
            conditions.join(" and "),
            page.file
        );
        structs(&variant, &doc, &tree(page), &mut types, &mut items);
        let variant_doc = doc_lines(&format!("{} ({}).", page.title.trim_end_matches('.'), conditions.join(" and ")));
        variants.push(quote!(#variant_doc #variant(#variant),));
        let id = &page.id;
        let pairs = callback.discriminator.iter().map(|d| {
            let (field, value) = (&d.field, &d.value);
            quote!((#field, #value))
        });
        arms.push(quote! {
            if ::plugchat_runtime::__private::webhook::matches(&payload, &[#(#pairs),*]) {
                return ::plugchat_runtime::__private::webhook::decode(#id, payload).map(WebhookEvent::#variant);
            }
        });
        names_arms.push(quote!(WebhookEvent::#variant(_) => #id,));
    }
    quote! {
        #(#items)*

        /// A webhook payload, decoded into the event it announces.
        ///
        /// PlugChat POSTs these to the URLs set with the `update_webhook*` operations. The event
        /// is recognised from the payload itself; a payload of an event these docs do not
        /// describe decodes to [`WebhookEvent::Unknown`] with its JSON kept, and fields the
        /// docs do not list are ignored.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#variants)*
            /// A payload of an event these docs do not describe, kept as sent.
            Unknown(::plugchat_runtime::__private::serde_json::Value),
        }

        impl WebhookEvent {
            /// Decodes a payload of at most [`DEFAULT_MAX_WEBHOOK_BYTES`](::plugchat_runtime::DEFAULT_MAX_WEBHOOK_BYTES).
            pub fn from_slice(bytes: &[u8]) -> ::core::result::Result<Self, ::plugchat_runtime::WebhookError> {
                Self::from_slice_with_limit(bytes, ::plugchat_runtime::DEFAULT_MAX_WEBHOOK_BYTES)
            }

            /// Decodes a payload of at most `limit` bytes.
            pub fn from_slice_with_limit(bytes: &[u8], limit: usize) -> ::core::result::Result<Self, ::plugchat_runtime::WebhookError> {
                Self::from_value(::plugchat_runtime::__private::webhook::parse(bytes, limit)?)
            }

            /// Decodes an already parsed payload.
            pub fn from_value(payload: ::plugchat_runtime::__private::serde_json::Value) -> ::core::result::Result<Self, ::plugchat_runtime::WebhookError> {
                #(#arms)*
                ::core::result::Result::Ok(WebhookEvent::Unknown(payload))
            }

            /// The event's name (its docs page id), or `"unknown"`.
            pub fn name(&self) -> &'static str {
                match self {
                    #(#names_arms)*
                    WebhookEvent::Unknown(_) => "unknown",
                }
            }
        }

        impl<'de> ::plugchat_runtime::__private::serde::Deserialize<'de> for WebhookEvent {
            fn deserialize<D: ::plugchat_runtime::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let payload = <::plugchat_runtime::__private::serde_json::Value as ::plugchat_runtime::__private::serde::Deserialize>::deserialize(deserializer)?;
                WebhookEvent::from_value(payload).map_err(<D::Error as ::plugchat_runtime::__private::serde::de::Error>::custom)
            }
        }
    }
}
