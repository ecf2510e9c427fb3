//! Gatekeeper policies, run as Gatekeeper and gator run them: the
//! ConstraintTemplates, Constraints and ExpansionTemplates of the `-p`
//! directories, evaluated on the input set.
//!
//! - Templates (`templates.gatekeeper.sh` v1 and v1beta1) bring Rego, from
//!   the legacy `rego` field or a `code` entry with engine `Rego` (v0 syntax
//!   unless it declares `version: "v1"`), with `libs` at `data.lib.*`. A
//!   template that cannot run in guard (CEL only, `external_data`, Rego that
//!   does not compile) is reported, with its file and line, as an error of the
//!   run; its constraints are not evaluated.
//! - Constraints (`constraints.gatekeeper.sh`, of a template's kind) select
//!   objects with `spec.match`, pass `spec.parameters` (checked against the
//!   template's schema) and map their `enforcementAction` to a severity:
//!   deny → error, warn → warning, dryrun → info.
//! - Each object is reviewed as gator reviews it (`input.review`, an
//!   AdmissionRequest without operation or user), with `data.inventory`
//!   holding every object of the input set in Gatekeeper's layout. Only the
//!   constraints whose `match.kinds` can name the object's kind are tried.
//! - ExpansionTemplates expand workloads into the objects they create; a
//!   violation of such an object is reported on the workload, at the field
//!   it comes from, its message prefixed `[Implied by <expansion>]`.
//!
//! A finding's rule id is `<ConstraintKind>/<constraint name>`, the way
//! `kubectl get <kind> <name>` names a constraint (unique per cluster), so
//! that waivers can name one constraint among several of a template. Its
//! message is the violation's `msg`, its metadata the `details`.

mod builtins;
mod constraint;
mod engine;
mod expansion;
mod matching;
mod review;
mod schema;
pub mod suite;
mod template;
mod value;

pub use constraint::Action;

use crate::core::{Code, Diagnostic, Finding, Object, PathSeg};
use crate::source::Input;
use constraint::Constraint;
use expansion::ExpansionTemplate;
use matching::Undecided;
use regorus::{Engine, Value};
use review::Review;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use template::Template;
use value::Node;
use value::Problem;

/// The Gatekeeper objects of the policy directories.
pub struct Gatekeeper {
    templates: Vec<Template>,
    /// Each with the index of its template.
    constraints: Vec<(Constraint, usize)>,
    expansions: Vec<ExpansionTemplate>,
    /// Objects that were found but cannot be used.
    problems: Vec<Problem>,
    /// Files that hold Gatekeeper objects, canonicalised: not manifests.
    files: HashSet<PathBuf>,
}

pub use crate::policy::Evaluation;

/// Gatekeeper objects read from YAML documents, before they are tied
/// together.
#[derive(Default)]
struct Objects {
    templates: Vec<Template>,
    /// Constraint documents: kept whole until their template (and so their
    /// schema) is known.
    constraints: Vec<(Arc<str>, Object)>,
    expansions: Vec<ExpansionTemplate>,
    problems: Vec<Problem>,
}

impl Objects {
    /// Sorts one document into templates, constraints and expansions;
    /// other kinds are not Gatekeeper's and are left alone. Returns
    /// whether it was one of them.
    fn add(&mut self, file: &Arc<str>, text: &str, doc: Object) -> bool {
        let node = Node::new(file, &doc.value, &doc.spans);
        let (api_version, kind) = (doc.id.api_version.as_str(), doc.id.kind.as_str());
        if template::is_template(api_version, kind) {
            match Template::parse(node, text) {
                Ok(t) => self.templates.push(t),
                Err(p) => self.problems.push(p),
            }
        } else if expansion::is_expansion(api_version, kind) {
            match ExpansionTemplate::parse(node) {
                Ok(e) => self.expansions.push(e),
                Err(p) => self.problems.push(p),
            }
        } else if constraint::is_constraint(api_version) {
            self.constraints.push((file.clone(), doc));
        } else {
            return false;
        }
        true
    }

    /// Ties constraints to their templates and checks their parameters.
    fn link(mut self, files: HashSet<PathBuf>) -> Gatekeeper {
        let mut by_kind: HashMap<&str, usize> = HashMap::new();
        for (index, template) in self.templates.iter().enumerate() {
            if let Some(&first) = by_kind.get(template.kind.as_str()) {
                self.problems.push(Problem {
                    location: template.location.clone(),
                    message: format!(
                        "a second ConstraintTemplate for kind {} (the first is at {}:{}); this one is ignored",
                        template.kind,
                        self.templates[first].location.file,
                        self.templates[first].location.line
                    ),
                });
            } else {
                by_kind.insert(&template.kind, index);
            }
        }
        let mut schemas: HashMap<usize, Option<schema::ParameterSchema>> = HashMap::new();
        let mut constraints = Vec::new();
        let mut seen: HashMap<String, crate::core::Location> = HashMap::new();
        for (file, doc) in &self.constraints {
            let node = Node::new(file, &doc.value, &doc.spans);
            let Some(&index) = by_kind.get(doc.id.kind.as_str()) else {
                self.problems.push(node.problem(
                    &["kind"],
                    format!(
                        "constraint {} {}: no ConstraintTemplate in the policy directories defines kind {}",
                        doc.id.kind,
                        doc.id.name.as_deref().unwrap_or_default(),
                        doc.id.kind
                    ),
                ));
                continue;
            };
            let template = &self.templates[index];
            let schema = schemas.entry(index).or_insert_with(|| {
                template
                    .schema
                    .as_ref()
                    .and_then(|s| match schema::ParameterSchema::compile(s) {
                        Ok(schema) => Some(schema),
                        Err(e) => {
                            self.problems.push(Problem {
                            location: template.schema_location.clone(),
                            message: format!(
                                "ConstraintTemplate {}: openAPIV3Schema is not a valid schema: {e}",
                                template.name
                            ),
                        });
                            None
                        }
                    })
            });
            match Constraint::parse(node, schema.as_ref()) {
                Ok(c) => {
                    if let Some(first) = seen.get(&c.id()) {
                        self.problems.push(Problem {
                            location: c.location.clone(),
                            message: format!(
                                "a second constraint {} (the first is at {}:{}); this one is ignored",
                                c.id(),
                                first.file,
                                first.line
                            ),
                        });
                        continue;
                    }
                    seen.insert(c.id(), c.location.clone());
                    constraints.push((c, index));
                }
                Err(p) => self.problems.push(p),
            }
        }
        Gatekeeper {
            templates: self.templates,
            constraints,
            expansions: self.expansions,
            problems: self.problems,
            files,
        }
    }
}

impl Gatekeeper {
    /// Reads the Gatekeeper objects of the YAML and JSON files below
    /// `paths`; `None` when there are none. Files that hold none are left
    /// for other loaders (conftest's `.rego` files, data).
    pub fn load(paths: &[PathBuf]) -> Result<Option<Gatekeeper>, Diagnostic> {
        let input = Input::load_paths(paths);
        let mut objects = Objects::default();
        let texts: HashMap<Arc<str>, Arc<str>> = input
            .sources
            .iter()
            .map(|s| (s.name.clone(), s.text.clone()))
            .collect();
        let mut holding: BTreeSet<Arc<str>> = BTreeSet::new();
        for doc in input.objects {
            let Some(name) = doc.file().cloned() else {
                continue;
            };
            let text = texts.get(&name).cloned().unwrap_or_default();
            if objects.add(&name, &text, doc) {
                holding.insert(name);
            }
        }
        let files = holding
            .iter()
            .map(|name| {
                std::fs::canonicalize(name.as_ref())
                    .unwrap_or_else(|_| PathBuf::from(name.as_ref()))
            })
            .collect();
        // A file that does not parse may hold templates or constraints; it
        // is reported when it mentions Gatekeeper, and ignored otherwise.
        for error in input.errors {
            let Some(location) = error.location else {
                continue;
            };
            let mentions = texts
                .get(&location.file)
                .is_none_or(|text| text.contains("gatekeeper.sh"));
            if mentions {
                objects.problems.push(Problem {
                    location,
                    message: error.message,
                });
            }
        }
        if objects.templates.is_empty()
            && objects.constraints.is_empty()
            && objects.expansions.is_empty()
            && objects.problems.is_empty()
        {
            return Ok(None);
        }
        Ok(Some(objects.link(files)))
    }

    /// The ids of the constraints' findings (`K8sRequiredLabels/owner`).
    pub fn rule_ids(&self) -> impl Iterator<Item = String> + '_ {
        self.constraints.iter().map(|(c, _)| c.id())
    }

    /// The canonical paths of the files that hold Gatekeeper objects: they
    /// are policy, not manifests to check.
    pub fn policy_files(&self) -> &HashSet<PathBuf> {
        &self.files
    }

    /// Compiles the templates with `inventory` as `data.inventory`, ready to
    /// review objects. Templates and constraints that cannot run are in the
    /// preparation's diagnostics, reported once per run.
    pub fn prepare(self: &Arc<Self>, inventory: &[Object]) -> Prepared {
        let mut diagnostics: Vec<Diagnostic> = self.problems.iter().map(problem_error).collect();
        let objects: Vec<&Object> = inventory.iter().collect();
        let mut data = BTreeMap::new();
        data.insert(
            Value::from("inventory"),
            crate::policy::inventory_value(&objects),
        );
        let compiled = engine::compile(&self.templates, &Value::from(data));
        for (index, entry) in compiled.entries.iter().enumerate() {
            if let Err(problem) = entry {
                let mut problem = problem.clone();
                let names: Vec<String> = self
                    .constraints
                    .iter()
                    .filter(|(_, t)| *t == index)
                    .map(|(c, _)| c.id())
                    .collect();
                if !names.is_empty() {
                    problem.message += &format!("; not evaluated: {}", names.join(", "));
                }
                diagnostics.push(problem_error(&problem));
            }
        }
        let plan = Plan::new(self, &compiled, &objects);
        Prepared {
            gatekeeper: Arc::clone(self),
            compiled,
            plan,
            diagnostics,
        }
    }
}

/// Templates compiled against an inventory: review any objects with them.
pub struct Prepared {
    gatekeeper: Arc<Gatekeeper>,
    compiled: engine::Compiled,
    plan: Plan,
    diagnostics: Vec<Diagnostic>,
}

impl Prepared {
    /// Templates and constraints that cannot run.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Evaluates every constraint on every object that it matches, in
    /// parallel, as gator and Gatekeeper's audit do.
    pub fn evaluate(&self, objects: &[&Object]) -> Evaluation {
        let parts: Vec<Part> = crate::parallel::map_per_thread(
            objects,
            || self.compiled.engines.clone(),
            |engines, object| self.plan.object(&self.gatekeeper, engines, object),
        );
        self.gather(parts)
    }

    /// Evaluates the constraints on the object of an admission request,
    /// whose `input.review` is the request itself (operation, userInfo,
    /// oldObject, dryRun), as under Gatekeeper's webhook.
    pub fn evaluate_request(&self, object: &Object, request: &Value) -> Evaluation {
        let mut engines = self.compiled.engines.clone();
        let part = match Review::of_request(request) {
            Ok(review) => {
                let mut part = Part::default();
                let namespace = self.plan.namespaces.get(&review.namespace);
                let labels: Option<&[(String, String)]> = match namespace {
                    Some((labels, _)) => Some(labels),
                    None => Some(&[]),
                };
                self.plan.review(
                    &self.gatekeeper,
                    &mut engines,
                    &review,
                    labels,
                    &mut part,
                    &|v: engine::Violation, c: &Constraint, action: Action| {
                        finding(c, action, v.msg, v.details, object, &[])
                    },
                );
                part
            }
            Err(message) => Part {
                errors: vec![Diagnostic::new(Code::EvaluationFailed, message)],
                ..Part::default()
            },
        };
        self.gather(vec![part])
    }

    fn gather(&self, parts: Vec<Part>) -> Evaluation {
        let mut out = Evaluation::default();
        let mut undecided: BTreeMap<(usize, String), usize> = BTreeMap::new();
        for part in parts {
            out.findings.extend(part.findings);
            out.errors.extend(part.errors);
            for key in part.undecided {
                *undecided.entry(key).or_default() += 1;
            }
        }
        for ((constraint, namespace), count) in undecided {
            let c = &self.gatekeeper.constraints[constraint].0;
            out.errors.push(
                Diagnostic::new(
                    Code::EvaluationFailed,
                    format!(
                        "{}: its namespaceSelector needs the Namespace {namespace}, which is not among the inputs, so {count} object(s) in it were not checked against this constraint",
                        c.id()
                    ),
                )
                .at(c.location.clone())
                .help("add the Namespace object to the inputs"),
            );
        }
        out
    }
}

fn problem_error(problem: &Problem) -> Diagnostic {
    Diagnostic::new(Code::PolicyUnusable, problem.message.clone()).at(problem.location.clone())
}

/// What one document produced.
#[derive(Default)]
struct Part {
    findings: Vec<Finding>,
    errors: Vec<Diagnostic>,
    /// (constraint, namespace) pairs a namespaceSelector could not decide.
    undecided: Vec<(usize, String)>,
}

/// The constraints that can run, indexed by the kinds they match, and the
/// inventory's Namespaces for namespaceSelectors.
struct Plan {
    /// Per constraint: its template's entry, if the template compiled.
    rules: Vec<Option<engine::Entry>>,
    by_kind: HashMap<String, Vec<usize>>,
    any_kind: Vec<usize>,
    namespaces: HashMap<String, (Vec<(String, String)>, Value)>,
}

impl Plan {
    fn new(gatekeeper: &Gatekeeper, compiled: &engine::Compiled, inventory: &[&Object]) -> Plan {
        let rules: Vec<Option<engine::Entry>> = gatekeeper
            .constraints
            .iter()
            .map(|(_, t)| compiled.entries[*t].as_ref().ok().cloned())
            .collect();
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut any_kind = Vec::new();
        for (index, (constraint, _)) in gatekeeper.constraints.iter().enumerate() {
            // Constraints that cannot run, and those enforced only by the
            // admission webhook, review nothing.
            if rules[index].is_none() || constraint.action.is_none() {
                continue;
            }
            match constraint.matcher.kind_names() {
                Some(kinds) => {
                    let unique: BTreeSet<&str> = kinds.into_iter().collect();
                    for kind in unique {
                        by_kind.entry(kind.to_string()).or_default().push(index);
                    }
                }
                None => any_kind.push(index),
            }
        }
        let namespaces = inventory
            .iter()
            .filter(|o| o.id.kind == "Namespace" && o.id.api_version == "v1")
            .filter_map(|o| {
                let name = o.id.name.clone()?;
                Some((name, (value::labels(&o.value), o.value.clone())))
            })
            .collect();
        Plan {
            rules,
            by_kind,
            any_kind,
            namespaces,
        }
    }

    fn object(&self, gatekeeper: &Gatekeeper, engines: &mut [Engine], doc: &Object) -> Part {
        let mut part = Part::default();
        let namespace = doc.id.namespace.as_deref().unwrap_or_default();
        let known = self.namespaces.get(namespace);
        // As gator test places objects: an object of a namespaced kind that
        // names no namespace is in an unnamed, unlabelled Namespace, and one
        // in `default` is in an unlabelled `default` when the inputs lack it.
        let namespaced =
            !namespace.is_empty() || !crate::k8s::scope::is_cluster_scoped(&doc.id.kind);
        let ns_labels: Option<&[(String, String)]> = match known {
            Some((labels, _)) => Some(labels),
            None if namespace.is_empty() || namespace == "default" => Some(&[]),
            None => None,
        };
        let ns_object = known.map(|(_, v)| v);
        let mut review = Review::of_object(&doc.value, ns_object, false);
        review.namespaced = namespaced;
        self.review(
            gatekeeper,
            engines,
            &review,
            ns_labels,
            &mut part,
            &|v: engine::Violation, c: &Constraint, action: Action| {
                finding(c, action, v.msg, v.details, doc, &[])
            },
        );
        for resultant in expansion::expand(&gatekeeper.expansions, &doc.value) {
            let mut review = Review::of_object(&resultant.object, ns_object, true);
            review.namespaced = namespaced;
            let path: Vec<PathSeg> = resultant
                .source
                .iter()
                .map(|s| PathSeg::from(s.as_str()))
                .collect();
            self.review(
                gatekeeper,
                engines,
                &review,
                ns_labels,
                &mut part,
                &|v: engine::Violation, c: &Constraint, action: Action| {
                    let message = format!("[Implied by {}] {}", resultant.template, v.msg);
                    finding(
                        c,
                        resultant.action.unwrap_or(action),
                        message,
                        v.details,
                        doc,
                        &path,
                    )
                },
            );
        }
        part
    }

    fn review(
        &self,
        gatekeeper: &Gatekeeper,
        engines: &mut [Engine],
        review: &Review,
        namespace_labels: Option<&[(String, String)]>,
        part: &mut Part,
        report: &dyn Fn(engine::Violation, &Constraint, Action) -> Finding,
    ) {
        let candidates = self
            .by_kind
            .get(review.kind.as_str())
            .into_iter()
            .flatten()
            .chain(&self.any_kind);
        let mut memo = Memo::new();
        for &index in candidates {
            let (constraint, _) = &gatekeeper.constraints[index];
            let (Some(entry), Some(action)) = (&self.rules[index], constraint.action) else {
                continue;
            };
            match apply(
                engines,
                entry,
                constraint,
                review,
                namespace_labels,
                &mut memo,
            ) {
                Outcome::NotMatched => {}
                Outcome::Violations(found) => part
                    .findings
                    .extend(found.into_iter().map(|v| report(v, constraint, action))),
                Outcome::Undecided(namespace) => part.undecided.push((index, namespace)),
                Outcome::Failed(error) => part.errors.push(
                    Diagnostic::new(
                        Code::EvaluationFailed,
                        format!(
                            "{}: {} {} could not be evaluated: {error}",
                            constraint.id(),
                            review.kind,
                            review.name
                        ),
                    )
                    .at(constraint.location.clone()),
                ),
            }
        }
    }
}

/// What applying one constraint to one review gave.
enum Outcome {
    NotMatched,
    Violations(Vec<engine::Violation>),
    /// The constraint's namespaceSelector needs this Namespace, not known.
    Undecided(String),
    Failed(String),
}

/// Matches `review` against the constraint and, if it matches, evaluates
/// the template's `violation` with the constraint's parameters, or takes
/// the result from `memo`: constraints of one template with the same
/// parameters (one denied here, warned there) give the same violations for
/// the same review.
fn apply(
    engines: &mut [Engine],
    entry: &engine::Entry,
    constraint: &Constraint,
    review: &Review,
    namespace_labels: Option<&[(String, String)]>,
    memo: &mut Memo,
) -> Outcome {
    let mut undecided = None;
    let mut matched = false;
    for target in review.targets(namespace_labels) {
        match constraint.matcher.matches(&target) {
            Ok(true) => {
                matched = true;
                break;
            }
            Ok(false) => {}
            Err(Undecided::MissingNamespace(namespace)) => undecided = Some(namespace),
        }
    }
    if !matched {
        return match undecided {
            Some(namespace) => Outcome::Undecided(namespace),
            None => Outcome::NotMatched,
        };
    }
    let known = memo.iter().find(|(engine, rule, parameters, _)| {
        *engine == entry.engine && *rule == entry.rule && *parameters == constraint.parameters
    });
    let result = match known {
        Some((_, _, _, result)) => result.clone(),
        None => {
            let input = review::input(&review.value, &constraint.parameters);
            let result = engine::violations(&mut engines[entry.engine], &entry.rule, input);
            memo.push((
                entry.engine,
                entry.rule.clone(),
                constraint.parameters.clone(),
                result.clone(),
            ));
            result
        }
    };
    match result {
        Ok(found) => Outcome::Violations(found),
        Err(error) => Outcome::Failed(error),
    }
}

/// The results of one review so far: engine, template rule, parameters,
/// result.
type Memo = Vec<(usize, String, Value, Result<Vec<engine::Violation>, String>)>;

fn finding(
    constraint: &Constraint,
    action: Action,
    message: String,
    details: Option<Value>,
    object: &Object,
    path: &[PathSeg],
) -> Finding {
    let mut finding = Finding::new(
        &constraint.id(),
        action.severity(),
        message,
        object.id.clone(),
    );
    finding.path = crate::core::DottedPath(path).to_string();
    finding.location = object.locate(path);
    finding.metadata = details.as_ref().map(value::to_json);
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Severity;

    const TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sdemoimages
spec:
  crd:
    spec:
      names:
        kind: K8sDemoImages
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdemoimages
        violation[{"msg": msg, "details": {"image": c.image}}] {
          c := input.review.object.spec.containers[_]
          startswith(c.image, input.parameters.banned)
          msg := sprintf("%v uses %v", [c.name, c.image])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDemoImages
metadata: {name: in-prod}
spec:
  match: {kinds: [{apiGroups: [""], kinds: [Pod]}], namespaces: [prod]}
  parameters: {banned: "docker.io/"}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDemoImages
metadata: {name: everywhere}
spec:
  enforcementAction: warn
  match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}
  parameters: {banned: "docker.io/"}
---
apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata: {name: expand-deployments}
spec:
  applyTo: [{groups: [apps], kinds: [Deployment], versions: [v1]}]
  templateSource: spec.template
  generatedGVK: {kind: Pod, group: "", version: v1}
"#;

    const MANIFESTS: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: prod}\nspec:\n  containers: [{name: app, image: docker.io/app}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: dev}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: docker.io/web}]\n";

    fn evaluate(policy: &str, manifests: &str) -> Evaluation {
        let dir = std::env::temp_dir().join(format!(
            "guard-gatekeeper-{}-{}",
            std::process::id(),
            policy.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("policy.yaml"), policy).unwrap();
        let gatekeeper = Gatekeeper::load(std::slice::from_ref(&dir))
            .unwrap()
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let input = Input::from_text(Arc::from("m.yaml"), manifests);
        let prepared = Arc::new(gatekeeper).prepare(&input.objects);
        let objects: Vec<&Object> = input.objects.iter().collect();
        let mut out = prepared.evaluate(&objects);
        out.errors
            .splice(0..0, prepared.diagnostics().iter().cloned());
        out
    }

    #[test]
    fn constraints_of_one_template_keep_their_own_match_and_action() {
        let out = evaluate(TEMPLATE, MANIFESTS);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let mut found: Vec<(String, Severity, String, u32)> = out
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.clone(),
                    f.severity,
                    f.message.clone(),
                    f.location.as_ref().map_or(0, |l| l.line),
                )
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                (
                    "K8sDemoImages/everywhere".into(),
                    Severity::Warning,
                    "[Implied by expand-deployments] web uses docker.io/web".into(),
                    11
                ),
                (
                    "K8sDemoImages/everywhere".into(),
                    Severity::Warning,
                    "app uses docker.io/app".into(),
                    1
                ),
                (
                    "K8sDemoImages/in-prod".into(),
                    Severity::Error,
                    "app uses docker.io/app".into(),
                    1
                ),
            ]
        );
        let details = out.findings[0].metadata.as_ref().unwrap();
        assert!(details["image"].as_str().unwrap().starts_with("docker.io/"));
    }

    #[test]
    fn constraints_without_a_template_and_bad_templates_are_errors() {
        let orphan = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNothing\nmetadata: {name: x}\n";
        let out = evaluate(&format!("{TEMPLATE}---\n{orphan}"), MANIFESTS);
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
        assert!(out.errors[0].message.contains("no ConstraintTemplate"));
        assert_eq!(out.errors[0].location.as_ref().map(|l| l.line), Some(44));
        let broken = TEMPLATE.replace("c := input", "c := := input");
        let out = evaluate(&broken, MANIFESTS);
        assert!(out.findings.is_empty());
        assert!(
            out.errors[0].message.contains("does not compile")
                && out.errors[0]
                    .message
                    .contains("not evaluated: K8sDemoImages/in-prod"),
            "{:?}",
            out.errors
        );
        assert_eq!(out.errors[0].location.as_ref().map(|l| l.line), Some(15));
    }
}
