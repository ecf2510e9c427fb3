//! ConstraintTemplates (`templates.gatekeeper.sh/v1`, `v1beta1`): the Rego
//! a template runs, its libraries, and the schema of its constraints'
//! parameters.

use super::value::{Node, Problem, dotted, join};
use crate::core::Location;
use regorus::Value;

pub const GROUP: &str = "templates.gatekeeper.sh";
pub const KIND: &str = "ConstraintTemplate";
/// The only target guard (and Gatekeeper's admission webhook) evaluates.
const TARGET: &str = "admission.k8s.gatekeeper.sh";

/// A ConstraintTemplate as written.
#[derive(Debug, Clone)]
pub struct Template {
    /// `metadata.name`, which Gatekeeper requires to be the lowercase kind.
    pub name: String,
    /// The kind of its constraints: `spec.crd.spec.names.kind`.
    pub kind: String,
    /// Where the template document starts.
    pub location: Location,
    /// `spec.crd.spec.validation.openAPIV3Schema`, the schema of
    /// `spec.parameters`, as JSON.
    pub schema: Option<serde_json::Value>,
    /// Where the schema is written, for errors in the schema itself.
    pub schema_location: Location,
    /// The Rego to run, or why the template cannot run in guard.
    pub code: Result<Rego, Problem>,
}

/// A template's Rego: the module with `violation`, its libraries
/// (`package lib.*`), and the syntax they are written in.
#[derive(Debug, Clone)]
pub struct Rego {
    pub source: String,
    pub libs: Vec<String>,
    /// Rego v1 syntax (`version: "v1"` in a `code` entry); v0 otherwise.
    pub v1: bool,
    /// Where the source starts in the file: its first line, and the
    /// indentation a block scalar strips, to turn a position in the Rego
    /// into a position in the file.
    pub origin: Location,
}

/// Whether a parsed object is a ConstraintTemplate.
pub fn is_template(api_version: &str, kind: &str) -> bool {
    kind == KIND && super::value::group_version(api_version).0 == GROUP
}

impl Template {
    /// Reads a ConstraintTemplate. A template that is malformed is a
    /// [`Problem`]; one that is well-formed but cannot run in guard (CEL only,
    /// `external_data`) has its reason in `code`.
    pub fn parse(node: Node<'_>, text: &str) -> Result<Template, Problem> {
        let name = node
            .string(&["metadata", "name"])?
            .ok_or_else(|| node.problem(&["metadata"], "a ConstraintTemplate needs metadata.name"))?
            .to_string();
        let kind_path = ["spec", "crd", "spec", "names", "kind"];
        let kind = node
            .string(&kind_path)?
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                node.problem(
                    &kind_path,
                    format!(
                        "ConstraintTemplate {name} needs {}: the kind of its constraints",
                        dotted(&kind_path)
                    ),
                )
            })?
            .to_string();
        if name != kind.to_lowercase() {
            return Err(node.problem(
                &["metadata", "name"],
                format!(
                    "ConstraintTemplate {name}: its name must be the lowercase of its kind {kind} ({}), as Gatekeeper requires",
                    kind.to_lowercase()
                ),
            ));
        }
        let schema_path = ["spec", "crd", "spec", "validation", "openAPIV3Schema"];
        let schema = match node.get(&schema_path) {
            None | Some(Value::Null) => None,
            Some(value @ Value::Object(_)) => Some(super::value::to_json(value)),
            Some(_) => {
                return Err(node.problem(&schema_path, "openAPIV3Schema must be an object"));
            }
        };
        Ok(Template {
            code: rego(node, text, &name),
            name,
            kind,
            location: node.locate(&[]),
            schema,
            schema_location: node.locate(&schema_path),
        })
    }
}

/// The Rego of the template's one target: from a `code` entry with engine
/// `Rego`, else from the legacy `rego` field.
fn rego(node: Node<'_>, text: &str, name: &str) -> Result<Rego, Problem> {
    let targets = match node.get(&["spec", "targets"]) {
        Some(Value::Array(targets)) => targets.clone(),
        _ => {
            return Err(node.problem(
                &["spec"],
                format!("ConstraintTemplate {name} needs spec.targets with one target"),
            ));
        }
    };
    if targets.len() != 1 {
        return Err(node.problem(
            &["spec", "targets"],
            format!(
                "ConstraintTemplate {name} has {} targets; Gatekeeper takes exactly one",
                targets.len()
            ),
        ));
    }
    // Paths below the target, `spec.targets[0]`.
    let locate = |path: &[&str]| node.locate(&join(&["spec", "targets", "0"], path));
    let problem = |path: &[&str], message: String| Problem {
        location: locate(path),
        message,
    };
    let spec = &targets[0];
    let field = |path: &[&str]| super::value::get(spec, path);
    match field(&["target"]) {
        Some(Value::String(t)) if t.as_ref() == TARGET => {}
        _ => {
            return Err(problem(
                &["target"],
                format!("ConstraintTemplate {name}: the target must be {TARGET}"),
            ));
        }
    }
    let strings = |path: &[&str]| -> Result<Vec<String>, Problem> {
        match field(path) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.to_string()),
                    _ => Err(problem(
                        path,
                        format!("{} must be a list of strings", path.join(".")),
                    )),
                })
                .collect(),
            Some(_) => Err(problem(path, format!("{} must be a list", path.join(".")))),
        }
    };
    let mut engines = Vec::new();
    if let Some(Value::Array(code)) = field(&["code"]) {
        for (index, entry) in code.iter().enumerate() {
            let engine = super::value::str_field(entry, &["engine"]).unwrap_or_default();
            engines.push(engine.to_string());
            if engine != "Rego" {
                continue;
            }
            let index = index.to_string();
            let Some(Value::String(source)) =
                field(&join(&["code", index.as_str()], &["source", "rego"]))
            else {
                return Err(problem(
                    &join(&["code", index.as_str()], &["source"]),
                    format!("ConstraintTemplate {name}: a Rego code entry needs source.rego"),
                ));
            };
            let v1 = match field(&join(&["code", index.as_str()], &["source", "version"])) {
                None | Some(Value::Null) => false,
                Some(Value::String(v)) if v.as_ref() == "v0" => false,
                Some(Value::String(v)) if v.as_ref() == "v1" => true,
                Some(_) => {
                    return Err(problem(
                        &join(&["code", index.as_str()], &["source", "version"]),
                        format!("ConstraintTemplate {name}: the Rego version must be v0 or v1"),
                    ));
                }
            };
            let mut libs = strings(&join(&["code", index.as_str()], &["source", "libs"]))?;
            if libs.is_empty() {
                libs = strings(&["libs"])?;
            }
            let origin = origin(
                locate(&join(&["code", index.as_str()], &["source", "rego"])),
                text,
            );
            return usable(name, source, libs, v1, origin);
        }
    }
    match field(&["rego"]) {
        Some(Value::String(source)) => {
            let libs = strings(&["libs"])?;
            let origin = origin(locate(&["rego"]), text);
            usable(name, source, libs, false, origin)
        }
        Some(_) => Err(problem(&["rego"], "rego must be a string".into())),
        None if engines.iter().any(|e| e == "K8sNativeValidation") => Err(problem(
            &["code"],
            format!(
                "ConstraintTemplate {name} has only CEL code (engine K8sNativeValidation); guard runs Rego templates only, so its constraints are not evaluated"
            ),
        )),
        None => Err(problem(
            &[],
            format!(
                "ConstraintTemplate {name} has no Rego (neither `rego` nor a `code` entry with engine Rego)"
            ),
        )),
    }
}

fn usable(
    name: &str,
    source: &str,
    libs: Vec<String>,
    v1: bool,
    origin: Location,
) -> Result<Rego, Problem> {
    let calls_external_data = std::iter::once(source)
        .chain(libs.iter().map(String::as_str))
        .any(|s| s.contains("external_data("));
    if calls_external_data {
        return Err(Problem {
            location: origin,
            message: format!(
                "ConstraintTemplate {name} calls external_data (a Gatekeeper external data provider), which guard cannot reach; its constraints are not evaluated"
            ),
        });
    }
    Ok(Rego {
        source: source.to_string(),
        libs,
        v1,
        origin,
    })
}

/// Where the content of the scalar whose key is at `location` starts: for a
/// block scalar (`rego: |`), the line after the key, indented as that line is.
fn origin(mut location: Location, text: &str) -> Location {
    let line_text = |n: u32| text.lines().nth(n.saturating_sub(1) as usize).unwrap_or("");
    let key_line = line_text(location.line);
    let after_key = key_line.split_once(':').map_or("", |(_, rest)| rest).trim();
    if after_key.starts_with('|') || after_key.starts_with('>') {
        let mut line = location.line + 1;
        while line_text(line).trim().is_empty() && (line as usize) <= text.lines().count() {
            line += 1;
        }
        let content = line_text(line);
        let indent = content.len() - content.trim_start_matches(' ').len();
        location.line = line;
        location.column = indent as u32 + 1;
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_stream;
    use std::sync::Arc;

    fn parse(text: &str) -> Result<Template, Problem> {
        let (docs, errors) = parse_stream(text);
        assert!(errors.is_empty(), "{errors:?}");
        let file: Arc<str> = Arc::from("t.yaml");
        Template::parse(Node::new(&file, &docs[0].value, &docs[0].spans), text)
    }

    const HEAD: &str = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8sdemo\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sDemo\n";

    #[test]
    fn legacy_rego_is_v0_and_maps_to_file_lines() {
        let text = format!(
            "{HEAD}  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package k8sdemo\n        violation[{{\"msg\": \"x\"}}] {{ true }}\n      libs:\n        - |\n          package lib.helpers\n"
        );
        let template = parse(&text).unwrap();
        assert_eq!(template.kind, "K8sDemo");
        let rego = template.code.unwrap();
        assert!(!rego.v1);
        assert_eq!(rego.libs.len(), 1);
        assert_eq!((rego.origin.line, rego.origin.column), (13, 9));
    }

    #[test]
    fn code_entries_declare_v1_and_cel_only_is_reported() {
        let text = format!(
            "{HEAD}  targets:\n    - target: admission.k8s.gatekeeper.sh\n      code:\n        - engine: Rego\n          source:\n            version: \"v1\"\n            rego: |\n              package k8sdemo\n"
        );
        assert!(parse(&text).unwrap().code.unwrap().v1);
        let cel = format!(
            "{HEAD}  targets:\n    - target: admission.k8s.gatekeeper.sh\n      code:\n        - engine: K8sNativeValidation\n          source:\n            validations: []\n"
        );
        let reason = parse(&cel).unwrap().code.unwrap_err();
        assert!(reason.message.contains("CEL"), "{reason}");
        assert_eq!(reason.location.line, 12);
    }

    #[test]
    fn external_data_and_wrong_names_are_reported() {
        let text = format!(
            "{HEAD}  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package k8sdemo\n        violation[{{\"msg\": m}}] {{ r := external_data({{}}); m := \"x\" }}\n"
        );
        let reason = parse(&text).unwrap().code.unwrap_err();
        assert!(reason.message.contains("external_data"), "{reason}");
        let renamed = text.replace("name: k8sdemo", "name: demo");
        let problem = parse(&renamed).unwrap_err();
        assert_eq!(problem.location.line, 4);
        assert!(problem.message.contains("lowercase"), "{problem}");
    }
}
