//! One request through plugchat-api against the same request written by hand with reqwest
//! and serde, both against the same local axum server answering the same payload.
//!
//! `cargo bench -p plugchat-tests --bench request`. The ratio of the two times is the
//! overhead the generated client adds to every call.

use std::hint::black_box;

use axum::Json;
use axum::routing::post;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};

const ANSWER: &str = r#"{"zaapId":"3999984263738042930CD6ECDE9VDWSA","messageId":"D241XXXX732339502B68"}"#;

/// What a careful hand-written client would send and decode.
#[derive(Serialize)]
struct SendText<'a> {
    phone: &'a str,
    message: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Sent {
    #[serde(rename = "zaapId")]
    zaap_id: String,
    #[serde(rename = "messageId")]
    message_id: String,
}

/// The send-text call written by hand with reqwest + serde: the baseline.
async fn by_hand(http: &reqwest::Client, url: &str) -> Sent {
    let response = http
        .post(url)
        .header("Authorization", "my-token")
        .json(&SendText { phone: "5511999999999", message: "Olá" })
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice::<Sent>(&bytes).unwrap()
}

fn bench(c: &mut Criterion) {
    // The server runs on its own thread and runtime, so both clients meet the same server
    // and share the client runtime on equal terms.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let server = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        server.block_on(async move {
            let app = axum::Router::new().route(
                "/api/whatsapp/send-text",
                post(|Json(_): Json<serde_json::Value>| async { ([("content-type", "application/json")], ANSWER) }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let base = format!("http://{}/api", receiver.recv().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let client = plugchat_api::Client::builder().token("my-token").base_url(&base).build().unwrap();
    let http = reqwest::Client::new();
    let url = format!("{base}/whatsapp/send-text");

    let mut group = c.benchmark_group("send_text");
    group.bench_function("hand_written_reqwest_serde", |b| {
        b.to_async(&runtime).iter(|| async { black_box(by_hand(&http, &url).await) })
    });
    group.bench_function("plugchat_api", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(client.send_text().phone("5511999999999").message("Olá").send().await.unwrap())
        })
    });
    group.finish();

    // Loopback timings drift between criterion's runs of one function and the next, so the
    // ratio is also measured interleaved: rounds of N requests each way, alternating.
    let (rounds, per_round) = (41, 400);
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        runtime.block_on(async {
            for _ in 0..per_round {
                black_box(by_hand(&http, &url).await);
            }
        });
        let hand = started.elapsed();
        let started = std::time::Instant::now();
        runtime.block_on(async {
            for _ in 0..per_round {
                black_box(client.send_text().phone("5511999999999").message("Olá").send().await.unwrap());
            }
        });
        let ours = started.elapsed();
        ratios.push(hand.as_secs_f64() / ours.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "send_text interleaved: plugchat_api throughput = {:.1}% of hand-written (median of {rounds} rounds of {per_round} requests each way; min {:.1}%, max {:.1}%)",
        ratios[rounds / 2] * 100.0,
        ratios[0] * 100.0,
        ratios[rounds - 1] * 100.0
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
