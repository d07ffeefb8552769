//! Recording received webhook payloads, one JSON document per line (NDJSON), for
//! `plugchat-docs drift` to compare with the callback pages.

use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;

use crate::har::{Appender, Secrets};
use crate::webhook::DEFAULT_MAX_WEBHOOK_BYTES;

/// Appends each webhook payload handed to [`PayloadRecorder::record`] to a file as one line of
/// JSON, with the values of fields marked [`PayloadRecorder::secret_field`] as `[redacted]`.
///
/// Recording never fails the receiver: a body that is not JSON or is larger than
/// [`DEFAULT_MAX_WEBHOOK_BYTES`] is not recorded (the webhook decoder refuses both too), and the
/// first write error is reported through `tracing` (a `warn` event), later ones are not.
///
/// ```no_run
/// let recorder = plugchat_runtime::PayloadRecorder::new("payloads.ndjson").secret_field("phone");
/// # let body: &[u8] = b"{}";
/// recorder.record(body); // in the receiver, before decoding
/// ```
#[derive(Debug)]
pub struct PayloadRecorder {
    secrets: Secrets,
    file: Mutex<Appender>,
}

impl PayloadRecorder {
    /// A recorder appending to the file at `path` (created when first written).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        PayloadRecorder { secrets: Secrets::default(), file: Mutex::new(Appender::new(path.into())) }
    }

    /// Records the value of every JSON field named `name` (at any depth) as `[redacted]`.
    pub fn secret_field(mut self, name: impl Into<String>) -> Self {
        self.secrets.fields.push(name.into());
        self
    }

    /// Appends `payload` (a webhook request's body) as one line; see the type's docs for what
    /// is left out.
    pub fn record(&self, payload: &[u8]) {
        if payload.len() > DEFAULT_MAX_WEBHOOK_BYTES {
            tracing::debug!(bytes = payload.len(), "webhook payload over the limit: not recorded");
            return;
        }
        let Ok(mut json) = serde_json::from_slice::<Value>(payload) else {
            tracing::debug!("webhook payload is not JSON: not recorded");
            return;
        };
        self.secrets.redact(&mut json);
        let mut file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        file.append_line(&json.to_string());
    }
}
