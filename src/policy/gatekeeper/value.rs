//! Reading Gatekeeper objects: typed access to engine values, and problems
//! that name the file, line and column of the field at fault.

use crate::core::Location;
use crate::source::{PathSeg, SpanNode, at};
use regorus::Value;
use std::fmt;
use std::sync::Arc;

/// Something wrong with a template, constraint, expansion or suite, at the
/// field that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.location.file, self.location.line, self.location.column, self.message
        )
    }
}

impl std::error::Error for Problem {}

/// A parsed YAML document with its positions, for reading fields and naming
/// where a wrong one is.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    pub file: &'a Arc<str>,
    pub value: &'a Value,
    pub spans: &'a SpanNode,
}

impl<'a> Node<'a> {
    pub fn new(file: &'a Arc<str>, value: &'a Value, spans: &'a SpanNode) -> Node<'a> {
        Node { file, value, spans }
    }

    /// The location of the field at `path` (or of its deepest existing parent).
    pub fn locate(&self, path: &[&str]) -> Location {
        // Numbers are list indexes: paths here name fields of Kubernetes
        // objects, whose map keys are never plain numbers.
        let segs: Vec<PathSeg> = path
            .iter()
            .map(|k| match k.parse::<usize>() {
                Ok(index) => PathSeg::Index(index),
                Err(_) => PathSeg::from(*k),
            })
            .collect();
        self.locate_segs(&segs)
    }

    pub fn locate_segs(&self, path: &[PathSeg]) -> Location {
        let (pos, _) = self.spans.lookup(path);
        at(self.file, pos, crate::source::DottedPath(path).to_string())
    }

    pub fn problem(&self, path: &[&str], message: impl Into<String>) -> Problem {
        Problem {
            location: self.locate(path),
            message: message.into(),
        }
    }

    pub fn get(&self, path: &[&str]) -> Option<&'a Value> {
        get(self.value, path)
    }

    /// A string field; absent is `None`, another type is a problem.
    pub fn string(&self, path: &[&str]) -> Result<Option<&'a str>, Problem> {
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.problem(path, format!("{} must be a string", dotted(path)))),
        }
    }

    /// A list of strings; absent is empty.
    pub fn strings(&self, path: &[&str]) -> Result<Vec<String>, Problem> {
        match self.get(path) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => Ok(s.to_string()),
                        _ => Err(self
                            .problem(path, format!("{} must be a list of strings", dotted(path)))),
                    })
                    .collect()
            }
            Some(_) => Err(self.problem(path, format!("{} must be a list", dotted(path)))),
        }
    }

    /// A boolean field; absent is false.
    pub fn flag(&self, path: &[&str]) -> Result<bool, Problem> {
        match self.get(path) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.problem(path, format!("{} must be true or false", dotted(path)))),
        }
    }
}

/// The value at `path` below `value`.
pub(crate) fn get<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut node = value;
    for key in path {
        node = field(node, key)?;
    }
    Some(node)
}

/// A mapping's entry, or a sequence's item when `key` is an index.
pub(crate) fn field<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(&Value::from(key)),
        Value::Array(items) => items.get(key.parse().ok()?),
        _ => None,
    }
}

pub(crate) fn str_field<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    match get(value, path) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// `metadata.labels` as string pairs (other values are not labels).
pub(crate) fn labels(object: &Value) -> Vec<(String, String)> {
    match get(object, &["metadata", "labels"]) {
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(k, v)| match (k, v) {
                (Value::String(k), Value::String(v)) => Some((k.to_string(), v.to_string())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `apps/v1` as (`apps`, `v1`); `v1` as (``, `v1`).
pub(crate) fn group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

pub(crate) fn dotted(path: &[&str]) -> String {
    path.join(".")
}

/// An engine value as JSON (for JSON Schema validation and finding metadata).
pub(crate) fn to_json(value: &Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// `base` followed by `rest`: a path below another.
pub(crate) fn join<'p>(base: &[&'p str], rest: &[&'p str]) -> Vec<&'p str> {
    base.iter().chain(rest).copied().collect()
}
