//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, every rule that
//! ran described in `tool.driver.rules`, one result per finding with a physical
//! location (file, line, column) and a logical one (the Kubernetes object).
//!
//! SARIF `fixes` describe byte replacements in the file; guard's fixes are JSON
//! Patches on the object, so the patch goes in the result's `properties.patch`.
//! Input that could not be checked is reported as error-level tool execution
//! notifications.

use crate::core::{Finding, Location, ObjectRef, Severity};
use crate::engine::Report;
use crate::policy::{Profile, Rule};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "guardFinding/v1";

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let index: HashMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.id.as_str(), i))
        .collect();
    let rules: Vec<Value> = report.rules.iter().map(rule_descriptor).collect();
    let results: Vec<Value> = report
        .findings
        .par_iter()
        .map(|finding| result(finding, index.get(finding.rule.as_str()).copied()))
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|error| {
            let mut notification = json!({
                "level": "error",
                "message": { "text": error.message },
            });
            if let Some(physical) = error.location.as_ref().and_then(physical_location) {
                notification["locations"] = json!([{ "physicalLocation": physical }]);
            }
            notification
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "guard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": information_uri(),
                    "rules": rules,
                }
            },
            "invocations": [{
                // guard ran to completion; input it could not check is in the
                // error-level notifications.
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": [],
        }],
    });
    super::pretty::write_with_items(out, &log, "results", &results)
}

fn information_uri() -> &'static str {
    match (env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")) {
        ("", "") => "https://guard.dev",
        ("", repository) => repository,
        (homepage, _) => homepage,
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    let mut tags = vec![rule.category.clone(), rule.profile.as_str().to_string()];
    if matches!(rule.profile, Profile::Baseline | Profile::Restricted) {
        tags.push("security".to_string());
    }
    tags.dedup();
    let mut markdown = format!("{}\n\n**Fix:** {}", rule.rationale.trim(), rule.fix.trim());
    if !rule.equivalents.is_empty() {
        markdown.push_str("\n\n**Equivalents:**");
        for (tool, check) in &rule.equivalents {
            let _ = write!(markdown, "\n- {tool}: {check}");
        }
    }
    json!({
        "id": rule.id,
        "name": pascal_case(&rule.title),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": unwrap(&rule.rationale) },
        "help": { "text": unwrap(&rule.fix), "markdown": markdown },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "category": rule.category,
            "profile": rule.profile.as_str(),
            "equivalents": rule.equivalents,
            "tags": tags,
        },
    })
}

/// Joins the hard-wrapped lines of each paragraph (rule docs are wrapped in
/// their `# METADATA` blocks), so plain-text viewers wrap them themselves.
/// Blank lines and list items keep their line breaks.
fn unwrap(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph_start = true;
    for line in text.trim().lines().map(str::trim) {
        if line.is_empty() {
            out.push_str("\n\n");
            paragraph_start = true;
            continue;
        }
        if !paragraph_start {
            let item = line.starts_with("- ") || line.starts_with("* ");
            out.push(if item { '\n' } else { ' ' });
        }
        out.push_str(line);
        paragraph_start = false;
    }
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// `Privileged container` → `PrivilegedContainer`: SARIF wants a rule name
/// that is an identifier, not a sentence.
fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>())
                .unwrap_or_default();
            first + chars.as_str()
        })
        .collect()
}

fn result(finding: &Finding, rule_index: Option<usize>) -> Value {
    let mut location = Map::new();
    if let Some(physical) = finding.location.as_ref().and_then(physical_location) {
        location.insert("physicalLocation".into(), physical);
    }
    if let Some(logical) = logical_location(&finding.object) {
        location.insert("logicalLocations".into(), json!([logical]));
    }
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(finding) },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    let mut properties = Map::new();
    if !finding.path.is_empty() {
        properties.insert("path".into(), json!(finding.path));
    }
    if let Some(spec) = &finding.spec_location {
        properties.insert("specLocation".into(), json!(spec));
    }
    if let Some(fix) = &finding.fix {
        properties.insert("fix".into(), json!(fix.description));
        if !fix.patch.is_empty() {
            properties.insert("patch".into(), json!(fix.patch));
        }
    }
    if !properties.is_empty() {
        result["properties"] = Value::Object(properties);
    }
    result
}

fn physical_location(location: &Location) -> Option<Value> {
    if location.file.is_empty() {
        return None;
    }
    let mut physical = json!({ "artifactLocation": { "uri": artifact_uri(&location.file) } });
    if location.line >= 1 {
        let mut region = json!({ "startLine": location.line });
        if location.column >= 1 {
            region["startColumn"] = json!(location.column);
        }
        physical["region"] = region;
    }
    Some(physical)
}

/// `Deployment/shop/web`, `ClusterRole/admin`.
fn logical_location(object: &ObjectRef) -> Option<Value> {
    if object.kind.is_empty() {
        return None;
    }
    let mut name = object.kind.clone();
    for part in [&object.namespace, &object.name].into_iter().flatten() {
        name.push('/');
        name.push_str(part);
    }
    Some(json!({
        "name": object.name.as_deref().unwrap_or(&object.kind),
        "fullyQualifiedName": name,
        "kind": "resource",
    }))
}

/// A URI reference for a file named as on the command line: relative paths
/// stay relative (with `/` separators), absolute ones become `file:` URIs,
/// stdin is `stdin`. Everything but unreserved characters and `/` is
/// percent-encoded, so spaces, `#`, `%` and a `:` that would read as a scheme
/// are safe.
pub(crate) fn artifact_uri(file: &str) -> String {
    if file == "-" {
        return "stdin".into();
    }
    let mut path = if cfg!(windows) {
        file.replace('\\', "/")
    } else {
        file.to_string()
    };
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/').to_string();
    }
    let drive =
        path.len() >= 2 && path.as_bytes()[0].is_ascii_alphabetic() && path.as_bytes()[1] == b':';
    if drive && cfg!(windows) {
        // `C:/x` → `file:///C:/x`; the drive colon stays literal.
        return format!("file:///{}:{}", &path[..1], percent_encode(&path[2..]));
    }
    if path.starts_with('/') {
        return format!("file://{}", percent_encode(&path));
    }
    percent_encode(&path)
}

fn percent_encode(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(byte as char);
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// Identifies a finding across runs even when lines move: the rule, the file,
/// the object and the field (or, for findings about no field, the position).
/// FNV-1a, so it is the same on every platform and Rust version.
fn fingerprint(finding: &Finding) -> String {
    let object = &finding.object;
    let mut key = format!(
        "{}\0{}\0{}\0{}\0{}\0{}\0{}",
        finding.rule,
        finding.location.as_ref().map_or("", |l| l.file.as_ref()),
        object.api_version,
        object.kind,
        object.namespace.as_deref().unwrap_or(""),
        object.name.as_deref().unwrap_or(""),
        finding.path,
    );
    if let Some(location) = finding
        .location
        .as_ref()
        .filter(|_| finding.path.is_empty())
    {
        let _ = write!(key, "\0{}:{}", location.line, location.column);
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references_with_unsafe_characters_encoded() {
        assert_eq!(artifact_uri("deploy/app.yaml"), "deploy/app.yaml");
        assert_eq!(artifact_uri("./deploy/app.yaml"), "deploy/app.yaml");
        assert_eq!(artifact_uri("my dir/a#1%.yaml"), "my%20dir/a%231%25.yaml");
        assert_eq!(artifact_uri("c:app.yaml"), "c%3Aapp.yaml");
        assert_eq!(artifact_uri("é.yaml"), "%C3%A9.yaml");
        assert_eq!(artifact_uri("-"), "stdin");
        if !cfg!(windows) {
            assert_eq!(
                artifact_uri("/srv/k8s/app.yaml"),
                "file:///srv/k8s/app.yaml"
            );
        }
    }

    #[test]
    fn descriptions_are_unwrapped_into_paragraphs() {
        assert_eq!(
            unwrap("One\n  two.\n\n\nThree:\n- a\n- b\n"),
            "One two.\n\nThree:\n- a\n- b"
        );
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(pascal_case("Privileged container"), "PrivilegedContainer");
        assert_eq!(
            pascal_case("hostPath volume (read-write)"),
            "HostPathVolumeReadWrite"
        );
    }
}
