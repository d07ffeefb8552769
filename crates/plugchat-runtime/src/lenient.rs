//! Lenient decoding of scalar fields, for generated code.
//!
//! The service's examples send booleans as `"false"`, counts as `"0"` and ids as numbers
//! where the tables promise other types. Generated fields therefore accept a scalar in any of
//! these spellings and convert it; anything else (an object where a string belongs) is still
//! a decode error naming the field.
//!
//! A number sent where a string belongs keeps its exact digits: `18446744073709551616` is that
//! string, not the nearest `f64` (`"18446744073709552000"`), which serde's data model would
//! otherwise hand over. String fields therefore read the value's JSON text (borrowed from the
//! input when serde_json deserializes from a slice or a `str`, so nothing is copied twice);
//! boolean, integer and number fields take the value the deserializer hands over directly,
//! since for them the digits beyond an `f64`'s do not change the result.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// A JSON scalar as sent, or the kind of a value that is not one.
pub(crate) enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    UInt(u64),
    /// A number that neither `i64` nor `u64` holds (a fraction, an exponent, many digits), as sent.
    Number(Cow<'a, str>),
    /// A number a deserializer handed over as an `f64` (its text is not known).
    Float(f64),
    Str(Cow<'a, str>),
    Null,
}

/// What a lenient field accepts, for error messages.
const SCALAR: &str = "a string, number or boolean";

/// The name serde_json's `RawValue` asks a deserializer for: serde_json answers it with the
/// value's JSON text (borrowed from a slice or `str` input), any other deserializer with
/// `visit_newtype_struct`, which [`TextVisitor`] reads as a plain value.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The scalar whose JSON text is `text`: valid JSON without surrounding whitespace, as
/// serde_json captures a raw value.
#[inline]
pub(crate) fn scalar_of_text<E: de::Error>(text: &str) -> Result<Scalar<'_>, E> {
    match text.as_bytes().first() {
        // `-0` is an integer that does not print back as sent: kept as its text.
        Some(b'-' | b'0'..=b'9') => Ok(
            if let Ok(i) = text.parse::<i64>()
                && text != "-0"
            {
                Scalar::Int(i)
            } else if let Ok(u) = text.parse::<u64>() {
                Scalar::UInt(u)
            } else {
                Scalar::Number(Cow::Borrowed(text))
            },
        ),
        Some(b'"') => {
            let inner = text.get(1..text.len() - 1).unwrap_or_default();
            if has_backslash(inner.as_bytes()) {
                serde_json::from_str::<String>(text).map(|s| Scalar::Str(Cow::Owned(s))).map_err(E::custom)
            } else {
                Ok(Scalar::Str(Cow::Borrowed(inner)))
            }
        }
        Some(b't') => Ok(Scalar::Bool(true)),
        Some(b'f') => Ok(Scalar::Bool(false)),
        Some(b'n') => Ok(Scalar::Null),
        Some(b'[') => Err(E::invalid_type(de::Unexpected::Seq, &SCALAR)),
        _ => Err(E::invalid_type(de::Unexpected::Map, &SCALAR)),
    }
}

/// Whether `bytes` hold a backslash (a JSON string's text holds one only in escapes), eight bytes
/// at a time: field values are short, where `str::contains`' setup costs more than the scan.
#[inline]
pub(crate) fn has_backslash(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const BACKSLASH: u64 = u64::from_ne_bytes([b'\\'; 8]);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or_default()) ^ BACKSLASH;
        // A zero byte of `word` (a backslash of the chunk) is one whose high bit this sets.
        if word.wrapping_sub(ONES) & !word & HIGH != 0 {
            return true;
        }
    }
    chunks.remainder().contains(&b'\\')
}

/// Reads one value as a [`Scalar`]: its text through serde_json's raw-value protocol
/// (`visit_map`), or the value itself from any other deserializer.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SCALAR)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        // serde_json's raw value: one entry, the token, then the text. A real map (a
        // deserializer that does not know the token) is the wrong kind of value.
        if map.next_key_seed(TokenKey)? != Some(true) {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &SCALAR));
        }
        // Converted here, not inside the value: a path-tracking deserializer would otherwise
        // add the token to the error's path.
        match map.next_value_seed(RawText)? {
            Cow::Borrowed(text) => scalar_of_text(text),
            Cow::Owned(text) => scalar_of_text(&text).map(Scalar::into_owned),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }

    // Deserializers that hand the value itself over instead (serde's own, for instance).
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_bool(b)
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_i64(i)
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_u64(u)
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_f64(f)
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_borrowed_str(s)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_str(s)
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_string(s)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_unit()
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        ScalarVisitor.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        ScalarVisitor.visit_some(d)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Scalar<'de>, A::Error> {
        ScalarVisitor.visit_seq(seq)
    }
}

/// Whether a map's key is serde_json's raw-value token.
struct TokenKey;

impl<'de> DeserializeSeed<'de> for TokenKey {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        struct IsToken;
        impl<'de> Visitor<'de> for IsToken {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
                Ok(key == RAW_VALUE_TOKEN)
            }
        }
        d.deserialize_str(IsToken)
    }
}

/// The raw value's text, borrowed when the deserializer can lend it.
struct RawText;

impl<'de> DeserializeSeed<'de> for RawText {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value's text")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Borrowed(text))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Owned(text.to_owned()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Owned(text))
            }
        }
        d.deserialize_str(Text)
    }
}

/// A value handed over by a deserializer, as a [`Scalar`] (numbers as the deserializer read them).
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SCALAR)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Scalar<'de>, E> {
        Ok(i64::try_from(u).map_or(Scalar::UInt(u), Scalar::Int))
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Float(f))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(s)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Scalar<'de>, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &SCALAR))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Scalar<'de>, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Map, &SCALAR))
    }
}

impl Scalar<'_> {
    fn into_owned(self) -> Scalar<'static> {
        match self {
            Scalar::Bool(b) => Scalar::Bool(b),
            Scalar::Int(i) => Scalar::Int(i),
            Scalar::UInt(u) => Scalar::UInt(u),
            Scalar::Number(text) => Scalar::Number(Cow::Owned(text.into_owned())),
            Scalar::Float(f) => Scalar::Float(f),
            Scalar::Str(s) => Scalar::Str(Cow::Owned(s.into_owned())),
            Scalar::Null => Scalar::Null,
        }
    }
}

fn unexpected<'s>(s: &'s Scalar<'_>) -> de::Unexpected<'s> {
    match s {
        Scalar::Bool(b) => de::Unexpected::Bool(*b),
        Scalar::Int(i) => de::Unexpected::Signed(*i),
        Scalar::UInt(u) => de::Unexpected::Unsigned(*u),
        Scalar::Number(_) => de::Unexpected::Other("number"),
        Scalar::Float(f) => de::Unexpected::Float(*f),
        Scalar::Str(s) => de::Unexpected::Str(s),
        Scalar::Null => de::Unexpected::Unit,
    }
}

/// An integer from a float, if it is one that `f64` holds exactly.
fn whole(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

pub(crate) fn to_bool<E: de::Error>(s: Scalar<'_>) -> Result<bool, E> {
    match &s {
        Scalar::Bool(b) => Ok(*b),
        Scalar::Int(0) | Scalar::UInt(0) => Ok(false),
        Scalar::Int(1) | Scalar::UInt(1) => Ok(true),
        Scalar::Str(text) => {
            let text = text.trim();
            if text.eq_ignore_ascii_case("true") || text == "1" {
                Ok(true)
            } else if text.eq_ignore_ascii_case("false") || text == "0" {
                Ok(false)
            } else {
                Err(E::invalid_value(unexpected(&s), &"a boolean (or \"true\"/\"false\")"))
            }
        }
        _ => Err(E::invalid_type(unexpected(&s), &"a boolean (or \"true\"/\"false\")")),
    }
}

pub(crate) fn to_i64<E: de::Error>(s: Scalar<'_>) -> Result<i64, E> {
    match &s {
        Scalar::Int(i) => Ok(*i),
        Scalar::UInt(u) => i64::try_from(*u).map_err(|_| E::invalid_value(unexpected(&s), &"an integer")),
        Scalar::Number(text) => {
            text.parse::<f64>().ok().and_then(whole).ok_or_else(|| E::invalid_value(unexpected(&s), &"an integer"))
        }
        Scalar::Float(f) => whole(*f).ok_or_else(|| E::invalid_value(unexpected(&s), &"an integer")),
        Scalar::Str(text) => {
            text.trim().parse().map_err(|_| E::invalid_value(unexpected(&s), &"an integer (or a string of digits)"))
        }
        _ => Err(E::invalid_type(unexpected(&s), &"an integer")),
    }
}

pub(crate) fn to_number<E: de::Error>(s: Scalar<'_>) -> Result<serde_json::Number, E> {
    match &s {
        Scalar::Int(i) => Ok((*i).into()),
        Scalar::UInt(u) => Ok((*u).into()),
        Scalar::Number(text) => text.parse().map_err(|_| E::invalid_value(unexpected(&s), &"a finite number")),
        Scalar::Float(f) => {
            serde_json::Number::from_f64(*f).ok_or_else(|| E::invalid_value(unexpected(&s), &"a finite number"))
        }
        Scalar::Str(text) => {
            text.trim().parse().map_err(|_| E::invalid_value(unexpected(&s), &"a number (or a numeric string)"))
        }
        _ => Err(E::invalid_type(unexpected(&s), &"a number")),
    }
}

pub(crate) fn to_string<E: de::Error>(s: Scalar<'_>) -> Result<String, E> {
    match s {
        Scalar::Str(text) | Scalar::Number(text) => Ok(text.into_owned()),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::UInt(u) => Ok(u.to_string()),
        // Only from a deserializer other than serde_json's (which lends the number's text).
        Scalar::Float(f) => Ok(f.to_string()),
        Scalar::Null => Err(E::invalid_type(de::Unexpected::Unit, &"a string")),
    }
}

/// A string field's value: its JSON text, so that a number keeps its digits.
fn text_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
    d.deserialize_newtype_struct(RAW_VALUE_TOKEN, TextVisitor)
}

/// Any other scalar field's value, as the deserializer reads it.
fn plain_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

macro_rules! lenient {
    ($($required:ident, $optional:ident, $ty:ty, $read:ident, $convert:ident;)*) => {$(
        #[doc = concat!("A `", stringify!($ty), "` in any scalar spelling.")]
        pub fn $required<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
            $convert($read(d)?)
        }
        #[doc = concat!("An optional `", stringify!($ty), "`: `null` is `None`.")]
        pub fn $optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
            match $read(d)? {
                Scalar::Null => Ok(None),
                s => $convert(s).map(Some),
            }
        }
    )*};
}

lenient! {
    bool, option_bool, bool, plain_scalar, to_bool;
    i64, option_i64, i64, plain_scalar, to_i64;
    number, option_number, serde_json::Number, plain_scalar, to_number;
    string, option_string, String, text_scalar, to_string;
}

/// An optional scalar decoded leniently (`null` and absent are `None`), as a type: generated
/// response structs decode through a private twin whose scalar fields are `Lenient<T>` and
/// then move the values out. One `Deserialize` impl per scalar type here, instead of the
/// wrapper type and impl that `#[serde(deserialize_with)]` makes for every field, which was
/// a large part of what the generated crate cost to compile.
#[derive(Debug, Clone, PartialEq)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

macro_rules! lenient_type {
    ($($optional:ident, $ty:ty;)*) => {$(
        impl<'de> Deserialize<'de> for Lenient<$ty> {
            #[inline]
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $optional(d).map(Lenient)
            }
        }
    )*};
}

lenient_type! {
    option_bool, bool;
    option_i64, i64;
    option_number, serde_json::Number;
    option_string, String;
}

/// Any JSON value, `null` included, as `Option<T>` (for fields whose type is not a scalar).
pub fn option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Chat {
        #[serde(deserialize_with = "super::bool")]
        spam: bool,
        #[serde(deserialize_with = "super::i64")]
        unread: i64,
        #[serde(deserialize_with = "super::string")]
        phone: String,
        #[serde(default, deserialize_with = "super::option_string")]
        thumbnail: Option<String>,
    }

    #[test]
    fn scalars_decode_in_any_spelling_the_service_uses() {
        let a: Chat = serde_json::from_str(r#"{"spam":"false","unread":"3","phone":5511,"thumbnail":null}"#).unwrap();
        assert_eq!(a, Chat { spam: false, unread: 3, phone: "5511".into(), thumbnail: None });
        let b: Chat = serde_json::from_str(r#"{"spam":true,"unread":0,"phone":"x"}"#).unwrap();
        assert_eq!(b, Chat { spam: true, unread: 0, phone: "x".into(), thumbnail: None });
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        #[derive(Deserialize)]
        struct Link {
            #[serde(deserialize_with = "super::string")]
            link: String,
            #[serde(default, deserialize_with = "super::option_i64")]
            count: Option<i64>,
        }
        for number in ["18446744073709551616", "-92233720368547758090", "0.1000000000000000055511151231257827", "2.50"]
        {
            let link: Link = serde_json::from_str(&format!(r#"{{"link": {number}, "count": 3.0}}"#)).unwrap();
            assert_eq!((link.link.as_str(), link.count), (number, Some(3)));
        }
        let error = serde_json::from_str::<Link>(r#"{"link": {"a": 1}}"#).err().unwrap();
        assert!(error.to_string().contains("invalid type: map, expected a string, number or boolean"), "{error}");
        let error = serde_json::from_str::<Link>(r#"{"link": ["a"]}"#).err().unwrap();
        assert!(error.to_string().contains("invalid type: sequence"), "{error}");
    }

    #[test]
    fn strings_with_escapes_are_found_at_any_offset() {
        for len in 0..40 {
            let plain = "a".repeat(len);
            assert!(!super::has_backslash(plain.as_bytes()), "{len}");
            for at in 0..len {
                let mut bytes = plain.clone().into_bytes();
                bytes[at] = b'\\';
                assert!(super::has_backslash(&bytes), "{len} {at}");
                // Bytes beside a backslash's value do not look like one.
                bytes[at] = b'\\' + 0x80;
                assert!(!super::has_backslash(&bytes), "{len} {at}");
            }
        }
    }

    /// Every reader serde_json has (a slice and a `str` lend the text; a reader and a `Value`
    /// hand over an owned one), and a deserializer that is not serde_json's.
    #[test]
    fn lenient_fields_read_alike_from_every_deserializer() {
        use serde::de::IntoDeserializer;
        use serde::de::value::Error;

        use super::Lenient;

        #[derive(Deserialize, Debug, PartialEq)]
        struct Answer {
            #[serde(default)]
            s: Lenient<String>,
            #[serde(default)]
            b: Lenient<bool>,
            #[serde(default)]
            i: Lenient<i64>,
            #[serde(default)]
            n: Lenient<serde_json::Number>,
        }
        let answer = |s: Option<&str>, b, i, n: Option<i64>| Answer {
            s: Lenient(s.map(str::to_owned)),
            b: Lenient(b),
            i: Lenient(i),
            n: Lenient(n.map(Into::into)),
        };
        for (body, expected) in [
            (r#"{"s":"a\"b","b":"true","i":"7","n":"8"}"#, answer(Some("a\"b"), Some(true), Some(7), Some(8))),
            (r#"{"s":12,"b":0,"i":7.0,"n":-3}"#, answer(Some("12"), Some(false), Some(7), Some(-3))),
            (r#"{"s":null,"b":null,"i":null,"n":null}"#, answer(None, None, None, None)),
            (r#"{"s":-0,"x":[1,{"y":2}]}"#, answer(Some("-0"), None, None, None)),
            (r#"{}"#, answer(None, None, None, None)),
        ] {
            let from_slice: Answer = serde_json::from_slice(body.as_bytes()).unwrap();
            assert_eq!(from_slice, expected, "{body}");
            assert_eq!(serde_json::from_str::<Answer>(body).unwrap(), expected, "{body}");
            assert_eq!(serde_json::from_reader::<_, Answer>(body.as_bytes()).unwrap(), expected, "{body}");
            if !body.contains("-0") {
                let value: serde_json::Value = serde_json::from_str(body).unwrap();
                assert_eq!(serde_json::from_value::<Answer>(value).unwrap(), expected, "{body}");
            }
        }
        let text = serde_json::from_reader::<_, Answer>(&b"{\"s\": 18446744073709551616.50}"[..]).unwrap();
        assert_eq!(text.s.0.as_deref(), Some("18446744073709551616.50"), "an owned text keeps its digits too");
        // A deserializer that is not serde_json's hands values over as they are.
        let of = |s: &str| {
            Lenient::<String>::deserialize(s.into_deserializer() as serde::de::value::StrDeserializer<'_, Error>)
        };
        assert_eq!(of("x").unwrap().0.as_deref(), Some("x"));
        let number = Lenient::<String>::deserialize(IntoDeserializer::<Error>::into_deserializer(5u64)).unwrap();
        assert_eq!(number.0.as_deref(), Some("5"));
        let flag = Lenient::<bool>::deserialize(IntoDeserializer::<Error>::into_deserializer("FALSE")).unwrap();
        assert_eq!(flag.0, Some(false));
    }

    #[test]
    fn values_that_are_not_scalars_still_fail_with_their_path() {
        let mut de = serde_json::Deserializer::from_str(r#"{"spam":"maybe","unread":1,"phone":"x"}"#);
        let error = serde_path_to_error::deserialize::<_, Chat>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "spam");
        let mut de = serde_json::Deserializer::from_str(r#"{"spam":true,"unread":1,"phone":{"a":1}}"#);
        let error = serde_path_to_error::deserialize::<_, Chat>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "phone");
    }
}
