//! The runtime under the generated PlugChat client.
//!
//! It sends one described request ([`Operation`] + [`RequestParts`]) with authorization,
//! timeouts, retries and a bounded body, and decodes the answer into the generated type.
//! It knows nothing about markdown or about which endpoints exist: that is generated code's
//! business (see `plugchat-api`).

#![deny(missing_docs)]

mod client;
mod error;
#[doc(hidden)]
pub mod lenient;
mod paginate;
mod operation;
mod response;
mod retry;
mod secret;

pub use client::{Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
pub use error::{ApiError, Error};
pub use operation::{Operation, RequestOptions, RequestParts};
pub use paginate::{paginate, Pages};
pub use response::{OneOrMany, Response};
pub use retry::RetryPolicy;

/// Re-exports of `http` types that appear in this crate's API.
pub use http::{HeaderMap, Method, StatusCode};

/// Items the generated code refers to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use bon;
    pub use serde;
    pub use serde_json;
    pub use crate::operation::encode_path_segment;

    /// A request value as JSON. The generated types serialise to plain JSON objects, arrays
    /// and scalars, which cannot fail; `null` stands in should a hand-written type fail.
    pub fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
    }
    pub use crate::lenient;
    pub use futures_util::Stream;
}
