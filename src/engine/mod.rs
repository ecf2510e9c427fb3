//! The one engine every front end stands on.
//!
//! [`Guard::new`] compiles everything a run needs once: the bundled rules
//! the settings select, the user's conftest policies and Gatekeeper objects,
//! the Blueprint's facts and the config's waivers. [`Guard::evaluation`]
//! binds that to an inventory (the input set, or a cluster's objects: what
//! cross-object rules and referential Gatekeeper templates consult), and the
//! evaluation checks any objects against it: a whole input set
//! ([`Evaluation::check_input`]), any subset ([`Evaluation::check`]) or the
//! object of one admission request ([`Evaluation::check_request`]). Every
//! path applies the same waivers and severities and yields the same
//! [`Outcome`].
//!
//! A `Guard` is cheap to clone and to share between threads: the compiled
//! policies sit behind `Arc`s and each evaluation clones only engines.

mod filter;
mod settings;
mod waivers;

pub use filter::{InputFilter, Skip};
pub use settings::{
    BlueprintInput, ConfigChoice, InputParser, Options, PolicyOptions, Settings,
    parse_kubernetes_version, relative_to_base,
};
pub use waivers::ANNOTATION as WAIVER_ANNOTATION;

use crate::core::{
    Code, Diagnostic, Finding, Fix, Object, ObjectRef, Pos, Severity, sort_findings,
};
use crate::policy::conftest::{UserPolicies, rego_files};
use crate::policy::gatekeeper::{self, Gatekeeper};
use crate::policy::registry::builtin;
use crate::policy::{Evaluator, PolicySet, Rule};
use crate::source::{Input, InputIssue, Source, at};
use regorus::Value;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use waivers::{ConfigWaivers, Waivers};

/// Compiled policies and resolved settings: build once, evaluate many times.
#[derive(Clone)]
pub struct Guard {
    settings: Arc<Settings>,
    bundled: Arc<PolicySet>,
    conftest: Option<Arc<UserPolicies>>,
    gatekeeper: Option<Arc<Gatekeeper>>,
    /// The ids of the user policies' rules, whose findings keep the severity
    /// their policy gives.
    user_rules: Arc<HashSet<String>>,
    filter: Arc<InputFilter>,
    config_waivers: Arc<ConfigWaivers>,
}

impl Guard {
    /// Compiles the bundled rules and loads the user policies `settings` name.
    pub fn new(settings: Settings) -> Result<Guard, Diagnostic> {
        let user = UserPolicySet::load(&settings)?;
        let bundled = PolicySet::bundled(&settings.selection)?;
        Guard::assemble(settings, user, bundled)
    }

    /// [`Guard::new`], reading the manifests below `paths` while the bundled
    /// rules compile (compiling is single-threaded; reading fills the rest
    /// of the pool). Files the settings exclude or ignore, and files of
    /// Gatekeeper policy, are not read.
    pub fn with_input(settings: Settings, paths: &[PathBuf]) -> Result<(Guard, Input), Diagnostic> {
        let user = UserPolicySet::load(&settings)?;
        let filter = user.filter(&settings);
        let (bundled, input) = rayon::join(
            || PolicySet::bundled(&settings.selection),
            || read_input(&filter, settings.parser, paths),
        );
        let guard = Guard::assemble(settings, user, bundled?)?;
        Ok((guard, input))
    }

    fn assemble(
        settings: Settings,
        user: UserPolicySet,
        bundled: PolicySet,
    ) -> Result<Guard, Diagnostic> {
        let config_waivers = ConfigWaivers::new(&settings.config)?;
        let filter = user.filter(&settings);
        let user_rules: HashSet<String> = user
            .conftest
            .iter()
            .flat_map(|c| c.rule_ids().map(str::to_string).collect::<Vec<_>>())
            .chain(user.gatekeeper.iter().flat_map(|g| g.rule_ids()))
            .collect();
        Ok(Guard {
            settings: Arc::new(settings),
            bundled: Arc::new(bundled),
            conftest: user.conftest.map(Arc::new),
            gatekeeper: user.gatekeeper.map(Arc::new),
            user_rules: Arc::new(user_rules),
            filter: Arc::new(filter),
            config_waivers: Arc::new(config_waivers),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The bundled rules that run, sorted by id.
    pub fn rules(&self) -> &Arc<[Rule]> {
        self.bundled.rules()
    }

    /// Why `path` would not be read, if it would not.
    pub fn skip(&self, path: &Path) -> Option<Skip> {
        self.filter.skip(path)
    }

    /// Reads the manifests below `paths`, leaving out what the settings skip.
    pub fn read(&self, paths: &[PathBuf]) -> Input {
        read_input(&self.filter, self.settings.parser, paths)
    }

    /// Binds the policies to `inventory`: the objects cross-object rules and
    /// referential templates see. Build a new evaluation when the inventory
    /// changes; the compiled policies are shared, not rebuilt.
    pub fn evaluation(&self, inventory: &[Object]) -> Result<Evaluation, Diagnostic> {
        // With every bundled rule off (--no-bundled) there is nothing to
        // evaluate, and the inventory views the rules share need not be built.
        let bundled = if self.bundled.rules().is_empty() {
            None
        } else {
            Some(self.bundled.evaluator(inventory)?)
        };
        let gatekeeper = self.gatekeeper.as_ref().map(|g| g.prepare(inventory));
        Ok(Evaluation {
            guard: self.clone(),
            bundled,
            gatekeeper,
        })
    }

    /// Checks a whole input set against itself as the inventory, and reports
    /// it: what `guard check` does.
    pub fn check_input(&self, input: Input) -> Result<Report, Diagnostic> {
        let evaluation = self.evaluation(&input.objects)?;
        let outcome = evaluation.check_input(&input);
        Ok(self.report(outcome, input))
    }

    /// A report of `outcome` over `input`, with the Blueprint among its sources.
    pub fn report(&self, outcome: Outcome, mut input: Input) -> Report {
        if let Some(blueprint) = &self.settings.blueprint {
            input.sources.push(blueprint.source());
        }
        let count = |severity| {
            outcome
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .count()
        };
        let summary = Summary {
            files: input.sources.len(),
            documents: input.objects.len(),
            findings: outcome.findings.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed: outcome.suppressed,
            input_errors: outcome.diagnostics.len(),
        };
        crate::process::drop_later(std::mem::take(&mut input.objects));
        Report {
            findings: outcome.findings,
            errors: outcome.diagnostics,
            summary,
            sources: input.sources,
            rules: Arc::clone(self.bundled.rules()),
            fail_on: self.settings.fail_on,
        }
    }

    /// Applies the waivers of `objects`' annotations and of the config to
    /// findings that did not come from the policies (the analyzers of a
    /// live cluster): returns what is kept, with a finding for each object
    /// waiver of a rule in `ran` that matched nothing, and how many were
    /// waived.
    pub fn waive<'a>(
        &self,
        findings: Vec<Finding>,
        objects: impl IntoIterator<Item = &'a Object>,
        ran: impl Fn(&str) -> bool,
    ) -> (Vec<Finding>, usize) {
        let applied = Waivers::collect(&self.config_waivers, objects).apply(findings, ran, false);
        (applied.findings, applied.suppressed)
    }

    /// Applies waivers, severities and default fixes, and sorts: the last
    /// step of every check.
    fn finish(&self, raw: Raw, waived_by: &[&Object], whole_run: bool) -> Outcome {
        let Raw {
            findings,
            mut diagnostics,
            exceptions,
        } = raw;
        let waivers = Waivers::collect(&self.config_waivers, waived_by.iter().copied());
        let applied = waivers.apply(
            findings,
            |id| self.bundled.rule(id).is_some() || self.user_rules.contains(id),
            whole_run,
        );
        let mut findings: Vec<Finding> = applied
            .findings
            .into_iter()
            .filter_map(|mut finding| {
                if self.user_rules.contains(finding.rule.as_str()) {
                    return Some(finding);
                }
                let rule = self.bundled.rule(&finding.rule)?;
                finding.severity = rule.severity;
                if finding.fix.is_none() {
                    finding.fix = Some(Fix {
                        description: rule.fix.clone(),
                        patch: Vec::new(),
                    });
                }
                Some(finding)
            })
            .collect();
        sort_findings(&mut findings);
        Diagnostic::sort(&mut diagnostics);
        Outcome {
            findings,
            diagnostics,
            suppressed: applied.suppressed + exceptions,
        }
    }
}

/// The user's conftest policies and Gatekeeper objects, as the settings name them.
struct UserPolicySet {
    conftest: Option<UserPolicies>,
    gatekeeper: Option<Gatekeeper>,
}

impl UserPolicySet {
    fn load(settings: &Settings) -> Result<UserPolicySet, Diagnostic> {
        let Some(options) = &settings.policies else {
            return Ok(UserPolicySet {
                conftest: None,
                gatekeeper: None,
            });
        };
        let gatekeeper = Gatekeeper::load(&options.policy)?;
        // Directories of Gatekeeper objects alone need no Rego files.
        let conftest = if gatekeeper.is_none() || !rego_files(&options.policy, false)?.is_empty() {
            Some(UserPolicies::load(options)?)
        } else {
            None
        };
        Ok(UserPolicySet {
            conftest,
            gatekeeper,
        })
    }

    fn filter(&self, settings: &Settings) -> InputFilter {
        match &self.gatekeeper {
            Some(gatekeeper) => settings
                .filter
                .clone()
                .with_policy_files(gatekeeper.policy_files()),
            None => settings.filter.clone(),
        }
    }
}

/// The policies bound to an inventory, ready to check objects.
pub struct Evaluation {
    guard: Guard,
    bundled: Option<Evaluator>,
    gatekeeper: Option<gatekeeper::Prepared>,
}

/// What checking some objects found, after waivers.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted into report order, with each bundled rule's severity and fix.
    pub findings: Vec<Finding>,
    /// What could not be checked, and why.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings waived by annotations or the config, and results exempted
    /// by conftest `exception` rules.
    pub suppressed: usize,
}

/// Findings and diagnostics before waivers.
#[derive(Default)]
struct Raw {
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    exceptions: usize,
}

impl Raw {
    fn add(&mut self, evaluation: crate::policy::Evaluation) {
        self.findings.extend(evaluation.findings);
        self.diagnostics.extend(evaluation.errors);
    }

    fn add_user(&mut self, evaluation: crate::policy::conftest::Evaluation) {
        self.findings.extend(evaluation.findings);
        self.diagnostics.extend(evaluation.errors);
        self.exceptions += evaluation.exceptions;
    }
}

impl Evaluation {
    /// Checks a whole input set: every object, the Blueprint's own rules,
    /// conftest's per-file reading, what the loader found wrong with the
    /// input, and config waivers that matched nothing.
    pub fn check_input(&self, input: &Input) -> Outcome {
        let objects: Vec<&Object> = input.objects.iter().collect();
        let mut raw = Raw::default();
        if let Some(bundled) = &self.bundled {
            raw.add(bundled.evaluate(&objects));
            raw.add(bundled.evaluate_blueprint());
        }
        if let Some(conftest) = &self.guard.conftest {
            raw.add_user(conftest.evaluate(input));
        }
        self.add_gatekeeper(&mut raw, |prepared| prepared.evaluate(&objects));
        raw.findings
            .extend(issue_findings(&self.guard.bundled, &input.issues));
        raw.diagnostics.extend(input.errors.iter().cloned());
        self.guard.finish(raw, &objects, true)
    }

    /// Checks `objects` (any subset of an inventory, or objects beside it).
    /// Config waivers that match nothing here are not reported: they may be
    /// about other objects.
    pub fn check(&self, objects: &[&Object]) -> Outcome {
        self.check_objects(objects, false)
    }

    /// Checks a complete set of objects that was not read from files (a
    /// cluster's): [`Evaluation::check`], and the Blueprint's own rules,
    /// which report the components the set lacks.
    pub fn check_set(&self, objects: &[&Object]) -> Outcome {
        self.check_objects(objects, true)
    }

    fn check_objects(&self, objects: &[&Object], whole_set: bool) -> Outcome {
        let mut raw = Raw::default();
        if let Some(bundled) = &self.bundled {
            raw.add(bundled.evaluate(objects));
            if whole_set {
                raw.add(bundled.evaluate_blueprint());
            }
        }
        if let Some(conftest) = &self.guard.conftest {
            raw.add_user(conftest.evaluate_objects(objects));
        }
        self.add_gatekeeper(&mut raw, |prepared| prepared.evaluate(objects));
        self.guard.finish(raw, objects, false)
    }

    /// Checks the object of one admission request on this thread; Gatekeeper
    /// constraints see the request as `input.review`.
    pub fn check_request(&self, object: &Object, request: &Value) -> Outcome {
        let mut raw = Raw::default();
        if let Some(bundled) = &self.bundled {
            raw.add(bundled.evaluate_object(object));
        }
        if let Some(conftest) = &self.guard.conftest {
            raw.add_user(conftest.evaluate_objects(&[object]));
        }
        self.add_gatekeeper(&mut raw, |prepared| {
            prepared.evaluate_request(object, request)
        });
        self.guard.finish(raw, &[object], false)
    }

    /// Checks a DELETE request: only Gatekeeper constraints, which see the
    /// operation in `input.review`, can tell a deletion from a creation; the
    /// bundled rules and conftest policies judge objects, not their removal.
    pub fn check_deletion(&self, old_object: &Object, request: &Value) -> Outcome {
        let mut raw = Raw::default();
        self.add_gatekeeper(&mut raw, |prepared| {
            prepared.evaluate_request(old_object, request)
        });
        self.guard.finish(raw, &[old_object], false)
    }

    fn add_gatekeeper(
        &self,
        raw: &mut Raw,
        evaluate: impl FnOnce(&gatekeeper::Prepared) -> crate::policy::Evaluation,
    ) {
        if let Some(prepared) = &self.gatekeeper {
            raw.diagnostics
                .extend(prepared.diagnostics().iter().cloned());
            raw.add(evaluate(prepared));
        }
    }
}

/// Reads the files below `paths` that `filter` keeps; with `--parser json`,
/// a file that is not one JSON value is an input error.
fn read_input(filter: &InputFilter, parser: Option<InputParser>, paths: &[PathBuf]) -> Input {
    let (mut files, errors) = crate::source::collect_files(paths);
    files.retain(|file| filter.skip(file).is_none());
    let mut input = Input::load_files(&files, |name, text| match parser {
        Some(InputParser::Json) => json_only(name, text),
        _ => Input::from_text(name, text),
    });
    input.errors.extend(errors);
    input
}

/// conftest's `--parser json`: the file is read only when it is JSON.
fn json_only(name: Arc<str>, text: &str) -> Input {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => Input::from_text(name, text),
        Err(e) => {
            let number = |n: usize| u32::try_from(n.max(1)).unwrap_or(u32::MAX);
            let pos = Pos::new(number(e.line()), number(e.column()));
            let mut input = Input::default();
            input.errors.push(
                Diagnostic::new(Code::InputSyntax, format!("not JSON (--parser json): {e}"))
                    .at(at(&name, pos, String::new()))
                    .help("give a JSON file, or drop --parser json"),
            );
            input
        }
    }
}

/// GRD001 and GRD002: what the loader found wrong with documents it still read.
fn issue_findings<'a>(
    policies: &'a PolicySet,
    issues: &'a [InputIssue],
) -> impl Iterator<Item = Finding> + 'a {
    issues.iter().filter_map(move |issue| {
        let (rule, message, object, location) = match issue {
            InputIssue::DuplicateKey {
                key,
                object,
                first,
                second,
            } => (
                builtin::DUPLICATE_KEY,
                format!(
                    "key {key:?} is repeated (first at line {}); kubectl rejects this document",
                    first.line
                ),
                object.clone(),
                second.clone(),
            ),
            InputIssue::NotAnObject { reason, location } => (
                builtin::NOT_AN_OBJECT,
                reason.clone(),
                ObjectRef::default(),
                location.clone(),
            ),
        };
        let rule = policies.rule(rule)?;
        let mut finding = Finding::new(&rule.id, rule.severity, message, object);
        finding.location = Some(location);
        Some(finding)
    })
}

/// The result of checking an input set, ready to render.
#[derive(Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// What could not be read, parsed or evaluated.
    pub errors: Vec<Diagnostic>,
    pub summary: Summary,
    /// The inputs, for renderers that show source snippets.
    pub sources: Vec<Source>,
    /// The bundled rules that ran, for renderers that describe them (SARIF).
    pub rules: Arc<[Rule]>,
    /// The lowest severity that fails the run.
    pub fail_on: Severity,
}

impl Report {
    /// The documented exit code (README, "Exit codes"): input errors first,
    /// then findings at or above the failing severity unless `no_fail`.
    pub fn exit_code(&self, no_fail: bool) -> u8 {
        if let Some(kind) = self.errors.iter().map(Diagnostic::kind).max() {
            kind.exit_code()
        } else if !no_fail && self.findings.iter().any(|f| f.severity >= self.fail_on) {
            1
        } else {
            0
        }
    }
}

/// Counts over a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings waived by annotations or the config file, and results
    /// exempted by the `exception` rules of conftest policies.
    pub suppressed: usize,
    /// Inputs that could not be read, parsed or evaluated.
    pub input_errors: usize,
}
