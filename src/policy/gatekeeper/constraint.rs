//! Constraints (`constraints.gatekeeper.sh/*`): a template's kind with a
//! `match`, `parameters` and an `enforcementAction`.

use super::matching::Match;
use super::schema::ParameterSchema;
use super::value::{Node, Problem, group_version, to_json};
use crate::core::{Location, Severity};
use crate::source::PathSeg;
use regorus::Value;

pub const GROUP: &str = "constraints.gatekeeper.sh";

/// Whether a parsed object is a constraint (of some template's kind).
pub fn is_constraint(api_version: &str) -> bool {
    group_version(api_version).0 == GROUP
}

/// What Gatekeeper does with a violation: `deny` rejects the object, `warn`
/// admits it with a warning, `dryrun` only records it. guard reports them
/// as errors, warnings and infos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Deny,
    Warn,
    Dryrun,
}

impl Action {
    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "deny" => Some(Action::Deny),
            "warn" => Some(Action::Warn),
            "dryrun" => Some(Action::Dryrun),
            _ => None,
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Action::Deny => Severity::Error,
            Action::Warn => Severity::Warning,
            Action::Dryrun => Severity::Info,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deny => "deny",
            Action::Warn => "warn",
            Action::Dryrun => "dryrun",
        }
    }
}

/// The enforcement points guard acts as: an audit of existing objects, or
/// gator's offline test. A `scoped` action applies when it names one.
const ENFORCEMENT_POINTS: [&str; 3] = ["*", "audit.gatekeeper.sh", "gator.gatekeeper.sh"];

#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    pub matcher: Match,
    /// `spec.parameters`; an empty object when absent or null, as
    /// Gatekeeper's driver defaults it, so templates need no default.
    pub parameters: Value,
    /// What guard reports its violations as; `None` when a `scoped` action
    /// names only other enforcement points (the admission webhook), so
    /// neither gator nor guard reviews anything against it.
    pub action: Option<Action>,
    /// Where the constraint document starts.
    pub location: Location,
}

impl Constraint {
    /// `<Kind>/<name>`, the id of its findings.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// Reads a constraint, checking its parameters against `schema` (the
    /// template's) when given. Every problem is a schema error, which gator
    /// counts as an invalid constraint.
    pub fn parse(node: Node<'_>, schema: Option<&ParameterSchema>) -> Result<Constraint, Problem> {
        let kind = node.string(&["kind"])?.unwrap_or_default().to_string();
        let name = node
            .string(&["metadata", "name"])?
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                node.problem(
                    &["metadata"],
                    format!("constraint {kind} needs metadata.name"),
                )
            })?
            .to_string();
        let matcher = Match::parse(node)?;
        let given = node
            .get(&["spec", "parameters"])
            .filter(|v| !matches!(v, Value::Null));
        if let (Some(schema), Some(parameters)) = (schema, given) {
            if let Some(violation) = schema.validate(&to_json(parameters)).into_iter().next() {
                let mut path = vec![PathSeg::from("spec"), PathSeg::from("parameters")];
                path.extend(crate::config::pointer_segments(
                    node.spans
                        .child_key("spec")
                        .and_then(|s| s.child_key("parameters"))
                        .unwrap_or(node.spans),
                    &violation.pointer,
                ));
                return Err(Problem {
                    location: node.locate_segs(&path),
                    message: format!(
                        "{kind} {name}: spec.parameters{} does not fit the template's schema: {}",
                        violation.pointer.replace('/', "."),
                        violation.message
                    ),
                });
            }
        }
        Ok(Constraint {
            action: action(node, &kind, &name)?,
            kind,
            name,
            matcher,
            parameters: given.cloned().unwrap_or_else(Value::new_object),
            location: node.locate(&[]),
        })
    }
}

/// `spec.enforcementAction` (default deny). For `scoped`, the most severe
/// action of `scopedEnforcementActions` whose enforcement points include
/// an audit or gator (or all, `*`), and none when no entry names them.
fn action(node: Node<'_>, kind: &str, name: &str) -> Result<Option<Action>, Problem> {
    let path = ["spec", "enforcementAction"];
    let text = node.string(&path)?.unwrap_or("deny");
    if text.is_empty() {
        return Ok(Some(Action::Deny));
    }
    if let Some(action) = Action::parse(text) {
        return Ok(Some(action));
    }
    if text != "scoped" {
        return Err(node.problem(
            &path,
            format!(
                "{kind} {name}: enforcementAction {text:?} is not one of deny, warn, dryrun, scoped"
            ),
        ));
    }
    let mut chosen: Option<Action> = None;
    if let Some(Value::Array(scoped)) = node.get(&["spec", "scopedEnforcementActions"]) {
        for entry in scoped.iter() {
            let Some(action) = super::value::str_field(entry, &["action"]).and_then(Action::parse)
            else {
                continue;
            };
            let applies = match super::value::get(entry, &["enforcementPoints"]) {
                Some(Value::Array(points)) => points.iter().any(|p| {
                    super::value::str_field(p, &["name"])
                        .is_some_and(|n| ENFORCEMENT_POINTS.contains(&n))
                }),
                _ => false,
            };
            if applies && chosen.is_none_or(|c| action.severity() > c.severity()) {
                chosen = Some(action);
            }
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_stream;
    use std::sync::Arc;

    fn parse(text: &str, schema: Option<serde_json::Value>) -> Result<Constraint, Problem> {
        let (docs, _) = parse_stream(text);
        let file: Arc<str> = Arc::from("c.yaml");
        let schema = schema.map(|s| ParameterSchema::compile(&s).unwrap());
        Constraint::parse(
            Node::new(&file, &docs[0].value, &docs[0].spans),
            schema.as_ref(),
        )
    }

    const HEAD: &str =
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sDemo\nmetadata:\n  name: demo\n";

    #[test]
    fn actions_map_to_severities() {
        let c = parse(&format!("{HEAD}spec:\n  enforcementAction: warn\n"), None).unwrap();
        assert_eq!(
            (c.id().as_str(), c.action.map(Action::severity)),
            ("K8sDemo/demo", Some(Severity::Warning))
        );
        assert_eq!(c.parameters, Value::new_object());
        let scoped = parse(
            &format!("{HEAD}spec:\n  enforcementAction: scoped\n  scopedEnforcementActions:\n    - action: warn\n      enforcementPoints: [{{name: validation.gatekeeper.sh}}]\n    - action: dryrun\n      enforcementPoints: [{{name: audit.gatekeeper.sh}}]\n"),
            None,
        )
        .unwrap();
        assert_eq!(scoped.action, Some(Action::Dryrun));
        let webhook_only = parse(
            &format!("{HEAD}spec:\n  enforcementAction: scoped\n  scopedEnforcementActions:\n    - action: deny\n      enforcementPoints: [{{name: validation.gatekeeper.sh}}]\n"),
            None,
        )
        .unwrap();
        assert_eq!(webhook_only.action, None);
        let wrong = parse(&format!("{HEAD}spec:\n  enforcementAction: block\n"), None).unwrap_err();
        assert_eq!((wrong.location.line, wrong.location.column), (6, 3));
    }

    #[test]
    fn parameters_are_checked_at_the_field_at_fault() {
        let schema = serde_json::json!({"type": "object", "properties": {"labels": {"type": "array", "items": {"type": "string"}}}});
        let text = format!("{HEAD}spec:\n  parameters:\n    labels:\n      - owner\n      - 7\n");
        let problem = parse(&text, Some(schema)).unwrap_err();
        assert_eq!((problem.location.line, problem.location.column), (9, 9));
        assert!(
            problem.message.contains("spec.parameters.labels.1"),
            "{problem}"
        );
    }
}
