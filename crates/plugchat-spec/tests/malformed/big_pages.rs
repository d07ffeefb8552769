//! Generators of pages that make per-page checks quadratic if they compare every pair: shared
//! by the functional tests (`tests/malformed.rs`) and the benchmark (`benches/hostile.rs`).

#![allow(dead_code)]

/// Front matter and a POST method line; the rest is the caller's.
const HEAD: &str = "---\nid: big\ntitle: Big\n---\n\n## Método\n\n`POST` https://x.example/api/big\n\n";

const TABLE_HEAD: &str = "## Atributos\n\n### Obrigatórios\n\n| Atributos | Tipo | Descrição |\n| :-- | :-: | :-- |\n";

/// The line (1-based) of the first row of the table of [`rows`] and [`near_miss_keys`].
pub const FIRST_ROW_LINE: usize = 16;

/// A 4-letter code unique for each `i` below 26⁴.
pub fn code(i: usize) -> String {
    (0..4).rev().map(|k| (b'a' + (i / 26usize.pow(k) % 26) as u8) as char).collect()
}

/// A required table of `count` distinct rows (`field` + code), then the first row again; the
/// request example shows the first row only.
pub fn rows(count: usize) -> String {
    let mut page = String::from(HEAD);
    page.push_str(TABLE_HEAD);
    for i in 0..count {
        page.push_str(&format!("| field{} | string | d |\n", code(i)));
    }
    page.push_str(&format!("| field{} | string | repeated |\n", code(0)));
    page.push_str(&format!("\n## Request Body\n\n```json\n{{ \"field{}\": \"x\" }}\n```\n", code(0)));
    page
}

/// Words of many lengths, far from each other, so names spread over length buckets.
const WORDS: &[&str] = &[
    "phone",
    "status",
    "message",
    "delivery",
    "timestamp",
    "reference",
    "attachments",
    "notification",
    "participants",
    "documentTitle",
    "acknowledgement",
    "conversationOwner",
];

/// The `i`th name of [`near_miss_keys`]' table.
pub fn near_miss_name(i: usize) -> String {
    format!("{}{}", WORDS[i % WORDS.len()], code(i))
}

/// The name with its word's second letter dropped: one edit from its own name, more than
/// one from every other.
pub fn near_miss_key(i: usize) -> String {
    let word = WORDS[i % WORDS.len()];
    format!("{}{}{}", &word[..1], &word[2..], code(i))
}

/// A table of names and a request example whose keys are each one a near miss of one name,
/// about `bytes` long in all; returns the page and the number of names.
pub fn near_miss_keys_counted(bytes: usize) -> (String, usize) {
    let mut table = String::new();
    let mut example = String::new();
    let mut count = 0;
    while HEAD.len() + TABLE_HEAD.len() + table.len() + example.len() < bytes {
        table.push_str(&format!("| {} | string | d |\n", near_miss_name(count)));
        if count > 0 {
            example.push_str(", ");
        }
        example.push_str(&format!("\"{}\": \"x\"", near_miss_key(count)));
        count += 1;
    }
    (format!("{HEAD}{TABLE_HEAD}{table}\n## Request Body\n\n```json\n{{ {example} }}\n```\n"), count)
}

pub fn near_miss_keys(bytes: usize) -> String {
    near_miss_keys_counted(bytes).0
}

/// A short page whose one comment allows unknown rule ids (`nope` + code) for about `bytes`;
/// returns the page and the number of ids.
pub fn allow_comment_counted(bytes: usize) -> (String, usize) {
    let mut comment = String::from("<!-- check: allow");
    let mut count = 0;
    while comment.len() < bytes {
        comment.push_str(&format!(" nope{},", code(count)));
        count += 1;
    }
    comment.push_str(" -->\n");
    (format!("{HEAD}{comment}"), count)
}

pub fn allow_comment(bytes: usize) -> String {
    allow_comment_counted(bytes).0
}
