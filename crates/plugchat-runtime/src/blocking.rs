//! Synchronous calls: the async client driven by a private single-threaded runtime.
//!
//! Thin on purpose: every operation stays one generated async method, and this type only
//! blocks on it, so the blocking flavour cannot drift from the async one.

use std::future::Future;

use crate::error::Error;

/// A client for synchronous code: `blocking.call(|c| c.send_text().phone(..).message(..).send())`.
///
/// Do not use it from inside an async runtime (blocking there would stall it): use the async
/// client directly.
#[derive(Debug)]
pub struct BlockingClient<C> {
    client: C,
    runtime: tokio::runtime::Runtime,
}

impl<C> BlockingClient<C> {
    /// Wraps an async client.
    pub fn new(client: C) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the runtime of the blocking client: {e}")))?;
        Ok(BlockingClient { client, runtime })
    }

    /// Runs one call to completion: `call` receives the async client and returns the future
    /// of an operation (its builder's `send()`).
    pub fn call<'a, F: Future>(&'a self, call: impl FnOnce(&'a C) -> F) -> F::Output {
        self.runtime.block_on(call(&self.client))
    }

    /// The async client inside.
    pub fn inner(&self) -> &C {
        &self.client
    }
}
