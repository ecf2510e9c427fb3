//! A constraint's `spec.match`, with Gatekeeper's semantics
//! (pkg/mutation/match): every part that is given must hold.

use super::value::{Node, Problem, join};
use crate::k8s::selector::LabelSelector;
use regorus::Value;

/// What `spec.match` selects.
#[derive(Debug, Clone, Default)]
pub struct Match {
    /// `kinds`: empty matches every kind.
    pub kinds: Vec<KindSelector>,
    pub scope: Scope,
    pub namespaces: Vec<Wildcard>,
    pub excluded_namespaces: Vec<Wildcard>,
    pub label_selector: Option<LabelSelector<'static>>,
    pub namespace_selector: Option<LabelSelector<'static>>,
    pub name: Option<Wildcard>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct KindSelector {
    /// Empty or `*` matches every group.
    pub api_groups: Vec<String>,
    /// Empty or `*` matches every kind.
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// `*`, absent, or a value Gatekeeper does not know (which it treats as `*`).
    #[default]
    All,
    Cluster,
    Namespaced,
}

/// Which objects a constraint sees: the ones written (`Original`), the
/// ones an ExpansionTemplate derives from them (`Generated`), or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    All,
    Original,
    Generated,
}

/// A name with an optional `*` at its start, its end, or both (Gatekeeper's
/// `util.Wildcard`): `kube-*`, `*-system`, `*gate*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard(pub String);

impl Wildcard {
    pub fn matches(&self, candidate: &str) -> bool {
        let w = self.0.as_str();
        match (w.strip_prefix('*'), w.strip_suffix('*')) {
            (Some(rest), Some(_)) if !rest.is_empty() => {
                candidate.contains(rest.strip_suffix('*').unwrap_or(rest))
            }
            (Some(""), _) => true,
            (Some(suffix), None) => candidate.ends_with(suffix),
            (None, Some(prefix)) => candidate.starts_with(prefix),
            _ => w == candidate,
        }
    }
}

/// `labelSelector` or `namespaceSelector` at `path`: absent (or null)
/// constrains nothing; one given is validated as the API server does.
fn label_selector(
    node: Node<'_>,
    path: &[&str],
) -> Result<Option<LabelSelector<'static>>, Problem> {
    match node.get(path) {
        None | Some(Value::Null) => Ok(None),
        Some(selector) => LabelSelector::parse(selector)
            .map(|selector| Some(selector.into_owned()))
            .map_err(|error| {
                let inner: Vec<&str> = error.path.iter().map(String::as_str).collect();
                node.problem(&join(path, &inner), error.message)
            }),
    }
}

/// An object as the matcher sees it.
pub struct Target<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    /// `metadata.namespace` ("" when absent).
    pub namespace: &'a str,
    /// Whether the object is in a namespace, perhaps an unnamed one: gator
    /// test places a namespaced object that names none in an empty
    /// Namespace, where Gatekeeper's audit would see a cluster-scoped one.
    pub namespaced: bool,
    pub labels: &'a [(String, String)],
    /// The labels of the object's Namespace, when known.
    pub namespace_labels: Option<&'a [(String, String)]>,
    pub generated: bool,
}

impl Target<'_> {
    fn is_namespace(&self) -> bool {
        self.kind == "Namespace" && self.group.is_empty()
    }

    fn in_namespace(&self) -> bool {
        self.namespaced || !self.namespace.is_empty()
    }
}

/// Why a match could not be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecided {
    /// A namespaceSelector applies to an object of this namespace, whose
    /// Namespace object is not known.
    MissingNamespace(String),
}

impl Match {
    /// Reads `spec.match` (absent matches everything).
    pub fn parse(node: Node<'_>) -> Result<Match, Problem> {
        let base = ["spec", "match"];
        match node.get(&base) {
            None | Some(Value::Null) => return Ok(Match::default()),
            Some(Value::Object(_)) => {}
            Some(_) => return Err(node.problem(&base, "spec.match must be an object")),
        }
        let mut kinds = Vec::new();
        match node.get(&join(&base, &["kinds"])) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    let index = index.to_string();
                    let entry = Node::new(node.file, item, node.spans);
                    let wrong = |_| {
                        node.problem(
                            &join(&base, &["kinds", &index]),
                            "kinds entries have apiGroups and kinds, lists of strings",
                        )
                    };
                    kinds.push(KindSelector {
                        api_groups: entry.strings(&["apiGroups"]).map_err(wrong)?,
                        kinds: entry.strings(&["kinds"]).map_err(wrong)?,
                    });
                }
            }
            Some(_) => {
                return Err(
                    node.problem(&join(&base, &["kinds"]), "spec.match.kinds must be a list")
                );
            }
        }
        let scope = match node.string(&join(&base, &["scope"]))? {
            Some("Cluster") => Scope::Cluster,
            Some("Namespaced") => Scope::Namespaced,
            _ => Scope::All,
        };
        let source = match node.string(&join(&base, &["source"]))? {
            None | Some("All") => Source::All,
            Some("Original") => Source::Original,
            Some("Generated") => Source::Generated,
            Some(other) => {
                return Err(node.problem(
                    &join(&base, &["source"]),
                    format!("source {other:?} is not one of All, Original, Generated"),
                ));
            }
        };
        let wildcards = |key: &str| -> Result<Vec<Wildcard>, Problem> {
            Ok(node
                .strings(&join(&base, &[key]))?
                .into_iter()
                .map(Wildcard)
                .collect())
        };
        Ok(Match {
            kinds,
            scope,
            namespaces: wildcards("namespaces")?,
            excluded_namespaces: wildcards("excludedNamespaces")?,
            label_selector: label_selector(node, &join(&base, &["labelSelector"]))?,
            namespace_selector: label_selector(node, &join(&base, &["namespaceSelector"]))?,
            name: node
                .string(&join(&base, &["name"]))?
                .filter(|n| !n.is_empty())
                .map(|n| Wildcard(n.to_string())),
            source,
        })
    }

    /// Whether the constraint applies to `target`.
    pub fn matches(&self, target: &Target<'_>) -> Result<bool, Undecided> {
        let source = match self.source {
            Source::All => true,
            Source::Original => !target.generated,
            Source::Generated => target.generated,
        };
        if !(source
            && self.kinds_match(target)
            && self.scope_matches(target)
            && self.namespaces_match(target)
            && self
                .label_selector
                .as_ref()
                .is_none_or(|s| s.matches(target.labels)))
        {
            return Ok(false);
        }
        if !self.namespace_selector_matches(target)? {
            return Ok(false);
        }
        Ok(self.name.as_ref().is_none_or(|n| n.matches(target.name)))
    }

    /// Whether the kinds part alone allows `kind` (of any group): the
    /// index that spares evaluating constraints that cannot apply.
    pub fn kind_names(&self) -> Option<Vec<&str>> {
        if self.kinds.is_empty() {
            return None;
        }
        let mut names = Vec::new();
        for selector in &self.kinds {
            if selector.kinds.is_empty() || selector.kinds.iter().any(|k| k == "*") {
                return None;
            }
            names.extend(selector.kinds.iter().map(String::as_str));
        }
        Some(names)
    }

    fn kinds_match(&self, target: &Target<'_>) -> bool {
        let any = |list: &[String], value: &str| {
            list.is_empty() || list.iter().any(|x| x == "*" || x == value)
        };
        self.kinds.is_empty()
            || self
                .kinds
                .iter()
                .any(|k| any(&k.kinds, target.kind) && any(&k.api_groups, target.group))
    }

    fn scope_matches(&self, target: &Target<'_>) -> bool {
        let has_namespace = target.in_namespace();
        match self.scope {
            Scope::All => true,
            Scope::Cluster => target.is_namespace() || !has_namespace,
            Scope::Namespaced => !target.is_namespace() && has_namespace,
        }
    }

    /// `namespaces` and `excludedNamespaces`: a Namespace is in itself; a
    /// cluster-scoped object is in no namespace, so neither list rules it out.
    fn namespaces_match(&self, target: &Target<'_>) -> bool {
        let namespace = if target.is_namespace() {
            target.name
        } else if target.in_namespace() {
            target.namespace
        } else {
            return true;
        };
        (self.namespaces.is_empty() || self.namespaces.iter().any(|w| w.matches(namespace)))
            && !self
                .excluded_namespaces
                .iter()
                .any(|w| w.matches(namespace))
    }

    /// A Namespace is selected by its own labels; a cluster-scoped object
    /// always matches; a namespaced one by its Namespace's labels, which
    /// must be known.
    fn namespace_selector_matches(&self, target: &Target<'_>) -> Result<bool, Undecided> {
        let Some(selector) = &self.namespace_selector else {
            return Ok(true);
        };
        if target.is_namespace() {
            return Ok(selector.matches(target.labels));
        }
        if !target.in_namespace() {
            return Ok(true);
        }
        match target.namespace_labels {
            Some(labels) => Ok(selector.matches(labels)),
            None => Err(Undecided::MissingNamespace(target.namespace.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_stream;
    use std::sync::Arc;

    fn parse(spec: &str) -> Match {
        let text = format!("spec:\n  match:\n{spec}");
        let (docs, _) = parse_stream(&text);
        let file: Arc<str> = Arc::from("c.yaml");
        Match::parse(Node::new(&file, &docs[0].value, &docs[0].spans)).unwrap()
    }

    fn pod<'a>(namespace: &'a str, labels: &'a [(String, String)]) -> Target<'a> {
        Target {
            group: "",
            kind: "Pod",
            name: "web-1",
            namespace,
            namespaced: !namespace.is_empty(),
            labels,
            namespace_labels: None,
            generated: false,
        }
    }

    #[test]
    fn wildcards_match_prefixes_suffixes_and_both() {
        assert!(Wildcard("kube-*".into()).matches("kube-system"));
        assert!(Wildcard("*-system".into()).matches("gatekeeper-system"));
        assert!(Wildcard("*gate*".into()).matches("my-gatekeeper"));
        assert!(!Wildcard("kube-*".into()).matches("default"));
        assert!(Wildcard("*".into()).matches("anything"));
        assert!(!Wildcard("prod".into()).matches("prod-1"));
    }

    #[test]
    fn kinds_groups_scope_and_namespaces() {
        let m = parse(
            "    kinds:\n      - apiGroups: [\"apps\"]\n        kinds: [\"Deployment\"]\n      - apiGroups: [\"\"]\n        kinds: [\"Pod\"]\n    excludedNamespaces: [\"kube-*\"]\n    scope: Namespaced\n",
        );
        assert_eq!(m.matches(&pod("prod", &[])), Ok(true));
        assert_eq!(m.matches(&pod("kube-system", &[])), Ok(false));
        assert_eq!(m.matches(&pod("", &[])), Ok(false));
        let deploy_v1 = Target {
            group: "extensions",
            kind: "Deployment",
            ..pod("prod", &[])
        };
        assert_eq!(m.matches(&deploy_v1), Ok(false));
        assert_eq!(m.kind_names(), Some(vec!["Deployment", "Pod"]));
    }

    #[test]
    fn selectors_follow_kubernetes() {
        let m = parse(
            "    labelSelector:\n      matchLabels: {app: web}\n      matchExpressions:\n        - {key: tier, operator: NotIn, values: [db]}\n    namespaceSelector:\n      matchExpressions:\n        - {key: env, operator: Exists}\n",
        );
        let labels = [("app".to_string(), "web".to_string())];
        let env = [("env".to_string(), "prod".to_string())];
        let with_ns = Target {
            namespace_labels: Some(&env),
            ..pod("prod", &labels)
        };
        assert_eq!(m.matches(&with_ns), Ok(true));
        assert_eq!(
            m.matches(&pod("prod", &labels)),
            Err(Undecided::MissingNamespace("prod".into()))
        );
        let tier = [
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "db".to_string()),
        ];
        assert_eq!(
            m.matches(&Target {
                namespace_labels: Some(&env),
                ..pod("prod", &tier)
            }),
            Ok(false)
        );
        let namespace = Target {
            kind: "Namespace",
            name: "prod",
            namespace: "",
            labels: &env,
            ..pod("", &[])
        };
        let ns_only = parse("    namespaceSelector:\n      matchLabels: {env: prod}\n");
        assert_eq!(ns_only.matches(&namespace), Ok(true));
        // Cluster-scoped objects pass a namespaceSelector; a namespaced one
        // in the unnamed Namespace is held to its (absent) labels.
        let cluster = pod("", &[]);
        assert_eq!(ns_only.matches(&cluster), Ok(true));
        let unnamed = Target {
            namespaced: true,
            namespace_labels: Some(&[]),
            ..pod("", &[])
        };
        assert_eq!(ns_only.matches(&unnamed), Ok(false));
    }
}
