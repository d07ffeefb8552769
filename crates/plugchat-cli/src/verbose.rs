//! `--verbose`: each attempt's request and answer on stderr, as `curl -v` shows them (`>` sent,
//! `<` received), from the client's own hook: what is printed is what was sent. The hook never
//! sees the token (the client adds `Authorization` after hooks run, and redacts it from answers
//! and errors), so `authorization: [redacted]` stands for it.

use std::io::Write;

use plugchat_api::{AttemptReport, Hook};

pub struct Verbose;

fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    // Bodies are JSON; a large one is cut so the exchange stays readable.
    const MAX: usize = 16 * 1024;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], body.len()),
        None => text.into_owned(),
    }
}

impl Hook for Verbose {
    fn after_attempt(&self, report: &AttemptReport<'_>) {
        let mut out = format!("> {} {}\n", report.method, report.request.url);
        if report.attempt > 1 {
            out = format!("* attempt {}\n{out}", report.attempt);
        }
        out.push_str("> authorization: [redacted]\n");
        for (name, value) in report.request.headers {
            out.push_str(&format!("> {name}: {}\n", String::from_utf8_lossy(value.as_bytes())));
        }
        if let Some(body) = report.request.body.filter(|b| !b.is_empty()) {
            out.push_str(&format!(">\n> {}\n", body_text(body)));
        }
        match &report.response {
            Some(response) => {
                out.push_str(&format!("< {} ({} ms)\n", response.status, report.elapsed.as_millis()));
                for (name, value) in response.headers {
                    out.push_str(&format!("< {name}: {}\n", String::from_utf8_lossy(value.as_bytes())));
                }
                if !response.body.is_empty() {
                    out.push_str(&format!("<\n< {}\n", body_text(response.body)));
                }
            }
            None => {
                let error = report.error.map_or_else(|| "no answer".to_owned(), crate::describe_error);
                out.push_str(&format!("* {error}\n"));
            }
        }
        if report.will_retry {
            out.push_str("* retrying\n");
        }
        let _ = std::io::stderr().lock().write_all(out.as_bytes());
    }
}
