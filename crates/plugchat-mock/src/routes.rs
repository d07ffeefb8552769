//! Which documented operation a method and path name, and the nearest documented paths when
//! none does. Matching is by hand rather than with axum's router: templates such as
//! `/chats/{phone}` and `/chats/archive` overlap, axum refuses some overlapping routes at
//! startup, and a 404 must list near misses, which a router cannot report.

use crate::MockOperation;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Placeholder(String),
}

/// `/whatsapp/products/{productId}` → literal, literal, placeholder `productId`.
pub(crate) fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_matches('/')
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                Segment::Placeholder(segment.trim_matches(['{', '}', ' ', '*']).to_owned())
            } else {
                Segment::Literal(segment.to_owned())
            }
        })
        .collect()
}

/// The placeholder values if `path` (relative to the base, percent-decoded per segment) fits
/// `template`, with the number of literal segments (more literals is a more specific match).
pub(crate) fn match_path(template: &[Segment], path: &[String]) -> Option<(usize, Vec<(String, String)>)> {
    if template.len() != path.len() {
        return None;
    }
    let mut values = Vec::new();
    let mut literals = 0;
    for (expected, actual) in template.iter().zip(path) {
        match expected {
            Segment::Literal(text) if text == actual => literals += 1,
            Segment::Literal(_) => return None,
            // An empty segment is never a value: the client refuses it before sending.
            Segment::Placeholder(_) if actual.is_empty() => return None,
            Segment::Placeholder(name) => values.push((name.clone(), actual.clone())),
        }
    }
    Some((literals, values))
}

/// Up to three documented `METHOD /path`s nearest to `path`, most similar first.
pub(crate) fn nearest(operations: &[MockOperation], path: &[String]) -> Vec<String> {
    let requested = format!("/{}", path.join("/"));
    let mut scored: Vec<(f64, String)> = operations
        .iter()
        .map(|operation| {
            // Placeholders take the requested value at their position, so a concrete phone
            // number does not count as a difference.
            let filled: Vec<&str> = operation
                .segments
                .iter()
                .enumerate()
                .map(|(i, segment)| match segment {
                    Segment::Literal(text) => text.as_str(),
                    Segment::Placeholder(name) => path.get(i).map_or(name.as_str(), String::as_str),
                })
                .collect();
            let score = strsim::normalized_levenshtein(&requested, &format!("/{}", filled.join("/")));
            (score, format!("{} {}", operation.surface.http_method, operation.surface.path))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, route)| route).collect()
}

/// Decodes `%XX` escapes of one path segment (invalid escapes are kept as written).
pub(crate) fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}
