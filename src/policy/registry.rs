//! The one registry of rules: the bundled Rego rules, whose metadata sits in
//! an OPA `# METADATA` block above each rule's code, and the few built-in rules
//! about the input itself. `guard rules`, `guard explain` and `docs/rules.md`
//! all read it, so they cannot drift from the code.

use crate::core::{Code, Diagnostic, Severity};
use crate::source::{Dialect, parse_stream_as};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// Rule sets a team can adopt one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Pod Security Standards, Baseline.
    Baseline,
    /// Pod Security Standards, Restricted (on top of Baseline).
    Restricted,
    /// Reliability, exposure, RBAC and hygiene rules beyond the PSS.
    BestPractice,
    /// Checks of the input itself; always on.
    Input,
    /// Rules that hold manifests to a Blueprint; on whenever one is given.
    Spec,
    /// Analyzers of a live cluster (`guard analyze`): health, resource use
    /// and drift, read from object status, events and logs.
    Live,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Baseline => "baseline",
            Profile::Restricted => "restricted",
            Profile::BestPractice => "best-practice",
            Profile::Input => "input",
            Profile::Spec => "spec",
            Profile::Live => "live",
        }
    }
}

/// Which rules a run selects, by `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileSelection {
    /// PSS Baseline controls only.
    Baseline,
    /// PSS Restricted controls (which include Baseline).
    Restricted,
    /// Best-practice rules only.
    BestPractice,
    /// Everything: PSS Restricted and best practices.
    #[default]
    All,
}

impl ProfileSelection {
    /// Every selection, as `--profile` and the config file name it.
    pub const ALL: [ProfileSelection; 4] = [
        ProfileSelection::Baseline,
        ProfileSelection::Restricted,
        ProfileSelection::BestPractice,
        ProfileSelection::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileSelection::Baseline => "baseline",
            ProfileSelection::Restricted => "restricted",
            ProfileSelection::BestPractice => "best-practice",
            ProfileSelection::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<ProfileSelection> {
        ProfileSelection::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    /// What the selection runs, for `--help`.
    pub fn description(self) -> &'static str {
        match self {
            ProfileSelection::Baseline => "PSS Baseline controls only",
            ProfileSelection::Restricted => "PSS Restricted controls (which include Baseline)",
            ProfileSelection::BestPractice => "best-practice rules only",
            ProfileSelection::All => "everything: PSS Restricted and best practices",
        }
    }

    pub fn includes(self, profile: Profile) -> bool {
        match (self, profile) {
            // Analyzers read a live cluster; no profile of manifest rules has them.
            (_, Profile::Live) => false,
            (_, Profile::Input | Profile::Spec) | (ProfileSelection::All, _) => true,
            (ProfileSelection::Baseline, p) => p == Profile::Baseline,
            (ProfileSelection::Restricted, p) => {
                matches!(p, Profile::Baseline | Profile::Restricted)
            }
            (ProfileSelection::BestPractice, p) => p == Profile::BestPractice,
        }
    }
}

/// A rule's identity and documentation.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub profile: Profile,
    pub category: String,
    /// Why it matters.
    pub rationale: String,
    /// What to change.
    pub fix: String,
    /// Kinds the rule applies to; empty means every kind.
    pub kinds: Vec<String>,
    /// The same check in other tools: `kube-linter`, `polaris`, `kube-score`, `pss`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub equivalents: BTreeMap<String, String>,
    /// The Rego package of a bundled rule (`None` for built-in rules).
    #[serde(skip)]
    pub package: Option<String>,
    /// The embedded source file of a bundled rule.
    #[serde(skip)]
    pub file: Option<&'static str>,
    /// A manifest the rule fails on: its failing test fixture.
    #[serde(skip)]
    pub example: Option<&'static str>,
}

impl Rule {
    pub fn applies_to(&self, kind: &str) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind)
    }
}

/// Metadata block fields, as written in the `.rego` files.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    title: String,
    description: String,
    custom: Custom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Custom {
    id: String,
    severity: Severity,
    profile: Profile,
    category: String,
    fix: String,
    kinds: Vec<String>,
    #[serde(default)]
    equivalents: BTreeMap<String, String>,
}

/// A bundled policy file whose metadata is malformed: a bug in guard, caught
/// by the registry tests.
fn registry_error(file: &str, message: String) -> Diagnostic {
    Diagnostic::new(Code::BundledInvalid, format!("{file}: {message}"))
        .help("this is a bug in guard; please report it")
}

/// All bundled Rego modules: rules and the helper libraries they import.
pub fn bundled_policies() -> &'static [(&'static str, &'static str)] {
    embedded::POLICIES
}

/// Built-in rules about the input; they are checked in Rust, not Rego.
pub mod builtin {
    pub const DUPLICATE_KEY: &str = "GRD001";
    pub const NOT_AN_OBJECT: &str = "GRD002";
    pub const UNUSED_SUPPRESSION: &str = "GRD003";
    pub const SUPPRESSION_WITHOUT_REASON: &str = "GRD004";
}

fn builtin_rules() -> Vec<Rule> {
    let rule = |id: &str, title: &str, severity, rationale: &str, fix: &str| Rule {
        id: id.into(),
        title: title.into(),
        severity,
        profile: Profile::Input,
        category: "input".into(),
        rationale: rationale.into(),
        fix: fix.into(),
        kinds: Vec::new(),
        equivalents: BTreeMap::new(),
        package: None,
        file: None,
        example: None,
    };
    vec![
        rule(
            builtin::DUPLICATE_KEY,
            "Duplicate mapping key",
            Severity::Error,
            "kubectl and the API server reject a manifest whose mapping repeats a key, and a tool that silently keeps one of the values hides which one will win.",
            "Remove one of the two keys, keeping the value you mean.",
        ),
        rule(
            builtin::NOT_AN_OBJECT,
            "Document is not a Kubernetes object",
            Severity::Error,
            "A document without a string apiVersion and kind cannot be applied, and no rule can check it; dropping it silently would hide a broken manifest.",
            "Give the document apiVersion and kind, or move it out of the manifest directory (or list it in .guardignore).",
        ),
        rule(
            builtin::UNUSED_SUPPRESSION,
            "Suppression matches nothing",
            Severity::Warning,
            "A waiver that no longer matches any finding hides nothing today but will silently hide a future problem; stale waivers rot.",
            "Delete the suppression, or correct its rule id, path or object.",
        ),
        rule(
            builtin::SUPPRESSION_WITHOUT_REASON,
            "Suppression without a reason",
            Severity::Warning,
            "A waiver is a decision someone will have to revisit; without the reason they cannot tell whether it still holds.",
            "Write the reason after the rule ids: `guard.dev/ignore: \"GRD101: runs as root by design, see ADR-7\"`.",
        ),
    ]
}

/// Reads the metadata of every bundled rule. Fails only on a malformed
/// bundled file, which the test suite rules out.
pub fn load_registry() -> Result<Vec<Rule>, Diagnostic> {
    // Parsing the metadata of every bundled rule costs as much as compiling
    // them, and one command may need the registry more than once.
    static REGISTRY: std::sync::OnceLock<Result<Vec<Rule>, Diagnostic>> =
        std::sync::OnceLock::new();
    REGISTRY.get_or_init(parse_registry).clone()
}

fn parse_registry() -> Result<Vec<Rule>, Diagnostic> {
    let mut rules = builtin_rules();
    for (file, source) in bundled_policies() {
        if let Some(rule) = parse_rule(file, source)? {
            rules.push(rule);
        }
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in rules.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(registry_error(
                pair[1].file.unwrap_or("built-in"),
                format!("rule id {} is used twice", pair[1].id),
            ));
        }
    }
    Ok(rules)
}

fn parse_rule(file: &'static str, source: &str) -> Result<Option<Rule>, Diagnostic> {
    let error = |message: String| registry_error(file, message);
    let package = source
        .lines()
        .find_map(|line| line.strip_prefix("package "))
        .map(|p| p.trim().to_string())
        .ok_or_else(|| error("no package line".into()))?;
    if !package.starts_with("guard.rules.") {
        return Ok(None);
    }
    let block: String = source
        .lines()
        .skip_while(|line| line.trim() != "# METADATA")
        .skip(1)
        .take_while(|line| line.starts_with('#'))
        .map(|line| {
            let body = line.strip_prefix('#').unwrap_or(line);
            format!("{}\n", body.strip_prefix(' ').unwrap_or(body))
        })
        .collect();
    if block.is_empty() {
        return Err(error("a rule package needs a `# METADATA` block".into()));
    }
    let (docs, errors) = parse_stream_as(&block, Dialect::Core);
    if let Some(e) = errors.first() {
        return Err(error(format!(
            "metadata line {}: {}",
            e.pos.line, e.message
        )));
    }
    let value = docs.first().ok_or_else(|| error("empty metadata".into()))?;
    let json = value
        .value
        .to_json_str()
        .map_err(|e| error(e.to_string()))?;
    let meta: Metadata =
        serde_json::from_str(&json).map_err(|e| error(format!("metadata: {e}")))?;
    let kinds = expand_kinds(&meta.custom.kinds);
    let example = embedded::EXAMPLES
        .iter()
        .find(|(id, _)| *id == meta.custom.id)
        .map(|(_, text)| *text);
    Ok(Some(Rule {
        id: meta.custom.id,
        title: meta.title,
        severity: meta.custom.severity,
        profile: meta.custom.profile,
        category: meta.custom.category,
        rationale: meta.description.trim().to_string(),
        fix: meta.custom.fix.trim().to_string(),
        kinds,
        equivalents: meta.custom.equivalents,
        package: Some(package),
        file: Some(file),
        example,
    }))
}

/// `@pods` stands for every kind that carries a pod spec; `*` for any kind.
fn expand_kinds(kinds: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for kind in kinds {
        match kind.as_str() {
            "*" => return Vec::new(),
            "@pods" => out.extend(
                crate::k8s::workload::POD_BEARING_KINDS
                    .iter()
                    .map(|bearer| bearer.kind.to_string()),
            ),
            other => out.push(other.to_string()),
        }
    }
    out.sort();
    out.dedup();
    out
}
