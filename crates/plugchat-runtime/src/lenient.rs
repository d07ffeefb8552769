//! Lenient decoding of scalar fields, for generated code.
//!
//! The service's examples send booleans as `"false"`, counts as `"0"` and ids as numbers
//! where the tables promise other types. Generated fields therefore accept a scalar in any of
//! these spellings and convert it; anything else (an object where a string belongs) is still
//! a decode error naming the field.
//!
//! Each field is read as its raw JSON text first, so a number keeps its exact digits:
//! `18446744073709551616` sent where a string belongs is that string, not the nearest `f64`
//! (`"18446744073709552000"`), which serde's data model would otherwise hand over.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::value::RawValue;

/// A JSON scalar as sent.
enum Scalar {
    Bool(bool),
    Int(i64),
    UInt(u64),
    /// A number that neither `i64` nor `u64` holds (a fraction, an exponent, many digits), as sent.
    Text(String),
    Str(String),
    Null,
}

/// What a lenient field accepts, for error messages.
const SCALAR: &str = "a string, number or boolean";

/// The field's value, read as its JSON text first so that numbers keep their digits.
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    let text = raw.get();
    let parse_error = |e: serde_json::Error| de::Error::custom(e);
    match text.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => Ok(if let Ok(i) = text.parse::<i64>() {
            Scalar::Int(i)
        } else if let Ok(u) = text.parse::<u64>() {
            Scalar::UInt(u)
        } else {
            Scalar::Text(text.to_owned())
        }),
        Some(b'"') => serde_json::from_str(text).map(Scalar::Str).map_err(parse_error),
        Some(b't' | b'f') => serde_json::from_str(text).map(Scalar::Bool).map_err(parse_error),
        Some(b'n') => Ok(Scalar::Null),
        Some(b'[') => Err(de::Error::invalid_type(de::Unexpected::Seq, &SCALAR)),
        _ => Err(de::Error::invalid_type(de::Unexpected::Map, &SCALAR)),
    }
}

fn unexpected(s: &Scalar) -> de::Unexpected<'_> {
    match s {
        Scalar::Bool(b) => de::Unexpected::Bool(*b),
        Scalar::Int(i) => de::Unexpected::Signed(*i),
        Scalar::UInt(u) => de::Unexpected::Unsigned(*u),
        Scalar::Text(_) => de::Unexpected::Other("number"),
        Scalar::Str(s) => de::Unexpected::Str(s),
        Scalar::Null => de::Unexpected::Unit,
    }
}

fn to_bool<E: de::Error>(s: Scalar) -> Result<bool, E> {
    match &s {
        Scalar::Bool(b) => Ok(*b),
        Scalar::Int(0) | Scalar::UInt(0) => Ok(false),
        Scalar::Int(1) | Scalar::UInt(1) => Ok(true),
        Scalar::Str(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(E::invalid_value(unexpected(&s), &"a boolean (or \"true\"/\"false\")")),
        },
        _ => Err(E::invalid_type(unexpected(&s), &"a boolean (or \"true\"/\"false\")")),
    }
}

fn to_i64<E: de::Error>(s: Scalar) -> Result<i64, E> {
    match &s {
        Scalar::Int(i) => Ok(*i),
        Scalar::UInt(u) => i64::try_from(*u).map_err(|_| E::invalid_value(unexpected(&s), &"an integer")),
        Scalar::Text(text) => match text.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            _ => Err(E::invalid_value(unexpected(&s), &"an integer")),
        },
        Scalar::Str(text) => {
            text.trim().parse().map_err(|_| E::invalid_value(unexpected(&s), &"an integer (or a string of digits)"))
        }
        _ => Err(E::invalid_type(unexpected(&s), &"an integer")),
    }
}

fn to_number<E: de::Error>(s: Scalar) -> Result<serde_json::Number, E> {
    match &s {
        Scalar::Int(i) => Ok((*i).into()),
        Scalar::UInt(u) => Ok((*u).into()),
        Scalar::Text(text) => text.parse().map_err(|_| E::invalid_value(unexpected(&s), &"a finite number")),
        Scalar::Str(text) => {
            text.trim().parse().map_err(|_| E::invalid_value(unexpected(&s), &"a number (or a numeric string)"))
        }
        _ => Err(E::invalid_type(unexpected(&s), &"a number")),
    }
}

fn to_string<E: de::Error>(s: Scalar) -> Result<String, E> {
    match s {
        Scalar::Str(text) | Scalar::Text(text) => Ok(text),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::UInt(u) => Ok(u.to_string()),
        Scalar::Null => Err(E::invalid_type(de::Unexpected::Unit, &"a string")),
    }
}

macro_rules! lenient {
    ($($required:ident, $optional:ident, $ty:ty, $convert:ident;)*) => {$(
        #[doc = concat!("A `", stringify!($ty), "` in any scalar spelling.")]
        pub fn $required<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
            $convert(scalar(d)?)
        }
        #[doc = concat!("An optional `", stringify!($ty), "`: `null` is `None`.")]
        pub fn $optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
            match scalar(d)? {
                Scalar::Null => Ok(None),
                s => $convert(s).map(Some),
            }
        }
    )*};
}

lenient! {
    bool, option_bool, bool, to_bool;
    i64, option_i64, i64, to_i64;
    number, option_number, serde_json::Number, to_number;
    string, option_string, String, to_string;
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
    fn values_that_are_not_scalars_still_fail_with_their_path() {
        let mut de = serde_json::Deserializer::from_str(r#"{"spam":"maybe","unread":1,"phone":"x"}"#);
        let error = serde_path_to_error::deserialize::<_, Chat>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "spam");
        let mut de = serde_json::Deserializer::from_str(r#"{"spam":true,"unread":1,"phone":{"a":1}}"#);
        let error = serde_path_to_error::deserialize::<_, Chat>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "phone");
    }
}
