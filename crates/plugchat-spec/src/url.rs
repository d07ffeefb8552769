//! Method lines and URLs in every shape the pages write them (backticks, links, split lines,
//! headings without a URL), and placeholders in every spelling, normalised to `{name}`.

use std::borrow::Cow;

use crate::model::Method;

/// `text` without bold markers and without whitespace inside braces, so that
/// `{ **URL** **DO** **CONVITE**}` reads as one token.
pub(crate) fn join_placeholders(text: &str) -> Cow<'_, str> {
    // Without bold markers or braces there is nothing to join.
    if !text.contains('{') && !text.contains("**") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.replace("**", "").chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth > 0 => continue,
            _ => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// A method line: an HTTP method followed by a URL, in whatever markup the page wraps them.
pub(crate) fn method_line(text: &str) -> Option<(Method, String)> {
    // Most paragraphs are prose: reject them before allocating anything.
    let first = text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '`' | '*' | '<'));
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].iter().any(|m| first.starts_with(m)) {
        return None;
    }
    fn clean(token: &str) -> Cow<'_, str> {
        match token.trim_matches(|c| matches!(c, '`' | '<' | '>' | '*')) {
            t if t.contains('\\') => Cow::Owned(t.replace('\\', "")),
            t => Cow::Borrowed(t),
        }
    }
    let text = join_placeholders(text);
    let mut tokens = text.split_whitespace().map(clean).filter(|t| !t.is_empty());
    let method = Method::from_token(&tokens.next()?)?;
    let mut url = tokens.next()?.into_owned();
    if !(url.contains("://") || url.starts_with('/')) {
        return None;
    }
    // `.../send-document/ **{extension}**`: a placeholder set apart from the URL.
    for token in tokens {
        if url.ends_with('/') && token.starts_with('{') {
            url.push_str(&token);
        } else {
            break;
        }
    }
    Some((method, url))
}

/// A heading that is a method line without a URL: `` `PUT` update-webhooks ``.
pub(crate) fn method_heading(text: &str) -> Option<(Method, String)> {
    let mut tokens = text.split_whitespace().map(|t| t.trim_matches('`'));
    let method = Method::from_token(tokens.next()?)?;
    let name = tokens.next()?;
    (tokens.next().is_none() && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/')))
        .then(|| (method, format!("/{}", name.trim_start_matches('/'))))
}

/// One path segment with its placeholder, if any, spelled `{name}`: `{{id-do-produto}}`,
/// `[ACCOUNT_ID]` and upper-case tokens such as `SUA_ID_AQUI` are placeholders too.
pub(crate) fn canonical_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains('{') {
        let name: String = segment.chars().filter(|c| !matches!(c, '{' | '}' | ' ' | '*')).collect();
        return Cow::Owned(format!("{{{name}}}"));
    }
    if let Some(name) = segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return Cow::Owned(format!("{{{name}}}"));
    }
    let shouts = segment.len() >= 3
        && segment.contains('_')
        && segment.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if shouts { Cow::Owned(format!("{{{segment}}}")) } else { Cow::Borrowed(segment) }
}

/// The path of `url` (host and query dropped, placeholders spelled `{name}`) relative to
/// `base_path`, and whether it was under it.
pub(crate) fn url_path(url: &str, base_path: &str) -> (String, bool) {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut joined = String::with_capacity(path.len() + 8);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            joined.push('/');
        }
        joined.push_str(&canonical_segment(segment));
    }
    if base_path.is_empty() {
        return (joined, true);
    }
    match joined.strip_prefix(base_path) {
        Some(rest) if rest.starts_with('/') => {
            joined.drain(..base_path.len());
            (joined, true)
        }
        _ => (joined, false),
    }
}
