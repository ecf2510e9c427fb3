//! Findings: what a check says about an object, independent of how it is rendered.
//!
//! A [`Finding`] carries everything a renderer, the webhook or an agent needs:
//! the rule, the object, the exact source position of the offending field and,
//! where the fix is a concrete value, a JSON Patch that applies it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based position in a source file, with the JSON path of the field it names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file as it was named on the command line (`-` for stdin).
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    /// Dotted path of the field inside the object, e.g.
    /// `spec.template.spec.containers[0].securityContext.privileged`. Empty for
    /// positions that are not inside an object (a parse error).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
}

/// Identifies the Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.kind.is_empty() {
            "object"
        } else {
            &self.kind
        };
        match (&self.namespace, &self.name) {
            (Some(ns), Some(name)) => write!(f, "{kind} {ns}/{name}"),
            (None, Some(name)) => write!(f, "{kind} {name}"),
            _ => write!(f, "{kind} (unnamed)"),
        }
    }
}

/// One JSON Patch (RFC 6902) operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOp {
    pub op: PatchVerb,
    /// JSON Pointer (RFC 6901) into the object.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchVerb {
    Add,
    Replace,
    Remove,
}

/// How to fix a finding: always a sentence, and a patch when the fix is a concrete value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    /// JSON Patch that applies the fix to the object, in order. Parents that do
    /// not exist yet are created by the patch itself, so it applies as it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patch: Vec<PatchOp>,
}

/// A rule's verdict on one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// The object the finding is about: always named, wherever it came from.
    pub object: ObjectRef,
    /// The offending field inside the object, as kubectl explains fields
    /// (`spec.template.spec.containers[0].image`); empty when the finding is
    /// about the object as a whole.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// Where in a file the offending field is written. Objects read from a
    /// cluster or an admission request have no file, so no location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Where a Blueprint states the requirement this finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// What a user policy returned beside its message: the other fields of a
    /// conftest result object, or a Gatekeeper violation's `details`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// What a live cluster shows about the problem: owners, the objects that
    /// show it, their events and log lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

impl Finding {
    /// A finding of `rule` about `object`, with nothing else known yet.
    pub fn new(rule: &str, severity: Severity, message: String, object: ObjectRef) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            message,
            object,
            path: String::new(),
            location: None,
            spec_location: None,
            fix: None,
            metadata: None,
            evidence: None,
        }
    }

    /// The order findings are reported in: findings in files by position,
    /// then findings without a file by object; then rule and message.
    pub fn sort_key(&self) -> (Option<(&str, u32, u32)>, &ObjectRef, &str, &str) {
        (
            self.location
                .as_ref()
                .map(|l| (l.file.as_ref(), l.line, l.column)),
            &self.object,
            &self.rule,
            &self.message,
        )
    }
}

/// What a cluster shows about a finding, so it can be fixed without first
/// running `kubectl describe` and `kubectl logs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The object's owners, nearest first, up to its top owner (a Pod's
    /// ReplicaSet, then that ReplicaSet's Deployment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<ObjectRef>,
    /// Objects that show the problem (a Deployment's crash-looping pods),
    /// each with its state in a few words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Events about the object or the related ones, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// The last lines a container wrote, with secret-looking values redacted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<LogExcerpt>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
            && self.related.is_empty()
            && self.events.is_empty()
            && self.logs.is_empty()
    }
}

/// An object that shows a problem, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Related {
    pub object: ObjectRef,
    pub state: String,
}

/// A Kubernetes Event, as `kubectl describe` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The object the event is about.
    pub object: ObjectRef,
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
    pub message: String,
    pub count: u32,
    /// RFC 3339, as the API gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// The last lines of one container's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogExcerpt {
    pub pod: ObjectRef,
    pub container: String,
    /// Whether these are the lines of the instance before the last restart
    /// (`kubectl logs --previous`), which is where a crash is explained.
    pub previous: bool,
    pub lines: Vec<String>,
    /// Whether earlier lines were left out.
    pub truncated: bool,
}

/// Sorts findings into the documented, deterministic report order.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
