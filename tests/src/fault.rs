//! [`FaultServer`]: a raw HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose (resets,
//! stalls, truncates, floods) and counts how often each call was processed.
//!
//! It is hand-written on tokio's `TcpListener` because no HTTP server library will reset a
//! connection or stall mid-body on request; one request per connection keeps the accounting exact.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// How the server treats one connection.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Reset the connection as soon as it is accepted, before reading the request.
    ResetBeforeRequest,
    /// Read the whole request (it is processed), then reset without answering.
    ResetAfterRequest,
    /// Read the request, wait, then answer 200 with the body.
    SlowHeaders(Duration, String),
    /// Answer 200 with a `Content-Length`, then send the body one byte per interval.
    SlowBody(Duration, String),
    /// Answer `Content-Length` bytes of which only the first half arrive, then close.
    TruncatedBody(String),
    /// Answer with this status, extra headers, content type and body.
    Reply { status: u16, headers: Vec<(String, String)>, content_type: String, body: String, chunked: bool },
}

impl Fault {
    /// A JSON answer with `status`.
    pub fn json(status: u16, body: &str) -> Self {
        Fault::Reply {
            status,
            headers: Vec::new(),
            content_type: "application/json".into(),
            body: body.into(),
            chunked: false,
        }
    }

    /// An answer with a `Retry-After` header.
    pub fn retry_after(status: u16, retry_after: &str) -> Self {
        Fault::Reply {
            status,
            headers: vec![("Retry-After".into(), retry_after.into())],
            content_type: "application/json".into(),
            body: "{}".into(),
            chunked: false,
        }
    }

    /// An HTML error page.
    pub fn html(status: u16) -> Self {
        Fault::Reply {
            status,
            headers: Vec::new(),
            content_type: "text/html".into(),
            body: "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".into(),
            chunked: false,
        }
    }

    /// A body sent with chunked encoding, so its size is unknown until it ends.
    pub fn chunked(body: String) -> Self {
        Fault::Reply { status: 200, headers: Vec::new(), content_type: "application/json".into(), body, chunked: true }
    }

    /// Whether a request read under this fault counts as processed by the service. A 429 or
    /// 503 answer says it was not; a reset before reading means it never arrived.
    fn processes(&self) -> bool {
        match self {
            Fault::ResetBeforeRequest => false,
            Fault::Reply { status, .. } => !matches!(status, 429 | 503),
            _ => true,
        }
    }
}

#[derive(Default)]
struct Ledger {
    script: VecDeque<Fault>,
    /// Per call id: how many times a request carrying it was processed.
    processed: HashMap<String, u32>,
    connections: u32,
}

/// The misbehaving server. Faults are taken in order per connection; the last one repeats.
#[derive(Clone)]
pub struct FaultServer {
    addr: SocketAddr,
    ledger: Arc<Mutex<Ledger>>,
}

impl FaultServer {
    /// Starts a server that plays `script`.
    pub async fn start(script: impl IntoIterator<Item = Fault>) -> Self {
        // A deep accept queue: the concurrency tests open hundreds of connections at once, and a
        // connection the queue has no room for is dropped and retried by the kernel a second
        // later (TCP's initial retransmission timeout), which made their time mostly waiting.
        let socket = TcpSocket::new_v4().expect("socket");
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind 127.0.0.1");
        let listener = socket.listen(4096).expect("listen");
        let addr = listener.local_addr().expect("address");
        let ledger = Arc::new(Mutex::new(Ledger { script: script.into_iter().collect(), ..Ledger::default() }));
        let shared = ledger.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let fault = {
                    let mut ledger = shared.lock().expect("lock");
                    ledger.connections += 1;
                    if ledger.script.len() > 1 { ledger.script.pop_front() } else { ledger.script.front().cloned() }
                };
                let Some(fault) = fault else { continue };
                tokio::spawn(serve(stream, fault, shared.clone()));
            }
        });
        FaultServer { addr, ledger }
    }

    /// A base URL on a port where nothing listens: connections are refused.
    pub async fn refused_base_url() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        drop(listener);
        format!("http://{addr}/api")
    }

    /// `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// How many times the request carrying `call_id` was processed.
    pub fn processed(&self, call_id: &str) -> u32 {
        self.ledger.lock().expect("lock").processed.get(call_id).copied().unwrap_or(0)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u32 {
        self.ledger.lock().expect("lock").connections
    }
}

/// Reads one request; returns the call id (the `phone` query parameter or body field).
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let target = head.split_whitespace().nth(1).unwrap_or("");
    let from_query = target.split_once('?').and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("phone=")));
    let from_body = serde_json::from_slice::<serde_json::Value>(&buffer[header_end..])
        .ok()
        .and_then(|v| v.get("phone").and_then(|p| p.as_str()).map(str::to_owned));
    from_query.map(str::to_owned).or(from_body).or(Some(String::new()))
}

fn reset(stream: TcpStream) {
    // SO_LINGER 0 turns close into a TCP RST.
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn serve(mut stream: TcpStream, fault: Fault, ledger: Arc<Mutex<Ledger>>) {
    if matches!(fault, Fault::ResetBeforeRequest) {
        reset(stream);
        return;
    }
    let Some(call_id) = read_request(&mut stream).await else { return };
    if fault.processes() {
        *ledger.lock().expect("lock").processed.entry(call_id).or_default() += 1;
    }
    let head = |status: u16, content_type: &str, extra: &str| {
        format!("HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nConnection: close\r\n{extra}\r\n")
    };
    let _ = match fault {
        Fault::ResetBeforeRequest => unreachable!("handled above"),
        Fault::ResetAfterRequest => {
            reset(stream);
            return;
        }
        Fault::SlowHeaders(delay, body) => {
            tokio::time::sleep(delay).await;
            let reply = head(200, "application/json", &format!("Content-Length: {}\r\n", body.len())) + &body;
            stream.write_all(reply.as_bytes()).await
        }
        Fault::SlowBody(interval, body) => {
            let _ = stream
                .write_all(head(200, "application/json", &format!("Content-Length: {}\r\n", body.len())).as_bytes())
                .await;
            for byte in body.bytes() {
                tokio::time::sleep(interval).await;
                if stream.write_all(&[byte]).await.is_err() {
                    return;
                }
            }
            Ok(())
        }
        Fault::TruncatedBody(body) => {
            let reply =
                head(200, "application/json", &format!("Content-Length: {}\r\n", body.len())) + &body[..body.len() / 2];
            stream.write_all(reply.as_bytes()).await
        }
        Fault::Reply { status, headers, content_type, body, chunked } => {
            let mut extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
            if chunked {
                extra.push_str("Transfer-Encoding: chunked\r\n");
                let _ = stream.write_all(head(status, &content_type, &extra).as_bytes()).await;
                for piece in body.as_bytes().chunks(64 * 1024) {
                    if stream.write_all(format!("{:x}\r\n", piece.len()).as_bytes()).await.is_err()
                        || stream.write_all(piece).await.is_err()
                        || stream.write_all(b"\r\n").await.is_err()
                    {
                        return;
                    }
                }
                stream.write_all(b"0\r\n\r\n").await
            } else {
                extra.push_str(&format!("Content-Length: {}\r\n", body.len()));
                stream.write_all((head(status, &content_type, &extra) + &body).as_bytes()).await
            }
        }
    };
    let _ = stream.shutdown().await;
}
