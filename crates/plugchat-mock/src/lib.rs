//! A mock PlugChat server for testing code that calls the API: no phone, account or network.
//!
//! It is generated at startup from the same `spec.json` as the client (`plugchat-api`) and the
//! client's own API surface (`plugchat_api::API_SURFACE_JSON`, written by the generator with the
//! code), so every documented operation is served as the client calls it, and nothing about
//! PlugChat is written here by hand:
//!
//! - each operation answers its documented success example, which the client decodes like a
//!   real answer;
//! - each request is checked against the docs first: an unknown route is a 404 naming the
//!   nearest documented paths, a documented path with another method a 405, a request without
//!   `Authorization` a 401, and a request whose attributes are missing, of another type, not
//!   among the allowed values, undocumented, or whose JSON body is not well-formed a 400 whose
//!   body names every problem: `{"operation": "send-text", "problems": ["missing required attribute `message` (body)"]}`;
//! - a paginated list (an operation with a page number and size) answers the slice asked for
//!   of its list (the documented items, or a list set with `respond`), and an empty page past
//!   its end, so a client looping until an empty page stops; pages are numbered from 1;
//! - [`MockServer::require_token`] (`--token`) accepts only that exact `Authorization`, and
//!   names a `Bearer ` prefix when it is the difference;
//! - on a route several pages share (modify-chat: archive, pin, delete), a value outside the
//!   allowed ones is reported with the values of every page on the route;
//! - [`MockServer::received`] lists what arrived, and [`MockServer::on`] changes an operation's
//!   answer (a status and body, a delay, a number of failures before the normal answer);
//! - the same controls are an HTTP API under `/__admin/` on the mock's port, for tests in
//!   other languages (see the `admin` module: answers, delays, failures, the journal as
//!   JSON, reset, webhooks).
//!
//! What it keeps and waits for is bounded ([`Limits`], defaults in brackets): the journal of
//! received requests holds the latest [10,000] requests and [64 MiB] of them (body, path, query
//! and headers as received), the oldest dropped first ([`MockServer::clear_received`] empties
//! it); a connection must send a request's head within [5 s] (also between requests on a kept
//! connection) and a body may pause at most [10 s], else it is closed or answered 408; bodies
//! over [4 MiB] are answered 413; at most [128] connections are served at once, later ones wait.
//!
//! ```no_run
//! # async fn run() -> Result<(), plugchat_api::Error> {
//! let mock = plugchat_mock::MockServer::start().await;
//! let client = plugchat_api::Client::builder().token("test-token").base_url(mock.base_url()).build()?;
//! client.send_text().phone("5511999999999").message("Olá").send().await?;
//! assert_eq!(mock.received()[0].operation.as_deref(), Some("send-text"));
//! # Ok(())
//! # }
//! ```
//!
//! `cargo run -p plugchat-mock -- --port 8080` runs the same server for tests in other languages
//! (`--help` lists the limits' flags; it listens on loopback only unless `--allow-remote`).

#![deny(missing_docs)]

mod admin;
mod routes;
mod validate;
pub mod webhooks;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use plugchat_model::Spec;
use plugchat_model::surface::{ApiSurface, OperationSurface};
// The client's spec, read when the mock starts (the same file `plugchat-api` is generated from).
use plugchat_api::{API_SURFACE_JSON, SPEC_JSON};
use serde_json::{Value, json};

/// Why a mock could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The spec is not a spec this crate can read.
    #[error("the spec cannot be read: {0}")]
    Spec(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

/// What a mock keeps and how long it waits: every resource a client can make it spend is
/// bounded. Start from [`Limits::default`] and change what a test needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    journal_requests: usize,
    journal_bytes: usize,
    header_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
    max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            journal_requests: 10_000,
            journal_bytes: 64 * 1024 * 1024,
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(10),
            max_connections: 128,
            // The largest answer the client accepts (`DEFAULT_MAX_RESPONSE_BYTES`, which
            // tests/it/units.rs compares: the mock builds plugchat-api without its client, where
            // that constant lives); the CLI reads files up to the same size.
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// The journal ([`MockServer::received`]) keeps at most `requests` requests and `bytes`
    /// bytes of them (body, path, query and headers as received), dropping the oldest first; a
    /// request larger than `bytes` on its own is not kept. Default: 10,000 and 64 MiB.
    pub fn journal(mut self, requests: usize, bytes: usize) -> Self {
        self.journal_requests = requests;
        self.journal_bytes = bytes;
        self
    }

    /// How long a connection may take to send a request's head (request line and headers),
    /// counted from the connection's opening or the previous answer; then it is closed.
    /// Default: 5 seconds.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// The longest pause while a request's body arrives; then the request is answered 408.
    /// Default: 10 seconds.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How many connections are served at once; more wait to be accepted until one closes.
    /// Default: 128. At least 1.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// The largest request body read; a larger one is answered 413. Default: 4 MiB.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
}

/// One documented operation as the mock serves it.
pub(crate) struct MockOperation {
    pub(crate) surface: OperationSurface,
    /// Whether the page shows a JSON body (the client then always sends one).
    pub(crate) takes_body: bool,
    success_status: StatusCode,
    /// The documented success example; `None` answers an empty body.
    success_body: Option<Value>,
}

/// What the mock knows about the API.
pub(crate) struct Api {
    /// The base URL's path (`/api`), which every operation path follows.
    prefix: String,
    pub(crate) operations: Vec<MockOperation>,
    pub(crate) events: Vec<webhooks::DocumentedEvent>,
}

impl Api {
    fn new(spec: &Spec, surface: &ApiSurface) -> Api {
        let mut operations = Vec::new();
        for (surface, (_, operation)) in surface.operations.iter().cloned().zip(spec.operations()) {
            let success = operation.success_response();
            let success_body = match success {
                Some(response) if response.example.is_some() => response.example.clone(),
                // Every response field is an `Option`, so `{}` decodes into a table's struct.
                Some(response) if !response.fields.is_empty() => Some(json!({})),
                _ => None,
            };
            operations.push(MockOperation {
                takes_body: surface.sends_body,
                success_status: success.and_then(|r| StatusCode::from_u16(r.status).ok()).unwrap_or(StatusCode::OK),
                success_body,
                surface,
            });
        }
        let prefix = spec
            .base_url
            .as_deref()
            .and_then(|url| reqwest::Url::parse(url).ok())
            .map(|url| url.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        Api { prefix, operations, events: webhooks::documented(spec) }
    }
}

/// One request as it reached the mock.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The operation it matched, by its page id (`send-text`), or `<folder>/<id>` for an id
    /// that several folders use (`OperationSurface::key`); `None` for an unknown route.
    pub operation: Option<String>,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as sent, base path included (`/api/whatsapp/chats`).
    pub path: String,
    /// Query pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, `None` when empty or not JSON.
    pub body: Option<Value>,
    /// The status the mock answered.
    pub status: u16,
}

impl Received {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// How one operation's answers are changed (see [`MockServer::on`]).
#[derive(Debug, Clone, Default)]
struct Override {
    respond: Option<(StatusCode, Value)>,
    delay: Duration,
    failures_left: u32,
    failure_status: Option<StatusCode>,
}

struct Shared {
    api: Api,
    limits: Limits,
    received: Mutex<Journal>,
    overrides: Mutex<HashMap<String, Override>>,
    /// The only `Authorization` accepted, when set ([`MockServer::require_token`]).
    token: Mutex<Option<String>>,
}

/// The received requests, within [`Limits::journal`]. Bodies are kept as received and parsed
/// when read: a parsed `Value` can take several times the body's size.
#[derive(Default)]
struct Journal {
    entries: VecDeque<(Received, Bytes, usize)>,
    bytes: usize,
    dropped: u64,
}

impl Journal {
    fn push(&mut self, received: Received, body: Bytes, limits: &Limits) {
        let size = size_of::<Received>()
            + body.len()
            + received.method.len()
            + received.path.len()
            + received.operation.as_ref().map_or(0, String::len)
            + received.query.iter().chain(&received.headers).map(|(n, v)| n.len() + v.len()).sum::<usize>();
        self.entries.push_back((received, body, size));
        self.bytes += size;
        while self.entries.len() > limits.journal_requests || self.bytes > limits.journal_bytes {
            let Some((_, _, size)) = self.entries.pop_front() else { break };
            self.bytes -= size;
            self.dropped += 1;
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

/// Locks `mutex`, also after a panic elsewhere (the data are plain lists, always consistent).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running mock server; it stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("base_url", &self.base_url()).finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock of the PlugChat API on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// If no port of 127.0.0.1 can be bound (a test cannot go on without its server); use
    /// [`MockServer::start_with`] to handle that as an error.
    pub async fn start() -> MockServer {
        match MockServer::start_with(&bundled_spec(), &bundled_surface(), SocketAddr::from(([127, 0, 0, 1], 0))).await {
            Ok(mock) => mock,
            Err(error) => panic!("plugchat-mock: {error}"),
        }
    }

    /// Starts a mock of the API `spec` describes (any generated client's `spec.json`) on `addr`
    /// (port 0 picks a free one). `surface` is that client's `API_SURFACE_JSON` (or
    /// `plugchat_codegen::api_surface(spec)`): what the client sends, which the mock accepts.
    pub async fn start_with(spec: &Spec, surface: &ApiSurface, addr: SocketAddr) -> Result<MockServer, MockError> {
        MockServer::start_with_limits(spec, surface, addr, Limits::default()).await
    }

    /// [`MockServer::start_with`] with other [`Limits`] than the defaults.
    pub async fn start_with_limits(
        spec: &Spec,
        surface: &ApiSurface,
        addr: SocketAddr,
        limits: Limits,
    ) -> Result<MockServer, MockError> {
        if spec.format_version != plugchat_model::SPEC_FORMAT_VERSION {
            return Err(MockError::Spec(format!(
                "format version {} differs from {}",
                spec.format_version,
                plugchat_model::SPEC_FORMAT_VERSION
            )));
        }
        if surface.operations.len() != spec.operations().count() {
            return Err(MockError::Spec(format!(
                "the surface has {} operations and the spec {}: they describe different APIs",
                surface.operations.len(),
                spec.operations().count()
            )));
        }
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| MockError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind { addr, source })?;
        let shared = Arc::new(Shared {
            api: Api::new(spec, surface),
            limits,
            received: Mutex::new(Journal::default()),
            overrides: Mutex::new(HashMap::new()),
            token: Mutex::new(None),
        });
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, shared.limits.clone(), stop));
        Ok(MockServer { addr, shared, shutdown: Some(shutdown) })
    }

    /// The base URL to give `Client::builder().base_url(..)`: `http://127.0.0.1:PORT/api`.
    /// On an unspecified address (`0.0.0.0`, `::`) it names loopback, which the server also
    /// answers on and the client accepts over plain http.
    pub fn base_url(&self) -> String {
        base_url_for(self.addr, &self.shared.api.prefix)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The requests received so far, in order: the latest ones within [`Limits::journal`].
    pub fn received(&self) -> Vec<Received> {
        let journal = lock(&self.shared.received);
        journal
            .entries
            .iter()
            .map(|(received, body, _)| Received { body: serde_json::from_slice(body).ok(), ..received.clone() })
            .collect()
    }

    /// How many requests the journal dropped to stay within [`Limits::journal`].
    pub fn dropped(&self) -> u64 {
        lock(&self.shared.received).dropped
    }

    /// Forgets the received requests (the overrides stay).
    pub fn clear_received(&self) {
        lock(&self.shared.received).clear();
    }

    /// The requests received so far that matched operation `id` (as [`MockServer::on`] names it).
    pub fn received_for(&self, id: &str) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.operation.as_deref() == Some(id)).collect()
    }

    /// Forgets received requests and every override.
    pub fn reset(&self) {
        lock(&self.shared.received).clear();
        lock(&self.shared.overrides).clear();
    }

    /// Accepts only requests whose `Authorization` header is exactly `token` (the service's
    /// form: the token alone); others are answered 401 with why, and a `Bearer ` prefix is
    /// named as the difference. Without it, any non-empty `Authorization` passes. `None`
    /// goes back to that. [`MockServer::reset`] keeps it.
    pub fn require_token(&self, token: Option<&str>) {
        *lock(&self.shared.token) = token.map(str::to_owned);
    }

    /// The page ids of every operation served (`<folder>/<id>` for an id that several folders
    /// use, as `dynamic::call` names them), in page order.
    pub fn operations(&self) -> Vec<String> {
        self.shared.api.operations.iter().map(|o| o.surface.key().to_owned()).collect()
    }

    /// Changes how operation `id` (its page id, `send-text`, or `<folder>/<id>` for an id that
    /// several folders use, `chats/get-all`) answers valid requests. Invalid
    /// requests still get their 400: the real service would refuse them too.
    ///
    /// # Panics
    /// If no operation has that id (naming the nearest ids): an override that matches nothing
    /// would let a test pass for the wrong reason.
    pub fn on(&self, id: &str) -> OperationOverride<'_> {
        if !self.shared.api.operations.iter().any(|o| o.surface.key() == id) {
            let nearest = nearest_ids(&self.shared.api, id);
            panic!("plugchat-mock: no operation has the id `{id}`; nearest: {}", nearest.join(", "));
        }
        OperationOverride { shared: &self.shared, id: id.to_owned() }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The three operation ids nearest to `id`, most similar first.
fn nearest_ids<'a>(api: &'a Api, id: &str) -> Vec<&'a str> {
    let mut ids: Vec<(f64, &str)> =
        api.operations.iter().map(|o| (strsim::normalized_levenshtein(id, o.surface.key()), o.surface.key())).collect();
    ids.sort_by(|a, b| b.0.total_cmp(&a.0));
    ids.into_iter().take(3).map(|(_, id)| id).collect()
}

/// The base URL a client uses for a server listening on `addr` with the API under `prefix`
/// (`http://127.0.0.1:8080/api`): an unspecified address (`0.0.0.0`, `::`) names loopback, which
/// such a server answers on and `plugchat-api`'s client accepts over plain http. What
/// [`MockServer::base_url`] and the binary print.
pub fn base_url_for(addr: SocketAddr, prefix: &str) -> String {
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port()),
        _ => addr,
    };
    format!("http://{host}{prefix}")
}

/// The spec of `plugchat-api`, bundled into this crate.
pub fn bundled_spec() -> Spec {
    // The file is generated and checked by `cargo xtask regen --check`; a test reads it.
    serde_json::from_str(SPEC_JSON).unwrap_or_else(|error| panic!("plugchat-mock: bundled spec.json: {error}"))
}

/// The API surface of `plugchat-api` (its `API_SURFACE_JSON`), bundled into this crate.
pub fn bundled_surface() -> ApiSurface {
    // Written by the generator in the same expansion as the client.
    serde_json::from_str(API_SURFACE_JSON)
        .unwrap_or_else(|error| panic!("plugchat-mock: plugchat-api's API_SURFACE_JSON: {error}"))
}

/// Changes one operation's answers; each call replaces that aspect and keeps the others.
#[derive(Debug)]
pub struct OperationOverride<'a> {
    shared: &'a Shared,
    id: String,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared")
    }
}

impl OperationOverride<'_> {
    fn change(self, change: impl FnOnce(&mut Override)) -> Self {
        change(lock(&self.shared.overrides).entry(self.id.clone()).or_default());
        self
    }

    /// Answers `status` with `body` instead of the documented example.
    pub fn respond(self, status: u16, body: Value) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.change(|o| o.respond = Some((status, body)))
    }

    /// Waits `delay` before answering (to exercise timeouts).
    pub fn delay(self, delay: Duration) -> Self {
        self.change(|o| o.delay = delay)
    }

    /// Answers the next `times` valid requests with `status` (and a JSON error body), then
    /// answers normally again: with 429 or 503 the client's retries can be watched at work.
    pub fn fail_times(self, times: u32, status: u16) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        self.change(|o| {
            o.failures_left = times;
            o.failure_status = Some(status);
        })
    }

    /// Back to the documented answer, without delay or failures.
    pub fn reset(self) -> Self {
        self.change(|o| *o = Override::default())
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    let Some(query) = uri.query() else { return Vec::new() };
    match reqwest::Url::parse(&format!("http://mock/?{query}")) {
        Ok(url) => url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
        Err(_) => Vec::new(),
    }
}

/// Serves `listener` until `stop`: each connection by hyper's HTTP/1 server with the header-read
/// timeout, at most `max_connections` at once (the next is accepted when one closes, so a
/// client holding connections open cannot use up the process's descriptors).
async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: Limits,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let (closing, closed) = tokio::sync::watch::channel(false);
    loop {
        let slot = tokio::select! {
            _ = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a connection reset before it was accepted: the
                // listener still works, so wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let mut closed = closed.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                // An error (a timeout, a reset) ends only this connection.
                _ = connection.as_mut() => {}
                _ = async { closed.wait_for(|closed| *closed).await.map(|_| ()) } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    let _ = closing.send(true);
}

/// The body, read within the limits: `Err` is the answer when it is too large (413) or pauses
/// longer than the idle timeout (408).
async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, (StatusCode, String)> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    loop {
        match tokio::time::timeout(limits.idle_timeout, stream.next()).await {
            Err(_) => {
                let error = format!("the body paused for more than {:?}", limits.idle_timeout);
                return Err((StatusCode::REQUEST_TIMEOUT, error));
            }
            Ok(None) => return Ok(Bytes::from(bytes)),
            Ok(Some(Err(error))) => return Err((StatusCode::BAD_REQUEST, format!("the body cannot be read: {error}"))),
            Ok(Some(Ok(chunk))) => {
                if bytes.len() + chunk.len() > limits.max_body_bytes {
                    let error = format!("the body is larger than {} bytes", limits.max_body_bytes);
                    return Err((StatusCode::PAYLOAD_TOO_LARGE, error));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if uri.path() == admin::PREFIX || uri.path().starts_with(&format!("{}/", admin::PREFIX)) {
        return match read_body(body, &shared.limits).await {
            Ok(body) => admin::handle(&shared, &method, &uri, &body).await,
            Err((status, error)) => {
                let mut response = json_response(status, &json!({ "error": error }));
                response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
                response
            }
        };
    }
    let query = query_pairs(&uri);
    let mut received = Received {
        operation: None,
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: query.clone(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: None,
        status: 0,
    };
    let (body, (response, delay)) = match read_body(body, &shared.limits).await {
        Ok(body) => {
            let answer = answer(&shared, &method, &uri, &headers, &body, &query, &mut received);
            (body, answer)
        }
        Err((status, error)) => {
            let mut response = json_response(status, &json!({ "error": error }));
            // The rest of the body is not read, so the connection cannot carry another request.
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            (Bytes::new(), (response, Duration::ZERO))
        }
    };
    received.status = response.status().as_u16();
    lock(&shared.received).push(received, body, &shared.limits);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    response
}

/// An operation whose path fits: its number of literal segments, and the placeholder values.
type RouteMatch<'a> = (usize, &'a MockOperation, Vec<(String, String)>);

/// A [`RouteMatch`] of the request's method, with the request's problems for it.
type Candidate<'a> = (usize, &'a MockOperation, &'a [(String, String)], Vec<validate::Problem>);

/// The answer to one request, and how long to wait before giving it.
fn answer(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    query: &[(String, String)],
    received: &mut Received,
) -> (Response, Duration) {
    let api = &shared.api;
    let Some(relative) = uri.path().strip_prefix(api.prefix.as_str()).filter(|r| r.is_empty() || r.starts_with('/'))
    else {
        let error = format!("no documented operation at `{}`: every path starts with `{}`", uri.path(), api.prefix);
        return (json_response(StatusCode::NOT_FOUND, &json!({ "error": error })), Duration::ZERO);
    };
    let matches: Vec<RouteMatch<'_>> = api
        .operations
        .iter()
        .filter_map(|o| {
            let fit = plugchat_model::match_path(&o.surface.path, relative)?;
            let values = fit.values.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
            Some((fit.literal_segments, o, values))
        })
        .collect();
    if matches.is_empty() {
        let nearest = routes::nearest(&api.operations, relative);
        let error = format!("no documented operation at `{method} {relative}`");
        return (json_response(StatusCode::NOT_FOUND, &json!({ "error": error, "nearest": nearest })), Duration::ZERO);
    }
    // Several pages may document one method and path, told apart by a value (modify-chat's
    // `action`: archive-chat, pin-chat, delete-chat): the request is the operation it fits
    // best, the most specific path first, then the fewest problems, then page order.
    let candidates: Vec<Candidate<'_>> = matches
        .iter()
        .filter(|(_, o, _)| o.surface.http_method.eq_ignore_ascii_case(method.as_str()))
        .map(|(literals, operation, path_values)| {
            let incoming = validate::Incoming { path_values, query, headers, body };
            (*literals, *operation, path_values.as_slice(), validate::problems(operation, &incoming))
        })
        .collect();
    let best =
        candidates.iter().min_by_key(|(literals, _, _, problems)| (std::cmp::Reverse(*literals), problems.len()));
    let Some((literals, operation, path_values, problems)) = best else {
        let allowed: Vec<String> = matches.iter().map(|(_, o, _)| o.surface.http_method.clone()).collect();
        let error = format!("`{relative}` is documented for {}, not {method}", allowed.join(", "));
        let mut response = json_response(StatusCode::METHOD_NOT_ALLOWED, &json!({ "error": error }));
        if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return (response, Duration::ZERO);
    };
    let id = operation.surface.key();
    received.operation = Some(id.to_owned());
    if let Some(error) = unauthorized(shared, headers) {
        return (json_response(StatusCode::UNAUTHORIZED, &json!({ "operation": id, "error": error })), Duration::ZERO);
    }
    if !problems.is_empty() {
        let route: Vec<&MockOperation> =
            candidates.iter().filter(|(l, ..)| l == literals).map(|(_, operation, ..)| *operation).collect();
        let mut body = json!({ "operation": id, "problems": route_problems(problems, &route) });
        if route.len() > 1 {
            body["operations"] = route.iter().map(|o| o.surface.key()).collect();
        }
        return (json_response(StatusCode::BAD_REQUEST, &body), Duration::ZERO);
    }
    let mut overrides = lock(&shared.overrides);
    let change = overrides.get_mut(id).cloned().unwrap_or_default();
    if change.failures_left > 0 {
        if let Some(o) = overrides.get_mut(id) {
            o.failures_left -= 1;
        }
        let status = change.failure_status.unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let body = json!({ "operation": id, "error": "failure injected by plugchat-mock (`fail_times`)" });
        return (json_response(status, &body), change.delay);
    }
    drop(overrides);
    let (status, answer) = match (&change.respond, &operation.success_body) {
        (Some((status, body)), _) => (*status, Some(body)),
        (None, body) => (operation.success_status, body.as_ref()),
    };
    let response = match answer {
        Some(Value::Array(items)) if status.is_success() && operation.surface.pagination.is_some() => {
            let incoming = validate::Incoming { path_values, query, headers, body };
            json_response(status, &Value::Array(page_of(operation, &incoming, items).to_vec()))
        }
        Some(body) => json_response(status, body),
        None => status.into_response(),
    };
    (response, change.delay)
}

/// Why a request's `Authorization` is refused, if it is: absent, or not the token set by
/// [`MockServer::require_token`] (a `Bearer ` prefix is explained: the service wants the
/// token alone).
fn unauthorized(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    let sent = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes().trim_ascii()).filter(|v| !v.is_empty());
    let Some(sent) = sent else {
        return Some("missing `Authorization` header: every operation requires the token".to_owned());
    };
    let expected = lock(&shared.token);
    let expected = expected.as_deref()?;
    if sent == expected.as_bytes() {
        return None;
    }
    let bearer = sent.get(..7).is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"bearer "));
    if bearer && sent[7..].trim_ascii() == expected.as_bytes() {
        return Some(
            "the `Authorization` header is `Bearer ` and the token: the service expects the token alone, without the `Bearer ` prefix (`Authorization: <token>`)"
                .to_owned(),
        );
    }
    Some("the `Authorization` header is not the token the mock was given (`--token`): the service expects the token alone (`Authorization: <token>`)".to_owned())
}

/// The problems of the operation a request was taken for; on a route several pages share, a
/// value outside one page's allowed values is reported with the values of every page.
fn route_problems(problems: &[validate::Problem], route: &[&MockOperation]) -> Vec<String> {
    problems
        .iter()
        .map(|problem| match &problem.not_allowed {
            Some((path, value)) if route.len() > 1 => {
                let per_page: Vec<String> = route
                    .iter()
                    .filter_map(|operation| {
                        let allowed = validate::allowed_values(operation, path);
                        let allowed: Vec<String> = allowed.iter().map(|v| format!("`{v}`")).collect();
                        (!allowed.is_empty()).then(|| format!("{} ({})", allowed.join(", "), operation.surface.key()))
                    })
                    .collect();
                format!("attribute `{path}` is `{value}`, allowed on this route: {}", per_page.join("; "))
            }
            _ => problem.text.clone(),
        })
        .collect()
}

/// The items of the page a paginated request asks for: `page` (from 1, default 1) of
/// `pageSize` items (default all), empty past the end, so a client looping until an empty
/// page stops.
fn page_of<'a>(operation: &MockOperation, incoming: &validate::Incoming<'_>, items: &'a [Value]) -> &'a [Value] {
    let Some(pagination) = &operation.surface.pagination else { return items };
    let page = validate::integer(operation, incoming, &pagination.page).unwrap_or(1).max(1);
    let size = validate::integer(operation, incoming, &pagination.page_size)
        .map_or(items.len(), |size| usize::try_from(size).unwrap_or(usize::MAX));
    let start = usize::try_from(page - 1).ok().and_then(|page| page.checked_mul(size)).unwrap_or(usize::MAX);
    let start = start.min(items.len());
    &items[start..start.saturating_add(size).min(items.len())]
}
