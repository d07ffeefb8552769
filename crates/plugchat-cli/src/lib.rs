//! `plugchat`: a command-line client of the PlugChat WhatsApp API.
//!
//! One subcommand per operation (`plugchat send-text --phone 5511999999999 --message "Olá"`), built
//! from the same spec as `plugchat-api` ([`commands`]) and executed by its typed builders. The token
//! comes from `PLUGCHAT_TOKEN` or `--token-file`, never from an argument. The answer goes to stdout
//! as JSON (pretty on a terminal); errors go to stderr with an exit code per kind (`exit_code`).
//! When stdout is closed early (`plugchat list | head -1`) it stops quietly with status 0, as
//! ripgrep does.
//!
//! This library is the command itself; `src/main.rs` only calls [`main`]. It is a library so
//! that the command's tests (`tests/cli.rs`) can reach its parts without a second build of it
//! after every docs edit. It is not an API: its items may change in any release.

pub mod commands;
mod config;
mod dry_run;
pub mod input;
pub mod jq;
pub mod output;
mod verbose;

use std::collections::HashMap;
use std::io::Write;
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
        Failure { code: exit_code(&error), message: describe_error(&error) }
    }
}

/// The base URL of this run's call, for connection errors.
static BASE_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The message of a client error; a connection error names the URL and the cause
/// ("connection refused"), which reqwest's own message ("error sending request") leaves out.
pub(crate) fn describe_error(error: &Error) -> String {
    let (operation, source, what) = match error {
        Error::Connect { operation, source, .. } => (operation, source, "cannot connect to"),
        Error::Transport { operation, source, .. } => (operation, source, "the connection failed with"),
        other => return other.to_string(),
    };
    // The client leaves URLs out of its errors; the base URL is the one the command set.
    let url = source.url().map(ToString::to_string).or_else(|| BASE_URL.get().cloned());
    let url = url.unwrap_or_else(|| "the server".to_owned());
    let mut cause: Option<String> = None;
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(source);
    while let Some(current) = next {
        cause = Some(match current.downcast_ref::<std::io::Error>().map(std::io::Error::kind) {
            Some(std::io::ErrorKind::ConnectionRefused) => "connection refused (is the server running?)".to_owned(),
            Some(std::io::ErrorKind::ConnectionReset) => "connection reset by the server".to_owned(),
            Some(std::io::ErrorKind::TimedOut) => "timed out".to_owned(),
            _ => current.to_string(),
        });
        next = current.source();
    }
    let cause = cause.unwrap_or_else(|| source.to_string());
    format!("{operation}: {what} {url}: {cause}")
}

/// Prints one JSON value: pretty on a terminal, one line otherwise (for pipes and `jq`).
/// The answer's body as the server sent it, every key included (the decoded type holds only
/// what the docs list). It decoded already, so it is JSON; a `Value` refuses only nesting
/// deeper than 128, which the typed decoder may have skipped: then the decoded answer.
fn sent(answer: &plugchat_runtime::Response<Value>) -> Value {
    answer.json().unwrap_or_else(|_| Value::clone(answer))
}

/// How the answer is printed: `--output`, `--jq`.
struct Printer {
    format: output::Format,
    jq: Option<jq::Filter>,
}

impl Printer {
    fn new(global: &ArgMatches) -> Result<Printer, Failure> {
        let format = global.get_one::<output::Format>("output").copied().unwrap_or(output::Format::Json);
        let jq = global.get_one::<String>("jq").map(|code| jq::Filter::new(code)).transpose();
        Ok(Printer { format, jq: jq.map_err(|e| Failure::new(code::USAGE, e))? })
    }

    fn outputs(&self, value: &Value) -> Result<Vec<Value>, Failure> {
        match &self.jq {
            Some(filter) => filter.run(value).map_err(|e| Failure::new(code::USAGE, e)),
            None => Ok(vec![value.clone()]),
        }
    }

    /// The whole answer.
    fn print(&self, value: &Value) -> Result<(), Failure> {
        let outputs = self.outputs(value)?;
        write_stdout(output::render(&outputs, self.format, self.jq.is_some()).as_bytes())
    }

    /// One item of a `--all` stream.
    fn print_item(&self, value: &Value) -> Result<(), Failure> {
        let mut text = String::new();
        for value in self.outputs(value)? {
            text.push_str(&output::line(&value, self.format, self.jq.is_some()));
        }
        write_stdout(text.as_bytes())
    }
}

/// Where the connection settings come from: flags, then the profile (`--profile`), then the
/// environment, then the documented defaults.
struct Settings {
    profile: config::Profile,
}

impl Settings {
    fn new(global: &ArgMatches) -> Result<Settings, Failure> {
        let name = global
            .get_one::<String>("profile")
            .cloned()
            .or_else(|| std::env::var("PLUGCHAT_PROFILE").ok().filter(|p| !p.is_empty()));
        let profile = match name {
            Some(name) => config::profile(&name).map_err(|e| Failure::new(code::CONFIG, e))?,
            None => config::Profile::default(),
        };
        Ok(Settings { profile })
    }

    fn token(&self, matches: &ArgMatches) -> Result<Option<String>, Failure> {
        let file = matches.get_one::<String>("token-file").map(std::path::PathBuf::from);
        if let Some(file) = file.or_else(|| self.profile.token_file.clone()) {
            let file = file.display().to_string();
            let text = input::read_token_file(&file).map_err(|e| Failure::new(code::CONFIG, e))?;
            return Ok(Some(text.trim().to_owned()));
        }
        Ok(std::env::var("PLUGCHAT_TOKEN").ok().filter(|t| !t.is_empty()))
    }

    fn base_url(&self, matches: &ArgMatches) -> String {
        matches
            .get_one::<String>("base-url")
            .cloned()
            .or_else(|| self.profile.base_url.clone())
            .or_else(|| std::env::var("PLUGCHAT_BASE_URL").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| plugchat_api::DEFAULT_BASE_URL.to_owned())
    }

    fn allow_insecure_http(&self, matches: &ArgMatches) -> bool {
        matches.get_flag("allow-insecure-http") || self.profile.allow_insecure_http
    }
}

/// The client options the command line sets besides the token and base URL.
#[derive(Default)]
struct Options<'a> {
    record: Option<&'a String>,
    verbose: bool,
    allow_insecure_http: bool,
}

fn client(token: &str, base_url: &str, options: Options<'_>) -> Result<Client, Failure> {
    let mut builder =
        Client::builder().token(token).base_url(base_url).allow_insecure_http(options.allow_insecure_http);
    if let Some(file) = options.record {
        builder = builder.hook(plugchat_api::HarRecorder::new(file));
    }
    if options.verbose {
        builder = builder.hook(verbose::Verbose);
    }
    builder.build().map_err(|error| match error {
        Error::Config(message) if message.contains("allow_insecure_http") => Failure::new(
            code::CONFIG,
            format!(
                "the base URL `{base_url}` uses plain http to a host that is not loopback: use https, or pass --allow-insecure-http (or `allow_insecure_http = true` in the profile)"
            ),
        ),
        other => other.into(),
    })
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
    let wrong = input::type_problems(operation, &args);
    if !wrong.is_empty() {
        let lines: Vec<String> = wrong
            .iter()
            .map(|(attribute, problem)| {
                format!("  {} {problem}", origins.get(attribute).map_or("--body-file", String::as_str))
            })
            .collect();
        return Err(Failure::new(
            code::USAGE,
            format!("values of another type than {} takes:\n{}", operation.key(), lines.join("\n")),
        ));
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
                    operation.key(),
                    lines.join("\n")
                ),
            ));
        }
        eprintln_quiet(&format!(
            "warning: not sent, keys that no attribute of {} has:\n{}",
            operation.key(),
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
    let printer = Printer::new(global)?;
    let settings = Settings::new(global)?;
    let base_url = settings.base_url(global);
    let _ = BASE_URL.set(base_url.clone());
    let allow_insecure_http = settings.allow_insecure_http(global);
    let all = matches.try_get_one::<bool>("all").ok().flatten().copied().unwrap_or(false);
    if global.get_flag("dry-run") {
        // The configuration is checked as for a real call (a token is not needed to show one).
        let token = settings.token(global)?.unwrap_or_else(|| "dry-run".to_owned());
        client(&token, &base_url, Options { allow_insecure_http, ..Options::default() })?;
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
        let url = dry_run::url_sent(&token, &base_url, allow_insecure_http, id, args)
            .await
            .map_err(|e| Failure::new(code::CONFIG, format!("the request's URL could not be captured: {e}")))?;
        return printer.print(&dry_run::describe(&captured, &url));
    }
    let token = settings.token(global)?.ok_or_else(|| {
        Failure::new(
            code::CONFIG,
            "no token: set PLUGCHAT_TOKEN, pass --token-file FILE, or use a --profile with a token_file",
        )
    })?;
    let options = Options {
        record: global.get_one::<String>("record"),
        verbose: global.get_flag("verbose"),
        allow_insecure_http,
    };
    let client = client(&token, &base_url, options)?;
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
            printer.print_item(&item?)?;
        }
        return Ok(());
    }
    let answer = plugchat_api::dynamic::call(&client, id, args).await?;
    printer.print(&sent(&answer))
}

fn list(api: &Api) -> Result<(), Failure> {
    let width = api.surface.operations.iter().map(|o| o.key().len()).max().unwrap_or(10);
    let mut out = String::new();
    for operation in &api.surface.operations {
        out.push_str(&format!(
            "{:width$}  {:6} {}  {}\n",
            operation.key(),
            operation.http_method,
            operation.path,
            api.title(operation)
        ));
    }
    write_stdout(out.as_bytes())
}

fn describe(api: &Api, id: &str) -> Result<(), Failure> {
    let Some(operation) = api.operation(id) else {
        let hint =
            commands::nearest_operation(api, id).map(|near| format!("; did you mean `{near}`?")).unwrap_or_default();
        return Err(Failure::new(
            code::USAGE,
            format!("no operation `{id}`{hint} (`plugchat list` shows every operation)"),
        ));
    };
    let mut out =
        format!("{} — {}\n\n{} {}\n", operation.key(), api.title(operation), operation.http_method, operation.path);
    out.push_str(&format!("documented in {}; Rust: Client::{}\n\n", operation.file, operation.method_name));
    if let Some(model) = api.page(operation).and_then(|p| p.operation.as_ref())
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

/// The `plugchat` command: reads the process's arguments and environment, returns its exit code.
pub fn main() -> ExitCode {
    let api = Api::load();
    let matches = match commands::command(&api).try_get_matches() {
        Ok(matches) => matches,
        // clap suggests every subcommand a little alike (15 `send-*`); one, the nearest, helps.
        Err(error) if error.kind() == clap::error::ErrorKind::InvalidSubcommand => {
            let given = match error.get(clap::error::ContextKind::InvalidSubcommand) {
                Some(clap::error::ContextValue::String(given)) => given.clone(),
                _ => error.exit(),
            };
            let hint = commands::nearest_operation(&api, &given)
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            eprintln_quiet(&format!(
                "error: no command `{given}`{hint} (`plugchat list` shows every operation, `plugchat --help` every command)"
            ));
            return ExitCode::from(code::USAGE);
        }
        Err(error) => error.exit(),
    };
    match run(&api, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == 0 => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln_quiet(&format!("error: {}", failure.message));
            ExitCode::from(failure.code)
        }
    }
}
