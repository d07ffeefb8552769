//! Recording real exchanges as HAR 1.2 ([`HarRecorder`], a [`Hook`]), so `plugchat-docs drift`
//! can report where the service and its docs disagree.
//!
//! HAR is written with `serde_json` rather than through a HAR crate: the ones published read
//! HAR or model a browser's log, and the required fields of an entry are all we emit. The
//! timestamp is formatted here (RFC 3339, UTC) to avoid a date crate for one field.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use serde_json::{Value, json};

use crate::hooks::{AttemptReport, Hook};
use crate::secret::REDACTED;

/// Default largest body kept in a recording, request or response: 64 KiB.
pub const DEFAULT_MAX_RECORDED_BODY: usize = 64 * 1024;

/// A [`Hook`] that appends every attempt of every call to a HAR 1.2 file: method, URL, request
/// headers and body, status, response headers and body, timings, and the operation's page id
/// as the custom field `_operation` (an attempt that got no answer has status 0 and `_error`).
///
/// What is never written: the token (`Authorization` is recorded as `[redacted]`, and the
/// client removes the token from what the server sends back before a hook sees it), headers
/// marked with [`HarRecorder::secret_header`], and the values of JSON fields and query
/// parameters marked with [`HarRecorder::secret_field`]. Bodies are cut at
/// [`HarRecorder::max_body_bytes`]. Writing never fails a call: the first write error is
/// reported through `tracing` (a `warn` event), later ones are not.
///
/// The file stays a valid HAR document after every entry: a new entry is written over the
/// closing `]}}`, which is then written again. An existing HAR file written by another tool is
/// read and rewritten in this layout first. Give each process its own file.
///
/// ```no_run
/// # fn build(builder: plugchat_runtime::ClientBuilder) {
/// let builder = builder.hook(plugchat_runtime::HarRecorder::new("exchanges.har").secret_field("phone"));
/// # }
/// ```
#[derive(Debug)]
pub struct HarRecorder {
    secrets: Secrets,
    max_body_bytes: usize,
    file: Mutex<Appender>,
}

impl HarRecorder {
    /// A recorder appending to the HAR file at `path` (created when first written).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        HarRecorder {
            secrets: Secrets::default(),
            max_body_bytes: DEFAULT_MAX_RECORDED_BODY,
            file: Mutex::new(Appender::new(path.into())),
        }
    }

    /// Records the header `name` (any case), request or response, as `[redacted]`.
    pub fn secret_header(mut self, name: impl Into<String>) -> Self {
        self.secrets.headers.push(name.into().to_ascii_lowercase());
        self
    }

    /// Records the value of every JSON field named `name` (at any depth, request and response
    /// bodies) and of the query parameter `name` as `[redacted]`.
    pub fn secret_field(mut self, name: impl Into<String>) -> Self {
        self.secrets.fields.push(name.into());
        self
    }

    /// Largest body kept (default [`DEFAULT_MAX_RECORDED_BODY`]); a longer one is cut, and its
    /// `comment` says so.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The HAR entry of one attempt.
    fn entry(&self, report: &AttemptReport<'_>, now: SystemTime) -> Value {
        let started = now.checked_sub(report.elapsed).unwrap_or(now);
        let request = &report.request;
        let (url, query) = self.secrets.url(request.url);
        let mut headers = self.secrets.headers(request.headers);
        headers.push(json!({"name": "authorization", "value": REDACTED}));
        let mut har_request = json!({
            "method": report.method.as_str(),
            "url": url,
            "httpVersion": "",
            "cookies": [],
            "headers": headers,
            "queryString": query,
            "headersSize": -1,
            "bodySize": request.body.map_or(0, <[u8]>::len),
        });
        if let Some(body) = request.body {
            let mime = content_type(request.headers).unwrap_or("application/json");
            let mut post = json!({"mimeType": mime});
            self.put_text(&mut post, body);
            har_request["postData"] = post;
        }
        let elapsed = millis(report.elapsed);
        let (response, timings) = match &report.response {
            Some(answer) => {
                let mut content = json!({
                    "size": answer.body.len(),
                    "mimeType": content_type(answer.headers).unwrap_or(""),
                });
                self.put_text(&mut content, answer.body);
                let response = json!({
                    "status": answer.status.as_u16(),
                    "statusText": answer.status.canonical_reason().unwrap_or(""),
                    "httpVersion": "",
                    "cookies": [],
                    "headers": self.secrets.headers(answer.headers),
                    "content": content,
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": answer.body.len(),
                });
                let waited = millis(answer.waited).min(elapsed);
                (response, json!({"send": 0, "wait": waited, "receive": elapsed - waited}))
            }
            None => {
                let response = json!({
                    "status": 0,
                    "statusText": "",
                    "httpVersion": "",
                    "cookies": [],
                    "headers": [],
                    "content": {"size": 0, "mimeType": ""},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                });
                (response, json!({"send": 0, "wait": elapsed, "receive": 0}))
            }
        };
        let mut entry = json!({
            "startedDateTime": rfc3339(started),
            "time": elapsed,
            "request": har_request,
            "response": response,
            "cache": {},
            "timings": timings,
            "_operation": report.operation,
            "_attempt": report.attempt,
        });
        if let Some(error) = report.error.filter(|_| report.response.is_none()) {
            entry["_error"] = Value::String(error.to_string());
        }
        entry
    }

    /// Sets `text` (and a `comment` when cut) of a HAR content or postData object.
    fn put_text(&self, target: &mut Value, body: &[u8]) {
        let text = self.secrets.body(body);
        let (text, cut) = bounded(&text, self.max_body_bytes);
        target["text"] = Value::String(text.to_owned());
        if cut {
            target["comment"] = Value::String(format!("truncated to {} of {} bytes", text.len(), body.len()));
        }
    }
}

impl Hook for HarRecorder {
    fn after_attempt(&self, report: &AttemptReport<'_>) {
        let entry = self.entry(report, SystemTime::now());
        let mut file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        file.append_har(&entry);
    }
}

/// What the user marked secret: header names (lower case) and JSON field or query names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Secrets {
    pub(crate) headers: Vec<String>,
    pub(crate) fields: Vec<String>,
}

impl Secrets {
    fn headers(&self, headers: &HeaderMap) -> Vec<Value> {
        headers
            .iter()
            .map(|(name, value)| {
                let secret = self.headers.iter().any(|h| h == name.as_str());
                let value =
                    if secret { REDACTED.into() } else { String::from_utf8_lossy(value.as_bytes()).into_owned() };
                json!({"name": name.as_str(), "value": value})
            })
            .collect()
    }

    /// The URL with secret query values redacted, and its query as HAR `queryString`.
    fn url(&self, url: &str) -> (String, Vec<Value>) {
        let Ok(mut parsed) = url::Url::parse(url) else { return (url.to_owned(), Vec::new()) };
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let secret = self.fields.iter().any(|f| *f == name);
                (name.into_owned(), if secret { REDACTED.to_owned() } else { value.into_owned() })
            })
            .collect();
        if pairs.is_empty() {
            return (url.to_owned(), Vec::new());
        }
        if self.fields.iter().any(|f| pairs.iter().any(|(name, _)| name == f)) {
            parsed.query_pairs_mut().clear().extend_pairs(&pairs);
        }
        let query = pairs.into_iter().map(|(name, value)| json!({"name": name, "value": value})).collect();
        (parsed.into(), query)
    }

    /// A body as text; with secret fields, a JSON body is re-serialised with their values
    /// redacted (its layout is not kept), anything else is kept as it came.
    pub(crate) fn body(&self, body: &[u8]) -> String {
        if !self.fields.is_empty()
            && let Ok(mut json) = serde_json::from_slice::<Value>(body)
        {
            self.redact(&mut json);
            return json.to_string();
        }
        // Bodies of this API are JSON text; other bytes are kept readable, not base64.
        String::from_utf8_lossy(body).into_owned()
    }

    pub(crate) fn redact(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if self.fields.iter().any(|f| f == key) {
                        *value = Value::String(REDACTED.into());
                    } else {
                        self.redact(value);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.redact(item)),
            _ => {}
        }
    }
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

/// `text` cut to at most `limit` bytes at a character boundary, and whether it was cut.
fn bounded(text: &str, limit: usize) -> (&str, bool) {
    if text.len() <= limit {
        return (text, false);
    }
    let end = (0..=limit).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    (&text[..end], true)
}

fn millis(duration: Duration) -> f64 {
    // Whole microseconds: enough for timings, and JSON without float noise.
    (duration.as_micros() as f64) / 1000.0
}

/// `time` as RFC 3339 in UTC with milliseconds (`2025-01-31T12:00:00.000Z`).
fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days to a civil date (Howard Hinnant's `civil_from_days`), for dates after 1970.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        since.subsec_millis()
    )
}

/// Appends to one file, reporting its first failure through `tracing` and no later one.
#[derive(Debug)]
pub(crate) struct Appender {
    path: PathBuf,
    reported: bool,
}

/// What ends a HAR file this module wrote: entries are written over it.
const HAR_END: &[u8] = b"\n]}}\n";

impl Appender {
    pub(crate) fn new(path: PathBuf) -> Self {
        Appender { path, reported: false }
    }

    fn report(&mut self, result: io::Result<()>) {
        if let Err(error) = result
            && !std::mem::replace(&mut self.reported, true)
        {
            tracing::warn!(
                path = %self.path.display(),
                %error,
                "cannot record the exchange (calls go on; further errors on this file are not reported)"
            );
        }
    }

    fn append_har(&mut self, entry: &Value) {
        let result = append_har(&self.path, entry);
        self.report(result);
    }

    pub(crate) fn append_line(&mut self, line: &str) {
        let result = (|| {
            let mut file = OpenOptions::new().create(true).append(true).open(&self.path)?;
            // One write per line, so lines of concurrent writers do not interleave.
            file.write_all(format!("{line}\n").as_bytes())
        })();
        self.report(result);
    }
}

fn append_har(path: &Path, entry: &Value) -> io::Result<()> {
    let entry = serde_json::to_string(entry)?;
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return file.write_all(&har_document(std::iter::once(entry)));
    }
    if len >= HAR_END.len() as u64 {
        let mut end = [0u8; HAR_END.len()];
        file.seek(SeekFrom::End(-(HAR_END.len() as i64)))?;
        file.read_exact(&mut end)?;
        if end == HAR_END {
            file.seek(SeekFrom::End(-(HAR_END.len() as i64)))?;
            return file.write_all(&[b",\n", entry.as_bytes(), HAR_END].concat());
        }
    }
    // Another layout (another tool's HAR, pretty-printed): read it, rewrite it in ours.
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_string(&mut text)?;
    let mut document: Value = serde_json::from_str(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("the file is not a HAR document: {e}")))?;
    let Some(entries) = document.pointer_mut("/log/entries").and_then(Value::as_array_mut) else {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "the file is not a HAR document (no `log.entries`)"));
    };
    let mut lines: Vec<String> = entries.iter().map(Value::to_string).collect();
    lines.push(entry);
    drop(file);
    let staged = path.with_extension("har.tmp");
    File::create(&staged)?.write_all(&har_document(lines.into_iter()))?;
    std::fs::rename(&staged, path)
}

/// A HAR 1.2 document holding `entries`, one per line.
fn har_document(entries: impl Iterator<Item = String>) -> Vec<u8> {
    let creator = json!({"name": "plugchat-rs", "version": env!("CARGO_PKG_VERSION")});
    let mut out = format!("{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":[\n").into_bytes();
    let entries: Vec<String> = entries.collect();
    out.extend_from_slice(entries.join(",\n").as_bytes());
    out.extend_from_slice(HAR_END);
    out
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_are_rfc3339_in_utc() {
        let at = |secs, millis| super::rfc3339(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis));
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(at(1_735_689_599, 999), "2024-12-31T23:59:59.999Z");
    }

    #[test]
    fn bodies_are_cut_at_a_character_boundary() {
        assert_eq!(super::bounded("ação", 2), ("a", true));
        assert_eq!(super::bounded("ação", 64), ("ação", false));
    }
}
