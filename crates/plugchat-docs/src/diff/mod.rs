//! `cargo xtask diff`: what changed in the API between two docs trees, and what it means.
//!
//! Both trees go through the parser and the generator's [`plugchat_codegen::api_surface`], so
//! the comparison sees what users compile against (setters, Rust types, response fields),
//! not the markdown. Each change carries two verdicts: `wire` (does a caller that followed
//! the old docs now get it wrong on HTTP?) and `rust` (what the change does to code written
//! against the generated crate, under Cargo's semver rules). The rules are in [`Kind::verdicts`]
//! and `xtask/tests/it/semver.rs` compiles a consumer per kind to prove the `rust` column.
//! README.md's table of kinds is [`Kind::table`]; a test keeps the two equal.

mod render;
pub mod source;

use std::collections::BTreeMap;

use plugchat_codegen::{
    ApiSurface, EventSurface, FieldSurface, OperationSurface, ParamSurface, ResponseSurface, TypeSurface,
};
use serde::Serialize;

pub use render::{Format, changelog_entry, render};

/// Whether a caller that matched the old docs still gets it right on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Wire {
    Compatible,
    Breaking,
}

/// What a change does to code written against the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// Every kind of change the diff finds. The names are stable (JSON output, docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    MethodChanged,
    PathChanged,
    DescriptionChanged,
    RequiredAttributeAdded,
    OptionalAttributeAdded,
    FixedAttributeAdded,
    AttributeRemoved,
    FixedAttributeRemoved,
    AttributeMadeRequired,
    AttributeMadeOptional,
    AttributeTypeChanged,
    AttributeDocumentedTypeChanged,
    AllowedValuesAdded,
    AllowedValuesRemoved,
    AttributeLocationChanged,
    ResponseShapeChanged,
    ResponseFieldAdded,
    ResponseFieldRemoved,
    ResponseFieldTypeChanged,

    StatusAdded,
    StatusRemoved,
    EventAdded,
    EventRemoved,
    EventDiscriminatorChanged,
    EventFieldAdded,
    EventFieldRemoved,
    EventFieldTypeChanged,
}

impl Kind {
    /// Every kind, in the order the README's table lists them.
    pub const ALL: [Kind; 30] = [
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::OperationRenamed,
        Kind::MethodChanged,
        Kind::PathChanged,
        Kind::DescriptionChanged,
        Kind::RequiredAttributeAdded,
        Kind::OptionalAttributeAdded,
        Kind::FixedAttributeAdded,
        Kind::AttributeRemoved,
        Kind::FixedAttributeRemoved,
        Kind::AttributeMadeRequired,
        Kind::AttributeMadeOptional,
        Kind::AttributeTypeChanged,
        Kind::AttributeDocumentedTypeChanged,
        Kind::AllowedValuesAdded,
        Kind::AllowedValuesRemoved,
        Kind::AttributeLocationChanged,
        Kind::ResponseShapeChanged,
        Kind::ResponseFieldAdded,
        Kind::ResponseFieldRemoved,
        Kind::ResponseFieldTypeChanged,
        Kind::StatusAdded,
        Kind::StatusRemoved,
        Kind::EventAdded,
        Kind::EventRemoved,
        Kind::EventDiscriminatorChanged,
        Kind::EventFieldAdded,
        Kind::EventFieldRemoved,
        Kind::EventFieldTypeChanged,
    ];

    /// The verdicts of a change of this kind, and why: the one place the rules live.
    /// Whether the change is to a webhook event (the rest are to operations).
    pub fn is_event(self) -> bool {
        matches!(
            self,
            Kind::EventAdded
                | Kind::EventRemoved
                | Kind::EventDiscriminatorChanged
                | Kind::EventFieldAdded
                | Kind::EventFieldRemoved
                | Kind::EventFieldTypeChanged
        )
    }

    pub fn verdicts(self) -> (Wire, Bump) {
        self.rule().0
    }

    /// Why the verdicts are what they are (the README's table).
    pub fn reason(self) -> &'static str {
        self.rule().1
    }

    fn rule(self) -> ((Wire, Bump), &'static str) {
        use Bump::{Major, Minor, Patch};
        use Kind::*;
        use Wire::{Breaking, Compatible};
        match self {
            OperationAdded => ((Compatible, Minor), "a new `Client` method"),
            OperationRemoved => ((Breaking, Major), "the endpoint is gone, and so is its method"),
            OperationRenamed => {
                ((Compatible, Major), "same endpoint, new page id: calls to the old method name stop compiling")
            }
            MethodChanged => ((Breaking, Patch), "the crate sends the new method; calling code does not change"),
            PathChanged => ((Breaking, Patch), "the crate sends to the new path; calling code does not change"),
            DescriptionChanged => ((Compatible, Patch), "rustdoc only"),
            RequiredAttributeAdded => {
                ((Breaking, Major), "a new required builder member: `send()` does not compile without it")
            }
            OptionalAttributeAdded => ((Compatible, Minor), "a new optional setter"),
            FixedAttributeAdded => ((Breaking, Patch), "one allowed value: the method sends it itself, no setter"),
            AttributeRemoved => {
                ((Compatible, Major), "the setter disappears; the service ignores what it no longer documents")
            }
            FixedAttributeRemoved => ((Compatible, Patch), "the method stops sending it; there was no setter"),
            AttributeMadeRequired => ((Breaking, Major), "calls that did not set it stop compiling"),
            AttributeMadeOptional => {
                ((Compatible, Minor), "an optional member's setter takes the value itself: calls still compile")
            }
            AttributeTypeChanged => ((Breaking, Major), "the setter takes another type"),
            AttributeDocumentedTypeChanged => ((Breaking, Patch), "the Tipo changed but maps to the same Rust type"),
            AllowedValuesAdded => {
                ((Compatible, Major), "request enums are exhaustive: a `match` on one stops compiling")
            }
            AllowedValuesRemoved => ((Breaking, Major), "the enum loses a variant"),
            AttributeLocationChanged => {
                ((Breaking, Patch), "path, query, body or header: the crate sends it where the docs now say")
            }
            ResponseShapeChanged => ((Breaking, Major), "object, list or untyped JSON: `send()` returns another type"),
            ResponseFieldAdded => ((Compatible, Minor), "response structs are `#[non_exhaustive]`"),
            ResponseFieldRemoved => ((Breaking, Major), "reading the field stops compiling"),
            ResponseFieldTypeChanged => ((Breaking, Major), "the field has another type"),
            StatusAdded => ((Compatible, Patch), "error statuses only document `Error::Api`; any 2xx is a success"),
            StatusRemoved => ((Compatible, Patch), "error statuses only document `Error::Api`; any 2xx is a success"),
            EventAdded => ((Compatible, Minor), "`WebhookEvent` is `#[non_exhaustive]`"),
            EventRemoved => ((Breaking, Major), "the variant is gone"),
            EventDiscriminatorChanged => ((Breaking, Patch), "the crate recognises the event by the new values"),
            EventFieldAdded => ((Compatible, Minor), "payload structs are `#[non_exhaustive]`"),
            EventFieldRemoved => ((Breaking, Major), "reading the field stops compiling"),
            EventFieldTypeChanged => ((Breaking, Major), "the field has another type"),
        }
    }

    /// The README's table of kinds and verdicts.
    pub fn table() -> String {
        let mut out = String::from("| kind | wire | rust | why |\n|---|---|---|---|\n");
        for kind in Kind::ALL {
            let (wire, rust) = kind.verdicts();
            let wire = if wire == Wire::Breaking { "breaking" } else { "compatible" };
            out.push_str(&format!("| `{}` | {wire} | {} | {} |\n", kind.name(), rust.as_str(), kind.reason()));
        }
        out
    }

    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

/// One change, with what it means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The page, relative to the tree's root (the new tree's, or the old one's for removals).
    pub page: String,
    /// The operation or event id.
    pub operation: String,
    pub kind: Kind,
    pub wire: Wire,
    pub rust: Bump,
    pub message: String,
}

/// A page that did not parse cleanly: compared as far as it parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unparsed {
    /// `from` or `to`.
    pub tree: &'static str,
    /// The first error, as `path:line:col: message` (path relative to the tree's root).
    pub error: String,
}

/// The comparison of two trees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiDiff {
    pub bump: Bump,
    pub changes: Vec<Change>,
    /// Pages with errors in either tree.
    pub errors: Vec<Unparsed>,
    /// The crate's version and the one this diff calls for, when the current one is known
    /// ([`ApiDiff::with_version`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Versions>,
}

/// A crate's version before and after the changes of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Versions {
    pub current: String,
    pub next: String,
}

/// The version after a change of level `bump` to a crate at `current` (`major.minor.patch`),
/// under Cargo's semver rules, where the first non-zero component is the major one:
/// on `0.y.z` a major change bumps `y`, a minor or patch one bumps `z`; on `0.0.z` every change
/// bumps `z`. `Bump::None` keeps the version.
pub fn next_version(current: &str, bump: Bump) -> Result<String, String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{current}` is not a `major.minor.patch` version"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("`{current}` is not a `major.minor.patch` version"));
    };
    let next = match (major, minor, bump) {
        (_, _, Bump::None) => (major, minor, patch),
        (0, 0, _) => (0, 0, patch + 1),
        (0, _, Bump::Major) => (0, minor + 1, 0),
        (0, _, Bump::Minor | Bump::Patch) => (0, minor, patch + 1),
        (_, _, Bump::Major) => (major + 1, 0, 0),
        (_, _, Bump::Minor) => (major, minor + 1, 0),
        (_, _, Bump::Patch) => (major, minor, patch + 1),
    };
    Ok(format!("{}.{}.{}", next.0, next.1, next.2))
}

impl ApiDiff {
    /// The diff with the crate's current version and the next one it calls for.
    pub fn with_version(mut self, current: &str) -> Result<ApiDiff, String> {
        let next = next_version(current, self.bump)?;
        self.version = Some(Versions { current: current.to_owned(), next });
        Ok(self)
    }

    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.wire == Wire::Breaking).count()
    }

    /// `changes: N, breaking: B, bump: X`.
    pub fn summary(&self) -> String {
        format!("changes: {}, breaking: {}, bump: {}", self.changes.len(), self.breaking(), self.bump.as_str())
    }
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, page: &str, id: &str, kind: Kind, message: String) {
        let (wire, rust) = kind.verdicts();
        self.0.push(Change { page: page.to_owned(), operation: id.to_owned(), kind, wire, rust, message });
    }
}

/// Compares two surfaces; `errors` lists pages that did not parse cleanly.
/// The diff of two parsed trees: their API surfaces compared, and the pages that did not parse.
pub fn between(from: &source::Tree, to: &source::Tree) -> ApiDiff {
    let errors = source::unparsed(from, to);
    compare(&plugchat_codegen::api_surface(&from.spec), &plugchat_codegen::api_surface(&to.spec), errors)
}

/// The diff of two API surfaces.
pub fn compare(from: &ApiSurface, to: &ApiSurface, errors: Vec<Unparsed>) -> ApiDiff {
    let mut changes = Changes(Vec::new());
    compare_operations(&from.operations, &to.operations, &mut changes);
    compare_events(&from.events, &to.events, &mut changes);
    // Grouped for review: operations, then events, each by page; in a group, the order found.
    changes
        .0
        .sort_by(|a, b| (a.kind.is_event(), &a.page, &a.operation).cmp(&(b.kind.is_event(), &b.page, &b.operation)));
    let bump = changes.0.iter().map(|c| c.rust).max().unwrap_or(Bump::None);
    ApiDiff { bump, changes: changes.0, errors, version: None }
}

/// Pairs old and new operations: by page id and page path, then by page id alone where the id
/// names one operation on each side (a page moved to another folder) or, for an id that names
/// several, where one new operation of that id kept the old `Client` method (a folder's
/// duplicate id), then by page path (a renamed id), then by the same method and path (a page
/// moved and renamed). An id that several folders use is never paired across folders by the
/// id alone: `contacts/get-all` is not `groups/get-all` (their methods, `contacts_get_all` and
/// `groups_get_all`, differ too). Every pair has its Rust names compared ([`names_changed`]).
fn compare_operations(from: &[OperationSurface], to: &[OperationSurface], out: &mut Changes) {
    let unique = |side: &[OperationSurface], id: &str| side.iter().filter(|o| o.id == id).count() == 1;
    let mut unmatched_new: Vec<&OperationSurface> = to.iter().collect();
    let mut pairs = Vec::new();
    let mut unmatched_old = Vec::new();
    for old in from {
        if let Some(i) = unmatched_new.iter().position(|new| new.id == old.id && new.file == old.file) {
            pairs.push((old, unmatched_new.remove(i)));
        } else {
            unmatched_old.push(old);
        }
    }
    let mut unpaired = Vec::new();
    for old in unmatched_old {
        let same_id: Vec<usize> = (0..unmatched_new.len()).filter(|&i| unmatched_new[i].id == old.id).collect();
        let same_method: Vec<usize> =
            same_id.iter().copied().filter(|&i| unmatched_new[i].method_name == old.method_name).collect();
        let moved = if unique(from, &old.id) && unique(to, &old.id) {
            same_id.first().copied()
        } else if let [only] = same_method[..] {
            // An id several pages of one folder use (the checker's `duplicate-id`): the one that
            // kept the old `Client` method is the old operation, as its callers see it.
            Some(only)
        } else {
            None
        };
        match moved {
            Some(i) => pairs.push((old, unmatched_new.remove(i))),
            None => unpaired.push(old),
        }
    }
    let mut removed = Vec::new();
    let mut renamed = Vec::new();
    for old in unpaired {
        let same_page = unmatched_new.iter().position(|new| new.file == old.file);
        let same_endpoint =
            || unmatched_new.iter().position(|new| new.http_method == old.http_method && new.path == old.path);
        match same_page.or_else(same_endpoint) {
            Some(i) => {
                let new = unmatched_new.remove(i);
                renamed.push((names_changed(old, new, out), new));
            }
            None => removed.push(old),
        }
    }
    for old in removed {
        out.push(
            &old.file,
            &old.id,
            Kind::OperationRemoved,
            format!("`{} {}` is gone: `Client::{}` no longer exists", old.http_method, old.path, old.method_name),
        );
    }
    for new in unmatched_new {
        out.push(
            &new.file,
            &new.id,
            Kind::OperationAdded,
            format!("new operation `{} {}`: `Client::{}`", new.http_method, new.path, new.method_name),
        );
    }
    let pairs: Vec<_> = pairs.into_iter().map(|(old, new)| (names_changed(old, new, out), new)).collect();
    for (old, new) in pairs.iter().chain(&renamed) {
        compare_operation(old, new, out);
    }
}

/// Reports an `operation-renamed` change when the pair's `Client` method or generated types
/// are named otherwise: a new page id, or an id that folders now share (or no longer do),
/// whose operations are then named from their section (`contacts_get_all`). Returns `old`
/// with its types under their new names, for the rest of the comparison: the types a rename
/// renames are part of that one change (the same `"action": "archive"` still goes on the wire).
fn names_changed(old: &OperationSurface, new: &OperationSurface, out: &mut Changes) -> OperationSurface {
    let renames = renamed_types(old, new);
    if new.method_name == old.method_name && renames.is_empty() {
        return rename_types(old, &renames);
    }
    let mut message = if old.id != new.id {
        format!("`{}` is now `{}`: ", old.id, new.id)
    } else {
        let why = match (old.dispatch_key.is_some(), new.dispatch_key.is_some()) {
            (false, true) => "is now the id of pages in several folders, each named from its section",
            (true, false) => "is no longer the id of pages in several folders",
            _ => "is named otherwise",
        };
        format!("`{}` {why}: ", new.id)
    };
    let mut parts = Vec::new();
    if new.method_name != old.method_name {
        parts.push(format!("`Client::{}` is now `Client::{}`", old.method_name, new.method_name));
        if old.id == new.id {
            // The page id's rename names its types itself; here the prefix moved with the method.
            let (from, to) = (camel(&old.method_name), camel(&new.method_name));
            parts.push(format!("the types named `{from}…` are now `{to}…`"));
        }
    }
    parts.extend(renames.iter().map(|(from, to)| format!("`{from}` is now `{to}`")));
    if old.id == new.id && old.key() != new.key() {
        parts.push(format!("`dynamic::call` names it `{}`, not `{}`", new.key(), old.key()));
    }
    message.push_str(&parts.join(", "));
    out.push(&new.file, &new.id, Kind::OperationRenamed, message);
    rename_types(old, &renames)
}

/// `contacts_get_all` → `ContactsGetAll`: the prefix of the types named like a method.
fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// The generated types whose name differs between two versions of a renamed operation at the
/// same place (the same parameter, response field or struct member), old name first, in order
/// of appearance. A name that would pair with two different names is left out.
fn renamed_types(old: &OperationSurface, new: &OperationSurface) -> Vec<(String, String)> {
    fn pair(old: &TypeSurface, new: &TypeSurface, out: &mut Vec<(String, String)>) {
        match (old, new) {
            (TypeSurface::Enum { name: a, .. }, TypeSurface::Enum { name: b, .. })
            | (TypeSurface::Object { name: a }, TypeSurface::Object { name: b })
                if a != b =>
            {
                out.push((a.clone(), b.clone()));
            }
            (TypeSurface::List { element: a }, TypeSurface::List { element: b }) => pair(a, b, out),
            _ => {}
        }
    }
    let mut candidates = Vec::new();
    for param in &old.params {
        if let Some(other) = new.params.iter().find(|p| p.wire_name == param.wire_name) {
            pair(&param.ty, &other.ty, &mut candidates);
        }
    }
    if let (Some(a), Some(b)) = (&old.response, &new.response) {
        for field in &a.fields {
            if let Some(other) = b.fields.iter().find(|f| f.wire_name == field.wire_name) {
                pair(&field.ty, &other.ty, &mut candidates);
            }
        }
    }
    for object in &old.objects {
        let Some((_, renamed)) = candidates.iter().find(|(from, _)| *from == object.name).cloned() else { continue };
        let Some(other) = new.objects.iter().find(|o| o.name == renamed) else { continue };
        for member in &object.members {
            if let Some(theirs) = other.members.iter().find(|m| m.wire_name == member.wire_name) {
                pair(&member.ty, &theirs.ty, &mut candidates);
            }
        }
    }
    let mut renames: Vec<(String, String)> = Vec::new();
    for (from, to) in &candidates {
        let ambiguous = candidates.iter().any(|(f, t)| (f == from) != (t == to));
        if !ambiguous && !renames.iter().any(|(f, _)| f == from) {
            renames.push((from.clone(), to.clone()));
        }
    }
    renames
}

/// `operation` with its types renamed.
fn rename_types(operation: &OperationSurface, renames: &[(String, String)]) -> OperationSurface {
    fn rename(ty: &mut TypeSurface, renames: &[(String, String)]) {
        match ty {
            TypeSurface::Enum { name, .. } | TypeSurface::Object { name } => {
                if let Some((_, to)) = renames.iter().find(|(from, _)| from == name) {
                    *name = to.clone();
                }
            }
            TypeSurface::List { element } => rename(element, renames),
            _ => {}
        }
    }
    let mut renamed = operation.clone();
    renamed.params.iter_mut().for_each(|p| rename(&mut p.ty, renames));
    if let Some(response) = &mut renamed.response {
        response.fields.iter_mut().for_each(|f| rename(&mut f.ty, renames));
    }
    for object in &mut renamed.objects {
        if let Some((_, to)) = renames.iter().find(|(from, _)| *from == object.name) {
            object.name = to.clone();
        }
        object.members.iter_mut().for_each(|m| rename(&mut m.ty, renames));
    }
    renamed
}

fn compare_operation(old: &OperationSurface, new: &OperationSurface, out: &mut Changes) {
    let (page, id) = (new.file.as_str(), new.id.as_str());
    if old.http_method != new.http_method {
        out.push(page, id, Kind::MethodChanged, format!("method `{}` → `{}`", old.http_method, new.http_method));
    }
    if old.path != new.path {
        out.push(page, id, Kind::PathChanged, format!("path `{}` → `{}`", old.path, new.path));
    }
    if old.description != new.description {
        out.push(page, id, Kind::DescriptionChanged, "title or description changed".to_owned());
    }
    compare_params(&old.params, &new.params, page, id, out);
    compare_response(old.response.as_ref(), new.response.as_ref(), page, id, out);
    for status in new.statuses.iter().filter(|s| !old.statuses.contains(s)) {
        out.push(page, id, Kind::StatusAdded, format!("status {status} is now documented"));
    }
    for status in old.statuses.iter().filter(|s| !new.statuses.contains(s)) {
        out.push(page, id, Kind::StatusRemoved, format!("status {status} is no longer documented"));
    }
}

fn describe(param: &ParamSurface) -> String {
    match &param.setter {
        Some(setter) => format!("`{}` (setter `{setter}`: {})", param.wire_name, param.ty),
        None => format!("`{}` (always sent by the method)", param.wire_name),
    }
}

fn compare_params(old: &[ParamSurface], new: &[ParamSurface], page: &str, id: &str, out: &mut Changes) {
    for param in new.iter().filter(|p| !old.iter().any(|o| o.wire_name == p.wire_name)) {
        let kind = match (&param.setter, param.required) {
            (None, _) => Kind::FixedAttributeAdded,
            (Some(_), true) => Kind::RequiredAttributeAdded,
            (Some(_), false) => Kind::OptionalAttributeAdded,
        };
        let what = if param.required { "required" } else { "optional" };
        out.push(page, id, kind, format!("new {what} {} attribute {}", param.location.as_str(), describe(param)));
    }
    for param in old.iter().filter(|p| !new.iter().any(|n| n.wire_name == p.wire_name)) {
        let kind = if param.setter.is_some() { Kind::AttributeRemoved } else { Kind::FixedAttributeRemoved };
        out.push(page, id, kind, format!("attribute {} was removed", describe(param)));
    }
    for old in old {
        // A name a page documents in two places (`self` as a header and in the body) is two
        // attributes: each is compared with the one at its place, if there is one.
        let at_its_place = new.iter().find(|n| n.wire_name == old.wire_name && n.location == old.location);
        let Some(new) = at_its_place.or_else(|| new.iter().find(|n| n.wire_name == old.wire_name)) else { continue };
        let name = &new.wire_name;
        match (old.required, new.required) {
            (false, true) => out.push(page, id, Kind::AttributeMadeRequired, format!("`{name}` is now required")),
            (true, false) => out.push(page, id, Kind::AttributeMadeOptional, format!("`{name}` is now optional")),
            _ => {}
        }
        if !old.ty.same_rust_type(&new.ty) || old.setter.is_some() != new.setter.is_some() {
            out.push(
                page,
                id,
                Kind::AttributeTypeChanged,
                format!("`{name}`: {} → {}{}", shown_type(old), shown_type(new), untyped(&old.ty, &new.ty)),
            );
        } else if old.documented_type != new.documented_type {
            out.push(
                page,
                id,
                Kind::AttributeDocumentedTypeChanged,
                format!(
                    "`{name}` documented as `{}` → `{}` (Rust type `{}` unchanged)",
                    old.documented_type, new.documented_type, new.ty
                ),
            );
        }
        // Values matter to Rust only where they make an enum (two or more); one is a fixed value.
        if old.allowed_values.len() >= 2 && new.allowed_values.len() >= 2 {
            let added: Vec<&String> = new.allowed_values.iter().filter(|v| !old.allowed_values.contains(v)).collect();
            let removed: Vec<&String> = old.allowed_values.iter().filter(|v| !new.allowed_values.contains(v)).collect();
            if !added.is_empty() {
                out.push(page, id, Kind::AllowedValuesAdded, format!("`{name}` allows {}", quoted(&added)));
            }
            if !removed.is_empty() {
                out.push(
                    page,
                    id,
                    Kind::AllowedValuesRemoved,
                    format!("`{name}` no longer allows {}", quoted(&removed)),
                );
            }
        }
        if old.description != new.description {
            out.push(page, id, Kind::DescriptionChanged, format!("description of `{name}` changed"));
        }
        if old.location != new.location {
            out.push(
                page,
                id,
                Kind::AttributeLocationChanged,
                format!("`{name}` is sent in the {} instead of the {}", new.location.as_str(), old.location.as_str()),
            );
        }
    }
}

/// A warning for a type that became untyped JSON: usually a Tipo the generator no longer reads
/// (a typo, a sub-table renamed), rarely what the docs meant.
fn untyped(old: &TypeSurface, new: &TypeSurface) -> &'static str {
    let is_json = |ty: &TypeSurface| *ty.element() == TypeSurface::Json;
    if is_json(new) && !is_json(old) { " (now untyped JSON: check the Tipo)" } else { "" }
}

fn shown_type(param: &ParamSurface) -> String {
    match &param.setter {
        Some(_) => format!("`{}`", param.ty),
        None => format!("fixed `{}`", param.allowed_values.first().map(String::as_str).unwrap_or("")),
    }
}

fn quoted(values: &[&String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn shape(response: Option<&ResponseSurface>) -> &'static str {
    match response {
        None => "untyped JSON",
        Some(r) if r.is_list => "a list of items",
        Some(_) => "an object",
    }
}

fn compare_response(
    old: Option<&ResponseSurface>,
    new: Option<&ResponseSurface>,
    page: &str,
    id: &str,
    out: &mut Changes,
) {
    match (old, new) {
        (Some(old), Some(new)) if old.is_list == new.is_list => {
            compare_fields(&old.fields, &new.fields, page, id, FieldKinds::RESPONSE, out);
        }
        (None, None) => {}
        _ => out.push(
            page,
            id,
            Kind::ResponseShapeChanged,
            format!("the answer was {} and is now {}", shape(old), shape(new)),
        ),
    }
}

/// The kinds to report for fields of a response or of an event.
struct FieldKinds {
    what: &'static str,
    added: Kind,
    removed: Kind,
    retyped: Kind,
}

impl FieldKinds {
    const RESPONSE: FieldKinds = FieldKinds {
        what: "response field",
        added: Kind::ResponseFieldAdded,
        removed: Kind::ResponseFieldRemoved,
        retyped: Kind::ResponseFieldTypeChanged,
    };
    const EVENT: FieldKinds = FieldKinds {
        what: "event field",
        added: Kind::EventFieldAdded,
        removed: Kind::EventFieldRemoved,
        retyped: Kind::EventFieldTypeChanged,
    };
}

/// Every response and event field is an `Option`: a `null` or a missing key is `None`.
fn field_type(field: &FieldSurface) -> String {
    format!("Option<{}>", field.ty)
}

fn compare_fields(
    old: &[FieldSurface],
    new: &[FieldSurface],
    page: &str,
    id: &str,
    kinds: FieldKinds,
    out: &mut Changes,
) {
    for field in new.iter().filter(|f| !old.iter().any(|o| o.wire_name == f.wire_name)) {
        out.push(page, id, kinds.added, format!("new {} `{}`: {}", kinds.what, field.wire_name, field_type(field)));
    }
    for field in old.iter().filter(|f| !new.iter().any(|n| n.wire_name == f.wire_name)) {
        out.push(
            page,
            id,
            kinds.removed,
            format!("{} `{}` ({}) was removed", kinds.what, field.wire_name, field_type(field)),
        );
    }
    for old in old {
        let Some(new) = new.iter().find(|n| n.wire_name == old.wire_name) else { continue };
        if !old.ty.same_rust_type(&new.ty) {
            out.push(
                page,
                id,
                kinds.retyped,
                format!("{} `{}`: `{}` → `{}`{}", kinds.what, new.wire_name, old.ty, new.ty, untyped(&old.ty, &new.ty)),
            );
        }
        if old.description != new.description {
            out.push(
                page,
                id,
                Kind::DescriptionChanged,
                format!("description of {} `{}` changed", kinds.what, new.wire_name),
            );
        }
    }
}

fn compare_events(from: &[EventSurface], to: &[EventSurface], out: &mut Changes) {
    let old_by_id: BTreeMap<&str, &EventSurface> = from.iter().map(|e| (e.id.as_str(), e)).collect();
    for new in to {
        match old_by_id.get(new.id.as_str()) {
            None => out.push(&new.file, &new.id, Kind::EventAdded, format!("new webhook event `{}`", new.id)),
            Some(old) => {
                if old.discriminator != new.discriminator {
                    let show = |d: &[(String, String)]| {
                        d.iter().map(|(f, v)| format!("`{f}` = `{v}`")).collect::<Vec<_>>().join(" and ")
                    };
                    out.push(
                        &new.file,
                        &new.id,
                        Kind::EventDiscriminatorChanged,
                        format!("recognised by {} instead of {}", show(&new.discriminator), show(&old.discriminator)),
                    );
                }
                compare_fields(&old.fields, &new.fields, &new.file, &new.id, FieldKinds::EVENT, out);
            }
        }
    }
    for old in from.iter().filter(|old| !to.iter().any(|new| new.id == old.id)) {
        out.push(&old.file, &old.id, Kind::EventRemoved, format!("webhook event `{}` is gone", old.id));
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    /// The README's table of kinds is generated from [`Kind::rule`], so it cannot drift.
    #[test]
    fn readme_lists_every_kind_with_its_verdicts() {
        let readme =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
        let table = Kind::table();
        assert!(readme.contains(&table), "README.md's table of diff kinds is stale; it should read:\n{table}");
        let names: std::collections::BTreeSet<String> = Kind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), Kind::ALL.len(), "a kind is listed twice");
    }

    /// A setter that becomes `serde_json::Value` (a Tipo the generator no longer reads) is
    /// called out, not only reported as a type change.
    #[test]
    fn a_type_that_becomes_untyped_json_is_called_out() {
        let page = |tipo: &str| {
            let text = format!(
                "---\nid: send-flag\ntitle: Flag\n---\n\n## Método\n\n`POST` https://api.example.com/api/send-flag\n\n\
                 ## Atributos\n\n### Obrigatórios\n\n| Atributos | Tipo | Descrição |\n| :-- | :-: | :-- |\n| flag | {tipo} | F |\n"
            );
            let options = plugchat_spec::ParseOptions { base_url: Some("https://api.example.com/api".into()) };
            let (page, _) = plugchat_spec::parse_page("flags/send-flag.md", &text, &options);
            plugchat_codegen::ApiSurface {
                operations: vec![plugchat_codegen::operation_surface(&page).unwrap()],
                events: Vec::new(),
            }
        };
        let diff = super::compare(&page("boolean"), &page("Telefone"), Vec::new());
        let change = diff.changes.iter().find(|c| c.kind == Kind::AttributeTypeChanged).expect("a type change");
        assert!(change.message.ends_with("(now untyped JSON: check the Tipo)"), "{}", change.message);
        let diff = super::compare(&page("boolean"), &page("integer"), Vec::new());
        assert!(!diff.changes[0].message.contains("untyped"), "{}", diff.changes[0].message);
    }
}

#[cfg(test)]
mod version_tests {
    use super::{Bump, next_version};

    /// Cargo's rules: the first non-zero component is the major one.
    #[test]
    fn next_versions_follow_cargo_semver_including_0x() {
        let cases = [
            ("1.2.3", Bump::Major, "2.0.0"),
            ("1.2.3", Bump::Minor, "1.3.0"),
            ("1.2.3", Bump::Patch, "1.2.4"),
            ("0.1.0", Bump::Major, "0.2.0"),
            ("0.1.0", Bump::Minor, "0.1.1"),
            ("0.1.7", Bump::Patch, "0.1.8"),
            ("0.0.4", Bump::Minor, "0.0.5"),
            ("0.0.4", Bump::Major, "0.0.5"),
            ("0.3.1", Bump::None, "0.3.1"),
        ];
        for (current, bump, next) in cases {
            assert_eq!(next_version(current, bump).as_deref(), Ok(next), "{current} + {bump:?}");
        }
        assert!(next_version("1.2", Bump::Patch).is_err());
        assert!(next_version("1.2.3-beta", Bump::Patch).is_err());
    }
}
