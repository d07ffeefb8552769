//! The API as the generated crate exposes it: per operation the method name, the setters with
//! their Rust types and where each value goes on the wire, and the response type's fields.
//!
//! It is read from the same [`OperationPlan`] the code is emitted from, so a tool that
//! compares two surfaces (`cargo xtask diff`) judges exactly what users compile against, never a
//! second reading of the docs. Types are data ([`TypeSurface`]): an enum's values and a
//! sub-table's members come with them ([`ObjectSurface`]), so no reader parses a type's text or
//! looks for the sub-table a Tipo names.

use plugchat_model::surface::*;
use plugchat_model::{Page, Spec};

use crate::objects::{Named, TypeResolver};
use crate::operation_plan::OperationPlan;
use crate::plan;
use crate::types::RustType;

/// The surface of a generated type; `resolver` tells an enum (and its values) from a struct.
fn type_of(ty: &RustType, resolver: Option<&TypeResolver<'_>>) -> TypeSurface {
    match ty {
        RustType::String => TypeSurface::String,
        RustType::Bool => TypeSurface::Bool,
        RustType::I64 => TypeSurface::Integer,
        RustType::Number => TypeSurface::Number,
        RustType::Value => TypeSurface::Json,
        RustType::Vec(element) => TypeSurface::List { element: Box::new(type_of(element, resolver)) },
        RustType::Named(ident) => {
            let name = ident.to_string();
            match resolver.and_then(|r| r.named(&name)) {
                Some(Named::Enum(values)) => TypeSurface::Enum { name, values },
                _ => TypeSurface::Object { name },
            }
        }
    }
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
                ty: type_of(&resolver.attribute_type(attribute), Some(resolver)),
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
                ty: type_of(&param.ty, Some(&plan.resolver)),
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
                ty: type_of(&f.ty, None),
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
        dispatch_key: (names.key != page.id).then(|| names.key.clone()),
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
        ty: type_of(&RustType::of_tipo_or_value(&attribute.tipo()), None),
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
    use plugchat_model::surface::TypeSurface;
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

    /// An id that several folders use: the surface's key of each of its operations is the one
    /// `dynamic::call` dispatches on (`<folder>/<id>`, the root page's bare id), and an id used
    /// once has no `dispatch_key`, so its surface (and `API_SURFACE_JSON`) reads as before.
    #[test]
    fn the_surface_names_each_operation_as_dynamic_call_does() {
        let page = |file: &str, id: &str| {
            let text = format!(
                "---\nid: {id}\ntitle: T\n---\n\n## Method\n\n`GET` https://api.example.test/v1/{file}\n\n\
                 ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n| name | string | N |\n"
            );
            (file.to_owned(), text.into_bytes())
        };
        let sources = [
            page("contacts/get-all.md", "get-all"),
            page("groups/get-all.md", "get-all"),
            page("get-all.md", "get-all"),
            page("groups/send.md", "send"),
        ];
        let spec = plugchat_spec::parse_sources("docs", &sources, Some("https://api.example.test/v1".into())).0;
        let surface = super::api_surface(&spec);
        let keys: Vec<(&str, Option<&str>)> =
            surface.operations.iter().map(|o| (o.key(), o.dispatch_key.as_deref())).collect();
        assert_eq!(
            keys,
            [
                ("contacts/get-all", Some("contacts/get-all")),
                ("groups/get-all", Some("groups/get-all")),
                ("get-all", None),
                ("send", None)
            ]
        );
        let code = crate::pretty(crate::generate(&spec).expect("generates"));
        for operation in &surface.operations {
            assert!(code.contains(&format!("\"{}\" =>", operation.key())), "no arm for {}:\n{code}", operation.key());
        }
        let json = serde_json::to_value(&surface.operations[3]).unwrap();
        assert!(json.get("dispatch_key").is_none(), "{json}");
    }

    /// Lists of a sub-table, however the Tipo spells them, are lists of the one struct, whose
    /// members come with the surface; the method's doc example builds them.
    #[test]
    fn lists_of_a_sub_table_are_typed_as_lists_of_its_struct() {
        let text = include_str!("../../../tests/fixtures/sub-table-lists.md");
        let (page, _) = parse_page("buttons/send-buttons.md", text, &ParseOptions::default());
        let surface = super::operation_surface(&page).expect("an operation");
        let button = TypeSurface::Object { name: "SendButtonsButton".into() };
        for param in &surface.params {
            assert_eq!(param.ty, TypeSurface::List { element: Box::new(button.clone()) }, "{}", param.wire_name);
        }
        assert_eq!(surface.objects.len(), 1, "{:?}", surface.objects);
        let object = &surface.objects[0];
        assert_eq!((object.name.as_str(), object.table.as_str()), ("SendButtonsButton", "Button"));
        assert_eq!(object.members[0].wire_name, "label");
        assert!(object.members[0].required && object.members[0].ty == TypeSurface::String);
        let kind = TypeSurface::Enum { name: "SendButtonsKind".into(), values: vec!["x".into(), "y".into()] };
        assert_eq!(object.members[1].ty, kind);
        let operation = page.operation.as_ref().unwrap();
        let code = crate::generate_operation(&page, operation).to_string();
        assert!(code.contains("SendButtonsButton::new("), "no example builds the struct: {code}");
    }
}
