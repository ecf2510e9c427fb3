//! Reading the fields of live objects: absent and mistyped fields read as
//! absent, never as an error (the API server's objects are well formed;
//! a snapshot's may not be).

use regorus::Value;

pub fn text(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

pub fn int(value: &Value) -> Option<i64> {
    value.as_i64().ok()
}

pub fn flag(value: &Value) -> Option<bool> {
    value.as_bool().ok().copied()
}

/// The items of an array; none for anything else.
pub fn list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// The status condition of `kind` (`Ready`, `Available`, …).
pub fn condition<'v>(object: &'v Value, kind: &str) -> Option<&'v Value> {
    list(&object["status"]["conditions"])
        .into_iter()
        .find(|c| text(&c["type"]) == Some(kind))
}

/// Whether condition `kind` is `status: "True"`.
pub fn condition_true(object: &Value, kind: &str) -> bool {
    condition(object, kind).is_some_and(|c| text(&c["status"]) == Some("True"))
}

/// A condition's reason and message, as one phrase.
pub fn condition_text(condition: &Value) -> String {
    match (text(&condition["reason"]), text(&condition["message"])) {
        (Some(reason), Some(message)) => format!("{reason}: {message}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => String::new(),
    }
}

/// The labels of an object (or of a pod template's metadata).
pub fn labels(metadata: &Value) -> Vec<(&str, &str)> {
    match &metadata["labels"] {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| Some((text(k)?, text(v).unwrap_or(""))))
            .collect(),
        _ => Vec::new(),
    }
}

/// Where the pod spec of `kind` sits, as a dotted path prefix.
pub fn pod_spec_path(kind: &str) -> Option<String> {
    crate::k8s::workload::pod_bearing(kind).map(|bearer| bearer.spec_path.join("."))
}

/// The pod spec of a pod-bearing object.
pub fn pod_spec<'v>(object: &'v Value, kind: &str) -> Option<&'v Value> {
    let bearer = crate::k8s::workload::pod_bearing(kind)?;
    let spec = bearer.spec_path.iter().fold(object, |at, key| &at[*key]);
    matches!(spec, Value::Object(_)).then_some(spec)
}

/// The dotted path of container `name` in `object`'s pod spec
/// (`spec.template.spec.containers[1]`), or empty when it has none.
pub fn container_path(object: &Value, kind: &str, name: &str, init: bool) -> String {
    let field = if init { "initContainers" } else { "containers" };
    let (Some(prefix), Some(spec)) = (pod_spec_path(kind), pod_spec(object, kind)) else {
        return String::new();
    };
    list(&spec[field])
        .into_iter()
        .position(|c| text(&c["name"]) == Some(name))
        .map(|i| format!("{prefix}.{field}[{i}]"))
        .unwrap_or_default()
}
