//! Label selectors: which labelled objects a selector picks, as
//! apimachinery's `labels.Selector` decides it.
//!
//! A [`LabelSelector`] is a conjunction of [`Requirement`]s, or nothing at
//! all. Where a selector comes from decides what an empty or absent one
//! means, so each constructor says:
//!
//! - [`LabelSelector::parse`] / [`LabelSelector::parse_json`]: a
//!   `LabelSelector` object (`matchLabels`, `matchExpressions`), validated as
//!   the API server validates it; `{}` selects everything. An absent one is
//!   the caller's to decide: a Gatekeeper match without `labelSelector`
//!   constrains nothing, a PodDisruptionBudget without one selects nothing.
//! - [`LabelSelector::from_map`]: a plain map, as `labels.SelectorFromSet`;
//!   the empty map selects everything.
//! - [`LabelSelector::for_service`]: a Service's (or ReplicationController's)
//!   map; an empty one selects nothing, since a Service without a selector
//!   has its endpoints managed by hand.
//! - [`LabelSelector::read`] / [`LabelSelector::read_map`]: the same two
//!   shapes as the bundled rules read any manifest, misshapen or not, with
//!   the semantics of the Rego they replaced: a selector that is not an
//!   object selects nothing, a term list that is not a list constrains
//!   nothing, an unknown operator selects nothing (and says why).
//!
//! Labels are strings in Kubernetes, but a manifest on disk may hold a
//! number or a boolean where a string belongs (`version: 1`). Such a value
//! is a [`Label::Other`]: it equals only the same value, never its text, and
//! a label set to `false` does not count for `Exists` (the Rego rules tested
//! the label's truth).

use regorus::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A label value, or a value a selector compares labels with.
#[derive(Debug, Clone, PartialEq)]
pub enum Label<'a> {
    Text(Cow<'a, str>),
    /// A value that is not a string.
    Other(Cow<'a, Value>),
}

impl<'a> Label<'a> {
    fn of(value: &'a Value) -> Label<'a> {
        match value {
            Value::String(text) => Label::Text(Cow::Borrowed(text)),
            other => Label::Other(Cow::Borrowed(other)),
        }
    }

    fn into_owned(self) -> Label<'static> {
        match self {
            Label::Text(text) => Label::Text(Cow::Owned(text.into_owned())),
            Label::Other(value) => Label::Other(Cow::Owned(value.into_owned())),
        }
    }

    /// Whether the label counts as set for `Exists`.
    fn is_set(&self) -> bool {
        !matches!(self, Label::Other(value) if **value == Value::Bool(false))
    }
}

/// Anything with labels a selector can be matched against.
pub trait LabelSource {
    /// The value of label `key`, None when there is no such label.
    fn label(&self, key: &str) -> Option<Label<'_>>;
}

/// A labels object as a manifest holds it; anything but an object (or, as
/// Rego indexes them, a set) has no labels.
impl LabelSource for Value {
    fn label(&self, key: &str) -> Option<Label<'_>> {
        let key = Value::from(key);
        match self {
            Value::Object(map) => map.get(&key).map(Label::of),
            Value::Set(items) => items.get(&key).map(Label::of),
            _ => None,
        }
    }
}

/// A labels object from the API (or any JSON); anything but an object has
/// no labels.
impl LabelSource for serde_json::Value {
    fn label(&self, key: &str) -> Option<Label<'_>> {
        match self.get(key)? {
            serde_json::Value::String(text) => Some(Label::Text(Cow::Borrowed(text))),
            other => Some(Label::Other(Cow::Owned(Value::from(other.clone())))),
        }
    }
}

impl LabelSource for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<Label<'_>> {
        self.get(key).map(|text| Label::Text(Cow::Borrowed(text)))
    }
}

impl LabelSource for [(String, String)] {
    fn label(&self, key: &str) -> Option<Label<'_>> {
        self.iter()
            .find(|(k, _)| k == key)
            .map(|(_, text)| Label::Text(Cow::Borrowed(text)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl Operator {
    fn named(name: &str) -> Option<Operator> {
        Some(match name {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            _ => return None,
        })
    }

    fn takes_values(self) -> bool {
        matches!(self, Operator::In | Operator::NotIn)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
        })
    }
}

/// One term of a selector: a `matchLabels` pair is `In` with one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement<'a> {
    /// None for a key that is not a string, which no label has.
    pub key: Option<Cow<'a, str>>,
    pub operator: Operator,
    pub values: Vec<Label<'a>>,
}

impl Requirement<'_> {
    pub fn matches(&self, labels: &(impl LabelSource + ?Sized)) -> bool {
        let label = self.key.as_deref().and_then(|key| labels.label(key));
        match self.operator {
            Operator::In => label.is_some_and(|label| self.values.contains(&label)),
            Operator::NotIn => label.is_none_or(|label| !self.values.contains(&label)),
            Operator::Exists => label.is_some_and(|label| label.is_set()),
            Operator::DoesNotExist => label.is_none(),
        }
    }

    fn into_owned(self) -> Requirement<'static> {
        Requirement {
            key: self.key.map(|key| Cow::Owned(key.into_owned())),
            operator: self.operator,
            values: self.values.into_iter().map(Label::into_owned).collect(),
        }
    }
}

/// Why a selector selects nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nothing {
    /// It is not an object (`null`, a list, a string).
    NotASelector,
    /// A Service's (or ReplicationController's) map selector with no pairs.
    NoPairs,
    /// A term the API server would reject.
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Terms<'a> {
    All(Vec<Requirement<'a>>),
    Nothing(Nothing),
}

/// A label selector; see the module documentation for what each
/// constructor makes of empty and absent selectors.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelSelector<'a> {
    terms: Terms<'a>,
}

/// Why a selector is not valid: the path inside the selector
/// (`["matchExpressions", "0"]`) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    pub path: Vec<String>,
    pub message: String,
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path.join("."), self.message)
        }
    }
}

impl std::error::Error for SelectorError {}

fn error(path: &[&str], message: impl Into<String>) -> SelectorError {
    SelectorError {
        path: path.iter().map(|s| s.to_string()).collect(),
        message: message.into(),
    }
}

/// The entries of a collection, as Rego's `some x in collection` visits
/// them; nothing for anything else.
fn members(collection: &Value) -> Vec<&Value> {
    match collection {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => Vec::new(),
    }
}

fn text_key(key: &Value) -> Option<Cow<'_, str>> {
    match key {
        Value::String(text) => Some(Cow::Borrowed(text)),
        _ => None,
    }
}

fn pairs<'v>(
    entries: impl Iterator<Item = (&'v Value, &'v Value)>,
) -> impl Iterator<Item = Requirement<'v>> {
    entries.map(|(key, value)| Requirement {
        key: text_key(key),
        operator: Operator::In,
        values: vec![Label::of(value)],
    })
}

impl<'a> LabelSelector<'a> {
    /// The selector that selects everything.
    pub fn everything() -> LabelSelector<'static> {
        LabelSelector {
            terms: Terms::All(Vec::new()),
        }
    }

    fn nothing(why: Nothing) -> LabelSelector<'a> {
        LabelSelector {
            terms: Terms::Nothing(why),
        }
    }

    /// The selector of a plain label map, as `labels.SelectorFromSet`:
    /// every pair must match; the empty map selects everything.
    pub fn from_map(map: &'a BTreeMap<String, String>) -> LabelSelector<'a> {
        LabelSelector {
            terms: Terms::All(
                map.iter()
                    .map(|(key, value)| Requirement {
                        key: Some(Cow::Borrowed(key)),
                        operator: Operator::In,
                        values: vec![Label::Text(Cow::Borrowed(value))],
                    })
                    .collect(),
            ),
        }
    }

    /// A Service's `spec.selector`: as [`LabelSelector::from_map`], except
    /// that the empty map selects nothing.
    pub fn for_service(map: &'a BTreeMap<String, String>) -> LabelSelector<'a> {
        if map.is_empty() {
            return LabelSelector::nothing(Nothing::NoPairs);
        }
        LabelSelector::from_map(map)
    }

    /// A `LabelSelector` object, validated as the API server does: maps and
    /// lists where they belong, string labels, a known operator with values
    /// exactly when it takes them, a key in every expression.
    pub fn parse(selector: &'a Value) -> Result<LabelSelector<'a>, SelectorError> {
        if !matches!(selector, Value::Object(_)) {
            return Err(error(&[], "a label selector must be an object"));
        }
        let mut requirements = Vec::new();
        match &selector["matchLabels"] {
            Value::Undefined | Value::Null => {}
            Value::Object(map) => {
                if !map
                    .iter()
                    .all(|pair| matches!(pair, (Value::String(_), Value::String(_))))
                {
                    return Err(error(
                        &["matchLabels"],
                        "matchLabels values must be strings",
                    ));
                }
                requirements.extend(pairs(map.iter()));
            }
            _ => return Err(error(&["matchLabels"], "matchLabels must be a map")),
        }
        let expressions: Vec<&Value> = match &selector["matchExpressions"] {
            Value::Undefined | Value::Null => Vec::new(),
            Value::Array(items) => items.iter().collect(),
            _ => {
                return Err(error(
                    &["matchExpressions"],
                    "matchExpressions must be a list",
                ));
            }
        };
        for (index, expression) in expressions.iter().enumerate() {
            let index = index.to_string();
            let at = ["matchExpressions", index.as_str()];
            let key = match &expression["key"] {
                Value::String(key) => key.as_ref(),
                _ => "",
            };
            let name = match &expression["operator"] {
                Value::String(name) => name.as_ref(),
                _ => "",
            };
            let Some(operator) = Operator::named(name) else {
                return Err(error(
                    &at,
                    format!("operator {name:?} is not one of In, NotIn, Exists, DoesNotExist"),
                ));
            };
            let values: Vec<&Value> = match &expression["values"] {
                Value::Undefined | Value::Null => Vec::new(),
                Value::Array(items) if items.iter().all(|v| matches!(v, Value::String(_))) => {
                    items.iter().collect()
                }
                _ => return Err(error(&at, "values must be a list of strings")),
            };
            if key.is_empty() {
                return Err(error(&at, "a match expression needs a key"));
            }
            if operator.takes_values() && values.is_empty() {
                return Err(error(&at, format!("operator {operator} needs values")));
            }
            if !operator.takes_values() && !values.is_empty() {
                return Err(error(&at, format!("operator {operator} takes no values")));
            }
            requirements.push(Requirement {
                key: Some(Cow::Borrowed(key)),
                operator,
                values: values.into_iter().map(Label::of).collect(),
            });
        }
        Ok(LabelSelector {
            terms: Terms::All(requirements),
        })
    }

    /// [`LabelSelector::parse`] for a selector as JSON (an API object's).
    pub fn parse_json(
        selector: &serde_json::Value,
    ) -> Result<LabelSelector<'static>, SelectorError> {
        let value = Value::from(selector.clone());
        LabelSelector::parse(&value).map(LabelSelector::into_owned)
    }

    /// A `LabelSelector` as the bundled rules read one from any manifest:
    /// not an object selects nothing; `matchLabels` or `matchExpressions`
    /// that are not collections constrain nothing; an expression with an
    /// unknown operator selects nothing; `In` and `NotIn` without a list of
    /// values compare with no values.
    pub fn read(selector: &'a Value) -> LabelSelector<'a> {
        if !matches!(selector, Value::Object(_)) {
            return LabelSelector::nothing(Nothing::NotASelector);
        }
        let mut requirements: Vec<Requirement<'a>> = match &selector["matchLabels"] {
            Value::Object(map) => pairs(map.iter()).collect(),
            _ => Vec::new(),
        };
        let expressions = match &selector["matchExpressions"] {
            terms @ (Value::Array(_) | Value::Set(_) | Value::Object(_)) => members(terms),
            _ => Vec::new(),
        };
        for expression in expressions {
            let operator = match &expression["operator"] {
                Value::String(name) => Operator::named(name),
                _ => None,
            };
            let Some(operator) = operator else {
                let why = match &expression["operator"] {
                    Value::Undefined => "a match expression needs an operator".to_string(),
                    other => format!(
                        "operator {} is not one of In, NotIn, Exists, DoesNotExist",
                        other.to_json_str().unwrap_or_default()
                    ),
                };
                return LabelSelector::nothing(Nothing::Invalid(why));
            };
            requirements.push(Requirement {
                key: text_key(&expression["key"]),
                operator,
                values: members(&expression["values"])
                    .into_iter()
                    .map(Label::of)
                    .collect(),
            });
        }
        LabelSelector {
            terms: Terms::All(requirements),
        }
    }

    /// A Service's (or ReplicationController's) map selector as the
    /// bundled rules read one: every pair must match; an empty map, or
    /// anything but a map, selects nothing.
    pub fn read_map(selector: &'a Value) -> LabelSelector<'a> {
        match selector {
            Value::Object(map) if map.is_empty() => LabelSelector::nothing(Nothing::NoPairs),
            Value::Object(map) => LabelSelector {
                terms: Terms::All(pairs(map.iter()).collect()),
            },
            _ => LabelSelector::nothing(Nothing::NotASelector),
        }
    }

    /// Whether the selector picks an object with `labels`.
    pub fn matches(&self, labels: &(impl LabelSource + ?Sized)) -> bool {
        match &self.terms {
            Terms::All(requirements) => requirements.iter().all(|r| r.matches(labels)),
            Terms::Nothing(_) => false,
        }
    }

    /// The terms, all of which must hold; None when it selects nothing.
    pub fn requirements(&self) -> Option<&[Requirement<'a>]> {
        match &self.terms {
            Terms::All(requirements) => Some(requirements),
            Terms::Nothing(_) => None,
        }
    }

    /// Why the selector selects nothing, when it does by construction.
    pub fn selects_nothing(&self) -> Option<&Nothing> {
        match &self.terms {
            Terms::All(_) => None,
            Terms::Nothing(why) => Some(why),
        }
    }

    /// The same selector, owning its keys and values.
    pub fn into_owned(self) -> LabelSelector<'static> {
        LabelSelector {
            terms: match self.terms {
                Terms::All(requirements) => Terms::All(
                    requirements
                        .into_iter()
                        .map(Requirement::into_owned)
                        .collect(),
                ),
                Terms::Nothing(why) => Terms::Nothing(why),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value {
        Value::from_json_str(json).unwrap()
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn set_based_requirements_follow_apimachinery() {
        let selector = value(
            r#"{"matchLabels": {"app": "web"}, "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "track", "operator": "NotIn", "values": ["canary"]},
                {"key": "team", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist"}]}"#,
        );
        let selector = LabelSelector::parse(&selector).unwrap();
        let base = [("app", "web"), ("tier", "edge"), ("team", "a")];
        assert!(selector.matches(&labels(&base)));
        assert!(selector.matches(&labels(&[base[0], base[1], base[2], ("track", "stable")])));
        assert!(!selector.matches(&labels(&[base[0], base[1], base[2], ("track", "canary")])));
        assert!(!selector.matches(&labels(&[base[0], base[1], base[2], ("legacy", "")])));
        assert!(!selector.matches(&labels(&[base[0], base[1]])));
        assert!(!selector.matches(&labels(&[base[0], ("tier", "back"), base[2]])));
        assert!(!selector.matches(&labels(&[("app", "db"), base[1], base[2]])));
    }

    #[test]
    fn empty_selectors_select_everything_except_a_services() {
        let empty = value("{}");
        let none = BTreeMap::new();
        assert!(LabelSelector::parse(&empty).unwrap().matches(&none));
        assert!(LabelSelector::read(&empty).matches(&labels(&[("a", "b")])));
        assert!(LabelSelector::from_map(&none).matches(&labels(&[("a", "b")])));
        assert!(LabelSelector::everything().matches(&none));
        let service = LabelSelector::for_service(&none);
        assert!(!service.matches(&labels(&[("a", "b")])));
        assert_eq!(service.selects_nothing(), Some(&Nothing::NoPairs));
        assert!(!LabelSelector::read_map(&empty).matches(&none));
        let web = labels(&[("app", "web")]);
        assert!(LabelSelector::for_service(&web).matches(&labels(&[("app", "web"), ("x", "y")])));
        assert!(!LabelSelector::for_service(&web).matches(&none));
    }

    #[test]
    fn invalid_selectors_say_where_and_why() {
        let cases = [
            (r#"[]"#, "", "a label selector must be an object"),
            (
                r#"{"matchLabels": []}"#,
                "matchLabels",
                "matchLabels must be a map",
            ),
            (
                r#"{"matchLabels": {"a": 1}}"#,
                "matchLabels",
                "matchLabels values must be strings",
            ),
            (
                r#"{"matchExpressions": {}}"#,
                "matchExpressions",
                "matchExpressions must be a list",
            ),
            (
                r#"{"matchExpressions": [{"key": "a", "operator": "Has"}]}"#,
                "matchExpressions.0",
                r#"operator "Has" is not one of In, NotIn, Exists, DoesNotExist"#,
            ),
            (
                r#"{"matchExpressions": [{"key": "a", "operator": "In", "values": [1]}]}"#,
                "matchExpressions.0",
                "values must be a list of strings",
            ),
            (
                r#"{"matchExpressions": [{"operator": "Exists"}]}"#,
                "matchExpressions.0",
                "a match expression needs a key",
            ),
            (
                r#"{"matchExpressions": [{"key": "a", "operator": "Exists"}, {"key": "a", "operator": "NotIn"}]}"#,
                "matchExpressions.1",
                "operator NotIn needs values",
            ),
            (
                r#"{"matchExpressions": [{"key": "a", "operator": "DoesNotExist", "values": ["x"]}]}"#,
                "matchExpressions.0",
                "operator DoesNotExist takes no values",
            ),
        ];
        for (selector, path, message) in cases {
            let parsed = value(selector);
            let problem = LabelSelector::parse(&parsed).unwrap_err();
            assert_eq!(problem.path.join("."), path, "{selector}");
            assert_eq!(problem.message, message, "{selector}");
        }
    }

    #[test]
    fn read_selects_nothing_for_an_unknown_operator_and_says_why() {
        let selector = value(r#"{"matchExpressions": [{"key": "a", "operator": "Has"}]}"#);
        let read = LabelSelector::read(&selector);
        assert!(!read.matches(&labels(&[("a", "b")])));
        assert_eq!(
            read.selects_nothing(),
            Some(&Nothing::Invalid(
                r#"operator "Has" is not one of In, NotIn, Exists, DoesNotExist"#.into()
            ))
        );
        assert_eq!(
            LabelSelector::read(&Value::Null).selects_nothing(),
            Some(&Nothing::NotASelector)
        );
    }

    #[test]
    fn json_selectors_and_labels_match_as_values_do() {
        let selector: serde_json::Value = serde_json::from_str(
            r#"{"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "v", "operator": "NotIn", "values": ["1"]}]}"#,
        )
        .unwrap();
        let selector = LabelSelector::parse_json(&selector).unwrap();
        let object_labels: serde_json::Value =
            serde_json::from_str(r#"{"app": "web", "v": 1}"#).unwrap();
        assert!(selector.matches(&object_labels));
        let text: serde_json::Value = serde_json::from_str(r#"{"app": "web", "v": "1"}"#).unwrap();
        assert!(!selector.matches(&text));
        assert!(!selector.matches(&serde_json::Value::Null));
        assert_eq!(
            selector.requirements().map(<[_]>::len),
            Some(2),
            "one term per pair and expression"
        );
    }

    #[test]
    fn slices_of_pairs_are_label_sets() {
        let selector = value(r#"{"matchExpressions": [{"key": "env", "operator": "Exists"}]}"#);
        let selector = LabelSelector::parse(&selector).unwrap().into_owned();
        let with: &[(String, String)] = &[("env".into(), "prod".into())];
        let without: &[(String, String)] = &[("tier".into(), "env".into())];
        assert!(selector.matches(with));
        assert!(!selector.matches(without));
    }
}
