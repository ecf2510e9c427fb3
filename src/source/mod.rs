//! Loading manifests: files, directories, stdin or memory, into Kubernetes
//! objects that remember where each of their fields came from.

mod walk;
mod yaml;

pub use crate::core::{DottedPath, PathSeg, Pos, SpanNode, json_pointer};
pub use walk::collect_files;
pub use yaml::{Dialect, DuplicateKey, YamlDoc, YamlError, parse_stream, parse_stream_as};

use crate::core::{Code, Diagnostic, Location, Object, ObjectRef, Origin};
use regorus::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file (or stdin, or an in-memory buffer) that was read.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name findings use: the path as given, `-` for stdin.
    pub name: Arc<str>,
    pub text: Arc<str>,
}

/// Something wrong with a document that does not stop the rest of it (or the
/// rest of the input) from being checked; reported as a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputIssue {
    /// A key appears twice in one mapping: kubectl rejects the document.
    DuplicateKey {
        key: String,
        object: ObjectRef,
        first: Location,
        second: Location,
    },
    /// A document that is not a Kubernetes object (not a mapping, or without a
    /// string `apiVersion` and `kind`). It is not evaluated.
    NotAnObject { reason: String, location: Location },
}

/// Everything loaded from the inputs of one run.
#[derive(Debug, Default)]
pub struct Input {
    pub sources: Vec<Source>,
    pub objects: Vec<Object>,
    pub issues: Vec<InputIssue>,
    /// Files or documents that could not be read or parsed at all.
    pub errors: Vec<Diagnostic>,
}

impl Input {
    /// Loads files and directories (walked recursively, in parallel, skipping
    /// hidden and ignored paths). `-` reads stdin.
    pub fn load_paths(paths: &[PathBuf]) -> Input {
        let (files, errors) = collect_files(paths);
        let mut input = Input::load_files(&files, Input::from_text);
        input.errors.extend(errors);
        input
    }

    /// Reads `files` in parallel (`-` is stdin) and parses each with `parse`.
    pub fn load_files(files: &[PathBuf], parse: impl Fn(Arc<str>, &str) -> Input + Sync) -> Input {
        let loaded = crate::parallel::map(files, |path| {
            let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
            read_text(path).map(|text| parse(name, &text))
        });
        let mut input = Input::default();
        for part in loaded {
            match part {
                Ok(part) => input.merge(part),
                Err(error) => input.errors.push(error),
            }
        }
        input
    }

    /// Parses one buffer (a file's content, stdin, a request body).
    pub fn from_text(name: Arc<str>, text: &str) -> Input {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (docs, yaml_errors) = parse_stream(text);
        let mut input = Input {
            sources: vec![Source {
                name: name.clone(),
                text: Arc::from(text),
            }],
            ..Input::default()
        };
        for error in yaml_errors {
            input
                .errors
                .push(Diagnostic::new(Code::InputSyntax, error.message).at(at(
                    &name,
                    error.pos,
                    String::new(),
                )));
        }
        for doc in docs {
            input.add_document(&name, doc);
        }
        input
    }

    /// Adds everything of `other`.
    pub fn merge(&mut self, mut other: Input) {
        self.sources.append(&mut other.sources);
        self.objects.append(&mut other.objects);
        self.issues.append(&mut other.issues);
        self.errors.append(&mut other.errors);
    }

    fn add_document(&mut self, name: &Arc<str>, doc: YamlDoc) {
        for dup in doc.duplicate_keys {
            self.issues.push(InputIssue::DuplicateKey {
                object: object_ref(&doc.value).unwrap_or_default(),
                first: at(name, dup.first, String::new()),
                second: at(name, dup.second, String::new()),
                key: dup.key,
            });
        }
        self.add_object(name, doc.value, doc.spans);
    }

    fn add_object(&mut self, name: &Arc<str>, value: Value, mut spans: SpanNode) {
        let id = match object_ref(&value) {
            Ok(id) => id,
            Err(reason) => {
                self.issues.push(InputIssue::NotAnObject {
                    reason,
                    location: at(name, spans.pos(), String::new()),
                });
                return;
            }
        };
        if is_list(&id, &value) {
            let items = match &value {
                Value::Object(map) => map.get(&Value::from("items")).cloned(),
                _ => None,
            };
            let item_spans = spans
                .take_child("items")
                .map(SpanNode::into_items)
                .unwrap_or_default();
            if let Some(Value::Array(items)) = items {
                for (item, item_spans) in items.iter().zip(item_spans) {
                    self.add_object(name, item.clone(), item_spans);
                }
            }
            return;
        }
        self.objects.push(Object {
            id,
            value,
            spans,
            origin: Origin::File(name.clone()),
        });
    }
}

/// The location of `pos` in `file`, naming the field at `path`.
pub(crate) fn at(file: &Arc<str>, pos: Pos, path: String) -> Location {
    Location {
        file: file.clone(),
        line: pos.line,
        column: pos.column,
        path,
    }
}

fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let location = Location {
        file: Arc::from(path.to_string_lossy().as_ref()),
        line: 1,
        column: 1,
        path: String::new(),
    };
    let bytes = if path.as_os_str() == "-" {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer).map(|_| buffer)
    } else {
        std::fs::read(path)
    }
    .map_err(|error| {
        Diagnostic::new(Code::InputUnreadable, format!("cannot read: {error}")).at(location.clone())
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let valid = String::from_utf8_lossy(valid);
        let line = valid.matches('\n').count() as u32 + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        Diagnostic::new(Code::InputUnreadable, "not UTF-8 text").at(Location {
            line,
            column,
            ..location
        })
    })
}

fn get_str<'v>(map: &'v regorus::value::Object, key: &str) -> Option<&'v str> {
    match map.get(&Value::from(key)) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The identity of a Kubernetes object, or why the value is not one.
pub fn object_ref(value: &Value) -> Result<ObjectRef, String> {
    let Value::Object(map) = value else {
        return Err("a Kubernetes object is a mapping with apiVersion and kind".into());
    };
    let api_version = get_str(map, "apiVersion");
    let kind = get_str(map, "kind");
    let (api_version, kind) = match (api_version, kind) {
        (Some(a), Some(k)) if !a.is_empty() && !k.is_empty() => (a, k),
        (None, _) | (Some(""), _) => {
            return Err("missing apiVersion: not a Kubernetes object".into());
        }
        _ => return Err("missing kind: not a Kubernetes object".into()),
    };
    let metadata = match map.get(&Value::from("metadata")) {
        Some(Value::Object(metadata)) => Some(metadata),
        _ => None,
    };
    let field = |key| metadata.and_then(|m| get_str(m, key)).map(str::to_string);
    Ok(ObjectRef {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: field("namespace"),
        name: field("name").or_else(|| field("generateName")),
    })
}

/// `kind: List` and typed lists (`PodList`, `ConfigMapList`, …) are flattened
/// into their items, as kubectl does.
fn is_list(object: &ObjectRef, value: &Value) -> bool {
    object.kind.ends_with("List")
        && matches!(value, Value::Object(map) if matches!(map.get(&Value::from("items")), Some(Value::Array(_))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_flattened_with_item_positions() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n";
        let input = Input::from_text(Arc::from("l.yaml"), text);
        assert_eq!(input.objects.len(), 2);
        assert_eq!(input.objects[1].id.kind, "Service");
        assert_eq!(input.objects[1].spans.pos(), Pos::new(7, 3));
    }

    #[test]
    fn documents_without_kind_are_issues_not_silence() {
        let input = Input::from_text(
            Arc::from("x.yaml"),
            "apiVersion: v1\nmetadata: {}\n---\n- a\n",
        );
        assert!(input.objects.is_empty());
        assert_eq!(input.issues.len(), 2);
    }

    #[test]
    fn non_utf8_is_an_error_with_position() {
        let dir = std::env::temp_dir().join(format!("guard-utf8-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.yaml");
        std::fs::write(&file, b"a: 1\nb: \xff\n").unwrap();
        let input = Input::load_paths(&[file]);
        assert_eq!(input.errors.len(), 1);
        assert_eq!(
            input.errors[0]
                .location
                .as_ref()
                .map(|l| (l.line, l.column)),
            Some((2, 4))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
