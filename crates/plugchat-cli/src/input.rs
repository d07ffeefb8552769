//! What the user hands the CLI besides flags: `--body-file`, `--token-file`, read within a bound,
//! and the check that every key of the attributes names something the operation takes.

use std::io::Read;

use plugchat_model::surface::{OperationSurface, TypeSurface};
use serde_json::{Map, Value};

/// The most a `--body-file` or `--token-file` may hold: the largest body the client accepts
/// (`DEFAULT_MAX_RESPONSE_BYTES`), which is also the largest request body the mock reads. A
/// bound, so that `/dev/zero` or a wrong file ends with an error instead of all the memory.
pub const MAX_INPUT_BYTES: usize = plugchat_api::DEFAULT_MAX_RESPONSE_BYTES;

/// Reads at most [`MAX_INPUT_BYTES`] of UTF-8 from `reader`; `what` names it in errors.
fn read_bounded(reader: impl Read, what: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {what}: {e}"))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(format!("{what} is larger than {} MiB, the most a request body may be", MAX_INPUT_BYTES >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("{what} is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

/// The text of `--body-file FILE` (`-`: standard input).
pub fn read_body_file(file: &str) -> Result<String, String> {
    if file == "-" {
        return read_bounded(std::io::stdin().lock(), "standard input");
    }
    let opened = std::fs::File::open(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    read_bounded(opened, file)
}

/// The text of `--token-file FILE`, with a warning on stderr when others may read the file.
pub fn read_token_file(file: &str) -> Result<String, String> {
    let opened = std::fs::File::open(file).map_err(|e| format!("cannot read the token file {file}: {e}"))?;
    #[cfg(unix)]
    if let Ok(metadata) = opened.metadata() {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        // Only a regular file: a device or a pipe (`<(pass show plugchat)`) is not kept on disk.
        if metadata.is_file() && mode & 0o077 != 0 {
            crate::eprintln_quiet(&format!(
                "warning: the token file {file} can be read by other users (mode {mode:03o}); run `chmod 600 {file}`"
            ));
        }
    }
    read_bounded(opened, &format!("the token file {file}"))
}

/// A key that no attribute or member matches.
pub struct UnknownKey {
    /// The top-level attribute it is in (or is): where it came from.
    pub attribute: String,
    /// Where it is (`delayMesage`, `buttonList.buttons[0].lable`).
    pub path: String,
    /// The nearest name that exists there.
    pub suggestion: Option<String>,
}

/// Every key of `args` that names neither an attribute of `operation` nor, inside an object
/// attribute, a member of its sub-table (lists element by element).
pub fn unknown_keys(operation: &OperationSurface, args: &Map<String, Value>) -> Vec<UnknownKey> {
    let mut unknown = Vec::new();
    let names: Vec<&str> = operation.params.iter().map(|p| p.wire_name.as_str()).collect();
    for (key, value) in args {
        match operation.params.iter().find(|p| p.wire_name == *key) {
            Some(param) => members(operation, &param.ty, value, key, key, &mut unknown, 0),
            None => {
                unknown.push(UnknownKey { attribute: key.clone(), path: key.clone(), suggestion: nearest(key, &names) })
            }
        }
    }
    unknown
}

/// Every value of `args` whose JSON type is not the one its attribute or member takes, each
/// named by its path (`buttonList.buttons[0].id: expected a string, got the number 1`): the
/// typed builder would refuse it too, without saying where.
pub fn type_problems(operation: &OperationSurface, args: &Map<String, Value>) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (key, value) in args {
        if let Some(param) = operation.params.iter().find(|p| p.wire_name == *key) {
            check_type(operation, &param.ty, value, key, key, &mut problems, 0);
        }
    }
    problems
}

fn check_type(
    operation: &OperationSurface,
    ty: &TypeSurface,
    value: &Value,
    attribute: &str,
    path: &str,
    problems: &mut Vec<(String, String)>,
    depth: usize,
) {
    if depth >= MAX_DEPTH || value.is_null() {
        return;
    }
    let expected = match (ty, value) {
        (TypeSurface::Json, _)
        | (TypeSurface::String | TypeSurface::Enum { .. }, Value::String(_))
        | (TypeSurface::Bool, Value::Bool(_))
        | (TypeSurface::Number, Value::Number(_)) => return,
        (TypeSurface::Integer, value) if value.is_i64() => return,
        (TypeSurface::List { element }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_type(operation, element, item, attribute, &format!("{path}[{i}]"), problems, depth + 1);
            }
            return;
        }
        (TypeSurface::Object { name }, Value::Object(map)) => {
            let Some(object) = operation.objects.iter().find(|o| o.name == *name) else { return };
            for (key, value) in map {
                if let Some(member) = object.members.iter().find(|m| m.wire_name == *key) {
                    check_type(operation, &member.ty, value, attribute, &format!("{path}.{key}"), problems, depth + 1);
                }
            }
            return;
        }
        (TypeSurface::String | TypeSurface::Enum { .. }, _) => "a string",
        (TypeSurface::Bool, _) => "true or false",
        (TypeSurface::Integer, _) => "an integer",
        (TypeSurface::Number, _) => "a number",
        (TypeSurface::List { .. }, _) => "a list",
        (TypeSurface::Object { .. }, _) => "an object",
    };
    let got = match value {
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::Null => "null".to_owned(),
    };
    problems.push((attribute.to_owned(), format!("`{path}`: expected {expected}, got {got}")));
}

/// Objects nest as deep as the docs' sub-tables; a value deeper than this is not looked into
/// (serde_json refuses nesting past 128 anyway).
const MAX_DEPTH: usize = 64;

fn members(
    operation: &OperationSurface,
    ty: &TypeSurface,
    value: &Value,
    attribute: &str,
    path: &str,
    unknown: &mut Vec<UnknownKey>,
    depth: usize,
) {
    if depth >= MAX_DEPTH {
        return;
    }
    match (ty, value) {
        (TypeSurface::List { element }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                members(operation, element, item, attribute, &format!("{path}[{i}]"), unknown, depth + 1);
            }
        }
        (TypeSurface::Object { name }, Value::Object(map)) => {
            let Some(object) = operation.objects.iter().find(|o| o.name == *name) else { return };
            let names: Vec<&str> = object.members.iter().map(|m| m.wire_name.as_str()).collect();
            for (key, value) in map {
                let at = format!("{path}.{key}");
                match object.members.iter().find(|m| m.wire_name == *key) {
                    Some(member) => members(operation, &member.ty, value, attribute, &at, unknown, depth + 1),
                    None => unknown.push(UnknownKey {
                        attribute: attribute.to_owned(),
                        path: at,
                        suggestion: nearest(key, &names),
                    }),
                }
            }
        }
        // Scalars, untyped JSON, or a value of another type (the typed builder names that).
        _ => {}
    }
}

/// The name of `names` closest to `key`, if it is close: a different case, or most letters alike.
pub fn nearest(key: &str, names: &[&str]) -> Option<String> {
    // Names are short; a long key is no misspelling of one, and comparing it would cost time.
    if key.len() > 64 {
        return None;
    }
    names
        .iter()
        .map(|name| (strsim::normalized_damerau_levenshtein(&key.to_lowercase(), &name.to_lowercase()), *name))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name.to_owned())
}
