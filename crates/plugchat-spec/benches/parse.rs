//! Parsing and checking a whole docs tree in memory, against the floor: a bare
//! pulldown-cmark pass (tables on, offsets on) over the same bytes.
//!
//! `cargo bench -p plugchat-spec --bench parse`. Reads the upstream corpus from
//! `../shared/corpus/plugchat-docs/docs`, or docs-spec when that is absent.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pulldown_cmark::{Options, Parser};

fn corpus() -> (String, Vec<(String, Vec<u8>)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let upstream = root.join("../../../shared/corpus/plugchat-docs/docs");
    let dir = if upstream.is_dir() { upstream } else { root.join("../../docs-spec") };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    let sources = files
        .iter()
        .map(|f| (f.strip_prefix(&dir).unwrap().display().to_string(), std::fs::read(f).unwrap()))
        .collect();
    (dir.display().to_string(), sources)
}

fn bench(c: &mut Criterion) {
    let (display, sources) = corpus();
    let bytes: usize = sources.iter().map(|(_, b)| b.len()).sum();
    let texts: Vec<String> = sources.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("pulldown_cmark_floor", |b| {
        b.iter(|| {
            let mut events = 0usize;
            for text in &texts {
                events += Parser::new_ext(black_box(text), Options::ENABLE_TABLES).into_offset_iter().count();
            }
            events
        })
    });
    group.bench_function("parse_and_check", |b| {
        b.iter(|| {
            plugchat_spec::parse_sources(&display, black_box(&sources), Some("https://app.plugchat.com.br/api".into()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
