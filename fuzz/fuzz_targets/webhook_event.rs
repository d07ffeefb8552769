//! Any bytes as a webhook payload: a typed event, `Unknown`, or a typed error; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = plugchat_api::webhooks::WebhookEvent::from_slice(data);
});
