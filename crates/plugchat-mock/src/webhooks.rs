//! Webhook helpers: the documented events, and POSTing one to a receiver, the way PlugChat
//! calls a bot's webhook URL.

use plugchat_model::Spec;
use serde_json::Value;

use crate::MockServer;

/// One documented webhook payload (a callback page's example).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DocumentedEvent {
    /// The callback page's id (`message-received`).
    pub id: String,
    /// The example's title on the page.
    pub title: String,
    /// The payload as documented.
    pub payload: Value,
}

/// Every example of every callback page, in page order.
pub(crate) fn documented(spec: &Spec) -> Vec<DocumentedEvent> {
    spec.pages
        .iter()
        .filter_map(|page| page.callback.as_ref().map(|callback| (page, callback)))
        .flat_map(|(page, callback)| {
            callback.examples.iter().map(|example| DocumentedEvent {
                id: page.id.clone(),
                title: example.title.clone(),
                payload: example.payload.clone(),
            })
        })
        .collect()
}

/// Why a webhook could not be delivered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookSendError {
    /// No callback page has that id.
    #[error("no documented webhook event has the id `{0}`")]
    UnknownEvent(String),
    /// The receiver could not be reached or did not answer.
    #[error("cannot POST to the receiver: {0}")]
    Http(#[from] reqwest::Error),
}

impl MockServer {
    /// Every documented webhook payload.
    pub fn documented_events(&self) -> Vec<DocumentedEvent> {
        self.shared.api.events.clone()
    }

    /// POSTs the first documented example of event `id` (`message-received`) to `url`, and
    /// returns the receiver's status.
    pub async fn send_webhook(&self, url: &str, id: &str) -> Result<u16, WebhookSendError> {
        let event = self
            .shared
            .api
            .events
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| WebhookSendError::UnknownEvent(id.to_owned()))?;
        post_webhook(url, &event.payload).await
    }
}

/// POSTs `payload` as JSON to `url` and returns the receiver's status (any payload: a
/// documented one changed, or one the docs do not describe).
pub async fn post_webhook(url: &str, payload: &Value) -> Result<u16, WebhookSendError> {
    let response = reqwest::Client::new().post(url).json(payload).send().await?;
    Ok(response.status().as_u16())
}
