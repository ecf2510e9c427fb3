//! `guard analyze`: what is wrong in a live cluster, with the evidence to
//! fix it.
//!
//! An [`Analyzer`] is one small unit, like a bundled rule: an id, a title,
//! a severity, why it matters and what to do, beside the code that finds
//! it; [`ANALYZERS`] registers them all, and `guard rules` and
//! `docs/rules.md` read the same list. Analyzers read a [`Snapshot`] (from
//! the API server or a directory) and never the network, so they are the
//! same offline and live.
//!
//! One root cause is one finding: a crash-looping Deployment is reported
//! once, at the Deployment, with its pods as evidence. The policy audit
//! runs the bundled and user policies on the cluster's top-level objects
//! through the same [`Guard`] as `guard check`.

mod audit;
mod drift;
mod evidence;
mod fields;
mod nodes;
mod pods;
mod storage;
mod traffic;
mod usage;
mod workloads;

use crate::blueprint::Blueprint;
use crate::cluster::{LogKey, Snapshot};
use crate::core::{Diagnostic, Finding, Fix, Object, ObjectRef, Severity, sort_findings};
use crate::engine::{Guard, Report, Summary};
use crate::policy::Rule;
use crate::policy::registry::Profile;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

pub use evidence::redact;

/// One analyzer: its metadata, and the function that finds its findings.
pub struct Analyzer {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// health, resource use or drift.
    pub category: &'static str,
    pub rationale: &'static str,
    pub fix: &'static str,
    /// The kinds its findings are about.
    pub kinds: &'static [&'static str],
    /// Reported only when no other finding is about the same object: a
    /// Deployment that is unavailable because its pods crash is reported
    /// as the crash, once.
    pub only_unexplained: bool,
    pub(crate) run: fn(&Context, &Analyzer) -> Vec<Finding>,
}

impl Analyzer {
    /// The analyzer as a rule of the registry (`guard rules`, SARIF).
    pub fn rule(&self) -> Rule {
        Rule {
            id: self.id.to_string(),
            title: self.title.to_string(),
            severity: self.severity,
            profile: Profile::Live,
            category: self.category.to_string(),
            rationale: self.rationale.to_string(),
            fix: self.fix.to_string(),
            kinds: self.kinds.iter().map(|k| k.to_string()).collect(),
            equivalents: BTreeMap::new(),
            package: None,
            file: None,
            example: None,
        }
    }
}

/// Every analyzer, in id order.
pub static ANALYZERS: &[&Analyzer] = &[
    &pods::CRASH_LOOP,
    &pods::IMAGE_PULL,
    &pods::OOM_KILLED,
    &pods::TERMINATED,
    &pods::UNSCHEDULABLE,
    &pods::PROBE_FAILING,
    &pods::RESTARTING,
    &pods::INIT_STUCK,
    &pods::CANNOT_START,
    &workloads::UNAVAILABLE,
    &workloads::ROLLOUT_STUCK,
    &workloads::CANNOT_CREATE_PODS,
    &workloads::JOB_FAILED,
    &workloads::CRONJOB_SUSPENDED,
    &workloads::CRONJOB_FAILING,
    &traffic::NO_READY_ENDPOINTS,
    &traffic::SELECTOR_MATCHES_NOTHING,
    &traffic::INGRESS_BACKEND,
    &traffic::ROUTE_BACKEND,
    &storage::PVC_PENDING,
    &storage::STORAGE_CLASS_MISSING,
    &storage::CONFIGMAP_REFERENCE,
    &storage::SECRET_REFERENCE,
    &nodes::NOT_READY,
    &nodes::PRESSURE,
    &nodes::HPA_CANNOT_SCALE,
    &usage::MEMORY_NEAR_LIMIT,
    &usage::CPU_AT_LIMIT,
    &usage::OVER_REQUESTED,
    &usage::METRICS_UNAVAILABLE,
    &drift::REPLICAS_BELOW_SPEC,
    &drift::IMAGE_DIFFERS,
];

/// The analyzers as rules, for the registry's readers.
pub fn rules() -> Vec<Rule> {
    ANALYZERS.iter().map(|a| a.rule()).collect()
}

/// What an analysis covers.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only objects of this namespace (and cluster-scoped ones); `None`
    /// for every namespace the snapshot holds.
    pub namespace: Option<String>,
    /// Whether the policies audit the live objects too; without, only the
    /// analyzers run (health, resource use, drift).
    pub no_audit: bool,
}

/// What analyzers read: the snapshot, the Blueprint, the scope.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub blueprint: Option<&'a Blueprint>,
    pub scope: &'a Scope,
    /// Every pod's container problems, read once for all pod analyzers.
    pods: std::sync::OnceLock<Vec<pods::Problem<'a>>>,
}

impl<'a> Context<'a> {
    pub fn new(
        snapshot: &'a Snapshot,
        blueprint: Option<&'a Blueprint>,
        scope: &'a Scope,
    ) -> Context<'a> {
        Context {
            snapshot,
            blueprint,
            scope,
            pods: std::sync::OnceLock::new(),
        }
    }

    /// The objects of `kind` in scope.
    pub fn objects(&self, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        let namespace = self.scope.namespace.clone();
        self.snapshot
            .of_kind(kind)
            .filter(move |o| in_scope(namespace.as_deref(), o))
    }

    /// A finding of `analyzer` about `object`, with its owners and events.
    pub fn finding(&self, analyzer: &Analyzer, object: &Object, message: String) -> Finding {
        let mut finding = Finding::new(analyzer.id, analyzer.severity, message, object.id.clone());
        let mut evidence = crate::core::Evidence {
            owners: self
                .snapshot
                .owners(object)
                .iter()
                .map(|o| o.id.clone())
                .collect(),
            ..Default::default()
        };
        evidence.events = evidence::events(self.snapshot, &[object]);
        finding.evidence = Some(evidence);
        finding.fix = Some(Fix {
            description: analyzer.fix.to_string(),
            patch: Vec::new(),
        });
        finding
    }

    /// The object at the top of `object`'s owner chain (itself if it has no
    /// controller): where a root cause is reported.
    pub fn top_owner(&self, object: &'a Object) -> &'a Object {
        self.snapshot
            .owners(object)
            .last()
            .copied()
            .unwrap_or(object)
    }
}

fn in_scope(namespace: Option<&str>, object: &Object) -> bool {
    match (namespace, &object.id.namespace) {
        (Some(wanted), Some(ns)) => wanted == ns,
        _ => true,
    }
}

/// The logs analysis will want as evidence: the previous instance of every
/// restarted container, and the current one of a container that is waiting
/// to start again, one pod per top owner (its pods crash the same way).
/// Reading them before analysing keeps analyzers free of the network.
pub fn logs_wanted(snapshot: &Snapshot, scope: &Scope) -> Vec<LogKey> {
    pods::logs_wanted(&Context::new(snapshot, None, scope))
}

/// Analyses `snapshot`: every analyzer, then the policy audit through
/// `guard`, into one report in the same shape as `guard check`'s.
pub fn analyze(guard: &Guard, snapshot: &Snapshot, scope: &Scope) -> Report {
    let settings = guard.settings();
    let context = Context::new(snapshot, settings.blueprint.as_deref(), scope);
    // The config's `rules:` turn analyzers off and change their severity,
    // as they do the bundled rules'.
    let selection = &settings.selection;
    // The analyzers read status; the audit evaluates policies: apart, on
    // both cores.
    let (found, audit) = rayon::join(
        || run_analyzers(&context),
        || {
            if scope.no_audit {
                crate::engine::Outcome::default()
            } else {
                audit::audit(guard, &context)
            }
        },
    );
    let findings: Vec<Finding> = found
        .into_iter()
        .filter(|f| !selection.disabled.contains(&f.rule))
        .map(|mut f| {
            if let Some(severity) = selection.severity.get(&f.rule) {
                f.severity = *severity;
            }
            f
        })
        .collect();
    let known = |id: &str| ANALYZERS.iter().any(|a| a.id == id);
    let (mut findings, waived) = guard.waive(findings, snapshot.objects(), known);
    let mut errors: Vec<Diagnostic> = snapshot.diagnostics.clone();
    findings.extend(audit.findings);
    errors.extend(audit.diagnostics);
    sort_findings(&mut findings);
    Diagnostic::sort(&mut errors);
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let summary = Summary {
        files: 0,
        documents: snapshot.objects().len(),
        findings: findings.len(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        suppressed: audit.suppressed + waived,
        input_errors: errors.len(),
    };
    let mut rules: Vec<Rule> = guard.rules().to_vec();
    rules.extend(self::rules());
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let mut sources = Vec::new();
    if let Some(blueprint) = &settings.blueprint {
        sources.push(blueprint.source());
    }
    Report {
        findings,
        errors,
        summary,
        sources,
        rules: Arc::from(rules),
        fail_on: settings.fail_on,
    }
}

/// Runs every analyzer the settings keep, then drops the findings that
/// another finding about the same object already explains.
fn run_analyzers(context: &Context) -> Vec<Finding> {
    let mut explained: HashSet<ObjectRef> = HashSet::new();
    let mut findings = Vec::new();
    let mut deferred = Vec::new();
    for analyzer in ANALYZERS {
        let found = (analyzer.run)(context, analyzer);
        if analyzer.only_unexplained {
            deferred.extend(found);
        } else {
            explained.extend(found.iter().map(|f| f.object.clone()));
            findings.extend(found);
        }
    }
    findings.extend(
        deferred
            .into_iter()
            .filter(|f| !explained.contains(&f.object)),
    );
    findings
}
