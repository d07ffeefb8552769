//! The command line, built at run time from `plugchat_api::SPEC_JSON` (the spec the library
//! was generated from, included in the binary) and the library's own surface
//! (`plugchat_api::API_SURFACE_JSON`: setters, types, pagination, as the generator decided).
//!
//! Why at run time and not with a build script: both are read in about a millisecond, the
//! binary is rebuilt with the library when spec.json changes, and clap's builder API takes the
//! data as it is; a build script would emit Rust source for the same clap calls and add a
//! code path to keep in step. The operations are called through `plugchat_api::dynamic::call`
//! (the typed builders, by page id), so the CLI cannot drift from the library either. Each
//! operation's command is its dispatch key ([`OperationSurface::key`]): the page id, or
//! `<folder>/<id>` for an id that several folders use (`plugchat chats/get-all`).

use std::collections::BTreeMap;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};
use plugchat_api::{API_SURFACE_JSON, SPEC_JSON};
use plugchat_model::Spec;
use plugchat_model::surface::{ApiSurface, OperationSurface, ParamLocation, ParamSurface, TypeSurface};
use serde_json::Value;

/// The spec and the generator's view of it.
pub struct Api {
    pub spec: Spec,
    pub surface: ApiSurface,
}

impl Api {
    pub fn load() -> Api {
        let spec: Spec = serde_json::from_str(SPEC_JSON).expect("spec.json is written by `cargo xtask regen`");
        let surface: ApiSurface =
            serde_json::from_str(API_SURFACE_JSON).expect("API_SURFACE_JSON is written by the generator");
        Api { spec, surface }
    }

    /// The page of `operation`, by its path (an id may name pages in several folders).
    pub fn page(&self, operation: &OperationSurface) -> Option<&plugchat_model::Page> {
        self.spec.pages.iter().find(|p| p.file == operation.file)
    }

    /// The docs section (first directory) of `operation`'s page.
    pub fn section(&self, operation: &OperationSurface) -> &str {
        self.page(operation).map_or("", |p| p.section.as_str())
    }

    pub fn title(&self, operation: &OperationSurface) -> &str {
        self.page(operation).map_or("", |p| p.title.as_str())
    }

    /// The operation whose command is `key` ([`OperationSurface::key`]).
    pub fn operation(&self, key: &str) -> Option<&OperationSurface> {
        self.surface.operations.iter().find(|o| o.key() == key)
    }
}

/// The flag of a setter: `button_list` → `button-list`.
pub fn flag_name(param: &ParamSurface) -> Option<String> {
    param.setter.as_deref().map(|s| s.trim_start_matches("r#").replace('_', "-"))
}

/// How a flag's text becomes the JSON value `dispatch` decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Sent as a JSON string; `dispatch` converts it (lenient scalars: `"true"`, `"5"`).
    Text,
    Bool,
    Integer,
    Number,
    /// Repeatable: `--phones a --phones b` → `["a", "b"]`.
    TextList,
    /// A JSON argument: objects, lists of objects, untyped values.
    Json,
}

pub fn kind_of(param: &ParamSurface) -> Kind {
    if param.allowed_values.len() >= 2 {
        return Kind::Text;
    }
    match &param.ty {
        TypeSurface::String => Kind::Text,
        TypeSurface::Bool => Kind::Bool,
        TypeSurface::Integer => Kind::Integer,
        TypeSurface::Number => Kind::Number,
        TypeSurface::List { element } if **element == TypeSurface::String => Kind::TextList,
        _ => Kind::Json,
    }
}

/// The JSON value of one flag's text.
pub fn json_value(kind: Kind, text: &str) -> Result<Value, String> {
    match kind {
        Kind::Text | Kind::TextList => Ok(Value::String(text.to_owned())),
        Kind::Bool => text.parse::<bool>().map(Value::Bool).map_err(|_| format!("`{text}` is not `true` or `false`")),
        Kind::Integer => text.parse::<i64>().map(Value::from).map_err(|_| format!("`{text}` is not an integer")),
        Kind::Number => {
            text.parse::<serde_json::Number>().map(Value::Number).map_err(|_| format!("`{text}` is not a number"))
        }
        Kind::Json => serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}")),
    }
}

/// The page and page size parameters of a paginated list (`--all`): the ones the library's page
/// stream drives, as the generator decided (`OperationSurface::pagination`).
pub fn pagination(operation: &OperationSurface) -> Option<(&ParamSurface, &ParamSurface)> {
    let pagination = operation.pagination.as_ref()?;
    let find = |name: &str| operation.params.iter().find(|p| p.wire_name == name);
    Some((find(&pagination.page)?, find(&pagination.page_size)?))
}

/// `text` as one shell word: bare when it is safe, else in single quotes.
fn shell_word(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@' | ',' | '+' | '='));
    if safe { text.to_owned() } else { format!("'{}'", text.replace('\'', r"'\''")) }
}

/// The command line that sends the page's request example: the same call as the rustdoc
/// example of the method (the model's `example_values`; a required attribute the example
/// leaves out is a header's documented example, or `<name>`).
pub fn example(api: &Api, operation: &OperationSurface) -> Option<String> {
    let model = api.page(operation)?.operation.as_ref()?;
    let values = model.example_values();
    let mut words = vec!["plugchat".to_owned(), operation.key().to_owned()];
    for param in &operation.params {
        let Some(flag) = flag_name(param) else { continue };
        let value = match values.get(&param.wire_name) {
            Some(value) if !value.is_null() => value.clone(),
            _ if !param.required => continue,
            _ => match model.headers.iter().find(|h| h.name == param.wire_name) {
                Some(header) => Value::String(header.example.clone()),
                None => Value::String(format!("<{}>", param.wire_name)),
            },
        };
        match (kind_of(param), value) {
            (Kind::TextList, Value::Array(items)) => {
                for item in items {
                    words.push(format!("--{flag}"));
                    words.push(shell_word(&item.as_str().map_or_else(|| item.to_string(), str::to_owned)));
                }
            }
            (_, Value::String(text)) => {
                words.push(format!("--{flag}"));
                words.push(shell_word(&text));
            }
            (_, other) => {
                words.push(format!("--{flag}"));
                words.push(shell_word(&other.to_string()));
            }
        }
    }
    Some(words.join(" "))
}

/// The operation (its command, [`OperationSurface::key`]) nearest to `id`, if one is close.
pub fn nearest_operation<'a>(api: &'a Api, id: &str) -> Option<&'a str> {
    api.surface
        .operations
        .iter()
        .map(|o| (strsim::normalized_damerau_levenshtein(id, o.key()), o.key()))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

fn operation_command(operation: &OperationSurface, title: &str, example: Option<String>) -> Command {
    let mut command = Command::new(operation.key().to_owned())
        .about(title.to_owned())
        .long_about(format!(
            "{}\n\n{} {} (`Client::{}`)",
            operation.description.trim(),
            operation.http_method,
            operation.path,
            operation.method_name
        ))
        .arg(
            Arg::new("body-file")
                .long("body-file")
                .value_name("FILE")
                .help("A JSON object of attributes by their documented names (`-` reads standard input); flags override it")
                .help_heading("Input"),
        )
        .arg(
            Arg::new("allow-unknown")
                .long("allow-unknown")
                .action(ArgAction::SetTrue)
                .help("Call without the keys of --body-file or JSON flags that no attribute has (a warning names them) instead of failing")
                .help_heading("Input"),
        );
    let paginated = pagination(operation);
    for param in &operation.params {
        let Some(flag) = flag_name(param) else { continue };
        let kind = kind_of(param);
        // `--latitude -23.06`: a value may start with `-`.
        let mut arg = Arg::new(flag.clone())
            .long(flag.clone())
            .help(param.description.trim().to_owned())
            .allow_negative_numbers(true);
        arg = match kind {
            Kind::TextList => arg.action(ArgAction::Append).value_name("TEXT"),
            Kind::Json => arg.value_name("JSON"),
            Kind::Bool => arg.value_name("BOOL").value_parser(["true", "false"]),
            Kind::Integer => arg.value_name("INT"),
            Kind::Number => arg.value_name("NUMBER"),
            Kind::Text => arg.value_name("TEXT"),
        };
        if param.allowed_values.len() >= 2 {
            arg = arg.value_parser(PossibleValuesParser::new(param.allowed_values.clone()));
        }
        let in_pagination = paginated
            .is_some_and(|(page, size)| page.wire_name == param.wire_name || size.wire_name == param.wire_name);
        if param.required {
            let mut unless = vec!["body-file"];
            if in_pagination {
                unless.push("all");
            }
            // clap marks required flags only in the usage line; the help line says it too.
            let help = param.description.trim();
            let mark =
                if in_pagination { "[required unless --body-file or --all]" } else { "[required unless --body-file]" };
            arg = arg.required_unless_present_any(unless).help(if help.is_empty() {
                mark.to_owned()
            } else {
                format!("{help} {mark}")
            });
        }
        arg = arg.help_heading(match param.location {
            ParamLocation::Path => "Path",
            ParamLocation::Query => "Query",
            ParamLocation::Body => "Body",
            ParamLocation::Header => "Headers",
        });
        command = command.arg(arg);
    }
    if let Some(example) = example {
        command = command.after_help(format!("Example (the page's request example):\n  {example}"));
    }
    if paginated.is_some() {
        command = command.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Every item of every page, one JSON line each (page size from --page-size, default 100)")
                .help_heading("Input"),
        );
    }
    command
}

/// The whole command line.
pub fn command(api: &Api) -> Command {
    let mut by_section: BTreeMap<&str, Vec<&OperationSurface>> = BTreeMap::new();
    for operation in &api.surface.operations {
        by_section.entry(api.section(operation)).or_default().push(operation);
    }
    let width = api.surface.operations.iter().map(|o| o.key().len()).max().unwrap_or(10);
    let mut listing = String::from("Commands:\n");
    for (name, about) in [
        ("list", "List the operations with their method and path"),
        ("describe", "Print what the docs say about an operation"),
        ("completions", "Print a shell completion script (bash, zsh, fish, elvish, powershell)"),
    ] {
        listing.push_str(&format!("  {name:width$}  {about}\n"));
    }
    for (section, operations) in &by_section {
        listing.push_str(&format!("\n{}:\n", if section.is_empty() { "general" } else { section }));
        for operation in operations {
            listing.push_str(&format!("  {:width$}  {}\n", operation.key(), api.title(operation)));
        }
    }
    let mut command = Command::new("plugchat")
        .about("A command-line client of the PlugChat WhatsApp API, generated from its documentation")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .help_template(format!(
            "{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{listing}\nOptions:\n{{options}}{{after-help}}"
        ))
        .after_help(
            "\nThe token comes from PLUGCHAT_TOKEN or --token-file (never from an argument, which `ps` would show).\n\
             Exit codes: 0 ok (also when stdout is closed early, as by `| head`), 2 usage, 3 configuration, 4 connection, 5 API status, 6 decode, 7 invalid request, 8 page limit.",
        )
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .value_name("URL")
                .help("The API's base URL [default: PLUGCHAT_BASE_URL, else the documented one]"),
        )
        .arg(
            Arg::new("token-file")
                .long("token-file")
                .global(true)
                .value_name("FILE")
                .help("Read the token from FILE instead of PLUGCHAT_TOKEN"),
        )
        .arg(
            Arg::new("record")
                .long("record")
                .global(true)
                .value_name("FILE")
                .help("Append each exchange to FILE as HAR 1.2, token redacted (for `plugchat-docs drift`)"),
        )
        .arg(
            Arg::new("profile")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .help("Base URL, token file and allow_insecure_http from [profiles.NAME] of the config file (PLUGCHAT_CONFIG, else plugchat/config.toml in the config directory) [env: PLUGCHAT_PROFILE]"),
        )
        .arg(
            Arg::new("allow-insecure-http")
                .long("allow-insecure-http")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Accept a plain-http base URL whose host is not loopback (a docker-compose service): the token then crosses the network unencrypted"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .value_name("FORMAT")
                .value_parser(clap::value_parser!(crate::output::Format))
                .help("json (pretty on a terminal, one line in a pipe), jsonl (a list's items one per line) or table [default: json]"),
        )
        .arg(
            Arg::new("jq")
                .long("jq")
                .short('q')
                .global(true)
                .value_name("EXPR")
                .help("Filter the answer with a jq expression (jaq); strings it outputs are printed raw. With --all, each item"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print each request and answer on stderr (the token redacted)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the request (method, URL, headers with the token redacted, body) without sending it"),
        )
        .subcommand(Command::new("list").about("List the operations with their method and path"))
        .subcommand(
            Command::new("describe")
                .about("Print what the docs say about an operation")
                // Checked by `describe`, which names the nearest id instead of all of them.
                .arg(Arg::new("operation").required(true).value_name("OPERATION")),
        )
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(Arg::new("shell").required(true).value_parser(clap::value_parser!(clap_complete::Shell))),
        );
    for operation in &api.surface.operations {
        command = command.subcommand(operation_command(operation, api.title(operation), example(api, operation)));
    }
    command
}
