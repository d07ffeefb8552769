//! A typed client of the PlugChat WhatsApp API, generated from its documentation.
//!
//! ```no_run
//! # async fn run() -> Result<(), plugchat_api::Error> {
//! let client = plugchat_api::Client::builder().token("my-token").build()?;
//! let pictures = client.get_profile_picture().phone("5511999999999").send().await?;
//! for picture in &pictures {
//!     println!("{}", picture.link.as_deref().unwrap_or("(no picture)")); // every response field is an Option
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every operation is a method of [`Client`] returning a builder: required attributes must
//! be set, optional ones may be, and `.send().await` performs the call. Leaving out a
//! required attribute does not compile, and the error names it (``the required member
//! `…::client_get_profile_picture_builder::phone` is not set``):
//!
//! ```compile_fail,E0277
//! # async fn run(client: plugchat_api::Client) -> Result<(), plugchat_api::Error> {
//! let pictures = client.get_profile_picture().send().await?; // no `.phone(..)`
//! # Ok(())
//! # }
//! ```
//!
//! Types live in one module per docs section ([`contacts`], ...).
//!
//! The HTTP client is the default feature `client`. A webhook receiver, or a program calling
//! the API through another HTTP stack, can leave it out: with `default-features = false,
//! features = ["webhooks"]` (or any sections) the crate builds without reqwest, hyper, tokio
//! or rustls, and keeps the types, `webhooks::WebhookEvent` and the response structs
//! (`serde_json::from_slice::<chats::GetChatsItem>(..)`; request sub-tables serialise with serde).
//!
//! The code comes from `spec.json` beside this crate's `Cargo.toml`, which
//! `cargo xtask regen` writes from the markdown pages in `docs-spec/`.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

plugchat_macros::include_api!("spec.json");

/// The spec this client was generated from: `spec.json` as `cargo xtask regen` wrote it (a
/// `plugchat_model::Spec` as JSON), for tools that read the API as data, like the mock server
/// and the `plugchat` command. Inside the crate, so it is packaged and published with it.
pub const SPEC_JSON: &str = include_str!("../spec.json");

/// The client for synchronous code (feature `blocking`):
/// `BlockingClient::new(client)?.call(|c| c.send_text().phone("..").message("..").send())`.
#[cfg(feature = "blocking")]
pub type BlockingClient = plugchat_runtime::BlockingClient<Client>;

#[cfg(feature = "client")]
pub use plugchat_runtime::{
    ApiError, AttemptReport, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    Error, HarRecorder, Hook, HookRequest, Pages, PayloadRecorder, RequestOptions, RetryPolicy, USER_AGENT_PREFIX,
};
pub use plugchat_runtime::{
    DEFAULT_MAX_WEBHOOK_BYTES, HeaderMap, MAX_WEBHOOK_DEPTH, Mismatch, Response, StatusCode, WebhookError,
};

/// The `reqwest` the client is built with: build the client you give
/// [`ClientBuilder::http_client`] with this one, so the versions match.
#[cfg(feature = "client")]
pub use plugchat_runtime::reqwest;

#[cfg(feature = "client")]
impl Client {
    /// A client configured from the environment: `PLUGCHAT_TOKEN` (required),
    /// `PLUGCHAT_BASE_URL`, `PLUGCHAT_TIMEOUT_SECS`, `PLUGCHAT_OPERATION_TIMEOUT_SECS`,
    /// `PLUGCHAT_MAX_RETRIES`, `PLUGCHAT_APP_NAME` (optional). A missing token or a value that
    /// does not parse is an [`Error::Config`] naming the variable. To set more on the builder,
    /// `Client::builder().env("PLUGCHAT")?.hook(..).build()`.
    ///
    /// ```no_run
    /// let client = plugchat_api::Client::from_env()?;
    /// # Ok::<(), plugchat_api::Error>(())
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().env(ENV_PREFIX)?.build()
    }
}

/// The prefix of the environment variables `Client::from_env` reads.
pub const ENV_PREFIX: &str = "PLUGCHAT";
