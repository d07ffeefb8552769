//! One page: front matter, then the markdown blocks walked section by section.
//!
//! Sections are recognised by the words of their headings (Portuguese or English, accents
//! and case ignored), not by heading levels, because pages disagree on levels.

use crate::ParseOptions;
use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::examples::{is_json, json_example, report_code_fences, string_alternatives};
use crate::frontmatter;
use crate::markdown::{self, Block, Table};
use crate::model::{
    Attribute, Callback, CallbackExample, Discriminator, Header, Location, Method, ObjectType, Operation, Page,
    RequestExample, Response,
};
use crate::reconcile::{attributes_describing_response, reconcile};
use crate::rows;
use crate::sections::{
    AttributeGroup, Section, attribute_group_of, is_body_name, nested_table_label, normalize_into, object_label,
    section_named, section_of, status_of, sub_table_heading,
};
use crate::tables::{attributes, headers, listed_values};
use crate::url::{method_heading, method_line, url_path};

/// Everything gathered while walking the blocks.
#[derive(Default)]
struct Walk<'a> {
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
    last_heading: &'a str,
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
    /// `"action": "archive" ou "unarchive"` in the request example: the values it allows.
    alternatives: Vec<(String, Vec<String>)>,
    responses: Vec<Response>,
    /// Every JSON example under each response: the evidence that an attribute table describes
    /// the response (`reconcile::attributes_describing_response`). The model keeps the first
    /// of each response, moved there once that evidence is weighed.
    response_examples: Vec<(usize, serde_json::Value)>,
    /// The first attribute table (required, optional or ungrouped) of the page.
    attribute_table: Option<Location>,
    /// JSON fences holding code: where, and their first line.
    code_fences: Vec<(Location, String)>,
    /// A heading under the status of `responses[index]` before its table: the name of its shape,
    /// added to its description if another shape of that status follows.
    alternative_name: Option<(usize, String)>,
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
        Some(id) if !id.trim().is_empty() => id,
        // `id: !x` is a YAML tag with no value: as empty as `id:`, and an id names a method.
        Some(_) => {
            diagnostics.push(Diagnostic::new(
                Rule::FrontMatterNoId,
                index.location(0),
                format!("front matter's `id` is empty; using the file name `{stem}`"),
            ));
            stem
        }
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
            let (mut path, under_base) = url_path(&url, options.base_path());
            // Rows whose description puts them in the path, where the URL shows an example
            // value: the segment is their placeholder.
            let rows: Vec<&Attribute> = walk.required.iter().chain(&walk.optional).collect();
            for (literal, name) in literal_path_parameters(&path, &rows) {
                let placeholder = format!("{{{name}}}");
                path = replace_segment(&path, &literal, &placeholder);
                if let Some((heading, _)) = walk.path_heading.as_mut() {
                    *heading = replace_segment(heading, &literal, &placeholder);
                }
                diagnostics.push(Diagnostic::new(
                    Rule::PathSegmentLiteral,
                    location.clone(),
                    format!(
                        "the URL shows `{literal}` where `{name}` goes (its description puts it in the path): \
                         read as the placeholder `{placeholder}`"
                    ),
                ));
            }
            if !under_base {
                diagnostics.push(Diagnostic::new(
                    Rule::UrlOutsideBase,
                    location.clone(),
                    format!("URL path `{path}` is not under the base path `{}`", options.base_path()),
                ));
            }
            // An open string attribute the example gives alternatives for allows those values.
            for (key, values) in std::mem::take(&mut walk.alternatives) {
                let rows = walk.required.iter_mut().chain(walk.optional.iter_mut());
                if let Some(row) = rows.into_iter().find(|a| a.name == key)
                    && row.allowed_values.is_empty()
                    && row.tipo() == crate::model::Tipo::String
                {
                    row.allowed_values = values;
                }
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
            let success = operation.success_index();
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
            // Each response keeps the first of its examples.
            for (i, example) in walk.response_examples {
                let response = &mut operation.responses[i];
                if response.example.is_none() {
                    response.example = Some(example);
                }
            }
            let has_attribute_table = walk.attribute_table.is_some();
            reconcile(&operation, walk.path_heading.as_ref(), &walk.ungrouped, has_attribute_table, &mut diagnostics);
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

/// Rows the page says go in the path (their description: `no path`, `na URL`, `in the path`,
/// `parâmetro de rota`, ...) while the URL has no placeholder for them but a segment that looks
/// like an example value (`5511999999999`, `3EB0C4A1`, `SEU_ID`): each such segment with the
/// row it stands for, in order. Only when rows and segments pair up one to one: anything
/// else is left as written.
fn literal_path_parameters(path: &str, rows: &[&Attribute]) -> Vec<(String, String)> {
    let says_path = |description: &str| {
        let folded = crate::sections::normalize(description);
        let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        // `no path`, `parâmetro de rota`, `in the path`; a URL only as the place (`na URL`):
        // `da URL` is as often about the URL's value.
        let places = ["path", "caminho", "rota", "route"];
        let before = ["no", "na", "in", "on", "do", "da", "de", "the", "of", "pela", "pelo", "via", "into"];
        let into_url = ["no", "na", "in", "on", "pela", "pelo", "via", "into"];
        words.windows(2).any(|pair| {
            (before.contains(&pair[0]) && places.contains(&pair[1]))
                || (into_url.contains(&pair[0]) && pair[1] == "url")
                || (pair[0] == "path" && pair[1].starts_with("param"))
        })
    };
    let placeholders: Vec<&str> =
        path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
    let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let fills_one = |name: &str| placeholders.iter().any(|p| key(p) == key(name));
    let named: Vec<&str> = rows
        .iter()
        .filter(|row| !fills_one(&row.name) && says_path(&row.description))
        .map(|row| row.name.as_str())
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    let looks_like_value = |segment: &str| {
        let digits = segment.chars().filter(char::is_ascii_digit).count();
        let plain = segment.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '+'));
        let shouted = segment.contains('_')
            && segment.len() >= 4
            && segment.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
        plain && ((digits >= 3 && digits * 2 >= segment.len()) || digits >= 4 || shouted)
    };
    let literals: Vec<&str> =
        path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')).filter(|s| looks_like_value(s)).collect();
    let mut unique = literals.clone();
    unique.sort_unstable();
    unique.dedup();
    if literals.len() != named.len() || unique.len() != literals.len() {
        return Vec::new();
    }
    literals.into_iter().zip(named).map(|(literal, name)| (literal.to_owned(), name.to_owned())).collect()
}

/// `path` with its segment `literal` replaced by `with` (a heading's query string kept).
fn replace_segment(path: &str, literal: &str, with: &str) -> String {
    let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
    let replaced: Vec<&str> = path.split('/').map(|s| if s == literal { with } else { s }).collect();
    let mut out = replaced.join("/");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
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
fn http_fence(text: &str, start: usize, index: &LineIndex<'_>, walk: &mut Walk<'_>, section: Section) {
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

/// Walks a page's blocks, one method per kind of block, remembering the section and the
/// attribute group the last headings opened.
struct Walker<'a, 'r> {
    walk: Walk<'a>,
    section: Section,
    group: AttributeGroup,
    /// The level of the heading that opened the attributes section: a deeper heading there
    /// may name a sub-table even when it starts with a section word (`#### Atributos do X`).
    attributes_level: u8,
    blocks: &'a [Block<'a>],
    index: &'r LineIndex<'r>,
    diagnostics: &'r mut Vec<Diagnostic>,
    /// A heading's normalised text (`sections::normalize_into`), kept to reuse its buffer.
    normalized: String,
}

fn walk<'a>(blocks: &'a [Block<'a>], index: &LineIndex<'_>, diagnostics: &mut Vec<Diagnostic>) -> Walk<'a> {
    let mut walker = Walker {
        walk: Walk::default(),
        section: Section::Preamble,
        group: AttributeGroup::Unnamed,
        attributes_level: 0,
        blocks,
        index,
        diagnostics,
        normalized: String::with_capacity(64),
    };
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text, start } => walker.heading(i, *level, text, *start),
            Block::Paragraph { text, start, source_starts_with_pipe } => {
                walker.paragraph(i, text, *start, *source_starts_with_pipe)
            }
            Block::Table { table, start } => walker.table(i, table, *start),
            Block::Code { lang, text, start, content_start } => walker.code(lang, text, *start, *content_start),
        }
    }
    let Walker { mut walk, diagnostics, .. } = walker;
    report_code_fences(&walk.code_fences, diagnostics);
    // Sub-table headings that hold no table (a heading for prose) are not objects.
    walk.objects.retain(|o| !o.required.is_empty() || !o.optional.is_empty());
    name_objects_by_their_rows(&mut walk);
    walk
}

/// A row whose Tipo is a bare `object` or `array` (or empty) and whose name an object's label
/// gives (`order | object` above `Object (order)`) takes the object's name as its Tipo
/// (`order`, or `order[]` for a list), so the object types the row. Rows whose Tipo names
/// the object already are left alone.
fn name_objects_by_their_rows(walk: &mut Walk<'_>) {
    use crate::model::Tipo;
    let names: Vec<String> = walk
        .objects
        .iter()
        .map(|o| o.name.clone())
        .filter(|name| matches!(Tipo::parse(name), Tipo::Named(_)))
        .collect();
    let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let mut rows: Vec<&mut Attribute> = walk.required.iter_mut().chain(walk.optional.iter_mut()).collect();
    for object in walk.objects.iter_mut() {
        rows.extend(object.required.iter_mut().chain(object.optional.iter_mut()));
    }
    for name in names {
        if rows.iter().any(|row| Some(row.tipo()).is_some_and(|t| names_object(&t, &name))) {
            continue;
        }
        let generic = |t: &Tipo| matches!(t, Tipo::Object | Tipo::Any);
        if let Some(row) = rows.iter_mut().find(|row| key(&row.name) == key(&name)) {
            match row.tipo() {
                t if generic(&t) => row.ty = name.clone(),
                Tipo::List(element) if generic(&element) => row.ty = format!("{name}[]"),
                _ => {}
            }
        }
    }
}

/// Whether `tipo` names the object `name` (or a list of it).
fn names_object(tipo: &crate::model::Tipo, name: &str) -> bool {
    use crate::model::Tipo;
    match tipo {
        Tipo::Named(written) => ObjectType {
            name: name.to_owned(),
            required: Vec::new(),
            optional: Vec::new(),
            location: Location::default(),
        }
        .is_named_by(written),
        Tipo::List(element) => names_object(element, name),
        _ => false,
    }
}

impl<'a> Walker<'a, '_> {
    /// A heading opens a section, names an attribute group or a status, or is a method line.
    fn heading(&mut self, i: usize, level: u8, text: &'a str, start: usize) {
        self.walk.last_heading = text;
        normalize_into(text, &mut self.normalized);
        if self.section == Section::Request && is_body_name(&self.normalized) {
            self.walk.body_heading = true;
            return;
        }
        // `#### Body` right above a fence with no request heading on the page (under the
        // attributes, the header, ...): the request's body all the same. Under a response it
        // is the response's; above a table it names a sub-table.
        if is_body_name(&self.normalized)
            && !matches!(self.section, Section::Response | Section::Event | Section::Examples)
            && matches!(self.blocks.get(i + 1), Some(Block::Code { .. }))
        {
            self.section = Section::Request;
            self.group = AttributeGroup::Unnamed;
            self.walk.body_heading = true;
            return;
        }
        if self.section == Section::Attributes
            && level > self.attributes_level
            && section_named(&self.normalized).is_some()
            && let Some(name) = {
                let walk = &self.walk;
                let objects = walk.objects.iter().flat_map(|o| o.required.iter().chain(&o.optional));
                let fields: Vec<Attribute> =
                    walk.required.iter().chain(&walk.optional).chain(objects).cloned().collect();
                sub_table_heading(text, &self.normalized, &fields)
            }
        {
            object(&mut self.walk.objects, &name, self.index.location(start));
            self.group = AttributeGroup::SubTable { name, optional: false };
            return;
        }
        if let Some(next) = section_named(&self.normalized) {
            self.section = next;
            if next == Section::Attributes {
                self.attributes_level = level;
            }
            self.group = AttributeGroup::Unnamed;
            if next == Section::Method && self.walk.method_heading.is_none() {
                self.walk.method_heading = Some(self.index.location(start));
            }
            if next == Section::Event {
                self.walk.event.get_or_insert((Vec::new(), self.index.location(start)));
            }
        } else if let Some((method, path)) = method_heading(text) {
            self.walk.method_without_url.get_or_insert((method, path, self.index.location(start)));
        } else if text.trim().starts_with('/')
            && (self.section == Section::Method || (self.walk.method_line.is_none() && self.method_line_follows(i)))
        {
            self.walk.path_heading.get_or_insert((text.trim().to_owned(), self.index.location(start)));
        } else if self.section == Section::Request
            && matches!(attribute_group_of(text, &self.normalized), AttributeGroup::Required | AttributeGroup::Optional)
        {
            // `#### Obrigatórios` under `### Request Body`: the attributes, with no section of their own.
            self.group = attribute_group_of(text, &self.normalized);
        } else if self.section == Section::Attributes {
            self.group = attribute_group_of(text, &self.normalized);
            if let AttributeGroup::SubTable { name, .. } = &self.group {
                object(&mut self.walk.objects, name, self.index.location(start));
            }
        } else if self.section == Section::Response {
            if let Some((status, description)) = status_of(text) {
                self.walk.responses.push(Response {
                    status,
                    description,
                    fields: Vec::new(),
                    example: None,
                    location: self.index.location(start),
                });
            } else {
                self.response_alternative(i, text, start);
            }
        } else if level <= 2 {
            self.section = Section::Other;
        }
    }

    /// A heading under a status that is no status: where the response so far has its table and
    /// its example, and the heading's own blocks hold another table, it names an alternative
    /// shape of that status (`#### When the message is text` / `#### When it is an image`):
    /// another response of the same status, in page order (the first is the one a client
    /// decodes). A heading before any table or example names the first alternative, once
    /// another follows. Any other heading (`#### Exemplo` between a table and its example, or
    /// one naming a field of the table or its Tipo: a sub-table) is not a shape of its own.
    fn response_alternative(&mut self, i: usize, text: &'a str, start: usize) {
        let Some(current) = self.walk.responses.len().checked_sub(1) else { return };
        let response = &self.walk.responses[current];
        let has_example = self.walk.response_examples.last().is_some_and(|(at, _)| *at == current);
        if response.fields.is_empty() && !has_example {
            self.walk.alternative_name = Some((current, text.trim().to_owned()));
            return;
        }
        let own_blocks = self.blocks[i + 1..].iter().take_while(|b| !matches!(b, Block::Heading { .. }));
        let has_table = own_blocks.clone().any(|b| matches!(b, Block::Table { .. }));
        let has_json = own_blocks.clone().any(|b| matches!(b, Block::Code { lang, text, .. } if is_json(lang, text)));
        // `#### Operators` under a row typed `Operators[]` is that field's sub-table.
        let names_a_field = nested_table_label(text, &response.fields).is_some();
        if response.fields.is_empty() || !has_example || !has_table || !has_json || names_a_field {
            return;
        }
        let status = response.status;
        if let Some((at, name)) = self.walk.alternative_name.take()
            && at == current
        {
            let first = &mut self.walk.responses[current];
            if !first.description.is_empty() {
                first.description.push_str("\n\n");
            }
            first.description.push_str(&name);
        }
        self.walk.responses.push(Response {
            status,
            description: text.trim().to_owned(),
            fields: Vec::new(),
            example: None,
            location: self.index.location(start),
        });
    }

    /// Whether the block after block `i` is a paragraph holding a method line: a `#### /path`
    /// heading right above one names its path, whatever section (`### API`) holds them.
    fn method_line_follows(&self, i: usize) -> bool {
        matches!(self.blocks.get(i + 1), Some(Block::Paragraph { text, .. }) if method_line(text).is_some())
    }

    /// Prose: a method line, an example URL, a response's description, the concept text.
    fn paragraph(&mut self, i: usize, text: &str, start: usize, source_starts_with_pipe: bool) {
        if source_starts_with_pipe {
            self.diagnostics.push(Diagnostic::new(
                Rule::TableMalformed,
                self.index.location(start),
                "malformed table: no delimiter row (`| --- | --- |`) under its header, so its rows are read as text",
            ));
            return;
        }
        let found = method_line(text);
        match (self.section, found) {
            (Section::Request, Some((_, url))) => {
                self.walk
                    .request_example
                    .get_or_insert(RequestExample::Url { url, location: self.index.location(start) });
            }
            (Section::Response, _) => {
                let is_example_label = text.len() < 12 && {
                    normalize_into(text, &mut self.normalized);
                    matches!(self.normalized.as_str(), "exemplo" | "example")
                };
                // A nested table's label describes that table, not the response.
                let labels_nested_table = matches!(self.blocks.get(i + 1), Some(Block::Table { .. }))
                    && self.walk.responses.last().and_then(|r| nested_table_label(text, &r.fields)).is_some();
                if let Some(response) =
                    self.walk.responses.last_mut().filter(|_| !is_example_label && !labels_nested_table)
                {
                    if !response.description.is_empty() {
                        response.description.push_str("\n\n");
                    }
                    response.description.push_str(text);
                }
            }
            (_, Some((method, url))) if self.walk.method_line.is_none() => {
                self.walk.method_line = Some((method, url, self.index.location(start)));
            }
            // Prose without `:::` admonition lines (nearly all) is kept as it is.
            (Section::Concept, None)
                if !text.is_empty()
                    && !text.as_bytes().windows(3).any(|w| w == b":::")
                    && !text.contains('\r')
                    && !text.ends_with('\n') =>
            {
                self.walk.description.push(text.to_owned());
            }
            (Section::Concept, None) => {
                let prose: Vec<&str> =
                    text.lines().filter(|l| !l.trim_start().trim_start_matches('\\').starts_with(":::")).collect();
                if !prose.is_empty() {
                    self.walk.description.push(prose.join("\n"));
                }
            }
            _ => {}
        }
    }

    /// A table: headers, an event's discriminator, attributes, a sub-table, response fields.
    fn table(&mut self, i: usize, table: &Table<'_>, start: usize) {
        match self.section {
            Section::Header | Section::Method => self.walk.headers.extend(headers(table, self.index)),
            Section::Event => {
                if let Some((discriminator, _)) = self.walk.event.as_mut() {
                    let rows = headers(table, self.index);
                    discriminator.extend(rows.into_iter().map(|h| Discriminator { field: h.name, value: h.example }));
                }
            }
            Section::Attributes | Section::Request
                if self.section == Section::Attributes
                    || matches!(self.group, AttributeGroup::Required | AttributeGroup::Optional) =>
            {
                let label = match i.checked_sub(1).map(|before| &self.blocks[before]) {
                    Some(Block::Paragraph { text, .. }) => Some(&**text),
                    _ => None,
                };
                if self.labelled_table(label, table, start) {
                    return;
                }
                if !matches!(self.group, AttributeGroup::SubTable { .. }) {
                    self.walk.attribute_table.get_or_insert_with(|| self.index.location(start));
                }
                match &self.group {
                    AttributeGroup::Required => {
                        self.walk.required.extend(attributes(table, self.index, &mut self.normalized))
                    }
                    AttributeGroup::Optional => {
                        self.walk.optional.extend(attributes(table, self.index, &mut self.normalized))
                    }
                    AttributeGroup::Unnamed => {
                        self.diagnostics.push(Diagnostic::new(
                            Rule::AttributeTableUngrouped,
                            self.index.location(start),
                            "attribute table under no required/optional heading: read as required",
                        ));
                        let rows = attributes(table, self.index, &mut self.normalized);
                        self.walk.ungrouped.extend(rows.iter().map(|a| a.name.clone()));
                        self.walk.required.extend(rows);
                    }
                    AttributeGroup::SubTable { name, optional } => {
                        let fields = attributes(table, self.index, &mut self.normalized);
                        let object = object(&mut self.walk.objects, name, self.index.location(start));
                        if *optional { object.optional.extend(fields) } else { object.required.extend(fields) }
                    }
                }
            }
            Section::Response => {
                let Some(response) = self.walk.responses.last_mut() else { return };
                let label = match i.checked_sub(1).map(|before| &self.blocks[before]) {
                    Some(Block::Paragraph { text, .. }) => nested_table_label(text, &response.fields),
                    _ => None,
                };
                let rows = attributes(table, self.index, &mut self.normalized);
                match label {
                    // The model keeps a response's fields flat (`Response.fields` are wire
                    // names of the top level): merged, a nested object's rows would become
                    // top-level fields and collide with the response's own (`phone`, `id`).
                    Some(object) => self.diagnostics.push(Diagnostic::new(
                        Rule::ResponseNestedTable,
                        self.index.location(start),
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
        }
    }

    /// A table the paragraph above it labels: the values a field allows (`(string) status`
    /// above `| Valores | ... |`), or a nested object's fields (`Object (order)`), required or
    /// optional as the group it is under. Returns whether the table was read so.
    fn labelled_table(&mut self, label: Option<&str>, table: &Table<'_>, start: usize) -> bool {
        let fields: Vec<Attribute> = {
            let top = self.walk.required.iter().chain(&self.walk.optional);
            top.chain(self.walk.objects.iter().flat_map(|o| o.required.iter().chain(&o.optional))).cloned().collect()
        };
        if let Some(values) = listed_values(table, &mut self.normalized) {
            // The field the label names, else the last row read (the table follows its row).
            let name =
                label.and_then(|l| nested_table_label(l, &fields)).or_else(|| fields.last().map(|f| f.name.clone()));
            let walk = &mut self.walk;
            let rows = walk.required.iter_mut().chain(walk.optional.iter_mut());
            let mut rows: Vec<&mut Attribute> = rows
                .chain(walk.objects.iter_mut().flat_map(|o| o.required.iter_mut().chain(o.optional.iter_mut())))
                .collect();
            if let Some(row) = rows.iter_mut().rev().find(|row| Some(&row.name) == name.as_ref()) {
                for value in values {
                    if !row.allowed_values.contains(&value) {
                        row.allowed_values.push(value);
                    }
                }
            }
            return true;
        }
        let Some(name) = label.and_then(|l| object_label(l, &fields)) else { return false };
        let optional = match &self.group {
            AttributeGroup::Optional => true,
            AttributeGroup::SubTable { optional, .. } => *optional,
            _ => false,
        };
        let rows = attributes(table, self.index, &mut self.normalized);
        let object = object(&mut self.walk.objects, &name, self.index.location(start));
        if optional {
            object.optional.extend(rows)
        } else {
            object.required.extend(rows)
        }
        true
    }

    /// A fenced block: an HTTP request, or a JSON example of the request, a response or an event.
    fn code(&mut self, lang: &str, text: &str, start: usize, content_start: usize) {
        if lang.eq_ignore_ascii_case("http") || lang.eq_ignore_ascii_case("https") {
            http_fence(text, start, self.index, &mut self.walk, self.section);
            return;
        }
        if !is_json(lang, text) {
            return;
        }
        match self.section {
            // A `#### URL` line (or a bold `Método` label) then the JSON fence: a URL
            // without a query string under a `Body` heading, or before any JSON, is the
            // request line, and the fence is the example.
            Section::Request
                if match &self.walk.request_example {
                    None => true,
                    Some(RequestExample::Url { url, .. }) => self.walk.body_heading || !url.contains('?'),
                    Some(RequestExample::Json { .. }) => false,
                } =>
            {
                if let Some(body) =
                    json_example(text, content_start, self.index, self.diagnostics, &mut self.walk.code_fences)
                {
                    self.walk.alternatives = string_alternatives(text);
                    self.walk.request_example =
                        Some(RequestExample::Json { body, location: self.index.location(start) });
                }
            }
            Section::Response => {
                let example =
                    json_example(text, content_start, self.index, self.diagnostics, &mut self.walk.code_fences);
                // The response's `example` is set from these in `parse_page`.
                if let (Some(example), false) = (example, self.walk.responses.is_empty()) {
                    self.walk.response_examples.push((self.walk.responses.len() - 1, example));
                }
            }
            Section::Examples => {
                if let Some(payload) =
                    json_example(text, content_start, self.index, self.diagnostics, &mut self.walk.code_fences)
                {
                    let title = if section_of(self.walk.last_heading) == Some(Section::Examples) {
                        String::new()
                    } else {
                        self.walk.last_heading.to_owned()
                    };
                    self.walk.examples.push(CallbackExample { title, payload, location: self.index.location(start) });
                }
            }
            // A fence under any other heading (the attributes, a free-standing example, a
            // second request example) is no part of the model, but a reader copies it: it is
            // checked like the others.
            _ => {
                json_example(text, content_start, self.index, self.diagnostics, &mut self.walk.code_fences);
            }
        }
    }
}
