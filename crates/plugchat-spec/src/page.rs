//! One page: front matter, then the markdown blocks walked section by section.
//!
//! Sections are recognised by the words of their headings (Portuguese or English, accents
//! and case ignored), not by heading levels, because pages disagree on levels.

use crate::ParseOptions;
use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::examples::{is_json, json_example, report_code_fences};
use crate::frontmatter;
use crate::markdown::{self, Block};
use crate::model::{
    Attribute, Callback, CallbackExample, Discriminator, Header, Location, Method, ObjectType, Operation, Page,
    RequestExample, Response,
};
use crate::reconcile::{attributes_describing_response, reconcile};
use crate::rows;
use crate::sections::{
    AttributeGroup, Section, attribute_group_of, is_body_heading, nested_table_label, normalize, section_of, status_of,
};
use crate::tables::{attributes, headers};
use crate::url::{method_heading, method_line, url_path};

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
