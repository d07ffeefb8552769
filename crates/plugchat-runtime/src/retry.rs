//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// Retry settings of a client. Defaults: 2 retries, backoff from 200 ms doubling up to 5 s
/// with jitter, `Retry-After` honoured up to 30 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Backoff before the first retry; it doubles for each further one.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest wait a server's `Retry-After` may impose; longer values are cut to this.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The default policy with `max_retries` retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryPolicy { max_retries, ..Self::default() }
    }

    /// Sets the backoff range.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the cap on `Retry-After`.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The wait before retry number `retry` (1-based): exponential backoff with "equal jitter"
    /// (half fixed, half random, so many clients failing together do not retry in lockstep),
    /// or the server's `Retry-After` (capped) when that is longer. `Retry-After` is a minimum:
    /// a date in the past or `0` must not turn the retries into a burst.
    pub(crate) fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let full = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let half = full / 2;
        let backoff = half + half.mul_f64(fastrand::f64());
        match headers.and_then(retry_after) {
            Some(wait) => wait.min(self.max_retry_after).max(backoff),
            None => backoff,
        }
    }
}

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No connection was made: the request provably never reached the server.
    NotSent,
    /// The request may have reached the server (timeout, reset, truncated answer).
    MaybeDelivered,
    /// The server answered with this status.
    Answered(StatusCode),
    /// The request cannot be sent as built: the same request would fail the same way.
    Invalid,
}

/// Statuses that say "try again later": 408, 429, 500, 502, 503, 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether an attempt that ended with `outcome` may be repeated. A request that is not
/// idempotent is repeated only when it never left, or when the server said it did not
/// process it (429 Too Many Requests, 503 Service Unavailable): a retry must never send a
/// WhatsApp message twice.
pub(crate) fn may_retry(idempotent: bool, outcome: Outcome) -> bool {
    match outcome {
        Outcome::Invalid => false,
        Outcome::NotSent => true,
        Outcome::MaybeDelivered => idempotent,
        Outcome::Answered(status) if idempotent => is_retryable_status(status),
        Outcome::Answered(status) => matches!(status.as_u16(), 429 | 503),
    }
}

/// `Retry-After` as a duration: delay-seconds or an HTTP date (`None` for a date already past).
/// Seconds too many for a `u64` are the longest wait there is, so the policy's cap applies to
/// them as to any long wait, rather than the header being ignored.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    date.duration_since(SystemTime::now()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(http::header::RETRY_AFTER, value.parse().unwrap());
        map
    }

    #[test]
    fn non_idempotent_requests_are_repeated_only_when_not_processed() {
        assert!(may_retry(false, Outcome::NotSent));
        assert!(!may_retry(false, Outcome::MaybeDelivered));
        assert!(may_retry(false, Outcome::Answered(StatusCode::TOO_MANY_REQUESTS)));
        assert!(may_retry(false, Outcome::Answered(StatusCode::SERVICE_UNAVAILABLE)));
        for status in [408, 500, 502, 504] {
            assert!(!may_retry(false, Outcome::Answered(StatusCode::from_u16(status).unwrap())), "{status}");
            assert!(may_retry(true, Outcome::Answered(StatusCode::from_u16(status).unwrap())), "{status}");
        }
        assert!(!may_retry(true, Outcome::Answered(StatusCode::BAD_REQUEST)));
        assert!(may_retry(true, Outcome::MaybeDelivered));
        assert!(!may_retry(true, Outcome::Invalid));
        assert!(!may_retry(false, Outcome::Invalid));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        assert_eq!(policy.delay(1, Some(&headers("3"))), Duration::from_secs(3));
        assert_eq!(policy.delay(1, Some(&headers("3600"))), Duration::from_secs(10));
        for huge in ["18446744073709551615", "18446744073709551616", "100000000000000000000", &"9".repeat(400)] {
            assert_eq!(policy.delay(1, Some(&headers(huge))), Duration::from_secs(10), "{huge}");
        }
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        let wait = policy.delay(1, Some(&headers(&later)));
        assert!(wait <= Duration::from_secs(5) && wait >= Duration::from_secs(3), "{wait:?}");
        // A date in the past, or 0, is no reason to retry at once: the backoff still applies.
        for past in ["Wed, 21 Oct 2015 07:28:00 GMT", "0"] {
            let wait = policy.delay(1, Some(&headers(past)));
            assert!(wait >= Duration::from_millis(100) && wait <= Duration::from_millis(200), "{past}: {wait:?}");
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..100 {
            let first = policy.delay(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let second = policy.delay(2, None);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200), "{second:?}");
            let capped = policy.delay(10, None);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350), "{capped:?}");
        }
    }
}
