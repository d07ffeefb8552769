//! `conformance`: HAR request examples against a docs tree's operations.

use std::path::Path;

use plugchat_spec::{Finding, check_examples, read_har};

use crate::error::Error;

/// The report: a line per example, then `examples: N, matched: M, consistent: K`.
pub fn report(findings: &[Finding]) -> Vec<String> {
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let operation = f.operation.as_deref().unwrap_or("-");
            let verdict = if f.disagreements.is_empty() { "consistent".to_owned() } else { f.disagreements.join("; ") };
            format!("{} -> {operation}: {verdict}", f.example)
        })
        .collect();
    let matched = findings.iter().filter(|f| f.operation.is_some()).count();
    let consistent = findings.iter().filter(|f| f.operation.is_some() && f.disagreements.is_empty()).count();
    lines.push(format!("examples: {}, matched: {matched}, consistent: {consistent}", findings.len()));
    lines
}

pub fn run(docs: &Path, examples: &Path) -> Result<(), Error> {
    let (spec, _) = plugchat_spec::parse_tree(docs);
    let mut files: Vec<_> = std::fs::read_dir(examples)
        .map_err(Error::io("read", examples))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut requests = Vec::new();
    for file in files {
        match read_har(&file) {
            Ok(request) => requests.push(request),
            Err(error) => println!("{}: not a HAR request: {error}", file.display()),
        }
    }
    for line in report(&check_examples(&spec, &requests)) {
        println!("{line}");
    }
    Ok(())
}
