//! The end-to-end suite, one test binary (one link instead of one per file): each module is
//! a suite of its own, named in its `//!` doc. `cargo test -p plugchat-tests --test it MODULE::`
//! runs one of them.

mod blocking;
mod corpus;
mod decode_paths;
mod docs_toolchain;
mod drift;
mod every_operation;
mod faults;
mod har_examples;
mod hostile;
mod mock_examples;
mod openapi;
mod operations;
mod profile_picture;
mod response_nulls;
mod toolbox;
mod tracing_output;
mod webhook_payloads;
mod webhook_properties;
