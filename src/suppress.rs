//! Waivers: findings a team has decided to accept, each with its reason.
//!
//! Two sources: the `guard.dev/ignore` annotation on an object, and `ignore:`
//! entries in the config file. A waiver that suppresses nothing is itself a
//! finding (GRD003), and so is one without a reason (GRD004), so that waivers
//! cannot silently rot.

use crate::config::{Config, IgnoreEntry, build_globs, relative_to};
use crate::finding::{Finding, Location, ObjectRef};
use crate::policy::registry::builtin;
use crate::source::{Document, PathSeg, Source};
use regorus::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// The annotation that waives rules for one object.
pub const ANNOTATION: &str = "guard.dev/ignore";

enum Scope {
    Object {
        file: Arc<str>,
        object: ObjectRef,
    },
    Config {
        paths: Option<globset::GlobSet>,
        kinds: Vec<String>,
        namespaces: Vec<String>,
        names: Vec<String>,
        root: PathBuf,
    },
}

struct Waiver {
    rules: Vec<String>,
    reason: Option<String>,
    scope: Scope,
    location: Location,
    object: ObjectRef,
    used: usize,
}

impl Waiver {
    fn matches(&self, finding: &Finding) -> bool {
        if !self.rules.iter().any(|r| r == "*" || *r == finding.rule) {
            return false;
        }
        match &self.scope {
            Scope::Object { file, object } => {
                finding.location.file == *file && finding.object == *object
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
                paths
                    .as_ref()
                    .is_none_or(|set| set.is_match(relative_to(root, &finding.location.file)))
                    && listed(kinds, Some(&finding.object.kind))
                    && listed(namespaces, finding.object.namespace.as_deref())
                    && listed(names, finding.object.name.as_deref())
            }
        }
    }
}

/// The waivers of one run.
pub struct Waivers {
    waivers: Vec<Waiver>,
}

/// What applying waivers left.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

impl Waivers {
    pub fn collect(
        config: &Config,
        sources: &[Source],
        documents: &[Document],
    ) -> Result<Waivers, String> {
        let mut waivers = Vec::new();
        for doc in documents {
            let file = &sources[doc.source].name;
            let Some(text) = annotation(&doc.value) else {
                continue;
            };
            let path = [
                PathSeg::Key("metadata".into()),
                PathSeg::Key("annotations".into()),
                PathSeg::Key(ANNOTATION.into()),
            ];
            let location = doc.locate(file, &path);
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
                        file: file.clone(),
                        object: doc.object.clone(),
                    },
                    location: location.clone(),
                    object: doc.object.clone(),
                    used: 0,
                });
            }
        }
        for entry in &config.ignore {
            waivers.push(config_waiver(config, entry)?);
        }
        Ok(Waivers { waivers })
    }

    /// Removes waived findings, then adds the findings about the waivers. A
    /// waiver only of rules that did not run (another profile, turned off) is
    /// not reported as unused: it may well match when they run.
    pub fn apply(mut self, findings: Vec<Finding>, rule_ran: impl Fn(&str) -> bool) -> Outcome {
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
            if waiver.used == 0 && any_ran {
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
        Outcome {
            findings: kept,
            suppressed,
        }
    }
}

fn waiver_finding(waiver: &Waiver, rule: &str, message: String) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity: crate::finding::Severity::Warning,
        message,
        object: waiver.object.clone(),
        location: waiver.location.clone(),
        spec_location: None,
        fix: None,
        metadata: None,
    }
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
        location: entry.location.clone(),
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
