//! The docs toolchain of the PlugChat documentation format: the tools for anyone with a docs
//! tree of this family (method line, header and attribute tables, examples, responses per
//! status), not only for PlugChat's.
//!
//! - [`check`]: lint a tree, with rule ids and levels, as text, JSON, SARIF or GitHub annotations;
//! - [`diff`]: what changed in the API between two trees (directories or git revisions), with
//!   wire and semver verdicts;
//! - [`generate`]: a standalone typed client crate for a tree;
//! - [`openapi`]: an OpenAPI 3.1 document of a tree;
//! - [`conformance`]: HAR request examples against a tree's operations;
//! - [`drift`]: recorded traffic (HAR, webhook payloads) against a tree, and the table rows
//!   that would make the docs say what was seen.
//!
//! The binary `plugchat-docs` runs them ([`cli`]); `cargo xtask` in the plugchat-rs repository
//! calls the same commands for its own `docs-spec/`.

pub mod check;
pub mod cli;
pub mod conformance;
pub mod diff;
pub mod drift;
mod error;
pub mod generate;
pub mod lint_output;
pub mod openapi;
pub mod transaction;

pub use error::Error;

/// The spec file a tree's client is generated from: the model as pretty JSON with a trailing
/// newline (what `include_api!` reads, what `regen` and `generate` write).
pub fn spec_json(spec: &plugchat_spec::Spec) -> String {
    let mut json = serde_json::to_string_pretty(spec).expect("the spec serialises");
    json.push('\n');
    json
}
