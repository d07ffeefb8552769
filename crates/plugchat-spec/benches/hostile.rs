//! Pages built to make the checks of one page quadratic: a 40 000-row table (repeated-row
//! detection), 1 MB of example keys that are near misses of a table's names (the
//! misspelled-key check), 1 MB of unknown rule ids in one `<!-- check: allow -->` comment.
//! Each is parsed and checked whole, as `check` does.
//!
//! `cargo bench -p plugchat-spec --bench hostile`. The same pages, smaller, are the
//! functional tests in `tests/malformed.rs` (`big_pages_*`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "../tests/malformed/big_pages.rs"]
mod big_pages;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile_page");
    group.sample_size(10);
    let pages = [
        ("rows_40k", big_pages::rows(40_000)),
        ("near_miss_keys_1mb", big_pages::near_miss_keys(1 << 20)),
        ("allow_comment_1mb", big_pages::allow_comment(1 << 20)),
    ];
    for (name, page) in pages {
        group.throughput(Throughput::Bytes(page.len() as u64));
        let sources = vec![("message/big.md".to_owned(), page.into_bytes())];
        group.bench_function(name, |b| {
            b.iter(|| plugchat_spec::parse_sources("docs", black_box(&sources), Some("https://x.example/api".into())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
