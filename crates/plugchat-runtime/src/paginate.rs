//! Streams over paginated list operations (`page` / `pageSize`).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream};

use crate::error::Error;

/// A stream of items fetched page by page; boxed so generated methods can name it.
pub type Pages<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

struct State<F, T> {
    fetch: F,
    page_size: usize,
    next_page: i64,
    buffer: VecDeque<T>,
    previous: Option<Vec<T>>,
    done: bool,
}

/// Every item of a paginated operation, fetching page 1, 2, ... with `fetch(page)`.
///
/// The stream ends after a page shorter than `page_size` (or empty), after a page identical
/// to the one before (a server that ignores the page number would otherwise loop forever),
/// or after yielding an error.
pub fn paginate<'a, T, F, Fut>(page_size: i64, fetch: F) -> Pages<'a, T>
where
    T: Clone + PartialEq + Send + 'a,
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'a,
{
    let state = State {
        fetch,
        page_size: usize::try_from(page_size.max(1)).unwrap_or(1),
        next_page: 1,
        buffer: VecDeque::new(),
        previous: None,
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
            match (state.fetch)(state.next_page).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok(items) => {
                    state.next_page += 1;
                    if items.len() < state.page_size || state.previous.as_ref() == Some(&items) {
                        state.done = true;
                    }
                    if state.previous.as_ref() != Some(&items) {
                        state.buffer.extend(items.iter().cloned());
                    }
                    state.previous = Some(items);
                }
            }
        }
    }))
}
