//! The API token, kept out of every printed form.

use std::fmt;

/// A secret string: `Debug` and `Display` print `[redacted]`, never the value.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Secret(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Removes the client's token from text a server sent back. A server that echoes what it
/// received (`401 {"error": "invalid token <token>"}`) would otherwise put the token into
/// error messages and tracing events, which are logged.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// The token as sent, and as it reads inside a JSON string (`"` and `\\` escaped, `/`
    /// optionally as `\\/`); longest first, so a longer form is replaced before a part of it.
    needles: Vec<String>,
}

/// What a redacted token reads as.
pub(crate) const REDACTED: &str = "[redacted]";

impl Redactor {
    pub(crate) fn new(token: &str) -> Self {
        let json = serde_json::to_string(token).unwrap_or_default();
        let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_owned();
        let mut needles = vec![token.to_owned(), json.replace('/', "\\/"), json];
        needles.retain(|n| !n.is_empty());
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        needles.dedup();
        Redactor { needles }
    }

    /// The longest form of the token, in bytes: text this much longer than a cut still holds
    /// any occurrence that starts before the cut.
    pub(crate) fn longest(&self) -> usize {
        self.needles.first().map_or(0, String::len)
    }

    /// `text` with every occurrence of the token replaced by `[redacted]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for needle in &self.needles {
            if text.contains(needle.as_str()) {
                text = text.replace(needle.as_str(), REDACTED);
            }
        }
        text
    }

    /// Whether `bytes` hold the token in any of its forms.
    pub(crate) fn occurs_in(&self, bytes: &[u8]) -> bool {
        self.needles.iter().any(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::Redactor;

    #[test]
    fn every_spelling_of_the_token_is_redacted() {
        let redactor = Redactor::new(r#"a/b"c\d"#);
        let text = r#"raw a/b"c\d json "a/b\"c\\d" escaped "a\/b\"c\\d""#;
        assert_eq!(redactor.redact(text), r#"raw [redacted] json "[redacted]" escaped "[redacted]""#);
        assert!(redactor.occurs_in(br#"x a\/b\"c\\d"#));
        assert!(!redactor.occurs_in(b"a/b"));
    }
}
