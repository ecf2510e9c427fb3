//! Waivers: findings a team has decided to accept, each with its reason.
//!
//! Two sources: the `guard.dev/ignore` annotation on an object, and `ignore:`
//! entries in the config file. A waiver that suppresses nothing is itself a
//! finding (GRD003), and so is one without a reason (GRD004), so that waivers
//! cannot silently rot.

use crate::config::{Config, IgnoreEntry, build_globs, relative_to};
use crate::core::{Diagnostic, Finding, Location, Object, ObjectRef, Origin, PathSeg};
use crate::policy::registry::builtin;
use regorus::Value;
use std::path::PathBuf;

/// The annotation that waives rules for one object.
pub const ANNOTATION: &str = "guard.dev/ignore";

#[derive(Clone)]
enum Scope {
    /// The annotation of one object waives its own findings: the object is
    /// known by its identity and where it came from, so two files that
    /// define the same object (overlays) keep their own waivers.
    Object { object: ObjectRef, origin: Origin },
    Config {
        paths: Option<globset::GlobSet>,
        kinds: Vec<String>,
        namespaces: Vec<String>,
        names: Vec<String>,
        root: PathBuf,
    },
}

#[derive(Clone)]
struct Waiver {
    rules: Vec<String>,
    reason: Option<String>,
    scope: Scope,
    location: Option<Location>,
    object: ObjectRef,
    used: usize,
}

impl Waiver {
    fn matches(&self, finding: &Finding) -> bool {
        if !self.rules.iter().any(|r| r == "*" || *r == finding.rule) {
            return false;
        }
        match &self.scope {
            Scope::Object { object, origin } => {
                finding.object == *object
                    && match origin {
                        Origin::File(file) => {
                            finding.location.as_ref().is_none_or(|l| l.file == *file)
                        }
                        _ => true,
                    }
            }
            Scope::Config {
                paths,
                kinds,
                namespaces,
                names,
                root,
            } => {
                let listed = |list: &[String], value: Option<&str>| {
                    list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
                };
                // A waiver for paths waives findings in those files only: an
                // object from a cluster or a request is in no file.
                let in_paths = match (paths, &finding.location) {
                    (None, _) => true,
                    (Some(set), Some(location)) => set.is_match(relative_to(root, &location.file)),
                    (Some(_), None) => false,
                };
                in_paths
                    && listed(kinds, Some(&finding.object.kind))
                    && listed(namespaces, finding.object.namespace.as_deref())
                    && listed(names, finding.object.name.as_deref())
            }
        }
    }
}

/// The config file's `ignore:` entries, built once per run.
#[derive(Clone, Default)]
pub struct ConfigWaivers(Vec<Waiver>);

impl ConfigWaivers {
    pub fn new(config: &Config) -> Result<ConfigWaivers, Diagnostic> {
        let mut waivers = Vec::new();
        for entry in &config.ignore {
            waivers.push(config_waiver(config, entry).map_err(|message| {
                crate::config::config_error(
                    config
                        .file
                        .as_deref()
                        .unwrap_or(std::path::Path::new(".guard.yaml")),
                    Some(crate::core::Pos::new(
                        entry.location.line,
                        entry.location.column,
                    )),
                    message,
                )
            })?);
        }
        Ok(ConfigWaivers(waivers))
    }
}

/// The waivers of one check: the config's and those of the objects checked.
pub struct Waivers {
    waivers: Vec<Waiver>,
}

/// What applying waivers left.
pub struct Applied {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

impl Waivers {
    /// The waivers of `objects`' annotations and of the config file.
    pub fn collect<'a>(
        config: &ConfigWaivers,
        objects: impl IntoIterator<Item = &'a Object>,
    ) -> Waivers {
        let mut waivers = Vec::new();
        for doc in objects {
            let Some(text) = annotation(&doc.value) else {
                continue;
            };
            let path = [
                PathSeg::Key("metadata".into()),
                PathSeg::Key("annotations".into()),
                PathSeg::Key(ANNOTATION.into()),
            ];
            let location = doc.locate(&path);
            for entry in text
                .split(['\n', ';'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                let (ids, reason) = match entry.split_once(':') {
                    Some((ids, reason)) => (ids, Some(reason.trim()).filter(|r| !r.is_empty())),
                    None => (entry, None),
                };
                let rules: Vec<String> = ids
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(|id| {
                        if id.eq_ignore_ascii_case("all") {
                            "*".to_string()
                        } else {
                            id.to_string()
                        }
                    })
                    .collect();
                waivers.push(Waiver {
                    rules,
                    reason: reason.map(str::to_string),
                    scope: Scope::Object {
                        object: doc.id.clone(),
                        origin: doc.origin.clone(),
                    },
                    location: location.clone(),
                    object: doc.id.clone(),
                    used: 0,
                });
            }
        }
        waivers.extend(config.0.iter().cloned());
        Waivers { waivers }
    }

    /// Removes waived findings, then adds the findings about the waivers. A
    /// waiver only of rules that did not run (another profile, turned off) is
    /// not reported as unused: it may well match when they run. With
    /// `whole_run` false (one admission request), a config waiver that
    /// matched nothing is not reported: it is about other objects.
    pub fn apply(
        mut self,
        findings: Vec<Finding>,
        rule_ran: impl Fn(&str) -> bool,
        whole_run: bool,
    ) -> Applied {
        let mut kept = Vec::with_capacity(findings.len());
        let mut suppressed = 0;
        for finding in findings {
            let mut waived = false;
            for waiver in &mut self.waivers {
                if waiver.matches(&finding) {
                    waiver.used += 1;
                    waived = true;
                }
            }
            if waived {
                suppressed += 1;
            } else {
                kept.push(finding);
            }
        }
        for waiver in &self.waivers {
            let rules = waiver.rules.join(", ");
            let any_ran = waiver.rules.iter().any(|r| r == "*" || rule_ran(r));
            let reportable = whole_run || matches!(waiver.scope, Scope::Object { .. });
            if waiver.used == 0 && any_ran && reportable {
                kept.push(waiver_finding(
                    waiver,
                    builtin::UNUSED_SUPPRESSION,
                    format!("suppression of {rules} matches no finding"),
                ));
            }
            if waiver.reason.is_none() {
                kept.push(waiver_finding(
                    waiver,
                    builtin::SUPPRESSION_WITHOUT_REASON,
                    format!("suppression of {rules} gives no reason"),
                ));
            }
        }
        Applied {
            findings: kept,
            suppressed,
        }
    }
}

fn waiver_finding(waiver: &Waiver, rule: &str, message: String) -> Finding {
    let mut finding = Finding::new(
        rule,
        crate::core::Severity::Warning,
        message,
        waiver.object.clone(),
    );
    finding.location = waiver.location.clone();
    finding.path = waiver
        .location
        .as_ref()
        .map(|l| l.path.clone())
        .unwrap_or_default();
    finding
}

fn config_waiver(config: &Config, entry: &IgnoreEntry) -> Result<Waiver, String> {
    let paths = if entry.paths.is_empty() {
        None
    } else {
        Some(build_globs(&entry.paths)?)
    };
    Ok(Waiver {
        rules: entry.rules.clone(),
        reason: Some(entry.reason.clone()),
        scope: Scope::Config {
            paths,
            kinds: entry.kinds.clone(),
            namespaces: entry.namespaces.clone(),
            names: entry.names.clone(),
            root: config.root.clone(),
        },
        location: Some(entry.location.clone()),
        object: ObjectRef::default(),
        used: 0,
    })
}

fn annotation(value: &Value) -> Option<&str> {
    let Value::Object(root) = value else {
        return None;
    };
    let Some(Value::Object(metadata)) = root.get(&Value::from("metadata")) else {
        return None;
    };
    let Some(Value::Object(annotations)) = metadata.get(&Value::from("annotations")) else {
        return None;
    };
    match annotations.get(&Value::from(ANNOTATION)) {
        Some(Value::String(text)) => Some(text),
        _ => None,
    }
}
