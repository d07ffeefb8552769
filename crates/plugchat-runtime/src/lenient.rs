//! Lenient decoding of scalar fields, for generated code.
//!
//! The service's examples send booleans as `"false"`, counts as `"0"` and ids as numbers
//! where the tables promise other types. Generated fields therefore accept a scalar in any of
//! these spellings and convert it; anything else (an object where a string belongs) is still
//! a decode error naming the field.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A JSON scalar as sent.
enum Scalar {
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Null,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

fn unexpected(s: &Scalar) -> de::Unexpected<'_> {
    match s {
        Scalar::Bool(b) => de::Unexpected::Bool(*b),
        Scalar::Int(i) => de::Unexpected::Signed(*i),
        Scalar::UInt(u) => de::Unexpected::Unsigned(*u),
        Scalar::Float(f) => de::Unexpected::Float(*f),
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
        Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
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
        Scalar::Float(f) => {
            serde_json::Number::from_f64(*f).ok_or_else(|| E::invalid_value(unexpected(&s), &"a finite number"))
        }
        Scalar::Str(text) => {
            text.trim().parse().map_err(|_| E::invalid_value(unexpected(&s), &"a number (or a numeric string)"))
        }
        _ => Err(E::invalid_type(unexpected(&s), &"a number")),
    }
}

fn to_string<E: de::Error>(s: Scalar) -> Result<String, E> {
    match s {
        Scalar::Str(text) => Ok(text),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::UInt(u) => Ok(u.to_string()),
        Scalar::Float(f) => Ok(f.to_string()),
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
    fn values_that_are_not_scalars_still_fail_with_their_path() {
        let mut de = serde_json::Deserializer::from_str(r#"{"spam":"maybe","unread":1,"phone":"x"}"#);
        let error = serde_path_to_error::deserialize::<_, Chat>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "spam");
        let mut de = serde_json::Deserializer::from_str(r#"{"spam":true,"unread":1,"phone":{"a":1}}"#);
        let error = serde_path_to_error::deserialize::<_, Chat>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "phone");
    }
}
