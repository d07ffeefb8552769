//! What a Tipo column means: the one reading of `string`, `array de string`, `buttonList`, ...
//! that the parser's checks, the HAR matcher, the generator and the diff all use.

use serde_json::Value;

use crate::{ObjectType, Operation};

/// The meaning of a Tipo column as written on a page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tipo {
    /// Free text: `string`, `str`, `texto`, `text`, `url`.
    String,
    /// A string that must be an `https://` URL (webhook URLs).
    Https,
    /// `boolean`, `bool`.
    Boolean,
    /// Whole numbers: `integer`, `int`, `long`, `timestamp` (and its misspelling `timetamp`).
    Integer,
    /// Any number: `number`, `float`, `double`, `decimal`.
    Number,
    /// A list: `array string`, `array de string`, `array of string`, `string[]`, `array<string>`;
    /// `array` alone is a list of [`Tipo::Any`].
    List(Box<Tipo>),
    /// `object`, `objeto`, `json`: any JSON object.
    Object,
    /// Any JSON value: an empty Tipo column.
    Any,
    /// Anything else, as written (trimmed): the name of a sub-table (`buttonList`, `Button`), or a
    /// type nobody documented. [`Operation::object_named`] tells the two apart.
    Named(String),
}

impl Tipo {
    /// Reads a Tipo column.
    pub fn parse(written: &str) -> Tipo {
        let trimmed = written.trim();
        // Short ASCII (nearly every Tipo) is lower-cased on the stack: this runs for every row
        // the parser's checks look at.
        let mut short = [0u8; 32];
        let lower: std::borrow::Cow<'_, str> = match short.get_mut(..trimmed.len()) {
            Some(short) if trimmed.is_ascii() => {
                short.copy_from_slice(trimmed.as_bytes());
                short.make_ascii_lowercase();
                std::str::from_utf8(short).map_or_else(|_| trimmed.to_lowercase().into(), Into::into)
            }
            _ => trimmed.to_lowercase().into(),
        };
        if let Some(scalar) = Tipo::scalar(&lower) {
            return scalar;
        }
        if lower == "array" || lower == "lista" {
            return Tipo::List(Box::new(Tipo::Any));
        }
        let element = ["array de ", "array of ", "array ", "lista de "]
            .iter()
            .find_map(|prefix| strip_prefix_ignoring_case(trimmed, prefix))
            .or_else(|| trimmed.strip_suffix("[]"))
            .or_else(|| strip_prefix_ignoring_case(trimmed, "array<").and_then(|rest| rest.strip_suffix('>')));
        match element {
            Some(element) => Tipo::List(Box::new(Tipo::parse(element))),
            None => Tipo::Named(trimmed.to_owned()),
        }
    }

    /// Every spelling of a known type (scalars, objects and lists), for telling a misspelled
    /// Tipo (`boolen`) from the name of a sub-table.
    pub const KNOWN_SPELLINGS: &'static [&'static str] = &[
        "string",
        "str",
        "texto",
        "text",
        "url",
        "https",
        "boolean",
        "bool",
        "integer",
        "int",
        "long",
        "timestamp",
        "number",
        "float",
        "double",
        "decimal",
        "object",
        "objeto",
        "json",
        "array",
        "lista",
    ];

    fn scalar(lower: &str) -> Option<Tipo> {
        Some(match lower {
            "string" | "str" | "texto" | "text" | "url" => Tipo::String,
            "https" => Tipo::Https,
            "boolean" | "bool" => Tipo::Boolean,
            "integer" | "int" | "long" | "timestamp" | "timetamp" => Tipo::Integer,
            "number" | "float" | "double" | "decimal" => Tipo::Number,
            "object" | "objeto" | "json" => Tipo::Object,
            "" => Tipo::Any,
            _ => return None,
        })
    }

    /// Whether this is one JSON scalar (text, boolean or number).
    pub fn is_scalar(&self) -> bool {
        matches!(self, Tipo::String | Tipo::Https | Tipo::Boolean | Tipo::Integer | Tipo::Number)
    }

    /// Whether `value` has the JSON type this Tipo promises (`null` always fits: pages show it
    /// for absent values); `None` when the Tipo promises nothing checkable here (an unknown
    /// name, any value). Strict: `"5"` does not fit `integer` (see [`Tipo::fits_text`]).
    pub fn fits(&self, value: &Value, operation: Option<&Operation>) -> Option<bool> {
        if value.is_null() {
            return Some(true);
        }
        Some(match self {
            Tipo::String | Tipo::Https => value.is_string(),
            Tipo::Boolean => value.is_boolean(),
            Tipo::Integer => value.is_i64() || value.is_u64(),
            Tipo::Number => value.is_number(),
            Tipo::List(_) => value.is_array(),
            Tipo::Object => value.is_object(),
            Tipo::Any => return None,
            Tipo::Named(_) => {
                operation.and_then(|o| o.object_named(self))?;
                value.is_object() || value.is_array()
            }
        })
    }

    /// [`Tipo::fits`] for a value that travelled as text (a query string): `"5"` fits `integer`.
    pub fn fits_text(&self, value: &Value, operation: Option<&Operation>) -> Option<bool> {
        let Some(text) = value.as_str() else { return self.fits(value, operation) };
        Some(match self {
            Tipo::String | Tipo::Https => true,
            Tipo::Boolean => matches!(text, "true" | "false"),
            Tipo::Integer => text.parse::<i64>().is_ok(),
            Tipo::Number => text.parse::<f64>().is_ok(),
            _ => return self.fits(value, operation),
        })
    }
}

/// `text` without `prefix` (ASCII, compared ignoring case).
fn strip_prefix_ignoring_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

impl Operation {
    /// The sub-table a Tipo names (`buttonList` → `### Button List`, `button[]` → `### Button`).
    pub fn object_named(&self, tipo: &Tipo) -> Option<&ObjectType> {
        match tipo {
            Tipo::Named(name) => self.objects.iter().find(|o| o.is_named_by(name)),
            Tipo::List(element) => self.object_named(element),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tipo;

    #[test]
    fn every_spelling_of_the_docs_reads_as_one_tipo() {
        let list = |t: Tipo| Tipo::List(Box::new(t));
        for (written, tipo) in [
            ("string", Tipo::String),
            (" Texto ", Tipo::String),
            ("text", Tipo::String),
            ("url", Tipo::String),
            ("https", Tipo::Https),
            ("Boolean", Tipo::Boolean),
            ("timestamp", Tipo::Integer),
            ("timetamp", Tipo::Integer),
            ("long", Tipo::Integer),
            ("float", Tipo::Number),
            ("array string", list(Tipo::String)),
            ("array de string", list(Tipo::String)),
            ("string[]", list(Tipo::String)),
            ("array<integer>", list(Tipo::Integer)),
            ("array", list(Tipo::Any)),
            ("button[]", list(Tipo::Named("button".into()))),
            ("array de Button", list(Tipo::Named("Button".into()))),
            ("buttonList", Tipo::Named("buttonList".into())),
            ("object", Tipo::Object),
            ("", Tipo::Any),
        ] {
            assert_eq!(Tipo::parse(written), tipo, "{written:?}");
        }
    }
}
