//! The spec model: what the pages say, with where each part was written.
//!
//! It is what `cargo xtask regen` writes (`spec.json`) for the macro to read, so every type is
//! serialisable and [`SPEC_FORMAT_VERSION`] changes whenever its shape does. It lives apart
//! from the markdown parser (`plugchat-spec`) so that the proc-macro, and with it every user of
//! the generated client, compiles only this model and not pulldown-cmark or a YAML parser.

#![deny(missing_docs)]

pub mod surface;
mod tipo;
mod wire;

pub use tipo::Tipo;
pub use wire::{ParamLocation, PathMatch, match_path, name_key, query_pairs, same_name_key};

use std::fmt;

use serde::{Deserialize, Serialize};

/// Version of the serialised [`Spec`]. Bump it when the model's shape changes, so a spec
/// file written by an older `cargo xtask regen` is reported as stale instead of misread.
pub const SPEC_FORMAT_VERSION: u32 = 4;

/// A position in a docs page: 1-based line and column (in characters).
///
/// Positions serve diagnostics, which are made while parsing: they are never serialised with
/// the model (`spec.json` and the parser snapshots), so a line added above a table does not
/// rewrite every later entry of the files a reviewer reads. A deserialised model has default
/// (empty) locations.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The page's path as given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Everything read from one docs tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// [`SPEC_FORMAT_VERSION`] of the code that wrote this spec.
    pub format_version: u32,
    /// The API's default base URL, from the tree's manifest.
    pub base_url: Option<String>,
    /// Every page, sorted by file path.
    pub pages: Vec<Page>,
}

impl Spec {
    /// The pages that define an operation, with it.
    pub fn operations(&self) -> impl Iterator<Item = (&Page, &Operation)> {
        self.pages.iter().filter_map(|page| page.operation.as_ref().map(|op| (page, op)))
    }
}

/// One markdown page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Path of the page relative to the docs root, with `/` separators.
    pub file: String,
    /// The front matter's `id` (the file name when the front matter has none).
    pub id: String,
    /// The front matter's `title`.
    pub title: String,
    /// The first directory of [`Page::file`] (`contacts` for `contacts/x.md`), or `""`.
    pub section: String,
    /// The endpoint the page defines; prose pages have none.
    pub operation: Option<Operation>,
    /// The webhook payload the page describes (a page with an `## Evento` section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
}

/// A webhook payload: what the service POSTs to the user's URL when something happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callback {
    /// How a payload is recognised: each field (dotted path) has the value.
    pub discriminator: Vec<Discriminator>,
    /// Fields always present (dotted names such as `text.message` are nested).
    pub required: Vec<Attribute>,
    /// Fields present in some payloads only.
    pub optional: Vec<Attribute>,
    /// Example payloads, with the heading above each.
    pub examples: Vec<CallbackExample>,
    /// Where the event section is.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

/// One `field = value` condition telling a payload's event apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discriminator {
    /// Dotted path of the field (`type`, `attendance.status`).
    pub field: String,
    /// The value it has for this event.
    pub value: String,
}

/// An example payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackExample {
    /// The heading above it (`Texto`), or `""`.
    pub title: String,
    /// The payload.
    pub payload: serde_json::Value,
    /// Where the fence starts.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

/// HTTP methods the pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[allow(missing_docs)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method named exactly by `token` (upper case, as the pages write it).
    pub fn from_token(token: &str) -> Option<Method> {
        Some(match token {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }

    /// The upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether the request carries its attributes in a JSON body rather than the query.
    pub fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The endpoint a page defines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The HTTP method.
    pub method: Method,
    /// The URL exactly as the method line writes it.
    pub url: String,
    /// The URL's path relative to the base URL's path, without the query (`/whatsapp/profile-picture`).
    pub path: String,
    /// The page's concept prose, as markdown.
    pub description: String,
    /// Headers of the header table (the authorization header included).
    pub headers: Vec<Header>,
    /// Attributes the caller must send.
    pub required: Vec<Attribute>,
    /// Attributes the caller may send.
    pub optional: Vec<Attribute>,
    /// Objects that attributes name in their Tipo (`buttonList` → the `Button List` sub-table).
    pub objects: Vec<ObjectType>,
    /// The request example, if the page has one.
    pub request_example: Option<RequestExample>,
    /// Documented answers, in page order. A status may appear more than once: alternative
    /// shapes of one answer (a page documenting, under one status, each shape under its own
    /// heading with its table and example); the first is the one a client decodes
    /// ([`Operation::success_index`]), the others document what else may come.
    pub responses: Vec<Response>,
    /// Where the method line is.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

impl Operation {
    /// The index in `responses` of the success answer: the first 2xx the page documents, the one
    /// a client decodes. The one place this is decided (generator, mock, checks, OpenAPI).
    pub fn success_index(&self) -> Option<usize> {
        self.responses.iter().position(|r| (200..300).contains(&r.status))
    }

    /// The success answer ([`Operation::success_index`]).
    pub fn success_response(&self) -> Option<&Response> {
        self.success_index().map(|i| &self.responses[i])
    }

    /// The names of the path's placeholders, as written: `phone` for `/chats/{phone}`,
    /// `id-do-produto` for `/products/{{id-do-produto}}`.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.path_pieces().into_iter().filter_map(|piece| match piece {
            PathPiece::Placeholder(name) => Some(name),
            PathPiece::Literal(_) => None,
        })
    }

    /// The path split into literal text and placeholders, in order: the one reading of a path
    /// template, for the checks, the generator and the tools alike.
    pub fn path_pieces(&self) -> Vec<PathPiece<'_>> {
        path_pieces(&self.path)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPiece<'a> {
    /// Text sent as written (`/chats/`).
    Literal(&'a str),
    /// A placeholder's name, without its braces (`phone` for `{phone}` or `{{phone}}`) and
    /// without the spaces or `*` some pages put inside them.
    Placeholder(&'a str),
}

/// [`Operation::path_pieces`] of any template: `{phone}`, `{{id-do-produto}}`, `{ id }` and
/// `{*rest}` are placeholders; a `{` never closed is literal text.
pub fn path_pieces(path: &str) -> Vec<PathPiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        pieces.push(PathPiece::Literal(&rest[..open]));
        pieces.push(PathPiece::Placeholder(rest[open..open + close].trim_matches(['{', '}', ' ', '*'])));
        rest = rest[open + close..].trim_start_matches('}');
    }
    pieces.push(PathPiece::Literal(rest));
    pieces
}

/// A row of the header table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Header name, without the trailing colon the pages write.
    pub name: String,
    /// The example value the page shows.
    pub example: String,
    /// Where the row is.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

/// A row of an attribute table (request attributes and response fields alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Name as written (`phone`).
    pub name: String,
    /// The Tipo column as written (`string`, `array string`, `buttonList`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// The description column, as markdown.
    pub description: String,
    /// Values the description allows (`Valores: \`archive\`, \`unarchive\``); one value
    /// means the page always sends it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<String>,
    /// Where the row is.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

impl Attribute {
    /// What the Tipo column means.
    pub fn tipo(&self) -> Tipo {
        Tipo::parse(&self.ty)
    }

    /// The one value the page always sends, if the attribute allows exactly one.
    pub fn fixed_value(&self) -> Option<&str> {
        match self.allowed_values.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// A sub-table: the fields of an object some attribute's Tipo names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectType {
    /// The sub-table's heading (`Button List`).
    pub name: String,
    /// Fields the object must have.
    pub required: Vec<Attribute>,
    /// Fields the object may have (`### Opcionais Button`).
    pub optional: Vec<Attribute>,
    /// Where the sub-table's heading is.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

impl ObjectType {
    /// Whether a Tipo value names this object: `buttonList`, `button[]`, `Operators[]` (case,
    /// spaces and a trailing `[]` ignored).
    pub fn is_named_by(&self, ty: &str) -> bool {
        let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        let ty = ty.trim().trim_end_matches("[]");
        let ty = ty.strip_prefix("array de ").or_else(|| ty.strip_prefix("array ")).unwrap_or(ty);
        !ty.is_empty() && key(ty) == key(&self.name)
    }
}

/// How a page shows a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestExample {
    /// An example URL (query-string requests).
    Url {
        /// The URL as written.
        url: String,
        /// Where it is.
        #[serde(skip_serializing, default)]
        location: Location,
    },
    /// An example JSON body.
    Json {
        /// The parsed body.
        body: serde_json::Value,
        /// Where the fence starts.
        #[serde(skip_serializing, default)]
        location: Location,
    },
}

/// A documented answer for one status code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The status code (`200`).
    pub status: u16,
    /// What the page says about it: the heading's suffix and the prose under it, as markdown.
    pub description: String,
    /// Rows of the response table.
    pub fields: Vec<Attribute>,
    /// The parsed JSON example.
    pub example: Option<serde_json::Value>,
    /// Where the status heading is.
    #[serde(skip_serializing, default)]
    pub location: Location,
}

#[cfg(test)]
mod path_tests {
    use super::{PathPiece, path_pieces};

    #[test]
    fn placeholders_in_every_spelling_the_pages_use() {
        use PathPiece::{Literal, Placeholder};
        assert_eq!(path_pieces("/chats/{phone}"), [Literal("/chats/"), Placeholder("phone"), Literal("")]);
        assert_eq!(
            path_pieces("/products/{{id-do-produto}}/tags"),
            [Literal("/products/"), Placeholder("id-do-produto"), Literal("/tags")]
        );
        assert_eq!(
            path_pieces("/a/{ id }-{*rest}"),
            [Literal("/a/"), Placeholder("id"), Literal("-"), Placeholder("rest"), Literal("")]
        );
        // A brace never closed is text, not a placeholder.
        assert_eq!(path_pieces("/a/{oops"), [Literal("/a/{oops")]);
        assert_eq!(path_pieces("/plain"), [Literal("/plain")]);
    }
}
