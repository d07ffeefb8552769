//! Where an operation's values go on the wire, read once from the model: which attribute fills
//! which path placeholder, where the other attributes go (query or body), how a concrete path
//! fits the template, and what the page's example request spells.
//!
//! The generator, the parser's checks, the HAR matcher, the mock server and the OpenAPI export
//! all ask these questions; answering them here keeps one reading of the page (before, each
//! had its own, and they disagreed on `{id-do-produto}` against an attribute `idDoProduto`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Attribute, Operation, PathPiece, RequestExample, path_pieces};

/// Where a request value goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    /// A `{placeholder}` of the path.
    Path,
    /// The query string.
    Query,
    /// A member of the JSON body.
    Body,
    /// A request header.
    Header,
}

impl ParamLocation {
    /// `path`, `query`, `body` or `header`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Body => "body",
            ParamLocation::Header => "header",
        }
    }
}

/// Letters and digits, lower-cased: how a placeholder and an attribute name are matched
/// (`{id-do-produto}` is filled by the attribute `idDoProduto`). Pages spell the two apart.
pub fn name_key(name: &str) -> String {
    key_chars(name).collect()
}

/// Whether two names have one [`name_key`], compared without building either key.
pub fn same_name_key(a: &str, b: &str) -> bool {
    key_chars(a).eq(key_chars(b))
}

fn key_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
}

/// How a concrete path fits a template: the placeholder values, and how specific the match is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMatch<'t> {
    /// Each placeholder with its value, percent-decoded, in template order.
    pub values: Vec<(&'t str, String)>,
    /// Segments of the template without a placeholder: of two templates a path fits, the one
    /// with more literal segments is the more specific (`/chats/archive` over `/chats/{phone}`).
    pub literal_segments: usize,
}

/// Whether `path` (relative to the base, query excluded) fits `template`, segment by segment.
///
/// Literal text compares ignoring ASCII case (examples spell `/Whatsapp/` and `/whatsapp/`
/// alike); a placeholder takes the text between its segment's literals, and never an empty
/// value (the client refuses one before sending). A trailing `/` on either side is ignored.
pub fn match_path<'t>(template: &'t str, path: &str) -> Option<PathMatch<'t>> {
    let template_segments: Vec<&str> = template.trim_matches('/').split('/').collect();
    let path_segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if template_segments.len() != path_segments.len() {
        return None;
    }
    let mut found = PathMatch { values: Vec::new(), literal_segments: 0 };
    for (expected, actual) in template_segments.into_iter().zip(path_segments) {
        let pieces = path_pieces(expected);
        if let [PathPiece::Literal(text)] = pieces.as_slice() {
            if !text.eq_ignore_ascii_case(actual) {
                return None;
            }
            found.literal_segments += 1;
            continue;
        }
        found.values.extend(match_segment(&pieces, actual)?);
    }
    Some(found)
}

/// One segment with placeholders: literals alternate with placeholders, starting and ending
/// with a (maybe empty) literal, as [`path_pieces`] returns them.
fn match_segment<'t>(pieces: &[PathPiece<'t>], actual: &str) -> Option<Vec<(&'t str, String)>> {
    let mut values = Vec::new();
    let mut rest = actual;
    let mut pending: Option<&'t str> = None;
    for piece in pieces {
        match *piece {
            PathPiece::Placeholder(name) => pending = Some(name),
            PathPiece::Literal(text) => {
                let at = match pending {
                    // The literal before any placeholder must start the segment.
                    None => rest.get(..text.len()).filter(|head| head.eq_ignore_ascii_case(text)).map(|_| 0)?,
                    // The last literal must end it; one between placeholders ends the first.
                    Some(_) if std::ptr::eq(piece, pieces.last()?) => rest
                        .len()
                        .checked_sub(text.len())
                        .filter(|&at| rest.get(at..).is_some_and(|tail| tail.eq_ignore_ascii_case(text)))?,
                    Some(_) => find_ignoring_case(rest, text)?,
                };
                if let Some(name) = pending.take() {
                    let value = &rest[..at];
                    if value.is_empty() {
                        return None;
                    }
                    values.push((name, percent_decode(value)));
                }
                rest = &rest[at + text.len()..];
            }
        }
    }
    Some(values)
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    (0..=haystack.len().checked_sub(needle.len())?)
        .find(|&at| haystack.get(at..at + needle.len()).is_some_and(|part| part.eq_ignore_ascii_case(needle)))
}

/// Decodes `%XX` escapes (invalid ones are kept as written, invalid UTF-8 is replaced).
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Decodes a query string's `%XX` escapes and `+` (a space there).
fn query_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// The query pairs of `url` (anything up to a `?` is skipped, a `#fragment` dropped),
/// percent-decoded with `+` as a space, in order; a key without `=` has an empty value.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else { return Vec::new() };
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (query_decode(key), query_decode(value))
        })
        .collect()
}

impl RequestExample {
    /// The query pairs of an example URL ([`query_pairs`]); none for a JSON example.
    pub fn query(&self) -> Vec<(String, String)> {
        match self {
            RequestExample::Url { url, .. } => query_pairs(url),
            RequestExample::Json { .. } => Vec::new(),
        }
    }
}

impl Operation {
    /// The documented attributes, required ones first, each with whether it is required.
    pub fn attributes(&self) -> impl Iterator<Item = (&Attribute, bool)> {
        self.required.iter().map(|a| (a, true)).chain(self.optional.iter().map(|a| (a, false)))
    }

    /// The path placeholder the attribute named `name` fills, if any.
    pub fn placeholder_filled_by(&self, name: &str) -> Option<&str> {
        // Most paths have no placeholder; the checks ask this of every attribute.
        if !self.path.contains('{') {
            return None;
        }
        self.placeholders().find(|placeholder| same_name_key(placeholder, name))
    }

    /// Where the attributes that fill no placeholder go: the page's example decides (a JSON
    /// body example: the body; an example URL, with or without a query string: the query);
    /// without one, the method (`POST`, `PUT` and `PATCH` send a body).
    pub fn attribute_location(&self) -> ParamLocation {
        match &self.request_example {
            Some(RequestExample::Json { .. }) => ParamLocation::Body,
            Some(RequestExample::Url { .. }) => ParamLocation::Query,
            None if self.method.has_body() => ParamLocation::Body,
            None => ParamLocation::Query,
        }
    }

    /// Where `attribute` goes: the path when it fills a placeholder, else
    /// [`Operation::attribute_location`].
    pub fn location_of(&self, attribute: &Attribute) -> ParamLocation {
        if self.placeholder_filled_by(&attribute.name).is_some() {
            ParamLocation::Path
        } else {
            self.attribute_location()
        }
    }

    /// Whether a request sends a JSON body: when an attribute goes there, or when the page's
    /// example shows one (even `{}`), since the service may insist.
    pub fn sends_body(&self) -> bool {
        matches!(self.request_example, Some(RequestExample::Json { .. }))
            || self.attributes().any(|(attribute, _)| self.location_of(attribute) == ParamLocation::Body)
    }

    /// How `path` (relative to the base) fits this operation's path; see [`match_path`].
    pub fn match_path(&self, path: &str) -> Option<PathMatch<'_>> {
        match_path(&self.path, path)
    }

    /// The values the page's request example spells, by wire name: a JSON body's members, or
    /// an example URL's path values (matched against the end of the URL's path, after any
    /// host and base path; named by the attribute filling the placeholder, if one does) and
    /// query pairs, as strings. Empty without an example.
    pub fn example_values(&self) -> Map<String, Value> {
        match &self.request_example {
            Some(RequestExample::Json { body, .. }) => body.as_object().cloned().unwrap_or_default(),
            Some(example @ RequestExample::Url { url, .. }) => {
                let mut values = Map::new();
                let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                let path = after_scheme.split(['?', '#']).next().unwrap_or(after_scheme);
                let wanted = self.path.trim_matches('/').split('/').count();
                let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
                if let Some(tail) = segments.len().checked_sub(wanted).map(|start| segments[start..].join("/")) {
                    for (placeholder, value) in self.match_path(&tail).map(|m| m.values).unwrap_or_default() {
                        let filler = self.attributes().find(|(a, _)| same_name_key(&a.name, placeholder));
                        let name = filler.map_or(placeholder, |(attribute, _)| attribute.name.as_str());
                        values.insert(name.to_owned(), Value::String(value));
                    }
                }
                for (key, value) in example.query() {
                    values.insert(key, Value::String(value));
                }
                values
            }
            None => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Method};

    fn operation(method: Method, path: &str, example: Option<RequestExample>, names: &[&str]) -> Operation {
        let attribute = |name: &&str| Attribute {
            name: (*name).to_owned(),
            ty: "string".to_owned(),
            description: String::new(),
            allowed_values: Vec::new(),
            location: Location { file: "p.md".into(), line: 1, column: 1 },
        };
        Operation {
            method,
            url: format!("https://host/api{path}"),
            path: path.to_owned(),
            description: String::new(),
            headers: Vec::new(),
            required: names.iter().map(attribute).collect(),
            optional: Vec::new(),
            objects: Vec::new(),
            request_example: example,
            responses: Vec::new(),
            location: Location { file: "p.md".into(), line: 1, column: 1 },
        }
    }

    fn url(url: &str) -> Option<RequestExample> {
        Some(RequestExample::Url {
            url: url.to_owned(),
            location: Location { file: "p.md".into(), line: 2, column: 1 },
        })
    }

    #[test]
    fn attributes_fill_placeholders_by_letters_and_digits() {
        let op = operation(Method::Put, "/products/{{id-do-produto}}/tags", None, &["idDoProduto", "tag"]);
        assert_eq!(op.placeholder_filled_by("idDoProduto"), Some("id-do-produto"));
        assert_eq!(op.placeholder_filled_by("ID_DO_PRODUTO"), Some("id-do-produto"));
        assert_eq!(op.placeholder_filled_by("tag"), None);
        assert_eq!(op.location_of(&op.required[0]), ParamLocation::Path);
        assert_eq!(op.location_of(&op.required[1]), ParamLocation::Body);
        assert!(op.sends_body());
    }

    #[test]
    fn the_example_decides_where_attributes_go_and_the_method_without_one() {
        let get = operation(Method::Get, "/chats", None, &["page"]);
        assert_eq!(get.attribute_location(), ParamLocation::Query);
        assert!(!get.sends_body());
        let post_with_url = operation(Method::Post, "/chats", url("https://h/api/chats?page=1"), &["page"]);
        assert_eq!(post_with_url.attribute_location(), ParamLocation::Query);
        assert!(!post_with_url.sends_body());
        let only_path = operation(Method::Delete, "/chats/{phone}", None, &["phone"]);
        assert!(!only_path.sends_body());
        let at = Location { file: "p.md".into(), line: 2, column: 1 };
        let empty_body = RequestExample::Json { body: serde_json::json!({}), location: at };
        assert!(operation(Method::Delete, "/chats/{phone}", Some(empty_body), &["phone"]).sends_body());
    }

    #[test]
    fn paths_fit_templates_segment_by_segment() {
        let fit = match_path("/chats/{phone}", "/Chats/5511%2099").unwrap();
        assert_eq!(fit.values, [("phone", "5511 99".to_owned())]);
        assert_eq!(fit.literal_segments, 1);
        assert_eq!(match_path("/chats/archive", "/chats/archive/").unwrap().literal_segments, 2);
        assert!(match_path("/chats/{phone}", "/chats/").is_none(), "an empty value is no value");
        assert!(match_path("/chats/{phone}", "/chats/1/x").is_none());
        assert!(match_path("/chats/{phone}", "/groups/1").is_none());
        let two = match_path("/files/{name}.{ext}/raw", "/files/a.b.tar/raw").unwrap();
        assert_eq!(two.values, [("name", "a".to_owned()), ("ext", "b.tar".to_owned())]);
        assert!(match_path("/files/{name}.json", "/files/a.xml").is_none());
        assert!(match_path("/files/v{n}", "/files/x1").is_none());
        // Multi-byte text next to literals never splits a character (nor panics).
        assert_eq!(match_path("/files/{name}.json", "/files/ação.json").unwrap().values, [("name", "ação".to_owned())]);
        assert!(match_path("/files/{name}.json", "/files/ação").is_none());
        assert!(match_path("/files/{name}ã", "/files/xa\u{303}").is_none());
        for path in ["", "/", "//", "/files/é", "/files/{name}.json", "/files/.json", "/ç/ã/õ"] {
            let _ = match_path("/files/{name}.json", path);
            let _ = match_path("/{a}/{b}-{c}", path);
        }
    }

    #[test]
    fn example_urls_spell_path_values_and_decoded_query_pairs() {
        let op = operation(
            Method::Get,
            "/products/{{id-do-produto}}",
            url("https://host/api/products/p%2F1?name=caf%C3%A9+com+leite&flag&=x#frag"),
            &["idDoProduto", "name"],
        );
        let values = op.example_values();
        assert_eq!(values["idDoProduto"], "p/1", "named by the attribute filling the placeholder");
        assert_eq!(values["name"], "café com leite");
        assert_eq!(values["flag"], "");
        assert_eq!(values[""], "x");
        assert_eq!(values.len(), 4);
        assert!(operation(Method::Get, "/a/{b}", url("https://host/api/other"), &[]).example_values().is_empty());
    }
}
