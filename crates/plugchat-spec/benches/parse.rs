//! Parsing and checking a whole docs tree in memory, against the floor: a bare
//! pulldown-cmark pass (tables on, offsets on) over the same bytes.
//!
//! A third measurement is the part of the parse no parser of this model can skip: checking
//! the bytes are UTF-8, the same pulldown-cmark pass, and each JSON fence read into the
//! `serde_json::Value` the model stores (broken ones are only attempted, not repaired), all
//! dropped at the end. Against the floor it bounds how close the full parse can come to it.
//!
//! `cargo bench -p plugchat-spec --bench parse`. Reads the upstream corpus
//! (`$PLUGCHAT_CORPUS`, relative to the workspace, or `../shared/corpus`), or docs-spec when
//! that is absent.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

fn corpus() -> (String, Vec<(String, Vec<u8>)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = match std::env::var_os("PLUGCHAT_CORPUS") {
        Some(dir) if !dir.is_empty() => root.join("../..").join(dir),
        _ => root.join("../../../shared/corpus"),
    };
    let upstream = corpus.join("plugchat-docs/docs");
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
    group.bench_function("unavoidable_utf8_markdown_and_example_values", |b| {
        b.iter(|| unavoidable_work(black_box(&sources)))
    });
    group.bench_function("parse_and_check", |b| {
        b.iter(|| {
            plugchat_spec::parse_sources(&display, black_box(&sources), Some("https://app.plugchat.com.br/api".into()))
        })
    });
    group.finish();
}

/// UTF-8 validation, the pulldown-cmark pass and every JSON fence as a `Value`, kept until
/// the end like the model keeps them: what any parser producing `plugchat-model` does.
fn unavoidable_work(sources: &[(String, Vec<u8>)]) -> Vec<serde_json::Value> {
    let mut values = Vec::new();
    for (_, bytes) in sources {
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        let mut json: Option<String> = None;
        for (event, _) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.starts_with("json") => {
                    json = Some(String::new())
                }
                Event::Text(text) => {
                    if let Some(json) = json.as_mut() {
                        json.push_str(&text)
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(Ok(value)) = json.take().map(|j| serde_json::from_str(&j)) {
                        values.push(value)
                    }
                }
                _ => {}
            }
        }
    }
    values
}

criterion_group!(benches, bench);
criterion_main!(benches);
