//! Label selectors, matched natively.
//!
//! Cross-object rules ask, for every Service, NetworkPolicy, budget and
//! workload, which pods a selector picks. In Rego each match is a function
//! call per selector and label set with an `every` loop per term, and it was
//! the largest single cost of checking a namespace with many workloads. The
//! library calls these functions instead, which read selectors with
//! `k8s::selector`'s [`LabelSelector::read`] and [`LabelSelector::read_map`];
//! `tests::matches_equal_the_rego_definitions` holds them to the Rego they
//! replaced.
//!
//! - `guard.label_selector_matches(selector, labels)`: a `LabelSelector`
//!   (`matchLabels`, `matchExpressions` with `In`, `NotIn`, `Exists`,
//!   `DoesNotExist`); the empty selector selects everything, as the API
//!   defines it, and one that is not an object selects nothing.
//! - `guard.map_selector_matches(selector, labels)`: a map selector (a
//!   Service's, a ReplicationController's); every pair must match, and an
//!   empty map selects nothing (callers treat it as "no selector").
//! - `guard.label_selector_positions(selector, label_sets)` and
//!   `guard.map_selector_positions(selector, label_sets)`: the positions in an
//!   array of label sets of those the selector matches.

use crate::k8s::selector::LabelSelector;
use regorus::{Engine, Value};

/// Adds the selector functions to `engine`.
pub(crate) fn register(engine: &mut Engine) -> anyhow::Result<()> {
    engine.add_extension(
        "guard.label_selector_matches".into(),
        2,
        Box::new(|args: Vec<Value>| Ok(Value::from(label_selector_matches(&args[0], &args[1])))),
    )?;
    engine.add_extension(
        "guard.map_selector_matches".into(),
        2,
        Box::new(|args: Vec<Value>| Ok(Value::from(map_selector_matches(&args[0], &args[1])))),
    )?;
    engine.add_extension(
        "guard.label_selector_positions".into(),
        2,
        Box::new(|args: Vec<Value>| Ok(positions(&LabelSelector::read(&args[0]), &args[1]))),
    )?;
    engine.add_extension(
        "guard.map_selector_positions".into(),
        2,
        Box::new(|args: Vec<Value>| Ok(positions(&LabelSelector::read_map(&args[0]), &args[1]))),
    )
}

/// The positions in `label_sets` (an array) of the label sets `selector` picks.
fn positions(selector: &LabelSelector<'_>, label_sets: &Value) -> Value {
    let Value::Array(sets) = label_sets else {
        return Value::new_array();
    };
    Value::from(
        sets.iter()
            .enumerate()
            .filter(|(_, labels)| selector.matches(*labels))
            .map(|(position, _)| Value::from(position as u64))
            .collect::<Vec<_>>(),
    )
}

fn label_selector_matches(selector: &Value, labels: &Value) -> bool {
    LabelSelector::read(selector).matches(labels)
}

fn map_selector_matches(selector: &Value, labels: &Value) -> bool {
    LabelSelector::read_map(selector).matches(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Rego definitions the functions replaced, evaluated by regorus.
    const REGO: &str = r#"package reference

map_match(selector, labels) if {
	count(selector) > 0
	every k, v in selector {
		labels[k] == v
	}
}

set_based_match(selector, labels) if {
	is_object(selector)
	every k, v in object.get(selector, "matchLabels", {}) {
		labels[k] == v
	}
	every e in object.get(selector, "matchExpressions", []) {
		expression_match(e, labels)
	}
}

expression_match(e, labels) if {
	e.operator == "In"
	labels[e.key] in e.values
}

expression_match(e, labels) if {
	e.operator == "NotIn"
	not value_in(labels, e.key, e.values)
}

expression_match(e, labels) if {
	e.operator == "Exists"
	labels[e.key]
}

expression_match(e, labels) if {
	e.operator == "DoesNotExist"
	not has_key(labels, e.key)
}

value_in(labels, key, values) if labels[key] in values

has_key(obj, key) if {
	_ := obj[key]
}

set_based := set_based_match(input.selector, input.labels)

map_based := map_match(input.selector, input.labels)
"#;

    #[test]
    fn matches_equal_the_rego_definitions() {
        let mut engine = Engine::new();
        engine.set_strict_builtin_errors(false);
        engine
            .add_policy("reference.rego".into(), REGO.into())
            .unwrap();
        let selectors = [
            r#"{}"#,
            r#"{"app": "web"}"#,
            r#"{"app": "web", "tier": "front"}"#,
            r#"{"matchLabels": {"app": "web"}}"#,
            r#"{"matchLabels": {"app": "web"}, "matchExpressions": []}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "Exists"}]}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "Sometimes"}]}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "In"}]}"#,
            r#"{"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": "front"}]}"#,
            r#"{"matchExpressions": [{"key": "tier"}]}"#,
            r#"{"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}"#,
            r#"{"matchLabels": {"n": 1}}"#,
            r#"{"matchLabels": {"flag": false}}"#,
            r#"{"matchExpressions": [{"key": "flag", "operator": "Exists"}]}"#,
            r#"{"matchExpressions": [{"key": "flag", "operator": "DoesNotExist"}]}"#,
            r#"{"matchExpressions": {"a": {"key": "tier", "operator": "Exists"}}}"#,
            r#"[]"#,
            r#""app""#,
            r#"null"#,
        ];
        let label_sets = [
            r#"{}"#,
            r#"{"app": "web"}"#,
            r#"{"app": "web", "tier": "front"}"#,
            r#"{"app": "web", "tier": "back"}"#,
            r#"{"app": "db", "tier": "front"}"#,
            r#"{"n": 1, "flag": false}"#,
            r#"{"n": "1", "flag": "false"}"#,
            r#"null"#,
            r#"["app"]"#,
        ];
        for selector in selectors {
            for labels in label_sets {
                let input = Value::from_json_str(&format!(
                    r#"{{"selector": {selector}, "labels": {labels}}}"#
                ))
                .unwrap();
                engine.set_input(input.clone());
                let mut rego = |rule: &str| {
                    engine.eval_rule(format!("data.reference.{rule}")).unwrap() == Value::from(true)
                };
                let (set_based, map_based) = (rego("set_based"), rego("map_based"));
                assert_eq!(
                    label_selector_matches(&input["selector"], &input["labels"]),
                    set_based,
                    "label selector {selector} on {labels}"
                );
                assert_eq!(
                    map_selector_matches(&input["selector"], &input["labels"]),
                    map_based,
                    "map selector {selector} on {labels}"
                );
            }
        }
    }

    #[test]
    fn positions_name_the_label_sets_that_match() {
        let sets = Value::from_json_str(
            r#"[{"app": "web"}, {"app": "db"}, null, {"app": "web", "x": "y"}]"#,
        )
        .unwrap();
        let selector = Value::from_json_str(r#"{"matchLabels": {"app": "web"}}"#).unwrap();
        assert_eq!(
            positions(&LabelSelector::read(&selector), &sets),
            Value::from_json_str("[0, 3]").unwrap()
        );
        let map = Value::from_json_str(r#"{"app": "db"}"#).unwrap();
        assert_eq!(
            positions(&LabelSelector::read_map(&map), &sets),
            Value::from_json_str("[1]").unwrap()
        );
        assert_eq!(
            positions(&LabelSelector::read_map(&map), &Value::Null),
            Value::new_array()
        );
    }
}
