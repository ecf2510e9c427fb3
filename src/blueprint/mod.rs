//! The Blueprint: a high-level spec of an application (components, replicas,
//! exposure, storage) that manifests are held to.
//!
//! A Blueprint is read from YAML, or from the `yaml blueprint` fenced block of
//! a Markdown file (positions then refer to the Markdown file), validated
//! against `schemas/blueprint.schema.json`, and normalised into the facts spec
//! rules read at `data.blueprint`: defaults applied, quantities in bytes, image
//! references split. Every fact keeps the path of the Blueprint field it came
//! from (`source`), so a rule can name the line that states the requirement.

mod facts;
mod markdown;
pub mod quantity;

pub use facts::{
    Component, ComponentType, Expose, Facts, Image, IngressRoute, SpecPath, Storage, split_image,
};

use crate::config::pointer_segments;
use crate::core::{Code, Diagnostic, Location, ObjectRef};
use crate::policy::{ProfileSelection, SpecFacts};
use crate::source::{Dialect, PathSeg, Pos, Source, SpanNode, parse_stream_as};
use jsonschema::error::ValidationErrorKind;
use std::path::Path;
use std::sync::{Arc, LazyLock};

pub const SCHEMA: &str = include_str!("../../schemas/blueprint.schema.json");

/// The API version and kind a Blueprint declares.
pub const API_VERSION: &str = "guard.dev/v1alpha1";
pub const KIND: &str = "Blueprint";

/// What `guard blueprint init` prints: a commented Blueprint to start from.
pub const SCAFFOLD: &str = include_str!("../../docs/blueprints/scaffold.yaml");

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("Blueprint schema is JSON");
    jsonschema::validator_for(&schema).expect("Blueprint schema is a valid JSON Schema")
});

/// A Blueprint that cannot be used: at the field at fault (or the file when
/// no field is), with how to fix it.
fn blueprint_error(file: &Arc<str>, pos: Option<Pos>, message: String, hint: &str) -> Diagnostic {
    let pos = pos.unwrap_or(Pos::new(0, 0));
    Diagnostic::new(Code::BlueprintInvalid, message)
        .at(Location {
            file: file.clone(),
            line: pos.line,
            column: pos.column,
            path: String::new(),
        })
        .help(hint)
}

/// A validated, normalised Blueprint, with the text and positions it was read from.
#[derive(Debug, Clone)]
pub struct Blueprint {
    facts: Facts,
    file: Arc<str>,
    text: Arc<str>,
    spans: SpanNode,
}

impl Blueprint {
    /// Reads a Blueprint file: `*.md` (the `yaml blueprint` block) or YAML.
    pub fn load(path: &Path) -> Result<Blueprint, Diagnostic> {
        let file: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
        let text = std::fs::read_to_string(path).map_err(|e| {
            blueprint_error(
                &file,
                None,
                format!("cannot read: {e}"),
                "name a Blueprint file (.yaml or .md); `guard blueprint init` prints one",
            )
        })?;
        let markdown = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        Blueprint::parse(file, &text, markdown)
    }

    /// Parses Blueprint text; `file` names it in errors and findings. In
    /// Markdown the Blueprint is the fenced block with info string `yaml blueprint`.
    pub fn parse(file: Arc<str>, text: &str, markdown: bool) -> Result<Blueprint, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let error = |pos: Option<Pos>, message: String, hint: &str| {
            blueprint_error(&file, pos, message, hint)
        };
        let yaml = if markdown {
            match markdown::extract(text) {
                markdown::Fenced::Found(yaml) => yaml,
                markdown::Fenced::Missing => {
                    return Err(error(
                        Some(Pos::new(1, 1)),
                        "no Blueprint in this Markdown file".into(),
                        "put it in a fenced code block that opens with ```yaml blueprint",
                    ));
                }
                markdown::Fenced::Twice(line) => {
                    return Err(error(
                        Some(Pos::new(line, 1)),
                        "a second `yaml blueprint` block".into(),
                        "a Markdown file holds one Blueprint; merge the blocks",
                    ));
                }
                markdown::Fenced::Unclosed(line) => {
                    return Err(error(
                        Some(Pos::new(line, 1)),
                        "the `yaml blueprint` block is never closed".into(),
                        "end it with a line of ``` ",
                    ));
                }
            }
        } else {
            text.to_string()
        };
        let (mut docs, errors) = parse_stream_as(&yaml, Dialect::Core);
        if let Some(e) = errors.first() {
            return Err(error(
                Some(e.pos),
                format!("invalid YAML: {}", e.message),
                "fix the YAML syntax",
            ));
        }
        if docs.len() > 1 {
            return Err(error(
                Some(docs[1].start),
                "more than one YAML document".into(),
                "a Blueprint file holds one Blueprint; split it into files",
            ));
        }
        let Some(doc) = docs.pop() else {
            return Err(error(
                None,
                "empty Blueprint".into(),
                "`guard blueprint init` prints one to start from",
            ));
        };
        if let Some(dup) = doc.duplicate_keys.first() {
            return Err(error(
                Some(dup.second),
                format!(
                    "key {:?} is repeated (first at line {})",
                    dup.key, dup.first.line
                ),
                "remove one of the two, keeping the value you mean",
            ));
        }
        let json: serde_json::Value = serde_json::to_value(&doc.value)
            .map_err(|e| error(Some(doc.start), e.to_string(), "write plain YAML data"))?;
        if let Some((pos, message, hint)) = schema_problem(&json, &doc.spans) {
            return Err(error(Some(pos), message, &hint));
        }
        let raw: facts::RawBlueprint = serde_json::from_value(json).map_err(|e| {
            error(
                Some(doc.start),
                e.to_string(),
                "see schemas/blueprint.schema.json",
            )
        })?;
        let facts = facts::normalise(raw, &doc.spans).map_err(|(path, message, hint)| {
            let (pos, _) = doc.spans.lookup(&path);
            error(Some(pos), message, &hint)
        })?;
        Ok(Blueprint {
            facts,
            file,
            text: Arc::from(text),
            spans: doc.spans,
        })
    }

    /// The normalised Blueprint.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The file the Blueprint was read from, as named.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// The profile `policies.profile` asks for.
    pub fn profile(&self) -> Option<ProfileSelection> {
        self.facts.profile
    }

    /// The Blueprint's text, for renderers that show the spec line beside the
    /// manifest's: add it to the input's sources before checking.
    pub fn source(&self) -> Source {
        Source {
            name: self.file.clone(),
            text: self.text.clone(),
        }
    }

    /// The facts as the policy engine reads them (`data.blueprint`), with the
    /// positions spec findings cite.
    pub fn spec_facts(&self) -> SpecFacts {
        let json = serde_json::to_value(&self.facts).expect("facts serialise");
        let facts = serde_json::from_value(json).expect("facts are JSON");
        SpecFacts {
            facts,
            file: self.file.clone(),
            spans: self.spans.clone(),
            object: ObjectRef {
                api_version: API_VERSION.into(),
                kind: KIND.into(),
                namespace: None,
                name: Some(self.facts.name.clone()),
            },
        }
    }

    /// The position of a field of the Blueprint document, or of its deepest
    /// existing parent.
    pub fn position(&self, path: &[PathSeg]) -> Pos {
        self.spans.lookup(path).0
    }

    /// `guard blueprint compile`: the facts, and the position of every field
    /// they cite, as `{"file", "facts", "positions": {"spec.components[0].port": "file:line:column"}}`.
    pub fn compiled(&self) -> serde_json::Value {
        let mut positions = serde_json::Map::new();
        let mut cite = |path: &SpecPath| {
            let segs = path.segments();
            let pos = self.position(&segs);
            positions.insert(
                crate::source::DottedPath(&segs).to_string(),
                serde_json::Value::from(format!("{}:{}:{}", self.file, pos.line, pos.column)),
            );
        };
        self.facts.source.values().for_each(&mut cite);
        for component in &self.facts.components {
            component.source.values().for_each(&mut cite);
        }
        serde_json::json!({
            "file": self.file.as_ref(),
            "facts": self.facts,
            "positions": positions,
        })
    }
}

/// The first schema violation in document order, positioned at the field at
/// fault, with a hint on how to fix it.
fn schema_problem(json: &serde_json::Value, spans: &SpanNode) -> Option<(Pos, String, String)> {
    VALIDATOR
        .iter_errors(json)
        .map(|problem| {
            let mut path = pointer_segments(spans, problem.instance_path().as_str());
            let field = match path.last() {
                Some(PathSeg::Key(key)) => key.clone(),
                _ => String::new(),
            };
            let (message, hint) = match problem.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    if let Some(first) = unexpected.first() {
                        path.push(PathSeg::Key(first.clone()));
                    }
                    (
                        format!("unknown field {:?}", unexpected.join(", ")),
                        "check the spelling; `guard blueprint init` shows every field".to_string(),
                    )
                }
                ValidationErrorKind::Pattern { .. } => pattern_problem(&field, problem.instance()),
                ValidationErrorKind::FalseSchema => (
                    format!("`{field}` applies only to databases and caches"),
                    "remove it, or make the component type database or cache".to_string(),
                ),
                ValidationErrorKind::Enum { options } => (
                    format!(
                        "{field}: {} is not one of {}",
                        problem.instance(),
                        one_of(options)
                    ),
                    "see schemas/blueprint.schema.json".to_string(),
                ),
                ValidationErrorKind::Constant { expected_value } => (
                    format!("{field}: {} should be {expected_value}", problem.instance()),
                    "see schemas/blueprint.schema.json".to_string(),
                ),
                ValidationErrorKind::Required { property } => (
                    format!("missing required field {property}"),
                    required_hint(property),
                ),
                _ => (
                    format!("{field}: {problem}")
                        .trim_start_matches(": ")
                        .to_string(),
                    "see schemas/blueprint.schema.json".to_string(),
                ),
            };
            let (pos, _) = spans.lookup(&path);
            (pos, message, hint)
        })
        .min_by_key(|(pos, _, _)| *pos)
}

/// `a, b or c` for an enum's options.
fn one_of(options: &serde_json::Value) -> String {
    let names: Vec<String> = options
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

fn pattern_problem(field: &str, value: &serde_json::Value) -> (String, String) {
    let hint = match field {
        "storage" => "write a Kubernetes quantity such as 10Gi or 500Mi",
        "image" => "write an image repository such as ghcr.io/acme/backend, optionally with :tag",
        "host" => "write a lowercase host name such as shop.example.com",
        "path" => "an ingress path starts with /",
        _ => {
            "use a lowercase DNS label: a-z, 0-9 and -, starting with a letter, at most 63 characters"
        }
    };
    let what = if field == "storage" {
        "quantity"
    } else {
        "value"
    };
    (format!("bad {what} {value} for {field}"), hint.to_string())
}

fn required_hint(property: &serde_json::Value) -> String {
    match property.as_str() {
        Some("engine") => "a database names its engine, such as postgres".into(),
        Some("ingress") => {
            "a component exposed through an ingress says where: ingress: {host: shop.example.com}"
                .into()
        }
        Some("apiVersion") => format!("start the Blueprint with apiVersion: {API_VERSION}"),
        Some("kind") => format!("add kind: {KIND}"),
        _ => "add it; `guard blueprint init` shows every field".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(error: &Diagnostic) -> Option<(u32, u32)> {
        error.location.as_ref().map(|l| (l.line, l.column))
    }

    fn parse(text: &str) -> Result<Blueprint, Diagnostic> {
        Blueprint::parse(Arc::from("b.yaml"), text, false)
    }

    const SHOP: &str = "apiVersion: guard.dev/v1alpha1\nkind: Blueprint\nmetadata:\n  name: shop\nspec:\n  namespace: shop\n  defaults:\n    replicas: 2\n  components:\n    - name: backend\n      type: service\n      runtime: python-fastapi\n      image: ghcr.io/acme/backend\n    - name: db\n      type: database\n      engine: postgres\n      storage: 10Gi\n";

    #[test]
    fn defaults_apply_and_name_their_source() {
        let blueprint = parse(SHOP).unwrap();
        let facts = blueprint.facts();
        let backend = &facts.components[0];
        assert_eq!(backend.replicas, Some(2));
        assert_eq!(backend.port, Some(8000));
        assert_eq!(backend.expose, Expose::Cluster);
        let replicas = backend.source["replicas"].segments();
        assert_eq!(blueprint.position(&replicas), Pos::new(8, 5));
        let db = &facts.components[1];
        assert_eq!(db.replicas, Some(1));
        assert_eq!(db.port, Some(5432));
        assert_eq!(db.storage.as_ref().map(|s| s.bytes), Some(10 << 30));
    }

    #[test]
    fn a_runtime_alone_gives_its_port_and_cites_the_runtime() {
        let text = SHOP.replace("runtime: python-fastapi", "runtime: python");
        let blueprint = parse(&text).unwrap();
        let backend = &blueprint.facts().components[0];
        assert_eq!(backend.port, Some(8000));
        let port = backend.source["port"].segments();
        assert_eq!(blueprint.position(&port), Pos::new(12, 7));
    }

    #[test]
    fn unknown_fields_point_at_the_field() {
        let text = SHOP.replace("      runtime:", "      replica: 3\n      runtime:");
        let error = parse(&text).unwrap_err();
        assert_eq!(pos(&error), Some((12, 7)), "{error}");
        assert!(
            error.to_string().contains("unknown field \"replica\""),
            "{error}"
        );
    }

    #[test]
    fn bad_quantities_and_enums_are_errors_with_hints() {
        let error = parse(&SHOP.replace("10Gi", "10Gx")).unwrap_err();
        assert_eq!(pos(&error), Some((17, 7)), "{error}");
        assert!(
            error.help.as_deref().unwrap_or_default().contains("10Gi"),
            "{error}"
        );
        let error = parse(&SHOP.replace("type: service", "type: frontend")).unwrap_err();
        assert_eq!(pos(&error), Some((11, 7)), "{error}");
    }

    #[test]
    fn duplicate_component_names_are_errors() {
        let text = SHOP.replace("name: db", "name: backend");
        let error = parse(&text).unwrap_err();
        assert_eq!(pos(&error), Some((14, 7)), "{error}");
        assert!(error.message.contains("line 10"), "{error}");
    }

    #[test]
    fn markdown_positions_are_the_markdown_file_lines() {
        let text = format!("# Shop\n\nProse.\n\n```yaml blueprint\n{SHOP}```\n");
        let blueprint = Blueprint::parse(Arc::from("spec.md"), &text, true).unwrap();
        let path = blueprint.facts().components[1].source["storage"].segments();
        assert_eq!(blueprint.position(&path), Pos::new(22, 7));
        assert_eq!(blueprint.source().text.as_ref(), text);
    }

    #[test]
    fn the_scaffold_is_a_valid_blueprint() {
        parse(SCAFFOLD).unwrap();
    }
}
