//! Every name the generated crate declares, chosen once for the whole spec so no two collide.
//!
//! Docs name things freely: two page ids that read as one method (`get-chats`, `get_chats`), a
//! sub-table whose type name is another operation's (`send` + `Text Response` and
//! `send-text` + its response are both `SendTextResponse`), two sections that read as one
//! module, two methods whose builders read alike (`r#type` and `r_type`). Names are handed out
//! in page order by [`Unique`]: the first keeps its natural name, a later one gets a number.
//! Type names are unique across the crate, not only within their module, so glob imports of
//! two sections never clash. Wire names never change (`#[serde(rename)]`, header and query
//! names are kept as written).
//!
//! One front-matter id may name operations in several folders (the docs site prefixes ids with
//! the folder, so `contacts/get-all.md` and `groups/get-all.md` are two pages): every one of
//! them is named from its section and its id ([`Plan::new`]), not numbered.

use std::collections::{BTreeMap, HashMap, HashSet};

use plugchat_model::{Attribute, ObjectType, Operation, Page, Spec};
use proc_macro2::Ident;
use quote::format_ident;

use crate::names::{self, Unique};

/// Methods of `Client` a generated method must not shadow.
const CLIENT_METHODS: &[&str] = &["builder", "clone", "fmt", "from", "into"];

/// The names of one operation's items.
#[derive(Debug, Clone)]
pub(crate) struct OperationNames {
    /// The `Client` method.
    pub(crate) method: Ident,
    /// The page-after-page stream method (emitted for list operations only).
    pub(crate) stream: Ident,
    /// The type `method` returns: `Client<Method>Builder`.
    pub(crate) builder: Ident,
    /// The type `stream` returns.
    pub(crate) stream_builder: Ident,
    /// The section's module.
    pub(crate) module: Ident,
    /// What names the operation in `dynamic::call` and `dynamic::decode` and in the runtime's
    /// errors: the page id, or `<folder>/<id>` for an id that repeats across folders.
    pub(crate) key: String,
    /// Type names by what they name: `response`, `item`, `object:<name>`, `enum:<row>`.
    types: HashMap<String, Ident>,
}

fn object_key(object: &ObjectType) -> String {
    format!("object:{}", object.name)
}

/// An enum attribute's key: what it means, not where it is (the model read back from
/// `spec.json` has no positions). Two attributes with the same key share one type.
fn enum_key(attribute: &Attribute) -> String {
    format!("enum:{}:{}:{}", attribute.name, attribute.allowed_values.join("|"), attribute.description)
}

impl OperationNames {
    /// `<Prefix>Response`.
    pub(crate) fn response(&self) -> &Ident {
        &self.types["response"]
    }

    /// `<Prefix>Item`.
    pub(crate) fn item(&self) -> &Ident {
        &self.types["item"]
    }

    /// The struct of a sub-table.
    pub(crate) fn object(&self, object: &ObjectType) -> Ident {
        self.types.get(&object_key(object)).cloned().unwrap_or_else(|| format_ident!("UnplannedObject"))
    }

    /// The enum of an attribute with allowed values.
    pub(crate) fn enumeration(&self, attribute: &Attribute) -> Ident {
        self.types.get(&enum_key(attribute)).cloned().unwrap_or_else(|| format_ident!("UnplannedEnum"))
    }
}

/// The local type names of an operation, in a fixed order, before a prefix is chosen.
fn local_types(operation: &Operation) -> Vec<(String, String)> {
    let mut local = vec![("response".to_owned(), "Response".to_owned()), ("item".to_owned(), "Item".to_owned())];
    for object in &operation.objects {
        local.push((object_key(object), names::camel(&object.name).to_string()));
    }
    let attributes = operation
        .required
        .iter()
        .chain(&operation.optional)
        .chain(operation.objects.iter().flat_map(|o| o.required.iter().chain(&o.optional)));
    for attribute in attributes.filter(|a| a.allowed_values.len() >= 2) {
        let key = enum_key(attribute);
        if !local.iter().any(|(taken, _)| *taken == key) {
            local.push((key, names::camel(&attribute.name).to_string()));
        }
    }
    local
}

/// Type names of one operation, unique within the module `taken` describes: `base` (the page
/// id, or section and id, see [`Plan::new`]) in camel case as prefix, or the first numbered
/// prefix none of whose names is taken.
fn operation_types(base: &str, operation: &Operation, taken: &mut Unique) -> HashMap<String, Ident> {
    let natural = names::camel(base).to_string();
    let local = local_types(operation);
    let assign = |prefix: &str| {
        let mut inside = Unique::default();
        local.iter().map(|(key, name)| (key.clone(), inside.camel(prefix, name).to_string())).collect::<Vec<_>>()
    };
    let chosen = std::iter::once(natural.clone())
        .chain((2..).map(|n| format!("{natural}{n}")))
        .map(|prefix| assign(&prefix))
        .find(|names| names.iter().all(|(_, name)| !taken.has_camel(name)))
        .expect("unbounded");
    chosen
        .into_iter()
        .map(|(key, name)| {
            taken.take_camel(&name);
            (key, names::camel(&name))
        })
        .collect()
}

/// The module of a docs section (`general` for the tree's root).
fn section_name(section: &str) -> &str {
    if section.is_empty() { "general" } else { section }
}

/// `Client<Method>Builder`, or the first `Client<Method><n>Builder` that is free.
fn builder_name(method: &Ident, taken: &mut Unique) -> Ident {
    // `r#type` reads `type`: `RType` would be `r-type`'s.
    let camel = names::camel(method.to_string().trim_start_matches("r#")).to_string();
    let chosen = std::iter::once(format!("Client{camel}Builder"))
        .chain((2..).map(|n| format!("Client{camel}{n}Builder")))
        .find(|name| !taken.has_camel(name))
        .expect("unbounded");
    taken.take_camel(&chosen);
    names::camel(&chosen)
}

/// The page ids of operations in more than one section (a webhook page sharing an
/// operation's id does not count; pages of one section sharing an id are the checker's
/// `duplicate-id`, numbered as any other names that read alike).
fn repeated_ids(spec: &Spec) -> HashSet<&str> {
    let mut sections: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (page, _) in spec.operations() {
        sections.entry(page.id.as_str()).or_default().insert(page.section.as_str());
    }
    sections.into_iter().filter(|(_, sections)| sections.len() > 1).map(|(id, _)| id).collect()
}

/// Names for every operation of a spec, and what the webhook types must avoid.
pub(crate) struct Plan {
    operations: HashMap<String, OperationNames>,
    /// Module idents by section.
    pub(crate) modules: BTreeMap<String, Ident>,
    /// Type names taken anywhere in the crate, by operations and their builders.
    taken: Unique,
}

impl Plan {
    pub(crate) fn new(spec: &Spec) -> Plan {
        let mut modules = BTreeMap::new();
        let mut module_names = Unique::reserving(&["dynamic"]);
        let mut sections: Vec<&str> = spec
            .pages
            .iter()
            .filter(|p| p.operation.is_some() || p.callback.is_some())
            .map(|p| p.section.as_str())
            .collect();
        sections.sort();
        sections.dedup();
        for section in sections {
            modules.insert(section.to_owned(), module_names.snake(section_name(section)));
        }
        let mut methods = Unique::reserving(CLIENT_METHODS);
        let mut taken = Plan::reserved_types();
        let repeated = repeated_ids(spec);
        // Builders first, in page order, so their names do not depend on sub-table names.
        let mut chosen: Vec<(&Page, &Operation, String, [Ident; 4])> = Vec::new();
        for (page, operation) in spec.operations() {
            // An id that repeats across folders names each of its operations from the
            // section's module and the id (`contacts_get_all`, `groups_get_all`), the first one
            // included: a bare `get_all` for whichever page sorts first would change meaning
            // when a page is added or a folder renamed, and would hide that the id is
            // ambiguous. Ids that do not repeat keep their bare names.
            let base = if repeated.contains(page.id.as_str()) {
                format!("{} {}", modules[&page.section].to_string().trim_start_matches("r#"), page.id)
            } else {
                page.id.clone()
            };
            let method = methods.snake(&base);
            let stream = methods.snake(&format!("{}_stream", method.to_string().trim_start_matches("r#")));
            let (builder, stream_builder) = (builder_name(&method, &mut taken), builder_name(&stream, &mut taken));
            chosen.push((page, operation, base, [method, stream, builder, stream_builder]));
        }
        let mut operations = HashMap::new();
        for (page, operation, base, [method, stream, builder, stream_builder]) in chosen {
            let key = if repeated.contains(page.id.as_str()) && !page.section.is_empty() {
                format!("{}/{}", page.section, page.id)
            } else {
                page.id.clone()
            };
            let names = OperationNames {
                types: operation_types(&base, operation, &mut taken),
                method,
                stream,
                builder,
                stream_builder,
                module: modules[&page.section].clone(),
                key,
            };
            operations.insert(page.file.clone(), names);
        }
        Plan { operations, modules, taken }
    }

    fn reserved_types() -> Unique {
        let mut types = Unique::default();
        for name in ["Args", "WebhookEvent"] {
            types.take_camel(name);
        }
        types
    }

    /// The names of `page`'s operation (a page of the planned spec).
    pub(crate) fn operation(&self, page: &Page) -> &OperationNames {
        &self.operations[&page.file]
    }

    /// The type names webhook types must avoid.
    pub(crate) fn taken_types(&self) -> Unique {
        self.taken.clone()
    }
}

/// The names of one operation generated on its own (snapshots, one page's surface).
pub(crate) fn single(page: &Page, operation: &Operation) -> OperationNames {
    let spec = Spec {
        format_version: plugchat_model::SPEC_FORMAT_VERSION,
        base_url: None,
        pages: vec![Page { operation: Some(operation.clone()), callback: None, ..page.clone() }],
    };
    Plan::new(&spec).operation(page).clone()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proc_macro2::{TokenStream, TokenTree};

    /// A page `file` with id `id` answering one field.
    fn page(file: &str, id: &str) -> (String, Vec<u8>) {
        let text = format!(
            "---\nid: {id}\ntitle: T\n---\n\n## Method\n\n`GET` https://api.example.test/v1/{file}\n\n\
             ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n| id | string | Id |\n"
        );
        (file.to_owned(), text.into_bytes())
    }

    /// The names of the items declared at the crate's root and in each section module (not in
    /// nested modules such as a builder's markers, nor locals in function bodies), with the
    /// module declaring each.
    fn declared(tokens: TokenStream, module: &str, out: &mut BTreeMap<String, Vec<String>>) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for pair in tokens.windows(3) {
            let [TokenTree::Ident(keyword), TokenTree::Ident(name), next] = pair else { continue };
            let keyword = keyword.to_string();
            if !["struct", "enum", "type", "mod", "const", "trait"].contains(&keyword.as_str()) {
                continue;
            }
            out.entry(name.to_string()).or_default().push(module.to_owned());
            if let (true, TokenTree::Group(body)) = (keyword == "mod" && module == "crate", next) {
                declared(body.stream(), &name.to_string(), out);
            }
        }
    }

    /// Page ids whose builders read alike (`type` → `r#type`, `r-type` → `r_type`: both
    /// `ClientRTypeBuilder` once), ids whose types read alike in two sections (`get-chats`,
    /// `GetChats`): every item of the crate has a name of its own.
    #[test]
    fn every_item_name_is_unique_across_the_crate() {
        let sources = [
            page("chats/type.md", "type"),
            page("chats/r-type.md", "r-type"),
            page("chats/get-chats.md", "get-chats"),
            page("groups/get-chats-too.md", "GetChats"),
        ];
        let (spec, _) = plugchat_spec::parse_sources("docs", &sources, Some("https://api.example.test".into()));
        let plan = super::Plan::new(&spec);
        let builders: Vec<String> =
            spec.operations().map(|(page, _)| plan.operation(page).builder.to_string()).collect();
        assert_eq!(
            builders,
            ["ClientTypeBuilder", "ClientRTypeBuilder", "ClientGetChatsBuilder", "ClientGetChats2Builder"]
        );

        let mut names = BTreeMap::new();
        declared(crate::generate(&spec).unwrap(), "crate", &mut names);
        for builder in &builders {
            assert!(names.contains_key(builder), "{builder} is not declared: {names:?}");
        }
        assert!(names.contains_key("GetChatsResponse") && names.contains_key("GetChats2Response"), "{names:?}");
        let repeated: Vec<_> = names.iter().filter(|(_, modules)| modules.len() > 1).collect();
        assert!(repeated.is_empty(), "declared more than once: {repeated:?}");
    }
}
