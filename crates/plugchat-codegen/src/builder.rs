//! The typestate builder a `Client` method returns: `client.send_text().phone(..).message(..).send()`.
//!
//! Written here rather than derived with `bon`: bon's macros (and darling under them) were most
//! of what a user's build of the generated crate cost (docs/PERFORMANCE.md), and the builders
//! need only a small part of what it offers. What is kept from it:
//!
//! - Each required member is a type parameter of the builder. Unset, it holds a marker type
//!   named after the member (`client_send_text_builder::phone`); its setter exists only in that
//!   state and moves it to the value's type. The finishing call (`send`, `into_stream`) requires
//!   every parameter to implement `plugchat_runtime::RequiredMember`, which only values do, so
//!   leaving one out does not compile and the error names the member.
//! - An optional member has a setter taking the value and a `maybe_` setter taking an `Option`.
//! - String and number setters take `impl Into<..>` (`"text"`, `5`; a fraction as
//!   `serde_json::Number::from_f64(2.5)`, since a float may not be finite and JSON has no NaN).
//!
//! The finishing call is generic over the parameters, so the crate defining it compiles its
//! body only when a caller uses it: the generated crate's own build stays small.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::docs::doc_lines;
use crate::types::RustType;

/// One member of a builder.
pub(crate) struct Member<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: TokenStream,
    /// Setters take `impl Into<ty>`.
    pub(crate) into: bool,
    pub(crate) required: bool,
    pub(crate) doc: String,
}

impl<'a> Member<'a> {
    /// A member of a generated type, taking `impl Into` for strings and numbers.
    pub(crate) fn typed(ident: &'a Ident, ty: &RustType, required: bool, doc: &str) -> Self {
        Member {
            ident,
            ty: quote!(#ty),
            into: matches!(ty, RustType::String | RustType::Number),
            required,
            doc: doc.to_owned(),
        }
    }
}

/// A builder: the `Client` method that starts it, its members, and the call that finishes it.
pub(crate) struct Builder<'a> {
    /// The `Client` method (`send_text`).
    pub(crate) method: &'a Ident,
    /// The builder's type (`ClientSendTextBuilder`), named by the plan.
    pub(crate) name: &'a Ident,
    /// The method's rustdoc.
    pub(crate) method_doc: String,
    /// Arguments of the `Client` method itself (a stream's `page_size`), kept as fields.
    pub(crate) start: Vec<Member<'a>>,
    /// Members set by setters, in the order the docs list them.
    pub(crate) members: Vec<Member<'a>>,
    /// The finishing method (`send`, `into_stream`).
    pub(crate) finish: Ident,
    pub(crate) finish_is_async: bool,
    pub(crate) finish_doc: String,
    /// What the finishing method returns.
    pub(crate) returns: TokenStream,
    /// Its body. Every member and start argument is a local of its own name (required ones
    /// as values), and the client is `__client: &crate::Client`.
    pub(crate) body: TokenStream,
}

fn bare(ident: &Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_owned()
}

/// The setter of an optional member that takes an `Option`: `maybe_x` for `x`.
fn maybe_setter(ident: &Ident) -> Ident {
    format_ident!("maybe_{}", bare(ident))
}

/// `.x(value)` for a required member, `.maybe_x(value)` for an optional one (`value` an `Option`).
pub(crate) fn setter_call(ident: &Ident, required: bool, value: TokenStream) -> TokenStream {
    if required {
        quote!(.#ident(#value))
    } else {
        let maybe = maybe_setter(ident);
        quote!(.#maybe(#value))
    }
}

impl Builder<'_> {
    pub(crate) fn tokens(&self) -> TokenStream {
        let name = self.name;
        let markers = format_ident!("client_{}_builder", bare(self.method));
        let method = self.method;
        let required: Vec<&Member> = self.members.iter().filter(|m| m.required).collect();
        // Type parameters start with `_`: no generated type name does, so none is shadowed.
        let params: Vec<Ident> =
            required.iter().map(|m| format_ident!("_{}", crate::names::camel(&bare(m.ident)))).collect();
        let marker_types: Vec<TokenStream> = required.iter().map(|m| m.ident).map(|i| quote!(#markers::#i)).collect();

        // Start arguments are plain fields; a required member's field has its type parameter.
        let mut params_left = params.iter();
        let field_decls = self.start.iter().map(|m| (m, None)).chain(self.members.iter().map(|m| {
            let param = if m.required { params_left.next() } else { None };
            (m, param)
        }));
        let field_decls: Vec<TokenStream> = field_decls
            .map(|(m, param)| {
                let (ident, ty) = (m.ident, &m.ty);
                match param {
                    Some(param) => quote!(#ident: #param),
                    None if m.required => quote!(#ident: #ty),
                    None => quote!(#ident: ::core::option::Option<#ty>),
                }
            })
            .collect();
        let all_fields: Vec<&Ident> = self.start.iter().chain(&self.members).map(|m| m.ident).collect();

        let marker_module = (!required.is_empty()).then(|| {
            let doc = format!(" What each required member of [`{name}`] holds until its setter is called.");
            let items = required.iter().map(|m| {
                let ident = m.ident;
                let doc = format!(" `{}` is not set yet: call `.{}(..)`.", bare(ident), bare(ident));
                quote!(#[doc = #doc] pub struct #ident;)
            });
            quote! {
                #[doc = #doc]
                #[cfg(feature = "client")]
                #[allow(non_camel_case_types)]
                pub mod #markers { #(#items)* }
            }
        });

        // Rust takes no doc comments on parameters: the method's doc describes them.
        let start_args = self.start.iter().map(|m| {
            let (ident, ty) = (m.ident, &m.ty);
            quote!(#ident: #ty)
        });
        let initial = self.members.iter().map(|m| {
            let ident = m.ident;
            if m.required { quote!(#ident: #markers::#ident) } else { quote!(#ident: ::core::option::Option::None) }
        });
        let start_fields = self.start.iter().map(|m| m.ident);
        let mut method_doc = self.method_doc.clone();
        for m in &self.start {
            method_doc.push_str(&format!("\n\n`{}`: {}", bare(m.ident), m.doc));
        }
        let method_doc = doc_lines(&method_doc);

        let required_setters = required.iter().enumerate().map(|(i, m)| {
            let (ident, ty, docs) = (m.ident, &m.ty, doc_lines(&m.doc));
            let others: Vec<&Ident> = params.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| p).collect();
            let before =
                params.iter().enumerate().map(|(j, p)| if j == i { marker_types[i].clone() } else { quote!(#p) });
            let after = params.iter().enumerate().map(|(j, p)| if j == i { ty.clone() } else { quote!(#p) });
            let (arg, field) = if m.into {
                (quote!(impl ::core::convert::Into<#ty>), quote!(#ident: ::core::convert::Into::into(#ident)))
            } else {
                (quote!(#ty), quote!(#ident))
            };
            let moved = all_fields.iter().filter(|f| **f != ident).map(|f| quote!(#f: self.#f));
            quote! {
                #[cfg(feature = "client")]
                impl<'client, #(#others),*> #name<'client, #(#before),*> {
                    #docs
                    pub fn #ident(self, #ident: #arg) -> #name<'client, #(#after),*> {
                        #name { __client: self.__client, #field, #(#moved),* }
                    }
                }
            }
        });

        let optional_setters = self.members.iter().filter(|m| !m.required).map(|m| {
            let (ident, ty, docs) = (m.ident, &m.ty, doc_lines(&m.doc));
            let maybe = maybe_setter(ident);
            let maybe_doc = format!(" `.{}(..)` from an `Option`: `None` leaves it unset.", bare(ident));
            let (arg, value, maybe_value) = if m.into {
                (
                    quote!(impl ::core::convert::Into<#ty>),
                    quote!(::core::convert::Into::into(#ident)),
                    quote!(#ident.map(::core::convert::Into::into)),
                )
            } else {
                (quote!(#ty), quote!(#ident), quote!(#ident))
            };
            quote! {
                #docs
                pub fn #ident(mut self, #ident: #arg) -> Self {
                    self.#ident = ::core::option::Option::Some(#value);
                    self
                }
                #[doc = #maybe_doc]
                pub fn #maybe(mut self, #ident: ::core::option::Option<#arg>) -> Self {
                    self.#ident = #maybe_value;
                    self
                }
            }
        });

        let bounds = required.iter().zip(&params).map(|(m, p)| {
            let ty = &m.ty;
            quote!(#p: ::plugchat_runtime::RequiredMember<#ty>)
        });
        let unwraps = required.iter().map(|m| {
            let ident = m.ident;
            quote!(let #ident = ::plugchat_runtime::RequiredMember::into_value(#ident);)
        });
        let (finish, returns, body, finish_doc) =
            (&self.finish, &self.returns, &self.body, doc_lines(&self.finish_doc));
        let asyncness = self.finish_is_async.then(|| quote!(async));
        let where_clause = (!params.is_empty()).then(|| quote!(where #(#bounds),*));
        let struct_doc = format!(
            " The call [`Client::{method}`](crate::Client::{method}) prepares: set its members with their setters \
             (`.{finish}()` compiles once every required one is set), then `.{finish}()`."
        );
        let must_use = format!("nothing happens until `.{finish}()`");
        let defaults = params.iter().zip(&marker_types).map(|(p, m)| quote!(#p = #m));

        quote! {
            #marker_module

            #[doc = #struct_doc]
            #[cfg(feature = "client")]
            #[must_use = #must_use]
            pub struct #name<'client, #(#defaults),*> {
                __client: &'client crate::Client,
                #(#field_decls,)*
            }

            #[cfg(feature = "client")]
            impl crate::Client {
                #method_doc
                #[inline]
                pub fn #method(&self, #(#start_args),*) -> #name<'_> {
                    #name { __client: self, #(#start_fields,)* #(#initial),* }
                }
            }

            #(#required_setters)*

            #[cfg(feature = "client")]
            impl<'client, #(#params),*> #name<'client, #(#params),*> {
                #(#optional_setters)*

                #finish_doc
                #[inline]
                pub #asyncness fn #finish(self) -> #returns #where_clause {
                    let #name { __client, #(#all_fields),* } = self;
                    #(#unwraps)*
                    #body
                }
            }
        }
    }
}
