//! `WebhookEvent`: one variant per callback page, told apart by the payload itself, with
//! typed nested content built from the pages' dotted field names (`image.imageUrl`).

use plugchat_model::{Attribute, Page, Tipo};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::docs::doc_lines;
use crate::names::Unique;
use crate::types::RustType;

/// A field of a payload, with the fields nested under it.
struct Node<'a> {
    /// The field's name (without the `[]` that marks a list of objects).
    segment: String,
    /// Whether some path wrote `segment[]`: the field is a list of objects.
    is_list: bool,
    attribute: Option<&'a Attribute>,
    children: Vec<Node<'a>>,
}

fn insert<'a>(nodes: &mut Vec<Node<'a>>, path: &[&str], attribute: &'a Attribute) {
    let Some((first, rest)) = path.split_first() else { return };
    let segment = first.trim_end_matches("[]");
    let position = nodes.iter().position(|n| n.segment == segment).unwrap_or_else(|| {
        nodes.push(Node { segment: segment.to_owned(), is_list: false, attribute: None, children: Vec::new() });
        nodes.len() - 1
    });
    let node = &mut nodes[position];
    node.is_list |= first.ends_with("[]");
    if rest.is_empty() {
        node.attribute = Some(attribute);
    } else {
        insert(&mut node.children, rest, attribute);
    }
}

/// The payload's fields as a tree. Required and optional fields alike: real payloads leave
/// out or null what the tables call required (a contact without a photo, a notification
/// without a message), so every field is an `Option` in Rust.
fn tree(page: &Page) -> Vec<Node<'_>> {
    let mut nodes = Vec::new();
    if let Some(callback) = &page.callback {
        for attribute in callback.required.iter().chain(&callback.optional) {
            let path: Vec<&str> = attribute.name.split('.').collect();
            insert(&mut nodes, &path, attribute);
        }
    }
    nodes
}

/// How a leaf field is typed and decoded.
enum Leaf {
    /// A scalar through `lenient::option_<decoder>`.
    Scalar(RustType, &'static str),
    /// A list whose elements go through `lenient::option_<decoder>`, or are any JSON value.
    List(RustType, Option<&'static str>),
    /// Any JSON value.
    Value,
}

fn leaf(tipo: &Tipo) -> Leaf {
    let ty = RustType::of_tipo_or_value(tipo);
    if let Some(decoder) = ty.lenient_decoder() {
        return Leaf::Scalar(ty, decoder);
    }
    match ty {
        RustType::Vec(element)
            if matches!(*element, RustType::String | RustType::Bool | RustType::I64 | RustType::Value) =>
        {
            let decoder = element.lenient_decoder();
            Leaf::List(*element, decoder)
        }
        _ => Leaf::Value,
    }
}

/// The expression decoding a leaf field `wire` whose raw value is `slot` (see
/// `plugchat_runtime::webhook::Decoder`).
fn decode_leaf(leaf: &Leaf, wire: &str, slot: &TokenStream) -> (TokenStream, TokenStream) {
    let element = |decoder: Option<&'static str>| match decoder {
        Some(decoder) => {
            let function = format_ident!("{}", decoder);
            quote!(::plugchat_runtime::__private::webhook::leaf::#function)
        }
        None => quote!(::plugchat_runtime::__private::webhook::any),
    };
    match leaf {
        Leaf::Scalar(ty, decoder) => {
            let decode = element(Some(decoder));
            (quote!(#ty), quote!(decoder.field(#slot, at, #wire, #decode)))
        }
        Leaf::List(ty, decoder) => {
            let decode = element(*decoder);
            (quote!(::std::vec::Vec<#ty>), quote!(decoder.list(#slot, at, #wire, #decode)))
        }
        Leaf::Value => (
            quote!(::plugchat_runtime::__private::serde_json::Value),
            quote!(decoder.field(#slot, at, #wire, ::plugchat_runtime::__private::webhook::any)),
        ),
    }
}

/// The struct `name` for `nodes`, preceded by the structs of its nested objects. Every field
/// is an `Option` decoded tolerantly (see `plugchat_runtime::webhook::Decoder`); an event's
/// top-level struct (`top`) also keeps the mismatches and can be deserialised on its own.
///
/// Decoding reads the object's members once: `slot_of` maps each documented key to its
/// field's slot (a `match`), the raw value of each key lands in its slot (the last, if a key
/// repeats), and each field is then decoded from its slot, in the documented order.
fn structs(name: &Ident, doc: &str, nodes: &[Node<'_>], top: bool, types: &mut Unique, out: &mut Vec<TokenStream>) {
    // Field names unique within the struct; type names unique within the module (`types`,
    // see [`crate::plan`]).
    let mut unique = Unique::default();
    let mut fields = Vec::new();
    let mut decoders = Vec::new();
    let mut slot_arms = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        let wire = node.segment.as_str();
        let ident = unique.snake(wire);
        let tipo = node.attribute.map_or(Tipo::Any, Attribute::tipo);
        let description = node.attribute.map_or(String::new(), |a| a.description.clone());
        let docs = doc_lines(&description);
        let slot = quote!(slots[#index]);
        slot_arms.push(quote!(#wire => #index,));
        let (ty, decode) = if node.children.is_empty() {
            decode_leaf(&leaf(&tipo), wire, &slot)
        } else {
            let child = types.camel(&name.to_string(), wire);
            structs(&child, &format!("`{wire}` of [`{name}`]. {description}"), &node.children, false, types, out);
            if node.is_list || matches!(tipo, Tipo::List(_)) {
                (quote!(::std::vec::Vec<#child>), quote!(decoder.objects(#slot, at, #wire, #child::decode_members)))
            } else {
                (quote!(#child), quote!(decoder.object(#slot, at, #wire, #child::decode_members)))
            }
        };
        fields.push(quote! {
            #docs
            #[serde(rename = #wire, skip_serializing_if = "::core::option::Option::is_none")]
            pub #ident: ::core::option::Option<#ty>,
        });
        decoders.push(quote!(#ident: #decode,));
    }
    let count = nodes.len();
    let map = quote!(::plugchat_runtime::__private::serde_json::Map<::std::string::String, ::plugchat_runtime::__private::serde_json::Value>);
    let webhook = quote!(::plugchat_runtime::__private::webhook);
    let docs = doc_lines(doc);
    let (mismatch_field, mismatch_init, top_items) = if top {
        (
            quote! {
                #[serde(skip)]
                __mismatches: ::std::vec::Vec<::plugchat_runtime::Mismatch>,
            },
            quote!(__mismatches: ::std::vec::Vec::new(),),
            quote! {
                impl #name {
                    /// The payload's values that did not fit their documented type: each typed
                    /// field concerned is `None`, and its JSON path, the reason and the value are here.
                    #[inline] pub fn mismatches(&self) -> &[::plugchat_runtime::Mismatch] {
                        &self.__mismatches
                    }

                    /// Decodes a payload object of this event (every field tolerantly).
                    #[inline] pub fn from_object(object: &#map) -> Self {
                        let (mut event, mismatches) = #webhook::decode_map(object, Self::decode_members);
                        event.__mismatches = mismatches;
                        event
                    }

                    #[doc(hidden)]
                    #[inline] pub fn from_payload(payload: &#webhook::Payload<'_>) -> Self {
                        let (mut event, mismatches) = payload.decode(Self::decode_members);
                        event.__mismatches = mismatches;
                        event
                    }
                }

                impl<'de> ::plugchat_runtime::__private::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::plugchat_runtime::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                        let payload = <::plugchat_runtime::__private::serde_json::Value as ::plugchat_runtime::__private::serde::Deserialize>::deserialize(deserializer)?;
                        let object = #webhook::object(&payload).map_err(<D::Error as ::plugchat_runtime::__private::serde::de::Error>::custom)?;
                        ::core::result::Result::Ok(Self::from_object(object))
                    }
                }
            },
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    out.push(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::plugchat_runtime::__private::serde::Serialize)]
        #[serde(crate = "::plugchat_runtime::__private::serde")]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #mismatch_field
        }

        impl #name {
            #[doc(hidden)]
            #[inline] pub fn slot_of(key: &str) -> usize {
                match key {
                    #(#slot_arms)*
                    _ => usize::MAX,
                }
            }

            #[doc(hidden)]
            #[inline] pub fn decode_members(object: #webhook::Object<'_>, at: &#webhook::At<'_>, decoder: &mut #webhook::Decoder) -> Self {
                let mut slots = [::core::option::Option::None; #count];
                object.fill(&mut slots, Self::slot_of);
                let _ = (&slots, &at, &decoder);
                #name { #(#decoders)* #mismatch_init }
            }
        }

        #top_items
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
    let mut mismatch_arms = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    for page in pages {
        let Some(callback) = &page.callback else { continue };
        let variant = types.camel("", &page.id);
        let conditions: Vec<String> =
            callback.discriminator.iter().map(|d| format!("`{}` = `{}`", d.field, d.value)).collect();
        let doc = format!(
            "{}.\n\nRecognised by {}; documented in `{}`. Every field is optional: real payloads leave out or \
             null fields the docs call required, and a value that does not fit its documented type is `None` \
             here and listed by `mismatches()`.",
            page.title.trim_end_matches('.'),
            conditions.join(" and "),
            page.file
        );
        structs(&variant, &doc, &tree(page), true, &mut types, &mut items);
        let variant_doc = doc_lines(&format!("{} ({}).", page.title.trim_end_matches('.'), conditions.join(" and ")));
        variants.push(quote!(#variant_doc #variant(#variant),));
        let id = &page.id;
        let pairs = callback.discriminator.iter().map(|d| {
            let (field, value) = (&d.field, &d.value);
            quote!((#field, #value))
        });
        for d in &callback.discriminator {
            if !fields.contains(&d.field.as_str()) {
                fields.push(&d.field);
            }
        }
        arms.push(quote! {
            if found.matches(&[#(#pairs),*]) {
                return ::core::result::Result::Ok(::core::option::Option::Some(WebhookEvent::#variant(#variant::from_payload(payload))));
            }
        });
        names_arms.push(quote!(WebhookEvent::#variant(_) => #id,));
        mismatch_arms.push(quote!(WebhookEvent::#variant(event) => event.mismatches(),));
    }
    let fields_doc = fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
    let enum_doc = doc_lines(&format!(
        "A webhook payload, decoded into the event it announces.\n\n\
         PlugChat POSTs these to the URLs set with the `update_webhook*` operations. The event is recognised \
         from the payload itself (the fields {fields_doc}); a recognised event always decodes, whatever its \
         other fields hold (see [`WebhookEvent::mismatches`]). A payload of an event these docs do not describe \
         decodes to [`WebhookEvent::Unknown`] with its JSON kept; fields the docs do not list are ignored."
    ));
    quote! {
        #(#items)*

        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#variants)*
            /// A payload of an event these docs do not describe, kept as sent.
            Unknown(::plugchat_runtime::__private::serde_json::Value),
        }

        impl WebhookEvent {
            /// The dotted paths of the fields that tell the documented events apart.
            pub const DISCRIMINATORS: &'static [&'static str] = &[#(#fields),*];

            /// Decodes a payload of at most [`DEFAULT_MAX_WEBHOOK_BYTES`](::plugchat_runtime::DEFAULT_MAX_WEBHOOK_BYTES).
            ///
            /// Fails only for a payload that is too large, not JSON, not a JSON object, or that
            /// names no event (none of [`DISCRIMINATORS`](Self::DISCRIMINATORS) holds a string).
            #[inline] pub fn from_slice(bytes: &[u8]) -> ::core::result::Result<Self, ::plugchat_runtime::WebhookError> {
                Self::from_slice_with_limit(bytes, ::plugchat_runtime::DEFAULT_MAX_WEBHOOK_BYTES)
            }

            /// Decodes a payload of at most `limit` bytes.
            #[inline] pub fn from_slice_with_limit(bytes: &[u8], limit: usize) -> ::core::result::Result<Self, ::plugchat_runtime::WebhookError> {
                let payload = ::plugchat_runtime::__private::webhook::Payload::parse(bytes, limit)?;
                ::core::result::Result::Ok(match Self::recognise(&payload)? {
                    ::core::option::Option::Some(event) => event,
                    ::core::option::Option::None => WebhookEvent::Unknown(payload.to_value()),
                })
            }

            /// Like [`from_slice`](Self::from_slice), also returning the payload's JSON as sent
            /// (fields the docs do not list included).
            #[inline] pub fn from_slice_with_raw(bytes: &[u8]) -> ::core::result::Result<(Self, ::plugchat_runtime::__private::serde_json::Value), ::plugchat_runtime::WebhookError> {
                let payload = ::plugchat_runtime::__private::webhook::Payload::parse(bytes, ::plugchat_runtime::DEFAULT_MAX_WEBHOOK_BYTES)?;
                let value = payload.to_value();
                let event = match Self::recognise(&payload)? {
                    ::core::option::Option::Some(event) => event,
                    ::core::option::Option::None => WebhookEvent::Unknown(value.clone()),
                };
                ::core::result::Result::Ok((event, value))
            }

            /// Decodes an already parsed payload.
            #[inline] pub fn from_value(payload: ::plugchat_runtime::__private::serde_json::Value) -> ::core::result::Result<Self, ::plugchat_runtime::WebhookError> {
                let text = ::plugchat_runtime::__private::webhook::text_of(&payload)?;
                let parsed = ::plugchat_runtime::__private::webhook::Payload::parse(text.as_bytes(), usize::MAX)?;
                ::core::result::Result::Ok(match Self::recognise(&parsed)? {
                    ::core::option::Option::Some(event) => event,
                    ::core::option::Option::None => WebhookEvent::Unknown(payload),
                })
            }

            /// The documented event `payload` is, `None` for an event the docs do not describe.
            #[inline] fn recognise(payload: &::plugchat_runtime::__private::webhook::Payload<'_>) -> ::core::result::Result<::core::option::Option<Self>, ::plugchat_runtime::WebhookError> {
                let found = payload.discriminators(Self::DISCRIMINATORS);
                #(#arms)*
                found.unrecognised()?;
                ::core::result::Result::Ok(::core::option::Option::None)
            }

            /// The event's name (its docs page id), or `"unknown"`.
            #[inline] pub fn name(&self) -> &'static str {
                match self {
                    #(#names_arms)*
                    WebhookEvent::Unknown(_) => "unknown",
                }
            }

            /// The payload's values that did not fit their documented type (empty for `Unknown`).
            #[inline] pub fn mismatches(&self) -> &[::plugchat_runtime::Mismatch] {
                match self {
                    #(#mismatch_arms)*
                    WebhookEvent::Unknown(_) => &[],
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
