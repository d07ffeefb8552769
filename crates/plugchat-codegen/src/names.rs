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
    ascii(name).chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect::<String>().trim().to_owned()
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

/// Letters outside ASCII: Latin accents folded (`ç` → `c`), anything else spelled by its code
/// point (`名` → `u540d`), so different names stay different identifiers.
pub(crate) fn ascii(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || c == '_' => out.push(c),
            'á' | 'à' | 'â' | 'ã' | 'ä' => out.push('a'),
            'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => out.push('A'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'É' | 'È' | 'Ê' | 'Ë' => out.push('E'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'Í' | 'Ì' | 'Î' | 'Ï' => out.push('I'),
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => out.push('O'),
            'ú' | 'ù' | 'û' | 'ü' => out.push('u'),
            'Ú' | 'Ù' | 'Û' | 'Ü' => out.push('U'),
            'ç' => out.push('c'),
            'Ç' => out.push('C'),
            'ñ' => out.push('n'),
            'Ñ' => out.push('N'),
            c if c.is_alphanumeric() => out.push_str(&format!("u{:x}", c as u32)),
            _ => out.push('_'),
        }
    }
    out
}

fn ident(name: &str) -> Ident {
    let ascii = ascii(name);
    if NOT_RAW.contains(&ascii.as_str()) {
        Ident::new(&format!("{ascii}_"), Span::call_site())
    } else if KEYWORDS.contains(&ascii.as_str()) {
        Ident::new_raw(&ascii, Span::call_site())
    } else {
        Ident::new(&ascii, Span::call_site())
    }
}

/// The name a placeholder or attribute is compared by: letters and digits, lower case (the
/// model's one rule).
pub(crate) use plugchat_model::name_key as key;

/// Hands out identifiers that differ from every one handed out before, deterministically:
/// a name that is taken (or reserved) gets `_2`, `_3`, ... (snake case) or `2`, `3`, ...
/// (camel case). Snake names are compared without underscores and case, because a builder
/// derives type parameter names from setters (`phone_1` and `phone1` both give `_Phone1`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Unique {
    taken: std::collections::HashSet<String>,
}

fn snake_key(name: &str) -> String {
    name.trim_start_matches("r#").chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect()
}

impl Unique {
    /// An allocator for snake-case names where `reserved` are already taken.
    pub(crate) fn reserving(reserved: &[&str]) -> Self {
        Unique { taken: reserved.iter().map(|r| snake_key(r)).collect() }
    }

    /// Marks a camel-case name as taken.
    pub(crate) fn take_camel(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Whether the camel-case `name` is taken.
    pub(crate) fn has_camel(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// A unique snake-case identifier for `name`.
    pub(crate) fn snake(&mut self, name: &str) -> Ident {
        self.snake_with(name, None)
    }

    /// [`Unique::snake`], also keeping `{prefix}{ident}` free (the builder's `maybe_x` setter
    /// of an optional member `x`).
    pub(crate) fn snake_with(&mut self, name: &str, also: Option<&str>) -> Ident {
        let base = snake(name);
        let text = base.to_string().trim_start_matches("r#").to_owned();
        self.claim(base, text, also)
    }

    /// A unique snake-case setter name: [`Unique::snake_with`] without leading underscores,
    /// (the builder's own fields and locals start with `__`; `_` alone is no name), and not
    /// starting with a digit.
    pub(crate) fn setter(&mut self, name: &str, also: Option<&str>) -> Ident {
        let base = snake(name);
        let text = base.to_string();
        let trimmed = text.trim_start_matches('_');
        if trimmed.len() == text.len() {
            return self.claim(base, text.trim_start_matches("r#").to_owned(), also);
        }
        let text = if trimmed.is_empty() || trimmed.starts_with(|c: char| c.is_ascii_digit()) {
            format!("attribute_{trimmed}").trim_end_matches('_').to_owned()
        } else {
            trimmed.to_owned()
        };
        self.claim(ident(&text), text, also)
    }

    fn claim(&mut self, base: Ident, text: String, also: Option<&str>) -> Ident {
        let free = |candidate: &str, taken: &std::collections::HashSet<String>| {
            !taken.contains(&snake_key(candidate))
                && also.is_none_or(|prefix| !taken.contains(&snake_key(&format!("{prefix}{candidate}"))))
        };
        let chosen = if free(&text, &self.taken) {
            base
        } else {
            let candidate = (2..).map(|n| format!("{text}_{n}")).find(|c| free(c, &self.taken)).expect("unbounded");
            ident(&candidate)
        };
        let text = chosen.to_string().trim_start_matches("r#").to_owned();
        self.taken.insert(snake_key(&text));
        if let Some(prefix) = also {
            self.taken.insert(snake_key(&format!("{prefix}{text}")));
        }
        chosen
    }

    /// A unique camel-case identifier: `prefix` followed by `name` in camel case.
    pub(crate) fn camel(&mut self, prefix: &str, name: &str) -> Ident {
        let base = format!("{prefix}{}", if name.is_empty() { String::new() } else { camel(name).to_string() });
        let chosen = if self.taken.contains(&base) {
            (2..).map(|n| format!("{base}{n}")).find(|c| !self.taken.contains(c)).expect("unbounded")
        } else {
            base
        };
        self.taken.insert(chosen.clone());
        ident(&chosen)
    }
}
