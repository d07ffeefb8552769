//! Hooks: code of the application run around every attempt of every call, to add headers,
//! log or measure. Registered with [`crate::ClientBuilder::hook`].
//!
//! A hook never sees the token: [`HookRequest`] holds the request's headers without
//! `Authorization` (the client adds it after the hooks ran, and a hook cannot replace it), and
//! [`AttemptReport`] holds errors, which are redacted like every error.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::error::Error;

/// Code run around each attempt. Both methods do nothing by default; implement the ones you
/// need. Hooks run in the order they were registered, on the task that makes the call, so
/// they should be quick (hand slow work to another task).
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent (retries included): read the request, add or change
    /// headers. The `Authorization` header is not in `request` and is set after this.
    fn before_send(&self, request: &mut HookRequest<'_>) {
        let _ = request;
    }

    /// Called after each attempt, with its status or error, its duration and whether the
    /// client will try again.
    fn after_attempt(&self, report: &AttemptReport<'_>) {
        let _ = report;
    }
}

/// One attempt about to be sent, as a hook sees it.
pub struct HookRequest<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: &'a Method,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) attempt: u32,
}

impl HookRequest<'_> {
    /// The operation's page id (`send-text`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The full URL, query included.
    pub fn url(&self) -> &str {
        self.url
    }

    /// The attempt's number, 1 for the first.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The headers the request will carry, without `Authorization`.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The headers to change. An `Authorization` set here is replaced by the client's token.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }
}

impl fmt::Debug for HookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// What one attempt gave.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptReport<'a> {
    /// The operation's page id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The path template (`/whatsapp/chats/{phone}`), without values.
    pub path: &'static str,
    /// The request as it was sent: URL, headers (without `Authorization`) and body.
    pub request: SentRequest<'a>,
    /// The answer as received, when the server answered (any status). Headers and body are
    /// redacted like errors: a server echoing the token does not hand it to a hook.
    pub response: Option<ReceivedResponse<'a>>,
    /// The attempt's number, 1 for the first.
    pub attempt: u32,
    /// The status, when the server answered.
    pub status: Option<StatusCode>,
    /// The error, when the attempt failed (an answer outside 2xx included).
    pub error: Option<&'a Error>,
    /// From sending to the whole body read.
    pub elapsed: Duration,
    /// Whether the client will try again after this.
    pub will_retry: bool,
}

/// The request of one attempt, after every hook's [`Hook::before_send`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SentRequest<'a> {
    /// The full URL, query included.
    pub url: &'a str,
    /// The headers sent, without `Authorization` (which the client adds and always sends).
    pub headers: &'a HeaderMap,
    /// The body sent (JSON), if any.
    pub body: Option<&'a [u8]>,
}

/// The answer to one attempt, as far as it was read.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ReceivedResponse<'a> {
    /// The status.
    pub status: StatusCode,
    /// The headers, every value holding the token replaced by `[redacted]`.
    pub headers: &'a HeaderMap,
    /// The whole body, every occurrence of the token replaced by `[redacted]`.
    pub body: &'a [u8],
    /// From sending to the headers' arrival; the rest of [`AttemptReport::elapsed`] read the body.
    pub waited: Duration,
}
