//! The client: configuration, and the attempt/retry loop that executes one operation.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{ApiError, Error, snippet};
use crate::operation::{Operation, RequestParts};
use crate::response::Response;
use crate::retry::{Outcome, RetryPolicy, may_retry};
use crate::secret::Secret;

/// Default total time for one attempt: connect, send, and read the whole answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest response body accepted: 4 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Configures a [`Client`]; `C` is the client type handed back (the generated API's own
/// client wraps this one).
pub struct ClientBuilder<C = Client> {
    base_url: String,
    token: Option<Secret>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    output: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder whose base URL is `default_base_url` until [`ClientBuilder::base_url`] changes it.
    pub fn new(default_base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: default_base_url.into(),
            token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            output: PhantomData,
        }
    }

    /// The API token, sent as the `Authorization` header. Required.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token.into()));
        self
    }

    /// The base URL that operation paths are appended to.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Total time for one attempt (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to establish a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2; 0 disables retrying).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows a plain `http://` base URL to a host other than loopback. The token then
    /// crosses the network in clear text: only for networks you trust.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let token = self.token.ok_or_else(|| Error::Config("no token: call `.token(...)` on the builder".into()))?;
        let mut authorization = HeaderValue::from_str(token.expose())
            .map_err(|_| Error::Config("the token contains characters not allowed in an HTTP header".into()))?;
        authorization.set_sensitive(true);

        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL `{base_url}` is not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "base URL `{base_url}` uses plain http to a host that is not loopback: use https, or call `.allow_insecure_http(true)`"
                )));
            }
            other => return Err(Error::Config(format!("base URL `{base_url}` has scheme `{other}`; expected https"))),
        }
        if self.timeout.is_zero() {
            return Err(Error::Config("timeout must be more than zero".into()));
        }

        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("plugchat-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let inner = Inner {
            http,
            base_url,
            authorization,
            timeout: self.timeout,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        };
        Ok(C::from(Client { inner: Arc::new(inner) }))
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A configured connection to the API; cheap to clone (clones share connections).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &"[redacted]")
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// What one attempt produced: an answer, or an error with what it means for retrying.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

struct Failure {
    error: Error,
    outcome: Outcome,
    headers: Option<HeaderMap>,
}

impl Client {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends one request to `operation`, retrying as the [`RetryPolicy`] allows, and decodes
    /// a 2xx body into `T` (an empty body decodes as JSON `null`).
    pub async fn execute<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        parts: RequestParts,
    ) -> Result<Response<T>, Error> {
        let span = tracing::info_span!(
            "plugchat.request",
            operation = operation.id,
            method = %operation.method,
            path = operation.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.execute_in_span(operation, parts, &span).instrument(span.clone()).await
    }

    async fn execute_in_span<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        parts: RequestParts,
        span: &tracing::Span,
    ) -> Result<Response<T>, Error> {
        let started = Instant::now();
        let timeout = parts.options.timeout.unwrap_or(self.inner.timeout);
        let max_retries = parts.options.max_retries.unwrap_or(self.inner.retry.max_retries);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let result = self.attempt(operation, &parts, timeout).await;
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            let failure = match result {
                Ok(answer) => {
                    span.record("status", answer.status.as_u16());
                    if answer.status.is_success() {
                        return decode(operation, answer);
                    }
                    let error = Error::Api(Box::new(ApiError {
                        operation: operation.id,
                        status: answer.status,
                        body: snippet(&answer.body),
                        documented: operation.documented(answer.status.as_u16()),
                        headers: answer.headers.clone(),
                    }));
                    Failure { error, outcome: Outcome::Answered(answer.status), headers: Some(answer.headers) }
                }
                Err(failure) => failure,
            };
            if attempt > max_retries || !may_retry(operation.is_idempotent(), failure.outcome) {
                return Err(failure.error);
            }
            let delay = self.inner.retry.delay(attempt, failure.headers.as_ref());
            tracing::debug!(error = %failure.error, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, operation: &Operation, parts: &RequestParts, timeout: Duration) -> Result<Answer, Failure> {
        let fail = |error, outcome| Failure { error, outcome, headers: None };
        let url = format!("{}{}", self.inner.base_url, parts.path);
        let mut request = self
            .inner
            .http
            .request(operation.method.clone(), url)
            .header(AUTHORIZATION, self.inner.authorization.clone());
        if !parts.query.is_empty() {
            request = request.query(&parts.query);
        }
        for (name, value) in &parts.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = &parts.body {
            let bytes =
                serde_json::to_vec(body).map_err(|e| fail(invalid(operation, e.to_string()), Outcome::NotSent))?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        let request = request.build().map_err(|e| fail(invalid(operation, e.to_string()), Outcome::NotSent))?;

        let exchange = async {
            let mut response = self.inner.http.execute(request).await.map_err(|e| transport(operation, e))?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let limit = self.inner.max_response_bytes;
            if response.content_length().is_some_and(|len| len > limit as u64) {
                return Err(Failure {
                    error: too_large(operation, limit),
                    outcome: Outcome::Answered(status),
                    headers: None,
                });
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| transport(operation, e))? {
                if body.len() + chunk.len() > limit {
                    return Err(Failure {
                        error: too_large(operation, limit),
                        outcome: Outcome::Answered(status),
                        headers: None,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Answer { status, headers, body })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(fail(Error::Timeout { operation: operation.id, timeout }, Outcome::MaybeDelivered)),
        }
    }
}

fn invalid(operation: &Operation, message: String) -> Error {
    Error::InvalidRequest { operation: operation.id, message }
}

fn too_large(operation: &Operation, limit: usize) -> Error {
    Error::BodyTooLarge { operation: operation.id, limit }
}

/// Whether hyper handed the request back unsent: its `Canceled` error means the connection
/// closed before the request was written.
fn never_sent(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_canceled) {
            return true;
        }
        source = current.source();
    }
    false
}

/// Classifies a reqwest error: only a failed connect, or a request hyper reports as never
/// written, proves the request never left.
fn transport(operation: &Operation, error: reqwest::Error) -> Failure {
    let (error, outcome) = if error.is_connect() || never_sent(&error) {
        (Error::Connect { operation: operation.id, source: error.without_url() }, Outcome::NotSent)
    } else {
        (Error::Transport { operation: operation.id, source: error.without_url() }, Outcome::MaybeDelivered)
    };
    Failure { error, outcome, headers: None }
}

fn decode<T: DeserializeOwned>(operation: &Operation, answer: Answer) -> Result<Response<T>, Error> {
    let bytes: &[u8] = if answer.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { &answer.body };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let decode_error = |path: String, message: String| Error::Decode {
        operation: operation.id,
        status: answer.status,
        path,
        message,
        snippet: snippet(&answer.body),
    };
    // The plain decoder on the way that matters; the path-tracking one only to explain a
    // failure (it is deterministic, so it fails at the same place).
    let plain = T::deserialize(&mut deserializer).and_then(|body| deserializer.end().map(|()| body));
    match plain {
        Ok(body) => Ok(Response::new(answer.status, answer.headers, body)),
        Err(error) => {
            let mut deserializer = serde_json::Deserializer::from_slice(bytes);
            let traced: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
            Err(match traced {
                Err(traced) => decode_error(traced.path().to_string(), traced.into_inner().to_string()),
                Ok(_) => decode_error(".".into(), error.to_string()),
            })
        }
    }
}
