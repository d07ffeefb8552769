//! Decoding what a webhook receiver and a client decode, against two baselines: the same bytes
//! into a `serde_json::Value`, and into strict `#[derive(Deserialize)]` structs of the same shape
//! with `Option` fields (what a careful hand-written receiver would use: no lenient scalars, no
//! mismatches kept, a value of another type an error).
//!
//! `cargo bench -p plugchat-tests --bench decode`. First an interleaved table (each round times
//! every contender of a row in turn, the order rotated between rounds; medians of the rounds,
//! ratios taken per round, so other work on the machine weighs on all of them alike), then
//! criterion's own measurements. `PLUGCHAT_BENCH_ROUNDS` sets the rounds (11).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use plugchat_api::webhooks::WebhookEvent;
use serde::Deserialize;
use serde_json::Value;

/// The strict baseline of the `message-received` event: every documented field, its documented
/// type, `Option`.
mod strict {
    use serde::Deserialize;
    use serde_json::{Number, Value};

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct MessageReceived {
        phone: Option<String>,
        instance_id: Option<String>,
        from_me: Option<bool>,
        momment: Option<i64>,
        status: Option<String>,
        sender_name: Option<String>,
        participant_phone: Option<String>,
        photo: Option<String>,
        broadcast: Option<bool>,
        r#type: Option<String>,
        chat_name: Option<String>,
        sender_photo: Option<String>,
        connected_phone: Option<String>,
        sender_lid: Option<String>,
        participant_lid: Option<String>,
        is_group: Option<bool>,
        is_newsletter: Option<bool>,
        is_status_reply: Option<bool>,
        is_edit: Option<bool>,
        waiting_message: Option<bool>,
        forwarded: Option<bool>,
        message_id: Option<String>,
        reference_message_id: Option<String>,
        notification: Option<String>,
        notification_parameters: Option<Vec<String>>,
        profile_name: Option<String>,
        call_id: Option<String>,
        text: Option<Text>,
        buttons_response_message: Option<ButtonsResponse>,
        list_response_message: Option<ListResponse>,
        image: Option<Image>,
        audio: Option<Audio>,
        video: Option<Video>,
        contact: Option<Contact>,
        document: Option<Document>,
        location: Option<Location>,
        sticker: Option<Sticker>,
        request_payment: Option<RequestPayment>,
        send_payment: Option<SendPayment>,
        product: Option<Product>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Text {
        message: Option<String>,
        description: Option<String>,
        title: Option<String>,
        url: Option<String>,
        thumbnail_url: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct ButtonsResponse {
        button_id: Option<String>,
        message: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct ListResponse {
        message: Option<String>,
        title: Option<String>,
        selected_row_id: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Image {
        image_url: Option<String>,
        thumbnail_url: Option<String>,
        mime_type: Option<String>,
        caption: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Audio {
        audio_url: Option<String>,
        mime_type: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Video {
        video_url: Option<String>,
        mime_type: Option<String>,
        caption: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Contact {
        display_name: Option<String>,
        #[serde(rename = "vCard")]
        v_card: Option<String>,
        phones: Option<Vec<String>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Document {
        document_url: Option<String>,
        mime_type: Option<String>,
        title: Option<String>,
        file_name: Option<String>,
        page_count: Option<i64>,
        thumbnail_url: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Location {
        latitude: Option<Number>,
        longitude: Option<Number>,
        name: Option<String>,
        address: Option<String>,
        url: Option<String>,
        thumbnail_url: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Sticker {
        sticker_url: Option<String>,
        mime_type: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct RequestPayment {
        value: Option<Number>,
        currency_code: Option<String>,
        expiration: Option<i64>,
        request_phone: Option<String>,
        payment_info: Option<PaymentInfo>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct SendPayment {
        payment_info: Option<PaymentInfo>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct PaymentInfo {
        receiver_phone: Option<String>,
        value: Option<Number>,
        currency_code: Option<String>,
        status: Option<String>,
        transaction_status: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Product {
        product_id: Option<String>,
        title: Option<String>,
        description: Option<String>,
        price: Option<Number>,
        currency_code: Option<String>,
        product_image: Option<String>,
        product_image_count: Option<i64>,
        first_image_id: Option<String>,
        business_owner_jid: Option<String>,
        retailer_id: Option<String>,
        url: Option<String>,
    }

    /// The send-text answer.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct SendText {
        zaap_id: Option<String>,
        message_id: Option<String>,
        id: Option<String>,
    }

    /// One item of get-chat-messages' answer.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct ChatMessage {
        instance_id: Option<String>,
        message_id: Option<String>,
        phone: Option<String>,
        from_me: Option<bool>,
        momment: Option<i64>,
        status: Option<String>,
        chat_name: Option<String>,
        sender_photo: Option<String>,
        sender_name: Option<String>,
        participant_phone: Option<String>,
        photo: Option<String>,
        broadcast: Option<bool>,
        text: Option<Value>,
        image: Option<Value>,
        document: Option<Value>,
        contact: Option<Value>,
    }
}

/// One contender of a row: decodes every input once per call.
type Run<'a> = Box<dyn Fn() + 'a>;

/// A row of the table: its inputs' size and the SDK with its baselines (`None` where there is
/// no strict baseline).
struct Row<'a> {
    label: String,
    bytes: usize,
    sdk: Run<'a>,
    value: Run<'a>,
    strict: Option<Run<'a>>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Seconds per call of `run`, timed over about 20 ms.
fn time(run: &dyn Fn(), iterations: u32) -> f64 {
    let started = Instant::now();
    for _ in 0..iterations {
        run();
    }
    started.elapsed().as_secs_f64() / f64::from(iterations)
}

/// Times every row's contenders interleaved and prints throughput and ratios.
fn interleaved(rows: &[Row<'_>], rounds: usize) {
    println!(
        "\n{rounds} rounds, interleaved; medians (MiB/s), ratios = SDK time ÷ baseline time, median of the rounds"
    );
    println!("| input | SDK | Value | strict derive | SDK ÷ Value | SDK ÷ strict |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        let mut contenders: Vec<&dyn Fn()> = vec![&*row.sdk, &*row.value];
        contenders.extend(row.strict.as_deref().map(|s| s as &dyn Fn()));
        // Calls per measurement: about 20 ms each.
        let once = time(&*row.sdk, 10).max(1e-9);
        let iterations = ((0.02 / once) as u32).max(1);
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
        for round in 0..rounds {
            for k in 0..contenders.len() {
                let at = (k + round) % contenders.len();
                times[at].push(time(contenders[at], iterations));
            }
        }
        let mib = |t: f64| row.bytes as f64 / t / (1024.0 * 1024.0);
        let ratio = |other: usize| median(times[0].iter().zip(&times[other]).map(|(s, o)| s / o).collect());
        let strict = (times.len() > 2).then(|| (mib(median(times[2].clone())), ratio(2)));
        println!(
            "| {} | {:.0} | {:.0} | {} | {:.2}× | {} |",
            row.label,
            mib(median(times[0].clone())),
            mib(median(times[1].clone())),
            strict.map_or("–".to_owned(), |(m, _)| format!("{m:.0}")),
            ratio(1),
            strict.map_or("–".to_owned(), |(_, r)| format!("{r:.2}×")),
        );
    }
    println!();
}

/// The documented material the benchmark decodes.
struct Inputs {
    /// `message-received`'s payload examples.
    received: Vec<Vec<u8>>,
    /// Every callback page's payload examples.
    webhooks: Vec<Vec<u8>>,
    /// The success example of every operation, with its page id.
    responses: Vec<(String, Vec<u8>)>,
}

fn inputs() -> Inputs {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-spec");
    let (spec, _) = plugchat_spec::parse_tree(&docs);
    // Every ```json fence of the callback pages holding one JSON object (the pages show one
    // payload per fence), re-encoded compactly as a sender would send it.
    let payloads = |only: Option<&str>| -> Vec<Vec<u8>> {
        let mut files: Vec<_> = std::fs::read_dir(docs.join("webhooks/callbacks"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| only.is_none_or(|name| p.file_stem().is_some_and(|s| s == name)))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for fence in text.split("```json").skip(1) {
                let body = fence.split("```").next().unwrap_or_default();
                if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(body) {
                    out.push(serde_json::to_vec(&value).unwrap());
                }
            }
        }
        out
    };
    let responses = spec
        .operations()
        .filter_map(|(page, operation)| {
            let response = operation.responses.iter().find(|r| (200..300).contains(&r.status))?;
            Some((page.id.clone(), serde_json::to_vec(response.example.as_ref()?).unwrap()))
        })
        .collect();
    Inputs { received: payloads(Some("message-received")), webhooks: payloads(None), responses }
}

fn size(inputs: &[Vec<u8>]) -> usize {
    inputs.iter().map(Vec::len).sum()
}

fn each<'a>(inputs: &'a [Vec<u8>], decode: impl Fn(&[u8]) + 'a) -> Run<'a> {
    Box::new(move || {
        for input in inputs {
            decode(black_box(input));
        }
    })
}

fn value(bytes: &[u8]) {
    black_box(serde_json::from_slice::<Value>(bytes).unwrap());
}

fn strict_of<T: for<'de> Deserialize<'de>>(bytes: &[u8]) {
    black_box(serde_json::from_slice::<T>(bytes).unwrap());
}

fn response<'a>(inputs: &'a Inputs, id: &str) -> &'a [u8] {
    &inputs.responses.iter().find(|(i, _)| i == id).unwrap_or_else(|| panic!("no example for {id}")).1
}

fn rows(inputs: &Inputs) -> Vec<Row<'_>> {
    let sdk_event = |bytes: &[u8]| {
        let event = WebhookEvent::from_slice(bytes).unwrap();
        assert!(!matches!(event, WebhookEvent::Unknown(_)));
        black_box(event);
    };
    let send_text = std::slice::from_ref(&inputs.responses.iter().find(|(i, _)| i == "send-text").unwrap().1);
    let messages = std::slice::from_ref(&inputs.responses.iter().find(|(i, _)| i == "get-chat-messages").unwrap().1);
    let items = serde_json::from_slice::<Vec<Value>>(response(inputs, "get-chat-messages")).unwrap().len();
    let all: Vec<&[u8]> = inputs.responses.iter().map(|(_, b)| b.as_slice()).collect();
    let all_bytes: usize = all.iter().map(|b| b.len()).sum();
    let sdk_answer = |id: &'static str| move |bytes: &[u8]| plugchat_api::dynamic::decode(id, bytes).unwrap().unwrap();
    vec![
        Row {
            label: format!("message-received, {} examples", inputs.received.len()),
            bytes: size(&inputs.received),
            sdk: each(&inputs.received, sdk_event),
            value: each(&inputs.received, value),
            strict: Some(each(&inputs.received, strict_of::<strict::MessageReceived>)),
        },
        Row {
            label: format!("all {} webhook examples", inputs.webhooks.len()),
            bytes: size(&inputs.webhooks),
            sdk: each(&inputs.webhooks, sdk_event),
            value: each(&inputs.webhooks, value),
            strict: None,
        },
        Row {
            label: "send-text answer".to_owned(),
            bytes: size(send_text),
            sdk: each(send_text, sdk_answer("send-text")),
            value: each(send_text, value),
            strict: Some(each(send_text, strict_of::<strict::SendText>)),
        },
        Row {
            label: format!("get-chat-messages, {items} items"),
            bytes: size(messages),
            sdk: each(messages, sdk_answer("get-chat-messages")),
            value: each(messages, value),
            strict: Some(each(messages, strict_of::<Vec<strict::ChatMessage>>)),
        },
        Row {
            label: format!("all {} documented answers", all.len()),
            bytes: all_bytes,
            sdk: Box::new({
                let responses = &inputs.responses;
                move || {
                    for (id, body) in responses {
                        black_box(plugchat_api::dynamic::decode(id, black_box(body))).unwrap().unwrap();
                    }
                }
            }),
            value: Box::new(move || {
                for body in &all {
                    value(black_box(body));
                }
            }),
            strict: None,
        },
    ]
}

fn criterion_benches(c: &mut Criterion, inputs: &Inputs) {
    let mut group = c.benchmark_group("documented_responses");
    group.throughput(Throughput::Bytes(inputs.responses.iter().map(|(_, b)| b.len() as u64).sum()));
    group.bench_function(format!("decode_all_{}", inputs.responses.len()), |b| {
        b.iter(|| {
            for (id, body) in &inputs.responses {
                let _ = black_box(plugchat_api::dynamic::decode(id, black_box(body)));
            }
        })
    });
    group.finish();
    let mut group = c.benchmark_group("message_received");
    group.throughput(Throughput::Bytes(size(&inputs.received) as u64));
    group.bench_function("sdk", |b| {
        b.iter(|| {
            for body in &inputs.received {
                let _ = black_box(WebhookEvent::from_slice(black_box(body)));
            }
        })
    });
    group.bench_function("strict_derive", |b| {
        b.iter(|| {
            for body in &inputs.received {
                let _ = black_box(serde_json::from_slice::<strict::MessageReceived>(black_box(body)));
            }
        })
    });
    group.finish();
    // The two answers of the table, SDK and strict derive, one by one (to profile each).
    for (id, strict) in [
        ("send-text", strict_of::<strict::SendText> as fn(&[u8])),
        ("get-chat-messages", strict_of::<Vec<strict::ChatMessage>>),
    ] {
        let body = response(inputs, id);
        let mut group = c.benchmark_group(id);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group
            .bench_function("sdk", |b| b.iter(|| plugchat_api::dynamic::decode(id, black_box(body)).unwrap().unwrap()));
        group.bench_function("strict_derive", |b| b.iter(|| strict(black_box(body))));
        group.finish();
    }
}

fn main() {
    let inputs = inputs();
    // Every baseline decodes every input (or the comparison would be with an error path).
    for (id, body) in &inputs.responses {
        plugchat_api::dynamic::decode(id, body).expect("known id").expect("the documented example decodes");
    }
    for body in &inputs.received {
        serde_json::from_slice::<strict::MessageReceived>(body).expect("the strict baseline decodes the example");
    }
    // `PLUGCHAT_BENCH_RUN=ROW:CONTENDER:CALLS` (row of the table from 0; contender 0 = SDK,
    // 1 = `Value`, 2 = strict) only calls that contender, for a profiler (`perf record`) or a
    // counter (`perf stat -e instructions:u`, minus the same run with 0 calls) to see it alone.
    if let Ok(run) = std::env::var("PLUGCHAT_BENCH_RUN") {
        let parts: Vec<usize> = run.split(':').map(|p| p.parse().expect("ROW:CONTENDER:CALLS")).collect();
        let rows = rows(&inputs);
        let row = &rows[parts[0]];
        let contender: &dyn Fn() = match parts[1] {
            0 => &*row.sdk,
            1 => &*row.value,
            _ => row.strict.as_deref().expect("a strict baseline"),
        };
        for _ in 0..parts[2] {
            contender();
        }
        return;
    }
    let benching = std::env::args().any(|a| a == "--bench");
    if benching {
        let rounds = std::env::var("PLUGCHAT_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(11);
        interleaved(&rows(&inputs), rounds);
    }
    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &inputs);
    criterion.final_summary();
}
