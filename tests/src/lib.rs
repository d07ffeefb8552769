//! Servers on 127.0.0.1 for end-to-end tests: [`RecordingServer`] (axum) answers with a
//! scripted status and body and records every request it receives; [`FaultServer`] injects
//! transport faults.

pub mod examples;
mod fault;

pub use fault::{Fault, FaultServer};

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;

/// A request as it reached the server.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: Method,
    /// The path, without the query.
    pub path: String,
    /// The raw query string (`phone=5511999999999`), if any.
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, parsed as JSON when it is JSON.
    pub body: Option<serde_json::Value>,
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: String,
}

impl Reply {
    /// A 200 with `json` as body.
    pub fn json(json: serde_json::Value) -> Self {
        Reply { status: StatusCode::OK, body: json.to_string() }
    }

    /// A `status` with `body` as is.
    pub fn status(status: u16, body: &str) -> Self {
        Reply { status: StatusCode::from_u16(status).expect("status"), body: body.to_owned() }
    }
}

#[derive(Default)]
struct Shared {
    replies: VecDeque<Reply>,
    requests: Vec<Recorded>,
}

/// An axum server on an ephemeral port of 127.0.0.1 that answers with queued replies (the
/// last one repeats) and records requests.
#[derive(Clone)]
pub struct RecordingServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

async fn handle(State(shared): State<Arc<Mutex<Shared>>>, request: Request) -> impl IntoResponse {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let mut shared = shared.lock().expect("lock");
    shared.requests.push(Recorded {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: serde_json::from_slice(&bytes).ok(),
    });
    let reply = if shared.replies.len() > 1 { shared.replies.pop_front() } else { shared.replies.front().cloned() };
    let reply = reply.unwrap_or_else(|| Reply::status(404, "no reply scripted"));
    (reply.status, [("content-type", "application/json")], reply.body)
}

impl RecordingServer {
    /// Starts the server; it lives until the test's runtime ends.
    pub async fn start(replies: impl IntoIterator<Item = Reply>) -> Self {
        let shared = Arc::new(Mutex::new(Shared { replies: replies.into_iter().collect(), requests: Vec::new() }));
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        RecordingServer { addr, shared }
    }

    /// The base URL a client should use: `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().expect("lock").requests.clone()
    }
}

/// An axum server on 127.0.0.1 that serves one list page by page (`page`, `pageSize` in the
/// query, pages from 1) the way real services do: a page holds at most `cap` items whatever
/// `pageSize` asks for, and a page past the end is empty. Every request's query is recorded.
#[derive(Clone)]
pub struct ListServer {
    addr: SocketAddr,
    queries: Arc<Mutex<Vec<String>>>,
}

impl ListServer {
    /// Starts the server over `items`; it lives until the test's runtime ends.
    pub async fn start(items: Vec<serde_json::Value>, cap: usize) -> Self {
        let queries = Arc::new(Mutex::new(Vec::new()));
        let recorded = queries.clone();
        let items = Arc::new(items);
        let app = axum::Router::new().fallback(move |request: Request| {
            let (items, recorded) = (items.clone(), recorded.clone());
            async move {
                let query = request.uri().query().unwrap_or_default().to_owned();
                recorded.lock().expect("lock").push(query.clone());
                let number = |name: &str| {
                    query
                        .split('&')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(key, _)| *key == name)
                        .and_then(|(_, value)| value.parse::<usize>().ok())
                };
                let size = number("pageSize").unwrap_or(cap).clamp(1, cap);
                let start = (number("page").unwrap_or(1).max(1) - 1) * size;
                let page: Vec<serde_json::Value> = items.iter().skip(start).take(size).cloned().collect();
                ([("content-type", "application/json")], serde_json::Value::Array(page).to_string())
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        ListServer { addr, queries }
    }

    /// The base URL a client should use: `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// The query string of every request received so far.
    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().expect("lock").clone()
    }
}
