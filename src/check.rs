//! `guard check`: load, evaluate, apply waivers, and report.

use crate::config::{Config, ConfigError};
use crate::finding::{Finding, Fix, InputError, ObjectRef, Severity, sort_findings};
use crate::policy::conftest::UserPolicies;
use crate::policy::gatekeeper::Gatekeeper;
use crate::policy::registry::builtin;
use crate::policy::{PolicyError, PolicySet, Rule};
use crate::source::{Input, InputIssue, Source};
use crate::suppress::Waivers;
use serde::Serialize;
use std::collections::HashSet;

/// The result of checking an input set.
#[derive(Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub summary: Summary,
    /// The inputs, for renderers that show source snippets.
    pub sources: Vec<Source>,
    /// The rules that ran, for renderers that describe them (SARIF).
    pub rules: Vec<Rule>,
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

/// Why a check could not run at all.
#[derive(Debug)]
pub enum CheckError {
    Config(ConfigError),
    Policy(PolicyError),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Config(e) => e.fmt(f),
            CheckError::Policy(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CheckError {}

/// Checks `input` against `policies`, applying the config's excludes and waivers.
pub fn check(policies: &PolicySet, config: &Config, input: Input) -> Result<Report, CheckError> {
    check_with(policies, None, config, input)
}

/// [`check`], also running the user's own conftest policies, whose findings
/// keep the severity their rule kind gives (deny/violation error, warn
/// warning) and whose `exception` exemptions count as suppressed.
pub fn check_with(
    policies: &PolicySet,
    user: Option<&UserPolicies>,
    config: &Config,
    input: Input,
) -> Result<Report, CheckError> {
    check_all(policies, user, None, config, input)
}

/// [`check_with`], also running the user's Gatekeeper constraints, whose
/// findings keep the severity their enforcement action gives. Files that
/// hold Gatekeeper objects are policy, not manifests: their documents are
/// not checked when the manifest paths include them.
pub fn check_all(
    policies: &PolicySet,
    user: Option<&UserPolicies>,
    gatekeeper: Option<&Gatekeeper>,
    config: &Config,
    mut input: Input,
) -> Result<Report, CheckError> {
    config
        .apply_excludes(&mut input)
        .map_err(CheckError::Config)?;
    if let Some(gatekeeper) = gatekeeper {
        let policy: Vec<bool> = input
            .sources
            .iter()
            .map(|s| gatekeeper.is_policy_file(&s.name))
            .collect();
        input.documents.retain(|d| !policy[d.source]);
    }
    // With every bundled rule off (--no-bundled) there is nothing to
    // evaluate, and the inventory views the rules share need not be built.
    let mut evaluation = if policies.rules().is_empty() {
        crate::policy::Evaluation::default()
    } else {
        policies
            .evaluator(&input.documents)
            .map_err(CheckError::Policy)?
            .evaluate(&input)
    };
    let user_evaluation = user.map(|user| user.evaluate(&input)).unwrap_or_default();
    let gatekeeper_evaluation = gatekeeper.map(|g| g.evaluate(&input)).unwrap_or_default();
    let user_rules: HashSet<String> = user
        .into_iter()
        .flat_map(UserPolicies::rule_ids)
        .map(str::to_string)
        .chain(gatekeeper.into_iter().flat_map(Gatekeeper::rule_ids))
        .collect();
    evaluation.errors.extend(user_evaluation.errors);
    evaluation.errors.extend(gatekeeper_evaluation.errors);
    let mut findings = evaluation.findings;
    findings.extend(user_evaluation.findings);
    findings.extend(gatekeeper_evaluation.findings);
    findings.extend(issue_findings(policies, &input.issues));
    let waivers =
        Waivers::collect(config, &input.sources, &input.documents).map_err(|message| {
            CheckError::Config(ConfigError {
                file: config.file.clone().unwrap_or_default(),
                pos: None,
                message,
            })
        })?;
    let outcome = waivers.apply(findings, |id| {
        policies.rule(id).is_some() || user_rules.contains(id)
    });
    let mut findings: Vec<Finding> = outcome
        .findings
        .into_iter()
        .filter_map(|mut finding| {
            if user_rules.contains(finding.rule.as_str()) {
                return Some(finding);
            }
            let rule = policies.rule(&finding.rule)?;
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
    let mut errors = input.errors;
    errors.extend(evaluation.errors);
    errors.sort_by(|a, b| {
        a.location
            .cmp(&b.location)
            .then_with(|| a.message.cmp(&b.message))
    });
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let summary = Summary {
        files: input.sources.len(),
        documents: input.documents.len(),
        findings: findings.len(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        suppressed: outcome.suppressed + user_evaluation.exceptions,
        input_errors: errors.len(),
    };
    // Freeing thousands of parsed objects and their position trees takes
    // milliseconds that the caller need not wait for.
    let documents = std::mem::take(&mut input.documents);
    rayon::spawn(move || drop(documents));
    Ok(Report {
        findings,
        errors,
        summary,
        sources: input.sources,
        rules: policies.rules().to_vec(),
    })
}

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
        Some(Finding {
            rule: rule.id.clone(),
            severity: rule.severity,
            message,
            object,
            location,
            spec_location: None,
            fix: None,
            metadata: None,
        })
    })
}
