//! The format's vocabulary: which heading opens which part of a page (Portuguese or English,
//! accents and case ignored, levels ignored because pages disagree on them), which attribute
//! table a heading names, status headings, and the labels that mark a nested response table.

use crate::model::{Attribute, Tipo};

/// The part of a page a block belongs to, from the last section heading above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Preamble,
    Method,
    Header,
    Concept,
    Attributes,
    Request,
    Response,
    /// `## Evento`: the table telling a webhook payload's event apart.
    Event,
    /// `## Exemplos`: example payloads of a webhook page.
    Examples,
    Other,
}

/// Which attribute table a table under the attributes section fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AttributeGroup {
    Unnamed,
    Required,
    Optional,
    /// The fields of an object (`### Button`), or its optional ones (`### Opcionais Button`).
    SubTable {
        name: String,
        optional: bool,
    },
}

/// Lower case, accents folded, trailing colons dropped: `Obrigatórios:` → `obrigatorios`.
pub(crate) fn normalize(heading: &str) -> String {
    let mut folded = String::new();
    normalize_into(heading, &mut folded);
    folded
}

/// [`normalize`] into `folded`, replacing what it held (headings are normalised into one
/// buffer per page).
pub(crate) fn normalize_into(heading: &str, folded: &mut String) {
    let heading = heading.trim();
    folded.clear();
    if heading.bytes().all(|b| b.is_ascii() && b != b'`' && b != b'*') {
        // Nothing to fold or drop but case.
        folded.push_str(heading);
        folded.make_ascii_lowercase();
    } else {
        fold_into(heading, folded);
    }
    let end = folded.trim_end().trim_end_matches(':').trim_end().len();
    folded.truncate(end);
}

/// Lower case, accents folded, `` ` `` and `*` dropped.
fn fold_into(heading: &str, folded: &mut String) {
    folded.reserve(heading.len());
    let mut rest = heading;
    while !rest.is_empty() {
        // A run of plain ASCII at once, then the character ending it.
        let run = rest.bytes().position(|b| !b.is_ascii() || b == b'`' || b == b'*').unwrap_or(rest.len());
        let from = folded.len();
        folded.push_str(&rest[..run]);
        folded[from..].make_ascii_lowercase();
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        let c = match c {
            '`' | '*' => continue,
            'á' | 'à' | 'â' | 'ã' | 'Á' | 'À' | 'Â' | 'Ã' => 'a',
            'é' | 'ê' | 'É' | 'Ê' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'o',
            'ú' | 'Ú' => 'u',
            'ç' | 'Ç' => 'c',
            c => c,
        };
        folded.push(c);
    }
}

pub(crate) fn is_section_heading(heading: &str) -> bool {
    section_of(heading).is_some()
}

pub(crate) fn section_of(heading: &str) -> Option<Section> {
    section_named(&normalize(heading))
}

/// [`section_of`] a heading already normalised.
pub(crate) fn section_named(name: &str) -> Option<Section> {
    const SECTIONS: &[(&[&str], Section)] = &[
        (&["metodo", "method", "endpoint"], Section::Method),
        (&["header"], Section::Header),
        (&["conceituacao", "conceito", "concept", "overview"], Section::Concept),
        (&["atributos", "parametros", "attributes", "parameters"], Section::Attributes),
        (&["request", "exemplo de requisicao", "requisicao", "example request"], Section::Request),
        (&["response", "resposta", "retorno"], Section::Response),
        (&["evento", "event", "callback"], Section::Event),
        (&["exemplos", "examples", "payloads", "payload"], Section::Examples),
        (&["code", "codigo"], Section::Other),
    ];
    // `word`, `word ...` or a plural `words`: no allocation, this runs for every heading.
    let names = |w: &str| {
        name.strip_prefix(w).is_some_and(|rest| rest.is_empty() || rest.starts_with(' ') || rest.starts_with('s'))
    };
    SECTIONS.iter().find(|(words, _)| words.iter().any(|w| names(w))).map(|(_, section)| *section)
}

/// The attribute group a heading names; `name` is the heading normalised.
pub(crate) fn attribute_group_of(heading: &str, name: &str) -> AttributeGroup {
    let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
    let rest = rest.trim();
    // `Obrigatórios (Query String)` qualifies the group; `Opcionais Button` names an object.
    let names_object = !rest.is_empty() && !rest.starts_with('(');
    let object = || heading.trim().split_once(' ').map_or("", |(_, r)| r).trim().to_owned();
    if ["obrigatori", "required"].iter().any(|w| first.starts_with(w)) {
        if names_object {
            AttributeGroup::SubTable { name: object(), optional: false }
        } else {
            AttributeGroup::Required
        }
    } else if ["opcio", "optional"].iter().any(|w| first.starts_with(w)) {
        if names_object {
            AttributeGroup::SubTable { name: object(), optional: true }
        } else {
            AttributeGroup::Optional
        }
    } else {
        AttributeGroup::SubTable { name: heading.trim().trim_end_matches(':').to_owned(), optional: false }
    }
}

/// `200`, `200 - Sucesso` or `415:` → the status and what follows it.
pub(crate) fn status_of(heading: &str) -> Option<(u16, String)> {
    let digits = heading.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 3 {
        return None;
    }
    let status = heading[..3].parse().ok()?;
    let rest = heading[3..].trim_start_matches([' ', '-', ':', '–']).trim();
    Some((status, rest.to_owned()))
}

/// A short paragraph (not a heading) labelling the table below it as a nested object of the
/// response whose `fields` are read so far: `Objeto Exactsales`, `Array Messages`, or any short
/// label naming one of those fields or its Tipo (`Array String (participants)`). Returns the
/// object's name. The first table of a response is its own, so with no fields yet there is none.
///
/// Why by shape and not by position alone: a second table right under the first, with no
/// label, stays the response's (some pages split one table in two).
pub(crate) fn nested_table_label(text: &str, fields: &[Attribute]) -> Option<String> {
    let label = text.trim().trim_matches('*').trim_end_matches(':').trim();
    let words = label.split_whitespace().count();
    if fields.is_empty() || label.contains('\n') || label.len() > 60 || !(1..=4).contains(&words) {
        return None;
    }
    let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let tokens: Vec<String> = label.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(key).collect();
    let named = |written: &str| !written.is_empty() && tokens.contains(&key(written));
    // A Tipo counts only when it names something (`Exactsales`): `string` names no field.
    let names_object = |f: &Attribute| match f.tipo() {
        Tipo::Named(name) => named(&name),
        Tipo::List(element) => matches!(*element, Tipo::Named(name) if named(&name)),
        _ => false,
    };
    if let Some(field) = fields.iter().find(|f| named(&f.name) || names_object(f)) {
        return Some(field.name.clone());
    }
    let (first, rest) = label.split_once(char::is_whitespace)?;
    ["array", "objeto", "object", "lista", "list"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
        .then(|| rest.trim().to_owned())
}

/// A short paragraph (not a heading) labelling the attribute table below it as the fields of
/// a nested object of the request: `Object (order)`, `Objeto order`, `Array (items)`, or a
/// label naming one of the `fields` read so far (its name, or the sub-table its Tipo names).
/// Returns the object's name: the one the label gives, the Tipo it names, or the field's name.
pub(crate) fn object_label(text: &str, fields: &[Attribute]) -> Option<String> {
    let label = text.trim().trim_matches('*').trim_end_matches(':').trim();
    if label.contains('\n') || label.len() > 60 || !(1..=4).contains(&label.split_whitespace().count()) {
        return None;
    }
    let explicit = label.split_once(|c: char| c.is_whitespace() || c == '(').and_then(|(first, rest)| {
        let kind = ["object", "objeto", "array", "lista", "list"].iter().any(|w| first.eq_ignore_ascii_case(w));
        let name = rest.trim().trim_start_matches('(').trim_end_matches(')').trim();
        (kind && !name.is_empty() && name.split_whitespace().count() <= 2).then(|| name.to_owned())
    });
    if explicit.is_some() {
        return explicit;
    }
    let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let tokens: Vec<String> = label.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(key).collect();
    let named = |written: &str| !written.is_empty() && tokens.contains(&key(written));
    fields.iter().rev().find_map(|f| match f.tipo() {
        Tipo::Named(name) if named(&name) => Some(name),
        Tipo::List(element) if matches!(&*element, Tipo::Named(name) if named(name)) => match *element {
            Tipo::Named(name) => Some(name),
            _ => None,
        },
        _ => named(&f.name).then(|| f.name.clone()),
    })
}

/// A heading below the attributes section's own heading that names a sub-table although it
/// starts with a section word: `Atributos do Contato` / `Attributes of Contact` (the object
/// `Contato`), or a heading a row's Tipo names (`### Event` under a row typed `Event`).
pub(crate) fn sub_table_heading(heading: &str, name: &str, fields: &[Attribute]) -> Option<String> {
    let heading = heading.trim().trim_end_matches(':').trim();
    for word in ["atributos ", "attributes ", "parametros ", "parameters "] {
        if let Some(rest) = name.strip_prefix(word) {
            let link = rest.split_once(' ').map_or("", |(link, _)| link);
            let joined = ["do", "da", "de", "dos", "das", "of", "the", "for", "in"].contains(&link);
            let words = if joined { 2 } else { 1 };
            let object = heading.splitn(words + 1, ' ').nth(words).unwrap_or("").trim();
            // `Atributos obrigatórios` is a group, `Atributos (Query String)` qualifies one.
            let group = ["obrigatori", "required", "opcio", "optional"].iter().any(|w| rest.starts_with(w));
            return (!object.is_empty() && !object.starts_with('(') && !group).then(|| object.to_owned());
        }
    }
    let named = fields.iter().any(|f| match f.tipo() {
        Tipo::Named(tipo) => names_same(&tipo, heading),
        Tipo::List(element) => matches!(*element, Tipo::Named(tipo) if names_same(&tipo, heading)),
        _ => false,
    });
    named.then(|| heading.to_owned())
}

/// Two spellings of one name: case and everything but letters and digits ignored.
fn names_same(a: &str, b: &str) -> bool {
    let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let a = key(a);
    !a.is_empty() && a == key(b)
}

/// `#### Body`, `### Request body`, `#### Corpo` (normalised): the heading of a request's JSON body.
pub(crate) fn is_body_name(name: &str) -> bool {
    matches!(name, "body" | "request body" | "corpo" | "corpo da requisicao" | "json body")
}
