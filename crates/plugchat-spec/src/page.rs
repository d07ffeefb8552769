//! One page: front matter, then the markdown blocks walked section by section.
//!
//! Sections are recognised by the words of their headings (Portuguese or English, accents
//! and case ignored), not by heading levels, because pages disagree on levels.

use crate::ParseOptions;
use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::frontmatter;
use crate::json::{self, Example};
use crate::markdown::{self, Block, Row};
use crate::model::{
    Attribute, Callback, CallbackExample, Discriminator, Header, Location, Method, ObjectType, Operation, Page,
    RequestExample, Response, Tipo,
};
use crate::reconcile::{attributes_describing_response, reconcile};
use crate::rows;

/// The part of a page a block belongs to, from the last section heading above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
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
enum AttributeGroup {
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
fn normalize(heading: &str) -> String {
    let heading = heading.trim();
    let mut folded = String::with_capacity(heading.len());
    folded.extend(
        heading
            .chars()
            .map(|c| match c {
                'á' | 'à' | 'â' | 'ã' | 'Á' | 'À' | 'Â' | 'Ã' => 'a',
                'é' | 'ê' | 'É' | 'Ê' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'o',
                'ú' | 'Ú' => 'u',
                'ç' | 'Ç' => 'c',
                c => c.to_ascii_lowercase(),
            })
            .filter(|c| *c != '`' && *c != '*'),
    );
    let end = folded.trim_end().trim_end_matches(':').trim_end().len();
    folded.truncate(end);
    folded
}

pub(crate) fn is_section_heading(heading: &str) -> bool {
    section_of(heading).is_some()
}

fn section_of(heading: &str) -> Option<Section> {
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
    let name = normalize(heading);
    // `word`, `word ...` or a plural `words`: no allocation, this runs for every heading.
    let names = |w: &str| {
        name.strip_prefix(w).is_some_and(|rest| rest.is_empty() || rest.starts_with(' ') || rest.starts_with('s'))
    };
    SECTIONS.iter().find(|(words, _)| words.iter().any(|w| names(w))).map(|(_, section)| *section)
}

fn attribute_group_of(heading: &str) -> AttributeGroup {
    let name = normalize(heading);
    let (first, rest) = name.split_once(' ').unwrap_or((&name, ""));
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
fn status_of(heading: &str) -> Option<(u16, String)> {
    let digits: String = heading.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 3 {
        return None;
    }
    let status = digits.parse().ok()?;
    let rest = heading[3..].trim_start_matches([' ', '-', ':', '–']).trim();
    Some((status, rest.to_owned()))
}

/// `text` without bold markers and without whitespace inside braces, so that
/// `{ **URL** **DO** **CONVITE**}` reads as one token.
fn join_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.replace("**", "").chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth > 0 => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A method line: an HTTP method followed by a URL, in whatever markup the page wraps them.
pub(crate) fn method_line(text: &str) -> Option<(Method, String)> {
    // Most paragraphs are prose: reject them before allocating anything.
    let first = text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '`' | '*' | '<'));
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].iter().any(|m| first.starts_with(m)) {
        return None;
    }
    let clean = |t: &str| t.trim_matches(|c| matches!(c, '`' | '<' | '>' | '*')).replace('\\', "");
    let text = join_placeholders(text);
    let mut tokens = text.split_whitespace().map(clean).filter(|t| !t.is_empty());
    let method = Method::from_token(&tokens.next()?)?;
    let mut url = tokens.next()?;
    if !(url.contains("://") || url.starts_with('/')) {
        return None;
    }
    // `.../send-document/ **{extension}**`: a placeholder set apart from the URL.
    for token in tokens {
        if url.ends_with('/') && token.starts_with('{') {
            url.push_str(&token);
        } else {
            break;
        }
    }
    Some((method, url))
}

/// A heading that is a method line without a URL: `` `PUT` update-webhooks ``.
fn method_heading(text: &str) -> Option<(Method, String)> {
    let mut tokens = text.split_whitespace().map(|t| t.trim_matches('`'));
    let method = Method::from_token(tokens.next()?)?;
    let name = tokens.next()?;
    (tokens.next().is_none() && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/')))
        .then(|| (method, format!("/{}", name.trim_start_matches('/'))))
}

/// One path segment with its placeholder, if any, spelled `{name}`: `{{id-do-produto}}`,
/// `[ACCOUNT_ID]` and upper-case tokens such as `SUA_ID_AQUI` are placeholders too.
fn canonical_segment(segment: &str) -> String {
    if segment.contains('{') {
        let name: String = segment.chars().filter(|c| !matches!(c, '{' | '}' | ' ' | '*')).collect();
        return format!("{{{name}}}");
    }
    if let Some(name) = segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return format!("{{{name}}}");
    }
    let shouts = segment.len() >= 3
        && segment.contains('_')
        && segment.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if shouts { format!("{{{segment}}}") } else { segment.to_owned() }
}

/// The path of `url` (host and query dropped, placeholders spelled `{name}`) relative to
/// `base_path`, and whether it was under it.
fn url_path(url: &str, base_path: &str) -> (String, bool) {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path: String = path.split('/').map(canonical_segment).collect::<Vec<_>>().join("/");
    if base_path.is_empty() {
        return (path, true);
    }
    match path.strip_prefix(base_path) {
        Some(rest) if rest.starts_with('/') => (rest.to_owned(), true),
        _ => (path, false),
    }
}

/// `Valores: \`a\`, \`b\`` at the end of a description: the values it allows.
fn allowed_values(description: &str) -> Vec<String> {
    if !description.contains('`') {
        return Vec::new();
    }
    let lower = description.to_lowercase();
    let Some(at) =
        ["valores:", "values:", "allowed values:", "valores aceitos:"].iter().filter_map(|m| lower.rfind(m)).max()
    else {
        return Vec::new();
    };
    description[at..].split('`').skip(1).step_by(2).map(str::to_owned).filter(|v| !v.is_empty()).collect()
}

fn clean_cell(cell: &str) -> String {
    cell.trim().trim_matches(|c| matches!(c, '`' | '*')).trim().to_owned()
}

/// The index of the first header cell (already normalised) starting with one of `words`.
fn column(header: &[String], words: &[&str], fallback: usize) -> usize {
    header.iter().position(|name| words.iter().any(|w| name.starts_with(w))).unwrap_or(fallback)
}

/// The rows of an attribute table; empty rows and "no attributes" rows stand for nothing.
fn attributes(rows: &[Row], index: &LineIndex<'_>) -> Vec<Attribute> {
    let Some((header, body)) = rows.split_first() else { return Vec::new() };
    let header: Vec<String> = header.cells.iter().map(|c| normalize(c)).collect();
    let name_col =
        column(&header, &["atribut", "nome", "name", "campo", "attribute", "parametro", "parameter", "key"], 0);
    let type_col = column(&header, &["tipo", "type"], 1);
    let description_col = column(&header, &["descri"], 2);
    fn cell(row: &Row, i: usize) -> &str {
        row.cells.get(i).map(String::as_str).unwrap_or("").trim()
    }
    // "Sem Atributos" / "No attributes": a row standing for an empty table.
    let says_none =
        |name: &str| name.len() < 20 && matches!(normalize(name).as_str(), "sem atributos" | "no attributes");
    body.iter()
        .filter(|row| row.cells.iter().any(|c| !c.trim().is_empty()))
        .filter(|row| !says_none(cell(row, name_col)))
        .map(|row| {
            let description = cell(row, description_col).to_owned();
            Attribute {
                name: clean_cell(cell(row, name_col)),
                ty: clean_cell(cell(row, type_col)),
                allowed_values: allowed_values(&description),
                description,
                location: index.location(row.start),
            }
        })
        .collect()
}

fn headers(rows: &[Row], index: &LineIndex<'_>) -> Vec<Header> {
    rows.iter()
        .skip(1)
        .filter_map(|row| {
            let name = clean_cell(row.cells.first()?).trim_end_matches(':').trim().to_owned();
            let example = clean_cell(row.cells.get(1).map(String::as_str).unwrap_or(""));
            (!name.is_empty()).then(|| Header { name, example, location: index.location(row.start) })
        })
        .collect()
}

fn is_json(lang: &str, text: &str) -> bool {
    lang.eq_ignore_ascii_case("json") || (lang.is_empty() && text.trim_start().starts_with(['{', '[']))
}

/// Parses a JSON example, repairing what it can and reporting where it breaks. A fence
/// holding code instead (`json::looks_like_code`) goes to `code_fences`, reported once per
/// page by [`report_code_fences`].
fn json_example(
    text: &str,
    content_start: usize,
    index: &LineIndex<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    code_fences: &mut Vec<(Location, String)>,
) -> Option<serde_json::Value> {
    match json::read(text) {
        Example::Parsed(value) => Some(value),
        Example::Repaired(value, repairs) => {
            diagnostics.push(Diagnostic::new(
                Rule::JsonRepaired,
                index.location(content_start),
                format!("JSON example repaired: {}", repairs.join(", ")),
            ));
            Some(value)
        }
        Example::Broken(error) => {
            if let Some(first_line) = json::looks_like_code(text) {
                code_fences.push((index.location(content_start), first_line.to_owned()));
                return None;
            }
            diagnostics.push(Diagnostic::new(
                Rule::JsonUnparsable,
                index.relative(content_start, error.line(), error.column()),
                format!("JSON example does not parse and was dropped: {error}"),
            ));
            None
        }
    }
}

/// One diagnostic for the page's JSON fences that hold code: one mislabelled snippet copied
/// a dozen times is one defect, and a `json-unparsable` per fence (each at line 1 column 1)
/// would bury it.
fn report_code_fences(code_fences: &[(Location, String)], diagnostics: &mut Vec<Diagnostic>) {
    let Some(((first, line), others)) = code_fences.split_first() else { return };
    let mut message = format!("```json fence holds code, not JSON (`{line}`)");
    let lines: Vec<String> = others.iter().map(|(at, _)| at.line.to_string()).collect();
    match others.len() {
        0 => {}
        1 => message.push_str(&format!(", as does 1 more fence on this page (line {})", lines[0])),
        n => message.push_str(&format!(", as do {n} more fences on this page (lines {})", lines.join(", "))),
    }
    message.push_str(": dropped as examples");
    diagnostics.push(Diagnostic::new(Rule::JsonFenceHoldsCode, first.clone(), message));
}

/// A short paragraph (not a heading) labelling the table below it as a nested object of the
/// response whose `fields` are read so far: `Objeto Exactsales`, `Array Messages`, or any short
/// label naming one of those fields or its Tipo (`Array String (participants)`). Returns the
/// object's name. The first table of a response is its own, so with no fields yet there is none.
///
/// Why by shape and not by position alone: a second table right under the first, with no
/// label, stays the response's (some pages split one table in two).
fn nested_table_label(text: &str, fields: &[Attribute]) -> Option<String> {
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

/// `#### Body`, `### Request body`, `#### Corpo`: the heading of a request's JSON body.
fn is_body_heading(heading: &str) -> bool {
    matches!(normalize(heading).as_str(), "body" | "request body" | "corpo" | "corpo da requisicao" | "json body")
}

/// Everything gathered while walking the blocks.
#[derive(Default)]
struct Walk {
    method_line: Option<(Method, String, Location)>,
    method_heading: Option<Location>,
    /// A method line without URL, used when the page has no real one.
    method_without_url: Option<(Method, String, Location)>,
    /// `#### /profile-picture` under the method heading.
    path_heading: Option<(String, Location)>,
    objects: Vec<ObjectType>,
    /// Set when the page has an `## Evento` section: it describes a webhook payload.
    event: Option<(Vec<Discriminator>, Location)>,
    examples: Vec<CallbackExample>,
    /// The last heading seen, naming the example below it.
    last_heading: String,
    description: Vec<String>,
    headers: Vec<Header>,
    required: Vec<Attribute>,
    optional: Vec<Attribute>,
    /// Names of the rows of tables under no required/optional heading (read as required).
    ungrouped: Vec<String>,
    /// Set by a `Body` heading in the request section: the JSON fence below it is the
    /// request example, even after a method line under a `URL` heading.
    body_heading: bool,
    request_example: Option<RequestExample>,
    responses: Vec<Response>,
    /// Every JSON example under each response (the model keeps the first): the evidence that
    /// an attribute table describes the response (`reconcile::attributes_describing_response`).
    response_examples: Vec<(usize, serde_json::Value)>,
    /// The first attribute table (required, optional or ungrouped) of the page.
    attribute_table: Option<Location>,
    /// JSON fences holding code: where, and their first line.
    code_fences: Vec<(Location, String)>,
}

/// Reads one page. `file` is the path printed in locations and diagnostics.
///
/// Always returns a page (its id falls back to the file name); the page has an operation
/// when a method line was found.
pub fn parse_page(file: &str, text: &str, options: &ParseOptions) -> (Page, Vec<Diagnostic>) {
    let index = LineIndex::new(file, text);
    let mut diagnostics = Vec::new();
    let front = frontmatter::read(text, &index, &mut diagnostics);
    let blocks = markdown::blocks(text, front.body_start, &index, &mut diagnostics);
    let mut walk = walk(&blocks, &index, &mut diagnostics);

    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md").to_owned();
    let id = match front.id {
        Some(id) => id,
        None => {
            if front.body_start > 0 {
                diagnostics.push(Diagnostic::new(
                    Rule::FrontMatterNoId,
                    index.location(0),
                    format!("front matter has no `id`; using the file name `{stem}`"),
                ));
            }
            stem
        }
    };
    let section = file.split_once('/').map_or("", |(dir, _)| dir).to_owned();
    let has_endpoint_tables = !walk.required.is_empty() || !walk.optional.is_empty() || !walk.responses.is_empty();

    if let (None, Some((method, path, location))) = (&walk.method_line, walk.method_without_url.take()) {
        diagnostics.push(Diagnostic::new(
            Rule::MethodLineWithoutUrl,
            location.clone(),
            format!("method line has no URL: took `{path}` as the path"),
        ));
        walk.method_line = Some((method, path, location));
    }
    let callback = walk.event.take().map(|(discriminator, location)| {
        if discriminator.is_empty() {
            diagnostics.push(Diagnostic::new(
                Rule::EventDiscriminatorMissing,
                location.clone(),
                "event section has no `| Campo | Valor |` table telling the payload apart",
            ));
        }
        let mut callback = Callback {
            discriminator,
            required: std::mem::take(&mut walk.required),
            optional: std::mem::take(&mut walk.optional),
            examples: std::mem::take(&mut walk.examples),
            location,
        };
        rows::callback(&mut callback, &mut diagnostics);
        callback
    });
    let operation = match walk.method_line {
        Some((method, url, location)) => {
            let (path, under_base) = url_path(&url, options.base_path());
            if !under_base {
                diagnostics.push(Diagnostic::new(
                    Rule::UrlOutsideBase,
                    location.clone(),
                    format!("URL path `{path}` is not under the base path `{}`", options.base_path()),
                ));
            }
            let mut operation = Operation {
                method,
                path,
                url,
                description: walk.description.join("\n\n"),
                headers: walk.headers,
                required: walk.required,
                optional: walk.optional,
                objects: walk.objects,
                request_example: walk.request_example,
                responses: walk.responses,
                location,
            };
            rows::operation(&mut operation, &mut diagnostics);
            let success = operation.responses.iter().position(|r| (200..300).contains(&r.status));
            let success_examples: Vec<&serde_json::Value> = walk
                .response_examples
                .iter()
                .filter(|(i, _)| Some(*i) == success)
                .map(|(_, example)| example)
                .collect();
            attributes_describing_response(
                &mut operation,
                &success_examples,
                walk.attribute_table.as_ref(),
                &mut diagnostics,
            );
            reconcile(&operation, walk.path_heading.as_ref(), &walk.ungrouped, &mut diagnostics);
            Some(operation)
        }
        None => {
            if (has_endpoint_tables || walk.method_heading.is_some()) && callback.is_none() {
                let at = walk.method_heading.unwrap_or_else(|| index.location(front.body_start));
                diagnostics.push(Diagnostic::new(
                    Rule::MethodLineMissing,
                    at,
                    "no method line: expected an HTTP method and a URL such as `GET` https://host/path",
                ));
            }
            None
        }
    };
    let page = Page { file: file.to_owned(), id, title: front.title.unwrap_or_default(), section, operation, callback };
    (page, diagnostics)
}

/// The fields of the object named `name`, created on first use.
fn object<'w>(objects: &'w mut Vec<ObjectType>, name: &str, location: Location) -> &'w mut ObjectType {
    let position = objects.iter().position(|o| o.name.eq_ignore_ascii_case(name));
    let position = position.unwrap_or_else(|| {
        objects.push(ObjectType { name: name.to_owned(), required: Vec::new(), optional: Vec::new(), location });
        objects.len() - 1
    });
    &mut objects[position]
}

/// Lines of an ```` ```http ```` fence: a request line and `Name: value` headers.
fn http_fence(text: &str, start: usize, index: &LineIndex<'_>, walk: &mut Walk, section: Section) {
    for line in text.lines() {
        if let Some((method, url)) = method_line(line) {
            match section {
                Section::Request => {
                    walk.request_example.get_or_insert(RequestExample::Url { url, location: index.location(start) });
                }
                _ if walk.method_line.is_none() => walk.method_line = Some((method, url, index.location(start))),
                _ => {}
            }
        } else if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if section == Section::Header
                && !name.is_empty()
                && !name.contains(' ')
                && !walk.headers.iter().any(|h| h.name == name)
            {
                walk.headers.push(Header {
                    name: name.to_owned(),
                    example: value.trim().to_owned(),
                    location: index.location(start),
                });
            }
        }
    }
}

fn walk(blocks: &[Block], index: &LineIndex<'_>, diagnostics: &mut Vec<Diagnostic>) -> Walk {
    let mut walk = Walk::default();
    let mut section = Section::Preamble;
    let mut group = AttributeGroup::Unnamed;
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text, start } => {
                walk.last_heading = text.clone();
                if section == Section::Request && is_body_heading(text) {
                    walk.body_heading = true;
                    continue;
                }
                if let Some(next) = section_of(text) {
                    section = next;
                    group = AttributeGroup::Unnamed;
                    if next == Section::Method && walk.method_heading.is_none() {
                        walk.method_heading = Some(index.location(*start));
                    }
                    if next == Section::Event {
                        walk.event.get_or_insert((Vec::new(), index.location(*start)));
                    }
                } else if let Some((method, path)) = method_heading(text) {
                    walk.method_without_url.get_or_insert((method, path, index.location(*start)));
                } else if section == Section::Method && text.trim().starts_with('/') {
                    walk.path_heading.get_or_insert((text.trim().to_owned(), index.location(*start)));
                } else if section == Section::Attributes {
                    group = attribute_group_of(text);
                    if let AttributeGroup::SubTable { name, .. } = &group {
                        object(&mut walk.objects, name, index.location(*start));
                    }
                } else if section == Section::Response {
                    if let Some((status, description)) = status_of(text) {
                        walk.responses.push(Response {
                            status,
                            description,
                            fields: Vec::new(),
                            example: None,
                            location: index.location(*start),
                        });
                    }
                } else if *level <= 2 {
                    section = Section::Other;
                }
            }
            Block::Paragraph { text, start, source_starts_with_pipe } => {
                if *source_starts_with_pipe {
                    diagnostics.push(Diagnostic::new(
                        Rule::TableMalformed,
                        index.location(*start),
                        "malformed table: no delimiter row (`| --- | --- |`) under its header, so its rows are read as text",
                    ));
                    continue;
                }
                let found = method_line(text);
                match (section, found) {
                    (Section::Request, Some((_, url))) => {
                        walk.request_example
                            .get_or_insert(RequestExample::Url { url, location: index.location(*start) });
                    }
                    (Section::Response, _) => {
                        let is_example_label =
                            text.len() < 12 && matches!(normalize(text).as_str(), "exemplo" | "example");
                        // A nested table's label describes that table, not the response.
                        let labels_nested_table = matches!(blocks.get(i + 1), Some(Block::Table { .. }))
                            && walk.responses.last().and_then(|r| nested_table_label(text, &r.fields)).is_some();
                        if let Some(response) =
                            walk.responses.last_mut().filter(|_| !is_example_label && !labels_nested_table)
                        {
                            if !response.description.is_empty() {
                                response.description.push_str("\n\n");
                            }
                            response.description.push_str(text);
                        }
                    }
                    (_, Some((method, url))) if walk.method_line.is_none() => {
                        walk.method_line = Some((method, url, index.location(*start)));
                    }
                    (Section::Concept, None) => {
                        let prose: Vec<&str> = text
                            .lines()
                            .filter(|l| !l.trim_start().trim_start_matches('\\').starts_with(":::"))
                            .collect();
                        if !prose.is_empty() {
                            walk.description.push(prose.join("\n"));
                        }
                    }
                    _ => {}
                }
            }
            Block::Table { rows, start } => match section {
                Section::Header | Section::Method => walk.headers.extend(headers(rows, index)),
                Section::Event => {
                    if let Some((discriminator, _)) = walk.event.as_mut() {
                        let rows = headers(rows, index);
                        discriminator
                            .extend(rows.into_iter().map(|h| Discriminator { field: h.name, value: h.example }));
                    }
                }
                Section::Attributes => {
                    if !matches!(group, AttributeGroup::SubTable { .. }) {
                        walk.attribute_table.get_or_insert_with(|| index.location(*start));
                    }
                    match &group {
                        AttributeGroup::Required => walk.required.extend(attributes(rows, index)),
                        AttributeGroup::Optional => walk.optional.extend(attributes(rows, index)),
                        AttributeGroup::Unnamed => {
                            diagnostics.push(Diagnostic::new(
                                Rule::AttributeTableUngrouped,
                                index.location(*start),
                                "attribute table under no required/optional heading: read as required",
                            ));
                            let rows = attributes(rows, index);
                            walk.ungrouped.extend(rows.iter().map(|a| a.name.clone()));
                            walk.required.extend(rows);
                        }
                        AttributeGroup::SubTable { name, optional } => {
                            let fields = attributes(rows, index);
                            let object = object(&mut walk.objects, name, index.location(*start));
                            if *optional { object.optional.extend(fields) } else { object.required.extend(fields) }
                        }
                    }
                }
                Section::Response => {
                    let Some(response) = walk.responses.last_mut() else { continue };
                    let label = match i.checked_sub(1).map(|before| &blocks[before]) {
                        Some(Block::Paragraph { text, .. }) => nested_table_label(text, &response.fields),
                        _ => None,
                    };
                    let rows = attributes(rows, index);
                    match label {
                        // The model keeps a response's fields flat (`Response.fields` are wire
                        // names of the top level): merged, a nested object's rows would become
                        // top-level fields and collide with the response's own (`phone`, `id`).
                        Some(object) => diagnostics.push(Diagnostic::new(
                            Rule::ResponseNestedTable,
                            index.location(*start),
                            format!(
                                "table describes the nested `{object}` of the response {}: its {} rows are not read as top-level fields",
                                response.status,
                                rows.len()
                            ),
                        )),
                        None => response.fields.extend(rows),
                    }
                }
                _ => {}
            },
            Block::Code { lang, text, start, content_start } => {
                if lang.eq_ignore_ascii_case("http") || lang.eq_ignore_ascii_case("https") {
                    http_fence(text, *start, index, &mut walk, section);
                    continue;
                }
                if !is_json(lang, text) {
                    continue;
                }
                match section {
                    // A `#### URL` line (or a bold `Método` label) then the JSON fence: a URL
                    // without a query string under a `Body` heading, or before any JSON, is the
                    // request line, and the fence is the example.
                    Section::Request
                        if match &walk.request_example {
                            None => true,
                            Some(RequestExample::Url { url, .. }) => walk.body_heading || !url.contains('?'),
                            Some(RequestExample::Json { .. }) => false,
                        } =>
                    {
                        if let Some(body) =
                            json_example(text, *content_start, index, diagnostics, &mut walk.code_fences)
                        {
                            walk.request_example =
                                Some(RequestExample::Json { body, location: index.location(*start) });
                        }
                    }
                    Section::Response => {
                        let example = json_example(text, *content_start, index, diagnostics, &mut walk.code_fences);
                        if let (Some(example), false) = (&example, walk.responses.is_empty()) {
                            walk.response_examples.push((walk.responses.len() - 1, example.clone()));
                        }
                        if let Some(response) = walk.responses.last_mut() {
                            response.example = response.example.take().or(example);
                        }
                    }
                    Section::Examples => {
                        if let Some(payload) =
                            json_example(text, *content_start, index, diagnostics, &mut walk.code_fences)
                        {
                            let title = if section_of(&walk.last_heading) == Some(Section::Examples) {
                                String::new()
                            } else {
                                walk.last_heading.clone()
                            };
                            walk.examples.push(CallbackExample { title, payload, location: index.location(*start) });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    report_code_fences(&walk.code_fences, diagnostics);
    // Sub-table headings that hold no table (a heading for prose) are not objects.
    walk.objects.retain(|o| !o.required.is_empty() || !o.optional.is_empty());
    walk
}
