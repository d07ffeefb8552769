//! The API as the generated crate exposes it: per operation the method name, the setters with
//! their Rust types and where each value goes on the wire, and the response type's fields.
//!
//! It is read from the same [`OperationPlan`] the code is emitted from, so a tool that
//! compares two surfaces (`cargo xtask diff`) judges exactly what users compile against, never a
//! second reading of the docs. Types are data ([`TypeSurface`]): an enum's values and a
//! sub-table's members come with them ([`ObjectSurface`]), so no reader parses a type's text or
//! looks for the sub-table a Tipo names.

use plugchat_model::{Page, Spec};
use serde::Serialize;

use crate::objects::{Named, TypeResolver};
use crate::operation_plan::OperationPlan;
use crate::plan;
use crate::types::RustType;

/// A type of the generated crate, as data. `Display` gives its Rust spelling (`Vec<String>`,
/// `SendTextAction`), for messages only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TypeSurface {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i64`.
    Integer,
    /// `serde_json::Number`.
    Number,
    /// `serde_json::Value`: anything the docs do not type.
    Json,
    /// `Vec<element>`.
    List {
        /// The element type.
        element: Box<TypeSurface>,
    },
    /// A generated enum; the values are the wire spellings, in the docs' order.
    Enum {
        /// The Rust name.
        name: String,
        /// The allowed values.
        values: Vec<String>,
    },
    /// A generated struct of a sub-table, described in [`OperationSurface::objects`].
    Object {
        /// The Rust name (the key into `objects`).
        name: String,
    },
}

impl TypeSurface {
    /// Whether code written against `self` compiles against `other` as far as the type goes:
    /// the same Rust type, whatever an enum's values (a change of values is reported apart).
    pub fn same_rust_type(&self, other: &TypeSurface) -> bool {
        match (self, other) {
            (TypeSurface::Enum { name: a, .. }, TypeSurface::Enum { name: b, .. }) => a == b,
            (TypeSurface::List { element: a }, TypeSurface::List { element: b }) => a.same_rust_type(b),
            (a, b) => a == b,
        }
    }

    /// The element type of a list, or the type itself.
    pub fn element(&self) -> &TypeSurface {
        match self {
            TypeSurface::List { element } => element,
            other => other,
        }
    }

    fn of(ty: &RustType, resolver: Option<&TypeResolver<'_>>) -> TypeSurface {
        match ty {
            RustType::String => TypeSurface::String,
            RustType::Bool => TypeSurface::Bool,
            RustType::I64 => TypeSurface::Integer,
            RustType::Number => TypeSurface::Number,
            RustType::Value => TypeSurface::Json,
            RustType::Vec(element) => TypeSurface::List { element: Box::new(TypeSurface::of(element, resolver)) },
            RustType::Named(ident) => {
                let name = ident.to_string();
                match resolver.and_then(|r| r.named(&name)) {
                    Some(Named::Enum(values)) => TypeSurface::Enum { name, values },
                    _ => TypeSurface::Object { name },
                }
            }
        }
    }
}

impl std::fmt::Display for TypeSurface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeSurface::String => f.write_str("String"),
            TypeSurface::Bool => f.write_str("bool"),
            TypeSurface::Integer => f.write_str("i64"),
            TypeSurface::Number => f.write_str("Number"),
            TypeSurface::Json => f.write_str("Value"),
            TypeSurface::List { element } => write!(f, "Vec<{element}>"),
            TypeSurface::Enum { name, .. } | TypeSurface::Object { name } => f.write_str(name),
        }
    }
}

/// The struct generated for a sub-table of the attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectSurface {
    /// The Rust name ([`TypeSurface::Object`] refers to it).
    pub name: String,
    /// The sub-table's name in the docs (`Button List`).
    pub table: String,
    /// Its fields, required ones first.
    pub members: Vec<MemberSurface>,
}

/// A field of a sub-table's struct.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberSurface {
    /// The documented name, as sent.
    pub wire_name: String,
    /// Its type.
    pub ty: TypeSurface,
    /// Whether the struct's field is not an `Option` (`new` takes it).
    pub required: bool,
    /// The values the docs allow (an enum when there are two or more).
    pub allowed_values: Vec<String>,
    /// The documented Tipo, as written.
    pub documented_type: String,
    /// The description column.
    pub description: String,
}

/// Every operation and webhook event of a spec, as generated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiSurface {
    /// Operations in page order.
    pub operations: Vec<OperationSurface>,
    /// Webhook events in page order.
    pub events: Vec<EventSurface>,
}

/// One operation: a `Client` method and its builder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperationSurface {
    /// The page id (`send-text`).
    pub id: String,
    /// The page's path relative to the docs root.
    pub file: String,
    /// The `Client` method (`send_text`).
    pub method_name: String,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// Path template relative to the base URL (`/whatsapp/send-text`).
    pub path: String,
    /// The page's description (title and prose), which becomes the method's rustdoc.
    pub description: String,
    /// Setters and fixed values, in signature order.
    pub params: Vec<ParamSurface>,
    /// The success response, or `None` when it is untyped JSON.
    pub response: Option<ResponseSurface>,
    /// Every documented status, in page order.
    pub statuses: Vec<u16>,
    /// Whether the method sends a JSON body (even `{}`).
    pub sends_body: bool,
    /// For a paginated list: its page stream and the two parameters it drives.
    pub pagination: Option<PaginationSurface>,
    /// The structs of the sub-tables the parameters use, by name.
    pub objects: Vec<ObjectSurface>,
}

/// A paginated list operation's page stream (`<method>_stream(page_size)`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaginationSurface {
    /// The `Client` method that returns the stream's builder (`get_chats_stream`).
    pub stream_method: String,
    /// The wire name of the page number parameter (`page`).
    pub page: String,
    /// The wire name of the page size parameter (`pageSize`).
    pub page_size: String,
}

/// Where a value goes on the wire: the model's answer, named here for the surface's readers.
pub use plugchat_model::ParamLocation;

/// One request attribute as the builder exposes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamSurface {
    /// The documented name, as sent.
    pub wire_name: String,
    /// The builder's setter (`phone`), absent for a fixed value.
    pub setter: Option<String>,
    /// The type of the setter's value.
    pub ty: TypeSurface,
    /// Whether leaving it out does not compile.
    pub required: bool,
    /// Where it is sent.
    pub location: ParamLocation,
    /// The values the docs allow (an enum in Rust when there are two or more).
    pub allowed_values: Vec<String>,
    /// The documented Tipo, as written.
    pub documented_type: String,
    /// The description column (the setter's rustdoc).
    pub description: String,
}

/// The success response's Rust type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseSurface {
    /// The status it is documented under.
    pub status: u16,
    /// Whether `send()` returns a `Vec` of items.
    pub is_list: bool,
    /// Fields of the item or object.
    pub fields: Vec<FieldSurface>,
}

/// A field of a response or webhook event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldSurface {
    /// The JSON name (dotted for nested webhook fields).
    pub wire_name: String,
    /// The type without `Option`: every response and event field is an `Option`
    /// (ARCHITECTURE.md, "Nulls"), so whether a field may be absent is not part of the surface.
    pub ty: TypeSurface,
    /// The description column (the field's rustdoc).
    pub description: String,
}

/// One `WebhookEvent` variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSurface {
    /// The page id (`message-received`).
    pub id: String,
    /// The page's path relative to the docs root.
    pub file: String,
    /// `field = value` conditions that recognise the event.
    pub discriminator: Vec<(String, String)>,
    /// The documented fields.
    pub fields: Vec<FieldSurface>,
}

/// The structs of the sub-tables that `types` (and their members, in turn) refer to.
fn objects(types: impl IntoIterator<Item = TypeSurface>, resolver: &TypeResolver<'_>) -> Vec<ObjectSurface> {
    let mut pending: Vec<TypeSurface> = types.into_iter().collect();
    let mut objects: Vec<ObjectSurface> = Vec::new();
    while let Some(ty) = pending.pop() {
        let TypeSurface::Object { name } = ty.element() else { continue };
        if objects.iter().any(|o| &o.name == name) {
            continue;
        }
        let Some(object) = resolver.named(name).and_then(|named| match named {
            Named::Object(index) => resolver.object(index),
            Named::Enum(_) => None,
        }) else {
            continue;
        };
        let members: Vec<MemberSurface> = object
            .required
            .iter()
            .map(|a| (a, true))
            .chain(object.optional.iter().map(|a| (a, false)))
            .map(|(attribute, required)| MemberSurface {
                wire_name: attribute.name.clone(),
                ty: TypeSurface::of(&resolver.attribute_type(attribute), Some(resolver)),
                required,
                allowed_values: attribute.allowed_values.clone(),
                documented_type: attribute.ty.clone(),
                description: attribute.description.clone(),
            })
            .collect();
        pending.extend(members.iter().map(|m| m.ty.clone()));
        objects.push(ObjectSurface { name: name.clone(), table: object.name.clone(), members });
    }
    objects.sort_by(|a, b| a.name.cmp(&b.name));
    objects
}

/// The surface of one operation page, named as if it were the only page.
pub fn operation_surface(page: &Page) -> Option<OperationSurface> {
    let operation = page.operation.as_ref()?;
    Some(surface_planned(&OperationPlan::new(page, operation, &plan::single(page, operation))))
}

fn surface_planned(plan: &OperationPlan<'_>) -> OperationSurface {
    let (page, operation, names) = (plan.page, plan.operation, plan.names);
    let attributes: Vec<_> = operation.required.iter().chain(&operation.optional).collect();
    let params: Vec<ParamSurface> = plan
        .params
        .iter()
        .map(|param| {
            let attribute = attributes.iter().find(|a| a.name == param.wire_name);
            ParamSurface {
                setter: param.fixed.is_none().then(|| param.ident.to_string().trim_start_matches("r#").to_owned()),
                ty: TypeSurface::of(&param.ty, Some(&plan.resolver)),
                required: param.required,
                location: param.place,
                allowed_values: attribute.map(|a| a.allowed_values.clone()).unwrap_or_default(),
                documented_type: attribute.map(|a| a.ty.clone()).unwrap_or_else(|| "string".to_owned()),
                description: attribute.map(|a| a.description.clone()).unwrap_or_default(),
                wire_name: param.wire_name.clone(),
            }
        })
        .collect();
    let response = plan.success.zip(plan.shape.as_ref()).map(|(response, shape)| ResponseSurface {
        status: response.status,
        is_list: shape.is_list,
        fields: shape
            .fields
            .iter()
            .map(|f| FieldSurface {
                wire_name: f.wire_name.clone(),
                ty: TypeSurface::of(&f.ty, None),
                description: f.doc.clone(),
            })
            .collect(),
    });
    let mut description = page.title.clone();
    if !operation.description.is_empty() {
        description.push_str("\n\n");
        description.push_str(&operation.description);
    }
    let objects = objects(params.iter().map(|p| p.ty.clone()), &plan.resolver);
    OperationSurface {
        objects,
        id: page.id.clone(),
        file: page.file.clone(),
        method_name: names.method.to_string().trim_start_matches("r#").to_owned(),
        http_method: operation.method.as_str().to_owned(),
        path: operation.path.clone(),
        description,
        params,
        response,
        statuses: operation.responses.iter().map(|r| r.status).collect(),
        sends_body: operation.sends_body(),
        pagination: plan.pages().map(|(page, size)| PaginationSurface {
            stream_method: names.stream.to_string().trim_start_matches("r#").to_owned(),
            page: page.wire_name.clone(),
            page_size: size.wire_name.clone(),
        }),
    }
}

/// The surface of one callback page.
pub fn event_surface(page: &Page) -> Option<EventSurface> {
    let callback = page.callback.as_ref()?;
    // Every payload field is an `Option`: a recognised event always decodes (ARCHITECTURE.md).
    let field = |attribute: &plugchat_model::Attribute| FieldSurface {
        wire_name: attribute.name.clone(),
        ty: TypeSurface::of(&RustType::of_tipo_or_value(&attribute.tipo()), None),
        description: attribute.description.clone(),
    };
    Some(EventSurface {
        id: page.id.clone(),
        file: page.file.clone(),
        discriminator: callback.discriminator.iter().map(|d| (d.field.clone(), d.value.clone())).collect(),
        fields: callback.required.iter().chain(&callback.optional).map(field).collect(),
    })
}

/// The surface of a whole spec.
pub fn api_surface(spec: &Spec) -> ApiSurface {
    ApiSurface {
        operations: {
            let plan = plan::Plan::new(spec);
            spec.operations()
                .map(|(page, operation)| surface_planned(&OperationPlan::new(page, operation, plan.operation(page))))
                .collect()
        },
        events: spec.pages.iter().filter_map(event_surface).collect(),
    }
}

#[cfg(test)]
mod tests {
    use plugchat_spec::{ParseOptions, parse_page};

    /// `page_size` names the page size as well as `pageSize`: the generator streams it, and the
    /// surface (which the CLI's `--all` reads) says so with the wire names.
    #[test]
    fn pagination_is_decided_once_whatever_the_size_is_called() {
        for size in ["pageSize", "page_size", "PAGESIZE"] {
            let text = format!(
                "---\nid: list-things\ntitle: Listar\n---\n\n## Método\n\n`GET` https://api.example.com/api/things\n\n\
                 ## Atributos\n\n### Obrigatórios\n\n| Atributos | Tipo | Descrição |\n| :-- | :-: | :-- |\n\
                 | page | integer | Página |\n| {size} | integer | Tamanho |\n\n\
                 ## Response\n\n### 200\n\n```json\n[{{\"id\": \"1\"}}]\n```\n"
            );
            let (page, _) = parse_page("things/list.md", &text, &ParseOptions::default());
            let surface = super::operation_surface(&page).expect("an operation");
            let pagination = surface.pagination.expect(size);
            assert_eq!((pagination.page.as_str(), pagination.page_size.as_str()), ("page", size));
            assert_eq!(pagination.stream_method, "list_things_stream");
        }
    }
}
