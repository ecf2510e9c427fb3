//! gator `Suite` files (`kind: Suite`, `apiVersion:
//! test.gatekeeper.sh/v1alpha1`), run with `gator verify`'s semantics.
//!
//! Each test instantiates a template and a constraint (paths relative to the
//! suite file). `invalid: true` means the constraint must fail to
//! instantiate (its parameters break the template's schema); otherwise each
//! case reviews one object (a plain object, or an AdmissionReview whose
//! `request` is reviewed as it is) with the case's `inventory` files as
//! `data.inventory`, and every assertion must hold: `violations: yes` (at
//! least one; the default), `no` (none) or a count, of the violations whose
//! message the optional `message` regex matches. `skip` skips a suite, test
//! or case. guard also takes `expansion:` on a test, a file of
//! ExpansionTemplates whose resultants are reviewed too, as gator test
//! reviews them.
//!
//! Suites are read as YAML 1.2 (gator reads them with yaml.v3: `yes` and
//! `no` are strings); the objects they name as Kubernetes reads them.
//! Files without the Suite kind and apiVersion are ignored, as gator
//! ignores them.

use super::constraint::Constraint;
use super::engine::{self, Compiled, Violation};
use super::expansion::{self, ExpansionTemplate};
use super::review::{self, Review};
use super::template::{self, Template};
use super::value::{Node, str_field};
use super::{Outcome, apply};
use crate::core::{Object, Origin};
use crate::source::{Dialect, collect_files, object_ref, parse_stream_as};
use regorus::Value;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SUITE_API_VERSION: &str = "test.gatekeeper.sh/v1alpha1";

/// How a suite, test or case ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Pass,
    Fail,
    Skip,
}

impl Status {
    fn of(failed: bool, skipped: bool) -> Status {
        match (failed, skipped) {
            (_, true) => Status::Skip,
            (true, false) => Status::Fail,
            (false, false) => Status::Pass,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Status::Pass => "ok  ",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SuiteResult {
    pub path: String,
    pub status: Status,
    pub skipped: bool,
    /// Why the suite could not run at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub tests: Vec<TestResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub name: String,
    pub status: Status,
    pub skipped: bool,
    /// Why the test failed as a whole (its template or constraint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub cases: Vec<CaseResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub status: Status,
    pub skipped: bool,
    /// Why the case failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Every suite found, with counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SuiteReport {
    pub suites: Vec<SuiteResult>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub suites: usize,
    pub tests: usize,
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl TestResult {
    fn failed(&self) -> bool {
        self.error.is_some() || self.cases.iter().any(|c| c.error.is_some())
    }
}

impl SuiteResult {
    fn failed(&self) -> bool {
        self.error.is_some() || self.tests.iter().any(TestResult::failed)
    }
}

impl SuiteReport {
    /// Failed suites, tests and cases: a failing test with no failing case
    /// (its constraint did not load) counts once.
    pub fn failed(&self) -> usize {
        self.summary.failed
    }

    fn count(&mut self) {
        let mut summary = Summary {
            suites: self.suites.len(),
            ..Summary::default()
        };
        for suite in &mut self.suites {
            suite.status = Status::of(suite.failed(), suite.skipped);
            for test in &mut suite.tests {
                test.status = Status::of(test.failed(), test.skipped);
                for case in &mut test.cases {
                    case.status = Status::of(case.error.is_some(), case.skipped);
                }
            }
        }
        for suite in &self.suites {
            if suite.error.is_some() {
                summary.failed += 1;
            }
            if suite.skipped {
                summary.skipped += 1;
            }
            for test in &suite.tests {
                summary.tests += 1;
                if test.skipped {
                    summary.skipped += 1;
                } else if test.error.is_some() {
                    summary.failed += 1;
                } else if test.cases.is_empty() {
                    summary.passed += 1;
                }
                for case in &test.cases {
                    summary.cases += 1;
                    match (case.skipped, &case.error) {
                        (true, _) => summary.skipped += 1,
                        (false, Some(_)) => summary.failed += 1,
                        (false, None) => summary.passed += 1,
                    }
                }
            }
        }
        self.summary = summary;
    }

    /// One line per suite, test and case, then the counts.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let status = |failed: bool, skipped: bool| match (failed, skipped) {
            (_, true) => "SKIP",
            (true, _) => "FAIL",
            _ => "ok  ",
        };
        for suite in &self.suites {
            let _ = writeln!(
                out,
                "{} {}",
                status(suite.failed(), suite.skipped),
                suite.path
            );
            if let Some(error) = &suite.error {
                let _ = writeln!(out, "    {error}");
            }
            for test in &suite.tests {
                let _ = writeln!(
                    out,
                    "  {} {}",
                    status(test.failed(), test.skipped),
                    test.name
                );
                if let Some(error) = &test.error {
                    let _ = writeln!(out, "      {error}");
                }
                for case in &test.cases {
                    let _ = writeln!(out, "    {} {}", case.status.label(), case.name);
                    if let Some(error) = &case.error {
                        let _ = writeln!(out, "        {error}");
                    }
                }
            }
        }
        let s = &self.summary;
        let _ = writeln!(
            out,
            "\n{} suites, {} tests, {} cases: {} passed, {} failed, {} skipped",
            s.suites, s.tests, s.cases, s.passed, s.failed, s.skipped
        );
        out
    }
}

/// Finds the suites in the YAML files below `paths` and runs them.
pub fn run(paths: &[PathBuf]) -> SuiteReport {
    // gator's recursive form, `DIR/...`, names DIR: directories are walked
    // recursively anyway.
    let paths: Vec<PathBuf> = paths
        .iter()
        .map(|p| match p.to_str().and_then(|s| s.strip_suffix("...")) {
            Some("") => PathBuf::from("."),
            Some(dir) if dir.ends_with('/') => PathBuf::from(dir),
            _ => p.clone(),
        })
        .collect();
    let (files, errors) = collect_files(&paths);
    let mut report = SuiteReport::default();
    for error in errors {
        report.suites.push(SuiteResult {
            path: error
                .location
                .as_ref()
                .map(|l| l.file.to_string())
                .unwrap_or_default(),
            status: Status::Fail,
            skipped: false,
            error: Some(error.message),
            tests: Vec::new(),
        });
    }
    for file in files {
        let is_yaml = file.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if !text.contains(SUITE_API_VERSION) {
            continue;
        }
        let (docs, _) = parse_stream_as(&text, Dialect::Core);
        for doc in docs {
            let is_suite = str_field(&doc.value, &["kind"]) == Some("Suite")
                && str_field(&doc.value, &["apiVersion"]) == Some(SUITE_API_VERSION);
            if is_suite {
                report.suites.push(run_suite(&file, &doc.value, &doc.spans));
            }
        }
    }
    report.count();
    report
}

/// A template file, compiled once for all the tests that name it.
type Loaded = Result<Arc<(Template, Compiled)>, String>;

fn run_suite(file: &Path, suite: &Value, spans: &crate::source::SpanNode) -> SuiteResult {
    let name: Arc<str> = Arc::from(file.to_string_lossy().as_ref());
    let node = Node::new(&name, suite, spans);
    let mut result = SuiteResult {
        path: name.to_string(),
        status: Status::default(),
        skipped: false,
        error: None,
        tests: Vec::new(),
    };
    match node.flag(&["skip"]) {
        Ok(true) => {
            result.skipped = true;
            return result;
        }
        Ok(false) => {}
        Err(problem) => {
            result.error = Some(problem.to_string());
            return result;
        }
    }
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let tests = match node.get(&["tests"]) {
        Some(Value::Array(tests)) => tests.clone(),
        None | Some(Value::Null) => Default::default(),
        Some(_) => {
            result.error = Some(node.problem(&["tests"], "tests must be a list").to_string());
            return result;
        }
    };
    let mut templates: HashMap<PathBuf, Loaded> = HashMap::new();
    for (index, test) in tests.iter().enumerate() {
        let index = index.to_string();
        let base = ["tests", index.as_str()];
        result
            .tests
            .push(run_test(node, &base, test, &dir, &mut templates));
    }
    result
}

fn run_test(
    suite: Node<'_>,
    base: &[&str],
    test: &Value,
    dir: &Path,
    templates: &mut HashMap<PathBuf, Loaded>,
) -> TestResult {
    let at = |rest: &[&'static str]| super::value::join(base, rest);
    let name = str_field(test, &["name"]).unwrap_or_default().to_string();
    let mut result = TestResult {
        name,
        status: Status::default(),
        skipped: false,
        error: None,
        cases: Vec::new(),
    };
    let item = Node::new(suite.file, test, suite.spans);
    let flag = |key: &'static str| {
        item.flag(&[key]).map_err(|_| {
            suite
                .problem(&at(&[key]), format!("{key} must be true or false"))
                .to_string()
        })
    };
    let (skip, invalid) = match (flag("skip"), flag("invalid")) {
        (Ok(skip), Ok(invalid)) => (skip, invalid),
        (Err(e), _) | (_, Err(e)) => {
            result.error = Some(e);
            return result;
        }
    };
    if skip {
        result.skipped = true;
        return result;
    }
    let path = |key: &'static str| -> Result<Option<PathBuf>, String> {
        match str_field(test, &[key]) {
            None | Some("") => Ok(None),
            Some(p) => relative(dir, p)
                .map(Some)
                .map_err(|m| suite.problem(&at(&[key]), m).to_string()),
        }
    };
    let loaded = match path("template") {
        Ok(Some(template)) => templates
            .entry(template.clone())
            .or_insert_with(|| load_template(&template))
            .clone(),
        Ok(None) => Err(suite
            .problem(&at(&[]), "the test names no template")
            .to_string()),
        Err(e) => Err(e),
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    let (template, compiled) = loaded.as_ref();
    let entry = match &compiled.entries[0] {
        Ok(entry) => entry.clone(),
        Err(problem) => {
            result.error = Some(problem.to_string());
            return result;
        }
    };
    let constraint = match path("constraint") {
        Ok(Some(file)) => load_constraint(&file, template),
        Ok(None) => Err(Err(suite
            .problem(&at(&[]), "the test names no constraint")
            .to_string())),
        Err(e) => Err(Err(e)),
    };
    let constraint = match (constraint, invalid) {
        (Ok(_), true) => {
            result.error =
                Some("the constraint is valid, but the test expects it to be invalid".into());
            return result;
        }
        (Err(Ok(_)), true) => return result,
        (Ok(constraint), false) => constraint,
        (Err(Ok(problem)), false) => {
            result.error = Some(problem);
            return result;
        }
        (Err(Err(error)), _) => {
            result.error = Some(error);
            return result;
        }
    };
    let expansions = match path("expansion") {
        Ok(Some(file)) => match load_expansions(&file) {
            Ok(e) => e,
            Err(e) => {
                result.error = Some(e);
                return result;
            }
        },
        Ok(None) => Vec::new(),
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    let cases = match super::value::get(test, &["cases"]) {
        Some(Value::Array(cases)) => cases.clone(),
        _ => Default::default(),
    };
    let context = Context {
        suite,
        dir,
        compiled,
        entry: &entry,
        constraint: &constraint,
        expansions: &expansions,
    };
    for (index, case) in cases.iter().enumerate() {
        let index = index.to_string();
        let base = super::value::join(base, &["cases", index.as_str()]);
        result.cases.push(context.run_case(&base, case));
    }
    result
}

/// What a test's cases share.
struct Context<'a> {
    suite: Node<'a>,
    dir: &'a Path,
    compiled: &'a Compiled,
    entry: &'a engine::Entry,
    constraint: &'a Constraint,
    expansions: &'a [ExpansionTemplate],
}

impl Context<'_> {
    fn run_case(&self, base: &[&str], case: &Value) -> CaseResult {
        let name = str_field(case, &["name"]).unwrap_or_default().to_string();
        let item = Node::new(self.suite.file, case, self.suite.spans);
        let skipped = item.flag(&["skip"]).unwrap_or(false);
        let error = if skipped {
            None
        } else {
            self.check_case(base, case).err()
        };
        CaseResult {
            name,
            status: Status::default(),
            skipped,
            error,
        }
    }

    fn check_case(&self, base: &[&str], case: &Value) -> Result<(), String> {
        let at = |rest: &[&'static str]| super::value::join(base, rest);
        let problem =
            |rest: &[&'static str], m: String| self.suite.problem(&at(rest), m).to_string();
        let object = match str_field(case, &["object"]) {
            Some(p) if !p.is_empty() => {
                relative(self.dir, p).map_err(|m| problem(&["object"], m))?
            }
            _ => return Err(problem(&[], "the case must name an object".into())),
        };
        let assertions = match super::value::get(case, &["assertions"]) {
            Some(Value::Array(a)) if !a.is_empty() => a
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    Assertion::parse(a).map_err(|m| {
                        let i = i.to_string();
                        self.suite
                            .problem(&super::value::join(&at(&["assertions"]), &[i.as_str()]), m)
                            .to_string()
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(problem(&[], "the case needs at least one assertion".into())),
        };
        let mut inventory = Vec::new();
        match super::value::get(case, &["inventory"]) {
            None | Some(Value::Null) => {}
            Some(Value::Array(files)) => {
                for file in files.iter() {
                    let Value::String(file) = file else {
                        return Err(problem(
                            &["inventory"],
                            "inventory is a list of paths".into(),
                        ));
                    };
                    let path = relative(self.dir, file).map_err(|m| problem(&["inventory"], m))?;
                    let docs = read_objects(&path)?;
                    if docs.is_empty() {
                        return Err(format!("{}: defines no objects", path.display()));
                    }
                    inventory.extend(docs);
                }
            }
            Some(_) => {
                return Err(problem(
                    &["inventory"],
                    "inventory is a list of paths".into(),
                ));
            }
        }
        let mut objects = read_objects(&object)?;
        if objects.len() != 1 {
            return Err(format!(
                "{}: defines {} objects; a case reviews exactly one",
                object.display(),
                objects.len()
            ));
        }
        let reviewed = objects.remove(0);
        let violations = self.review(&reviewed.value, &inventory)?;
        let messages: Vec<&str> = violations.iter().map(|v| v.msg.as_str()).collect();
        for assertion in &assertions {
            assertion.check(&messages)?;
        }
        Ok(())
    }

    /// The violations of the case's object (and of what the test's
    /// expansions derive from it).
    fn review(&self, object: &Value, inventory: &[Object]) -> Result<Vec<Violation>, String> {
        let mut engines = self.compiled.engines.clone();
        let engine = &mut engines[self.entry.engine];
        if !inventory.is_empty() {
            let mut data = BTreeMap::new();
            data.insert(
                Value::from("inventory"),
                crate::policy::inventory_value(&inventory.iter().collect::<Vec<_>>()),
            );
            engine
                .add_data(Value::from(data))
                .map_err(|e| format!("inventory: {e}"))?;
        }
        let namespaces: HashMap<&str, &Value> = inventory
            .iter()
            .filter(|d| d.id.kind == "Namespace" && d.id.api_version == "v1")
            .filter_map(|d| Some((d.id.name.as_deref()?, &d.value)))
            .collect();
        let review = if review::is_admission_review(object) {
            let request =
                review::request(object).ok_or("the AdmissionReview has no request to review")?;
            Review::of_request(request)?
        } else {
            let namespace = str_field(object, &["metadata", "namespace"]).unwrap_or_default();
            Review::of_object(object, namespaces.get(namespace).copied(), false)
        };
        let namespace_labels = namespaces
            .get(review.namespace.as_str())
            .map(|v| super::value::labels(v));
        let mut found = self.outcome(&mut engines, &review, namespace_labels.as_deref())?;
        for resultant in expansion::expand(self.expansions, object) {
            let ns = namespaces.get(review.namespace.as_str()).copied();
            let generated = Review::of_object(&resultant.object, ns, true);
            let implied = self.outcome(&mut engines, &generated, namespace_labels.as_deref())?;
            found.extend(implied.into_iter().map(|v| Violation {
                msg: format!("[Implied by {}] {}", resultant.template, v.msg),
                details: v.details,
            }));
        }
        Ok(found)
    }

    fn outcome(
        &self,
        engines: &mut [regorus::Engine],
        review: &Review,
        namespace_labels: Option<&[(String, String)]>,
    ) -> Result<Vec<Violation>, String> {
        // Enforced only by the admission webhook: gator reviews nothing.
        if self.constraint.action.is_none() {
            return Ok(Vec::new());
        }
        match apply(
            engines,
            self.entry,
            self.constraint,
            review,
            namespace_labels,
            &mut Vec::new(),
        ) {
            Outcome::NotMatched => Ok(Vec::new()),
            Outcome::Violations(found) => Ok(found),
            Outcome::Undecided(namespace) => Err(format!(
                "namespace selector for namespace-scoped object but missing Namespace {namespace} (add it to the case's inventory)"
            )),
            Outcome::Failed(error) => Err(error),
        }
    }
}

/// One assertion: how many violations (whose message matches `message`)
/// there must be.
struct Assertion {
    violations: Expect,
    message: Option<regex::Regex>,
    pattern: Option<String>,
}

enum Expect {
    Some,
    None,
    Exactly(usize),
}

impl Assertion {
    fn parse(value: &Value) -> Result<Assertion, String> {
        let violations = match super::value::field(value, "violations") {
            None | Some(Value::Null) => Expect::Some,
            Some(Value::String(s)) if s.as_ref() == "yes" => Expect::Some,
            Some(Value::String(s)) if s.as_ref() == "no" => Expect::None,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(n) => Expect::Exactly(n as usize),
                None => {
                    return Err(
                        r#"violations must be a nonnegative integer, "yes", or "no""#.into(),
                    );
                }
            },
            Some(_) => {
                return Err(r#"violations must be a nonnegative integer, "yes", or "no""#.into());
            }
        };
        let pattern = match super::value::field(value, "message") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.to_string()),
            Some(_) => return Err("message must be a string (a regular expression)".into()),
        };
        let message = pattern
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .map_err(|e| format!("message is not a valid regular expression: {e}"))?;
        Ok(Assertion {
            violations,
            message,
            pattern,
        })
    }

    fn check(&self, messages: &[&str]) -> Result<(), String> {
        let matching = messages
            .iter()
            .filter(|m| self.message.as_ref().is_none_or(|r| r.is_match(m)))
            .count();
        let containing = self
            .pattern
            .as_ref()
            .map(|p| format!(" containing {p:?}"))
            .unwrap_or_default();
        let want = match self.violations {
            Expect::Some if matching == 0 => "at least 1".to_string(),
            Expect::None if matching > 0 => "none".to_string(),
            Expect::Exactly(n) if n != matching => format!("exactly {n}"),
            _ => return Ok(()),
        };
        Err(format!(
            "got {matching} violations{containing} but want {want}: got messages {messages:?}"
        ))
    }
}

/// `path` relative to the suite's directory; gator rejects absolute paths.
fn relative(dir: &Path, path: &str) -> Result<PathBuf, String> {
    if Path::new(path).is_absolute() {
        return Err(format!(
            "{path}: paths in a suite are relative to the suite file"
        ));
    }
    Ok(dir.join(path))
}

/// The objects of a file named by a suite, read as gator reads them: with
/// yaml.v3, so YAML 1.2 (`yes` is a string), one object per document.
fn read_objects(path: &Path) -> Result<Vec<Object>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let (docs, errors) = parse_stream_as(&text, Dialect::Core);
    if let Some(error) = errors.first() {
        return Err(format!(
            "{}:{}:{}: {}",
            path.display(),
            error.pos.line,
            error.pos.column,
            error.message
        ));
    }
    docs.into_iter()
        .map(|doc| {
            let id = object_ref(&doc.value).map_err(|reason| {
                format!(
                    "{}:{}:{}: {reason}",
                    path.display(),
                    doc.start.line,
                    doc.start.column
                )
            })?;
            Ok(Object {
                id,
                value: doc.value,
                spans: doc.spans,
                origin: Origin::File(Arc::from(path.to_string_lossy().as_ref())),
            })
        })
        .collect()
}

fn load_template(path: &Path) -> Loaded {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let docs = read_objects(path)?;
    let doc = docs
        .iter()
        .find(|d| template::is_template(&d.id.api_version, &d.id.kind))
        .ok_or_else(|| format!("{}: holds no ConstraintTemplate", path.display()))?;
    let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
    let template = Template::parse(Node::new(&name, &doc.value, &doc.spans), &text)
        .map_err(|p| p.to_string())?;
    let mut data = BTreeMap::new();
    data.insert(
        Value::from("inventory"),
        crate::policy::inventory_value(&[]),
    );
    let compiled = engine::compile(std::slice::from_ref(&template), &Value::from(data));
    Ok(Arc::new((template, compiled)))
}

/// The test's constraint; `Err(Ok(_))` is a constraint that does not
/// instantiate (what `invalid: true` expects), `Err(Err(_))` a file that
/// cannot be used at all.
fn load_constraint(path: &Path, template: &Template) -> Result<Constraint, Result<String, String>> {
    let docs = read_objects(path).map_err(Err)?;
    let doc = docs
        .first()
        .ok_or_else(|| Err(format!("{}: defines no constraint", path.display())))?;
    if doc.id.kind != template.kind || !super::constraint::is_constraint(&doc.id.api_version) {
        return Err(Err(format!(
            "{}: {} {} is not a constraint of the template's kind {}",
            path.display(),
            doc.id.api_version,
            doc.id.kind,
            template.kind
        )));
    }
    let schema = match &template.schema {
        Some(schema) => Some(
            super::schema::ParameterSchema::compile(schema).map_err(|e| {
                Err(format!(
                    "ConstraintTemplate {}: openAPIV3Schema: {e}",
                    template.name
                ))
            })?,
        ),
        None => None,
    };
    let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
    Constraint::parse(Node::new(&name, &doc.value, &doc.spans), schema.as_ref())
        .map_err(|p| Ok(p.to_string()))
}

fn load_expansions(path: &Path) -> Result<Vec<ExpansionTemplate>, String> {
    let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
    let docs = read_objects(path)?;
    let expansions: Vec<ExpansionTemplate> = docs
        .iter()
        .filter(|d| expansion::is_expansion(&d.id.api_version, &d.id.kind))
        .map(|d| {
            ExpansionTemplate::parse(Node::new(&name, &d.value, &d.spans))
                .map_err(|p| p.to_string())
        })
        .collect::<Result<_, _>>()?;
    if expansions.is_empty() {
        return Err(format!("{}: holds no ExpansionTemplate", path.display()));
    }
    Ok(expansions)
}
