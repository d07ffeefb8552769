//! Decoding webhook payloads: a size limit, JSON parsing, recognising the event, and the
//! tolerant field decoding the generated `WebhookEvent` builds on.
//!
//! A payload whose event is recognised always decodes into that event: every other field is
//! optional, and a value that does not fit its documented type becomes `None` and is kept as
//! a [`Mismatch`] (its JSON path, the reason and the value itself), so a receiver never has to
//! refuse, and lose, a real event because one field surprised it.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::lenient::{self, Scalar};

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

    /// `raw` (at nesting `depth`) as a `Value`, numbers that would lose digits as strings of
    /// their text, and containers deeper than [`super::MAX_WEBHOOK_DEPTH`] as strings of their JSON.
    pub(super) fn value(raw: &RawValue, depth: usize) -> Result<Value, serde_json::Error> {
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'{' | b'[') if depth >= super::MAX_WEBHOOK_DEPTH => Ok(Value::String(text.to_owned())),
            Some(b'{') => {
                // The same one-pass reader as the payload's top level (a repeated key: the last wins).
                let mut deserializer = serde_json::Deserializer::from_str(text);
                let members = serde::Deserializer::deserialize_map(&mut deserializer, super::MembersVisitor)?;
                deserializer.end()?;
                let mut map = Map::new();
                for (key, member) in members {
                    map.insert(key.into_owned(), value(member, depth + 1)?);
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

/// The JSON type of the value whose text is `raw`, for messages.
fn raw_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "object",
        Some(b'[') => "array",
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        _ => "number",
    }
}

fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}

/// The payload as an object, or [`WebhookError::NotAnObject`].
pub fn object(payload: &Value) -> Result<&Map<String, Value>, WebhookError> {
    payload.as_object().ok_or(WebhookError::NotAnObject { found: kind(payload) })
}

/// The members of a JSON object as sent: keys (borrowed from the input unless they hold
/// escapes) and the raw text of their values, in order, repeated keys included.
type Members<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// A webhook payload read once into its top-level members; each value stays raw text borrowed
/// from the input until a decoder asks for it. The event is recognised from these members, a
/// recognised event decodes from them ([`Decoder`]), and a `serde_json::Value` of the whole
/// payload is built only when asked for ([`Payload::to_value`]: unknown events, `from_slice_with_raw`).
#[derive(Debug)]
pub struct Payload<'a> {
    text: &'a str,
    members: Members<'a>,
}

impl<'a> Payload<'a> {
    /// Reads `bytes` if they fit in `limit`: a JSON object, a UTF-8 byte order mark before it
    /// skipped. Numbers keep their text and nesting has no limit here (values are only scanned).
    pub fn parse(bytes: &'a [u8], limit: usize) -> Result<Payload<'a>, WebhookError> {
        if bytes.len() > limit {
            return Err(WebhookError::TooLarge { size: bytes.len(), limit });
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // serde_json's own message for a payload that is not JSON (its position included).
        let not_json = |fallback: String| {
            let message = serde_json::from_slice::<serde::de::IgnoredAny>(bytes).err().map(|e| e.to_string());
            WebhookError::NotJson(message.unwrap_or(fallback))
        };
        let text = std::str::from_utf8(bytes).map_err(|e| not_json(e.to_string()))?;
        let first = text.trim_start_matches([' ', '\t', '\n', '\r']).as_bytes().first();
        if first != Some(&b'{') {
            return match serde_json::from_str::<&RawValue>(text) {
                Ok(raw) => Err(WebhookError::NotAnObject { found: raw_kind(raw) }),
                Err(error) => Err(not_json(error.to_string())),
            };
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let members = serde::Deserializer::deserialize_map(&mut deserializer, MembersVisitor)
            .and_then(|members| deserializer.end().map(|()| members))
            .map_err(|error| not_json(error.to_string()))?;
        Ok(Payload { text, members })
    }

    /// The payload as a `serde_json::Value`, as [`parse`] builds it.
    pub fn to_value(&self) -> Value {
        // The text was read as a JSON object: this cannot fail.
        parse(self.text.as_bytes(), usize::MAX).unwrap_or_else(|_| Value::Object(Map::new()))
    }

    /// The raw value at the dotted `path` (the last of repeated keys, as `Value` keeps it).
    fn lookup(&self, path: &str) -> Option<&'a RawValue> {
        let mut segments = path.split('.');
        let first = segments.next()?;
        let mut value = self.members.iter().rev().find(|(key, _)| key == first).map(|(_, value)| *value)?;
        for segment in segments {
            value = member(value, segment)?;
        }
        Some(value)
    }

    /// The values of the dotted `fields` that tell events apart, looked up once for the
    /// conditions of every event.
    pub fn discriminators(&self, fields: &'static [&'static str]) -> Discriminators<'a> {
        Discriminators { fields, values: fields.iter().map(|field| self.lookup(field)).collect() }
    }

    /// The top-level object through `decode` (a generated struct's `decode_members`), with the
    /// mismatches found.
    pub fn decode<T>(&self, decode: DecodeObject<T>) -> (T, Vec<Mismatch>) {
        let mut decoder = Decoder::new();
        let decoded = decode(Object::Members(&self.members), &At::Root, &mut decoder);
        (decoded, decoder.finish())
    }
}

/// The raw values of the fields that tell a payload's event apart ([`Payload::discriminators`]).
#[derive(Debug)]
pub struct Discriminators<'a> {
    fields: &'static [&'static str],
    values: Vec<Option<&'a RawValue>>,
}

impl Discriminators<'_> {
    /// Whether every `(dotted path, value)` condition holds: the field holds that string, or
    /// the JSON value `value` spells.
    pub fn matches(&self, conditions: &[(&str, &str)]) -> bool {
        conditions.iter().all(|(path, expected)| {
            let Some(at) = self.fields.iter().position(|field| field == path) else { return false };
            match self.values[at] {
                Some(raw) if raw.get().starts_with('"') => {
                    matches!(lenient::scalar_of_text::<serde_json::Error>(raw.get()), Ok(Scalar::Str(s)) if s == *expected)
                }
                Some(raw) => serde_json::from_str::<Value>(expected).is_ok_and(|e| e == value_at(raw, 1)),
                None => false,
            }
        })
    }

    /// For a payload no documented event matched: `Ok` if one of the fields holds a string (an
    /// event these docs do not describe), whatever the others hold; otherwise the error saying
    /// why the payload names no event. `null` counts as absent.
    pub fn unrecognised(&self) -> Result<(), WebhookError> {
        let mut bad = None;
        for (field, value) in self.fields.iter().zip(&self.values) {
            match value.map(raw_kind) {
                None | Some("null") => {}
                Some("string") => return Ok(()),
                Some(found) => {
                    bad.get_or_insert(WebhookError::BadDiscriminator { field, found });
                }
            }
        }
        Err(bad.unwrap_or(WebhookError::NoDiscriminator { fields: self.fields }))
    }
}

/// [`Payload::decode`] for an already parsed object (`from_object`): its JSON text is read again.
pub fn decode_map<T>(object: &Map<String, Value>, decode: DecodeObject<T>) -> (T, Vec<Mismatch>) {
    let text = serde_json::to_string(object).unwrap_or_else(|_| "{}".to_owned());
    match Payload::parse(text.as_bytes(), usize::MAX) {
        Ok(payload) => payload.decode(decode),
        Err(_) => Payload { text: "{}", members: Vec::new() }.decode(decode),
    }
}

/// The JSON text of an already parsed payload (`from_value`), or [`WebhookError::NotAnObject`].
pub fn text_of(payload: &Value) -> Result<String, WebhookError> {
    let object = object(payload)?;
    Ok(serde_json::to_string(object).unwrap_or_else(|_| "{}".to_owned()))
}

/// A key of an object, borrowed from the input unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads an object's members, values as raw text.
struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(32));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(members)
    }
}

/// The member `key` of the object `raw` (its last, if repeated), without building anything.
fn member<'a>(raw: &'a RawValue, key: &str) -> Option<&'a RawValue> {
    struct Find<'k>(&'k str);
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(Key(key)) = map.next_key()? {
                let value = map.next_value::<&'de RawValue>()?;
                if key == self.0 {
                    found = Some(value);
                }
            }
            Ok(found)
        }
    }
    if !raw.get().starts_with('{') {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    serde::Deserializer::deserialize_map(&mut deserializer, Find(key)).ok().flatten()
}

/// An object to decode into a generated struct: a payload's top-level members, or a nested
/// object's raw text.
#[derive(Debug, Clone, Copy)]
pub enum Object<'a> {
    /// Members already read.
    Members(&'a [(Cow<'a, str>, &'a RawValue)]),
    /// A JSON object's text (validated).
    Raw(&'a RawValue),
}

impl<'a> Object<'a> {
    /// Puts each member's raw value in `slots[slot_of(key)]` (keys it maps past the end, the
    /// ones the struct does not document, are skipped). A repeated key leaves its last value,
    /// as `serde_json::Value` does. One pass, nothing allocated.
    pub fn fill(self, slots: &mut [Option<&'a RawValue>], slot_of: fn(&str) -> usize) {
        match self {
            Object::Members(members) => {
                for (key, value) in members {
                    if let Some(slot) = slots.get_mut(slot_of(key)) {
                        *slot = Some(*value);
                    }
                }
            }
            Object::Raw(raw) => {
                let mut deserializer = serde_json::Deserializer::from_str(raw.get());
                // The text was validated when it was read: this does not fail.
                let _ = serde::Deserializer::deserialize_map(&mut deserializer, Fill { slots, slot_of });
            }
        }
    }
}

/// Fills slots from a map, for [`Object::fill`].
struct Fill<'s, 'a> {
    slots: &'s mut [Option<&'a RawValue>],
    slot_of: fn(&str) -> usize,
}

impl<'a> Visitor<'a> for Fill<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(slot) = map.next_key_seed(SlotOf(self.slot_of))? {
            match self.slots.get_mut(slot) {
                Some(slot) => *slot = Some(map.next_value::<&'a RawValue>()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A key's slot, found without copying the key.
struct SlotOf(fn(&str) -> usize);

impl<'de> DeserializeSeed<'de> for SlotOf {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for SlotOf {
    type Value = usize;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<usize, E> {
        Ok((self.0)(key))
    }
}

/// Where a value is in the payload, for a [`Mismatch`]'s path; rendered only for a mismatch.
#[derive(Debug, Clone, Copy)]
pub enum At<'p> {
    /// The payload itself.
    Root,
    /// The member `key` of the object at the first position.
    Key(&'p At<'p>, &'p str),
    /// The element of the array at the first position.
    Index(&'p At<'p>, usize),
}

impl At<'_> {
    /// How deep the value is: the payload's members are at depth 1.
    fn depth(&self) -> usize {
        match self {
            At::Root => 0,
            At::Key(parent, _) | At::Index(parent, _) => parent.depth() + 1,
        }
    }

    /// `text.message`, `attendance.messages[2].momment`.
    fn path(&self) -> String {
        fn write(at: &At<'_>, out: &mut String) {
            match at {
                At::Root => {}
                At::Key(parent, key) => {
                    write(parent, out);
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                At::Index(parent, i) => {
                    write(parent, out);
                    out.push_str(&format!("[{i}]"));
                }
            }
        }
        let mut out = String::new();
        write(self, &mut out);
        out
    }
}

/// A generated struct's decoder: its object, where the object is, and the mismatches so far.
pub type DecodeObject<T> = for<'a, 'p> fn(Object<'a>, &At<'p>, &mut Decoder) -> T;

/// A leaf decoder of [`leaf`]: a raw value (not `null`) at its position to the field's type.
pub type DecodeLeaf<T> = for<'a, 'p> fn(&'a RawValue, &At<'p>) -> Result<Option<T>, serde_json::Error>;

/// The value of `raw` at depth `depth` as a `serde_json::Value`: numbers a `Value` would round
/// as strings of their digits, containers deeper than [`MAX_WEBHOOK_DEPTH`] as their JSON text.
fn value_at(raw: &RawValue, depth: usize) -> Value {
    exact::value(raw, depth).unwrap_or_else(|_| Value::String(raw.get().to_owned()))
}

/// A field decoder for [`Decoder::field`] and [`Decoder::list`] that takes any JSON value but
/// `null` (numbers and depth as [`parse`] keeps them).
pub fn any(raw: &RawValue, at: &At<'_>) -> Result<Option<Value>, serde_json::Error> {
    Ok((!is_null(raw)).then(|| value_at(raw, at.depth())))
}

/// The lenient decoders of one raw JSON value that [`Decoder::field`] and [`Decoder::list`]
/// take: `lenient`'s conversions, read from the value's text (a number keeps its digits).
pub mod leaf {
    use serde_json::Number;
    use serde_json::value::RawValue;

    use super::At;
    use crate::lenient::{self, Scalar};

    fn scalar<T>(
        raw: &RawValue,
        convert: fn(Scalar<'_>) -> Result<T, serde_json::Error>,
    ) -> Result<Option<T>, serde_json::Error> {
        match lenient::scalar_of_text(raw.get())? {
            Scalar::Null => Ok(None),
            s => convert(s).map(Some),
        }
    }

    /// A string, or a number or boolean as its text.
    pub fn string(raw: &RawValue, _: &At<'_>) -> Result<Option<String>, serde_json::Error> {
        // Most values: a string without escapes, copied as it is.
        if let Some(inner) = raw.get().strip_prefix('"').and_then(|text| text.strip_suffix('"'))
            && !lenient::has_backslash(inner.as_bytes())
        {
            return Ok(Some(inner.to_owned()));
        }
        scalar(raw, lenient::to_string)
    }

    /// A boolean, or `"true"`/`"false"`, `0`/`1` as the service spells them.
    pub fn bool(raw: &RawValue, _: &At<'_>) -> Result<Option<bool>, serde_json::Error> {
        scalar(raw, lenient::to_bool)
    }

    /// An integer, or its digits in a string.
    pub fn i64(raw: &RawValue, _: &At<'_>) -> Result<Option<i64>, serde_json::Error> {
        scalar(raw, lenient::to_i64)
    }

    /// Any number, or its digits in a string.
    pub fn number(raw: &RawValue, _: &At<'_>) -> Result<Option<Number>, serde_json::Error> {
        scalar(raw, lenient::to_number)
    }
}

/// Decodes the fields of a recognised payload tolerantly, collecting the [`Mismatch`]es.
/// `null` and absent fields are `None` without a mismatch: they lose nothing. Each method
/// takes the raw value of one field (`None` when absent, as [`Object::fill`] leaves a slot),
/// the position of the object holding it and the field's key.
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

    #[cold]
    fn mismatch(&mut self, at: &At<'_>, reason: String, raw: &RawValue) {
        self.mismatches.push(Mismatch { path: at.path(), reason, value: value_at(raw, at.depth()) });
    }

    /// The field `key` through `decode`, one of [`leaf`]'s decoders or [`any`]. A function
    /// pointer, not a closure: the generated code names one of a few functions instead of
    /// making rustc compile a closure (and this method) per field.
    #[inline]
    pub fn field<T>(&mut self, raw: Option<&RawValue>, at: &At<'_>, key: &str, decode: DecodeLeaf<T>) -> Option<T> {
        let raw = raw.filter(|raw| !is_null(raw))?;
        let at = At::Key(at, key);
        match decode(raw, &at) {
            Ok(decoded) => decoded,
            Err(error) => {
                self.mismatch(&at, error.to_string(), raw);
                None
            }
        }
    }

    /// The elements of the array field `key`: `None` when absent or `null`, and when not an
    /// array (recorded).
    fn array<'a>(&mut self, raw: Option<&'a RawValue>, at: &At<'_>, key: &str) -> Option<Vec<&'a RawValue>> {
        let raw = raw.filter(|raw| !is_null(raw))?;
        let items = raw.get().starts_with('[').then(|| serde_json::from_str::<Vec<&'a RawValue>>(raw.get()).ok());
        match items.flatten() {
            Some(items) => Some(items),
            None => {
                let reason = format!("invalid type: {}, expected an array", raw_kind(raw));
                self.mismatch(&At::Key(at, key), reason, raw);
                None
            }
        }
    }

    /// The array field `key`, each element through `decode`; `null` elements are left out,
    /// elements that do not fit are left out and recorded.
    pub fn list<T>(&mut self, raw: Option<&RawValue>, at: &At<'_>, key: &str, decode: DecodeLeaf<T>) -> Option<Vec<T>> {
        let items = self.array(raw, at, key)?;
        let field = At::Key(at, key);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let at = At::Index(&field, i);
            match decode(item, &at) {
                Ok(Some(decoded)) => out.push(decoded),
                Ok(None) => {}
                Err(error) => self.mismatch(&at, error.to_string(), item),
            }
        }
        Some(out)
    }

    /// The object field `key` through `decode` (a nested struct's `decode_members`); not an
    /// object is `None` (recorded).
    #[inline]
    pub fn object<T>(&mut self, raw: Option<&RawValue>, at: &At<'_>, key: &str, decode: DecodeObject<T>) -> Option<T> {
        let raw = raw.filter(|raw| !is_null(raw))?;
        let at = At::Key(at, key);
        if raw.get().starts_with('{') {
            Some(decode(Object::Raw(raw), &at, self))
        } else {
            self.mismatch(&at, format!("invalid type: {}, expected an object", raw_kind(raw)), raw);
            None
        }
    }

    /// The array of objects `key`, each through `decode`; elements that are not objects are
    /// left out and recorded (`null` silently).
    pub fn objects<T>(
        &mut self,
        raw: Option<&RawValue>,
        at: &At<'_>,
        key: &str,
        decode: DecodeObject<T>,
    ) -> Option<Vec<T>> {
        let items = self.array(raw, at, key)?;
        let field = At::Key(at, key);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let at = At::Index(&field, i);
            match raw_kind(item) {
                "object" => out.push(decode(Object::Raw(item), &at, self)),
                "null" => {}
                found => self.mismatch(&at, format!("invalid type: {found}, expected an object"), item),
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A struct as the generator writes one: its keys' slots, then each field decoded.
    #[derive(Debug, PartialEq)]
    struct Fields {
        a: Option<String>,
        b: Option<String>,
        c: Option<i64>,
        d: Option<Vec<String>>,
        e: Option<Vec<Fields>>,
        absent: Option<bool>,
    }

    impl Fields {
        fn slot(key: &str) -> usize {
            match key {
                "a" => 0,
                "b" => 1,
                "c" => 2,
                "d" => 3,
                "e" => 4,
                "zz" => 5,
                _ => usize::MAX,
            }
        }

        fn decode(object: Object<'_>, at: &At<'_>, decoder: &mut Decoder) -> Fields {
            let mut slots = [None; 6];
            object.fill(&mut slots, Fields::slot);
            Fields {
                a: decoder.field(slots[0], at, "a", leaf::string),
                b: decoder.field(slots[1], at, "b", leaf::string),
                c: decoder.field(slots[2], at, "c", leaf::i64),
                d: decoder.list(slots[3], at, "d", leaf::string),
                e: decoder.objects(slots[4], at, "e", Fields::decode),
                absent: decoder.field(slots[5], at, "zz", leaf::bool),
            }
        }
    }

    #[test]
    fn fields_that_do_not_fit_become_none_and_mismatches() {
        let payload =
            br#"{"a": null, "b": {"x": 1}, "c": "5", "d": [1, null, {}], "e": 3, "top": {"e": [{"a": [1]}]}}"#;
        let payload = Payload::parse(payload, 1000).unwrap();
        let (fields, mismatches) = payload.decode(Fields::decode);
        let expected = Fields { a: None, b: None, c: Some(5), d: Some(vec!["1".to_owned()]), e: None, absent: None };
        assert_eq!(fields, expected);
        let paths: Vec<&str> = mismatches.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["b", "d[2]", "e"]);
        assert_eq!(mismatches[0].value, json!({"x": 1}));
        assert!(mismatches[2].reason.contains("expected an array"), "{}", mismatches[2].reason);
        // Nested objects, in arrays: the path names every step.
        let payload = Payload::parse(br#"{"e": [{"a": [1]}, null, 2, {"e": [{"c": {}}]}]}"#, 1000).unwrap();
        let (fields, mismatches) = payload.decode(Fields::decode);
        assert_eq!(fields.e.as_ref().map(Vec::len), Some(2));
        let paths: Vec<&str> = mismatches.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["e[0].a", "e[2]", "e[3].e[0].c"]);
        assert_eq!(mismatches[0].value, json!([1]));
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
        let unrecognised = |payload: &[u8]| Payload::parse(payload, 100).unwrap().discriminators(FIELDS).unrecognised();
        assert_eq!(
            unrecognised(br#"{"type": 5}"#),
            Err(WebhookError::BadDiscriminator { field: "type", found: "number" })
        );
        assert_eq!(unrecognised(br#"{"x": 1}"#), Err(WebhookError::NoDiscriminator { fields: FIELDS }));
        assert_eq!(unrecognised(br#"{"attendance": {"status": "NEW"}}"#), Ok(()));
    }
}
