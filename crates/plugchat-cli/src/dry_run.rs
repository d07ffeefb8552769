//! `--dry-run`: the request exactly as the typed client would send it, without sending it.
//!
//! The call runs through the real client (`dispatch`, the typed builder, `prepare`) twice. Once
//! pointed at a one-shot listener on 127.0.0.1 that reads the request and answers `200 {}`: the
//! method, headers and body. Once with the real base URL, through a proxy that is a listener on
//! 127.0.0.1 dropping every connection, with a hook reading the URL the client built: so the
//! printed URL is the client's own (a base URL with spaces or `..` included), not a second
//! rendering of it. The token is redacted and `Host` is the real URL's. The listener reads one
//! HTTP/1.1 request by hand (head up to the blank line, then `Content-Length` bytes): that is
//! all reqwest sends here, and a server library would add a dependency and hide the raw header
//! order and spelling this output wants to show.

use std::sync::{Arc, Mutex};

use plugchat_api::{Client, Hook, HookRequest};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the client sent.
pub struct Captured {
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A listener for one request: its base URL and the capture.
pub async fn listen() -> std::io::Result<(String, tokio::task::JoinHandle<std::io::Result<Captured>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Err(std::io::Error::other("the client closed the connection before its request ended"));
            }
            buffer.extend_from_slice(&chunk[..read]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or("").split(' ');
        let method = request_line.next().unwrap_or("").to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let length = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = buffer[head_end + 4..].to_vec();
        while body.len() < length {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..read]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
            .await?;
        Ok(Captured { method, headers, body })
    });
    Ok((base, task))
}

/// Records the URL of each attempt.
struct SeenUrl(Arc<Mutex<Option<String>>>);

impl Hook for SeenUrl {
    fn before_send(&self, request: &mut HookRequest<'_>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(request.url().to_owned());
    }
}

/// The URL the client sends operation `id` (its dispatch key) with `args` to, under `base_url`: read by a hook of a
/// client whose every connection goes to a proxy on 127.0.0.1 that drops it, so nothing leaves.
pub async fn url_sent(
    token: &str,
    base_url: &str,
    allow_insecure_http: bool,
    id: &str,
    args: serde_json::Map<String, Value>,
) -> Result<String, String> {
    let sink = TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let proxy = format!("http://{}", sink.local_addr().map_err(|e| e.to_string())?);
    let dropping = tokio::spawn(async move { while sink.accept().await.is_ok() {} });
    let http = plugchat_api::reqwest::Client::builder()
        .proxy(plugchat_api::reqwest::Proxy::all(&proxy).map_err(|e| e.to_string())?)
        .redirect(plugchat_api::reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let seen = Arc::new(Mutex::new(None));
    let client = Client::builder()
        .token(token)
        .base_url(base_url)
        .allow_insecure_http(allow_insecure_http)
        .max_retries(0)
        .http_client(http)
        .hook(SeenUrl(seen.clone()))
        .build()
        .map_err(|e| e.to_string())?;
    // It fails (the proxy drops the connection); only the URL it was for matters.
    let _ = plugchat_api::dynamic::call(&client, id, args).await;
    dropping.abort();
    let url = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    url.ok_or_else(|| "the client sent nothing".to_owned())
}

/// The request as JSON: `url` (what the client sends to), the `Host` of that URL, the token
/// redacted, the body as JSON when it is JSON.
pub fn describe(captured: &Captured, url: &str) -> Value {
    let host = plugchat_api::reqwest::Url::parse(url)
        .ok()
        .and_then(|url| {
            let host = url.host_str()?.to_owned();
            Some(url.port().map_or(host.clone(), |port| format!("{host}:{port}")))
        })
        .unwrap_or_default();
    let mut headers = Map::new();
    for (name, value) in &captured.headers {
        let value = if name.eq_ignore_ascii_case("authorization") {
            "[redacted]".to_owned()
        } else if name.eq_ignore_ascii_case("host") {
            host.clone()
        } else {
            value.clone()
        };
        headers.insert(name.to_ascii_lowercase(), Value::String(value));
    }
    let body = if captured.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&captured.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&captured.body).into_owned()))
    };
    json!({ "method": captured.method, "url": url, "headers": headers, "body": body })
}
