//! Rust names for things the docs name: page ids, attributes, placeholders.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Words that cannot be plain identifiers (`r#type` is fine, `r#self` is not).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps letters, digits and separators, so `{{Id-do-produto}}` → `Id-do-produto`.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect::<String>().trim().to_owned()
}

/// `get-profile-picture` → `get_profile_picture`, a valid identifier whatever the input.
pub(crate) fn snake(name: &str) -> Ident {
    let mut snake = words(name).to_snake_case();
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    ident(&snake)
}

/// `get-profile-picture` → `GetProfilePicture`.
pub(crate) fn camel(name: &str) -> Ident {
    let mut camel = words(name).to_upper_camel_case();
    if camel.is_empty() || camel.starts_with(|c: char| c.is_ascii_digit()) {
        camel.insert(0, 'T');
    }
    ident(&camel)
}

fn ident(name: &str) -> Ident {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if NOT_RAW.contains(&ascii.as_str()) {
        Ident::new(&format!("{ascii}_"), Span::call_site())
    } else if KEYWORDS.contains(&ascii.as_str()) {
        Ident::new_raw(&ascii, Span::call_site())
    } else {
        Ident::new(&ascii, Span::call_site())
    }
}

/// The name a placeholder or attribute is compared by: letters and digits, lower case.
pub(crate) fn key(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
