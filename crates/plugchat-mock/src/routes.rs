//! The nearest documented paths when no operation fits a request. Requests are matched with
//! the model's `match_path` rather than axum's router: templates such as `/chats/{phone}` and
//! `/chats/archive` overlap, axum refuses some overlapping routes at startup, and a 404 must
//! list near misses, which a router cannot report.

use plugchat_model::{PathPiece, path_pieces};

use crate::MockOperation;

/// Up to three documented `METHOD /path`s nearest to `path`, most similar first.
pub(crate) fn nearest(operations: &[MockOperation], relative: &str) -> Vec<String> {
    let path: Vec<&str> = relative.trim_matches('/').split('/').collect();
    let requested = format!("/{}", path.join("/"));
    let mut scored: Vec<(f64, String)> = operations
        .iter()
        .map(|operation| {
            // Placeholders take the requested value at their position, so a concrete phone
            // number does not count as a difference.
            let filled: Vec<&str> = operation
                .surface
                .path
                .trim_matches('/')
                .split('/')
                .enumerate()
                .map(|(i, segment)| match path_pieces(segment).as_slice() {
                    [PathPiece::Literal(_)] => segment,
                    _ => path.get(i).copied().unwrap_or(segment),
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
