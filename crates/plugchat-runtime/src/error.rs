//! The one error type of every call.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::secret::Redactor;

/// Bytes of a body kept in an error (as text): enough to recognise an HTML error page or a
/// truncated document, never a whole large body.
pub(crate) const SNIPPET_BYTES: usize = 512;

/// What went wrong with a call. The token never appears in any variant or message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured with something it cannot use.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The request could not be built (a value that does not fit a URL, say).
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The operation's page id.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },

    /// The request never left: no connection could be made (refused, DNS, TLS), or the
    /// connection closed before the request was written.
    #[error("{operation}: request not sent: {source}")]
    Connect {
        /// The operation's page id.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The connection failed after the request may have been sent (reset, closed early).
    #[error("{operation}: connection failed: {source}")]
    Transport {
        /// The operation's page id.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// No complete answer arrived within the timeout.
    #[error("{operation}: no complete response within {timeout:?}")]
    Timeout {
        /// The operation's page id.
        operation: &'static str,
        /// The timeout that expired.
        timeout: Duration,
    },

    /// The server answered with a status outside 2xx.
    #[error("{}", .0)]
    Api(Box<ApiError>),

    /// The body of a 2xx answer is not what the docs describe. The status says the server
    /// processed the request: do not resend it on this error.
    #[error(
        "{operation}: the server answered {status}, so the request was processed, but the response body does not fit the documented type at `{path}`: {message}; body starts with: {snippet}"
    )]
    Decode {
        /// The operation's page id.
        operation: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// JSON path of the offending value (`[0].link`), `.` for the whole body.
        path: String,
        /// What serde said.
        message: String,
        /// The start of the body, at most a few hundred bytes.
        snippet: String,
    },

    /// A page stream fetched its maximum number of pages and every page still brought new
    /// items: the server may be ignoring the page number. Raise `max_pages` if the list is
    /// really that long.
    #[error("{operation}: stopped after {max_pages} pages (the client's `max_pages`); the list may be longer")]
    PageLimit {
        /// The operation's page id.
        operation: &'static str,
        /// The limit that was reached.
        max_pages: u32,
    },

    /// The body is larger than the client accepts.
    #[error("{operation}: response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The operation's page id.
        operation: &'static str,
        /// The configured limit.
        limit: usize,
    },
}

/// A non-2xx answer.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: server answered {status}{}; body: {body}", documented.map(|d| format!(" (documented: {d})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ApiError {
    /// The operation's page id.
    pub operation: &'static str,
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as text, cut to a few hundred bytes.
    pub body: String,
    /// What the operation's page says about this status, if it documents it.
    pub documented: Option<&'static str>,
}

impl Error {
    /// The HTTP status, for [`Error::Api`] and [`Error::Decode`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the same call may succeed if made again later (connect failures, timeouts,
    /// 408, 429 and 5xx gateway/availability statuses). Whether the client *does* retry
    /// also depends on the operation being idempotent: see [`crate::RetryPolicy`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connect { .. } | Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(api) => crate::retry::is_retryable_status(api.status),
            _ => false,
        }
    }

    /// What the docs say about this error's status, when they document it.
    pub fn documented(&self) -> Option<&'static str> {
        match self {
            Error::Api(api) => api.documented,
            _ => None,
        }
    }

    /// The wait the server asked for with `Retry-After`, for [`Error::Api`] (see
    /// [`ApiError::retry_after`]).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after(),
            _ => None,
        }
    }
}

impl ApiError {
    /// The wait the server asked for with `Retry-After` (seconds or an HTTP date), not cut to
    /// the retry policy's cap; `None` without the header or for a date already past. A call
    /// whose operation deadline would pass during that wait ends with this error at once.
    pub fn retry_after(&self) -> Option<Duration> {
        crate::retry::retry_after(&self.headers)
    }
}

/// The first [`SNIPPET_BYTES`] of `body` as text, cut at a character boundary, without the
/// client's token. The token is removed before the cut, so no prefix of it survives at the end.
pub(crate) fn snippet(body: &[u8], redactor: &Redactor) -> String {
    let window = &body[..body.len().min(SNIPPET_BYTES + redactor.longest())];
    let text = redactor.redact(&String::from_utf8_lossy(window));
    let mut end = text.len().min(SNIPPET_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = text[..end].trim().to_owned();
    if body.len() > SNIPPET_BYTES || end < text.len() {
        cut.push('…');
    }
    cut
}
