//! The policy engine: Rego rules compiled once into a regorus engine, then
//! evaluated many times, in parallel, against objects from files or memory.
//!
//! Rules are indexed by the kinds they apply to. For each kind a generated
//! dispatch rule gathers the violations of exactly the rules that apply, so one
//! evaluation per object runs every applicable rule in one pass.

pub mod conftest;
pub mod docs;
pub mod gatekeeper;
mod merge;
pub mod opa_compat;
mod patch;
mod pod;
pub mod registry;
mod selector;

pub use registry::{Profile, ProfileSelection, Rule, load_registry};

use crate::core::{
    Code, Diagnostic, DottedPath, Finding, Fix, Location, Object, PathSeg, Severity,
};
use crate::k8s::scope::is_cluster_scoped;
use regorus::{Engine, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::Arc;

/// The package of the merged rule module, which holds the dispatch rules too.
/// Short on purpose: regorus builds every rule's path as a string and looks
/// it up in ordered maps on each reference, and the 19-byte prefix every
/// path shared (`data.guard.bundled.`) cost 6% of checking the corpus.
const DISPATCH_PACKAGE: &str = "g";
/// The rule whose value guard stores at `data.guard.facts` once per input set
/// when a Blueprint is given: its components' workloads.
const INVENTORY_FACTS: &str = "data.g.lib_inventory__facts";
/// The deprecated and removed API table, stored at
/// `data.guard.facts.api_table` once, when the rules compile.
const API_TABLE: &str = "data.g.lib_api_table__table";
/// The dispatch rule for kinds no kind-specific rule names.
const ANY_KIND: &str = "dispatch__any_kind";
/// The kind that rules about the Blueprint itself name (`kinds: [Blueprint]`).
/// They are evaluated once, with the Blueprint's facts as input, through their
/// own dispatch rule: `*` rules do not apply to it, nor do its rules to a
/// manifest that happens to be of that kind.
const BLUEPRINT_KIND: &str = "Blueprint";
const BLUEPRINT_ENTRY: &str = "dispatch__blueprint";

/// Which rules run, and how severe each is.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub profile: ProfileSelection,
    /// Rule ids turned off.
    pub disabled: BTreeSet<String>,
    /// Severities changed from the rules' defaults.
    pub severity: BTreeMap<String, Severity>,
    /// The Kubernetes version manifests target (`1.29`), for rules about
    /// deprecated and removed APIs; `data.guard.config.kubernetes_version`.
    pub kubernetes_version: Option<String>,
    /// The Blueprint manifests are held to; spec rules run only with one.
    pub blueprint: Option<SpecFacts>,
}

/// A compiled Blueprint as the engine sees it: the facts rules read at
/// `data.blueprint`, and where each fact was written, so a spec finding can
/// name the Blueprint line (`spec_path` in a violation) beside the manifest's.
#[derive(Debug, Clone)]
pub struct SpecFacts {
    pub facts: Value,
    pub file: Arc<str>,
    /// Positions of the Blueprint document's nodes. A violation's `spec_path`
    /// is a path into that document (`["spec", "components", 0, "replicas"]`),
    /// not into the facts, so defaults name the line that set them.
    pub spans: crate::source::SpanNode,
    /// The Blueprint as the object that findings about the Blueprint itself
    /// name (a component no manifest provides).
    pub object: crate::core::ObjectRef,
}

/// A user policy that cannot be loaded or compiled.
pub fn policy_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::PolicyInvalid, message)
}

/// guard's own rules failing to compile: a bug in guard, not in the input.
fn bundled_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::BundledInvalid, message)
        .help("this is a bug in guard; please report it with the command you ran")
}

/// Compiled policies: build once, then make an [`Evaluator`] per input set.
pub struct PolicySet {
    engine: Engine,
    rules: Arc<[Rule]>,
    /// Entry point per kind; kinds not listed use [`ANY_KIND`].
    dispatch: HashMap<String, String>,
    any_kind: String,
    /// `data.guard.config`, settings rules may read.
    settings: Value,
    blueprint: Option<Arc<SpecFacts>>,
}

impl PolicySet {
    /// The bundled rules that `selection` enables.
    pub fn bundled(selection: &Selection) -> Result<PolicySet, Diagnostic> {
        let registry = load_registry()?;
        let mut rules: Vec<Rule> = registry
            .into_iter()
            .filter(|rule| selection.profile.includes(rule.profile))
            .filter(|rule| rule.profile != Profile::Spec || selection.blueprint.is_some())
            .filter(|rule| !selection.disabled.contains(&rule.id))
            .collect();
        for rule in &mut rules {
            if let Some(severity) = selection.severity.get(&rule.id) {
                rule.severity = *severity;
            }
        }
        let mut engine = Engine::new();
        engine.set_strict_builtin_errors(false);
        pod::register(&mut engine).map_err(|e| bundled_error(format!("pod view: {e}")))?;
        selector::register(&mut engine).map_err(|e| bundled_error(format!("selectors: {e}")))?;
        // The libraries and the selected rules merged into one module with
        // the dispatch rules (see merge.rs for why).
        let mut modules = Vec::new();
        for (file, source) in registry::bundled_policies() {
            if !file.starts_with("rego/rules/") {
                let stem = file.rsplit('/').next().unwrap_or(file);
                modules.push(merge::Module {
                    file,
                    source,
                    prefix: format!("lib_{}", stem.trim_end_matches(".rego")),
                });
            }
        }
        for rule in &rules {
            if let (Some(file), Some(package)) = (rule.file, &rule.package) {
                let source = registry::bundled_policies()
                    .iter()
                    .find(|(f, _)| *f == file)
                    .map(|(_, s)| *s)
                    .unwrap_or_default();
                modules.push(merge::Module {
                    file,
                    source,
                    prefix: rule_prefix(package),
                });
            }
        }
        let mut merged = merge::merge(DISPATCH_PACKAGE, &modules).map_err(bundled_error)?;
        let (dispatch_source, dispatch) = dispatch_rules(&rules);
        merged.push_str(&dispatch_source);
        engine
            .add_policy("guard/bundled.rego".into(), merged)
            .map_err(|e| bundled_error(format!("merged bundled rules: {e}")))?;
        // Constant, but a literal rule is rebuilt in every evaluation: store
        // its value as data once. (Here, while the input is still loading:
        // each data change makes regorus analyse the modules again.)
        engine.set_input(Value::new_object());
        let api_table = engine
            .eval_rule(API_TABLE.into())
            .map_err(|e| bundled_error(format!("API table: {e}")))?;
        engine
            .add_data(data_at(&["guard", "facts", "api_table"], api_table))
            .map_err(|e| bundled_error(format!("API table: {e}")))?;
        let mut settings = BTreeMap::new();
        if let Some(version) = &selection.kubernetes_version {
            settings.insert(
                Value::from("kubernetes_version"),
                Value::from(version.as_str()),
            );
        }
        Ok(PolicySet {
            engine,
            rules: rules.into(),
            dispatch,
            any_kind: format!("data.{DISPATCH_PACKAGE}.{ANY_KIND}"),
            settings: Value::from(settings),
            blueprint: selection.blueprint.clone().map(Arc::new),
        })
    }

    /// The enabled rules, sorted by id.
    pub fn rules(&self) -> &Arc<[Rule]> {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i])
    }

    /// Prepares evaluation against `inventory`, the objects cross-object rules
    /// may consult (the input set, or a cluster's objects), laid out as
    /// Gatekeeper lays out `data.inventory`.
    pub fn evaluator(self: &Arc<Self>, inventory: &[Object]) -> Result<Evaluator, Diagnostic> {
        let mut engine = self.engine.clone();
        let objects: Vec<&Object> = inventory.iter().collect();
        let mut data = BTreeMap::new();
        data.insert(Value::from("inventory"), inventory_value(&objects));
        let mut guard = BTreeMap::new();
        guard.insert(Value::from("config"), self.settings.clone());
        guard.insert(Value::from("objects"), object_indexes(&objects));
        data.insert(Value::from("guard"), Value::from(guard));
        if let Some(blueprint) = &self.blueprint {
            data.insert(Value::from("blueprint"), blueprint.facts.clone());
        }
        engine
            .add_data(Value::from(data))
            .map_err(|e| bundled_error(format!("inventory: {e}")))?;
        // Which workloads make up each Blueprint component: computed once
        // here rather than in every object's evaluation.
        if self.blueprint.is_some() {
            engine.set_input(Value::new_object());
            let facts = engine
                .eval_rule(INVENTORY_FACTS.into())
                .map_err(|e| bundled_error(format!("inventory facts: {e}")))?;
            engine
                .add_data(data_at(&["guard", "facts"], facts))
                .map_err(|e| bundled_error(format!("inventory facts: {e}")))?;
        }
        // The first evaluation analyses the modules; do it once here so that
        // every worker clones a warmed engine.
        engine.set_input(Value::new_object());
        engine
            .eval_rule(self.any_kind.clone())
            .map_err(|e| bundled_error(format!("policies do not compile: {e}")))?;
        Ok(Evaluator {
            policies: Arc::clone(self),
            engine,
        })
    }
}

/// A warmed engine with its inventory, ready to evaluate objects.
pub struct Evaluator {
    policies: Arc<PolicySet>,
    engine: Engine,
}

/// What evaluating a set of objects produced.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    /// Objects whose evaluation failed, so were not (fully) checked.
    pub errors: Vec<Diagnostic>,
}

impl Evaluation {
    /// Adds everything of `other`.
    pub fn append(&mut self, mut other: Evaluation) {
        self.findings.append(&mut other.findings);
        self.errors.append(&mut other.errors);
    }
}

impl Evaluator {
    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }

    /// Evaluates every object, in parallel.
    pub fn evaluate(&self, objects: &[&Object]) -> Evaluation {
        let parts = crate::parallel::map_per_thread(
            objects,
            || self.engine.clone(),
            |engine, object| self.evaluate_with(engine, object),
        );
        let mut all = Evaluation::default();
        for part in parts {
            all.append(part);
        }
        all
    }

    /// Evaluates one object on this thread (a request's path).
    pub fn evaluate_object(&self, object: &Object) -> Evaluation {
        let mut engine = self.engine.clone();
        self.evaluate_with(&mut engine, object)
    }

    fn evaluate_with(&self, engine: &mut Engine, object: &Object) -> Evaluation {
        let entry = self
            .policies
            .dispatch
            .get(&object.id.kind)
            .unwrap_or(&self.policies.any_kind);
        self.evaluate_entry(engine, entry, object)
    }

    /// Evaluates the rules about the Blueprint itself (`kinds: [Blueprint]`),
    /// once, with its facts as input; their `path` is a path into the Blueprint.
    pub fn evaluate_blueprint(&self) -> Evaluation {
        let Some(blueprint) = &self.policies.blueprint else {
            return Evaluation::default();
        };
        let object = Object {
            id: blueprint.object.clone(),
            value: blueprint.facts.clone(),
            spans: blueprint.spans.clone(),
            origin: crate::core::Origin::File(blueprint.file.clone()),
        };
        let mut engine = self.engine.clone();
        let entry = format!("data.{DISPATCH_PACKAGE}.{BLUEPRINT_ENTRY}");
        self.evaluate_entry(&mut engine, &entry, &object)
    }

    fn evaluate_entry(&self, engine: &mut Engine, entry: &str, object: &Object) -> Evaluation {
        let mut out = Evaluation::default();
        let failed = |message: String| {
            let diagnostic = Diagnostic::new(Code::EvaluationFailed, message);
            match object.locate(&[]) {
                Some(location) => diagnostic.at(location),
                None => diagnostic,
            }
        };
        engine.set_input(object.value.clone());
        let result = match engine.eval_rule(entry.to_string()) {
            Ok(result) => result,
            Err(error) => {
                out.errors.push(failed(format!(
                    "{} could not be evaluated: {error}",
                    object.id
                )));
                return out;
            }
        };
        let Value::Object(results) = result else {
            return out;
        };
        for (id, violations) in results.iter() {
            let Value::Set(violations) = violations else {
                continue;
            };
            for violation in violations.iter() {
                match self.finding(object, id, violation) {
                    Ok(finding) => out.findings.push(finding),
                    Err(message) => out.errors.push(failed(message)),
                }
            }
        }
        out
    }

    fn finding(&self, object: &Object, id: &Value, violation: &Value) -> Result<Finding, String> {
        let id = id.as_string().map_err(|e| e.to_string())?;
        let rule = self
            .policies
            .rule(id)
            .ok_or_else(|| format!("result for unknown rule {id}"))?;
        let field = |name: &str| match violation {
            Value::Object(map) => map.get(&Value::from(name)),
            _ => None,
        };
        let message = match field("msg") {
            Some(Value::String(msg)) => msg.to_string(),
            _ => {
                return Err(format!(
                    "rule {id} returned a violation without a string msg"
                ));
            }
        };
        let path = field("path").map(value_path).unwrap_or_default();
        let spec_location = match (field("spec_path"), &self.policies.blueprint) {
            (Some(spec_path), Some(blueprint)) => {
                let spec_path = value_path(spec_path);
                let (pos, _) = blueprint.spans.lookup(&spec_path);
                Some(Location {
                    file: blueprint.file.clone(),
                    line: pos.line,
                    column: pos.column,
                    path: DottedPath(&spec_path).to_string(),
                })
            }
            _ => None,
        };
        let patch = match field("patch") {
            Some(ops) => {
                patch::to_json_patch(&object.value, ops).map_err(|e| format!("rule {id}: {e}"))?
            }
            None => Vec::new(),
        };
        let location = object.locate(&path);
        let mut finding = Finding::new(&rule.id, rule.severity, message, object.id.clone());
        finding.path = DottedPath(&path).to_string();
        finding.location = location;
        finding.spec_location = spec_location;
        finding.fix = Some(Fix {
            description: rule.fix.clone(),
            patch,
        });
        Ok(finding)
    }
}

/// `value` at `path` in an otherwise empty data document.
fn data_at(path: &[&str], value: Value) -> Value {
    path.iter().rev().fold(value, |inner, key| {
        let mut map = BTreeMap::new();
        map.insert(Value::from(*key), inner);
        Value::from(map)
    })
}

/// A Rego path array (`["spec", "containers", 0]`) as path segments.
fn value_path(value: &Value) -> Vec<PathSeg> {
    let Value::Array(items) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(key) => Some(PathSeg::Key(key.to_string())),
            Value::Number(n) => n.as_u64().map(|i| PathSeg::Index(i as usize)),
            _ => None,
        })
        .collect()
}

/// Gatekeeper's inventory layout: `cluster[groupVersion][kind][name]` for
/// cluster-scoped objects, `namespace[ns][groupVersion][kind][name]` for the
/// rest. Objects without a namespace count as namespaced when their kind is
/// namespaced, which a manifest set cannot tell; they go under `cluster` only
/// when their kind is known to be cluster-scoped.
pub(crate) fn inventory_value(objects: &[&Object]) -> Value {
    type Tree = BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeMap<Value, Value>>>>;
    let mut cluster: BTreeMap<String, BTreeMap<String, BTreeMap<Value, Value>>> = BTreeMap::new();
    let mut namespaced: Tree = BTreeMap::new();
    for object in objects {
        let Some(name) = object.id.name.clone() else {
            continue;
        };
        let gv = object.id.api_version.clone();
        let kind = object.id.kind.clone();
        let slot = match (&object.id.namespace, is_cluster_scoped(&kind)) {
            (_, true) => cluster.entry(gv).or_default().entry(kind).or_default(),
            (ns, false) => namespaced
                .entry(ns.clone().unwrap_or_else(|| "default".into()))
                .or_default()
                .entry(gv)
                .or_default()
                .entry(kind)
                .or_default(),
        };
        slot.insert(Value::from(name), object.value.clone());
    }
    fn level<T>(map: BTreeMap<String, T>, f: impl Fn(T) -> Value) -> Value {
        Value::from(
            map.into_iter()
                .map(|(k, v)| (Value::from(k), f(v)))
                .collect::<BTreeMap<Value, Value>>(),
        )
    }
    let kinds = |m: BTreeMap<String, BTreeMap<Value, Value>>| level(m, Value::from);
    let mut root = BTreeMap::new();
    root.insert(Value::from("cluster"), level(cluster, kinds));
    root.insert(
        Value::from("namespace"),
        level(namespaced, |gvs| level(gvs, kinds)),
    );
    Value::from(root)
}

/// Indexes of the input set that cross-object rules look objects up by:
/// `data.guard.objects`. Unlike the inventory, which is keyed by name as
/// Gatekeeper's is, nothing is lost when two inputs define objects of the
/// same kind and name (overlays, several environments, unrelated projects
/// checked together), so names map to lists.
///
/// - `by_kind[ns][kind]`: the namespaced objects by kind;
/// - `by_name[ns][kind][name]`, `cluster_by_name[kind][name]`;
/// - `kinds`: the set of kinds present;
/// - `pod_makers[ns]`: the objects that make pods (workloads, pods,
///   templates), and `pod_template_labels[ns]` the labels of their pods, in
///   the same order, for the selector functions (selector.rs) to match.
///
/// Built here rather than in Rego: grouping in a comprehension compares every
/// object with every other, which costs more than all the rules on a large
/// namespace.
fn object_indexes(objects: &[&Object]) -> Value {
    type Named = BTreeMap<String, BTreeMap<String, Vec<Value>>>;
    let mut by_kind: BTreeMap<String, BTreeMap<String, Vec<Value>>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, Named> = BTreeMap::new();
    let mut cluster_by_name: Named = BTreeMap::new();
    let mut kinds = BTreeSet::new();
    let mut pod_makers: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut pod_labels: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for object in objects {
        let kind = &object.id.kind;
        kinds.insert(Value::from(kind.as_str()));
        let named = if is_cluster_scoped(kind) {
            &mut cluster_by_name
        } else {
            let ns = object.id.namespace.as_deref().unwrap_or("default");
            by_kind
                .entry(ns.to_string())
                .or_default()
                .entry(kind.clone())
                .or_default()
                .push(object.value.clone());
            if let Some(labels) = pod::template_labels(&object.value, kind) {
                pod_makers
                    .entry(ns.to_string())
                    .or_default()
                    .push(object.value.clone());
                pod_labels.entry(ns.to_string()).or_default().push(labels);
            }
            by_name.entry(ns.to_string()).or_default()
        };
        if let Some(name) = &object.id.name {
            named
                .entry(kind.clone())
                .or_default()
                .entry(name.clone())
                .or_default()
                .push(object.value.clone());
        }
    }
    fn map<T>(map: BTreeMap<String, T>, f: impl Fn(T) -> Value) -> Value {
        Value::from(
            map.into_iter()
                .map(|(k, v)| (Value::from(k), f(v)))
                .collect::<BTreeMap<Value, Value>>(),
        )
    }
    let lists = |m: BTreeMap<String, Vec<Value>>| map(m, Value::from);
    let named = |m: Named| map(m, lists);
    let mut root = BTreeMap::new();
    root.insert(Value::from("by_kind"), map(by_kind, lists));
    root.insert(Value::from("by_name"), map(by_name, named));
    root.insert(Value::from("cluster_by_name"), named(cluster_by_name));
    root.insert(Value::from("kinds"), Value::from(kinds));
    root.insert(Value::from("pod_makers"), lists(pod_makers));
    root.insert(Value::from("pod_template_labels"), lists(pod_labels));
    Value::from(root)
}

/// The name a rule's top-level rules carry in the merged module.
fn rule_prefix(package: &str) -> String {
    package.trim_start_matches("guard.rules.").replace('.', "_")
}

/// Generates the dispatch rules: one rule per kind named by some rule, plus
/// one for every other kind, each an object from rule id to the violations
/// of exactly the rules that apply. (One object literal evaluates faster in
/// regorus than a partial set rule with a body per rule.)
fn dispatch_rules(rules: &[Rule]) -> (String, HashMap<String, String>) {
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    for rule in rules {
        kinds.extend(rule.kinds.iter().map(String::as_str));
    }
    let kinds: Vec<&str> = kinds
        .into_iter()
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric()) && *k != BLUEPRINT_KIND)
        .collect();
    let mut source = String::from("\n# dispatch\n");
    let mut dispatch = HashMap::new();
    let mut emit = |name: &str, kind: Option<&str>| {
        let _ = writeln!(source, "{name} := {{");
        for rule in rules {
            let Some(package) = &rule.package else {
                continue;
            };
            let applies = match kind {
                Some(BLUEPRINT_KIND) => rule.kinds.iter().any(|k| k == BLUEPRINT_KIND),
                Some(kind) => rule.applies_to(kind),
                None => rule.kinds.is_empty(),
            };
            if applies {
                let _ = writeln!(
                    source,
                    "\t\"{}\": {}__violation,",
                    rule.id,
                    rule_prefix(package)
                );
            }
        }
        source.push_str("}\n\n");
    };
    emit(ANY_KIND, None);
    emit(BLUEPRINT_ENTRY, Some(BLUEPRINT_KIND));
    for kind in kinds {
        let name = format!("dispatch__kind_{kind}");
        emit(&name, Some(kind));
        dispatch.insert(kind.to_string(), format!("data.{DISPATCH_PACKAGE}.{name}"));
    }
    (source, dispatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_loads_with_unique_ids_and_full_metadata() {
        let rules = load_registry().unwrap();
        assert!(rules.len() >= 14, "{} rules", rules.len());
        for rule in &rules {
            assert!(
                rule.id.starts_with("GRD") && rule.id.len() == 6,
                "{}",
                rule.id
            );
            assert!(
                !rule.title.is_empty() && !rule.rationale.is_empty() && !rule.fix.is_empty(),
                "{}",
                rule.id
            );
        }
    }

    #[test]
    fn every_bundled_rule_has_a_failing_example() {
        for rule in load_registry().unwrap() {
            if rule.package.is_some() {
                assert!(
                    rule.example.is_some(),
                    "{} has no testdata/rules/{}/fail.yaml",
                    rule.id,
                    rule.id
                );
            }
        }
    }

    #[test]
    fn profiles_select_the_documented_rules() {
        let baseline = PolicySet::bundled(&Selection {
            profile: ProfileSelection::Baseline,
            ..Selection::default()
        })
        .unwrap();
        assert!(
            baseline
                .rules()
                .iter()
                .all(|r| matches!(r.profile, Profile::Baseline | Profile::Input))
        );
        let all = PolicySet::bundled(&Selection::default()).unwrap();
        assert!(all.rules().len() > baseline.rules().len());
    }
}
