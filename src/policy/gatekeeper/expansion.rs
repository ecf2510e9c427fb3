//! ExpansionTemplates (`expansion.gatekeeper.sh`): workloads expanded into
//! the objects they create, as gator expands them, so that constraints on
//! Pods also hold Deployments, Jobs and the rest to account.
//!
//! A workload whose group, version and kind an `applyTo` entry lists yields
//! the object at `templateSource` (`spec.template`), given the
//! `generatedGVK`, the workload's namespace and the name
//! `<workload>-<kind>` in lowercase. Violations of the resultant are
//! reported on the workload, their message prefixed `[Implied by <name>]`,
//! with the template's `enforcementAction` when it sets one.

use super::constraint::Action;
use super::value::{Node, Problem, get, group_version};
use regorus::Value;
use std::collections::BTreeMap;

pub const GROUP: &str = "expansion.gatekeeper.sh";
pub const KIND: &str = "ExpansionTemplate";

pub fn is_expansion(api_version: &str, kind: &str) -> bool {
    kind == KIND && group_version(api_version).0 == GROUP
}

#[derive(Debug, Clone)]
pub struct ExpansionTemplate {
    pub name: String,
    apply_to: Vec<ApplyTo>,
    /// `spec.template` as `["spec", "template"]`.
    pub source: Vec<String>,
    group: String,
    version: String,
    kind: String,
    pub action: Option<Action>,
}

#[derive(Debug, Clone)]
struct ApplyTo {
    groups: Vec<String>,
    versions: Vec<String>,
    kinds: Vec<String>,
}

/// An object an expansion derived.
pub struct Resultant {
    pub object: Value,
    /// The ExpansionTemplate's name, for the `[Implied by …]` prefix.
    pub template: String,
    pub action: Option<Action>,
    /// Where in the workload the resultant comes from (`spec.template`).
    pub source: Vec<String>,
}

impl ExpansionTemplate {
    pub fn parse(node: Node<'_>) -> Result<ExpansionTemplate, Problem> {
        let name = node
            .string(&["metadata", "name"])?
            .filter(|n| !n.is_empty())
            .ok_or_else(|| node.problem(&["metadata"], "an ExpansionTemplate needs metadata.name"))?
            .to_string();
        let source = node
            .string(&["spec", "templateSource"])?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                node.problem(
                    &["spec"],
                    format!("ExpansionTemplate {name} needs spec.templateSource"),
                )
            })?;
        let gvk = ["spec", "generatedGVK"];
        let part = |key: &str| -> Result<String, Problem> {
            Ok(node
                .string(&[gvk[0], gvk[1], key])?
                .unwrap_or_default()
                .to_string())
        };
        let (group, version, kind) = (part("group")?, part("version")?, part("kind")?);
        if version.is_empty() && kind.is_empty() && group.is_empty() {
            return Err(node.problem(
                &["spec"],
                format!("ExpansionTemplate {name} needs spec.generatedGVK"),
            ));
        }
        let mut apply_to = Vec::new();
        if let Some(Value::Array(entries)) = node.get(&["spec", "applyTo"]) {
            for entry in entries.iter() {
                let item = Node::new(node.file, entry, node.spans);
                let wrong = |_| {
                    node.problem(
                        &["spec", "applyTo"],
                        "applyTo entries have groups, versions and kinds, lists of strings",
                    )
                };
                apply_to.push(ApplyTo {
                    groups: item.strings(&["groups"]).map_err(wrong)?,
                    versions: item.strings(&["versions"]).map_err(wrong)?,
                    kinds: item.strings(&["kinds"]).map_err(wrong)?,
                });
            }
        }
        let action = match node.string(&["spec", "enforcementAction"])? {
            None | Some("") => None,
            Some(text) => Some(Action::parse(text).ok_or_else(|| {
                node.problem(
                    &["spec", "enforcementAction"],
                    format!("enforcementAction {text:?} is not one of deny, warn, dryrun"),
                )
            })?),
        };
        Ok(ExpansionTemplate {
            name,
            apply_to,
            source: source.split('.').map(str::to_string).collect(),
            group,
            version,
            kind,
            action,
        })
    }

    /// Whether the template expands objects of this group, version and kind
    /// (exact names: `applyTo` takes no wildcards).
    fn applies_to(&self, group: &str, version: &str, kind: &str) -> bool {
        let has = |list: &[String], value: &str| list.iter().any(|x| x == value);
        self.apply_to
            .iter()
            .any(|a| has(&a.groups, group) && has(&a.versions, version) && has(&a.kinds, kind))
    }

    /// The generated object's `apiVersion`.
    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// The objects `templates` derive from `object`. A template whose source
/// field is missing from the object derives nothing from it.
pub fn expand(templates: &[ExpansionTemplate], object: &Value) -> Vec<Resultant> {
    let api_version = super::value::str_field(object, &["apiVersion"]).unwrap_or_default();
    let kind = super::value::str_field(object, &["kind"]).unwrap_or_default();
    let (group, version) = group_version(api_version);
    let name = super::value::str_field(object, &["metadata", "name"]).unwrap_or_default();
    let namespace = super::value::str_field(object, &["metadata", "namespace"]);
    let mut out = Vec::new();
    for template in templates {
        if !template.applies_to(group, version, kind) {
            continue;
        }
        let path: Vec<&str> = template.source.iter().map(String::as_str).collect();
        let Some(Value::Object(source)) = get(object, &path) else {
            continue;
        };
        let mut resultant: BTreeMap<Value, Value> =
            source.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut metadata: BTreeMap<Value, Value> = match resultant.get(&Value::from("metadata")) {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => BTreeMap::new(),
        };
        let generated_name = if template.kind.is_empty() {
            name.to_lowercase()
        } else {
            format!("{name}-{}", template.kind).to_lowercase()
        };
        metadata.insert(Value::from("name"), Value::from(generated_name));
        match namespace {
            Some(ns) if !ns.is_empty() => {
                metadata.insert(Value::from("namespace"), Value::from(ns));
            }
            _ => {
                metadata.remove(&Value::from("namespace"));
            }
        }
        resultant.insert(Value::from("metadata"), Value::from(metadata));
        resultant.insert(
            Value::from("apiVersion"),
            Value::from(template.api_version()),
        );
        resultant.insert(Value::from("kind"), Value::from(template.kind.as_str()));
        out.push(Resultant {
            object: Value::from(resultant),
            template: template.name.clone(),
            action: template.action,
            source: template.source.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_stream;
    use std::sync::Arc;

    fn value(text: &str) -> (Value, crate::source::SpanNode) {
        let (mut docs, errors) = parse_stream(text);
        assert!(errors.is_empty());
        let doc = docs.remove(0);
        (doc.value, doc.spans)
    }

    #[test]
    fn deployments_expand_into_named_pods() {
        let (t, spans) = value(
            "apiVersion: expansion.gatekeeper.sh/v1alpha1\nkind: ExpansionTemplate\nmetadata: {name: expand-deployments}\nspec:\n  applyTo:\n    - {groups: [apps], kinds: [Deployment], versions: [v1]}\n  templateSource: spec.template\n  generatedGVK: {kind: Pod, group: \"\", version: v1}\n  enforcementAction: warn\n",
        );
        let file: Arc<str> = Arc::from("e.yaml");
        let template = ExpansionTemplate::parse(Node::new(&file, &t, &spans)).unwrap();
        let (deployment, _) = value(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Web, namespace: prod}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: a, image: nginx}]}\n",
        );
        let pods = expand(std::slice::from_ref(&template), &deployment);
        assert_eq!(pods.len(), 1);
        let pod = &pods[0].object;
        assert_eq!(super::super::value::str_field(pod, &["kind"]), Some("Pod"));
        assert_eq!(
            super::super::value::str_field(pod, &["apiVersion"]),
            Some("v1")
        );
        assert_eq!(
            super::super::value::str_field(pod, &["metadata", "name"]),
            Some("web-pod")
        );
        assert_eq!(
            super::super::value::str_field(pod, &["metadata", "namespace"]),
            Some("prod")
        );
        assert_eq!(
            super::super::value::str_field(pod, &["metadata", "labels", "app"]),
            Some("web")
        );
        assert_eq!(pods[0].action, Some(Action::Warn));
        let (statefulset, _) = value(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {template: {}}\n",
        );
        assert!(expand(&[template], &statefulset).is_empty());
    }
}
