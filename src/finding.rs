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
    pub object: ObjectRef,
    pub location: Location,
    /// Where a Blueprint states the requirement this finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// What a user policy returned beside its message: the other fields of a
    /// conftest result object, or a Gatekeeper violation's `details`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

impl Finding {
    /// The order findings are reported in: by position, then rule, then message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.location.file,
            self.location.line,
            self.location.column,
            &self.rule,
            &self.message,
        )
    }
}

/// Input that could not be read or parsed. Unlike a finding, it means part of
/// the input was not checked at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub message: String,
    pub location: Location,
}

/// Sorts findings into the documented, deterministic report order.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
