//! Decoding webhook payloads: a size limit, JSON parsing, recognising the event, and errors
//! that name the JSON path of a bad field. The generated `WebhookEvent` builds on these.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Default largest webhook payload accepted: 1 MiB (message payloads carry URLs, not media).
pub const DEFAULT_MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

/// Why a webhook payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The payload is larger than the limit; it was not parsed.
    #[error("webhook payload of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The payload's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The payload is not JSON.
    #[error("webhook payload is not JSON: {0}")]
    NotJson(String),
    /// The payload is a known event but a field does not fit its documented type.
    #[error("webhook payload `{event}` does not fit the documented type at `{path}`: {message}")]
    Invalid {
        /// The event (page id) the payload was recognised as.
        event: &'static str,
        /// JSON path of the offending value.
        path: String,
        /// What serde said.
        message: String,
    },
}

/// Parses `bytes` as JSON if they fit in `limit`.
pub fn parse(bytes: &[u8], limit: usize) -> Result<Value, WebhookError> {
    if bytes.len() > limit {
        return Err(WebhookError::TooLarge { size: bytes.len(), limit });
    }
    serde_json::from_slice(bytes).map_err(|e| WebhookError::NotJson(e.to_string()))
}

/// Whether every `(dotted path, value)` condition holds in `payload`.
pub fn matches(payload: &Value, conditions: &[(&str, &str)]) -> bool {
    conditions.iter().all(|(path, expected)| {
        let found = path.split('.').try_fold(payload, |value, key| value.get(key));
        match found {
            Some(Value::String(s)) => s == expected,
            Some(other) => serde_json::from_str::<Value>(expected).is_ok_and(|e| &e == other),
            None => false,
        }
    })
}

/// Decodes a recognised payload into its event type, naming the path of a bad field.
pub fn decode<T: DeserializeOwned>(event: &'static str, payload: Value) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(payload).map_err(|error| WebhookError::Invalid {
        event,
        path: error.path().to_string(),
        message: error.into_inner().to_string(),
    })
}
