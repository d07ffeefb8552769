//! Turns a [`plugchat_model::Spec`] into the Rust code of a typed client.
//!
//! A plain library: the proc-macro (`plugchat-macros`), `cargo xtask` and the snapshot tests
//! all call [`generate`]. The code it produces refers to everything by absolute path
//! (`::plugchat_runtime::...`), so it compiles in any crate that depends on
//! `plugchat-runtime`, and it is deterministic: the same spec gives the same tokens.

#![deny(missing_docs)]

mod builder;
mod docs;
mod examples;
mod names;
mod objects;
mod operation;
mod operation_plan;
mod params;
mod plan;
mod responses;
mod surface;
mod types;
mod webhooks;

use std::collections::BTreeMap;

use plugchat_model::{SPEC_FORMAT_VERSION, Spec};
use proc_macro2::TokenStream;
use quote::quote;

use crate::operation_plan::OperationPlan;

pub use operation::generate_operation;
// The surface's types live in the model (token-free, so its readers need no generator); the
// generator computes it.
pub use plugchat_model::surface::{
    ApiSurface, EventSurface, FieldSurface, MemberSurface, ObjectSurface, OperationSurface, PaginationSurface,
    ParamLocation, ParamSurface, ResponseSurface, TypeSurface,
};
pub use surface::{api_surface, event_surface, operation_surface};
pub use webhooks::generate_webhooks;

/// One reason a spec cannot be turned into code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The spec was written by another version of `cargo xtask regen`.
    #[error("spec format version {found} differs from the generator's {expected}")]
    FormatVersion {
        /// The spec's version.
        found: u32,
        /// The generator's [`SPEC_FORMAT_VERSION`].
        expected: u32,
    },
    /// Neither the tree's `api.yml` nor anything else gave a base URL.
    #[error("the spec has no base URL: set `base_url` in the docs tree's api.yml")]
    NoBaseUrl,
}

/// Why a spec cannot be turned into code: every problem found, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct Error {
    /// One per problem.
    pub problems: Vec<Problem>,
}

/// The whole client: `DEFAULT_BASE_URL`, `Client`, `ClientBuilder`, and one module per docs
/// section holding each operation's types and its `Client` method.
///
/// The methods' doc examples name the crate `plugchat_api`; [`generate_for_crate`] names another.
pub fn generate(spec: &Spec) -> Result<TokenStream, Error> {
    generate_for_crate(spec, DEFAULT_CRATE_NAME)
}

/// The crate name the doc examples use when none is given.
pub const DEFAULT_CRATE_NAME: &str = "plugchat_api";

/// [`generate`] for the crate named `crate_name` (as `use` spells it: `plugchat_api`), which
/// the methods' doc examples (`no_run` doctests) refer to.
pub fn generate_for_crate(spec: &Spec, crate_name: &str) -> Result<TokenStream, Error> {
    let mut problems = Vec::new();
    if spec.format_version != SPEC_FORMAT_VERSION {
        problems.push(Problem::FormatVersion { found: spec.format_version, expected: SPEC_FORMAT_VERSION });
    }
    let base_url = spec.base_url.clone().unwrap_or_else(|| {
        problems.push(Problem::NoBaseUrl);
        String::new()
    });
    // Every name chosen once for the whole spec: ids, sections and sub-tables that read alike
    // get distinct identifiers.
    let plan = plan::Plan::new(spec);
    let mut sections: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    let mut arms = Vec::new();
    let mut decode_arms = Vec::new();
    for (page, operation) in spec.operations() {
        let planned = OperationPlan::new(page, operation, plan.operation(page));
        sections.entry(page.section.as_str()).or_default().push(operation::generate_named(&planned, crate_name));
        let feature = feature_of(&page.section);
        let (dispatch, decode) = (operation::dispatch_arm(&planned), operation::decode_arm(&planned));
        arms.push(quote!(#[cfg(feature = #feature)] #dispatch));
        decode_arms.push(quote!(#[cfg(feature = #feature)] #decode));
    }
    if !problems.is_empty() {
        return Err(Error { problems });
    }
    let callbacks: Vec<&plugchat_model::Page> = spec.pages.iter().filter(|p| p.callback.is_some()).collect();
    if let Some(first) = callbacks.first() {
        let taken = plan.taken_types();
        sections
            .entry(first.section.as_str())
            .or_default()
            .push(webhooks::generate_webhooks_avoiding(&callbacks, taken));
    }
    let modules = sections.into_iter().map(|(section, items)| {
        let name = &plan.modules[section];
        let feature = feature_of(section);
        let doc = format!(" Operations documented under `{section}/` in the docs (cargo feature `{feature}`).");
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub mod #name {
                #(#items)*
            }
        }
    });
    let surface_json = serde_json::to_string(&surface::api_surface(spec)).expect("the surface serialises");
    Ok(quote! {
        /// The API's default base URL (from the docs' `api.yml`).
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The API this crate exposes, as data: a `plugchat_model::surface::ApiSurface` as JSON
        /// (each operation's method, setters and their types, where each value goes, the
        /// response's fields, the page streams; each webhook event's fields), computed by the
        /// generator with the code. Tools that read the API (the mock server, the `plugchat`
        /// command) read this, so they need neither the docs nor the generator.
        pub const API_SURFACE_JSON: &str = #surface_json;

        /// A client of the API. Build one with [`Client::builder`]; clones share connections.
        /// (Feature `client`: without it the crate holds the types and the webhook decoder only.)
        #[cfg(feature = "client")]
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: ::plugchat_runtime::Client,
        }

        /// Configures a [`Client`]: token, base URL, timeouts, retries.
        #[cfg(feature = "client")]
        pub type ClientBuilder = ::plugchat_runtime::ClientBuilder<Client>;

        #[cfg(feature = "client")]
        impl Client {
            /// A builder with [`DEFAULT_BASE_URL`]; `.token(..)` is required before `.build()`.
            pub fn builder() -> ClientBuilder {
                ::plugchat_runtime::ClientBuilder::new(DEFAULT_BASE_URL)
            }
        }

        #[cfg(feature = "client")]
        impl ::core::convert::From<::plugchat_runtime::Client> for Client {
            fn from(runtime: ::plugchat_runtime::Client) -> Self {
                Client { runtime }
            }
        }

        #(#modules)*

        /// Any operation called by its page id with JSON arguments: for tools that drive the API
        /// from data (the `plugchat` command, replays of recorded or documented examples).
        /// Calls go through the same typed builders as the methods of [`Client`](crate::Client),
        /// so they send exactly what those would. Compiled only with the `dynamic` feature.
        #[cfg(feature = "dynamic")]
        pub mod dynamic {
            /// Calls operation `id` (its page id, or `<folder>/<id>` for an id that several
            /// folders use) with `args` (attributes by their documented names). The answer is
            /// the decoded body re-encoded as JSON; the body as the server sent it is
            /// [`Response::json`](::plugchat_runtime::Response::json). An unknown id, or an
            /// argument that does not fit its attribute's type, is `Error::InvalidRequest`.
            /// (Feature `client`.)
            #[cfg(feature = "client")]
            pub async fn call(
                client: &crate::Client,
                id: &str,
                args: ::plugchat_runtime::__private::serde_json::Map<::std::string::String, ::plugchat_runtime::__private::serde_json::Value>,
            ) -> ::core::result::Result<::plugchat_runtime::Response<::plugchat_runtime::__private::serde_json::Value>, ::plugchat_runtime::Error> {
                match id {
                    #(#arms)*
                    other => ::core::result::Result::Err(::plugchat_runtime::Error::InvalidRequest {
                        operation: "dispatch",
                        message: ::std::format!("no operation has the id `{other}`"),
                    }),
                }
            }

            /// Decodes `body` into the response type of operation `id` (its page id, or
            /// `<folder>/<id>` for an id that several folders use), as `send()` would; `None`
            /// for an unknown id.
            pub fn decode(id: &str, body: &[u8]) -> ::core::option::Option<::core::result::Result<(), ::plugchat_runtime::__private::serde_json::Error>> {
                ::core::option::Option::Some(match id {
                    #(#decode_arms)*
                    _ => return ::core::option::Option::None,
                })
            }
        }
    })
}

/// The cargo feature that compiles a docs section's module: the section's directory name
/// (`chats`), or `general` for pages at the root of the tree. Characters a feature name
/// cannot hold (outside ASCII letters, digits, `-` and `_`) are folded (`á` → `a`) or become `_`.
pub fn feature_of(section: &str) -> String {
    if section.is_empty() {
        return "general".to_owned();
    }
    names::ascii(section).chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// The cargo feature that compiles the HTTP client (`Client`, the builders, `dynamic::call`):
/// without it a generated crate holds the types, the webhook decoder and `dynamic::decode`.
pub const CLIENT_FEATURE: &str = "client";

/// The cargo features the generated code expects the invoking crate to declare and enable by
/// default: one per docs section, and [`CLIENT_FEATURE`], sorted.
pub fn section_features(spec: &Spec) -> Vec<String> {
    let mut features: Vec<String> = spec
        .pages
        .iter()
        .filter(|p| p.operation.is_some() || p.callback.is_some())
        .map(|p| feature_of(&p.section))
        .chain([CLIENT_FEATURE.to_owned()])
        .collect();
    features.sort();
    features.dedup();
    features
}

/// `tokens` formatted by prettyplease, for snapshots and pre-expanded code (feature `pretty`). Tokens that are
/// not a valid file come back unformatted, so a generator bug shows in the snapshot diff.
#[cfg(feature = "pretty")]
pub fn pretty(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(error) => format!("// does not parse: {error}\n{tokens}\n"),
    }
}
