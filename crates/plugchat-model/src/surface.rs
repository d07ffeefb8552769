//! The API as a generated crate exposes it, as data: per operation the `Client` method, the
//! setters with their types and where each value goes on the wire, the structs of the
//! sub-tables, the success response's fields and the page stream; per webhook event its fields.
//!
//! `plugchat-codegen` computes it (`api_surface`) from the same plan it emits the code from, and
//! every generated crate carries it as JSON (`API_SURFACE_JSON`), so tools that read the API (the
//! mock server, the `plugchat` command) need neither the docs nor the generator. Types are data
//! ([`TypeSurface`]): nobody parses a type's text.

use serde::{Deserialize, Serialize};

pub use crate::wire::ParamLocation;

/// A type of the generated crate, as data. `Display` gives its Rust spelling (`Vec<String>`,
/// `SendTextAction`), for messages only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectSurface {
    /// The Rust name ([`TypeSurface::Object`] refers to it).
    pub name: String,
    /// The sub-table's name in the docs (`Button List`).
    pub table: String,
    /// Its fields, required ones first.
    pub members: Vec<MemberSurface>,
}

/// A field of a sub-table's struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiSurface {
    /// Operations in page order.
    pub operations: Vec<OperationSurface>,
    /// Webhook events in page order.
    pub events: Vec<EventSurface>,
}

/// One operation: a `Client` method and its builder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// The page id (`send-text`).
    pub id: String,
    /// What names the operation in the generated `dynamic::call` and `dynamic::decode` and in
    /// the runtime's errors, when it is not [`id`](Self::id): `<folder>/<id>` for an id that
    /// several folders use (`chats/get-all`). Absent otherwise, and in surfaces written before
    /// it existed; read it with [`OperationSurface::key`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_key: Option<String>,
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

impl OperationSurface {
    /// What names the operation in the generated `dynamic::call` and `dynamic::decode`: its
    /// page id, or `<folder>/<id>` for an id that several folders use. Tools that call or
    /// name one operation among all of them (the CLI's commands, the mock's overrides) use it.
    pub fn key(&self) -> &str {
        self.dispatch_key.as_deref().unwrap_or(&self.id)
    }
}

/// A paginated list operation's page stream (`<method>_stream(page_size)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaginationSurface {
    /// The `Client` method that returns the stream's builder (`get_chats_stream`).
    pub stream_method: String,
    /// The wire name of the page number parameter (`page`).
    pub page: String,
    /// The wire name of the page size parameter (`pageSize`).
    pub page_size: String,
}

/// One request attribute as the builder exposes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSurface {
    /// The status it is documented under.
    pub status: u16,
    /// Whether `send()` returns a `Vec` of items.
    pub is_list: bool,
    /// Fields of the item or object.
    pub fields: Vec<FieldSurface>,
}

/// A field of a response or webhook event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
