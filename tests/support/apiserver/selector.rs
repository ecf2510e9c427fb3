//! `labelSelector` and `fieldSelector` as the API server parses and applies
//! them.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum LabelRequirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector; an empty one matches everything.
#[derive(Debug, Clone, Default)]
pub struct LabelSelector {
    requirements: Vec<LabelRequirement>,
}

/// Splits on commas that are not inside a `( )` value set.
fn split_terms(text: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, character) in text.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                terms.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    terms
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn value_set(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|value| value.trim().to_string())
            .collect(),
    )
}

/// Builds the requirement an operator stands for from key and value.
type MakeRequirement = fn(String, String) -> LabelRequirement;

fn parse_requirement(term: &str) -> Result<LabelRequirement, String> {
    let term = term.trim();
    let invalid = || format!("unable to parse requirement: found '{term}', expected: identifier");
    if let Some(key) = term.strip_prefix('!') {
        let key = key.trim();
        return if valid_key(key) {
            Ok(LabelRequirement::DoesNotExist(key.to_string()))
        } else {
            Err(invalid())
        };
    }
    let operators: [(&str, MakeRequirement); 3] = [
        ("!=", LabelRequirement::NotEquals),
        ("==", LabelRequirement::Equals),
        ("=", LabelRequirement::Equals),
    ];
    for (operator, make) in operators {
        if let Some((key, value)) = term.split_once(operator) {
            let key = key.trim();
            if !valid_key(key) {
                return Err(invalid());
            }
            return Ok(make(key.to_string(), value.trim().to_string()));
        }
    }
    if let Some((key, rest)) = term.split_once(" notin ") {
        let values = value_set(rest).ok_or_else(invalid)?;
        return Ok(LabelRequirement::NotIn(key.trim().to_string(), values));
    }
    if let Some((key, rest)) = term.split_once(" in ") {
        let values = value_set(rest).ok_or_else(invalid)?;
        return Ok(LabelRequirement::In(key.trim().to_string(), values));
    }
    if valid_key(term) {
        Ok(LabelRequirement::Exists(term.to_string()))
    } else {
        Err(invalid())
    }
}

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        if text.trim().is_empty() {
            return Ok(LabelSelector::default());
        }
        let requirements = split_terms(text)
            .into_iter()
            .map(parse_requirement)
            .collect::<Result<_, _>>()?;
        Ok(LabelSelector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, object: &Value) -> bool {
        let labels = &object["metadata"]["labels"];
        let label = |key: &str| labels.get(key).and_then(Value::as_str);
        self.requirements
            .iter()
            .all(|requirement| match requirement {
                LabelRequirement::Equals(key, value) => label(key) == Some(value.as_str()),
                LabelRequirement::NotEquals(key, value) => label(key) != Some(value.as_str()),
                LabelRequirement::In(key, values) => {
                    label(key).is_some_and(|actual| values.iter().any(|v| v == actual))
                }
                LabelRequirement::NotIn(key, values) => {
                    label(key).is_none_or(|actual| values.iter().all(|v| v != actual))
                }
                LabelRequirement::Exists(key) => label(key).is_some(),
                LabelRequirement::DoesNotExist(key) => label(key).is_none(),
            })
    }
}

/// The JSON path behind each field label a kind supports, beyond
/// `metadata.name` and `metadata.namespace` which every kind has.
fn field_path(kind: &str, label: &str) -> Option<&'static [&'static str]> {
    let path: &'static [&'static str] = match (kind, label) {
        (_, "metadata.name") => &["metadata", "name"],
        (_, "metadata.namespace") => &["metadata", "namespace"],
        ("Pod", "spec.nodeName") => &["spec", "nodeName"],
        ("Pod", "spec.restartPolicy") => &["spec", "restartPolicy"],
        ("Pod", "spec.schedulerName") => &["spec", "schedulerName"],
        ("Pod", "spec.serviceAccountName") => &["spec", "serviceAccountName"],
        ("Pod", "status.phase") => &["status", "phase"],
        ("Pod", "status.podIP") => &["status", "podIP"],
        ("Pod", "status.nominatedNodeName") => &["status", "nominatedNodeName"],
        ("Event", "involvedObject.kind") => &["involvedObject", "kind"],
        ("Event", "involvedObject.namespace") => &["involvedObject", "namespace"],
        ("Event", "involvedObject.name") => &["involvedObject", "name"],
        ("Event", "involvedObject.uid") => &["involvedObject", "uid"],
        ("Event", "involvedObject.apiVersion") => &["involvedObject", "apiVersion"],
        ("Event", "involvedObject.resourceVersion") => &["involvedObject", "resourceVersion"],
        ("Event", "involvedObject.fieldPath") => &["involvedObject", "fieldPath"],
        ("Event", "reason") => &["reason"],
        ("Event", "reportingComponent") => &["reportingComponent"],
        ("Event", "source") => &["source", "component"],
        ("Event", "type") => &["type"],
        ("Secret", "type") => &["type"],
        ("Namespace", "status.phase") => &["status", "phase"],
        ("Node", "spec.unschedulable") => &["spec", "unschedulable"],
        ("ReplicaSet" | "ReplicationController", "status.replicas") => &["status", "replicas"],
        ("Job", "status.successful") => &["status", "successful"],
        _ => return None,
    };
    Some(path)
}

#[derive(Debug, Clone)]
struct FieldRequirement {
    path: &'static [&'static str],
    value: String,
    equal: bool,
}

/// A parsed field selector for one kind.
#[derive(Debug, Clone, Default)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

/// A field's value as the server's field set renders it: strings as they
/// are, numbers and booleans as text, absent as the empty string.
fn field_text(object: &Value, path: &[&str]) -> String {
    let mut value = object;
    for step in path {
        value = &value[*step];
    }
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl FieldSelector {
    pub fn parse(kind: &str, text: &str) -> Result<FieldSelector, String> {
        let mut requirements = Vec::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (label, value, equal) = if let Some((label, value)) = term.split_once("!=") {
                (label, value, false)
            } else if let Some((label, value)) = term.split_once("==") {
                (label, value, true)
            } else if let Some((label, value)) = term.split_once('=') {
                (label, value, true)
            } else {
                return Err(format!(
                    "invalid selector: '{text}'; can't understand '{term}'"
                ));
            };
            let label = label.trim();
            let path = field_path(kind, label)
                .ok_or_else(|| format!("field label not supported: {label}"))?;
            requirements.push(FieldRequirement {
                path,
                value: value.trim().to_string(),
                equal,
            });
        }
        Ok(FieldSelector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.requirements
            .iter()
            .all(|r| (field_text(object, r.path) == r.value) == r.equal)
    }
}
