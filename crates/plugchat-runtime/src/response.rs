//! A decoded answer with its status and headers, the one-or-many list decoder, and the
//! wrapper that keeps structs from decoding out of arrays.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Deserializer};

/// A successful answer: the decoded body, plus the status, the headers and the body's bytes as
/// the server sent them.
///
/// Derefs to the body, so `response.field` and `response[0]` read the body directly. Every
/// field of the decoded body is an `Option`, and keys the docs do not list are not in it: what
/// the server sent beyond the docs is in [`Response::body_bytes`] and [`Response::json`] (the
/// same buffer the body was decoded from, kept without a copy).
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    raw: Bytes,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("body_bytes", &format_args!("{} bytes", self.raw.len()))
            .finish()
    }
}

impl<T> Response<T> {
    /// A response as `send()` returns it; for tests of code that takes a `Response`
    /// (`Response::new(StatusCode::OK, HeaderMap::new(), body)`). Its body bytes are empty
    /// until [`Response::with_body_bytes`].
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body, raw: Bytes::new() }
    }

    /// The response with `raw` as the bytes the body was decoded from.
    pub fn with_body_bytes(mut self, raw: impl Into<Bytes>) -> Self {
        self.raw = raw.into();
        self
    }

    /// The body exactly as the server sent it (after the transfer encoding; bounded by the
    /// client's `max_response_bytes`).
    pub fn body_bytes(&self) -> &Bytes {
        &self.raw
    }

    /// The body as sent, as JSON: every key, documented or not, with its value as sent. An
    /// empty body is `null`. Parsed on each call; the decoded body is [`Deref`].
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        if self.raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.raw)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Applies `f` to the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body), raw: self.raw }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

impl<T> IntoIterator for Response<Vec<T>> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.body.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Response<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.body.iter()
    }
}

/// A list the service sends either as a JSON array or, for one item, as a bare object. An
/// item that is itself an array is refused (see [`ObjectOnly`]), not decoded by position.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Decide by the first token instead of buffering into `serde_json::Value` and trying
        // both shapes: that keeps error paths (`[0].link`) and avoids a second parse.
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array or a single object")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element_seed(ObjectOnlySeed(std::marker::PhantomData))? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let item = T::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(OneOrMany(vec![item]))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

impl<T> From<OneOrMany<T>> for Vec<T> {
    fn from(list: OneOrMany<T>) -> Vec<T> {
        list.0
    }
}

/// A deserializer that reads a struct only from a JSON object. serde's derived structs also
/// accept a sequence and fill the fields by position, so `["a", "b"]` answered where the docs
/// show `{"zaapId": .., "messageId": ..}` would decode as if it were right; through this
/// wrapper it is a decode error. Only the outermost value is affected: one struct or one list
/// item (see [`OneOrMany`]).
pub(crate) struct ObjectOnly<D>(pub(crate) D);

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: serde::de::Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    forward! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32();
        deserialize_u64(); deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char();
        deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_option(); deserialize_unit(); deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str); deserialize_seq(); deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize); deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier(); deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Decodes one list item through [`ObjectOnly`].
struct ObjectOnlySeed<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for ObjectOnlySeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(ObjectOnly(deserializer))
    }
}

/// `body` with each object keeping only the last member of every repeated key, or `None` when
/// no object repeats a key (or the body is not JSON this can read). serde's derived structs
/// refuse a repeated field, while `serde_json::Value` (so [`Response::json`] and the webhook
/// decoder) keeps the last: a 2xx body is decoded again from this rewrite so that every
/// decoder reads the same value. One pass; members are copied as sent, so numbers keep their
/// digits, and only objects that repeat a key are rebuilt.
#[cfg(feature = "client")]
pub(crate) fn last_wins(body: &[u8]) -> Option<Vec<u8>> {
    let mut rewrite = LastWins { input: body, at: 0, out: Vec::with_capacity(body.len()), repeated: false };
    rewrite.value(0)?;
    rewrite.whitespace();
    (rewrite.at == body.len() && rewrite.repeated).then_some(rewrite.out)
}

/// Nesting [`last_wins`] follows; serde_json refuses deeper bodies anyway (its limit is 128).
#[cfg(feature = "client")]
const MAX_REWRITE_DEPTH: usize = 128;

#[cfg(feature = "client")]
struct LastWins<'a> {
    input: &'a [u8],
    at: usize,
    out: Vec<u8>,
    repeated: bool,
}

#[cfg(feature = "client")]
impl<'a> LastWins<'a> {
    fn whitespace(&mut self) {
        while self.input.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Consumes `byte` (after whitespace) and copies it.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.input.get(self.at) == Some(&byte)).then(|| {
            self.at += 1;
            self.out.push(byte);
        })
    }

    /// Copies one value.
    fn value(&mut self, depth: usize) -> Option<()> {
        self.whitespace();
        match *self.input.get(self.at)? {
            b'{' | b'[' if depth >= MAX_REWRITE_DEPTH => None,
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(|_| ()),
            _ => {
                let start = self.at;
                while self.input.get(self.at).is_some_and(|b| !b" \t\n\r,]}:[{\"".contains(b)) {
                    self.at += 1;
                }
                (self.at > start).then(|| self.out.extend_from_slice(&self.input[start..self.at]))
            }
        }
    }

    /// Copies one string and returns its text as sent, quotes included.
    fn string(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        self.at += 1;
        loop {
            match *self.input.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        let text = &self.input[start..self.at];
        self.out.extend_from_slice(text);
        Some(text)
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.expect(b'[')?;
        if self.expect(b']').is_some() {
            return Some(());
        }
        loop {
            self.value(depth + 1)?;
            if self.expect(b',').is_none() {
                return self.expect(b']');
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        let start = self.out.len();
        self.expect(b'{')?;
        if self.expect(b'}').is_some() {
            return Some(());
        }
        // Each member's key (unescaped: `"a"` and `"\u0061"` are one key to serde) and where
        // its copy is in `out`.
        let mut members: Vec<(String, std::ops::Range<usize>)> = Vec::new();
        loop {
            self.whitespace();
            let member = self.out.len();
            if self.input.get(self.at) != Some(&b'"') {
                return None;
            }
            let key: String = serde_json::from_slice(self.string()?).ok()?;
            self.expect(b':')?;
            self.value(depth + 1)?;
            members.push((key, member..self.out.len()));
            if self.expect(b',').is_none() {
                self.expect(b'}')?;
                break;
            }
        }
        let mut last = std::collections::HashMap::with_capacity(members.len());
        for (index, (key, _)) in members.iter().enumerate() {
            last.insert(key.as_str(), index);
        }
        if last.len() == members.len() {
            return Some(());
        }
        self.repeated = true;
        let mut object = vec![b'{'];
        let kept = members.iter().enumerate().filter(|(index, (key, _))| last[key.as_str()] == *index);
        for (n, (_, (_, range))) in kept.enumerate() {
            if n > 0 {
                object.push(b',');
            }
            object.extend_from_slice(&self.out[range.clone()]);
        }
        object.push(b'}');
        self.out.truncate(start);
        self.out.extend_from_slice(&object);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{ObjectOnly, OneOrMany, last_wins};

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sent {
        id: String,
    }

    #[test]
    fn structs_decode_from_objects_only() {
        let object = Sent::deserialize(ObjectOnly(&mut serde_json::Deserializer::from_str(r#"{"id":"a"}"#)));
        assert_eq!(object.unwrap(), Sent { id: "a".into() });
        assert!(Sent::deserialize(ObjectOnly(&mut serde_json::Deserializer::from_str(r#"["a"]"#))).is_err());
        let list: OneOrMany<Sent> = serde_json::from_str(r#"[{"id":"a"}]"#).unwrap();
        assert_eq!(list.0, [Sent { id: "a".into() }]);
        assert!(serde_json::from_str::<OneOrMany<Sent>>(r#"[["a"]]"#).is_err());
        // Other types are untouched.
        let value = serde_json::Value::deserialize(ObjectOnly(&mut serde_json::Deserializer::from_str("[1]")));
        assert_eq!(value.unwrap(), serde_json::json!([1]));
    }

    #[test]
    fn repeated_keys_keep_their_last_value_and_numbers_their_digits() {
        let rewrite = |body: &str| last_wins(body.as_bytes()).map(|out| String::from_utf8(out).unwrap());
        assert_eq!(rewrite(r#"{"a":"x","a":"y"}"#).as_deref(), Some(r#"{"a":"y"}"#));
        assert_eq!(
            rewrite(r#" [ {"a" : 1, "b":[{"c":1e400,"c":18446744073709551616}], "\u0061": {"d":"}\"{"}} ] "#)
                .as_deref(),
            Some(r#"[{"b":[{"c":18446744073709551616}],"\u0061":{"d":"}\"{"}}]"#)
        );
        // Nothing repeated, or not JSON: nothing to rewrite.
        for body in [r#"{"a":1,"b":{"a":2}}"#, "", "{", r#"{"a":1,"a":2"#, r#"{"a" 1,"a":2}"#, r#"{"a":1,"a":2}x"#] {
            assert_eq!(rewrite(body), None, "{body}");
        }
        let deep = format!("{}{{\"a\":1,\"a\":2}}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(rewrite(&deep), None, "deeper than serde_json reads");
    }
}
