//! The runtime under the generated PlugChat client.
//!
//! It sends one described request ([`Operation`] + [`RequestParts`]) with authorization,
//! timeouts, retries and a bounded body, and decodes the answer into the generated type.
//! It knows nothing about markdown or about which endpoints exist: that is generated code's
//! business (see `plugchat-api`).
//!
//! The HTTP client is the default feature `client`. With `default-features = false`, the crate
//! is what generated types and webhook receivers need and nothing more (no reqwest, hyper,
//! tokio or rustls): lenient scalar decoding, [`OneOrMany`], [`Response`] and the [`webhook`]
//! decoder.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "blocking")]
mod blocking;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod har;
#[cfg(feature = "client")]
pub mod hooks;
#[doc(hidden)]
pub mod lenient;
#[cfg(feature = "client")]
mod operation;
#[cfg(feature = "client")]
mod paginate;
#[cfg(feature = "client")]
mod payloads;
mod response;
#[cfg(feature = "client")]
mod retry;
#[cfg(feature = "client")]
mod secret;
pub mod webhook;

#[cfg(feature = "blocking")]
pub use blocking::BlockingClient;
#[cfg(feature = "client")]
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    USER_AGENT_PREFIX,
};
#[cfg(feature = "client")]
pub use error::{ApiError, Error};
#[cfg(feature = "client")]
pub use har::{DEFAULT_MAX_RECORDED_BODY, HarRecorder};
#[cfg(feature = "client")]
pub use hooks::{AttemptReport, Hook, HookRequest, ReceivedResponse, SentRequest};
#[cfg(feature = "client")]
pub use operation::{Operation, RequestOptions, RequestParts};
#[cfg(feature = "client")]
pub use paginate::{Pages, paginate};
#[cfg(feature = "client")]
pub use payloads::PayloadRecorder;
/// The `reqwest` this crate is built with, for [`ClientBuilder::http_client`].
#[cfg(feature = "client")]
pub use reqwest;
pub use response::{OneOrMany, Response};
#[cfg(feature = "client")]
pub use retry::RetryPolicy;
pub use webhook::{DEFAULT_MAX_WEBHOOK_BYTES, MAX_WEBHOOK_DEPTH, Mismatch, WebhookError};

/// What a generated builder's type parameter for a required member implements once the
/// member is set: the value's own type does, the marker of an unset member does not. The call
/// that finishes a builder (`send()`) requires it of every required member, so leaving one out
/// is a compile error naming the member.
#[diagnostic::on_unimplemented(
    message = "the required member `{Self}` is not set",
    label = "this call needs every required member",
    note = "set it with the builder's setter of the same name, before this call"
)]
pub trait RequiredMember<T> {
    /// The member's value.
    fn into_value(self) -> T;
}

impl<T> RequiredMember<T> for T {
    fn into_value(self) -> T {
        self
    }
}

/// Re-exports of `http` types that appear in this crate's API.
pub use http::{HeaderMap, Method, StatusCode};

/// Items the generated code refers to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::lenient;
    pub use crate::webhook;
    #[cfg(feature = "client")]
    pub use client::*;
    pub use serde;
    pub use serde_json;

    /// What the client's generated code calls (feature `client`).
    #[cfg(feature = "client")]
    mod client {
        pub use crate::operation::{encode_path_segment, path_segment};

        /// Fails unless every value at the dotted `paths` of `body` that is present is an
        /// `https://` URL: PlugChat refuses other schemes for webhooks, so say so before sending.
        pub fn require_https(
            operation: &'static str,
            body: &serde_json::Value,
            paths: &[&str],
        ) -> Result<(), crate::Error> {
            for path in paths {
                let value = path.split('.').try_fold(body, |v, key| v.get(key));
                if let Some(serde_json::Value::String(url)) = value {
                    let scheme_ok = url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
                    if !scheme_ok {
                        return Err(crate::Error::InvalidRequest {
                            operation,
                            message: format!(
                                "`{path}` must be an https:// URL (PlugChat refuses other schemes), got `{url}`"
                            ),
                        });
                    }
                }
            }
            Ok(())
        }

        /// Fails unless `value` is at least 1: a page size of 0 or less asks the server for
        /// nothing useful (or everything), and a page stream would never advance.
        pub fn require_positive(operation: &'static str, name: &str, value: i64) -> Result<(), crate::Error> {
            if value < 1 {
                return Err(crate::Error::InvalidRequest {
                    operation,
                    message: format!("`{name}` must be at least 1, got {value}"),
                });
            }
            Ok(())
        }

        /// A request value as JSON. The generated types serialise to plain JSON objects, arrays
        /// and scalars, which cannot fail; `null` stands in should a hand-written type fail.
        pub fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
            serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
        }
        pub use futures_util::Stream;
    }
}
