//! Users' own conftest policies, run as conftest runs them.
//!
//! A [`UserPolicies`] is compiled once from `-p/--policy` directories (every
//! `.rego` file below them, `*_test.rego` excepted) and `-d/--data` files, then
//! evaluated in parallel, one file per task. conftest's conventions:
//!
//! - Rules are `deny`, `violation` and `warn`, optionally suffixed
//!   (`deny_run_as_root`), in the selected namespaces (`-n`, glob wildcards,
//!   default `main`; `--all-namespaces` takes every package). A result is a
//!   string, or an object whose `msg` is the message; other keys are metadata.
//! - `exception` rules yield lists of rule names (without the `deny_` /
//!   `violation_` / `warn_` prefix; `""` names the plain rules). An exempted
//!   rule's results are dropped and each exemption is counted.
//! - Each YAML document is one `input`; `--combine` passes one array of
//!   `{"path", "contents"}` instead. `data.conftest.file.{name,dir}` describe
//!   the file being checked (`Combined` with `--combine`, as conftest does).
//!
//! A finding's rule id is the namespace and the rule name, `main.deny` or
//! `k8s.security.warn_latest` (the rule's data path without `data.`), so ids
//! are stable and waivers can name them. deny and violation results are
//! errors, warn results warnings. The location is the document's start, or
//! the field a `path` metadata array names (guard's own convention), or the
//! `_loc: {file, line}` metadata when a result gives it. A `--combine` result
//! has no document of its own: it points at the first file, unless `_loc`.
//!
//! `data.conftest.file` changes per file, and adding data makes regorus
//! analyse the modules again. So each file is evaluated by its own clone of
//! the warmed engine with that file's data added: one re-analysis per file,
//! never per document, and none at all when no policy mentions `conftest`
//! (then no module can read the file data, which is left out).

mod builtins;
mod config;
pub mod verify;

pub use config::ConftestConfig;

use crate::core::{Code, Diagnostic, Finding, Location, Object, PathSeg, Pos, Severity};
use crate::policy::{opa_compat, policy_error};
use crate::source::{Input, InputIssue, Source, YamlDoc, at, object_ref, parse_stream};
use regorus::{Engine, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The Rego syntax user policies are written in (`--rego-version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegoVersion {
    /// Rego before OPA 1.0: `if` and `contains` optional.
    V0,
    /// OPA 1.0 syntax (conftest's default).
    #[default]
    V1,
}

impl RegoVersion {
    /// The names `--rego-version` and `rego-version` in conftest.toml take.
    pub const NAMES: [&'static str; 2] = ["v0", "v1"];

    pub fn parse(text: &str) -> Option<RegoVersion> {
        match text {
            "v0" => Some(RegoVersion::V0),
            "v1" => Some(RegoVersion::V1),
            _ => None,
        }
    }
}

/// Why conftest's `--strict` is refused.
pub const STRICT: &str = "Not available: OPA's strict mode is a compile-time lint (unused \
variables and imports, deprecated builtins, shadowed input/data) that regorus, \
guard's Rego engine, does not perform. Run `opa check --strict` on the policies.";

/// Why conftest's `--capabilities` is refused.
pub const CAPABILITIES: &str = "Not available: a capabilities file restricts the builtins \
and features of OPA's compiler; regorus, guard's Rego engine, has its own \
fixed set of builtins. Run `opa check --capabilities FILE` on the policies.";

/// conftest's default policy directory, `base/policy`, when it exists.
pub fn default_policy_dir(base: &Path) -> Vec<PathBuf> {
    let default = crate::engine::relative_to_base(base, Path::new("policy"));
    if default.is_dir() {
        vec![default]
    } else {
        Vec::new()
    }
}

/// The options of `guard verify`'s Rego tests: `given` completed from
/// `base/conftest.toml`, then `base/policy`. Unlike a check, namespaces do
/// not default to `main`: every test runs.
pub fn verify_options(
    base: &Path,
    mut given: Options,
    rego_version_given: bool,
) -> Result<Options, Diagnostic> {
    given.policy = given
        .policy
        .iter()
        .map(|p| crate::engine::relative_to_base(base, p))
        .collect();
    given.data = given
        .data
        .iter()
        .map(|p| crate::engine::relative_to_base(base, p))
        .collect();
    if let Some(config) = ConftestConfig::discover(base)? {
        config.apply(&mut given, rego_version_given, base);
    }
    if given.policy.is_empty() {
        given.policy = default_policy_dir(base);
    }
    if given.policy.is_empty() {
        return Err(policy_error("no policies to test")
            .help("name them with -p DIR or in conftest.toml, or put them in ./policy"));
    }
    Ok(given)
}

/// Where user policies come from and which of their rules run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Directories (or single files) of `.rego` policies.
    pub policy: Vec<PathBuf>,
    /// Directories (or files) of JSON/YAML merged into `data`.
    pub data: Vec<PathBuf>,
    /// Namespace globs; empty means `main`.
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    /// Pass every document of the run as one input.
    pub combine: bool,
    pub rego_version: RegoVersion,
    /// Do not count results that `exception` rules drop (conftest's
    /// `--suppress-exceptions`).
    pub suppress_exceptions: bool,
}

/// One `deny`/`violation`/`warn` rule of a namespace.
#[derive(Debug, Clone)]
struct RuleRef {
    /// `main.deny_run_as_root`: the finding's rule id.
    id: String,
    /// `data.main.deny_run_as_root`.
    path: String,
    /// The name `exception` rules use: `run_as_root`, or `""` for plain rules.
    exception_name: String,
    severity: Severity,
}

#[derive(Debug, Clone)]
struct Namespace {
    /// `data.<namespace>.exception`, when the namespace defines one.
    exception: Option<String>,
    rules: Vec<RuleRef>,
}

/// Compiled user policies: load once, evaluate many inputs.
#[derive(Clone)]
pub struct UserPolicies {
    engine: Engine,
    namespaces: Vec<Namespace>,
    combine: bool,
    suppress_exceptions: bool,
    /// Whether any module mentions `conftest`, so may read `data.conftest.file`.
    reads_file_data: bool,
}

/// What evaluating an input set against user policies produced.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub errors: Vec<Diagnostic>,
    /// Results dropped by `exception` rules.
    pub exceptions: usize,
}

impl Evaluation {
    fn append(&mut self, mut other: Evaluation) {
        self.findings.append(&mut other.findings);
        self.errors.append(&mut other.errors);
        self.exceptions += other.exceptions;
    }
}

impl UserPolicies {
    /// Loads and compiles the policies and data `options` name. Syntax errors
    /// name the file, line and column.
    pub fn load(options: &Options) -> Result<UserPolicies, Diagnostic> {
        let files = rego_files(&options.policy, false)?;
        if files.is_empty() {
            return Err(policy_error(format!(
                "no .rego policies found in {}",
                display_paths(&options.policy)
            )));
        }
        let mut engine = new_engine(options.rego_version);
        let mut reads_file_data = false;
        for (path, source) in files {
            reads_file_data |= source.contains("conftest");
            add_policy(&mut engine, path, &source, options.rego_version)?;
        }
        add_data(&mut engine, &options.data)?;
        let namespaces = select_namespaces(&mut engine, options)?;
        // Analyse the modules once, so that every clone starts warmed.
        engine.set_input(Value::new_object());
        let warm = namespaces
            .iter()
            .flat_map(|ns| ns.rules.first())
            .map(|rule| rule.path.clone())
            .next();
        if let Some(path) = warm {
            engine
                .eval_rule(path)
                .map_err(|e| policy_error(format!("policies do not compile: {e}")))?;
        }
        Ok(UserPolicies {
            engine,
            namespaces,
            combine: options.combine,
            suppress_exceptions: options.suppress_exceptions,
            reads_file_data,
        })
    }

    /// The ids of the rules that run (`main.deny`, …).
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.namespaces
            .iter()
            .flat_map(|ns| ns.rules.iter().map(|r| r.id.as_str()))
    }

    /// Evaluates every document of `input`: each file in parallel, or all
    /// documents as one input with `--combine`. The files are those whose
    /// documents are checked (not excluded, not a Blueprint). Objects that
    /// come from no file (a cluster's, a request's) are each one input, as
    /// conftest reads a JSON document.
    pub fn evaluate(&self, input: &Input) -> Evaluation {
        let files: Vec<(Arc<str>, Vec<YamlDoc>)> =
            crate::parallel::map(&checked_sources(input), |source| {
                (source.name.clone(), documents(source))
            });
        let unplaced: Vec<&Object> = input
            .objects
            .iter()
            .filter(|o| o.file().is_none())
            .collect();
        if self.combine {
            return self.evaluate_combined(&files, &unplaced);
        }
        let parts: Vec<Evaluation> = crate::parallel::map(&files, |(name, docs)| {
            let mut out = Evaluation::default();
            if docs.is_empty() {
                return out;
            }
            let mut engine = self.engine.clone();
            if let Err(error) = self.add_file_data(&mut engine, name) {
                out.errors
                    .push(Diagnostic::new(Code::EvaluationFailed, error).at(at(
                        name,
                        Pos::new(1, 1),
                        String::new(),
                    )));
                return out;
            }
            for doc in docs {
                let input = doc.value.clone();
                self.evaluate_one(&mut engine, Some(name), input, Some(doc), &mut out);
            }
            out
        });
        let mut all = Evaluation::default();
        for part in parts {
            all.append(part);
        }
        all.append(self.evaluate_objects(&unplaced));
        all
    }

    /// Evaluates objects that come from no file, each as one input, in
    /// parallel.
    pub fn evaluate_objects(&self, objects: &[&Object]) -> Evaluation {
        let parts = crate::parallel::map_per_thread(
            objects,
            || self.engine.clone(),
            |engine, object| {
                let mut out = Evaluation::default();
                self.evaluate_one(engine, None, object.value.clone(), None, &mut out);
                out
            },
        );
        let mut all = Evaluation::default();
        for part in parts {
            all.append(part);
        }
        all
    }

    /// `--combine`: every document as one input. Objects from no file are
    /// named by their identity in `path`.
    fn evaluate_combined(
        &self,
        files: &[(Arc<str>, Vec<YamlDoc>)],
        unplaced: &[&Object],
    ) -> Evaluation {
        let mut out = Evaluation::default();
        let first = files
            .iter()
            .find(|(_, docs)| !docs.is_empty())
            .map(|(name, _)| name);
        if first.is_none() && unplaced.is_empty() {
            return out;
        }
        let items: Vec<Value> = files
            .iter()
            .flat_map(|(name, docs)| docs.iter().map(move |doc| path_contents(name, &doc.value)))
            .chain(
                unplaced
                    .iter()
                    .map(|o| path_contents(&o.id.to_string(), &o.value)),
            )
            .collect();
        let mut engine = self.engine.clone();
        match self.add_file_data(&mut engine, "Combined") {
            Ok(()) => self.evaluate_one(&mut engine, first, Value::from(items), None, &mut out),
            Err(message) => {
                let diagnostic = Diagnostic::new(Code::EvaluationFailed, message);
                out.errors.push(match first {
                    Some(first) => diagnostic.at(at(first, Pos::new(1, 1), String::new())),
                    None => diagnostic,
                });
            }
        }
        out
    }

    fn add_file_data(&self, engine: &mut Engine, name: &str) -> Result<(), String> {
        if !self.reads_file_data {
            return Ok(());
        }
        let absolute = std::path::absolute(name).unwrap_or_else(|_| PathBuf::from(name));
        let text = |p: Option<&std::ffi::OsStr>| {
            Value::from(
                p.map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        };
        let file = object([
            ("name", text(absolute.file_name())),
            ("dir", text(absolute.parent().map(Path::as_os_str))),
        ]);
        let data = object([("conftest", object([("file", file)]))]);
        engine
            .add_data(data)
            .map_err(|e| format!("data.conftest.file: {e}"))
    }

    /// Evaluates one input; `file` and `doc` give positions (no document
    /// with `--combine`, neither for an object from no file).
    fn evaluate_one(
        &self,
        engine: &mut Engine,
        file: Option<&Arc<str>>,
        input: Value,
        doc: Option<&YamlDoc>,
        out: &mut Evaluation,
    ) {
        let start = doc.map_or(Pos::new(1, 1), |d| d.spans.pos());
        let start_location = file.map(|file| at(file, start, String::new()));
        let fail = |out: &mut Evaluation, message: String| {
            let diagnostic = Diagnostic::new(Code::EvaluationFailed, message);
            out.errors.push(match &start_location {
                Some(location) => diagnostic.at(location.clone()),
                None => diagnostic,
            });
        };
        let object = object_ref(&input).unwrap_or_default();
        engine.set_input(input);
        for namespace in &self.namespaces {
            let exempt = match &namespace.exception {
                Some(path) => match engine.eval_rule(path.clone()) {
                    Ok(value) => exception_names(&value),
                    Err(error) => {
                        fail(out, format!("{path} could not be evaluated: {error}"));
                        continue;
                    }
                },
                None => HashMap::new(),
            };
            for rule in &namespace.rules {
                if let Some(count) = exempt.get(&rule.exception_name) {
                    if !self.suppress_exceptions {
                        out.exceptions += count;
                    }
                    continue;
                }
                let value = match engine.eval_rule(rule.path.clone()) {
                    Ok(value) => value,
                    Err(error) => {
                        fail(
                            out,
                            format!("{} could not be evaluated: {error}", rule.path),
                        );
                        continue;
                    }
                };
                let results: Vec<&Value> = match &value {
                    Value::Set(set) => set.iter().collect(),
                    Value::Array(items) => items.iter().collect(),
                    _ => continue,
                };
                for result in results {
                    let (message, location, metadata) = match result {
                        Value::String(msg) => (msg.to_string(), None, None),
                        Value::Object(map) => match map.get(&Value::from("msg")) {
                            Some(Value::String(msg)) => (
                                msg.to_string(),
                                result_location(result, file.zip(doc)),
                                result_metadata(result),
                            ),
                            _ => {
                                fail(
                                    out,
                                    format!(
                                        "rule {} returned an object without a string msg",
                                        rule.id
                                    ),
                                );
                                continue;
                            }
                        },
                        _ => continue,
                    };
                    let mut finding =
                        Finding::new(&rule.id, rule.severity, message, object.clone());
                    finding.location = location.or_else(|| start_location.clone());
                    finding.path = finding
                        .location
                        .as_ref()
                        .map(|l| l.path.clone())
                        .unwrap_or_default();
                    finding.metadata = metadata;
                    out.findings.push(finding);
                }
            }
        }
    }
}

/// A conftest rule name (`deny`, `violation_x`, `warn_a_b`): its severity.
fn rule_severity(name: &str) -> Option<Severity> {
    let (severity, rest) = if let Some(rest) = name.strip_prefix("deny") {
        (Severity::Error, rest)
    } else if let Some(rest) = name.strip_prefix("violation") {
        (Severity::Error, rest)
    } else if let Some(rest) = name.strip_prefix("warn") {
        (Severity::Warning, rest)
    } else {
        return None;
    };
    // conftest: `^(deny|violation|warn)(_[a-zA-Z0-9]+)*$`
    let valid = rest.is_empty()
        || rest.strip_prefix('_').is_some_and(|suffix| {
            suffix
                .split('_')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
        });
    valid.then_some(severity)
}

/// The name `exception` rules give a rule: without its severity prefix, and
/// `""` for the plain rules.
fn exception_name(rule: &str) -> &str {
    if matches!(rule, "deny" | "violation" | "warn") {
        return "";
    }
    ["violation_", "deny_", "warn_"]
        .iter()
        .find_map(|prefix| rule.strip_prefix(prefix))
        .unwrap_or(rule)
}

/// Rule names exempted by an `exception` rule's value (a set of name lists),
/// with how often each is named: conftest counts one exception per mention.
fn exception_names(value: &Value) -> HashMap<String, usize> {
    let mut names = HashMap::new();
    let lists: Vec<&Value> = match value {
        Value::Set(set) => set.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for list in lists {
        let items: Vec<&Value> = match list {
            Value::Set(set) => set.iter().collect(),
            Value::Array(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        for item in items {
            if let Value::String(name) = item {
                *names.entry(name.to_string()).or_insert(0) += 1;
            }
        }
    }
    names
}

/// A result object's metadata, as conftest reports it: every key but `msg`
/// (and `_loc`, which becomes the location). `None` when nothing is left.
fn result_metadata(result: &Value) -> Option<serde_json::Value> {
    let Value::Object(map) = result else {
        return None;
    };
    let fields: serde_json::Map<String, serde_json::Value> = map
        .iter()
        .filter_map(|(key, value)| {
            let key = match key {
                Value::String(key) => key.to_string(),
                other => serde_json::to_string(other).ok()?,
            };
            if key == "msg" || key == "_loc" {
                return None;
            }
            Some((key, serde_json::to_value(value).ok()?))
        })
        .collect();
    (!fields.is_empty()).then_some(serde_json::Value::Object(fields))
}

/// `_loc: {file, line}` metadata, else the field a `path` array names.
fn result_location(result: &Value, placed: Option<(&Arc<str>, &YamlDoc)>) -> Option<Location> {
    let field = |key: &str| match result {
        Value::Object(map) => map.get(&Value::from(key)),
        _ => None,
    };
    if let Some(Value::Object(loc)) = field("_loc") {
        let file = match loc.get(&Value::from("file")) {
            Some(Value::String(file)) => file.clone(),
            _ => return None,
        };
        let line = match loc.get(&Value::from("line")) {
            Some(Value::Number(n)) => n.as_u64().unwrap_or(1) as u32,
            _ => 1,
        };
        return Some(Location {
            file: Arc::from(file.as_ref()),
            line: line.max(1),
            column: 1,
            path: String::new(),
        });
    }
    let (Some(Value::Array(items)), Some((file, doc))) = (field("path"), placed) else {
        return None;
    };
    let path: Vec<PathSeg> = items
        .iter()
        .filter_map(|item| match item {
            Value::String(key) => Some(PathSeg::Key(key.to_string())),
            Value::Number(n) => n.as_u64().map(|i| PathSeg::Index(i as usize)),
            _ => None,
        })
        .collect();
    let (pos, _) = doc.spans.lookup(&path);
    Some(Location {
        file: file.clone(),
        line: pos.line,
        column: pos.column,
        path: crate::source::DottedPath(&path).to_string(),
    })
}

/// The sources with a document to check: a Kubernetes object, or a
/// document that is not one (which conftest evaluates all the same).
fn checked_sources(input: &Input) -> Vec<&Source> {
    let mut checked = vec![false; input.sources.len()];
    let index: HashMap<&str, usize> = input
        .sources
        .iter()
        .enumerate()
        .map(|(i, source)| (source.name.as_ref(), i))
        .collect();
    for object in &input.objects {
        if let Some(&i) = object.file().and_then(|file| index.get(file.as_ref())) {
            checked[i] = true;
        }
    }
    for issue in &input.issues {
        if let InputIssue::NotAnObject { location, .. } = issue {
            if let Some(&i) = index.get(location.file.as_ref()) {
                checked[i] = true;
            }
        }
    }
    input
        .sources
        .iter()
        .zip(checked)
        .filter_map(|(source, checked)| checked.then_some(source))
        .collect()
}

/// The documents of a file as conftest sees them: every YAML document is an
/// input, whatever it holds (`kind: List` is not flattened).
fn documents(source: &Source) -> Vec<YamlDoc> {
    parse_stream(&source.text).0
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::from(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<Value, Value>>(),
    )
}

/// One element of a `--combine` input.
fn path_contents(path: &str, contents: &Value) -> Value {
    object([("path", Value::from(path)), ("contents", contents.clone())])
}

fn new_engine(version: RegoVersion) -> Engine {
    let mut engine = Engine::new();
    engine.set_rego_v0(version == RegoVersion::V0);
    // OPA's behaviour: a builtin error makes its expression undefined rather
    // than aborting the evaluation.
    engine.set_strict_builtin_errors(false);
    builtins::register(&mut engine);
    // A fresh engine has no extension yet, so adding OPA's sprintf cannot fail.
    opa_compat::register(&mut engine).expect("sprintf is registered once");
    engine
}

/// Adds a policy file, rewritten so that regorus gives it OPA's meaning
/// (lines are kept, so errors still point at the user's line).
fn add_policy(
    engine: &mut Engine,
    path: String,
    source: &str,
    version: RegoVersion,
) -> Result<(), Diagnostic> {
    let source = opa_compat::normalize(source, version == RegoVersion::V0);
    engine
        .add_policy(path, source.into_owned())
        .map(|_| ())
        .map_err(|e| syntax_error(&e.to_string(), version))
}

/// A regorus parse error (`--> file:line:col`, a snippet, `error: message`)
/// as one `file:line:col: message` line followed by the snippet, with a hint
/// when the policy looks like pre-1.0 Rego.
fn syntax_error(error: &str, version: RegoVersion) -> Diagnostic {
    let lines: Vec<&str> = error.trim().lines().collect();
    let location = lines.iter().find_map(|l| l.trim().strip_prefix("--> "));
    let message = lines
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .filter(|m| !m.is_empty());
    let (Some(location), Some(message)) = (location, message) else {
        return policy_error(error.trim().to_string());
    };
    let snippet: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| {
            let l = l.trim_start();
            !l.starts_with("--> ") && !l.starts_with("error:")
        })
        .collect();
    let hint = if version == RegoVersion::V1
        && (message.contains("`if`") || message.contains("`contains`"))
    {
        " (policies are read as Rego v1; pass --rego-version v0 for older syntax)"
    } else {
        ""
    };
    policy_error(format!(
        "{location}: {message}{hint}\n{}",
        snippet.join("\n")
    ))
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `.rego` files below `roots`, sorted: policies (`tests: false`, test
/// files skipped) or everything including `*_test.rego` (`tests: true`).
pub fn rego_files(roots: &[PathBuf], tests: bool) -> Result<Vec<(String, String)>, Diagnostic> {
    let mut paths = Vec::new();
    for root in roots {
        if root.is_file() {
            // A YAML or JSON file named with -p holds Gatekeeper objects, not Rego.
            let is_manifest = root
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json");
            if !is_manifest {
                paths.push(root.clone());
            }
            continue;
        }
        if !root.is_dir() {
            return Err(policy_error(format!(
                "{}: no such policy directory",
                root.display()
            )));
        }
        for entry in ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(false)
            .ignore(false)
            .parents(false)
            .build()
        {
            let entry = entry.map_err(|e| policy_error(format!("{}: {e}", root.display())))?;
            let path = entry.path();
            let is_rego = path.extension().is_some_and(|ext| ext == "rego");
            let is_test = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with("_test.rego"));
            if entry.file_type().is_some_and(|t| t.is_file()) && is_rego && (tests || !is_test) {
                paths.push(path.to_path_buf());
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            std::fs::read_to_string(&path)
                .map(|text| (path.to_string_lossy().into_owned(), text))
                .map_err(|e| policy_error(format!("{}: cannot read: {e}", path.display())))
        })
        .collect()
}

/// Merges the JSON and YAML files below `roots` at the root of `data`, as
/// conftest's `--data` does.
fn add_data(engine: &mut Engine, roots: &[PathBuf]) -> Result<(), Diagnostic> {
    if roots.is_empty() {
        return Ok(());
    }
    let input = Input::load_paths(roots);
    if let Some(error) = input.errors.first() {
        return Err(Diagnostic {
            code: Code::PolicyInvalid,
            ..error.clone()
        });
    }
    for source in &input.sources {
        for doc in documents(source) {
            if !matches!(doc.value, Value::Object(_)) {
                return Err(policy_error(format!(
                    "{}:{}:{}: a data file must hold an object",
                    source.name, doc.start.line, doc.start.column
                )));
            }
            engine
                .add_data(doc.value)
                .map_err(|e| policy_error(format!("{}: {e}", source.name)))?;
        }
    }
    Ok(())
}

/// The namespaces `options` select, in package order, with their rules.
/// `-n` patterns as matchers: conftest's globs, where `*` crosses dots.
fn namespace_matchers(patterns: &[String]) -> Result<Vec<globset::GlobMatcher>, Diagnostic> {
    patterns
        .iter()
        .map(|ns| {
            globset::GlobBuilder::new(ns)
                .literal_separator(false)
                .build()
                .map(|g| g.compile_matcher())
                .map_err(|e| policy_error(format!("namespace {ns:?}: {e}")))
        })
        .collect()
}

fn select_namespaces(engine: &mut Engine, options: &Options) -> Result<Vec<Namespace>, Diagnostic> {
    let patterns = if options.namespaces.is_empty() {
        namespace_matchers(&["main".to_string()])?
    } else {
        namespace_matchers(&options.namespaces)?
    };
    let packages = engine
        .get_packages()
        .map_err(|e| policy_error(e.to_string()))?;
    let mut order: Vec<String> = Vec::new();
    let mut rules: HashMap<String, Vec<String>> = HashMap::new();
    for (package, module) in packages.iter().zip(engine.get_modules().iter()) {
        let namespace = package.strip_prefix("data.").unwrap_or(package).to_string();
        if !options.all_namespaces && !patterns.iter().any(|p| p.is_match(&namespace)) {
            continue;
        }
        if !order.contains(&namespace) {
            order.push(namespace.clone());
        }
        let names = rules.entry(namespace).or_default();
        for rule in &module.policy {
            if let Some(name) = rule_name(rule) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    Ok(order
        .into_iter()
        .map(|namespace| {
            let names = rules.remove(&namespace).unwrap_or_default();
            let exception = names
                .iter()
                .any(|n| n == "exception")
                .then(|| format!("data.{namespace}.exception"));
            let rules = names
                .iter()
                .filter_map(|name| {
                    Some(RuleRef {
                        severity: rule_severity(name)?,
                        id: format!("{namespace}.{name}"),
                        path: format!("data.{namespace}.{name}"),
                        exception_name: exception_name(name).to_string(),
                    })
                })
                .collect();
            Namespace { exception, rules }
        })
        .collect())
}

/// The first component of a rule's head: `deny` for `deny contains msg if`,
/// `deny[msg]` and `deny := …`.
fn rule_name(rule: &regorus::unstable::Rule) -> Option<String> {
    use regorus::unstable::{Rule, RuleHead};
    let refr = match rule {
        Rule::Spec { head, .. } => match head {
            RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => refr,
            RuleHead::Func { .. } => return None,
        },
        Rule::Default { refr, .. } => refr,
    };
    let components = regorus::unstable::Parser::get_path_ref_components(refr).ok()?;
    components.first().map(|span| span.text().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_follow_conftest() {
        assert_eq!(rule_severity("deny"), Some(Severity::Error));
        assert_eq!(rule_severity("violation_no_root"), Some(Severity::Error));
        assert_eq!(rule_severity("warn_latest_tag"), Some(Severity::Warning));
        assert_eq!(rule_severity("denying"), None);
        assert_eq!(rule_severity("deny_"), None);
        assert_eq!(rule_severity("deny__x"), None);
        assert_eq!(rule_severity("exception"), None);
        assert_eq!(exception_name("deny"), "");
        assert_eq!(exception_name("deny_run_as_root"), "run_as_root");
        assert_eq!(exception_name("warn_latest"), "latest");
    }
}
