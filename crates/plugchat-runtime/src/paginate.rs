//! Streams over paginated list operations (`page` / `pageSize`).
//!
//! A server that ignores the page number, repeats pages in a cycle or changes a field on
//! every answer must not make a stream run forever: the stream ends at the first page that
//! brings no new item, and stops with [`Error::PageLimit`] after `max_pages` pages.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;

use futures_util::stream::{self, Stream};
use serde::Serialize;

use crate::error::Error;

/// A stream of items fetched page by page; boxed so generated methods can name it.
pub type Pages<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

struct State<F, T> {
    operation: &'static str,
    fetch: F,
    page_size: usize,
    max_pages: u32,
    next_page: i64,
    buffer: VecDeque<T>,
    /// Fingerprints of every item yielded so far.
    seen: HashSet<u64>,
    done: bool,
}

/// A fingerprint of `item`'s JSON form: items are compared as the server sent them (the
/// generated types have no `Hash`, and comparing each item with every earlier one would be
/// quadratic).
fn fingerprint<T: Serialize>(item: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    serde_json::to_vec(item).unwrap_or_default().hash(&mut hasher);
    hasher.finish()
}

/// Every item of paginated operation `operation`, fetching page 1, 2, ... with `fetch(page)`.
///
/// Items already yielded by an earlier page are skipped. The stream ends after a page shorter
/// than `page_size` (or empty), after a page that brings no new item (a server that ignores
/// the page number, or alternates pages), or after yielding an error. After `max_pages` pages
/// that all brought new items it yields [`Error::PageLimit`] and ends.
pub fn paginate<'a, T, F, Fut>(operation: &'static str, page_size: i64, max_pages: u32, fetch: F) -> Pages<'a, T>
where
    T: Serialize + Send + 'a,
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'a,
{
    let state = State {
        operation,
        fetch,
        page_size: usize::try_from(page_size.max(1)).unwrap_or(1),
        max_pages,
        next_page: 1,
        buffer: VecDeque::new(),
        seen: HashSet::new(),
        done: false,
    };
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
                Ok(items) => {
                    state.next_page += 1;
                    let short = items.len() < state.page_size;
                    let fingerprints: Vec<u64> = items.iter().map(fingerprint).collect();
                    let new: Vec<bool> = fingerprints.iter().map(|f| !state.seen.contains(f)).collect();
                    if short || !new.contains(&true) {
                        state.done = true;
                    }
                    state.seen.extend(fingerprints);
                    state.buffer.extend(items.into_iter().zip(new).filter_map(|(item, new)| new.then_some(item)));
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn run(pages: fn(i64) -> Vec<u32>, max_pages: u32) -> (Vec<Result<u32, String>>, i64) {
        let fetched = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let counter = fetched.clone();
        let stream = paginate("list", 2, max_pages, move |page| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { Ok(pages(page)) }
        });
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let items = runtime.block_on(stream.map(|r| r.map_err(|e| e.to_string())).collect::<Vec<_>>());
        (items, fetched.load(std::sync::atomic::Ordering::SeqCst))
    }

    #[test]
    fn ends_on_a_short_page_a_repeated_page_or_the_page_limit() {
        let (items, fetched) =
            run(|page| if page < 3 { vec![page as u32 * 10, page as u32 * 10 + 1] } else { vec![] }, 9);
        assert_eq!(items, [Ok(10), Ok(11), Ok(20), Ok(21)]);
        assert_eq!(fetched, 3);
        let (items, fetched) = run(|page| if page % 2 == 1 { vec![1, 2] } else { vec![3, 4] }, 9);
        assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4)]);
        assert_eq!(fetched, 3);
        let (items, fetched) = run(|page| vec![page as u32, 100 + page as u32], 3);
        assert_eq!(items.len(), 7);
        assert!(items[6].as_ref().is_err_and(|e| e.contains("3 pages")), "{items:?}");
        assert_eq!(fetched, 3);
    }
}
