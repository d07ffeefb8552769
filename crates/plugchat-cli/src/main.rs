//! `plugchat`: a command-line client of the PlugChat WhatsApp API.
//!
//! One subcommand per operation (`plugchat send-text --phone 5511999999999 --message "Olá"`), built
//! from the same spec as `plugchat-api` ([`commands`]) and executed by its typed builders. The token
//! comes from `PLUGCHAT_TOKEN` or `--token-file`, never from an argument. The answer goes to stdout
//! as JSON (pretty on a terminal); errors go to stderr with an exit code per kind ([`exit_code`]).
//! When stdout is closed early (`plugchat list | head -1`) it stops quietly with status 0, as
//! ripgrep does.

mod commands;
mod dry_run;
mod input;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::ArgMatches;
use futures_util::StreamExt;
use plugchat_api::{Client, Error};
use serde_json::{Map, Value};

use commands::{Api, Kind, flag_name, json_value, kind_of, pagination};

/// Exit codes, one per kind of failure (clap's own usage errors exit with 2).
mod code {
    pub const USAGE: u8 = 2;
    pub const CONFIG: u8 = 3;
    pub const CONNECT: u8 = 4;
    pub const API_STATUS: u8 = 5;
    pub const DECODE: u8 = 6;
    pub const INVALID_REQUEST: u8 = 7;
    pub const PAGE_LIMIT: u8 = 8;
}

/// A failure and its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }

    /// Stdout was closed by its reader (`| head -1`): nothing more is wanted, which is not an
    /// error (ripgrep also exits 0 without a message; a panic or "configuration" would be wrong).
    fn closed_stdout() -> Self {
        Failure { code: 0, message: String::new() }
    }
}

/// Writes `bytes` to stdout; a closed pipe is [`Failure::closed_stdout`].
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Failure::closed_stdout(),
        _ => Failure::new(code::CONFIG, format!("cannot write to stdout: {e}")),
    })
}

/// The exit code of a client error: config, connection (refused, reset, timeout), API status,
/// decode (the answer does not fit or is too large), invalid request, page limit.
fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Config(_) => code::CONFIG,
        Error::Connect { .. } | Error::Transport { .. } | Error::Timeout { .. } => code::CONNECT,
        Error::Api(_) => code::API_STATUS,
        Error::Decode { .. } | Error::BodyTooLarge { .. } => code::DECODE,
        Error::InvalidRequest { .. } => code::INVALID_REQUEST,
        Error::PageLimit { .. } => code::PAGE_LIMIT,
        _ => code::API_STATUS,
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { code: exit_code(&error), message: error.to_string() }
    }
}

/// Prints one JSON value: pretty on a terminal, one line otherwise (for pipes and `jq`).
/// The answer's body as the server sent it, every key included (the decoded type holds only
/// what the docs list). It decoded already, so it is JSON; a `Value` refuses only nesting
/// deeper than 128, which the typed decoder may have skipped: then the decoded answer.
fn sent(answer: &plugchat_runtime::Response<Value>) -> Value {
    answer.json().unwrap_or_else(|_| Value::clone(answer))
}

fn print_json(value: &Value) -> Result<(), Failure> {
    let text = if std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .expect("a JSON value serialises");
    write_stdout(format!("{text}\n").as_bytes())
}

fn token(matches: &ArgMatches) -> Result<Option<String>, Failure> {
    if let Some(file) = matches.get_one::<String>("token-file") {
        let text = input::read_token_file(file).map_err(|e| Failure::new(code::CONFIG, e))?;
        return Ok(Some(text.trim().to_owned()));
    }
    Ok(std::env::var("PLUGCHAT_TOKEN").ok().filter(|t| !t.is_empty()))
}

fn base_url(matches: &ArgMatches) -> String {
    matches
        .get_one::<String>("base-url")
        .cloned()
        .or_else(|| std::env::var("PLUGCHAT_BASE_URL").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| plugchat_api::DEFAULT_BASE_URL.to_owned())
}

fn client(token: &str, base_url: &str, record: Option<&String>) -> Result<Client, Failure> {
    let mut builder = Client::builder().token(token).base_url(base_url);
    if let Some(file) = record {
        builder = builder.hook(plugchat_api::HarRecorder::new(file));
    }
    Ok(builder.build()?)
}

/// The attributes of an operation call: `--body-file`, then each flag given. A key no
/// attribute (or member of an object) has is an error naming it, unless `--allow-unknown`.
fn arguments(
    operation: &plugchat_model::surface::OperationSurface,
    matches: &ArgMatches,
) -> Result<Map<String, Value>, Failure> {
    let mut args = Map::new();
    let mut origins: HashMap<String, String> = HashMap::new();
    if let Some(file) = matches.get_one::<String>("body-file") {
        let text = input::read_body_file(file).map_err(|e| Failure::new(code::USAGE, e))?;
        match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => args = map,
            Ok(_) => return Err(Failure::new(code::USAGE, format!("{file}: expected a JSON object of attributes"))),
            Err(e) => return Err(Failure::new(code::USAGE, format!("{file}: not JSON: {e}"))),
        }
    }
    for param in &operation.params {
        let Some(flag) = flag_name(param) else { continue };
        let kind = kind_of(param);
        let Some(values) = matches.get_many::<String>(&flag) else { continue };
        let values: Vec<&String> = values.collect();
        let value = if kind == Kind::TextList {
            Value::Array(values.iter().map(|v| Value::String((*v).clone())).collect())
        } else {
            json_value(kind, values[0]).map_err(|e| Failure::new(code::USAGE, format!("--{flag}: {e}")))?
        };
        args.insert(param.wire_name.clone(), value);
        origins.insert(param.wire_name.clone(), format!("--{flag}"));
    }
    let unknown = input::unknown_keys(operation, &args);
    if !unknown.is_empty() {
        let lines: Vec<String> = unknown
            .iter()
            .map(|key| {
                let origin = origins.get(&key.attribute).map_or("--body-file", String::as_str);
                let hint = key.suggestion.as_ref().map(|s| format!(": did you mean `{s}`?")).unwrap_or_default();
                format!("  `{}` in {origin}{hint}", key.path)
            })
            .collect();
        if !matches.get_flag("allow-unknown") {
            return Err(Failure::new(
                code::USAGE,
                format!(
                    "keys that no attribute of {} has (pass --allow-unknown to call it without them):\n{}",
                    operation.id,
                    lines.join("\n")
                ),
            ));
        }
        eprintln_quiet(&format!(
            "warning: not sent, keys that no attribute of {} has:\n{}",
            operation.id,
            lines.join("\n")
        ));
    }
    Ok(args)
}

/// Writes a line to stderr; a closed stderr is not worth a panic.
fn eprintln_quiet(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

async fn call(api: &Api, id: &str, matches: &ArgMatches, global: &ArgMatches) -> Result<(), Failure> {
    let operation = api.operation(id).expect("subcommands are the operations");
    let mut args = arguments(operation, matches)?;
    let base_url = base_url(global);
    let all = matches.try_get_one::<bool>("all").ok().flatten().copied().unwrap_or(false);
    if global.get_flag("dry-run") {
        // The configuration is checked as for a real call (a token is not needed to show one).
        let token = token(global)?.unwrap_or_else(|| "dry-run".to_owned());
        client(&token, &base_url, None)?;
        if let Some((page, size)) = pagination(operation).filter(|_| all) {
            args.entry(page.wire_name.clone()).or_insert(Value::from(1));
            args.entry(size.wire_name.clone()).or_insert(Value::from(100));
        }
        let (capture_url, capture) = dry_run::listen()
            .await
            .map_err(|e| Failure::new(code::CONFIG, format!("cannot listen on 127.0.0.1: {e}")))?;
        let capturer = Client::builder().token(token.clone()).base_url(capture_url).max_retries(0).build()?;
        let outcome = plugchat_api::dynamic::call(&capturer, id, args.clone()).await;
        if let Err(error @ (Error::InvalidRequest { .. } | Error::Config(_))) = outcome {
            return Err(error.into());
        }
        let captured = capture
            .await
            .map_err(|e| Failure::new(code::CONFIG, e.to_string()))?
            .map_err(|e| Failure::new(code::CONFIG, format!("the request could not be captured: {e}")))?;
        let url = dry_run::url_sent(&token, &base_url, id, args)
            .await
            .map_err(|e| Failure::new(code::CONFIG, format!("the request's URL could not be captured: {e}")))?;
        return print_json(&dry_run::describe(&captured, &url));
    }
    let token = token(global)?
        .ok_or_else(|| Failure::new(code::CONFIG, "no token: set PLUGCHAT_TOKEN or pass --token-file FILE"))?;
    let client = client(&token, &base_url, global.get_one::<String>("record"))?;
    if let Some((page, size)) = pagination(operation).filter(|_| all) {
        let page_size = args.get(&size.wire_name).and_then(Value::as_i64).unwrap_or(100);
        let operation_id: &'static str = Box::leak(id.to_owned().into_boxed_str());
        let (page_name, size_name) = (page.wire_name.clone(), size.wire_name.clone());
        let max_pages = plugchat_api::DEFAULT_MAX_PAGES;
        let mut items = plugchat_runtime::paginate(operation_id, max_pages, |number| {
            let mut args = args.clone();
            args.insert(page_name.clone(), Value::from(number));
            args.insert(size_name.clone(), Value::from(page_size));
            let client = client.clone();
            async move {
                // Decoded (a page that does not fit the docs is an error), printed as sent.
                let answer = plugchat_api::dynamic::call(&client, operation_id, args).await?;
                let items = match sent(&answer) {
                    Value::Array(items) => items,
                    Value::Null => Vec::new(),
                    other => vec![other],
                };
                Ok(answer.map(|_| items))
            }
        });
        while let Some(item) = items.next().await {
            let line = serde_json::to_string(&item?).expect("a JSON value serialises");
            write_stdout(format!("{line}\n").as_bytes())?;
        }
        return Ok(());
    }
    let answer = plugchat_api::dynamic::call(&client, id, args).await?;
    print_json(&sent(&answer))
}

fn list(api: &Api) -> Result<(), Failure> {
    let width = api.surface.operations.iter().map(|o| o.id.len()).max().unwrap_or(10);
    let mut out = String::new();
    for operation in &api.surface.operations {
        out.push_str(&format!(
            "{:width$}  {:6} {}  {}\n",
            operation.id,
            operation.http_method,
            operation.path,
            api.title(&operation.id)
        ));
    }
    write_stdout(out.as_bytes())
}

fn describe(api: &Api, id: &str) -> Result<(), Failure> {
    let operation = api.operation(id).expect("clap checked the id");
    let mut out = format!("{} — {}\n\n{} {}\n", operation.id, api.title(id), operation.http_method, operation.path);
    out.push_str(&format!("documented in {}; Rust: Client::{}\n\n", operation.file, operation.method_name));
    if let Some(model) = api.spec.pages.iter().find(|p| p.id == id).and_then(|p| p.operation.as_ref())
        && !model.description.trim().is_empty()
    {
        out.push_str(model.description.trim());
        out.push_str("\n\n");
    }
    out.push_str("Attributes:\n");
    for param in &operation.params {
        let flag = flag_name(param).map_or_else(|| "(fixed)".to_owned(), |f| format!("--{f}"));
        let mut line = format!(
            "  {flag} ({}, {}{}, {})",
            param.wire_name,
            param.location.as_str(),
            if param.required { ", required" } else { "" },
            param.documented_type
        );
        if !param.allowed_values.is_empty() {
            line.push_str(&format!(" values: {}", param.allowed_values.join(", ")));
        }
        out.push_str(&line);
        out.push('\n');
        if !param.description.trim().is_empty() {
            out.push_str(&format!("      {}\n", param.description.trim()));
        }
    }
    if let Some(response) = &operation.response {
        out.push_str(&format!(
            "\nAnswer (status {}{}):\n",
            response.status,
            if response.is_list { ", a list" } else { "" }
        ));
        for field in &response.fields {
            out.push_str(&format!("  {} ({}) {}\n", field.wire_name, field.ty, field.description.trim()));
        }
    }
    write_stdout(out.as_bytes())
}

fn run(api: &Api, matches: &ArgMatches) -> Result<(), Failure> {
    match matches.subcommand() {
        Some(("list", _)) => list(api),
        Some(("describe", sub)) => describe(api, sub.get_one::<String>("operation").expect("required")),
        Some(("completions", sub)) => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required");
            // Into memory first: `generate` panics when it cannot write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut commands::command(api), "plugchat", &mut script);
            write_stdout(&script)
        }
        Some((id, sub)) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure::new(code::CONFIG, format!("cannot start the async runtime: {e}")))?;
            runtime.block_on(call(api, id, sub, matches))
        }
        None => unreachable!("clap requires a subcommand"),
    }
}

fn main() -> ExitCode {
    let api = Api::load();
    let matches = commands::command(&api).get_matches();
    match run(&api, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == 0 => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln_quiet(&format!("error: {}", failure.message));
            ExitCode::from(failure.code)
        }
    }
}
