//! Decoding webhook payloads: a size limit, JSON parsing, recognising the event, and the
//! tolerant field decoding the generated `WebhookEvent` builds on.
//!
//! A payload whose event is recognised always decodes into that event: every other field is
//! optional, and a value that does not fit its documented type becomes `None` and is kept as
//! a [`Mismatch`] (its JSON path, the reason and the value itself), so a receiver never has to
//! refuse, and lose, a real event because one field surprised it.

use serde_json::{Map, Value};

/// Default largest webhook payload accepted: 1 MiB (message payloads carry URLs, not media).
pub const DEFAULT_MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

/// Why a webhook payload could not be decoded. Only the payload as a whole is judged here:
/// a recognised event never fails because of one of its fields (see [`Mismatch`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The payload is larger than the limit; it was not parsed.
    #[error("webhook payload of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The payload's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The payload is not JSON.
    #[error("webhook payload is not JSON: {0}")]
    NotJson(String),
    /// The payload is JSON but not an object (an array, `null`, a string, ...).
    #[error("webhook payload is a JSON {found}, not an object")]
    NotAnObject {
        /// What it is instead: `array`, `null`, `string`, `number` or `boolean`.
        found: &'static str,
    },
    /// A field that tells events apart holds something no event uses (`"type": 5`).
    #[error("webhook payload's `{field}` is a JSON {found}, not a string naming an event")]
    BadDiscriminator {
        /// The dotted path of the field.
        field: &'static str,
        /// What it holds instead.
        found: &'static str,
    },
    /// None of the fields that tell events apart is in the payload.
    #[error("webhook payload names no event: it has none of the fields {}", .fields.join(", "))]
    NoDiscriminator {
        /// The dotted paths of the fields that tell the documented events apart.
        fields: &'static [&'static str],
    },
}

/// A value of a recognised payload that does not fit its documented type. The typed field is
/// `None`; the value is kept here, so nothing the service sent is lost.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Mismatch {
    /// JSON path of the value (`photo`, `text.message`, `attendance.messages[2].momment`).
    pub path: String,
    /// Why it did not fit (`invalid type: map, expected a string`).
    pub reason: String,
    /// The value as sent.
    pub value: Value,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {} (got {})", self.path, self.reason, self.value)
    }
}

/// Parses `bytes` as JSON if they fit in `limit`. A UTF-8 byte order mark before the JSON is
/// skipped (some senders write one; JSON parsers refuse it).
///
/// A number that `serde_json::Value` cannot hold exactly (an integer beyond `u64`/`i64`, a
/// fraction with more digits than `f64` keeps, `1e400`) is kept as a string of its exact text,
/// so a string field receives every digit and nothing is rounded silently. In a payload nested
/// deeper than `Value` allows (128 levels), the values below [`MAX_WEBHOOK_DEPTH`] are kept as strings
/// of their JSON text: the event still decodes, and no recursion goes deeper than that.
pub fn parse(bytes: &[u8], limit: usize) -> Result<Value, WebhookError> {
    if bytes.len() > limit {
        return Err(WebhookError::TooLarge { size: bytes.len(), limit });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let not_json = |e: serde_json::Error| WebhookError::NotJson(e.to_string());
    let first_error = match serde_json::from_slice::<Value>(bytes) {
        Ok(value) if !exact::has_inexact_number(bytes) => return Ok(value),
        Ok(_) => None,
        Err(error) => Some(error),
    };
    // Rare: walk the payload again through its raw text, which keeps numbers' digits and has
    // no depth limit (a `RawValue` is only scanned).
    let text = std::str::from_utf8(bytes).map_err(|e| WebhookError::NotJson(e.to_string()))?;
    let exact = serde_json::from_str::<&serde_json::value::RawValue>(text).and_then(|raw| exact::value(raw, 0));
    match (exact, first_error) {
        (Ok(value), _) => Ok(value),
        // The first parse's message is the one that explains the payload.
        (Err(_), Some(error)) | (Err(error), None) => Err(not_json(error)),
    }
}

/// How deep [`parse`] builds a payload's values; deeper ones are kept as their JSON text.
pub const MAX_WEBHOOK_DEPTH: usize = 100;

/// Numbers `serde_json::Value` would round, found and kept in their raw text. serde_json's
/// `arbitrary_precision` feature would do this for every `Value` in the user's whole build
/// (and breaks numbers under `#[serde(flatten)]`/untagged enums), so it is done here, only for
/// webhook payloads, and only when a payload has such a number.
mod exact {
    use serde::de::{Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;
    use serde_json::{Map, Value};

    /// Whether a number token outside strings would lose digits in a `Value`.
    pub(super) fn has_inexact_number(bytes: &[u8]) -> bool {
        let (mut i, mut in_string) = (0, false);
        while i < bytes.len() {
            let b = bytes[i];
            if in_string {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if b == b'-' || b.is_ascii_digit() {
                let start = i;
                while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                if std::str::from_utf8(&bytes[start..i]).is_ok_and(|token| !is_exact(token)) {
                    return true;
                }
                continue;
            }
            i += 1;
        }
        false
    }

    /// Whether `token` (a JSON number) survives `Value`: an `i64`/`u64`, or a float whose
    /// shortest decimal form has the same digits and exponent as the text.
    pub(super) fn is_exact(token: &str) -> bool {
        if token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok() {
            return true;
        }
        match token.parse::<f64>() {
            Ok(float) if float.is_finite() => decimal(token) == decimal(&format!("{float:e}")),
            _ => false,
        }
    }

    /// `(significant digits, exponent of the last digit)` of a decimal number's text, sign ignored.
    fn decimal(text: &str) -> (String, i64) {
        let text = text.trim_start_matches(['-', '+']);
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].parse::<i64>().unwrap_or(0)),
            None => (text, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{whole}{fraction}");
        let mut exponent = exponent - fraction.len() as i64;
        let trimmed = digits.trim_end_matches('0');
        exponent += (digits.len() - trimmed.len()) as i64;
        let trimmed = trimmed.trim_start_matches('0');
        if trimmed.is_empty() { (String::new(), 0) } else { (trimmed.to_owned(), exponent) }
    }

    /// The members of an object, in order, with their raw text.
    struct Members<'a>(Vec<(String, &'a RawValue)>);

    impl<'de> serde::Deserialize<'de> for Members<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct MembersVisitor;
            impl<'de> Visitor<'de> for MembersVisitor {
                type Value = Members<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                    let mut members = Vec::new();
                    while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                        members.push(entry);
                    }
                    Ok(Members(members))
                }
            }
            deserializer.deserialize_map(MembersVisitor)
        }
    }

    /// `raw` (at nesting `depth`) as a `Value`, numbers that would lose digits as strings of
    /// their text, and containers deeper than [`super::MAX_WEBHOOK_DEPTH`] as strings of their JSON.
    pub(super) fn value(raw: &RawValue, depth: usize) -> Result<Value, serde_json::Error> {
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'{' | b'[') if depth >= super::MAX_WEBHOOK_DEPTH => Ok(Value::String(text.to_owned())),
            Some(b'{') => {
                let Members(members) = serde_json::from_str(text)?;
                let mut map = Map::new();
                for (key, member) in members {
                    map.insert(key, value(member, depth + 1)?);
                }
                Ok(Value::Object(map))
            }
            Some(b'[') => {
                let items: Vec<&RawValue> = serde_json::from_str(text)?;
                items.into_iter().map(|item| value(item, depth + 1)).collect::<Result<_, _>>().map(Value::Array)
            }
            Some(b'-' | b'0'..=b'9') if !is_exact(text) => Ok(Value::String(text.to_owned())),
            _ => serde_json::from_str(text),
        }
    }
}

/// The JSON type of `value`, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The payload as an object, or [`WebhookError::NotAnObject`].
pub fn object(payload: &Value) -> Result<&Map<String, Value>, WebhookError> {
    payload.as_object().ok_or(WebhookError::NotAnObject { found: kind(payload) })
}

fn lookup<'v>(payload: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(payload, |value, key| value.get(key))
}

/// Whether every `(dotted path, value)` condition holds in `payload`.
pub fn matches(payload: &Value, conditions: &[(&str, &str)]) -> bool {
    conditions.iter().all(|(path, expected)| match lookup(payload, path) {
        Some(Value::String(s)) => s == expected,
        Some(other) => serde_json::from_str::<Value>(expected).is_ok_and(|e| &e == other),
        None => false,
    })
}

/// For a payload no documented event matched: `Ok` if one of the discriminating `fields` holds
/// a string (an event these docs do not describe), whatever the others hold; otherwise the
/// error saying why the payload names no event. A `null` field counts as absent.
pub fn unrecognised(payload: &Value, fields: &'static [&'static str]) -> Result<(), WebhookError> {
    let mut bad = None;
    for field in fields {
        match lookup(payload, field) {
            None | Some(Value::Null) => {}
            Some(Value::String(_)) => return Ok(()),
            Some(other) => {
                bad.get_or_insert(WebhookError::BadDiscriminator { field, found: kind(other) });
            }
        }
    }
    Err(bad.unwrap_or(WebhookError::NoDiscriminator { fields }))
}

/// `path.key`, or `key` at the top.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// A field decoder for [`Decoder::field`] and [`Decoder::list`] that takes any JSON value but
/// `null`.
pub fn any(value: &Value) -> Result<Option<Value>, serde_json::Error> {
    Ok((!value.is_null()).then(|| value.clone()))
}

/// The lenient decoders of one JSON value that [`Decoder::field`] and [`Decoder::list`] take:
/// `lenient`'s, for a `&Value`, as plain functions.
pub mod leaf {
    use serde_json::{Number, Value};

    /// A string, or a number or boolean as its text.
    pub fn string(value: &Value) -> Result<Option<String>, serde_json::Error> {
        crate::lenient::option_string(value)
    }

    /// A boolean, or `"true"`/`"false"`, `0`/`1` as the service spells them.
    pub fn bool(value: &Value) -> Result<Option<bool>, serde_json::Error> {
        crate::lenient::option_bool(value)
    }

    /// An integer, or its digits in a string.
    pub fn i64(value: &Value) -> Result<Option<i64>, serde_json::Error> {
        crate::lenient::option_i64(value)
    }

    /// Any number, or its digits in a string.
    pub fn number(value: &Value) -> Result<Option<Number>, serde_json::Error> {
        crate::lenient::option_number(value)
    }
}

/// Decodes the fields of a recognised payload tolerantly, collecting the [`Mismatch`]es.
/// `null` and absent fields are `None` without a mismatch: they lose nothing.
#[derive(Debug, Default)]
pub struct Decoder {
    mismatches: Vec<Mismatch>,
}

impl Decoder {
    /// A decoder with no mismatches yet.
    pub fn new() -> Self {
        Decoder::default()
    }

    /// The mismatches collected.
    pub fn finish(self) -> Vec<Mismatch> {
        self.mismatches
    }

    fn mismatch(&mut self, path: String, reason: String, value: &Value) {
        self.mismatches.push(Mismatch { path, reason, value: value.clone() });
    }

    /// The field `key` of `object` (at JSON path `path`) through `decode`, one of [`leaf`]'s
    /// decoders or [`any`]. A function pointer, not a closure: the generated code names one of
    /// a few functions instead of making rustc compile a closure (and this method) per field.
    pub fn field<T>(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        key: &str,
        decode: fn(&Value) -> Result<Option<T>, serde_json::Error>,
    ) -> Option<T> {
        let value = object.get(key).filter(|v| !v.is_null())?;
        match decode(value) {
            Ok(decoded) => decoded,
            Err(error) => {
                self.mismatch(join(path, key), error.to_string(), value);
                None
            }
        }
    }

    /// The array `key` of `object`: `None` when absent or `null`, and when not an array (recorded).
    fn array<'v>(&mut self, object: &'v Map<String, Value>, path: &str, key: &str) -> Option<&'v Vec<Value>> {
        match object.get(key).filter(|v| !v.is_null())? {
            Value::Array(items) => Some(items),
            other => {
                self.mismatch(join(path, key), format!("invalid type: {}, expected an array", kind(other)), other);
                None
            }
        }
    }

    /// The array `key` of `object`, each element through `decode`; `null` elements are left
    /// out, elements that do not fit are left out and recorded.
    pub fn list<T>(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        key: &str,
        decode: fn(&Value) -> Result<Option<T>, serde_json::Error>,
    ) -> Option<Vec<T>> {
        let items = self.array(object, path, key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match decode(item) {
                Ok(Some(decoded)) => out.push(decoded),
                Ok(None) => {}
                Err(error) => self.mismatch(format!("{}[{i}]", join(path, key)), error.to_string(), item),
            }
        }
        Some(out)
    }

    /// The object `key` of `object` with its path, for a nested struct to decode.
    pub fn object<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<(&'v Map<String, Value>, String)> {
        let value = object.get(key).filter(|v| !v.is_null())?;
        match value {
            Value::Object(inner) => Some((inner, join(path, key))),
            other => {
                self.mismatch(join(path, key), format!("invalid type: {}, expected an object", kind(other)), other);
                None
            }
        }
    }

    /// The array of objects `key` of `object`, each with its path, for nested structs to
    /// decode; elements that are not objects are left out and recorded (`null` silently).
    pub fn objects<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<Vec<(&'v Map<String, Value>, String)>> {
        let items = self.array(object, path, key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = format!("{}[{i}]", join(path, key));
            match item {
                Value::Object(inner) => out.push((inner, at)),
                Value::Null => {}
                other => self.mismatch(at, format!("invalid type: {}, expected an object", kind(other)), other),
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_that_do_not_fit_become_none_and_mismatches() {
        let payload = json!({"a": null, "b": {"x": 1}, "c": "5", "d": [1, null, {}], "e": 3});
        let object = payload.as_object().unwrap();
        let mut decoder = Decoder::new();
        let a: Option<String> = decoder.field(object, "", "a", |v| crate::lenient::option_string(v));
        let b: Option<String> = decoder.field(object, "", "b", |v| crate::lenient::option_string(v));
        let c: Option<i64> = decoder.field(object, "", "c", |v| crate::lenient::option_i64(v));
        let d: Option<Vec<String>> = decoder.list(object, "", "d", |v| crate::lenient::option_string(v));
        let e = decoder.objects(object, "top", "e");
        let absent: Option<bool> = decoder.field(object, "", "zz", |v| crate::lenient::option_bool(v));
        assert_eq!((a, b, c, d, e, absent), (None, None, Some(5), Some(vec!["1".to_owned()]), None, None));
        let mismatches = decoder.finish();
        let paths: Vec<&str> = mismatches.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["b", "d[2]", "top.e"]);
        assert_eq!(mismatches[0].value, json!({"x": 1}));
        assert!(mismatches[2].reason.contains("expected an array"), "{}", mismatches[2].reason);
    }

    #[test]
    fn payloads_are_objects_with_a_bom_allowed() {
        assert!(parse(b"\xEF\xBB\xBF{\"type\":\"x\"}", 100).is_ok());
    }

    #[test]
    fn numbers_a_value_would_round_keep_their_digits() {
        let payload = br#"{"id": 18446744073709551616, "n": -92233720368547758080, "f": 0.10000000000000000001,
            "ok": [1, -5, 0.5, 1.5e3, 12345678901234567890], "s": "99999999999999999999999"}"#;
        let value = parse(payload, 1000).unwrap();
        assert_eq!(value["id"], "18446744073709551616");
        assert_eq!(value["n"], "-92233720368547758080");
        assert_eq!(value["f"], "0.10000000000000000001");
        assert_eq!(value["ok"], serde_json::json!([1, -5, 0.5, 1500.0, 12345678901234567890u64]));
        assert_eq!(value["s"], "99999999999999999999999");
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "n", "f", "ok", "s"], "member order is kept");
        // Payloads without such numbers take the plain path and are unchanged.
        assert_eq!(parse(br#"{"a": 1.25, "b": [2]}"#, 100).unwrap(), serde_json::json!({"a": 1.25, "b": [2]}));
        for exact in ["0", "-0", "1e2", "0.1", "1.50", "123.456", "-1.5E-7", "9007199254740993"] {
            assert!(super::exact::is_exact(exact), "{exact}");
        }
        for inexact in ["18446744073709551616", "0.12345678901234567890123", "1e400"] {
            assert!(!super::exact::is_exact(inexact), "{inexact}");
        }
        assert_eq!(object(&json!([1])).unwrap_err(), WebhookError::NotAnObject { found: "array" });
        const FIELDS: &[&str] = &["type", "attendance.status"];
        assert_eq!(
            unrecognised(&json!({"type": 5}), FIELDS),
            Err(WebhookError::BadDiscriminator { field: "type", found: "number" })
        );
        assert_eq!(unrecognised(&json!({"x": 1}), FIELDS), Err(WebhookError::NoDiscriminator { fields: FIELDS }));
        assert_eq!(unrecognised(&json!({"attendance": {"status": "NEW"}}), FIELDS), Ok(()));
    }
}
