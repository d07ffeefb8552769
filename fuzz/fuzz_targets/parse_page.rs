//! Any bytes as a page, and as a two-page tree (so cross-page checks run too): the parser
//! must return a page and diagnostics, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let options = plugchat_spec::ParseOptions { base_url: Some("https://api.example.com/api".into()) };
    let _ = plugchat_spec::parse_page("fuzz.md", &text, &options);
    let half = data.len() / 2;
    let sources = vec![("a/one.md".to_owned(), data[..half].to_vec()), ("a/two.md".to_owned(), data[half..].to_vec())];
    let _ = plugchat_spec::parse_sources("fuzz", &sources, Some("https://api.example.com/api".into()));
});
