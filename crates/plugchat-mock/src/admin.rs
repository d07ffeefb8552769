//! The admin HTTP API, under `/__admin/` on the mock's own port, so tests in any language drive
//! the mock as Rust tests do with [`MockServer::on`](crate::MockServer::on),
//! [`received`](crate::MockServer::received), [`reset`](crate::MockServer::reset) and
//! [`send_webhook`](crate::MockServer::send_webhook):
//!
//! | request | does |
//! | --- | --- |
//! | `GET /__admin/operations` | the operations served: id, method, path, paginated |
//! | `PUT /__admin/operations/{id}` | `{"respond": {"status": 200, "body": ..}, "delay_ms": 150, "fail": {"times": 2, "status": 429}}`, each key optional, each replacing that aspect |
//! | `DELETE /__admin/operations/{id}` | back to the documented answer |
//! | `GET /__admin/requests[?operation=ID]` | the journal: `{"requests": [..], "dropped": N}` |
//! | `DELETE /__admin/requests` | empties the journal |
//! | `POST /__admin/reset` | empties the journal and removes every override |
//! | `GET /__admin/events` | the documented webhook events |
//! | `POST /__admin/webhooks` | `{"url": .., "event": "message-received"}` (or `"payload": {..}`): POSTs it, answers `{"status": 200}` |
//!
//! Routes are matched by hand (a few fixed paths), as the API's are: the admin API shares the
//! mock's one fallback handler, its body limit and its connection handling. Admin requests are
//! not journaled and need no token; bad input is a 400 whose `error` says what is wrong.

use std::time::Duration;

use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Override, Shared, json_response, lock, nearest_ids, query_pairs};

/// The paths the admin API answers under; no documented operation path starts with it.
pub(crate) const PREFIX: &str = "/__admin";

/// The most a `POST /__admin/webhooks` waits for the receiver.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// `PUT /__admin/operations/{id}`: the aspects of an override to replace.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideRequest {
    respond: Option<Respond>,
    delay_ms: Option<u64>,
    fail: Option<Fail>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Respond {
    status: u16,
    #[serde(default)]
    body: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fail {
    times: u32,
    #[serde(default = "service_unavailable")]
    status: u16,
}

fn service_unavailable() -> u16 {
    503
}

/// `POST /__admin/webhooks`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookRequest {
    url: String,
    event: Option<String>,
    payload: Option<Value>,
}

/// A refused admin call: its status and JSON body (small, unlike a `Response`).
struct Refusal(StatusCode, Value);

fn error(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal(status, json!({ "error": message.into() }))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("the body is not the JSON this admin call takes: {e}")))
}

fn status(code: u16) -> Result<StatusCode, Refusal> {
    StatusCode::from_u16(code)
        .map_err(|_| error(StatusCode::BAD_REQUEST, format!("`{code}` is not an HTTP status (100 to 999)")))
}

/// The answer to an admin request (`path` starts with [`PREFIX`]).
pub(crate) async fn handle(shared: &Shared, method: &Method, uri: &Uri, body: &[u8]) -> Response {
    let rest = uri.path()[PREFIX.len()..].trim_end_matches('/');
    let mut segments: Vec<&str> = rest.split('/').skip(1).collect();
    // An operation's id may be `<folder>/<id>` (an id that several folders use): everything
    // after `operations/` is the id, so `/__admin/operations/chats/get-all` names it.
    let key = match segments.as_slice() {
        ["operations", rest @ ..] if rest.len() > 1 => Some(rest.join("/")),
        _ => None,
    };
    if let Some(key) = &key {
        segments = vec!["operations", key.as_str()];
    }
    let result = match (method.as_str(), segments.as_slice()) {
        ("GET", ["operations"]) => Ok(operations(shared)),
        ("PUT", ["operations", id]) => set_override(shared, id, body),
        ("DELETE", ["operations", id]) => known(shared, id).map(|()| {
            lock(&shared.overrides).remove(*id);
            json_response(StatusCode::OK, &json!({ "operation": id }))
        }),
        ("GET", ["requests"]) => Ok(requests(shared, uri)),
        ("DELETE", ["requests"]) => {
            lock(&shared.received).clear();
            Ok(json_response(StatusCode::OK, &json!({})))
        }
        ("POST", ["reset"]) => {
            lock(&shared.received).clear();
            lock(&shared.overrides).clear();
            Ok(json_response(StatusCode::OK, &json!({})))
        }
        ("GET", ["events"]) => Ok(events(shared)),
        ("POST", ["webhooks"]) => webhook(shared, body).await,
        (_, ["operations"] | ["operations", _] | ["requests"] | ["reset"] | ["events"] | ["webhooks"]) => {
            Err(error(StatusCode::METHOD_NOT_ALLOWED, format!("`{method} {}` is not an admin call", uri.path())))
        }
        _ => Err(error(
            StatusCode::NOT_FOUND,
            format!(
                "no admin call at `{}`: the admin API has {PREFIX}/operations, {PREFIX}/operations/{{id}}, {PREFIX}/requests, {PREFIX}/reset, {PREFIX}/events and {PREFIX}/webhooks",
                uri.path()
            ),
        )),
    };
    result.unwrap_or_else(|Refusal(status, body)| json_response(status, &body))
}

/// `Err` (a 404 naming the nearest ids) when no operation has the id `id`.
fn known(shared: &Shared, id: &str) -> Result<(), Refusal> {
    if shared.api.operations.iter().any(|o| o.surface.key() == id) {
        return Ok(());
    }
    let nearest = nearest_ids(&shared.api, id);
    let message = format!("no operation has the id `{id}`; nearest: {}", nearest.join(", "));
    Err(Refusal(StatusCode::NOT_FOUND, json!({ "error": message, "nearest": nearest })))
}

fn operations(shared: &Shared) -> Response {
    let overrides = lock(&shared.overrides);
    let operations: Vec<Value> = shared
        .api
        .operations
        .iter()
        .map(|o| {
            json!({
                "id": o.surface.key(),
                "method": o.surface.http_method,
                "path": o.surface.path,
                "paginated": o.surface.pagination.is_some(),
                "overridden": overrides.contains_key(o.surface.key()),
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "operations": operations }))
}

fn set_override(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Refusal> {
    known(shared, id)?;
    let request: OverrideRequest = parse(body)?;
    let respond = request.respond.map(|r| status(r.status).map(|status| (status, r.body))).transpose()?;
    let fail = request.fail.map(|f| status(f.status).map(|status| (f.times, status))).transpose()?;
    let mut overrides = lock(&shared.overrides);
    let change = overrides.entry(id.to_owned()).or_default();
    if let Some(respond) = respond {
        change.respond = Some(respond);
    }
    if let Some(delay) = request.delay_ms {
        change.delay = Duration::from_millis(delay);
    }
    if let Some((times, status)) = fail {
        change.failures_left = times;
        change.failure_status = Some(status);
    }
    Ok(json_response(StatusCode::OK, &override_json(id, change)))
}

fn override_json(id: &str, change: &Override) -> Value {
    json!({
        "operation": id,
        "respond": change.respond.as_ref().map(|(status, body)| json!({ "status": status.as_u16(), "body": body })),
        "delay_ms": u64::try_from(change.delay.as_millis()).unwrap_or(u64::MAX),
        "fail": json!({
            "times": change.failures_left,
            "status": change.failure_status.unwrap_or(StatusCode::SERVICE_UNAVAILABLE).as_u16(),
        }),
    })
}

fn requests(shared: &Shared, uri: &Uri) -> Response {
    let query = query_pairs(uri);
    let operation = query.iter().find(|(name, _)| name == "operation").map(|(_, v)| v.as_str());
    let journal = lock(&shared.received);
    let requests: Vec<Value> = journal
        .entries
        .iter()
        .filter(|(received, ..)| operation.is_none() || received.operation.as_deref() == operation)
        .map(|(received, body, _)| {
            let parsed: Option<Value> = serde_json::from_slice(body).ok();
            let mut entry = json!({
                "operation": received.operation,
                "method": received.method,
                "path": received.path,
                "query": received.query,
                "headers": received.headers,
                "body": parsed,
                "status": received.status,
            });
            if parsed.is_none() && !body.is_empty() {
                entry["body_text"] = Value::from(String::from_utf8_lossy(body).into_owned());
            }
            entry
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "requests": requests, "dropped": journal.dropped }))
}

fn events(shared: &Shared) -> Response {
    let events: Vec<Value> =
        shared.api.events.iter().map(|e| json!({ "id": e.id, "title": e.title, "payload": e.payload })).collect();
    json_response(StatusCode::OK, &json!({ "events": events }))
}

async fn webhook(shared: &Shared, body: &[u8]) -> Result<Response, Refusal> {
    let request: WebhookRequest = parse(body)?;
    let payload = match (request.event, request.payload) {
        (Some(_), Some(_)) => return Err(error(StatusCode::BAD_REQUEST, "give `event` or `payload`, not both")),
        (None, None) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "give `event` (a documented event's id, see GET /__admin/events) or `payload` (any JSON)",
            ));
        }
        (None, Some(payload)) => payload,
        (Some(id), None) => match shared.api.events.iter().find(|e| e.id == id) {
            Some(event) => event.payload.clone(),
            None => {
                let mut ids: Vec<&str> = shared.api.events.iter().map(|e| e.id.as_str()).collect();
                ids.dedup();
                let message = format!("no documented webhook event has the id `{id}`; the events: {}", ids.join(", "));
                return Err(error(StatusCode::NOT_FOUND, message));
            }
        },
    };
    match tokio::time::timeout(WEBHOOK_TIMEOUT, crate::webhooks::post_webhook(&request.url, &payload)).await {
        Ok(Ok(status)) => Ok(json_response(StatusCode::OK, &json!({ "status": status }))),
        Ok(Err(e)) => Err(error(StatusCode::BAD_GATEWAY, with_causes(&e))),
        Err(_) => Err(error(
            StatusCode::GATEWAY_TIMEOUT,
            format!("the receiver at {} did not answer within {WEBHOOK_TIMEOUT:?}", request.url),
        )),
    }
}

/// `error` followed by each of its causes: reqwest's own message ("error sending request for
/// url (..)") leaves out why ("Connection refused").
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
