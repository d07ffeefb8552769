//! Finds the upstream corpus for the tests: see `support/corpus_build.rs`.

include!("../support/corpus_build.rs");
