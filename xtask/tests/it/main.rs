//! xtask's tests, one test binary (one link instead of one per file): each module is a suite of
//! its own, named in its `//!` doc. `cargo test -p xtask --test it MODULE::` runs one of them.

mod build_sharing;
mod generated_crates;
mod packaging;
mod release;
mod semver;
mod support;
mod workflow;
