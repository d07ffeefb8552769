//! One operation: its response types, and the `Client` method with its typestate builder.
//!
//! The builder is written by [`crate::builder`]: required attributes are required members,
//! so leaving one out does not compile; optional ones are `Option`s.

use plugchat_model::{Attribute, Operation, Page, ParamLocation, PathPiece, RequestExample, Response, Tipo};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::builder::{self, Builder, Member};
use crate::examples;
use crate::names;
use crate::operation_plan::OperationPlan;
use crate::params::Param;
use crate::plan::{self, OperationNames};
use crate::responses::ResponseType;
use crate::types::RustType;

/// Dotted paths of the body values documented as `https` (webhook URLs), through objects.
fn https_paths(operation: &Operation) -> Vec<String> {
    fn walk(operation: &Operation, prefix: &str, attributes: &[&Attribute], depth: usize, out: &mut Vec<String>) {
        for attribute in attributes {
            let path = format!("{prefix}{}", attribute.name);
            let tipo = attribute.tipo();
            if tipo == Tipo::Https {
                out.push(path);
            } else if let Some(object) = operation.object_named(&tipo).filter(|_| depth < 4) {
                let fields: Vec<&Attribute> = object.required.iter().chain(&object.optional).collect();
                walk(operation, &format!("{path}."), &fields, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    let top: Vec<&Attribute> = operation.required.iter().chain(&operation.optional).collect();
    walk(operation, "", &top, 0, &mut out);
    out
}

/// The value a fixed attribute always sends, as a literal of its type.
fn fixed_literal(value: &str, ty: &RustType) -> TokenStream {
    match ty {
        RustType::Bool => match value.parse::<bool>() {
            Ok(b) => quote!(#b),
            Err(_) => quote!(#value),
        },
        RustType::I64 => match value.parse::<i64>() {
            Ok(i) => quote!(#i),
            Err(_) => quote!(#value),
        },
        _ => quote!(#value),
    }
}

/// For a list operation with `page` and `pageSize` query parameters: a
/// `<method>_stream(page_size)` builder taking the operation's other attributes and
/// `request_options`, whose `into_stream()` streams every item, page after page. The stream
/// owns a clone of the client (`'static`, so it can be spawned).
fn pagination(
    operation_id: &str,
    names: &OperationNames,
    params: &[Param],
    response: &ResponseType,
    pages: Option<(&Param, &Param)>,
) -> TokenStream {
    let Some((page, size)) = pages else { return quote!() };
    let (method, stream) = (&names.method, &names.stream);
    let (page_setter, size_setter) = (&page.ident, &size.ident);
    let item = &response.item;
    let filters: Vec<&Param> = params
        .iter()
        .filter(|p| p.fixed.is_none() && p.wire_name != page.wire_name && p.wire_name != size.wire_name)
        .collect();
    let clones = filters.iter().map(|p| {
        let ident = &p.ident;
        quote!(let #ident = ::core::clone::Clone::clone(&#ident);)
    });
    let setters = filters.iter().map(|p| {
        let ident = &p.ident;
        builder::setter_call(ident, p.required, quote!(#ident))
    });
    let method_doc = format!(
        "Every item of [`Client::{method}`](crate::Client::{method}), fetched page after page from page 1: \
         `client.{stream}(page_size)`, then the operation's other attributes and `request_options` as on \
         [`Client::{method}`](crate::Client::{method}), then `.into_stream()`.\n\n\
         The stream owns a clone of the client, so it is `'static` and can be spawned. Items an earlier \
         page already brought (compared as the server sent them) are skipped. The stream ends after an \
         empty page, after a page with no new item, or after an error (which it yields), never because a \
         page was shorter than `page_size`; after the client's `max_pages` pages it yields \
         `Error::PageLimit`. A `page_size` below 1 is refused."
    );
    let request_options = request_options_ident();
    let mut members: Vec<Member> = filters.iter().map(|p| Member::typed(&p.ident, &p.ty, p.required, &p.doc)).collect();
    members.push(request_options_member(
        &request_options,
        "Overrides of the client's timeouts and retries for each page's call.",
    ));
    Builder {
        method: stream,
        name: &names.stream_builder,
        method_doc,
        start: vec![Member::typed(size_setter, &RustType::I64, true, "Items per page (`pageSize`).")],
        members,
        finish: format_ident!("into_stream"),
        finish_is_async: false,
        finish_doc: "The stream of every item.".to_owned(),
        returns: quote!(::plugchat_runtime::Pages<'static, #item>),
        body: quote! {
            // Locals start with `__`, which no member does, so no filter shadows them.
            let __owned = ::core::clone::Clone::clone(__client);
            ::plugchat_runtime::paginate(#operation_id, __client.runtime.max_pages(), move |__page| {
                let __owned = ::core::clone::Clone::clone(&__owned);
                #(#clones)*
                async move {
                    __owned.#method().#page_setter(__page).#size_setter(#size_setter) #(#setters)*
                        .maybe_request_options(request_options)
                        .send()
                        .await
                }
            })
        },
    }
    .tokens()
}

fn request_options_ident() -> Ident {
    format_ident!("request_options")
}

/// The member every builder has: per-call overrides of the client's timeouts and retries.
fn request_options_member<'a>(ident: &'a Ident, doc: &str) -> Member<'a> {
    Member { ident, ty: quote!(::plugchat_runtime::RequestOptions), into: false, required: false, doc: doc.to_owned() }
}

/// A response's heading (the first line of its description) and the prose under it.
fn heading_and_prose(description: &str) -> (&str, &str) {
    let (heading, prose) = description.split_once('\n').unwrap_or((description, ""));
    (heading.trim(), prose.trim())
}

/// The fields a response documents: its table's rows with their Tipo, or, with no table, the
/// keys of its example (of its first element, for a list).
fn shape_fields(response: &Response) -> Vec<String> {
    if !response.fields.is_empty() {
        return response.fields.iter().map(|f| format!("`{}` ({})", f.name, f.ty)).collect();
    }
    let example = match &response.example {
        Some(serde_json::Value::Array(items)) => items.first(),
        other => other.as_ref(),
    };
    match example {
        Some(serde_json::Value::Object(keys)) => keys.keys().map(|k| format!("`{k}`")).collect(),
        _ => Vec::new(),
    }
}

/// The `# Other shapes of the answer` section: the page documents the success status in more
/// than one shape (each under its own heading), `send()` decodes the first, and a user should
/// know the answer may come in another. `None` when the page documents one shape.
fn other_shapes(operation: &Operation) -> Option<String> {
    let index = operation.success_index()?;
    let first = &operation.responses[index];
    let others: Vec<String> = operation
        .responses
        .iter()
        .enumerate()
        .filter(|(i, r)| *i != index && r.status == first.status)
        .map(|(_, response)| {
            let (heading, prose) = heading_and_prose(&response.description);
            let mut line = format!("- {}", if heading.is_empty() { "Another shape" } else { heading });
            let fields = shape_fields(response);
            if !fields.is_empty() {
                line.push_str(&format!(": {}", fields.join(", ")));
            }
            line.push('.');
            if !prose.is_empty() {
                line.push(' ');
                line.push_str(&prose.replace('\n', " "));
            }
            line
        })
        .collect();
    if others.is_empty() {
        return None;
    }
    let (heading, _) = heading_and_prose(&first.description);
    let first_named = if heading.is_empty() { String::new() } else { format!(" ({heading})") };
    Some(format!(
        "# Other shapes of the answer\n\
         The docs describe the {status} answer in more than one shape, and `send()` decodes every {status} \
         answer as the first{first_named}. An answer in another shape leaves the first shape's fields it \
         lacks `None`; its own fields are in \
         [`Response::json`](::plugchat_runtime::Response::json). The other shapes:\n{}",
        others.join("\n"),
        status = first.status,
    ))
}

fn method_doc(page: &Page, operation: &Operation, rust_example: Option<String>, table: Option<String>) -> String {
    let mut doc = format!("{}.", page.title.trim_end_matches('.'));
    if !operation.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&operation.description);
    }
    doc.push_str(&format!("\n\n`{} {}`, documented in `{}`.", operation.method, operation.path, page.file));
    for section in [table, rust_example].into_iter().flatten() {
        doc.push_str("\n\n");
        doc.push_str(&section);
    }
    match &operation.request_example {
        Some(RequestExample::Url { url, .. }) => {
            doc.push_str(&format!("\n\n# Example request\n```text\n{} {url}\n```", operation.method));
        }
        Some(RequestExample::Json { body, .. }) => {
            doc.push_str(&format!(
                "\n\n# Example request\n```json\n{}\n```",
                serde_json::to_string_pretty(body).unwrap_or_default()
            ));
        }
        None => {}
    }
    if let Some(shapes) = other_shapes(operation) {
        doc.push_str("\n\n");
        doc.push_str(&shapes);
    }
    let errors: Vec<String> = operation
        .responses
        .iter()
        .filter(|r| r.status >= 300)
        .map(|r| format!("- {}: {}", r.status, r.description.replace('\n', " ")))
        .collect();
    if !errors.is_empty() {
        doc.push_str("\n\n# Errors\n[`Error::Api`](::plugchat_runtime::Error::Api) for any status outside 2xx; the docs describe:\n");
        doc.push_str(&errors.join("\n"));
    }
    doc
}

/// The items of one operation: response types and an `impl crate::Client` block with its method.
/// Names are chosen as if the page were the only one; [`crate::generate`] chooses them for the
/// whole spec, so that no two pages' names collide.
/// Doc examples name the crate `plugchat_api`.
pub fn generate_operation(page: &Page, operation: &Operation) -> TokenStream {
    let names = plan::single(page, operation);
    generate_named(&OperationPlan::new(page, operation, &names), crate::DEFAULT_CRATE_NAME)
}

/// [`generate_operation`] for a planned operation (names chosen for the whole spec).
/// `crate_name` is how the methods' doc examples (doctests) name the crate.
pub(crate) fn generate_named(plan: &OperationPlan<'_>, crate_name: &str) -> TokenStream {
    let OperationPlan { page, operation, names, params, resolver, .. } = plan;
    let (page, operation, names) = (*page, *operation, *names);
    let method = &names.method;
    let response = plan.response();
    let request_types = resolver.definitions();

    let id = &names.key;
    // A page size below 1 asks for nothing useful and would keep a page stream from advancing.
    let page_size_checks = params
        .iter()
        .filter(|p| p.place == ParamLocation::Query && p.fixed.is_none() && names::key(&p.wire_name) == "pagesize")
        .filter(|p| p.ty == RustType::I64)
        .map(|p| {
            let (ident, wire) = (&p.ident, &p.wire_name);
            if p.required {
                quote!(::plugchat_runtime::__private::require_positive(#id, #wire, #ident)?;)
            } else {
                quote! {
                    if let ::core::option::Option::Some(value) = #ident {
                        ::plugchat_runtime::__private::require_positive(#id, #wire, value)?;
                    }
                }
            }
        })
        .collect::<Vec<_>>();
    let statements = params.iter().filter(|p| p.place != ParamLocation::Path).map(|p| {
        let (ident, wire) = (&p.ident, &p.wire_name);
        let add = match p.place {
            ParamLocation::Query if p.ty.is_vec() => {
                quote!(for item in &value { parts.query.push((#wire, item.to_string())); })
            }
            ParamLocation::Query => quote!(parts.query.push((#wire, value.to_string()));),
            ParamLocation::Header => quote!(parts.headers.push((#wire, value.to_string()));),
            ParamLocation::Body => {
                quote!(body.insert(#wire.to_owned(), ::plugchat_runtime::__private::to_json(&value));)
            }
            ParamLocation::Path => unreachable!("path parameters are filtered out above"),
        };
        if let Some(fixed) = &p.fixed {
            let literal = fixed_literal(fixed, &p.ty);
            quote!({ let value = #literal; #add })
        } else if p.required {
            quote!({ let value = #ident; #add })
        } else {
            quote!(if let ::core::option::Option::Some(value) = #ident { #add })
        }
    });
    let has_body = operation.sends_body();
    let https = https_paths(operation);
    let check_https =
        (!https.is_empty()).then(|| quote!(::plugchat_runtime::__private::require_https(#id, &body, &[#(#https),*])?;));
    let (body_start, body_end) = if has_body {
        (
            quote!(#[allow(unused_mut)] let mut body = ::plugchat_runtime::__private::serde_json::Map::new();),
            quote! {
                let body = ::plugchat_runtime::__private::serde_json::Value::Object(body);
                #check_https
                parts.body = ::core::option::Option::Some(body);
            },
        )
    } else {
        (quote!(), quote!())
    };

    let mut format = String::new();
    let mut format_args = Vec::new();
    for piece in operation.path_pieces() {
        match piece {
            PathPiece::Placeholder(name) => {
                format.push_str("{}");
                // `params` has a path parameter for every placeholder.
                let param = params
                    .iter()
                    .find(|p| p.place == ParamLocation::Path && plugchat_model::same_name_key(&p.wire_name, name));
                let ident = param.map_or_else(|| names::snake(name), |p| p.ident.clone());
                let wire = param.map_or(name, |p| p.wire_name.as_str());
                // Refuses an empty, `.` or `..` value: it would send the request to another endpoint.
                format_args.push(quote!(::plugchat_runtime::__private::path_segment(#id, #wire, &#ident.to_string())?));
            }
            PathPiece::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
        }
    }
    let path = if format_args.is_empty() {
        quote!(#format.to_owned())
    } else {
        quote!(::std::format!(#format, #(#format_args),*))
    };

    let http_method = format_ident!("{}", operation.method.as_str());
    let template = &operation.path;
    let statuses = operation.responses.iter().filter(|r| r.status >= 300).map(|r| {
        let (status, text) = (r.status, r.description.as_str());
        quote!((#status, #text))
    });
    let (returned, decoded) = (&response.returned, &response.decoded);
    let finish = if response.is_list { quote!(.map(|response| response.map(::std::vec::Vec::from))) } else { quote!() };
    let rust_example = examples::rust_example(crate_name, names, operation, params, resolver);
    let table = examples::attribute_table(operation, params);
    let method_doc = method_doc(page, operation, rust_example, table);
    let definition = &response.definition;
    let stream = pagination(id, names, params, response, plan.pages());
    let request_options = request_options_ident();
    let mut members: Vec<Member> = params
        .iter()
        .filter(|p| p.fixed.is_none())
        .map(|p| Member::typed(&p.ident, &p.ty, p.required, &p.doc))
        .collect();
    members
        .push(request_options_member(&request_options, "Overrides of the client's timeout and retries for this call."));
    let builder = Builder {
        method,
        name: &names.builder,
        method_doc,
        start: Vec::new(),
        members,
        finish: format_ident!("send"),
        finish_is_async: true,
        finish_doc: "Sends the request and decodes the answer.".to_owned(),
        returns: quote!(::core::result::Result<::plugchat_runtime::Response<#returned>, ::plugchat_runtime::Error>),
        body: quote! {
            const OPERATION: ::plugchat_runtime::Operation = ::plugchat_runtime::Operation {
                id: #id,
                method: ::plugchat_runtime::Method::#http_method,
                path: #template,
                documented_statuses: &[#(#statuses),*],
            };
            #(#page_size_checks)*
            let mut parts = ::plugchat_runtime::RequestParts {
                path: #path,
                options: request_options.unwrap_or_default(),
                ..::core::default::Default::default()
            };
            #body_start
            #(#statements)*
            #body_end
            __client.runtime.execute::<#decoded>(&OPERATION, parts).await #finish
        },
    }
    .tokens();

    quote! {
        #request_types
        #definition
        #builder
        #stream
    }
}

/// One arm of `dynamic::decode`: decodes a body into the operation's generated response
/// type, the way `send()` does (benchmarks and tests measure decoding alone with it).
pub(crate) fn decode_arm(plan: &OperationPlan<'_>) -> TokenStream {
    let section = &plan.names.module;
    let decoded = &plan.response().decoded;
    let id = &plan.names.key;
    quote! {
        #id => {
            #[allow(unused_imports)]
            use crate::#section::*;
            ::plugchat_runtime::__private::serde_json::from_slice::<#decoded>(body).map(|_| ())
        }
    }
}

/// One arm of the dynamic dispatcher (`plugchat_api::dynamic::call`): decodes `args` (the
/// attributes by their documented names, as a page's example or a HAR file shows them) into
/// the operation's typed parameters and calls its builder, so tests drive every operation
/// through the same typed path users take.
pub(crate) fn dispatch_arm(plan: &OperationPlan<'_>) -> TokenStream {
    let (method, section) = (&plan.names.method, &plan.names.module);
    let params: Vec<&Param> = plan.params.iter().filter(|p| p.fixed.is_none()).collect();
    let fields = params.iter().map(|p| {
        let (ident, wire, ty) = (&p.ident, &p.wire_name, &p.ty);
        let decoder = ty.lenient_decoder();
        match (p.required, decoder) {
            (true, Some(decoder)) => {
                let path = format!("::plugchat_runtime::__private::lenient::{decoder}");
                quote!(#[serde(rename = #wire, deserialize_with = #path)] #ident: #ty,)
            }
            (true, None) => quote!(#[serde(rename = #wire)] #ident: #ty,),
            (false, Some(decoder)) => {
                let path = format!("::plugchat_runtime::__private::lenient::option_{decoder}");
                quote!(#[serde(rename = #wire, default, deserialize_with = #path)] #ident: ::core::option::Option<#ty>,)
            }
            (false, None) => quote!(#[serde(rename = #wire, default)] #ident: ::core::option::Option<#ty>,),
        }
    });
    let setters = params.iter().map(|p| {
        let ident = &p.ident;
        builder::setter_call(ident, p.required, quote!(args.#ident))
    });
    let id = &plan.names.key;
    quote! {
        #id => {
            #[allow(unused_imports)]
            use crate::#section::*;
            #[derive(::plugchat_runtime::__private::serde::Deserialize)]
            #[serde(crate = "::plugchat_runtime::__private::serde")]
            struct Args { #(#fields)* }
            let args: Args = ::plugchat_runtime::__private::serde_json::from_value(::plugchat_runtime::__private::serde_json::Value::Object(args))
                .map_err(|e| ::plugchat_runtime::Error::InvalidRequest { operation: #id, message: e.to_string() })?;
            let response = client.#method() #(#setters)* .send().await?;
            ::core::result::Result::Ok(response.map(|body| ::plugchat_runtime::__private::to_json(&body)))
        }
    }
}
