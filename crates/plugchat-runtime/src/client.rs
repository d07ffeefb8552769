//! The client: configuration, and the attempt/retry loop that executes one operation.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{ApiError, Error, snippet};
use crate::hooks::{AttemptReport, Hook, HookRequest, ReceivedResponse, SentRequest};
use crate::operation::{Operation, RequestParts, dot_segment};
use crate::response::{ObjectOnly, Response, last_wins};
use crate::retry::{Outcome, RetryPolicy, may_retry};
use crate::secret::{REDACTED, Redactor, Secret};

/// Default total time for one attempt: connect, send, and read the whole answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest response body accepted: 4 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// Default largest number of pages a page stream fetches before it stops with
/// [`Error::PageLimit`]: a server that ignores the page number cannot make it run forever.
pub const DEFAULT_MAX_PAGES: u32 = 1000;
/// The `User-Agent` of every request, before the application's name ([`ClientBuilder::app_name`]).
pub const USER_AGENT_PREFIX: &str = concat!("plugchat-rs/", env!("CARGO_PKG_VERSION"));

/// Configures a [`Client`]; `C` is the client type handed back (the generated API's own
/// client wraps this one).
pub struct ClientBuilder<C = Client> {
    base_url: String,
    token: Option<Secret>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    max_pages: u32,
    allow_insecure_http: bool,
    operation_timeout: Option<Duration>,
    app_name: Option<String>,
    http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    output: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &without_userinfo(&self.base_url))
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_pages", &self.max_pages)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("operation_timeout", &self.operation_timeout)
            .field("app_name", &self.app_name)
            .field("http_client", &self.http_client.is_some())
            .field("hooks", &self.hooks.len())
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
            max_pages: DEFAULT_MAX_PAGES,
            allow_insecure_http: false,
            operation_timeout: None,
            app_name: None,
            http_client: None,
            hooks: Vec::new(),
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

    /// Most pages a page stream (`..._stream`) fetches (default [`DEFAULT_MAX_PAGES`]); at the
    /// limit it yields [`Error::PageLimit`] and ends. Must be at least 1.
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// Allows a plain `http://` base URL to a host other than loopback. The token then
    /// crosses the network in clear text: only for networks you trust.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// A deadline over a whole call: every attempt and every wait between them (default: none,
    /// only the per-attempt [`ClientBuilder::timeout`]). When it passes during an attempt, the
    /// call ends with [`Error::Timeout`] naming it; when the wait before the next attempt (a
    /// backoff, or the server's `Retry-After`) would pass it, the call ends at once with the last
    /// attempt's error instead, so a 429 or 503 is returned as such (see
    /// [`Error::retry_after`]). Must be more than zero.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The application's name and version (`my-bot/1.2`), appended to the `User-Agent`
    /// (`plugchat-rs/0.1.0 my-bot/1.2`), so the provider can tell your traffic apart.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// Sends through `client` instead of a client of its own: custom root certificates,
    /// proxies, pool settings, or one client shared with the rest of the application.
    ///
    /// What the SDK still enforces with it: the token (`Authorization`) and `User-Agent`, the
    /// per-attempt [`ClientBuilder::timeout`] and the [`ClientBuilder::operation_timeout`], the
    /// retry policy, [`ClientBuilder::max_response_bytes`] (bodies are read in chunks and cut
    /// off at the limit), and redirects: an answer that comes from another URL than the one
    /// requested (the client followed a redirect) is an [`Error::Config`], never decoded or
    /// retried. Build it with `.redirect(reqwest::redirect::Policy::none())` (reqwest already
    /// drops `Authorization` on redirects to another host). What `client` decides instead:
    /// connect timeout ([`ClientBuilder::connect_timeout`] is not applied), TLS, proxies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds a [`Hook`], run around every attempt of every call (in registration order).
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Reads the configuration from environment variables named `{prefix}_...`:
    /// `{prefix}_TOKEN` (required), `{prefix}_BASE_URL`, `{prefix}_TIMEOUT_SECS`,
    /// `{prefix}_OPERATION_TIMEOUT_SECS` (seconds, fractions allowed), `{prefix}_MAX_RETRIES`
    /// and `{prefix}_APP_NAME` (optional). A missing token or a value that does not parse is
    /// an [`Error::Config`] naming the variable. Setters called afterwards override them.
    pub fn env(self, prefix: &str) -> Result<Self, Error> {
        self.env_with(prefix, |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// [`ClientBuilder::env`] with the variables read by `lookup` (a configuration map, a
    /// test's values) instead of the process environment.
    pub fn env_with(mut self, prefix: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let read = |suffix: &str| {
            let name = format!("{prefix}_{suffix}");
            let value = lookup(&name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            (name, value)
        };
        let seconds = |suffix: &str| -> Result<Option<Duration>, Error> {
            let (name, value) = read(suffix);
            let Some(value) = value else { return Ok(None) };
            match value.parse::<f64>() {
                Ok(secs) if secs.is_finite() && secs > 0.0 && secs < 1e9 => Ok(Some(Duration::from_secs_f64(secs))),
                _ => Err(Error::Config(format!("environment variable {name} is `{value}`: expected seconds above 0"))),
            }
        };
        match read("TOKEN") {
            (_, Some(token)) => self = self.token(token),
            (name, None) => {
                return Err(Error::Config(format!("environment variable {name} is not set (it holds the API token)")));
            }
        }
        if let (_, Some(url)) = read("BASE_URL") {
            self = self.base_url(url);
        }
        if let Some(timeout) = seconds("TIMEOUT_SECS")? {
            self = self.timeout(timeout);
        }
        if let Some(timeout) = seconds("OPERATION_TIMEOUT_SECS")? {
            self = self.operation_timeout(timeout);
        }
        if let (name, Some(value)) = read("MAX_RETRIES") {
            let retries = value.parse::<u32>().map_err(|_| {
                Error::Config(format!("environment variable {name} is `{value}`: expected a whole number"))
            })?;
            self = self.max_retries(retries);
        }
        if let (_, Some(name)) = read("APP_NAME") {
            self = self.app_name(name);
        }
        Ok(self)
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let token = self.token.ok_or_else(|| Error::Config("no token: call `.token(...)` on the builder".into()))?;
        if token.expose().trim().is_empty() {
            // It would be sent as `Authorization: ` and every call would fail with 401.
            return Err(Error::Config("the token is empty".into()));
        }
        let mut authorization = HeaderValue::from_str(token.expose())
            .map_err(|_| Error::Config("the token contains characters not allowed in an HTTP header".into()))?;
        authorization.set_sensitive(true);

        let base_url = self.base_url.trim_end_matches('/').to_owned();
        // Messages name the URL without any `user:password@`, which must never be printed.
        let shown = without_userinfo(&base_url);
        let url = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL `{shown}` is not a URL: {e}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(format!(
                "base URL `{shown}` has a user name or password: the client authenticates with the token only, and credentials in a URL end up in logs"
            )));
        }
        // Paths are appended to the base URL as text: after a query or fragment they would
        // become part of it, and every call would go to the base URL itself.
        if url.query().is_some() {
            return Err(Error::Config(format!(
                "base URL `{shown}` has a query (`?...`): operation paths would be appended to it"
            )));
        }
        if url.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL `{shown}` has a fragment (`#...`): operation paths would be appended to it and never sent"
            )));
        }
        match url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "base URL `{shown}` uses plain http to a host that is not loopback: use https, or call `.allow_insecure_http(true)`"
                )));
            }
            other => return Err(Error::Config(format!("base URL `{shown}` has scheme `{other}`; expected https"))),
        }
        if self.timeout.is_zero() {
            return Err(Error::Config("timeout must be more than zero".into()));
        }
        if self.max_pages == 0 {
            return Err(Error::Config("max_pages must be at least 1".into()));
        }
        if self.operation_timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::Config("operation_timeout must be more than zero".into()));
        }
        let user_agent = match &self.app_name {
            Some(name) => format!("{USER_AGENT_PREFIX} {}", name.trim()),
            None => USER_AGENT_PREFIX.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config(format!(
                "app_name `{}` has characters not allowed in a User-Agent header",
                user_agent.escape_debug()
            ))
        })?;

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let inner = Inner {
            http,
            user_agent,
            hooks: self.hooks,
            operation_timeout: self.operation_timeout,
            base_url,
            redactor: Redactor::new(token.expose()),
            authorization,
            timeout: self.timeout,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            max_pages: self.max_pages,
        };
        Ok(C::from(Client { inner: Arc::new(inner) }))
    }
}

/// `url` with anything between `//` and `@` in its authority replaced by `[redacted]`, found
/// by text so that it also works on strings that do not parse as URLs.
fn without_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(start) = url.find("//").map(|i| i + 2) else { return url.into() };
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}{REDACTED}{}", &url[..start], &url[start + at..]).into(),
        None => url.into(),
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
    user_agent: HeaderValue,
    /// Run around every attempt; they never see the `Authorization` header.
    hooks: Vec<Arc<dyn Hook>>,
    operation_timeout: Option<Duration>,
    base_url: String,
    authorization: HeaderValue,
    /// Removes the token from what servers send back before it reaches an error or event.
    redactor: Redactor,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    max_pages: u32,
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
    /// `Bytes`, so hooks can be shown the body and the response keep it without a copy.
    body: bytes::Bytes,
    /// From sending to the headers' arrival.
    waited: Duration,
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

    /// Most pages a page stream fetches (see [`ClientBuilder::max_pages`]).
    pub fn max_pages(&self) -> u32 {
        self.inner.max_pages
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
        // Everything that can be wrong with the request is found here, once, before anything
        // is sent: an invalid request is never retried, since it would fail the same way.
        let prepared = self.prepare(operation, &parts)?;
        let operation_timeout = parts.options.operation_timeout.or(self.inner.operation_timeout);
        let deadline = operation_timeout.map(|timeout| tokio::time::Instant::now() + timeout);
        let attempts = self.attempts(operation, &parts, prepared, deadline, span);
        match (operation_timeout, deadline) {
            (Some(timeout), Some(deadline)) => tokio::time::timeout_at(deadline, attempts)
                .await
                .unwrap_or(Err(Error::Timeout { operation: operation.id, timeout })),
            _ => attempts.await,
        }
    }

    /// The attempt/retry loop over a prepared request.
    async fn attempts<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        parts: &RequestParts,
        prepared: reqwest::Request,
        deadline: Option<tokio::time::Instant>,
        span: &tracing::Span,
    ) -> Result<Response<T>, Error> {
        let started = Instant::now();
        let timeout = parts.options.timeout.unwrap_or(self.inner.timeout);
        let max_retries = parts.options.max_retries.unwrap_or(self.inner.retry.max_retries);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let mut request =
                prepared.try_clone().ok_or_else(|| invalid(operation, "the body cannot be resent".into()))?;
            self.before_send(operation, &mut request, attempt);
            // What hooks are shown of the request, taken before the token is added.
            let sent_parts =
                (!self.inner.hooks.is_empty()).then(|| (request.url().to_string(), request.headers().clone()));
            let (sent_url, sent_headers) = sent_parts.unwrap_or_default();
            let sent_request = SentRequest {
                url: &sent_url,
                headers: &sent_headers,
                body: prepared.body().and_then(reqwest::Body::as_bytes),
            };
            // After the hooks: they never see the token, and cannot replace it.
            request.headers_mut().insert(AUTHORIZATION, self.inner.authorization.clone());
            let sent = Instant::now();
            let result = self.attempt(operation, request, timeout).await;
            let shown = match &result {
                Ok(answer) => self.shown_to_hooks(answer),
                Err(_) => None,
            };
            let report = |status, error, will_retry| AttemptReport {
                operation: operation.id,
                method: &operation.method,
                path: operation.path,
                request: sent_request,
                response: shown.as_ref().map(|(status, headers, body, waited)| ReceivedResponse {
                    status: *status,
                    headers,
                    body,
                    waited: *waited,
                }),
                attempt,
                status,
                error,
                elapsed: sent.elapsed(),
                will_retry,
            };
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            let failure = match result {
                Ok(answer) => {
                    span.record("status", answer.status.as_u16());
                    if answer.status.is_success() {
                        let status = answer.status;
                        let decoded = decode(operation, answer, &self.inner.redactor);
                        self.after_attempt(&report(Some(status), decoded.as_ref().err(), false));
                        return decoded;
                    }
                    let error = Error::Api(Box::new(ApiError {
                        operation: operation.id,
                        status: answer.status,
                        body: snippet(&answer.body, &self.inner.redactor),
                        documented: operation.documented(answer.status.as_u16()),
                        headers: self.redacted_headers(&answer.headers),
                    }));
                    Failure { error, outcome: Outcome::Answered(answer.status), headers: Some(answer.headers) }
                }
                Err(failure) => failure,
            };
            let delay = self.inner.retry.delay(attempt, failure.headers.as_ref());
            // A wait that outlasts the operation deadline would end in `Timeout`, which says
            // less than the answer in hand (a 429 proves nothing was processed): return that.
            let in_time = deadline.is_none_or(|deadline| {
                tokio::time::Instant::now().checked_add(delay).is_some_and(|resume| resume < deadline)
            });
            let will_retry = attempt <= max_retries && in_time && may_retry(operation.is_idempotent(), failure.outcome);
            let status = match failure.outcome {
                Outcome::Answered(status) => Some(status),
                _ => None,
            };
            self.after_attempt(&report(status, Some(&failure.error), will_retry));
            if !will_retry {
                return Err(failure.error);
            }
            tracing::debug!(error = %failure.error, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Runs every hook's `before_send` on `request`, whose headers hold no `Authorization` yet.
    fn before_send(&self, operation: &Operation, request: &mut reqwest::Request, attempt: u32) {
        if self.inner.hooks.is_empty() {
            return;
        }
        let url = request.url().to_string();
        let method = request.method().clone();
        let mut hook_request = HookRequest {
            operation: operation.id,
            method: &method,
            url: &url,
            headers: request.headers_mut(),
            attempt,
        };
        for hook in &self.inner.hooks {
            hook.before_send(&mut hook_request);
        }
    }

    fn after_attempt(&self, report: &AttemptReport<'_>) {
        for hook in &self.inner.hooks {
            hook.after_attempt(report);
        }
    }

    /// The request `parts` describe, checked: a zero timeout, a path segment that would change
    /// the endpoint, a header value with a control character (NUL, CR, LF) or a URL too long
    /// for HTTP is an [`Error::InvalidRequest`] here, before anything is sent.
    fn prepare(&self, operation: &Operation, parts: &RequestParts) -> Result<reqwest::Request, Error> {
        if parts.options.timeout.is_some_and(|t| t.is_zero()) {
            return Err(invalid(operation, "timeout must be more than zero".into()));
        }
        if parts.options.operation_timeout.is_some_and(|t| t.is_zero()) {
            return Err(invalid(operation, "operation_timeout must be more than zero".into()));
        }
        // Generated code refuses such values by parameter name; this also covers hand-built parts.
        let segments = parts.path.strip_prefix('/').unwrap_or(&parts.path).split('/');
        if let Some(what) = segments.filter_map(dot_segment).next() {
            return Err(invalid(
                operation,
                format!("the path has a segment that is {what}, which would change the endpoint"),
            ));
        }
        let url = format!("{}{}", self.inner.base_url, parts.path);
        let mut request =
            self.inner.http.request(operation.method.clone(), url).header(USER_AGENT, self.inner.user_agent.clone());
        if !parts.query.is_empty() {
            request = request.query(&parts.query);
        }
        for (name, value) in &parts.headers {
            // reqwest would only say "builder error" when building: name the header instead.
            let header = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(operation, format!("`{}` cannot be an HTTP header name", name.escape_debug())))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                let byte = value.bytes().find(|&b| (b < b' ' && b != b'\t') || b == 0x7f).unwrap_or_default();
                invalid(
                    operation,
                    format!(
                        "header `{name}` has a value that cannot be sent in an HTTP header (it holds the control byte 0x{byte:02X}; NUL, CR, LF and other control characters are not allowed)"
                    ),
                )
            })?;
            request = request.header(header, value);
        }
        if let Some(body) = &parts.body {
            let bytes = serde_json::to_vec(body).map_err(|e| invalid(operation, e.to_string()))?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        let request = request.build().map_err(|e| invalid(operation, e.to_string()))?;
        // hyper sends only what fits an `http::Uri` (under 64 KiB); reqwest would report a
        // longer URL only when sending, as a transport error, as if it might have left.
        if let Err(error) = http::Uri::try_from(request.url().as_str()) {
            let length = request.url().as_str().len();
            return Err(invalid(operation, format!("the URL ({length} bytes) cannot be sent: {error}")));
        }
        Ok(request)
    }

    /// What hooks are shown of an answer (only when there are hooks): status, headers and body
    /// with the token redacted, and the time to the headers.
    fn shown_to_hooks(&self, answer: &Answer) -> Option<(StatusCode, HeaderMap, bytes::Bytes, Duration)> {
        if self.inner.hooks.is_empty() {
            return None;
        }
        let body = match self.inner.redactor.occurs_in(&answer.body) {
            true => self.inner.redactor.redact(&String::from_utf8_lossy(&answer.body)).into(),
            false => answer.body.clone(),
        };
        Some((answer.status, self.redacted_headers(&answer.headers), body, answer.waited))
    }

    /// `headers` with every value that holds the token replaced by `[redacted]`.
    fn redacted_headers(&self, headers: &HeaderMap) -> HeaderMap {
        let mut headers = headers.clone();
        for (name, value) in headers.iter_mut() {
            if *name == AUTHORIZATION || self.inner.redactor.occurs_in(value.as_bytes()) {
                *value = HeaderValue::from_static(REDACTED);
            }
        }
        headers
    }

    async fn attempt(
        &self,
        operation: &Operation,
        request: reqwest::Request,
        timeout: Duration,
    ) -> Result<Answer, Failure> {
        let fail = |error, outcome| Failure { error, outcome, headers: None };
        let requested = request.url().clone();
        let exchange = async {
            let started = Instant::now();
            let mut response = self.inner.http.execute(request).await.map_err(|e| transport(operation, e))?;
            let waited = started.elapsed();
            let status = response.status();
            if *response.url() != requested {
                // Only a client given to `http_client` follows redirects; the answer comes from
                // somewhere the docs do not describe, so it is neither decoded nor retried.
                let error = Error::Config(format!(
                    "{}: the HTTP client followed a redirect (answer {status} from another URL); build the reqwest::Client given to `http_client` with `.redirect(reqwest::redirect::Policy::none())`",
                    operation.id
                ));
                return Err(Failure { error, outcome: Outcome::Invalid, headers: None });
            }
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
            Ok(Answer { status, headers, body: body.into(), waited })
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
/// written, proves the request never left; a request reqwest could not build never left either,
/// and would fail the same way again.
fn transport(operation: &Operation, error: reqwest::Error) -> Failure {
    let (error, outcome) = if error.is_builder() {
        (invalid(operation, error.without_url().to_string()), Outcome::Invalid)
    } else if error.is_connect() || never_sent(&error) {
        (Error::Connect { operation: operation.id, source: error.without_url() }, Outcome::NotSent)
    } else {
        (Error::Transport { operation: operation.id, source: error.without_url() }, Outcome::MaybeDelivered)
    };
    Failure { error, outcome, headers: None }
}

/// Decodes a 2xx body into `T` (an empty body as `null`). A struct decodes from a JSON object
/// only ([`ObjectOnly`]); an object that repeats a key decodes with the key's last value, as
/// `serde_json::Value` and the webhook decoder read it ([`last_wins`]). Errors carry no trace of
/// the token: serde quotes offending values.
fn decode<T: DeserializeOwned>(
    operation: &Operation,
    answer: Answer,
    redactor: &Redactor,
) -> Result<Response<T>, Error> {
    let empty = answer.body.iter().all(u8::is_ascii_whitespace);
    let bytes: &[u8] = if empty { b"null" } else { &answer.body };
    // Only a body that failed is searched for repeated keys: a derived struct refuses a
    // repeated field, so a body that decoded has none where it matters.
    let decoded = decode_json::<T>(bytes).or_else(|error| match last_wins(bytes) {
        Some(rewritten) => decode_json(&rewritten),
        None => Err(error),
    });
    match decoded {
        Ok(body) => Ok(Response::new(answer.status, answer.headers, body).with_body_bytes(answer.body)),
        Err((path, message)) => Err(Error::Decode {
            operation: operation.id,
            status: answer.status,
            path: redactor.redact(&path),
            message: if empty { "the body is empty".into() } else { redactor.redact(&message) },
            snippet: snippet(&answer.body, redactor),
        }),
    }
}

/// `bytes` decoded into `T`, or the JSON path and message of the failure.
fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, String)> {
    // The plain decoder on the way that matters; the path-tracking one only to explain a
    // failure (it is deterministic, so it fails at the same place).
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let plain = T::deserialize(ObjectOnly(&mut deserializer)).and_then(|body| deserializer.end().map(|()| body));
    plain.map_err(|error| {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let traced: Result<T, _> = serde_path_to_error::deserialize(ObjectOnly(&mut deserializer));
        match traced {
            Err(traced) => (traced.path().to_string(), traced.into_inner().to_string()),
            Ok(_) => (".".into(), error.to_string()),
        }
    })
}
