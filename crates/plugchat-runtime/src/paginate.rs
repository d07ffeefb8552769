//! Streams over paginated list operations (`page` / `pageSize`).
//!
//! A stream ends only where the list ends: at an empty page, or at a page whose items were all
//! yielded already (a server that ignores the page number, or repeats pages in a cycle). Never
//! at a short page: a server may cap the page size below what was asked. Items are compared as
//! the server sent them (the whole JSON of each, undocumented keys included), so records that
//! differ only in keys the docs do not list are different items. A server that changes a field
//! on every answer cannot make a stream run forever: it stops with [`Error::PageLimit`] after
//! `max_pages` pages.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;

use futures_util::stream::{self, Stream};
use serde::Serialize;

use crate::error::Error;
use crate::response::Response;

/// A stream of items fetched page by page; boxed so generated methods can name it.
pub type Pages<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

struct State<F, T> {
    operation: &'static str,
    fetch: F,
    max_pages: u32,
    next_page: i64,
    buffer: VecDeque<T>,
    /// Fingerprints of every item yielded so far.
    seen: HashSet<u64>,
    done: bool,
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// A fingerprint of each item of a page, from the JSON the server sent (the generated types
/// have no `Hash`, and comparing each item with every earlier one would be quadratic). When the
/// body's elements do not line up with the decoded items (a body built by hand in a test, say),
/// the decoded items' JSON stands in.
fn fingerprints<T: Serialize>(page: &Response<Vec<T>>) -> Vec<u64> {
    let sent: Option<Vec<u64>> = match page.json() {
        Ok(serde_json::Value::Array(items)) => {
            Some(items.iter().map(|item| hash_bytes(&serde_json::to_vec(item).unwrap_or_default())).collect())
        }
        Ok(object @ serde_json::Value::Object(_)) => {
            Some(vec![hash_bytes(&serde_json::to_vec(&object).unwrap_or_default())])
        }
        _ => None,
    };
    match sent {
        Some(sent) if sent.len() == page.len() => sent,
        _ => page.iter().map(|item| hash_bytes(&serde_json::to_vec(item).unwrap_or_default())).collect(),
    }
}

/// Every item of paginated operation `operation`, fetching page 1, 2, ... with `fetch(page)`.
///
/// Items already yielded by an earlier page (compared as sent) are skipped. The stream ends
/// after an empty page, after a page that brings no new item, or after yielding an error; a
/// page shorter than the size asked for does not end it (the server may cap it). After
/// `max_pages` pages that all brought new items it yields [`Error::PageLimit`] and ends.
pub fn paginate<'a, T, F, Fut>(operation: &'static str, max_pages: u32, fetch: F) -> Pages<'a, T>
where
    T: Serialize + Send + 'a,
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<Vec<T>>, Error>> + Send + 'a,
{
    let state =
        State { operation, fetch, max_pages, next_page: 1, buffer: VecDeque::new(), seen: HashSet::new(), done: false };
    Box::pin(stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            if state.next_page > i64::from(state.max_pages) {
                state.done = true;
                let error = Error::PageLimit { operation: state.operation, max_pages: state.max_pages };
                return Some((Err(error), state));
            }
            match (state.fetch)(state.next_page).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok(page) => {
                    state.next_page += 1;
                    let fingerprints = fingerprints(&page);
                    let new: Vec<bool> = fingerprints.iter().map(|f| !state.seen.contains(f)).collect();
                    if !new.contains(&true) {
                        // Empty, or nothing the stream has not yielded: the list is over.
                        state.done = true;
                    }
                    state.seen.extend(fingerprints);
                    let items = page.into_inner();
                    state.buffer.extend(items.into_iter().zip(new).filter_map(|(item, new)| new.then_some(item)));
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use http::{HeaderMap, StatusCode};

    use super::*;

    /// Pages as a server sends them: `(decoded items, body as sent)`.
    fn run(pages: fn(i64) -> (Vec<u32>, String), max_pages: u32) -> (Vec<Result<u32, String>>, i64) {
        let fetched = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let counter = fetched.clone();
        let stream = paginate("list", max_pages, move |page| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let (items, body) = pages(page);
            async move { Ok(Response::new(StatusCode::OK, HeaderMap::new(), items).with_body_bytes(body)) }
        });
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let items = runtime.block_on(stream.map(|r| r.map_err(|e| e.to_string())).collect::<Vec<_>>());
        (items, fetched.load(std::sync::atomic::Ordering::SeqCst))
    }

    fn sent(items: &[u32]) -> (Vec<u32>, String) {
        (items.to_vec(), serde_json::to_string(items).unwrap())
    }

    #[test]
    fn ends_on_an_empty_page_a_repeated_page_or_the_page_limit() {
        let (items, fetched) =
            run(|page| if page < 3 { sent(&[page as u32 * 10, page as u32 * 10 + 1]) } else { sent(&[]) }, 9);
        assert_eq!(items, [Ok(10), Ok(11), Ok(20), Ok(21)]);
        assert_eq!(fetched, 3);
        let (items, fetched) = run(|page| if page % 2 == 1 { sent(&[1, 2]) } else { sent(&[3, 4]) }, 9);
        assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4)]);
        assert_eq!(fetched, 3);
        let (items, fetched) = run(|page| sent(&[page as u32, 100 + page as u32]), 3);
        assert_eq!(items.len(), 7);
        assert!(items[6].as_ref().is_err_and(|e| e.contains("3 pages")), "{items:?}");
        assert_eq!(fetched, 3);
    }

    /// A server that caps the page size (asked for 2, sends 1) still yields every item.
    #[test]
    fn a_short_page_does_not_end_the_stream() {
        let (items, fetched) = run(|page| if page <= 5 { sent(&[page as u32]) } else { sent(&[]) }, 9);
        assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
        assert_eq!(fetched, 6);
    }

    /// Records the decoded type cannot tell apart (they differ only in a key the docs do not
    /// list) are different items.
    #[test]
    fn items_are_compared_as_sent() {
        let (items, _) = run(
            |page| match page {
                1..=3 => (vec![7, 7], format!(r#"[{{"id":7,"extra":{page}}},{{"id":7,"extra":{}}}]"#, page + 10)),
                _ => sent(&[]),
            },
            9,
        );
        assert_eq!(items.len(), 6, "{items:?}");
    }
}
