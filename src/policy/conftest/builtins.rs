//! conftest's own Rego builtins, as regorus extensions:
//!
//! - `parse_config(parser, content)`: `content` parsed by `parser` (`yaml`,
//!   `yml`, `json` or `toml`);
//! - `parse_config_file(path)`: a file (relative to the working directory),
//!   its parser chosen by extension;
//! - `parse_combined_config_files(paths)`: files as a `--combine` input, an
//!   array of `{"path", "contents"}`.
//!
//! YAML and JSON are read by guard's own loader, the way kubectl reads them; a
//! stream of several documents is an array of them, as in conftest.

use super::path_contents;
use crate::source::parse_stream;
use anyhow::{Result, anyhow, bail};
use regorus::{Engine, Value};
use std::path::Path;

/// Adds the builtins to `engine`.
pub fn register(engine: &mut Engine) {
    let added = [
        engine.add_extension(
            "parse_config".into(),
            2,
            Box::new(|args: Vec<Value>| parse(string(&args[0])?, string(&args[1])?)),
        ),
        engine.add_extension(
            "parse_config_file".into(),
            1,
            Box::new(|args: Vec<Value>| Ok(one_or_many(parse_file_documents(string(&args[0])?)?))),
        ),
        engine.add_extension(
            "parse_combined_config_files".into(),
            1,
            Box::new(|args: Vec<Value>| {
                let paths: Vec<&Value> = match &args[0] {
                    Value::Array(items) => items.iter().collect(),
                    Value::Set(items) => items.iter().collect(),
                    _ => bail!("parse_combined_config_files: expected an array of paths"),
                };
                let mut combined = Vec::new();
                for path in paths {
                    let path = string(path)?;
                    for doc in parse_file_documents(path)? {
                        combined.push(path_contents(path, &doc));
                    }
                }
                Ok(Value::from(combined))
            }),
        ),
    ];
    for result in added {
        // Each name is added once, to a fresh engine: this cannot fail.
        result.expect("conftest builtins are registered once");
    }
}

fn string(value: &Value) -> Result<&str> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(anyhow!("expected a string, got {other}")),
    }
}

fn parser_for(path: &str) -> Result<&str> {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .ok_or_else(|| anyhow!("{path}: no extension to choose a parser by"))
}

fn parse_file_documents(path: &str) -> Result<Vec<Value>> {
    let parser = parser_for(path)?;
    let content = std::fs::read_to_string(path).map_err(|e| anyhow!("{path}: {e}"))?;
    documents(parser, &content).map_err(|e| anyhow!("{path}: {e}"))
}

/// One document as itself, a stream of several as an array, none as null.
fn one_or_many(mut docs: Vec<Value>) -> Value {
    match docs.len() {
        0 => Value::Null,
        1 => docs.remove(0),
        _ => Value::from(docs),
    }
}

/// `content` parsed as `parser` names.
pub fn parse(parser: &str, content: &str) -> Result<Value> {
    documents(parser, content).map(one_or_many)
}

fn documents(parser: &str, content: &str) -> Result<Vec<Value>> {
    match parser {
        "yaml" | "yml" | "json" => {
            let (docs, errors) = parse_stream(content);
            if let Some(error) = errors.first() {
                bail!("{}:{}: {}", error.pos.line, error.pos.column, error.message);
            }
            Ok(docs.into_iter().map(|d| d.value).collect())
        }
        "toml" => {
            let table: toml::Table = content.parse()?;
            let json = serde_json::to_value(table)?;
            Ok(vec![Value::from(json)])
        }
        other => bail!("unsupported parser {other:?}: yaml, yml, json and toml are"),
    }
}
