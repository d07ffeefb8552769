//! Decoding every documented response example of docs-spec into its generated type.
//!
//! `cargo bench -p plugchat-tests --bench decode`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let (spec, _) = plugchat_spec::parse_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec"));
    let examples: Vec<(String, Vec<u8>)> = spec
        .operations()
        .filter_map(|(page, operation)| {
            let response = operation.responses.iter().find(|r| (200..300).contains(&r.status))?;
            Some((page.id.clone(), serde_json::to_vec(response.example.as_ref()?).unwrap()))
        })
        .collect();
    for (id, body) in &examples {
        plugchat_api::dynamic::decode(id, body).expect("known id").expect("the documented example decodes");
    }
    let bytes: usize = examples.iter().map(|(_, b)| b.len()).sum();
    let mut group = c.benchmark_group("documented_responses");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("decode_all_{}", examples.len()), |b| {
        b.iter(|| {
            for (id, body) in &examples {
                let _ = black_box(plugchat_api::dynamic::decode(id, black_box(body)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
