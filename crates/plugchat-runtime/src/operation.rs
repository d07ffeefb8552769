//! What generated code hands the runtime: a static description of an endpoint and the parts
//! of one request to it.

use std::time::Duration;

use http::Method;

/// A documented endpoint, as generated code describes it.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The page id (`get-profile-picture`), used in errors and tracing.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template relative to the base URL (`/whatsapp/profile-picture`).
    pub path: &'static str,
    /// Statuses the docs describe, with what they say (`405` → "check the method").
    pub documented_statuses: &'static [(u16, &'static str)],
}

impl Operation {
    /// Whether sending the request twice is harmless. Only reads are: anything that sends
    /// or changes something (POST, PUT, PATCH, DELETE) is retried only when it provably
    /// never reached the server, or when the server said it did not process it (429, 503).
    pub fn is_idempotent(&self) -> bool {
        self.method == Method::GET || self.method == Method::HEAD
    }

    pub(crate) fn documented(&self, status: u16) -> Option<&'static str> {
        self.documented_statuses.iter().find(|(s, _)| *s == status).map(|(_, text)| *text)
    }
}

/// Per-request overrides of the client's settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Total time for one attempt (connect, send, read the whole body).
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Deadline over the whole call, every attempt and wait included.
    pub operation_timeout: Option<Duration>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the client's per-attempt timeout; zero is refused when the call is made, as
    /// the builder refuses it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the client's deadline over the whole call (all attempts and waits); zero is
    /// refused when the call is made.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Overrides the client's number of retries.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }
}

/// The variable parts of one request.
#[derive(Debug, Clone, Default)]
pub struct RequestParts {
    /// The path with placeholders filled in and percent-encoded.
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(&'static str, String)>,
    /// Extra headers the operation documents (the authorization header is the client's).
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, if the operation sends one.
    pub body: Option<serde_json::Value>,
    /// Overrides of the client's settings.
    pub options: RequestOptions,
}

/// `value` percent-encoded as the path segment of parameter `name`, or an error if it would
/// change the endpoint: an empty value, `.` or `..` makes the URL parser drop or climb a
/// segment (`/queue/{zaapId}` with `..` is `/whatsapp/`), so it is refused before sending.
/// A value that only spells a dot in percent-encoding (`%2e%2e`) is an ordinary value: its `%`
/// is encoded (`%252e%252e`), so the server receives those six characters, not a dot.
pub fn path_segment(operation: &'static str, name: &str, value: &str) -> Result<String, crate::Error> {
    let what = match value {
        "" => "empty",
        "." => "`.`",
        ".." => "`..`",
        _ => return Ok(encode_path_segment(value)),
    };
    Err(crate::Error::InvalidRequest {
        operation,
        message: format!("path parameter `{name}` is {what}, which would change the endpoint; pass a real value"),
    })
}

/// What is wrong with a segment of an encoded path that the URL parser removes or resolves
/// (empty, `.`, `..`, also percent-encoded as `%2e`), or `None` for an ordinary segment.
pub(crate) fn dot_segment(segment: &str) -> Option<&'static str> {
    match segment.to_ascii_lowercase().as_str() {
        "" => Some("empty"),
        "." | "%2e" => Some("`.`"),
        ".." | ".%2e" | "%2e." | "%2e%2e" => Some("`..`"),
        _ => None,
    }
}

/// Percent-encodes `value` for use as one path segment (see [`path_segment`] for the values
/// that must not be a segment at all).
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
