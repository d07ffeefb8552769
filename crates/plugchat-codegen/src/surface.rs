//! The API as the generated crate exposes it: per operation the method name, the setters with
//! their Rust types and where each value goes on the wire, and the response type's fields.
//!
//! It is read from the same [`OperationPlan`] the code is emitted from, so a tool that
//! compares two surfaces (`cargo xtask diff`) judges exactly what users compile against, never a
//! second reading of the docs.

use plugchat_model::{Page, Spec};
use serde::Serialize;

use crate::operation_plan::OperationPlan;
use crate::plan;
use crate::types::RustType;

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
    /// The Rust type of the setter (`String`, `Vec<String>`, `SendTextButtonList`).
    pub rust_type: String,
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
    /// The Rust type without `Option`: every response and event field is an `Option`
    /// (ARCHITECTURE.md, "Nulls"), so whether a field may be absent is not part of the surface.
    pub rust_type: String,
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

/// The Rust type text (`String`, `bool`, `i64`, `Number`, `Vec<String>`, `Value`) the generator
/// gives a scalar or list Tipo such as `boolean` or `array string`: the same table as the
/// generated code, for tools (the OpenAPI exporter) describing fields that are not setters.
pub fn documented_rust_type(documented: &str) -> String {
    RustType::of_tipo_or_value(&plugchat_model::Tipo::parse(documented)).text()
}

/// The surface of one operation page, named as if it were the only page.
pub fn operation_surface(page: &Page) -> Option<OperationSurface> {
    let operation = page.operation.as_ref()?;
    Some(surface_planned(&OperationPlan::new(page, operation, &plan::single(page, operation))))
}

fn surface_planned(plan: &OperationPlan<'_>) -> OperationSurface {
    let (page, operation, names) = (plan.page, plan.operation, plan.names);
    let attributes: Vec<_> = operation.required.iter().chain(&operation.optional).collect();
    let params = plan
        .params
        .iter()
        .map(|param| {
            let attribute = attributes.iter().find(|a| a.name == param.wire_name);
            ParamSurface {
                setter: param.fixed.is_none().then(|| param.ident.to_string().trim_start_matches("r#").to_owned()),
                rust_type: param.ty.text(),
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
                rust_type: f.ty.text(),
                description: f.doc.clone(),
            })
            .collect(),
    });
    let mut description = page.title.clone();
    if !operation.description.is_empty() {
        description.push_str("\n\n");
        description.push_str(&operation.description);
    }
    OperationSurface {
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
        rust_type: RustType::of_tipo_or_value(&attribute.tipo()).text(),
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
