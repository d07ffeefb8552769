//! `--jq EXPR`: a jq filter over the answer, by jaq (a jq implementation in Rust: its core,
//! standard library and JSON values). The filter is compiled once, before the request is sent,
//! so a typo is a usage error that costs no call.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

/// A compiled filter.
pub struct Filter {
    filter: jaq_core::Filter<data::JustLut<Val>>,
}

impl Filter {
    /// Compiles `code`; the error names what was expected and where.
    pub fn new(code: &str) -> Result<Filter, String> {
        let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
        let funs = jaq_core::funs().chain(jaq_std::funs()).chain(jaq_json::funs());
        let arena = Arena::default();
        let program = File { code, path: () };
        let at = |rest: &str| code.len().saturating_sub(rest.len()) + 1;
        let modules = Loader::new(defs).load(&arena, program).map_err(|errors| {
            let mut messages = Vec::new();
            for (_, error) in errors {
                match error {
                    jaq_core::load::Error::Io(errors) => {
                        messages.extend(errors.into_iter().map(|(path, error)| format!("{path}: {error}")))
                    }
                    jaq_core::load::Error::Lex(errors) => messages.extend(
                        errors
                            .into_iter()
                            .map(|(expect, rest)| format!("expected {} at character {}", expect.as_str(), at(rest))),
                    ),
                    jaq_core::load::Error::Parse(errors) => messages.extend(
                        errors
                            .into_iter()
                            .map(|(expect, rest)| format!("expected {} at character {}", expect.as_str(), at(rest))),
                    ),
                }
            }
            format!("--jq `{code}`: {}", messages.join("; "))
        })?;
        let filter = Compiler::default().with_funs(funs).compile(modules).map_err(|errors| {
            let messages: Vec<String> = errors
                .into_iter()
                .flat_map(|(_, errors)| errors)
                .map(|(name, undefined)| format!("undefined {} `{name}`", undefined.as_str()))
                .collect();
            format!("--jq `{code}`: {}", messages.join("; "))
        })?;
        Ok(Filter { filter })
    }

    /// The values the filter outputs for `input`, in order; an error stops it (as jq does).
    pub fn run(&self, input: &Value) -> Result<Vec<Value>, String> {
        let input = jaq_json::read::parse_single(input.to_string().as_bytes())
            .map_err(|e| format!("--jq: the answer cannot be read by jaq: {e}"))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut values = Vec::new();
        for output in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let output = output.map_err(|e| format!("--jq: {e}"))?;
            // jaq writes JSON (its `Display`); non-finite numbers, which JSON cannot hold, are `null`.
            values.push(serde_json::from_str(&output.to_string()).unwrap_or(Value::Null));
        }
        Ok(values)
    }
}
