//! The pod view of an object, computed natively once per evaluation: where
//! the object keeps its pod spec and pod metadata, every container with the
//! path to it, and every security context with a label for messages.
//!
//! Most bundled rules start from these values (`data.guard.lib.k8s`). In
//! Rego they cost about a tenth of evaluating every rule on a pod: a table
//! lookup, a comprehension over three container lists, and three function
//! calls per container. The library reads them from `guard.pod_view(input)`
//! instead; its comments say what each value is, and
//! `tests::the_view_equals_the_rego_definitions` holds this code to the Rego
//! it replaced. The pod labels of every workload, which cross-object rules
//! match selectors against, come from here too (`template_labels`).

use crate::k8s::workload;
use regorus::{Engine, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The name rules call the view by.
const EXTENSION: &str = "guard.pod_view";

const CONTAINER_FIELDS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Adds `guard.pod_view(object)` to `engine`.
pub(crate) fn register(engine: &mut Engine) -> anyhow::Result<()> {
    engine.add_extension(
        EXTENSION.into(),
        1,
        Box::new(|args: Vec<Value>| Ok(args.first().map_or(Value::Undefined, view))),
    )
}

/// The labels an object of a kind that makes pods gives its pods ({} when it
/// sets none), as `data.guard.lib.workloads.template_labels` reads them;
/// None for other kinds.
pub(crate) fn template_labels(object: &Value, kind: &str) -> Option<Value> {
    let mut path = workload::pod_bearing(kind)?.metadata_path.to_vec();
    path.push("labels");
    Some(get_path_or(object, &path, Value::new_object()))
}

/// The view of `object`. Keys whose value is undefined in Rego are absent:
/// an object of a kind without pod spec has only empty `containers` and
/// `security_contexts`, and `security_context` `{}`.
fn view(object: &Value) -> Value {
    let mut view = BTreeMap::new();
    let kind = object["kind"].as_string().map(|k| k.as_ref()).unwrap_or("");
    let bearer = workload::pod_bearing(kind);
    let spec_path = bearer.map(|bearer| bearer.spec_path);
    let spec = spec_path
        .map(|path| get_path_or(object, path, Value::Undefined))
        .filter(|spec| matches!(spec, Value::Object(_)));
    let mut containers = BTreeSet::new();
    let mut contexts = BTreeSet::new();
    let mut pod_context = Value::new_object();
    if let Some(bearer) = bearer {
        let path = bearer.spec_path;
        view.insert(key("spec_path"), strings(path));
        view.insert(
            key("metadata"),
            get_path_or(object, bearer.metadata_path, Value::new_object()),
        );
        view.insert(key("metadata_path"), strings(bearer.metadata_path));
        let context_path: Vec<Value> = path
            .iter()
            .chain(&["securityContext"])
            .map(|s| Value::from(*s))
            .collect();
        if let Some(spec) = &spec {
            if let Value::Object(_) = &spec["securityContext"] {
                pod_context = spec["securityContext"].clone();
            }
            contexts.insert(context(
                Value::from("pod"),
                Value::from(context_path.clone()),
                pod_context.clone(),
            ));
            for field in CONTAINER_FIELDS {
                for (index, container) in entries(&spec[field]) {
                    if !matches!(container, Value::Object(_)) {
                        continue;
                    }
                    let container_path: Vec<Value> = path
                        .iter()
                        .map(|s| Value::from(*s))
                        .chain([Value::from(field), index.clone()])
                        .collect();
                    let own = match &container["securityContext"] {
                        sc @ Value::Object(_) => sc.clone(),
                        _ => Value::new_object(),
                    };
                    let mut sc_path = container_path.clone();
                    sc_path.push(Value::from("securityContext"));
                    let sc_path = Value::from(sc_path);
                    let label = container_label(field, container, &index);
                    let mut entry = BTreeMap::new();
                    entry.insert(key("path"), Value::from(container_path));
                    entry.insert(key("container"), container.clone());
                    entry.insert(key("field"), Value::from(field));
                    entry.insert(key("security_context"), own.clone());
                    entry.insert(key("security_context_path"), sc_path.clone());
                    if let Some(label) = &label {
                        entry.insert(key("label"), label.clone());
                        contexts.insert(context(label.clone(), sc_path, own));
                    }
                    containers.insert(Value::from(entry));
                }
            }
            view.insert(key("spec"), spec.clone());
        }
        view.insert(key("security_context_path"), Value::from(context_path));
    }
    view.insert(key("security_context"), pod_context);
    view.insert(key("containers"), Value::from(containers));
    view.insert(key("security_contexts"), Value::from(contexts));
    Value::from(view)
}

fn key(name: &str) -> Value {
    Value::from(name)
}

fn strings(path: &[&str]) -> Value {
    Value::from(path.iter().map(|s| Value::from(*s)).collect::<Vec<_>>())
}

/// `object.get(value, path, default)`: the value at path when every step is
/// an object key that exists.
fn get_path_or(value: &Value, path: &[&str], default: Value) -> Value {
    let mut at = value;
    for step in path {
        match at {
            Value::Object(map) => match map.get(&Value::from(*step)) {
                Some(next) => at = next,
                None => return default,
            },
            _ => return default,
        }
    }
    at.clone()
}

/// `some i, c in items(x)`: the entries of an array (by index) or an object
/// (by key); nothing for anything else.
fn entries(value: &Value) -> Vec<(Value, &Value)> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (Value::from(i as u64), item))
            .collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Set(items) => items.iter().map(|item| (item.clone(), item)).collect(),
        _ => Vec::new(),
    }
}

fn context(label: Value, path: Value, context: Value) -> Value {
    let mut entry = BTreeMap::new();
    entry.insert(key("label"), label);
    entry.insert(key("path"), path);
    entry.insert(key("context"), context);
    Value::from(entry)
}

/// `container "name"`, or `container 2` for one without a name (by its key,
/// `initContainer "k"`, in a list written as a map), with Go's `%q` quoting
/// as Rego's `sprintf` has it.
fn container_label(field: &str, container: &Value, index: &Value) -> Option<Value> {
    let singular = field.strip_suffix('s').unwrap_or(field);
    let text = match &container["name"] {
        Value::String(name) => super::opa_compat::format_go(
            "%s %q",
            &[Value::from(singular), Value::String(name.clone())],
        ),
        _ => match index {
            Value::Number(_) => {
                super::opa_compat::format_go("%s %d", &[Value::from(singular), index.clone()])
            }
            Value::String(_) => {
                super::opa_compat::format_go("%s %q", &[Value::from(singular), index.clone()])
            }
            _ => return None,
        },
    };
    Some(Value::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::registry::bundled_policies;

    /// The Rego definitions the view replaced, evaluated by regorus.
    const REGO: &str = r#"package reference

import data.guard.lib.k8s

pod_spec_path := k8s.pod_spec_paths[input.kind]

pod_spec := spec if {
	spec := object.get(input, pod_spec_path, null)
	is_object(spec)
}

pod_metadata_path := ["metadata"] if input.kind == "Pod"

pod_metadata_path := array.concat(array.slice(pod_spec_path, 0, count(pod_spec_path) - 1), ["metadata"]) if input.kind != "Pod"

pod_metadata := object.get(input, pod_metadata_path, {})

plain_containers contains {"path": array.concat(pod_spec_path, [field, i]), "container": c, "field": field} if {
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some i, c in k8s.items(pod_spec[field])
	is_object(c)
}

containers contains object.union(c, {
	"security_context": security_context(c),
	"security_context_path": security_context_path(c),
	"label": container_label(c),
}) if {
	some c in plain_containers
}

containers contains object.union(c, {
	"security_context": security_context(c),
	"security_context_path": security_context_path(c),
}) if {
	some c in plain_containers
	not container_label(c)
}

security_context(c) := sc if {
	sc := object.get(c.container, "securityContext", {})
	is_object(sc)
} else := {}

security_context_path(c) := array.concat(c.path, ["securityContext"])

container_label(c) := sprintf("%s %q", [trim_suffix(c.field, "s"), c.container.name]) if is_string(c.container.name)

container_label(c) := sprintf("%s %d", [trim_suffix(c.field, "s"), c.path[count(c.path) - 1]]) if {
	not is_string(object.get(c.container, "name", null))
	is_number(c.path[count(c.path) - 1])
}

container_label(c) := sprintf("%s %q", [trim_suffix(c.field, "s"), c.path[count(c.path) - 1]]) if {
	not is_string(object.get(c.container, "name", null))
	is_string(c.path[count(c.path) - 1])
}

pod_security_context := sc if {
	sc := object.get(pod_spec, "securityContext", {})
	is_object(sc)
} else := {}

pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

security_contexts contains {"label": "pod", "path": pod_security_context_path, "context": pod_security_context} if pod_spec

security_contexts contains {
	"label": container_label(c),
	"path": security_context_path(c),
	"context": security_context(c),
} if {
	some c in plain_containers
}

labels := data.guard.lib.workloads.template_labels(input) if k8s.pod_spec_paths[input.kind]

fields := {name: value |
	some name in ["spec_path", "spec", "metadata_path", "metadata", "containers", "security_context", "security_context_path", "security_contexts"]
	value := view_field(name)
}

view_field("spec_path") := pod_spec_path
view_field("spec") := pod_spec
view_field("metadata_path") := pod_metadata_path
view_field("metadata") := pod_metadata
view_field("containers") := containers
view_field("security_context") := pod_security_context
view_field("security_context_path") := pod_security_context_path
view_field("security_contexts") := security_contexts
"#;

    #[test]
    fn the_view_equals_the_rego_definitions() {
        let mut engine = Engine::new();
        register(&mut engine).unwrap();
        crate::policy::selector::register(&mut engine).unwrap();
        for (file, source) in bundled_policies() {
            if file.starts_with("rego/lib/") {
                engine
                    .add_policy(file.to_string(), source.to_string())
                    .unwrap();
            }
        }
        engine
            .add_policy("reference.rego".into(), REGO.into())
            .unwrap();
        let objects = [
            r#"{"kind": "ConfigMap", "metadata": {"name": "c"}}"#,
            r#"{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}}, {"image": "x"}, 3], "initContainers": {"k": {"name": "i\"q"}, "m": {"image": "y"}}, "securityContext": {"runAsUser": 0}}}"#,
            r#"{"kind": "Pod", "spec": null}"#,
            r#"{"kind": "Pod", "metadata": null, "spec": {"securityContext": null, "ephemeralContainers": null}}"#,
            r#"{"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "web", "securityContext": "x"}]}}}}"#,
            r#"{"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"initContainers": [{"name": "é ☃"}]}}}}}}"#,
            r#"{"kind": "PodTemplate", "template": {"spec": []}}"#,
            r#"{"kind": "Job", "spec": {"template": "none"}}"#,
        ];
        let table = engine
            .eval_rule("data.guard.lib.k8s.pod_spec_paths".into())
            .unwrap();
        let native: BTreeMap<Value, Value> = workload::POD_BEARING_KINDS
            .iter()
            .map(|bearer| (Value::from(bearer.kind), strings(bearer.spec_path)))
            .collect();
        assert_eq!(table, Value::from(native));
        for object in objects {
            let input = Value::from_json_str(object).unwrap();
            engine.set_input(input.clone());
            let expected = engine.eval_rule("data.reference.fields".into()).unwrap();
            assert_eq!(view(&input), expected, "{object}");
            let labels = engine.eval_rule("data.reference.labels".into()).unwrap();
            let kind = input["kind"].as_string().unwrap().to_string();
            assert_eq!(
                template_labels(&input, &kind).unwrap_or(Value::Undefined),
                labels,
                "{object}"
            );
        }
    }
}
