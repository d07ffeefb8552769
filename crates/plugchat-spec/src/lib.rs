//! Reads API documentation pages written in the PlugChat markdown format into a [`Spec`].
//!
//! The format (front matter, a method line, attribute tables, examples and responses per
//! status) is described in `ARCHITECTURE.md`. Parsing never panics and never stops at the
//! first problem: every entry point returns what it could read plus a list of
//! [`Diagnostic`]s, each pointing at `path:line:col`.
//!
//! Nothing here knows about PlugChat itself: hosts come from the pages and the base path from
//! [`ParseOptions`] (the tree's `api.yml`). The words that name sections (`Atributos`,
//! `Attributes`, `Obrigatórios`, `Required`, ...) are the format's vocabulary, in Portuguese and
//! English, listed once in `page.rs`; they are not configurable.

#![deny(missing_docs)]

mod crosscheck;
mod diagnostic;
mod examples;
mod frontmatter;
mod har;
mod json;
mod markdown;
/// The model crate, under the name the parser's modules use.
mod model {
    pub(crate) use plugchat_model::*;
}
mod page;
mod reconcile;
mod rows;
mod sections;
mod tables;
mod tree;
mod url;
mod yaml;

pub use diagnostic::{Diagnostic, Rule, Severity, rules_table};
pub use har::{Finding, HarRequest, check_examples, read_har};
pub use page::parse_page;
/// The model lives in `plugchat-model` (what the generator reads); the parser builds it.
pub use plugchat_model::{
    Attribute, Callback, CallbackExample, Discriminator, Header, Location, Method, ObjectType, Operation, Page,
    RequestExample, Response, SPEC_FORMAT_VERSION, Spec,
};

/// Reads a JSON example as pages write them, repairing comments, trailing commas, `ou`
/// alternatives, prose lines, missing commas and concatenated values. Returns the value and
/// the repairs applied, or the strict parser's error when no repair saves it.
pub fn read_json_example(text: &str) -> Result<(serde_json::Value, Vec<&'static str>), serde_json::Error> {
    match json::read(text) {
        json::Example::Parsed(value) => Ok((value, Vec::new())),
        json::Example::Repaired(value, repairs) => Ok((value, repairs)),
        json::Example::Broken(error) => Err(error),
    }
}
pub use tree::{MANIFEST_FILE, Manifest, parse_sources, parse_tree};

/// Settings a docs tree needs but no page states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The API's base URL (e.g. `https://api.example.com/api`). Operation paths are stored
    /// relative to its path; the host of a page's URL is never used.
    pub base_url: Option<String>,
}

impl ParseOptions {
    /// The path part of [`ParseOptions::base_url`] without a trailing slash (`/api`), or `""`.
    pub fn base_path(&self) -> &str {
        let Some(url) = self.base_url.as_deref() else { return "" };
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
        path.trim_end_matches('/')
    }
}
