//! `--dry-run`: the request exactly as the typed client would send it, without sending it.
//!
//! The call runs through the real client (`dispatch`, the typed builder, `prepare`), pointed at a
//! one-shot listener on 127.0.0.1 that reads the request and answers `200 {}`; the request is then
//! printed with the configured base URL, the `Host` it would carry and the token redacted. So what
//! is printed is what the client produces, not a second rendering of the parameters. The listener
//! reads one HTTP/1.1 request by hand (head up to the blank line, then `Content-Length` bytes):
//! that is all reqwest sends here, and a server library would add a dependency and hide the raw
//! header order and spelling this output wants to show.

use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the client sent.
pub struct Captured {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A listener for one request: its base URL (with the real base URL's path) and the capture.
pub async fn listen(base_path: &str) -> std::io::Result<(String, tokio::task::JoinHandle<std::io::Result<Captured>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}{}", listener.local_addr()?, base_path.trim_end_matches('/'));
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
        let target = request_line.next().unwrap_or("").to_owned();
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
        Ok(Captured { method, target, headers, body })
    });
    Ok((base, task))
}

/// The request as JSON: the URL under `base_url` (the capture's target minus the base path), the
/// `Host` of `base_url`, the token redacted, the body as JSON when it is JSON.
pub fn describe(captured: &Captured, base_url: &str, base_path: &str) -> Value {
    let base_url = base_url.trim_end_matches('/');
    let relative = captured.target.strip_prefix(base_path.trim_end_matches('/')).unwrap_or(&captured.target);
    let host = base_url.split("://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or("");
    let mut headers = Map::new();
    for (name, value) in &captured.headers {
        let value = if name.eq_ignore_ascii_case("authorization") {
            "[redacted]".to_owned()
        } else if name.eq_ignore_ascii_case("host") {
            host.to_owned()
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
    json!({ "method": captured.method, "url": format!("{base_url}{relative}"), "headers": headers, "body": body })
}
