//! The Rust example on each method's rustdoc: the call that produces the page's request
//! example (`client.delete_product().product_id("4741575945866725").send().await?`), compiled
//! as a `no_run` doctest so a generator change that breaks it fails `cargo test`, and the
//! table of the method's attributes.

use plugchat_model::{Attribute, Operation, ParamLocation};
use serde_json::Value;

use crate::names::Unique;
use crate::objects::{Named, TypeResolver};
use crate::params::Param;
use crate::plan::OperationNames;
use crate::types::RustType;

/// What a literal needs to name the crate's types.
struct Context<'a> {
    crate_name: &'a str,
    names: &'a OperationNames,
    resolver: &'a TypeResolver<'a>,
}

/// The `# Example` section, or `None` when some value of the example has no Rust spelling
/// (better no example than one that does not compile).
pub(crate) fn rust_example(
    crate_name: &str,
    names: &OperationNames,
    operation: &Operation,
    params: &[Param],
    resolver: &TypeResolver<'_>,
) -> Option<String> {
    let context = Context { crate_name, names, resolver };
    let args = operation.example_values();
    let mut calls = Vec::new();
    for param in params.iter().filter(|p| p.fixed.is_none()) {
        let attribute = attribute_named(operation, &param.wire_name);
        let setter = param.ident.to_string();
        let value = match args.get(&param.wire_name) {
            Some(value) if !value.is_null() => literal(&context, &param.ty, attribute, value)?,
            _ if !param.required => continue,
            _ if param.place == ParamLocation::Header => {
                let example = operation.headers.iter().find(|h| h.name == param.wire_name).map(|h| h.example.clone());
                format!("{:?}", example.unwrap_or_default())
            }
            _ => placeholder(&context, &param.ty, attribute)?,
        };
        calls.push(format!(".{setter}({value})"));
    }
    let method = &context.names.method;
    let chain = if calls.len() > 2 {
        format!("client\n    .{method}()\n    {}\n    .send()\n    .await?", calls.join("\n    "))
    } else {
        format!("client.{method}(){}.send().await?", calls.concat())
    };
    Some(format!(
        "# Example\nThe request the page shows, through this client:\n```no_run\n\
         # async fn example(client: &{crate_name}::Client) -> Result<(), {crate_name}::Error> {{\n\
         let response = {chain};\n\
         println!(\"{{:?}}\", response.status());\n\
         # Ok(())\n# }}\n```"
    ))
}

/// The `# Attributes` table: name on the wire, setter, Rust type, required, description.
pub(crate) fn attribute_table(operation: &Operation, params: &[Param]) -> Option<String> {
    let rows: Vec<String> = params
        .iter()
        .map(|param| {
            let description = attribute_named(operation, &param.wire_name)
                .map_or_else(|| param.doc.clone(), |a| a.description.clone())
                .replace('\n', " ")
                .replace('|', "\\|");
            let (setter, required) = match &param.fixed {
                Some(value) => ("(sent by the method)".to_owned(), format!("always `{value}`")),
                None => (format!("`{}`", param.ident.to_string().trim_start_matches("r#")), param.required.to_string()),
            };
            format!(
                "| `{}` ({}) | {setter} | `{}` | {required} | {description} |",
                param.wire_name,
                param.place.as_str(),
                param.ty.text()
            )
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(format!(
        "# Attributes\n| attribute | setter | Rust type | required | description |\n|---|---|---|---|---|\n{}",
        rows.join("\n")
    ))
}

fn attribute_named<'a>(operation: &'a Operation, name: &str) -> Option<&'a Attribute> {
    operation.required.iter().chain(&operation.optional).find(|a| a.name == name)
}

/// The type's path as a doctest spells it: a generated type is `crate::module::Type`.
fn type_path(context: &Context<'_>, ident: &str) -> String {
    format!("{}::{}::{ident}", context.crate_name, context.names.module)
}

/// Rust source for `value` as a value of `ty`.
fn literal(context: &Context<'_>, ty: &RustType, attribute: Option<&Attribute>, value: &Value) -> Option<String> {
    let scalar = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    match ty {
        RustType::String => Some(format!("{:?}", scalar(value))),
        RustType::Bool => scalar(value).parse::<bool>().ok().map(|b| b.to_string()),
        RustType::I64 => scalar(value).parse::<i64>().ok().map(|i| i.to_string()),
        // Setters take `impl Into<Number>`: integers convert; other numbers have no literal.
        RustType::Number => scalar(value).parse::<i64>().ok().map(|i| i.to_string()),
        RustType::Vec(element) if **element == RustType::String => {
            let items = match value {
                Value::Array(items) => items.iter().map(|v| format!("{:?}.to_owned()", scalar(v))).collect(),
                other => vec![format!("{:?}.to_owned()", scalar(other))],
            };
            Some(format!("vec![{}]", items.join(", ")))
        }
        RustType::Value => None,
        RustType::Vec(element) => {
            let RustType::Named(ident) = element.as_ref() else { return None };
            let items = match value {
                Value::Array(items) => {
                    items.iter().map(|item| object(context, ident, item)).collect::<Option<Vec<_>>>()?
                }
                other => vec![object(context, ident, other)?],
            };
            Some(format!("vec![{}]", items.join(", ")))
        }
        RustType::Named(ident) => match context.resolver.named(&ident.to_string())? {
            Named::Enum(_) => {
                let variant = variant(attribute?, &scalar(value))?;
                Some(format!("{}::{variant}", type_path(context, &ident.to_string())))
            }
            Named::Object(_) => object(context, ident, value),
        },
    }
}

/// Rust source building the struct `ident` (of a sub-table) from a JSON object.
fn object(context: &Context<'_>, ident: &proc_macro2::Ident, value: &Value) -> Option<String> {
    let Named::Object(index) = context.resolver.named(&ident.to_string())? else { return None };
    let object = context.resolver.object(index)?;
    let Value::Object(fields) = value else { return None };
    let arguments: Option<Vec<String>> = object
        .required
        .iter()
        .map(|field| {
            let ty = context.resolver.attribute_type(field);
            match fields.get(&field.name).filter(|v| !v.is_null()) {
                Some(value) => literal(context, &ty, Some(field), value),
                None => placeholder(context, &ty, Some(field)),
            }
        })
        .collect();
    let built = format!("{}::new({})", type_path(context, &ident.to_string()), arguments?.join(", "));
    // Optional fields the example shows are set on the constructed value, with the field names
    // `objects.rs` gives them (in order, unique).
    let mut unique = Unique::default();
    let idents: Vec<String> =
        object.required.iter().chain(&object.optional).map(|f| unique.snake(&f.name).to_string()).collect();
    let mut sets = Vec::new();
    for (field, field_ident) in object.optional.iter().zip(&idents[object.required.len()..]) {
        if let Some(value) = fields.get(&field.name).filter(|v| !v.is_null()) {
            let ty = context.resolver.attribute_type(field);
            let value = literal(context, &ty, Some(field), value)?;
            sets.push(format!("value.{field_ident} = Some({value}.into());"));
        }
    }
    Some(if sets.is_empty() { built } else { format!("{{ let mut value = {built}; {} value }}", sets.join(" ")) })
}

/// A value for a required attribute the example does not show.
fn placeholder(context: &Context<'_>, ty: &RustType, attribute: Option<&Attribute>) -> Option<String> {
    match ty {
        RustType::String => Some("\"example\"".to_owned()),
        RustType::Bool => Some("false".to_owned()),
        RustType::I64 | RustType::Number => Some("1".to_owned()),
        RustType::Value => Some("Default::default()".to_owned()),
        RustType::Vec(element) if matches!(**element, RustType::String | RustType::Value) => {
            Some("Default::default()".to_owned())
        }
        _ => {
            let first = attribute?.allowed_values.first()?;
            literal(context, ty, attribute, &Value::String(first.clone()))
        }
    }
}

/// The enum variant of `value`, named as `objects.rs` names it (in order, unique).
fn variant(attribute: &Attribute, value: &str) -> Option<String> {
    let mut seen = Unique::default();
    let variants: Vec<_> = attribute.allowed_values.iter().map(|v| (seen.camel("", v), v)).collect();
    variants.into_iter().find(|(_, v)| *v == value).map(|(ident, _)| ident.to_string())
}
